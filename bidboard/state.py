"""Local ingestion state in ``<data dir>/state.sqlite3``: what was handled (by content hash or
reference), the quarantine, the webhook spool, and small key/value state (IMAP UIDs, feed
ETags). Every write commits at once: a crash loses nothing that was acknowledged."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OPEN_TIMEOUT = 30.0  # seconds to wait for another writer of the state file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS handled (
    ref TEXT PRIMARY KEY, source TEXT NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, source_ref TEXT NOT NULL,
    reason TEXT NOT NULL, excerpt TEXT NOT NULL DEFAULT '', at TEXT NOT NULL,
    UNIQUE (source_ref, reason));
CREATE TABLE IF NOT EXISTS spool (
    id TEXT PRIMARY KEY, received_at TEXT NOT NULL, body BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending');
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending_drafts (
    job_key TEXT PRIMARY KEY, page_id TEXT NOT NULL, alert TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS card_stages (page_id TEXT PRIMARY KEY, stage TEXT NOT NULL);
"""


@dataclass(frozen=True)
class QuarantineEntry:
    source: str
    source_ref: str
    reason: str
    excerpt: str
    at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StateStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=OPEN_TIMEOUT
        )
        self._lock = threading.Lock()
        self._create()

    def _create(self) -> None:
        """WAL mode and the tables. Another process making the same new file at the same
        moment (two ingesters on a fresh data dir) can hold the lock that the switch to WAL
        needs, and SQLite answers that at once, not after the busy timeout: try again."""
        deadline = time.monotonic() + OPEN_TIMEOUT
        while True:
            try:
                with self._lock:
                    self._db.execute("PRAGMA journal_mode=WAL")
                    self._db.executescript(_SCHEMA)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            time.sleep(0.02)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> StateStore:
        return cls(data_dir / "state.sqlite3")

    def _run(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # handled items -------------------------------------------------------------------------
    def status(self, ref: str) -> str | None:
        rows = self._run("SELECT status FROM handled WHERE ref=?", (ref,))
        return str(rows[0][0]) if rows else None

    def mark(self, ref: str, source: str, status: str) -> None:
        self._run(
            "INSERT OR REPLACE INTO handled (ref, source, status, at) VALUES (?,?,?,?)",
            (ref, source, status, _now()),
        )

    # quarantine ----------------------------------------------------------------------------
    def quarantine(self, source: str, source_ref: str, reason: str, excerpt: str = "") -> None:
        self._run(
            "INSERT OR IGNORE INTO quarantine (source, source_ref, reason, excerpt, at) "
            "VALUES (?,?,?,?,?)",
            (source, source_ref, reason, excerpt[:500], _now()),
        )

    def quarantined(self) -> list[QuarantineEntry]:
        rows = self._run(
            "SELECT source, source_ref, reason, excerpt, at FROM quarantine ORDER BY id"
        )
        return [QuarantineEntry(*row) for row in rows]

    # webhook spool -------------------------------------------------------------------------
    def spool_put(self, item_id: str, body: bytes) -> bool:
        """Keep an accepted alert until the pipeline has it; False if it was there already."""
        rows = self._run(
            "INSERT OR IGNORE INTO spool (id, received_at, body) VALUES (?,?,?) RETURNING id",
            (item_id, _now(), body),
        )
        return bool(rows)

    def spool_pending(self, limit: int = 1000) -> list[tuple[str, str, bytes]]:
        rows = self._run(
            "SELECT id, received_at, body FROM spool WHERE status='pending' "
            "ORDER BY received_at, id LIMIT ?",
            (limit,),
        )
        return [(str(r[0]), str(r[1]), bytes(r[2])) for r in rows]

    def spool_finish(self, item_id: str, status: str) -> None:
        self._run("UPDATE spool SET status=? WHERE id=?", (status, item_id))

    # jobs the daily cap held back, kept until drafted ------------------------------------------
    def pending_put(self, job_key: str, page_id: str, alert_json: str) -> None:
        self._run(
            "INSERT OR REPLACE INTO pending_drafts (job_key, page_id, alert, at) VALUES (?,?,?,?)",
            (job_key, page_id, alert_json, _now()),
        )

    def pending(self) -> list[tuple[str, str, str]]:
        rows = self._run("SELECT job_key, page_id, alert FROM pending_drafts ORDER BY at")
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    def pending_drop(self, job_key: str) -> None:
        self._run("DELETE FROM pending_drafts WHERE job_key=?", (job_key,))

    # the stage board sync last saw each card in ----------------------------------------------
    def card_stages(self, page_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(page_ids), 500):
            batch = page_ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows = self._run(
                f"SELECT page_id, stage FROM card_stages WHERE page_id IN ({marks})",  # noqa: S608
                tuple(batch),
            )
            found.update({str(r[0]): str(r[1]) for r in rows})
        return found

    def save_card_stages(self, stages: dict[str, str]) -> None:
        """Record many cards' stages in one transaction."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO card_stages (page_id, stage) VALUES (?,?)",
                    list(stages.items()),
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # key/value -----------------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        rows = self._run("SELECT value FROM kv WHERE key=?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def put(self, key: str, value: Any) -> None:
        self._run("INSERT OR REPLACE INTO kv (key, value) VALUES (?,?)", (key, json.dumps(value)))

    def close(self) -> None:
        with self._lock:
            self._db.close()
