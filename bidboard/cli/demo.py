"""``bidboard demo``: the main job on embedded defaults, offline.

It starts the Notion emulator (data kept in ``<data dir>/emulator.sqlite3``) unless a Notion token
is configured, sets up bidboard's databases (``init``), seeds a sample portfolio and snippet
library, reads the bundled sample mailbox (``bidboard/samples/mailbox``, or
``BIDBOARD_ALERTS_DIR``), scores every job, drafts the best ones (template drafter without an
OpenAI key), writes the cards, runs board sync and the weekly metrics of the weeks its jobs were
received in, and prints what happened and where to look. A rerun reads nothing twice and adds no
duplicate.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import SecretStr

from bidboard.batch import BatchReport
from bidboard.cli.demo_samples import SAMPLE_MAILBOX, relative_mailbox, write_history
from bidboard.cli.localserver import BackgroundServer
from bidboard.cli.offline import EMULATOR_TOKEN
from bidboard.cli.schema import _previous
from bidboard.errors import ConfigError
from bidboard.inbox.sources import FolderSource
from bidboard.ingest import run_ingest
from bidboard.lease import write_lease
from bidboard.loaders import load_portfolio_file, load_snippets
from bidboard.metrics import IsoWeek
from bidboard.metrics_text import show
from bidboard.notion import bootstrap
from bidboard.notion.client import Notion
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.insights_page import PagePublished
from bidboard.notion.workspace import Workspace, save_workspace
from bidboard.routines import WeeklyResult, publish_insights, run_sync, run_weekly
from bidboard.runtime import Runtime, notion_from_settings, pipeline_config
from bidboard.schema.codecs import encode_properties
from bidboard.schema.databases import PORTFOLIO, SNIPPETS
from bidboard.scoring.portfolio import SAMPLE_PATH as PORTFOLIO_SAMPLE
from bidboard.settings import Settings
from bidboard.state import StateStore
from bidboard.sync import SyncReport

DEMO_TOKEN = EMULATOR_TOKEN  # the local emulator accepts any token


@dataclass
class DemoSummary:
    gateway: BoardGateway
    batch: BatchReport
    quarantined: list[tuple[str, str]]
    skipped: int
    files: int
    sync: SyncReport
    weeks: list[WeeklyResult]
    history: int = 0  # sample history cards written by this run
    workspace: Workspace | None = None
    insights: PagePublished | None = None  # the "What gets replies" page


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


def seed_library(notion: Notion, workspace: Workspace) -> int:
    """Put the sample portfolio and snippets in their databases when those are empty."""
    created = 0
    for spec, rows in (
        (
            PORTFOLIO,
            [
                {
                    "Name": i.name,
                    "Summary": i.summary,
                    "Skills": i.skills,
                    "Outcome": i.outcome,
                    "Active": i.active,
                }
                for i in load_portfolio_file(PORTFOLIO_SAMPLE)
            ],
        ),
        (
            SNIPPETS,
            [
                {
                    "Name": s.name,
                    "Kind": s.kind,
                    "Text": s.text,
                    "Skills": s.skills,
                    "Active": s.active,
                }
                for s in load_snippets()
            ],
        ),
    ):
        source = workspace.ids(spec.key).data_source_id
        if notion.call(
            "is empty", notion.client.data_sources.query, source, safe=True, page_size=1
        )["results"]:
            continue
        for row in rows:
            notion.call(
                f"seed {spec.title}",
                notion.client.pages.create,
                safe=False,
                parent={"type": "data_source_id", "data_source_id": source},
                properties=encode_properties(spec, row),
            )
            created += 1
    return created


def prepare(settings: Settings, notion: Notion, emulator_db: str | None = None) -> Workspace:
    """``init`` (and ``migrate`` of a workspace an older bidboard made), then the sample
    portfolio and snippets where those databases are empty (under the write lease)."""
    with write_lease(settings, "demo setup"):
        parent = settings.notion_parent_page_id or _root_page(notion)
        previous = _previous(settings)
        report = bootstrap.init(notion, parent, settings.notion_base_url, previous)
        report.workspace.emulator_db = emulator_db  # remembered: later commands use that one
        save_workspace(settings.data_dir, report.workspace)
        workspace = report.workspace
        if previous is not None:  # a workspace from an older bidboard may lack new properties
            bootstrap.migrate(notion, workspace)
        seed_library(notion, workspace)
    return workspace


def start_emulator(settings: Settings, port: int) -> tuple[BackgroundServer, Settings]:
    """The emulator on ``port``, its data in ``<data dir>/emulator.sqlite3``, paced like Notion;
    and the settings that point at it."""
    from notion_emulator import EmulatorConfig, create_app

    db_path = settings.data_dir / "emulator.sqlite3"
    app = create_app(
        EmulatorConfig(db=str(db_path), rate_limit=3.0, burst=3, timezone=settings.timezone)
    )
    try:
        server = BackgroundServer(app, port=port).start()
    except RuntimeError:
        app.store.close()
        raise ConfigError(
            f"the emulator cannot listen on 127.0.0.1:{port} (is another bidboard demo or "
            "serve running?): choose another port"
        ) from None
    settings = settings.model_copy(
        update={"notion_base_url": server.url, "notion_token": SecretStr(DEMO_TOKEN)}
    )
    print(f"Notion emulator on {server.url} (data: {db_path})")
    return server, settings


def run(settings: Settings, notion: Notion, *, own_emulator: bool = False) -> DemoSummary:
    """The demo's writes, holding the write lease: two demos on one folder take turns. On the
    demo's own emulator, also the labelled sample history (never on a configured workspace);
    the bundled mailbox is read with its dates made relative to today."""
    with write_lease(settings, "demo"):
        return _run(settings, notion, own_emulator)


def _run(settings: Settings, notion: Notion, own_emulator: bool) -> DemoSummary:
    now = datetime.now(UTC)
    db = str((settings.data_dir / "emulator.sqlite3").resolve()) if own_emulator else None
    workspace = prepare(settings, notion, db)
    history = write_history(notion, workspace, now, settings.tz) if own_emulator else 0
    gateway = BoardGateway(notion, workspace)
    config = pipeline_config(settings, notion, workspace)
    store = StateStore.in_data_dir(settings.data_dir)
    mailbox = settings.alerts_dir or relative_mailbox(
        SAMPLE_MAILBOX, settings.data_dir / "sample-mailbox", now
    )
    source = FolderSource(mailbox, store)
    try:
        result = run_ingest([source], gateway, config, store)
        runtime = Runtime(settings, notion, workspace, gateway, store)
        synced = run_sync(runtime, now)
        this_week = IsoWeek.of(now, settings.tz)
        received = {
            IsoWeek.of(c.card.received_at, settings.tz)
            for c in gateway.iter_cards(properties=["Received at"])
            if c.card.received_at is not None and c.card.received_at <= now
        }
        weeks = sorted(w for w in received | {this_week} if w <= this_week)[-6:]
        weekly = run_weekly(runtime, weeks, now=now)
        replies = publish_insights(runtime)  # as the weekly flow does: "What gets replies"
    finally:
        config.close()
        store.close()
    return DemoSummary(
        gateway, result.batch, result.quarantined, result.skipped, result.read, synced, weekly,
        history, workspace, replies,
    )  # fmt: skip


def headline(week: WeeklyResult) -> str:
    """This week's figures in one line, as people read them."""
    f = week.rollup.figures
    parts = [
        f"{show('Alerts', f['Alerts'])} alerts",
        f"{show('Drafted', f['Drafted'])} drafted",
        f"{show('Submitted', f['Submitted'])} submitted",
        f"{show('Replied', f['Replied'])} replied",
        f"{show('Won', f['Won'])} won",
        f"reply rate {show('Reply rate', f['Reply rate'])}",
        f"win rate {show('Win rate', f['Win rate'])}",
        f"revenue {show('Revenue', f['Revenue'])}",
        f"connects spent {show('Connects spent', f['Connects spent'])}",
        f"median minutes to draft {show('Median minutes to draft', f['Median minutes to draft'])}",
    ]
    maturing = " (maturing: its rates may still rise)" if week.rollup.maturing else ""
    return f"This week {week.rollup.week.label}: " + ", ".join(parts) + maturing


