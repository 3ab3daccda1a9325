"""Notion requests and blocks per new card, per 100 deduped alerts, the wall time of 500 cards
at Notion's 3 requests a second, the blocks of a weekly metrics run with and without a changed
figure, and ``init``'s own footprint.

How: the emulator runs in a uvicorn server on loopback with its rate limit on (3 rps, burst 3),
and bidboard's real adapter stack (egress guard, pacer, notion-client, the board gateway) writes
to it over HTTP. Requests and lifetime blocks (pages count: a Free workspace with more than one
member has 1,000) are counted at the emulator, not in the client. Each card carries the page
content bidboard writes for a drafted job (``card_content``: notice, draft, answers to screening
questions, reasons, portfolio, questions, checklist). Prints ``name=value`` lines.

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

from bidboard.cli.localserver import BackgroundServer
from bidboard.drafting.draft import Draft, ScreeningAnswer
from bidboard.drafting.lint import Report
from bidboard.metrics import IsoWeek, weekly_rollups
from bidboard.models import JobCard, Stage
from bidboard.notion import blocks as b
from bidboard.notion import bootstrap
from bidboard.notion.card import card_content
from bidboard.notion.client import Notion, build_notion_client
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.metrics_pages import MetricsPages
from bidboard.scoring.portfolio import PortfolioItem
from bidboard.scoring.score import Reason, Score
from bidboard.settings import Settings
from notion_emulator import EmulatorConfig, create_app


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
    draft = Draft(
        opening=f"Hello, your job {i} caught my eye: it is what I build for clients. " * 2,
        experience="Most of my recent work is data pipelines and dashboards. " * 6,
        approach="A short audit, a written plan for the first milestone, then a demo a week. " * 4,
        questions=["What does done look like?", "Is there a codebase to build on?"],
        closing="I can start this week. Send me a message here on Upwork.",
        answers=[
            ScreeningAnswer(question="Describe your recent experience", answer="Two APIs. " * 9),
            ScreeningAnswer(question="When can you start?", answer="On Monday."),
        ],
        drafted_by="template",
    )
    score = Score(
        score=80,
        verdict="shortlist",
        reasons=[Reason(text="matches fastapi, postgres", points=30)] * 6,
    )
    portfolio = [
        PortfolioItem(page_id=f"p{n}", name=f"Project {n}", outcome="p95 from 2 s to 240 ms")
        for n in range(3)
    ]
    return card_content(draft, score, portfolio, Report(findings=[], fingerprint="0" * 16))


def stats(url: str) -> dict[str, Any]:
    return dict(httpx.get(f"{url}/__emulator/stats").json())


def blocks(url: str) -> int:
    return int(stats(url)["blocks"]["lifetime"])


def weekly_blocks(notion: Notion, workspace: Any, cards: list[JobCard], url: str) -> list[int]:
    """Blocks spent by three weekly runs of 3 weeks each: the first, a rerun with no change,
    and a rerun after one more card arrived in the newest week."""
    weeks = [IsoWeek(2026, 46), IsoWeek(2026, 47), IsoWeek(2026, 48)]
    now = datetime(2026, 12, 7, 8, tzinfo=UTC)
    pages = MetricsPages(notion, workspace)
    spent = []
    for batch in (cards[:-1], cards[:-1], cards):
        before = blocks(url)
        for rollup in weekly_rollups(batch, weeks, UTC, now=now).values():
            pages.publish(rollup)
        spent.append(blocks(url) - before)
    return spent


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
        before_init = blocks(server.url)
        report = bootstrap.init(notion, root["results"][0]["id"], server.url)
        init_blocks = blocks(server.url) - before_init
        workspace = report.workspace
        gateway = BoardGateway(notion, workspace)
        httpx.delete(f"{server.url}/__emulator/stats")

        before_cards = blocks(server.url)
        started = time.monotonic()
        for i in range(args.cards):
            gateway.create_card(card(i), content(i))
        write_seconds = time.monotonic() - started
        written = stats(server.url)
        card_blocks = blocks(server.url) - before_cards
        weekly = weekly_blocks(
            notion,
            workspace,
            [
                card(i).model_copy(
                    update={"received_at": datetime(2026, 11, 10 + i % 21, tzinfo=UTC)}
                )
                for i in range(60)
            ],
            server.url,
        )

        httpx.delete(f"{server.url}/__emulator/stats")
        keys = [card(i).job_key for i in range(0, 2 * args.cards, 2)]  # half of them known
        found = gateway.find_cards(keys)
        dedupe = stats(server.url)
        notion.close()

    print(f"init_blocks={init_blocks} init_reported_blocks={report.blocks}")
    print(f"cards={args.cards}")
    print(f"blocks_per_new_card={card_blocks / args.cards:.3f}")
    print(f"weekly_run_blocks_first={weekly[0]}")
    print(f"weekly_run_blocks_no_change={weekly[1]}")
    print(f"weekly_run_blocks_one_change={weekly[2]}")
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
