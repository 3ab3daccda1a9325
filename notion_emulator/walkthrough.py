"""A walk through the emulator with the real notion-client, as a user would script it.

    python -m notion_emulator --port 8765 &
    python -m notion_emulator.walkthrough --url http://127.0.0.1:8765

Creates a database, adds pages paced to ``--rate`` requests a second (the SDK's own retry
honours ``Retry-After`` should a 429 come anyway), pages through them 100 at a time, then turns
retries off and sends requests as fast as it can until the emulator answers 429
``rate_limited`` with a ``Retry-After`` header.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any

from notion_client import APIErrorCode, APIResponseError, Client


def _text(value: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": value}}]


class Pacer:
    """Spaces requests ``1/rate`` seconds apart, so that a well-behaved script meets no 429."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_slot = time.monotonic()

    def wait(self) -> None:
        now = time.monotonic()
        if self.next_slot > now:
            time.sleep(self.next_slot - now)
        self.next_slot = max(now, self.next_slot) + self.interval


def walk(url: str, pages: int, token: str, max_burst: int, rate: float) -> int:
    client = Client(auth=token, base_url=url, notion_version="2026-03-11")
    pacer = Pacer(rate)
    started = time.monotonic()
    pacer.wait()
    root: Any = client.search(query="bidboard", filter={"property": "object", "value": "page"})
    pacer.wait()
    database: Any = client.databases.create(
        parent={"type": "page_id", "page_id": root["results"][0]["id"]},
        title=_text("walkthrough"),
        initial_data_source={"properties": {"Name": {"title": {}}, "N": {"number": {}}}},
    )
    source = database["data_sources"][0]["id"]
    print(f"database {database['id']} data_source {source}")
    for i in range(pages):
        pacer.wait()
        client.pages.create(
            parent={"type": "data_source_id", "data_source_id": source},
            properties={"Name": {"title": _text(f"page {i}")}, "N": {"number": i}},
        )
    print(f"created {pages} pages in {time.monotonic() - started:.1f}s ({rate:g} requests/s)")
    cursor, seen, batches = None, 0, 0
    while True:
        pacer.wait()
        batch: Any = client.data_sources.query(source, page_size=100, start_cursor=cursor)
        seen, batches = seen + len(batch["results"]), batches + 1
        print(f"batch {batches}: {len(batch['results'])} pages, has_more={batch['has_more']}")
        if not batch["has_more"]:
            break
        cursor = batch["next_cursor"]
    client.close()
    if seen != pages:
        print(f"expected {pages} pages, read {seen}", file=sys.stderr)
        return 1
    no_retry = Client(auth=token, base_url=url, notion_version="2026-03-11", retry=False)
    try:
        for sent in range(1, max_burst + 1):
            try:
                no_retry.users.me()
            except APIResponseError as error:
                if error.code != APIErrorCode.RateLimited:
                    raise
                print(
                    f"request {sent} without retries: {error.status} {error.code.value} "
                    f"Retry-After={error.headers.get('retry-after')}"
                )
                return 0
    finally:
        no_retry.close()
    print(f"no 429 after {max_burst} requests: is the rate limit off?", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notion_emulator.walkthrough")
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--pages", type=int, default=250)
    parser.add_argument("--token", default="walkthrough-token")
    parser.add_argument("--max-burst", type=int, default=1000)
    parser.add_argument(
        "--rate", type=float, default=3.0, help="requests per second to pace to (0: no pacing)"
    )
    args = parser.parse_args(argv)
    return walk(args.url, args.pages, args.token, args.max_burst, args.rate)


if __name__ == "__main__":
    sys.exit(main())
