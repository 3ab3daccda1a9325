"""Idle cost: the Notion requests an hour that ``bidboard serve``'s schedules make when no alert
arrives (goal: at most 12).

How: the emulator on loopback holds a set-up workspace with a board of cards (some drafted, none
held back); an empty alert folder is the source. One hour of every schedule in ``prefect.yaml``
is played out through the same calls the flows make (``ingest_alerts`` every 5 minutes,
``draft_pending`` every 15, ``sync_board`` every 10; ``weekly_metrics`` weekly, counted as a
168th of one run), each run opening its runtime as a flow run does. Requests are counted at the
emulator. Prints ``name=value`` lines.

    python -m bench.idle [--cards 60]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from pydantic import SecretStr

from bidboard.cli.localserver import BackgroundServer
from bidboard.ingest import run_draft_pending
from bidboard.models import JobCard, Stage
from bidboard.notion.gateway import BoardGateway
from bidboard.routines import run_sync, run_weekly, weeks_to_roll
from bidboard.runtime import opened
from bidboard.settings import Settings
from notion_emulator import EmulatorConfig, create_app
from notion_emulator.app import Emulator
from tests.support.builders import init_workspace

ROOT = Path(__file__).resolve().parents[1]
HOURS_A_WEEK = 24 * 7


def runs_an_hour() -> dict[str, float]:
    """Runs an hour of each scheduled deployment, read from prefect.yaml's crons."""
    spec = yaml.safe_load(
        (ROOT / "prefect.yaml").read_text().replace("{{ $BIDBOARD_TIMEZONE }}", "UTC")
    )
    out: dict[str, float] = {}
    for deployment in spec["deployments"]:
        for schedule in deployment.get("schedules", []):
            cron = schedule["cron"]
            every = re.fullmatch(r"\*/(\d+) \* \* \* \*", cron)
            if every:
                out[deployment["name"]] = 60 / int(every.group(1))
            elif re.fullmatch(r"\d+ \d+ \* \* \d", cron):
                out[deployment["name"]] = 1 / HOURS_A_WEEK
            else:
                raise SystemExit(f"cron {cron!r} of {deployment['name']} not understood")
    return out


def requests(app: Emulator) -> int:
    return int(app.stats["total"])


def one_run(app: Emulator, settings: Settings, name: str) -> int:
    before = requests(app)
    with opened(settings) as runtime:
        if name == "ingest-alerts":
            runtime.ingest()
        elif name == "draft-pending":
            run_draft_pending(runtime.gateway, runtime.pipeline_config, runtime.store)
        elif name == "sync-board":
            run_sync(runtime)
        elif name == "weekly-metrics":
            run_weekly(runtime, weeks_to_roll(datetime.now(UTC), settings, weeks=3))
        else:
            raise SystemExit(f"no idle run for {name}")
    return requests(app) - before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=60)
    args = parser.parse_args()
    app = create_app(EmulatorConfig(rate_limit=0))
    with BackgroundServer(app) as server, tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        settings = Settings(
            notion_token=SecretStr("idle-bench"),
            notion_base_url=server.url,
            notion_rate_limit=1000,
            data_dir=Path(tmp) / "data",
            alerts_dir=inbox,
        )
        init_workspace(settings)
        with opened(settings) as runtime:
            gateway: BoardGateway = runtime.gateway
            for i in range(args.cards):
                gateway.create_card(
                    JobCard(
                        job_key=f"~01idle{i:012d}",
                        name=f"Job {i}",
                        stage=Stage.DRAFTED if i % 2 else Stage.NEW,
                        received_at=datetime.now(UTC) - timedelta(hours=i),
                    )
                )
            run_sync(runtime)  # the watermark a running service has
        schedule = runs_an_hour()
        per_hour: dict[str, float] = {}
        for name, runs in schedule.items():
            if runs >= 1:
                per_hour[name] = sum(one_run(app, settings, name) for _ in range(round(runs)))
            else:
                per_hour[name] = one_run(app, settings, name) * runs
    for name, runs in schedule.items():
        print(
            f"idle_runs_per_hour[{name}]={runs:.4g} "
            f"idle_requests_per_hour[{name}]={per_hour[name]:.2f}"
        )
    print(f"idle_notion_requests_per_hour={sum(per_hour.values()):.2f}")


if __name__ == "__main__":
    main()
