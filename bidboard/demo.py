"""``bidboard demo``: the main job on embedded defaults, offline.

It starts the Notion emulator (data kept in ``<data dir>/emulator.sqlite3``) unless a Notion token
is configured, sets up bidboard's databases (``init``), writes sample cards through the board
gateway (a rerun finds them and adds no duplicate) and prints where to look.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import UTC, datetime

from pydantic import SecretStr

from notion_schema import bootstrap
from notion_schema.workspace import save_workspace

from . import blocks as b
from .errors import ConfigError
from .factory import notion_from_settings
from .gateway import BoardGateway
from .localserver import BackgroundServer
from .models import JobCard, Stage
from .notion import Notion
from .schema_commands import _previous
from .settings import Settings

DEMO_TOKEN = "demo-local-emulator-token"  # noqa: S105 - the local emulator accepts any token
DRAFT_NOTE = "Draft: review it, then submit it yourself on Upwork. bidboard never sends anything."
SAMPLE_CARDS = [
    JobCard(
        job_key="~01a1b2c3d4e5f60001",
        name="FastAPI backend for a logistics dashboard",
        job_url="https://www.upwork.com/jobs/~01a1b2c3d4e5f60001",
        source="email",
        budget_type="Hourly",
        budget_min=40,
        budget_max=60,
        skills=["Python", "FastAPI"],
        score=85,
        stage=Stage.NEW,
    ),
    JobCard(
        job_key="~01a1b2c3d4e5f60002",
        name="Postgres query tuning for a SaaS app",
        job_url="https://www.upwork.com/jobs/~01a1b2c3d4e5f60002",
        source="rss",
        budget_type="Fixed",
        budget_min=1500,
        skills=["PostgreSQL"],
        score=72,
        stage=Stage.NEW,
    ),
    JobCard(
        job_key="~01a1b2c3d4e5f60003",
        name="Notion + Zapier automation for a small agency",
        job_url="https://www.upwork.com/jobs/~01a1b2c3d4e5f60003",
        source="email",
        budget_type="Fixed",
        budget_min=800,
        skills=["Notion", "Zapier"],
        score=64,
        stage=Stage.DRAFTED,
    ),
    JobCard(
        job_key="~01a1b2c3d4e5f60004",
        name="WordPress theme tweaks",
        job_url="https://www.upwork.com/jobs/~01a1b2c3d4e5f60004",
        source="json",
        budget_type="Hourly",
        budget_min=15,
        budget_max=25,
        skills=["WordPress"],
        score=18,
        stage=Stage.NEEDS_ATTENTION,
    ),
]


def _root_page(notion: Notion) -> str:
    found = notion.call(
        "find root page",
        notion.client.search,
        safe=True,
        query="bidboard",
        filter={"property": "object", "value": "page"},
    )
    for page in found["results"]:
        if page["parent"]["type"] == "workspace":
            return str(page["id"])
    raise ConfigError(
        "no page titled 'bidboard' is shared with the integration: "
        "set BIDBOARD_NOTION_PARENT_PAGE_ID"
    )


def run(settings: Settings, notion: Notion) -> tuple[BoardGateway, int, int]:
    parent = settings.notion_parent_page_id or _root_page(notion)
    report = bootstrap.init(notion, parent, settings.notion_base_url, _previous(settings))
    save_workspace(settings.data_dir, report.workspace)
    gateway = BoardGateway(notion, report.workspace)
    now = datetime.now(UTC)
    existing = gateway.find_cards(card.job_key for card in SAMPLE_CARDS)
    created = 0
    for card in SAMPLE_CARDS:
        if card.job_key in existing:
            continue
        card = card.model_copy(update={"received_at": now})
        gateway.create_card(card, [b.callout(DRAFT_NOTE), b.paragraph(f"Sample job: {card.name}.")])
        created += 1
    return gateway, created, len(existing)


def main(settings: Settings, *, serve: bool | None = None, port: int = 8765) -> int:
    started = time.monotonic()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    server: BackgroundServer | None = None
    if settings.notion_token is None:
        from notion_emulator import EmulatorConfig, create_app

        db_path = settings.data_dir / "emulator.sqlite3"
        app = create_app(EmulatorConfig(db=str(db_path), rate_limit=3.0, burst=3))
        server = BackgroundServer(app, port=port).start()
        settings = settings.model_copy(
            update={"notion_base_url": server.url, "notion_token": SecretStr(DEMO_TOKEN)}
        )
        print(f"Notion emulator on {server.url} (data: {db_path})")
    else:
        print(f"Using Notion at {settings.notion_base_url}")
    notion = notion_from_settings(settings)
    try:
        gateway, created, existing = run(settings, notion)
        stages = Counter(
            s.card.stage.value if s.card.stage else "(none)"
            for s in gateway.iter_cards(properties=["Stage"])
        )
    finally:
        notion.close()
    print(f"Cards: {created} created, {existing} already there")
    print("By stage: " + ", ".join(f"{stage} {n}" for stage, n in sorted(stages.items())))
    print(f"Notion requests: {notion.stats.calls}")
    if server is not None:
        print(f"Board: {server.url}/board/{gateway.ids.data_source_id}")
    print(f"Wall time: {time.monotonic() - started:.2f}s")
    interactive = sys.stdin.isatty() if serve is None else serve
    if server is not None:
        if interactive:
            print("Serving the emulator; press Ctrl-C to stop.")
            try:
                while server.thread.is_alive():
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
        server.stop()
    return 0
