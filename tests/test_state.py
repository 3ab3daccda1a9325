"""The local state file under processes and threads that open it at once: two ingesters started
together on a fresh data dir (a schedule and a Custom run, the watch and a serve) both open
``state.sqlite3`` while it is being made."""

from __future__ import annotations

import threading
from pathlib import Path

from bidboard.state import StateStore


def test_many_openers_of_a_new_state_file_at_once_all_open_it(tmp_path: Path) -> None:
    """Switching a new file to WAL takes a lock that SQLite does not wait for (it answers
    "database is locked" at once, whatever the busy timeout): about one round in a hundred
    failed before the opening retried."""
    failed: list[BaseException] = []
    for round_ in range(400):
        path = tmp_path / f"{round_}" / "state.sqlite3"
        barrier = threading.Barrier(8)

        def open_it(path: Path = path, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                store = StateStore(path)
            except Exception as error:  # collected: the assertion names the first
                failed.append(error)
                return
            store.put("opened", "yes")
            store.close()

        threads = [threading.Thread(target=open_it) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failed == []
    reopened = StateStore(tmp_path / "0" / "state.sqlite3")
    assert reopened.get("opened") == "yes"
    assert reopened._run("PRAGMA journal_mode") == [("wal",)]
    reopened.close()
