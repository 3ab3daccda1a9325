"""Where raw alerts come from: a folder of mail files, RSS/Atom feeds and the webhook spool (the
IMAP mailbox is ``bidboard.inbox.imap``). Every source leaves what it could not use where it was
(the IMAP source moves it to a quarantine folder) and learns that an alert is done only after all
its jobs have cards."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

import httpx

from bidboard.alerts.alert import RawAlert
from bidboard.alerts.email_parser import split_mbox
from bidboard.alerts.jobkey import is_upwork_host
from bidboard.egress import FeedPolicy, guarded_client
from bidboard.errors import AlertError, ConfigError, EgressRefused
from bidboard.inbox.files import file_kind
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


def content_digest(content: bytes) -> str:
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
        kind = file_kind(file)
        if kind == "mbox":
            for index, message in enumerate(split_mbox(content)):
                digest = content_digest(message)
                yield (
                    RawAlert("email", f"file:{file}#{index}:{digest[:16]}", message, "email"),
                    digest,
                )
            return
        digest = content_digest(content)
        if kind is not None:
            yield RawAlert(kind, f"file:{file}:{digest[:16]}", content, kind), digest

    def fetch(self) -> Iterator[RawAlert]:
        if not self.path.is_dir():
            raise ConfigError(f"alert folder {self.path} does not exist")
        for file in sorted(p for p in self.path.iterdir() if p.is_file() and file_kind(p)):
            for raw, digest in self._items(file):
                if self.store.status(f"sha256:{digest}") is None:
                    yield raw

    def _mark(self, raw: RawAlert, status: str) -> None:
        self.store.mark(f"sha256:{content_digest(raw.content)}", self.name, status)

    def done(self, raw: RawAlert) -> None:
        self._mark(raw, "done")

    def quarantine(self, raw: RawAlert, reason: str) -> None:
        self._mark(raw, "quarantined")

    def skip(self, raw: RawAlert) -> None:
        self._mark(raw, "skipped")

    def close(self) -> None:
        return None


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
        if is_upwork_host(host):
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
        yield RawAlert("feed", f"feed:{self.url}", response.content, "feed", self.saved_search)

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
