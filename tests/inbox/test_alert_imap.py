"""The IMAP source against a real Dovecot on loopback."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr

from bidboard.alerts.parse import parse_raw
from bidboard.errors import AlertError, ConfigError
from bidboard.inbox.imap import ImapConfig, ImapSource
from bidboard.state import StateStore
from tests.support.imap_server import PASSWORD, USER
from tests.support.paths import FIXTURES

#: when the alerts came (an email's own Date header wins)
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=UTC)


def mail(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def folder() -> str:
    return f"alerts-{uuid.uuid4().hex[:8]}"


def source(dovecot: Any, store: StateStore, folder: str, security: str = "starttls") -> ImapSource:
    return ImapSource(
        ImapConfig(
            host="127.0.0.1",
            user=USER,
            password=SecretStr(PASSWORD),
            security=security,  # type: ignore[arg-type]
            port=dovecot.imaps_port if security == "ssl" else dovecot.imap_port,
            folder=folder,
            processed_folder=f"{folder}-processed",
            quarantine_folder=f"{folder}-quarantine",
            ca_file=dovecot.ca_file,
            timeout=10,
        ),
        store,
    )


def handle(src: ImapSource) -> dict[str, int]:
    """What the ingest flow does: parse, then done / quarantine / skip each message."""
    counts = {"done": 0, "quarantined": 0, "skipped": 0, "jobs": 0}
    for raw in src.fetch():
        outcome = parse_raw(raw, RECEIVED)
        if outcome.alerts:
            counts["jobs"] += len(outcome.alerts)
            src.done(raw)
            counts["done"] += 1
        elif outcome.quarantined:
            src.quarantine(raw, outcome.quarantined[0].reason)
            counts["quarantined"] += 1
        else:
            src.skip(raw)
            counts["skipped"] += 1
    return counts


def test_fetch_move_after_done_quarantine_and_leave_the_rest(
    dovecot: Any, store: StateStore, folder: str
) -> None:
    dovecot.deliver(
        folder,
        mail("01-single-alert-qp.eml"),
        mail("04-digest-five-jobs.eml"),
        mail("16-not-alert-personal.eml"),
        mail("14-alert-without-job-key.eml"),
    )
    src = source(dovecot, store, folder)
    try:
        counts = handle(src)
    finally:
        src.close()
    assert counts == {"done": 2, "quarantined": 1, "skipped": 1, "jobs": 6}
    assert dovecot.subjects(folder) == ["Lunch"]  # not an alert: left where it was
    assert len(dovecot.subjects(f"{folder}-processed")) == 2
    assert dovecot.subjects(f"{folder}-quarantine") == ["New job alert: Mobile app redesign"]


def test_incremental_by_uid(dovecot: Any, store: StateStore, folder: str) -> None:
    dovecot.deliver(folder, mail("16-not-alert-personal.eml"))
    src = source(dovecot, store, folder)
    assert handle(src)["skipped"] == 1
    assert list(src.fetch()) == []  # the skipped message stays, but is not read again
    dovecot.deliver(folder, mail("01-single-alert-qp.eml"))
    assert handle(src) == {"done": 1, "quarantined": 0, "skipped": 0, "jobs": 1}
    src.close()


def test_a_message_is_moved_only_after_its_cards_exist(
    dovecot: Any, store: StateStore, folder: str
) -> None:
    dovecot.deliver(
        folder, mail("01-single-alert-qp.eml"), mail("03-new-job-subject-text-only.eml")
    )
    src = source(dovecot, store, folder)
    raws = list(src.fetch())
    src.done(raws[1])  # cards for the second one; the run dies before the first
    src.close()
    assert dovecot.subjects(folder) == ["New job alert: FastAPI backend for a logistics dashboard"]
    again = source(dovecot, store, folder)
    assert [parse_raw(r, RECEIVED).alerts[0].job_key for r in again.fetch()] == [
        "~01a1b2c3d4e5f60001"
    ]
    again.close()


def test_implicit_tls(dovecot: Any, store: StateStore, folder: str) -> None:
    dovecot.deliver(folder, mail("05-saved-search-alert.eml"))
    src = source(dovecot, store, folder, security="ssl")
    assert handle(src)["jobs"] == 2
    src.close()


def test_reconnect_after_the_server_restarts(dovecot: Any, store: StateStore, folder: str) -> None:
    dovecot.deliver(folder, mail("01-single-alert-qp.eml"), mail("02-single-html-only-base64.eml"))
    src = source(dovecot, store, folder)
    fetched = src.fetch()
    first = next(fetched)
    dovecot.restart()  # the connection the source holds is gone
    src.done(first)
    second = next(fetched)
    src.done(second)
    src.close()
    assert dovecot.subjects(folder) == []
    assert len(dovecot.subjects(f"{folder}-processed")) == 2


def test_a_message_that_arrives_mid_run_is_read_next_run(
    dovecot: Any, store: StateStore, folder: str
) -> None:
    dovecot.deliver(folder, mail("01-single-alert-qp.eml"))
    src = source(dovecot, store, folder)
    seen = []
    for raw in src.fetch():
        dovecot.deliver(folder, mail("02-single-html-only-base64.eml"))  # arrives now
        src.done(raw)
        seen.append(raw)
    assert len(seen) == 1
    assert [parse_raw(r, RECEIVED).alerts[0].job_key for r in src.fetch()] == [
        "~01a1b2c3d4e5f60002"
    ]
    src.close()


def test_wrong_password_is_a_clear_error(dovecot: Any, store: StateStore, folder: str) -> None:
    src = source(dovecot, store, folder)
    src.config.password = SecretStr("wrong")
    with pytest.raises(AlertError, match=r"IMAP search failed on 127\.0\.0\.1"):
        list(src.fetch())


def test_plaintext_imap_is_refused_beyond_loopback(store: StateStore) -> None:
    with pytest.raises(ConfigError, match="without TLS"):
        ImapSource(
            ImapConfig(host="imap.example.com", user="u", password=SecretStr("p"), security="none"),
            store,
        )
