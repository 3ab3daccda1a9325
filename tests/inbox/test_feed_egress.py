"""Feeds go through the egress guard: a feed URL on a cloud metadata service, a private or
link-local address, or this machine (the local Prefect API) is refused before a byte is sent,
unless its host is listed in BIDBOARD_ALLOWED_HOSTS; the refusal is that source's failure alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bidboard.cli.localserver import BackgroundServer
from bidboard.errors import EgressRefused
from bidboard.inbox.sources import FeedSource
from bidboard.runtime import sources_from_settings
from bidboard.settings import Settings
from bidboard.state import StateStore

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>"""


@pytest.fixture
def local_feed() -> Iterator[tuple[str, list[str]]]:
    """A server on loopback standing for whatever must not be fetched (the Prefect API)."""
    hits: list[str] = []

    async def feed(request: Request) -> Response:
        hits.append(request.url.path)
        return Response(RSS, media_type="application/rss+xml")

    with BackgroundServer(Starlette(routes=[Route("/{path:path}", feed)])) as server:
        yield server.url, hits


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://10.0.0.7/alerts.rss",
        "http://192.168.1.20/alerts.rss",
        "http://[::ffff:169.254.169.254]/",
        "http://localhost:4200/api/flows",
    ],
)
def test_a_feed_on_an_internal_address_is_refused(url: str, store: StateStore) -> None:
    with pytest.raises(EgressRefused, match="refused unless its host is listed"):
        list(FeedSource(url, store).fetch())


def test_loopback_only_when_asked_for(
    local_feed: tuple[str, list[str]], store: StateStore, tmp_path: Path
) -> None:
    url, hits = local_feed
    with pytest.raises(EgressRefused):
        list(FeedSource(f"{url}/api/flows", store).fetch())
    assert hits == []  # nothing reached the server
    settings = Settings(
        data_dir=tmp_path, feeds=(f"{url}/alerts.rss",), allowed_hosts=("127.0.0.1",)
    )
    [feed] = [s for s in sources_from_settings(settings, store) if isinstance(s, FeedSource)]
    assert len(list(feed.fetch())) == 1 and hits == ["/alerts.rss"]
