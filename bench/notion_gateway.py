"""Notion requests per new card, per 100 deduped alerts, and the wall time of 500 cards at
Notion's 3 requests a second.

How: the emulator runs in a uvicorn server on loopback with its rate limit on (3 rps, burst 3),
and bidboard's real adapter stack (egress guard, pacer, notion-client, the board gateway) writes
to it over HTTP. Requests are counted at the emulator, not in the client. Each card carries a
draft of 8 blocks as page content. Prints ``name=value`` lines.

    python -m bench.notion_gateway [--cards 500] [--rate 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from bidboard import blocks as b
from bidboard.gateway import BoardGateway
from bidboard.localserver import BackgroundServer
from bidboard.models import JobCard, Stage
from bidboard.notion import Notion, build_notion_client
from bidboard.settings import Settings
from notion_emulator import EmulatorConfig, create_app
from notion_schema import bootstrap


def card(i: int) -> JobCard:
    return JobCard(
        job_key=f"~01bench{i:012d}",
        name=f"Benchmark job {i}",
        score=float(i % 100),
        stage=Stage.DRAFTED,
        skills=["python", "fastapi"],
        source="email",
        received_at=datetime.now(UTC),
        draft_fingerprint=f"{i:064x}",
    )


def content(i: int) -> list[b.Block]:
    return [
        b.callout("Draft: review it, then submit it yourself on Upwork."),
        *b.paragraphs("\n\n".join(f"Paragraph {n} of draft {i}. " * 8 for n in range(4))),
        b.heading("Why this job"),
        b.bullet("matches fastapi, postgres +30"),
        b.to_do("Check the budget"),
    ]


def stats(url: str) -> dict[str, Any]:
    return dict(httpx.get(f"{url}/__emulator/stats").json())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--rate", type=float, default=3.0)
    args = parser.parse_args()
    app = create_app(EmulatorConfig(rate_limit=args.rate, burst=3))
    with BackgroundServer(app) as server, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            notion_token=SecretStr("bench"),
            notion_base_url=server.url,
            notion_rate_limit=args.rate,
            data_dir=Path(tmp),
        )
        notion = Notion(build_notion_client(settings))
        root = notion.call("root", notion.client.search, safe=True, query="bidboard")
        workspace = bootstrap.init(notion, root["results"][0]["id"], server.url).workspace
        gateway = BoardGateway(notion, workspace)
        httpx.delete(f"{server.url}/__emulator/stats")

        started = time.monotonic()
        for i in range(args.cards):
            gateway.create_card(card(i), content(i))
        write_seconds = time.monotonic() - started
        written = stats(server.url)

        httpx.delete(f"{server.url}/__emulator/stats")
        keys = [card(i).job_key for i in range(0, 2 * args.cards, 2)]  # half of them known
        found = gateway.find_cards(keys)
        dedupe = stats(server.url)
        notion.close()

    print(f"cards={args.cards}")
    print(f"rate_limit_rps={args.rate:g}")
    print(f"notion_requests_per_new_card={written['total'] / args.cards:.3f}")
    print(f"http_429_while_writing={written['statuses'].get('429', 0)}")
    print(f"seconds_for_{args.cards}_cards={write_seconds:.1f}")
    print(f"achieved_rps={written['total'] / write_seconds:.2f}")
    print(f"rate_limit_utilisation={written['total'] / write_seconds / args.rate:.3f}")
    print(f"dedupe_keys={len(keys)} dedupe_found={len(found)}")
    print(f"dedupe_requests_per_100_alerts={dedupe['total'] / len(keys) * 100:.2f}")


if __name__ == "__main__":
    main()
