"""Where raw alerts come from: a folder of mail files, an IMAP mailbox, RSS/Atom feeds, and the
webhook spool. Every source leaves what it could not use where it was (the IMAP source moves it
to a quarantine folder) and learns that an alert is done only after all its jobs have cards."""

from __future__ import annotations

import contextlib
import hashlib
import imaplib
import logging
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, TypeVar

import httpx
from pydantic import SecretStr
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from bidboard.alerts.alert import RawAlert
from bidboard.alerts.email_parser import split_mbox
from bidboard.egress import FeedPolicy, guarded_client, is_forbidden
from bidboard.errors import AlertError, ConfigError, EgressRefused
from bidboard.inbox.files import EMAIL_SUFFIXES, FEED_SUFFIXES, JSON_SUFFIXES, MBOX_SUFFIXES
from bidboard.state import StateStore

logger = logging.getLogger(__name__)
T = TypeVar("T")


class AlertSource(Protocol):
    name: str

    def fetch(self) -> Iterator[RawAlert]: ...

    def done(self, raw: RawAlert) -> None:
        """Every job of ``raw`` has its card."""

    def quarantine(self, raw: RawAlert, reason: str) -> None:
        """``raw`` cannot be used; it stays in its source."""

    def skip(self, raw: RawAlert) -> None:
        """``raw`` is not an alert; it is left alone."""

    def close(self) -> None: ...


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class FolderSource:
    """A folder of ``.eml``/``.mbox`` files (and feed or JSON files): the offline default.

    Files are never moved or changed. A message already handled is recognised by its content
    hash, so a rerun is idempotent and a grown mbox yields only its new messages.
    """

    def __init__(self, path: Path, store: StateStore) -> None:
        self.path = Path(path)
        self.store = store
        self.name = f"folder:{self.path}"

    def _items(self, file: Path) -> Iterator[tuple[RawAlert, str]]:
        content = file.read_bytes()
        suffix = file.suffix.lower()
        if suffix in MBOX_SUFFIXES:
            for index, message in enumerate(split_mbox(content)):
                digest = _digest(message)
                yield (
                    RawAlert("email", f"file:{file}#{index}:{digest[:16]}", message, "email"),
                    digest,
                )
            return
        digest = _digest(content)
        if suffix in EMAIL_SUFFIXES:
            yield RawAlert("email", f"file:{file}:{digest[:16]}", content, "email"), digest
        elif suffix in FEED_SUFFIXES:
            yield RawAlert("rss", f"file:{file}:{digest[:16]}", content, "feed"), digest
        elif suffix in JSON_SUFFIXES:
            yield RawAlert("json", f"file:{file}:{digest[:16]}", content, "json"), digest

    def fetch(self) -> Iterator[RawAlert]:
        if not self.path.is_dir():
            raise ConfigError(f"alert folder {self.path} does not exist")
        suffixes = EMAIL_SUFFIXES + MBOX_SUFFIXES + FEED_SUFFIXES + JSON_SUFFIXES
        for file in sorted(
            p for p in self.path.iterdir() if p.is_file() and p.suffix.lower() in suffixes
        ):
            for raw, digest in self._items(file):
                if self.store.status(f"sha256:{digest}") is None:
                    yield raw

    def _mark(self, raw: RawAlert, status: str) -> None:
        self.store.mark(f"sha256:{_digest(raw.content)}", self.name, status)

    def done(self, raw: RawAlert) -> None:
        self._mark(raw, "done")

    def quarantine(self, raw: RawAlert, reason: str) -> None:
        self._mark(raw, "quarantined")

    def skip(self, raw: RawAlert) -> None:
        self._mark(raw, "skipped")

    def close(self) -> None:
        return None


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


UPWORK_FEED_REFUSAL = (
    "bidboard never fetches anything from Upwork (its own RSS feeds were "
    "switched off on 20 Aug 2024 anyway): use alert emails or a third-party "
    "alert feed"
)


@dataclass
class FeedSource:
    """An RSS/Atom feed of a third-party alert service, fetched with conditional GET."""

    url: str
    store: StateStore
    saved_search: str | None = None
    transport: httpx.BaseTransport | None = None
    name: str = ""
    #: hosts on loopback or private networks a feed may be fetched from (BIDBOARD_ALLOWED_HOSTS)
    allowed_hosts: tuple[str, ...] = ()
    _validators: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.name = self.name or f"feed:{self.url}"
        host = httpx.URL(self.url).host
        if is_forbidden(host):
            raise EgressRefused(host, UPWORK_FEED_REFUSAL)

    def fetch(self) -> Iterator[RawAlert]:
        cached = self.store.get(f"feed:{self.url}", {})
        headers = {"User-Agent": "bidboard (self-hosted alert reader)"}
        if cached.get("etag"):
            headers["If-None-Match"] = cached["etag"]
        if cached.get("last_modified"):
            headers["If-Modified-Since"] = cached["last_modified"]
        policy = FeedPolicy(self.allowed_hosts)
        with guarded_client(policy, transport=self.transport, timeout=30.0) as client:
            try:
                response = client.get(self.url, headers=headers)
            except httpx.HTTPError as error:
                raise AlertError(f"feed {self.url} could not be fetched: {error}") from error
        if response.status_code == 304:
            return
        if response.status_code != 200:
            raise AlertError(f"feed {self.url} answered {response.status_code}")
        self._validators = {
            k: v
            for k, v in (
                ("etag", response.headers.get("etag")),
                ("last_modified", response.headers.get("last-modified")),
            )
            if v
        }
        yield RawAlert("rss", f"feed:{self.url}", response.content, "feed", self.saved_search)

    def done(self, raw: RawAlert) -> None:
        """Remember the validators only now: a failed run fetches the feed again."""
        if self._validators:
            self.store.put(f"feed:{self.url}", self._validators)

    def quarantine(self, raw: RawAlert, reason: str) -> None:
        self.done(raw)  # the same bytes would fail again; the quarantine keeps the reason

    def skip(self, raw: RawAlert) -> None:
        self.done(raw)

    def close(self) -> None:
        return None


class SpoolSource:
    """Alerts accepted by the webhook receiver, kept in the spool until they have cards."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.name = "webhook"

    def fetch(self) -> Iterator[RawAlert]:
        for item_id, _received, body in self.store.spool_pending():
            yield RawAlert("json", f"webhook:{item_id}", body, "json")

    def _finish(self, raw: RawAlert, status: str) -> None:
        self.store.spool_finish(raw.source_ref.removeprefix("webhook:"), status)

    def done(self, raw: RawAlert) -> None:
        self._finish(raw, "done")

    def quarantine(self, raw: RawAlert, reason: str) -> None:
        self._finish(raw, "quarantined")

    def skip(self, raw: RawAlert) -> None:
        self._finish(raw, "skipped")

    def close(self) -> None:
        return None
