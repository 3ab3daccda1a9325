"""``bidboard watch`` against a real Dovecot and the emulator: an alert email becomes a card
seconds after it arrives (IMAP IDLE), well before the 60-second safety poll."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bidboard.cli.localserver import BackgroundServer
from bidboard.cli.watch import watch
from bidboard.ingest import IngestResult
from bidboard.settings import Settings
from notion_emulator import create_app
from tests.support.builders import init_workspace, watch_settings
from tests.support.paths import FIXTURES


@pytest.fixture
def settings(dovecot: Any, tmp_path: Path) -> Iterator[Settings]:
    app = create_app(rate_limit=0)
    with BackgroundServer(app) as server:
        made = watch_settings(dovecot, server.url, tmp_path / "data")
        init_workspace(made)
        yield made
    app.store.close()


def test_an_alert_becomes_a_card_seconds_after_it_arrives(dovecot: Any, settings: Settings) -> None:
    assert settings.imap_folder is not None
    dovecot.deliver(settings.imap_folder)  # the folder exists, empty
    runs: list[tuple[float, IngestResult]] = []
    running = threading.Event()
    running.set()

    thread = threading.Thread(
        target=watch,
        args=(settings,),
        kwargs={
            "idle_seconds": 60,
            "keep_going": running.is_set,
            "on_run": lambda result: runs.append((time.monotonic(), result)),
        },
        daemon=True,
    )
    thread.start()
    deadline = time.monotonic() + 60
    while not runs:  # the first run, at start: nothing to read
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert runs[0][1].read == 0
    time.sleep(1)  # the watcher is waiting in IDLE now

    delivered = time.monotonic()
    dovecot.deliver(settings.imap_folder, (FIXTURES / "01-single-alert-qp.eml").read_bytes())
    while len(runs) < 2 or not any(o.created for o in runs[-1][1].batch.outcomes):
        assert time.monotonic() - delivered < 55, "no card 55 s after the alert arrived"
        time.sleep(0.1)
    latency = runs[-1][0] - delivered
    # IDLE woke it: the safety poll would come at 60 s. On an idle machine it takes 2-3 s;
    # the margin is for a loaded one (it once took over 15 s with five suites on 2 cores)
    assert latency < 30

    running.clear()
    dovecot.deliver(settings.imap_folder, b"Subject: wake up\r\n\r\nnot an alert\r\n")
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert dovecot.subjects(settings.imap_folder) == ["wake up"]  # the alert was moved ...
    assert len(dovecot.subjects("bidboard-processed")) >= 1  # ... to the processed folder


class OnePacketIdleServer:
    """A scripted IMAP server that answers IDLE with "+ idling" and "* 1 EXISTS" in one TCP
    write, as a busy server may: the news then sits in imaplib's read buffer, not the socket."""

    def __init__(self) -> None:
        import socket

        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn, conn.makefile("rb") as lines:
            conn.sendall(b"* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n")
            for line in lines:
                tag, _, command = line.decode().strip().partition(" ")
                verb = command.split(" ")[0].upper()
                if verb == "CAPABILITY":
                    conn.sendall(b"* CAPABILITY IMAP4rev1 IDLE\r\n")
                if verb == "SELECT":
                    conn.sendall(b"* 0 EXISTS\r\n")
                if verb == "IDLE":
                    conn.sendall(b"+ idling\r\n* 1 EXISTS\r\n")  # one write
                    lines.readline()  # DONE
                if verb == "LOGOUT":
                    conn.sendall(b"* BYE\r\n" + f"{tag} OK bye\r\n".encode())
                    return
                conn.sendall(f"{tag} OK done\r\n".encode())

    def close(self) -> None:
        self.listener.close()


def test_idle_news_that_came_with_the_continuation_is_not_missed() -> None:
    from bidboard.inbox.imap import Idler, ImapConfig, ImapSource
    from bidboard.state import StateStore

    server = OnePacketIdleServer()
    config = ImapConfig(
        host="127.0.0.1",
        port=server.port,
        security="none",
        user="u",
        password=SecretStr("p"),
        processed_folder=None,
        quarantine_folder=None,
    )
    store = StateStore(":memory:")
    idler = Idler(config, ImapSource(config, store))
    try:
        started = time.monotonic()
        assert idler.wait(30) is True
        assert time.monotonic() - started < 5  # not the 30-second safety timeout
    finally:
        idler.drop()
        store.close()
        server.close()
