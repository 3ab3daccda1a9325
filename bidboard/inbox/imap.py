"""The IMAP mailbox: read incrementally by UID, messages moved only when their cards exist, and
the connection that waits in IDLE (RFC 2177) for ``bidboard watch``."""

from __future__ import annotations

import contextlib
import imaplib
import io
import logging
import select
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from pydantic import SecretStr
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from bidboard.alerts.alert import RawAlert
from bidboard.errors import AlertError, ConfigError
from bidboard.state import StateStore

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class ImapConfig:
    host: str
    user: str
    password: SecretStr
    port: int | None = None
    security: Literal["ssl", "starttls", "none"] = "ssl"
    folder: str = "INBOX"
    processed_folder: str | None = "bidboard-processed"
    quarantine_folder: str | None = "bidboard-quarantine"
    ca_file: str | None = None
    timeout: float = 30.0

    def resolved_port(self) -> int:
        return self.port or (993 if self.security == "ssl" else 143)


@dataclass
class ImapSource:
    """An IMAP mailbox, read incrementally by UID.

    A message is moved to the processed folder only when ``done`` says all its jobs have cards,
    to the quarantine folder when it cannot be used, and left alone when it is not an alert.
    The highest UID below which every message was dealt with is kept (with UIDVALIDITY), so a
    message whose cards failed is read again on the next run. Connections that drop are opened
    again (three tries with back-off).
    """

    config: ImapConfig
    store: StateStore
    name: str = ""
    _conn: imaplib.IMAP4 | None = None
    _pending: set[int] = field(default_factory=set)
    _fetched: list[int] = field(default_factory=list)
    _validity: int = 0

    def __post_init__(self) -> None:
        self.name = self.name or f"imap:{self.config.user}@{self.config.host}/{self.config.folder}"
        if self.config.security == "none" and self.config.host not in (
            "127.0.0.1",
            "localhost",
            "::1",
        ):
            raise ConfigError(
                "IMAP without TLS is only allowed on this machine (loopback); "
                "use security ssl or starttls"
            )

    @property
    def _key(self) -> str:
        return (
            f"imap:{self.config.user}@{self.config.host}:{self.config.resolved_port()}/"
            f"{self.config.folder}"
        )

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.config.ca_file)

    def _connect(self) -> imaplib.IMAP4:
        cfg = self.config
        conn: imaplib.IMAP4
        if cfg.security == "ssl":
            conn = imaplib.IMAP4_SSL(
                cfg.host, cfg.resolved_port(), ssl_context=self._context(), timeout=cfg.timeout
            )
        else:
            conn = imaplib.IMAP4(cfg.host, cfg.resolved_port(), timeout=cfg.timeout)
            if cfg.security == "starttls":
                conn.starttls(self._context())
        try:
            conn.login(cfg.user, cfg.password.get_secret_value())
            conn.capability()
            for folder in (cfg.processed_folder, cfg.quarantine_folder):
                if folder:
                    conn.create(_quote(folder))  # an existing folder answers NO: fine
            status, _ = conn.select(_quote(cfg.folder))
            if status != "OK":
                raise AlertError(f"IMAP folder {cfg.folder!r} cannot be opened")
        except BaseException:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                conn.shutdown()
            raise
        return conn

    def _call(self, action: str, operation: Callable[[imaplib.IMAP4], T]) -> T:
        """Run ``operation(conn)``; a dropped connection is opened again, up to three times."""

        def attempt() -> T:
            if self._conn is None:
                self._conn = self._connect()
            try:
                return operation(self._conn)
            except (imaplib.IMAP4.abort, OSError):
                self._drop()
                raise

        retrying = Retrying(
            retry=retry_if_exception_type((imaplib.IMAP4.abort, OSError)),
            stop=stop_after_attempt(3),
            wait=wait_exponential(multiplier=0.2, max=2),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except (imaplib.IMAP4.error, OSError) as error:
            raise AlertError(f"IMAP {action} failed on {self.config.host}: {error}") from error

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):  # it is gone either way
                self._conn.shutdown()
        self._conn = None

    def _search(self, conn: imaplib.IMAP4) -> tuple[int, list[int]]:
        """UIDVALIDITY and the UIDs after the last one dealt with."""
        conn.select(_quote(self.config.folder))
        raw_validity = (conn.response("UIDVALIDITY")[1] or [b"0"])[-1]
        validity = int(raw_validity) if isinstance(raw_validity, bytes | str) else 0
        state = self.store.get(self._key, {})
        last = int(state.get("last_uid", 0)) if state.get("uidvalidity") == validity else 0
        status, data = conn.uid("SEARCH", f"UID {last + 1}:*")
        found = data[0] if status == "OK" and data and isinstance(data[0], bytes) else b""
        # "n:*" always names the newest message, even below n: keep only the new ones
        return validity, sorted(u for u in (int(x) for x in found.split()) if u > last)

    def _fetch_one(self, uid: int) -> bytes | None:
        def fetch(conn: imaplib.IMAP4) -> bytes | None:
            _status, data = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
            for item in data or []:
                if isinstance(item, tuple):
                    return bytes(item[1])
            return None

        return self._call("fetch", fetch)

    def fetch(self) -> Iterator[RawAlert]:
        self._validity, uids = self._call("search", self._search)
        for uid in uids:
            content = self._fetch_one(uid)
            if content is None:
                continue  # gone since the search (moved by another client)
            self._pending.add(uid)
            self._fetched.append(uid)
            yield RawAlert(
                "email", f"imap:{self.config.folder}:{self._validity}:{uid}", content, "email"
            )

    @staticmethod
    def _uid(raw: RawAlert) -> int:
        return int(raw.source_ref.rsplit(":", 1)[1])

    def _move(self, uid: int, folder: str | None) -> None:
        if folder:

            def move(conn: imaplib.IMAP4) -> None:
                if "MOVE" in conn.capabilities:
                    status, data = conn.uid("MOVE", str(uid), _quote(folder))
                else:
                    status, data = conn.uid("COPY", str(uid), _quote(folder))
                    if status == "OK":
                        conn.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
                        conn.expunge()
                if status != "OK" and b"EXPUNGEISSUED" in repr(data).encode():
                    # another client moved or deleted it meanwhile: it has left the folder,
                    # which is all "done" asks
                    logger.info("IMAP message already gone uid=%s folder=%s", uid, folder)
                elif status != "OK":
                    raise imaplib.IMAP4.error(f"move to {folder} refused: {data!r}")

            self._call(f"move to {folder}", move)
        self._pending.discard(uid)
        self._save_progress()

    def _save_progress(self) -> None:
        if not self._fetched:
            return
        last = (min(self._pending) - 1) if self._pending else max(self._fetched)
        self.store.put(self._key, {"uidvalidity": self._validity, "last_uid": last})

    def done(self, raw: RawAlert) -> None:
        self._move(self._uid(raw), self.config.processed_folder)

    def quarantine(self, raw: RawAlert, reason: str) -> None:
        self._move(self._uid(raw), self.config.quarantine_folder)

    def skip(self, raw: RawAlert) -> None:
        self._move(self._uid(raw), None)

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):  # closing anyway
                self._conn.logout()
        self._conn = None


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Idler:
    """An IMAP connection that waits for new mail with IDLE.

    Written over imaplib on purpose: IMAPClient's ``idle_check`` rests on the same imaplib
    internals (``_get_line`` on a socket it makes non-blocking) and has open reports of exactly
    the cases handled here (lines already buffered, incomplete lines: mjs/imapclient#519, #565).
    Python 3.14's ``imaplib.IMAP4.idle()`` (gh-55454) is the replacement once the project
    requires it."""

    def __init__(self, config: ImapConfig, source: ImapSource) -> None:
        self.config = config
        self.source = source  # for its connection logic (TLS, login, folder)
        self.conn: imaplib.IMAP4 | None = None

    def _open(self) -> imaplib.IMAP4:
        if self.conn is None:
            self.conn = self.source._connect()
            if "IDLE" not in self.conn.capabilities:
                raise ConfigError(f"IMAP server {self.config.host} does not support IDLE")
        return self.conn

    def _readable(self, conn: imaplib.IMAP4, timeout: float) -> bool:
        """Is a line waiting, or does one arrive within ``timeout``? A line may already sit in
        imaplib's read buffer (the server sent "+ idling" and "* 3 EXISTS" in one packet), where
        select() on the socket cannot see it: look there first, without blocking."""
        sock, buffered = conn.sock, conn.file
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return True
        if not isinstance(buffered, io.BufferedReader):  # imaplib's makefile("rb") always is
            raise AlertError("unexpected IMAP connection object")
        previous = sock.gettimeout()
        sock.setblocking(False)
        try:
            if buffered.peek(1):
                return True
        except (BlockingIOError, ssl.SSLWantReadError):
            pass
        finally:
            sock.settimeout(previous)
        ready, _, _ = select.select([sock], [], [], max(0.0, timeout))
        return bool(ready)

    def wait(self, seconds: float) -> bool:
        """Block until the server reports new mail (True) or ``seconds`` pass (False)."""
        conn = self._open()
        tag = conn._new_tag().decode()
        conn.send(f"{tag} IDLE\r\n".encode())
        arrived, deadline = False, time.monotonic() + seconds
        while True:  # untagged news may come before the continuation
            first = conn.readline()
            if first.startswith(b"+"):
                break
            if not first.startswith(b"*"):
                raise AlertError(f"IMAP IDLE refused: {first[:100]!r}")
            arrived = arrived or b"EXISTS" in first
        while not arrived and self._readable(conn, deadline - time.monotonic()):
            line = conn.readline()
            if not line:
                raise imaplib.IMAP4.abort("connection closed during IDLE")
            arrived = b"EXISTS" in line or b"RECENT" in line
            if time.monotonic() >= deadline:
                break
        conn.send(b"DONE\r\n")
        while True:  # the rest of IDLE's answer, up to its tagged completion
            line = conn.readline()
            if not line:
                raise imaplib.IMAP4.abort("connection closed ending IDLE")
            if line.startswith(tag.encode()):
                break
            arrived = arrived or b"EXISTS" in line
        return arrived

    def drop(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                self.conn.shutdown()
        self.conn = None
