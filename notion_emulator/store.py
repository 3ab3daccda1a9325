"""Storage: every object is a JSON document in SQLite, indexed in memory.

The emulator serves from the in-memory index and writes through to SQLite, so a file given with
``--db`` survives a restart and ``:memory:`` (the default) costs nothing. One request is one
transaction: handlers validate everything first, then write, then :meth:`Store.commit`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

BLOCK_KINDS = ("page", "block", "database")


class Store:
    def __init__(self, path: str | None = None) -> None:
        self.path = path or ":memory:"
        self.lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.executescript(_SCHEMA)
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._docs: dict[str, dict[str, Any]] = {}
        self._pages_by_source: dict[str, dict[str, None]] = {}
        self._dirty: dict[str, dict[str, Any]] = {}
        for (data,) in self._db.execute("SELECT data FROM documents ORDER BY seq"):
            self._index(json.loads(data))
        self.meta: dict[str, str] = dict(self._db.execute("SELECT key, value FROM meta"))
        self._seq = int(self.meta.get("seq", 0))
        self._meta_dirty = False
        #: Blocks this request adds (pages and databases are blocks too), not yet committed.
        self.new_blocks = 0

    def _index(self, doc: dict[str, Any]) -> None:
        self._docs[doc["id"]] = doc
        if doc["kind"] == "page" and doc["parent"]["type"] == "data_source_id":
            source = doc["parent"]["data_source_id"]
            self._pages_by_source.setdefault(source, {})[doc["id"]] = None

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def get(self, object_id: str, kind: str | None = None) -> dict[str, Any] | None:
        doc = self._docs.get(object_id)
        if doc is None or (kind is not None and doc["kind"] != kind):
            return None
        return doc

    @property
    def lifetime_blocks(self) -> int:
        """Every block, page and database ever created in this workspace: deleting or
        trashing gives nothing back, as with Notion's Free plan limit."""
        return int(self.meta.get("lifetime_blocks", 0))

    def put(self, doc: dict[str, Any]) -> None:
        if doc["kind"] in BLOCK_KINDS and doc["id"] not in self._docs:
            self.new_blocks += 1
        self._index(doc)
        self._dirty[doc["id"]] = doc

    def delete(self, object_id: str) -> None:
        doc = self._docs.pop(object_id, None)
        if doc is not None:
            self._dirty[object_id] = {"id": object_id, "kind": "__deleted__"}

    def of_kind(self, kind: str) -> Iterator[dict[str, Any]]:
        return (d for d in list(self._docs.values()) if d["kind"] == kind)

    def pages_of(self, data_source_id: str) -> list[dict[str, Any]]:
        ids = self._pages_by_source.get(data_source_id, {})
        return [self._docs[i] for i in ids if i in self._docs]

    def set_meta(self, key: str, value: str | None) -> None:
        """A workspace fact kept with the data (written at the next commit)."""
        if value is None:
            self.meta.pop(key, None)
        else:
            self.meta[key] = value
        self._meta_dirty = True

    def commit(self) -> None:
        """Write what this request changed to SQLite in one transaction."""
        if self.new_blocks:
            self.meta["lifetime_blocks"] = str(self.lifetime_blocks + self.new_blocks)
            self.new_blocks = 0
        if not self._dirty and not self._meta_dirty:
            return
        self.meta["seq"] = str(self._seq)
        with self.lock:
            self._db.execute("BEGIN")
            try:
                for object_id, doc in self._dirty.items():
                    if doc["kind"] == "__deleted__":
                        self._db.execute("DELETE FROM documents WHERE id=?", (object_id,))
                    else:
                        self._db.execute(
                            "INSERT OR REPLACE INTO documents (id, kind, seq, data) "
                            "VALUES (?, ?, ?, ?)",
                            (
                                object_id,
                                doc["kind"],
                                doc.get("seq", 0),
                                json.dumps(doc, ensure_ascii=False),
                            ),
                        )
                self._db.execute("DELETE FROM meta")
                self._db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)", sorted(self.meta.items())
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            finally:
                self._dirty.clear()
                self._meta_dirty = False

    def rollback(self) -> None:
        """Forget unwritten changes by reloading the touched documents from SQLite."""
        with self.lock:
            for object_id in list(self._dirty):
                self._docs.pop(object_id, None)
                row = self._db.execute(
                    "SELECT data FROM documents WHERE id=?", (object_id,)
                ).fetchone()
                if row:
                    self._index(json.loads(row[0]))
            self._dirty.clear()
            self.new_blocks = 0

    def close(self) -> None:
        self._db.close()
