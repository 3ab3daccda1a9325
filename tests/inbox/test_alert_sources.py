"""The folder and feed sources, against real files and a real local feed server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bidboard.alerts.parse import parse_raw
from bidboard.cli.localserver import BackgroundServer
from bidboard.errors import AlertError, EgressRefused
from bidboard.inbox.sources import FeedSource, FolderSource
from bidboard.state import StateStore
from tests.support.paths import FIXTURES

#: when the alerts came (an email's own Date header wins)
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_folder_is_read_once_then_recognised_by_content_hash(
    tmp_path: Path, store: StateStore
) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(FIXTURES, inbox)
    source = FolderSource(inbox, store)
    first = list(source.fetch())
    assert len(first) == 34  # 31 files, one an mbox of 3 messages
    for raw in first:
        outcome = parse_raw(raw, RECEIVED)
        if outcome.quarantined and not outcome.alerts:
            source.quarantine(raw, outcome.quarantined[0].reason)
        elif outcome.skipped and not outcome.alerts:
            source.skip(raw)
        else:
            source.done(raw)
    assert list(FolderSource(inbox, store).fetch()) == []
    assert sorted(p.name for p in inbox.iterdir()) == sorted(p.name for p in FIXTURES.iterdir())
    # a renamed copy is the same content: not read again
    shutil.copy(inbox / "01-single-alert-qp.eml", inbox / "copy-of-01.eml")
    assert list(FolderSource(inbox, store).fetch()) == []


def test_an_unacknowledged_file_is_read_again(tmp_path: Path, store: StateStore) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURES / "04-digest-five-jobs.eml", inbox)
    assert len(list(FolderSource(inbox, store).fetch())) == 1  # the run dies before cards
    assert len(list(FolderSource(inbox, store).fetch())) == 1  # so it is read again


def test_a_grown_mbox_yields_only_its_new_messages(tmp_path: Path, store: StateStore) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    mbox = inbox / "export.mbox"
    content = (FIXTURES / "24-gmail-export.mbox").read_bytes()
    first_message = content.split(b"\nFrom MAILER-DAEMON")[0] + b"\n"
    mbox.write_bytes(first_message)
    source = FolderSource(inbox, store)
    for raw in source.fetch():
        source.done(raw)
    mbox.write_bytes(content)
    fresh = list(FolderSource(inbox, store).fetch())
    assert len(fresh) == 2


def test_a_missing_folder_is_a_clear_error(tmp_path: Path, store: StateStore) -> None:
    from bidboard.errors import ConfigError

    with pytest.raises(ConfigError, match="does not exist"):
        list(FolderSource(tmp_path / "nope", store).fetch())


class FeedServer:
    """A third-party alert feed that honours conditional GET."""

    def __init__(self) -> None:
        self.body = (FIXTURES / "26-third-party-rss.rss").read_bytes()
        self.etag = '"v1"'
        self.requests: list[dict[str, str]] = []

    async def feed(self, request: Request) -> Response:
        self.requests.append(dict(request.headers))
        if request.headers.get("if-none-match") == self.etag:
            return Response(status_code=304)
        return Response(
            self.body,
            media_type="application/rss+xml",
            headers={"ETag": self.etag, "Last-Modified": "Wed, 26 Aug 2026 08:00:00 GMT"},
        )

    async def broken(self, request: Request) -> Response:
        return Response("down", status_code=503)


LOCAL = ("127.0.0.1",)  # a feed on loopback is fetched only when its host is listed


@pytest.fixture
def feed_server() -> Iterator[tuple[BackgroundServer, FeedServer]]:
    feed = FeedServer()
    app = Starlette(routes=[Route("/feed.rss", feed.feed), Route("/broken", feed.broken)])
    with BackgroundServer(app) as server:
        yield server, feed


def test_feed_conditional_get(
    feed_server: tuple[BackgroundServer, FeedServer], store: StateStore
) -> None:
    server, feed = feed_server
    source = FeedSource(
        f"{server.url}/feed.rss", store, saved_search="Shopify", allowed_hosts=LOCAL
    )
    [raw] = list(source.fetch())
    outcome = parse_raw(raw, RECEIVED)
    assert [a.saved_search for a in outcome.alerts] == ["Shopify"]
    source.done(raw)
    assert (
        list(FeedSource(f"{server.url}/feed.rss", store, allowed_hosts=LOCAL).fetch()) == []
    )  # 304
    assert feed.requests[-1]["if-none-match"] == '"v1"'
    assert feed.requests[-1]["if-modified-since"] == "Wed, 26 Aug 2026 08:00:00 GMT"
    feed.etag = '"v2"'
    assert len(list(FeedSource(f"{server.url}/feed.rss", store, allowed_hosts=LOCAL).fetch())) == 1


def test_a_failed_run_fetches_the_feed_again(
    feed_server: tuple[BackgroundServer, FeedServer], store: StateStore
) -> None:
    server, _ = feed_server
    assert (
        len(list(FeedSource(f"{server.url}/feed.rss", store, allowed_hosts=LOCAL).fetch())) == 1
    )  # no done()
    assert len(list(FeedSource(f"{server.url}/feed.rss", store, allowed_hosts=LOCAL).fetch())) == 1


def test_feed_errors_are_alert_errors(
    feed_server: tuple[BackgroundServer, FeedServer], store: StateStore
) -> None:
    server, _ = feed_server
    with pytest.raises(AlertError, match="answered 503"):
        list(FeedSource(f"{server.url}/broken", store, allowed_hosts=LOCAL).fetch())


@pytest.mark.parametrize(
    "url",
    ["https://www.upwork.com/ab/feed/jobs/rss?q=python", "https://upwork.com/ab/feed/topics/rss"],
)
def test_a_feed_on_upwork_is_refused(store: StateStore, url: str) -> None:
    with pytest.raises(EgressRefused, match="never fetches anything from Upwork"):
        FeedSource(url, store)


def test_configured_sources_always_drain_the_webhook_spool(
    tmp_path: Path, store: StateStore
) -> None:
    from pydantic import SecretStr

    from bidboard.inbox.imap import ImapSource
    from bidboard.inbox.sources import SpoolSource
    from bidboard.runtime import sources_from_settings
    from bidboard.settings import Settings

    bare = sources_from_settings(Settings(data_dir=tmp_path), store)
    assert [type(s) for s in bare] == [SpoolSource]
    full = sources_from_settings(
        Settings(
            data_dir=tmp_path,
            alerts_dir=tmp_path,
            imap_host="imap.example.com",
            imap_user="u",
            imap_password=SecretStr("p"),
            feeds=("Shopify=https://alerts.example/shopify.rss", "https://alerts.example/all.rss"),
        ),
        store,
    )
    assert [type(s) for s in full] == [
        SpoolSource,
        FolderSource,
        ImapSource,
        FeedSource,
        FeedSource,
    ]
    assert [getattr(s, "saved_search", None) for s in full[3:]] == ["Shopify", None]
