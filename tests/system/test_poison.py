"""One poison value never stops ingest: a job whose card cannot be written (an infinite client
spend, a title holding a lone surrogate) is quarantined with its reason, every other job gets its
card, and the messages of the cards that landed are moved as usual, run after run."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from bidboard.cli.localserver import BackgroundServer
from bidboard.cli.watch import ingest_once
from bidboard.models import MACHINE_STAGES
from bidboard.notion.gateway import BoardGateway
from bidboard.pipeline import process_alerts
from bidboard.state import StateStore
from notion_emulator.app import Emulator
from tests.support.builders import alert_email, init_workspace
from tests.support.notion import Board
from tests.support.pipeline import alerts, cards, config
from tests.support.runs import board_keys, job, key_of, mailbox, settings_for

SOAK = bool(os.environ.get("BIDBOARD_SOAK"))


def test_a_card_that_cannot_be_written_never_stops_the_others(board: Board) -> None:
    good = alerts()
    # values a parser let through, as the probe found them: written, they fail in the codec
    # (CodecError: inf) and in the JSON encoding of the request (UnicodeEncodeError)
    infinite = good[0].model_copy(
        update={"job_key": "~01deadbeef00000001", "client_spend_usd": float("inf")}
    )
    surrogate = good[1].model_copy(
        update={"job_key": "~01deadbeef00000002", "title": "FastAPI \ud800 backend"}
    )
    report = process_alerts(
        [infinite, *good, surrogate], BoardGateway(board.notion, board.workspace), config()
    )
    on_board = cards(board)
    assert set(on_board) == {a.job_key for a in good}
    assert set(report.failed) == {infinite.job_key, surrogate.job_key}
    assert "not a number Notion can store" in report.failed[infinite.job_key]
    assert "surrogate" in report.failed[surrogate.job_key]
    assert all(c.card.stage in MACHINE_STAGES for c in on_board.values())


def poison_mail(key: str) -> bytes:
    """An alert email whose client spent "$999…9K" (400 nines): an infinite number."""
    body = alert_email(key, "FastAPI backend poison").decode()
    return body.replace("$79K spent", "$" + "9" * 400 + "K spent").encode()


def test_poison_alerts_are_quarantined_and_every_other_job_lands_run_after_run(
    dovecot: Any, emulator_server: tuple[Emulator, BackgroundServer], tmp_path: Path
) -> None:
    _app, server = emulator_server
    folder = f"poison-{uuid.uuid4().hex[:6]}"
    processed, quarantine = f"{folder}-done", f"{folder}-quarantine"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings = settings_for(
        server,
        tmp_path / "data",
        alerts_dir=inbox,
        **mailbox(dovecot, folder, processed, imap_quarantine_folder=quarantine),
    )
    init_workspace(settings)
    dovecot.deliver(folder)
    rounds = 10 if SOAK else 3
    wanted: set[str] = set()
    poison = blocked = 0
    for round_ in range(rounds):  # each round: good mail and files, and one of each poison
        keys = [f"~01{0xB0A50000 + round_ * 10 + i:016x}" for i in range(3)]
        dovecot.deliver(
            folder,
            *(alert_email(k, f"FastAPI backend {round_}-{i}") for i, k in enumerate(keys)),
            poison_mail(f"~01{0xB0A5F000 + round_:016x}"),
        )
        jobs = [job(2000 + round_ * 3 + i) for i in range(3)]
        (inbox / f"good-{round_}.json").write_text(json.dumps(jobs))
        spend = json.dumps(dict(job(2900 + round_), client_spend_usd=1))
        (inbox / f"inf-{round_}.json").write_text(
            spend.replace('"client_spend_usd": 1', '"client_spend_usd": 1e999')
        )
        surrogate = dict(job(2950 + round_))
        surrogate["title"] = "FastAPI \ud800 backend"
        (inbox / f"surrogate-{round_}.json").write_text(json.dumps(surrogate))
        poison += 3
        wanted |= set(keys) | {key_of(j) for j in jobs}
        try:
            ingest_once(settings)
        except Exception:
            blocked += 1
    keys_on_board = board_keys(settings)
    store = StateStore.in_data_dir(settings.data_dir)
    quarantined = store.quarantined()
    store.close()
    print(
        f"\npoison_inputs={poison} poison_blocked_runs={blocked} "
        f"poison_quarantined={len(quarantined)} poison_good_lost={len(wanted - set(keys_on_board))}"
    )
    assert blocked == 0
    assert wanted <= set(keys_on_board)  # every good job, every run
    assert dovecot.subjects(folder) == []  # nothing left behind in the inbox
    assert len(dovecot.subjects(processed)) == rounds * 3
    assert dovecot.subjects(quarantine) == ["New job alert: FastAPI backend poison"] * rounds
    assert len(quarantined) == poison  # each poison with its reason
    assert ingest_once(settings).read == 0  # and nothing is read again


def test_a_refusal_that_hits_every_card_stops_the_run_and_keeps_every_alert(
    emulator_server: tuple[Emulator, BackgroundServer], tmp_path: Path
) -> None:
    import pytest

    from bidboard.errors import NotionError
    from bidboard.notion.workspace import load_workspace
    from bidboard.runtime import notion_from_settings
    from bidboard.schema.databases import JOBS

    _app, server = emulator_server
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "jobs.json").write_text(json.dumps([job(3000 + i) for i in range(4)]))
    settings = settings_for(server, tmp_path / "data", alerts_dir=inbox)
    init_workspace(settings)
    notion = notion_from_settings(settings)
    source = load_workspace(settings.data_dir, settings.notion_base_url).ids(JOBS.key)

    def rename(old: str, new: str) -> None:
        notion.call(
            "person renames a column",
            notion.client.data_sources.update,
            source.data_source_id,
            safe=True,
            properties={old: {"name": new}},
        )

    try:
        rename("Score", "Fit")  # every card bidboard writes now names a missing property
        with pytest.raises(NotionError):
            ingest_once(settings)
        store = StateStore.in_data_dir(settings.data_dir)
        assert store.quarantined() == []  # not one alert given up on
        store.close()
        rename("Fit", "Score")
        assert ingest_once(settings).read == 1  # the file is read again, all its jobs land
    finally:
        notion.close()
    assert set(board_keys(settings)) == {key_of(job(3000 + i)) for i in range(4)}