def main(settings: Settings, *, serve: bool | None = None, port: int = 8765) -> int:
    started = time.monotonic()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    server: BackgroundServer | None = None
    if settings.notion_token is None:
        server, settings = start_emulator(settings, port)
    else:
        print(f"Using Notion at {settings.notion_base_url}")
    notion = notion_from_settings(settings)
    try:
        summary = run(settings, notion, own_emulator=server is not None)
        stages = Counter(
            s.card.stage.value if s.card.stage else "(none)"
            for s in summary.gateway.iter_cards(properties=["Stage"])
        )
    finally:
        notion.close()
    batch = summary.batch
    created = [o for o in batch.outcomes if o.created]
    print(
        f"Alerts: {summary.files} messages and files read, "
        f"{len(created)} new cards, {batch.duplicates} already on the board, "
        f"{len(summary.quarantined)} quarantined, {summary.skipped} not alerts"
    )
    for ref, reason in summary.quarantined:
        print(f"  quarantined {ref.rsplit('/', 1)[-1]}: {reason}")
    print("Board by stage: " + ", ".join(f"{stage} {n}" for stage, n in sorted(stages.items())))
    if created:
        print("Top new jobs:")
        for outcome in sorted(created, key=lambda o: -o.score)[:5]:
            print(
                f"  {outcome.score:>3} {outcome.verdict:<9} {outcome.stage:<15} "
                f"{outcome.title[:60]}"
            )
    print(
        f"Board sync: {summary.sync.read} cards read, {len(summary.sync.moves)} stage changes, "
        f"{summary.sync.stamped} stamps written"
    )
    if summary.history:
        print(
            f"Sample history: {summary.history} cards people moved through the stages in the "
            "weeks before this one (Source = sample, names start with 'Sample:'; only on the "
            "demo's own emulator)"
        )
    for week in summary.weeks:
        f, published = week.rollup.figures, week.published
        verb = "created" if published and published.created else "updated"
        print(
            f"Weekly metrics {week.rollup.week.label} ({verb}): "
            f"{show('Submitted', f['Submitted'])} submitted, {show('Won', f['Won'])} won, "
            f"reply rate {show('Reply rate', f['Reply rate'])}, "
            f"win rate {show('Win rate', f['Win rate'])}, revenue {show('Revenue', f['Revenue'])}"
        )
    if summary.weeks:
        print(headline(summary.weeks[-1]))
    if summary.insights is not None:
        verb = "created" if summary.insights.created else "updated"
        if not summary.insights.rewritten:
            verb = "unchanged"
        print(f"What gets replies ({verb}): rates by group over the whole history")
    print(f"Notion requests: {notion.stats.calls}")
    if server is not None:
        print(f"Board: {server.url}/board/{summary.gateway.ids.data_source_id}")
        if summary.workspace is not None:
            weekly = summary.workspace.ids("weekly_metrics").data_source_id
            print(f"Weekly metrics and charts: {server.url}/board/{weekly}")
            jobs = summary.workspace.ids("jobs")
            speed = jobs.views.get("Reply rate by speed to lead")
            if speed:
                print(
                    "Reply rate by speed to lead: "
                    f"{server.url}/board/{jobs.data_source_id}?v={speed}"
                )
        if summary.insights is not None:
            print(f"What gets replies: {server.url}/page/{summary.insights.page_id}")
        print(f"All pages (weekly metrics too): {server.url}/")
    print("Prefect UI: run `bidboard serve`, then open http://127.0.0.1:4200")
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
