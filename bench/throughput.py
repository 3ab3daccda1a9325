"""Throughput against Notion's rate limit: 1,000 alerts, 30% of them duplicates, through the real
``ingest_alerts`` Prefect flow against the emulator limited to 3 requests a second.

How: 700 distinct jobs (a mix of stacks, so some are shortlisted and drafted with content and
others only carded) plus 300 repeats of them, shuffled into 100 JSON alert files of 10 in a
folder (``BIDBOARD_ALERTS_DIR``). The emulator runs in its own process (``python -m
notion_emulator --rate-limit 3 --burst 3``); the flow runs under a temporary Prefect home.
Requests and 429s are counted at the emulator. ``rate_limit_utilisation`` = Notion requests per
second over the flow run ÷ 3. Afterwards the board is read back: ``alerts_lost`` counts jobs
without a card, ``duplicate_cards`` cards beyond one per job. Prints ``name=value`` lines.

    python -m bench.throughput [--alerts 1000] [--duplicates 0.3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import tempfile
import time
from pathlib import Path

from bench.emulator_process import emulator_process, stats

STACKS = (
    ("FastAPI backend", ["Python", "FastAPI", "PostgreSQL"], "Web Development"),
    ("Airflow data pipeline", ["Python", "Airflow", "SQL"], "Data Engineering"),
    ("Notion and Zapier automation", ["Zapier", "Notion"], "Automation"),
    ("WordPress theme fixes", ["WordPress", "PHP"], "Web Design"),
    ("Logo design", ["Illustrator"], "Design"),
)


def alerts(count: int, duplicates: float, seed: int = 11) -> tuple[list[dict[str, object]], int]:
    rng = random.Random(seed)
    unique = round(count * (1 - duplicates))
    jobs = []
    for i in range(unique):
        title, skills, category = STACKS[i % len(STACKS)]
        jobs.append(
            {
                "url": f"https://www.upwork.com/jobs/~01{0x7A000000 + i:016x}",
                "title": f"{title} #{i}",
                "description": f"We need help with a {title.lower()}. " * 3,
                "budget_type": "hourly",
                "budget_min": 30 + i % 20,
                "budget_max": 60 + i % 40,
                "skills": skills,
                "category": category,
                "client_payment_verified": i % 3 != 0,
                "client_rating": 4.0 + (i % 10) / 10,
                "client_spend_usd": 1000 * (i % 50),
                "client_country": "Germany",
            }
        )
    repeats = [dict(rng.choice(jobs)) for _ in range(count - unique)]
    everything = jobs + repeats
    rng.shuffle(everything)
    return everything, unique


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--duplicates", type=float, default=0.3)
    args = parser.parse_args()
    batch, unique = alerts(args.alerts, args.duplicates)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        inbox = root / "inbox"
        inbox.mkdir()
        for n in range(0, len(batch), 10):
            (inbox / f"alerts-{n // 10:03d}.json").write_text(json.dumps(batch[n : n + 10]))
        with emulator_process("--rate-limit", "3", "--burst", "3") as url:
            env = {
                "BIDBOARD_NOTION_BASE_URL": url,
                "BIDBOARD_NOTION_TOKEN": "throughput-bench",
                "BIDBOARD_DATA_DIR": str(root / "data"),
                "BIDBOARD_ALERTS_DIR": str(inbox),
                "BIDBOARD_DAILY_DRAFT_CAP": "10000",
                "PREFECT_HOME": str(root / "prefect"),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "DO_NOT_TRACK": "1",
                "PREFECT_LOGGING_LEVEL": "WARNING",
            }
            os.environ.update(env)
            from bidboard.cli import schema as schema_commands
            from bidboard.notion.gateway import BoardGateway
            from bidboard.notion.workspace import load_workspace
            from bidboard.runtime import notion_from_settings
            from bidboard.settings import load_settings
            from flows.ingest_alerts import ingest_alerts

            settings = load_settings(env_file=None)
            notion = notion_from_settings(settings)
            parent = notion.call("root", notion.client.search, safe=True, query="bidboard")
            with contextlib.redirect_stdout(io.StringIO()):
                schema_commands.run_init(settings, parent["results"][0]["id"], notion)
            time.sleep(1.5)  # start with a full token bucket
            before = stats(url)
            started = time.perf_counter()
            result = ingest_alerts()
            seconds = time.perf_counter() - started
            after = stats(url)
            workspace = load_workspace(settings.data_dir, settings.notion_base_url)
            cards = list(BoardGateway(notion, workspace).iter_cards(properties=["Job key"]))
            notion.close()
    requests = after["total"] - before["total"]
    throttled = after["statuses"].get("429", 0) - before["statuses"].get("429", 0)
    keys = [c.card.job_key for c in cards]
    wanted = {str(a["url"]).rsplit("/", 1)[1] for a in batch}
    print(f"throughput_alerts={len(batch)}")
    print(f"throughput_distinct_jobs={unique}")
    print(f"throughput_flow_result={json.dumps(result)}")
    print(f"throughput_notion_requests={requests}")
    print(f"throughput_requests_per_distinct_job={requests / unique:.3f}")
    print(f"http_429={throttled}")
    print(f"rate_limit_utilisation={requests / seconds / 3:.3f}")
    print(f"alerts_lost={len(wanted - set(keys))}")
    print(f"duplicate_cards={len(keys) - len(set(keys))}")
    print(f"throughput_wall_seconds={seconds:.1f}")
    print(f"throughput_alerts_per_minute={len(batch) / seconds * 60:.0f}")


if __name__ == "__main__":
    main()
