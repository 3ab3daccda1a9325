"""bidboard against the naive workflow, side by side: Notion requests per job and wall time.

The naive baseline is what typical no-code Upwork → OpenAI → Notion workflows do for each job:
query the database for the job, create the page, then append the proposal as its content (three
requests a job). bidboard dedupes up to 100 jobs in one query and creates each card with its
content in one request. Both run in this process against the same emulator (its own uvicorn
server on loopback, limited to Notion's 3 requests a second), through the same notion-client,
on the same jobs (each with an 8-block draft), each on its own board. Requests are counted at
the emulator. Prints ``name=value`` lines.

    python -m bench.baseline [--jobs 100]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import httpx
from pydantic import SecretStr

from bench.notion_gateway import card, content
from bidboard.cli.localserver import BackgroundServer
from bidboard.notion import bootstrap
from bidboard.notion.client import Notion, build_notion_client
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.workspace import Workspace
from bidboard.schema.codecs import encode_card
from bidboard.settings import Settings
from notion_emulator import EmulatorConfig, create_app


def total(url: str) -> int:
    return int(httpx.get(f"{url}/__emulator/stats").json()["total"])


def board(url: str, token: str) -> tuple[Notion, Workspace]:
    settings = Settings(notion_token=SecretStr(token), notion_base_url=url, notion_rate_limit=3)
    notion = Notion(build_notion_client(settings))
    root = notion.call("root", notion.client.search, safe=True, query="bidboard")
    page = notion.call(
        "own page",
        notion.client.pages.create,
        safe=False,
        parent={"type": "page_id", "page_id": root["results"][0]["id"]},
        properties={"title": {"title": [{"text": {"content": token}}]}},
    )
    return notion, bootstrap.init(notion, page["id"], url).workspace


def naive(notion: Notion, workspace: Workspace, jobs: list[int]) -> None:
    source = workspace.ids("jobs").data_source_id
    for i in jobs:
        job = card(i)
        found: Any = notion.call(
            "query",
            notion.client.data_sources.query,
            source,
            safe=True,
            filter={"property": "Job key", "rich_text": {"equals": job.job_key}},
        )
        if found["results"]:
            continue
        page = notion.call(
            "create",
            notion.client.pages.create,
            safe=False,
            parent={"type": "data_source_id", "data_source_id": source},
            properties=encode_card(job),
        )
        notion.call(
            "append",
            notion.client.blocks.children.append,
            page["id"],
            safe=False,
            children=content(i),
        )


def bidboard_way(notion: Notion, workspace: Workspace, jobs: list[int]) -> None:
    gateway = BoardGateway(notion, workspace)
    cards = [card(i) for i in jobs]
    existing = gateway.find_cards(c.job_key for c in cards)
    for i, job in zip(jobs, cards, strict=True):
        if job.job_key not in existing:
            gateway.create_card(job, content(i))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100)
    args = parser.parse_args()
    jobs = list(range(args.jobs))
    app = create_app(EmulatorConfig(rate_limit=3.0, burst=3))
    results = {}
    with BackgroundServer(app) as server:
        for name, run in (("naive", naive), ("bidboard", bidboard_way)):
            notion, workspace = board(server.url, f"bench-{name}")
            time.sleep(1.5)  # a full token bucket for each side
            before, started = total(server.url), time.perf_counter()
            run(notion, workspace, jobs)
            seconds = time.perf_counter() - started
            requests = total(server.url) - before
            notion.close()
            results[name] = (requests, seconds)
            print(f"{name}_requests_per_job={requests / len(jobs):.3f}")
            print(f"{name}_wall_seconds={seconds:.1f}")
    app.store.close()
    (naive_requests, naive_seconds), (ours, our_seconds) = results["naive"], results["bidboard"]
    print(f"baseline_jobs={len(jobs)}")
    print(f"bidboard_to_naive_requests_ratio={ours / naive_requests:.3f}")
    print(f"bidboard_to_naive_wall_time_ratio={our_seconds / naive_seconds:.3f}")


if __name__ == "__main__":
    main()
