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

import base64
import os
import re
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from bidboard.cli.localserver import BackgroundServer
from bidboard.cli.offline import EMULATOR_TOKEN
from bidboard.cli.schema import _previous
from bidboard.errors import ConfigError
from bidboard.inbox.sources import FolderSource
from bidboard.ingest import run_ingest
from bidboard.lease import write_lease
from bidboard.loaders import load_portfolio_file, load_snippets
from bidboard.metrics import IsoWeek, show
from bidboard.models import JobCard, Stage
from bidboard.notion import bootstrap
from bidboard.notion.client import Notion
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.workspace import Workspace, save_workspace
from bidboard.pipeline import BatchReport
from bidboard.routines import WeeklyResult, run_sync, run_weekly
from bidboard.runtime import Runtime, notion_from_settings, pipeline_config
from bidboard.schema.codecs import encode_properties
from bidboard.schema.databases import JOBS, PORTFOLIO, SNIPPETS
from bidboard.scoring.portfolio import SAMPLE_PATH as PORTFOLIO_SAMPLE
from bidboard.settings import Settings
from bidboard.state import StateStore
from bidboard.sync import SyncReport

DEMO_TOKEN = EMULATOR_TOKEN  # the local emulator accepts any token
SAMPLE_MAILBOX = Path(__file__).resolve().parents[1] / "samples" / "mailbox"


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
    finally:
        config.close()
        store.close()
    return DemoSummary(
        gateway, result.batch, result.quarantined, result.skipped, result.read, synced, weekly,
        history, workspace,
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
    print(f"Notion requests: {notion.stats.calls}")
    if server is not None:
        print(f"Board: {server.url}/board/{summary.gateway.ids.data_source_id}")
        if summary.workspace is not None:
            weekly = summary.workspace.ids("weekly_metrics").data_source_id
            print(f"Weekly metrics and charts: {server.url}/board/{weekly}")
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


# --- sample dates relative to today --------------------------------------------------------

_RFC = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d:\d\d:\d\d) ([+-]\d{4})"
)
_ASC = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d:\d\d:\d\d) (\d{4})"
)
_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")
_LONG = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
    r" (\d{1,2}), (\d{4}) (\d\d:\d\d) UTC"
)
_POSTED = re.compile(r"(Posted on: )([A-Z][a-z]{2}) (\d{1,2})\b")
#: How far apart the sample messages are made to arrive, the last one this long ago.
SAMPLE_SPACING = timedelta(minutes=6)


def _dates(text: str) -> list[datetime]:
    found = [
        datetime.strptime(" ".join(m.groups()[1:]), "%d %b %Y %H:%M:%S %z")
        for m in _RFC.finditer(text)
    ]
    found += [
        datetime.fromisoformat(m.group(0).replace("Z", "+00:00")) for m in _ISO.finditer(text)
    ]
    found += [
        datetime.strptime(" ".join(m.groups()), "%B %d %Y %H:%M").replace(tzinfo=UTC)
        for m in _LONG.finditer(text)
    ]
    return found


def shift_dates(text: str, delta: timedelta, reference: datetime) -> str:
    """Every date of a sample message or file moved by ``delta``, in the format it was
    written in; the words around them unchanged. ``Posted on: Aug 26`` takes its year from
    ``reference`` (the message's own date), as the parser does."""

    def rfc(m: re.Match[str]) -> str:
        moved = datetime.strptime(" ".join(m.groups()[1:]), "%d %b %Y %H:%M:%S %z") + delta
        return moved.strftime("%a, %d %b %Y %H:%M:%S %z")

    def asc(m: re.Match[str]) -> str:
        day, month, clock, year = m.group(3), m.group(2), m.group(4), m.group(5)
        moved = datetime.strptime(f"{day} {month} {year} {clock}", "%d %b %Y %H:%M:%S") + delta
        return moved.strftime("%a %b %d %H:%M:%S %Y")

    def iso(m: re.Match[str]) -> str:
        moved = datetime.fromisoformat(m.group(0).replace("Z", "+00:00")) + delta
        return moved.isoformat()

    def long(m: re.Match[str]) -> str:
        moved = datetime.strptime(" ".join(m.groups()), "%B %d %Y %H:%M") + delta
        return f"{moved:%B} {moved.day}, {moved:%Y %H:%M} UTC"

    def posted(m: re.Match[str]) -> str:
        day = datetime.strptime(f"{m.group(3)} {m.group(2)} {reference.year}", "%d %b %Y")
        if day.date() > reference.date():  # "Dec 31" in a message of Jan 2
            day = day.replace(year=reference.year - 1)
        moved = day + delta
        return f"{m.group(1)}{moved:%b} {moved.day}"

    for pattern, how in ((_RFC, rfc), (_ASC, asc), (_ISO, iso), (_LONG, long), (_POSTED, posted)):
        text = pattern.sub(how, text)
    return text


_B64 = re.compile(
    r"(Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n)((?:[A-Za-z0-9+/=]+\r?\n?)+)"
)


def _shift_b64(match: re.Match[str], delta: timedelta, reference: datetime) -> str:
    """A base64 part with its dates moved too (a forwarded message's body)."""
    raw = base64.b64decode(match.group(2)).decode("latin-1")
    moved = base64.encodebytes(shift_dates(raw, delta, reference).encode("latin-1")).decode()
    return match.group(1) + moved


def relative_mailbox(source: Path, target: Path, now: datetime) -> Path:
    """A copy of the sample mailbox whose dates end just before ``now``: its messages arrive
    ``SAMPLE_SPACING`` apart, the last one that long ago, so nothing is in the future and the
    time to draft is minutes, not months. Made once: a rerun reads the same files (and so
    nothing twice)."""
    if target.exists():
        return target
    temporary = target.with_name(target.name + ".tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    files = sorted(p for p in source.iterdir() if p.is_file())
    for i, path in enumerate(files):
        text = path.read_bytes().decode("latin-1")  # every date is ASCII; bytes kept as they are
        dates = _dates(text)
        if dates:
            reference = max(dates)
            arrives = now - SAMPLE_SPACING * (len(files) - i)
            text = shift_dates(text, arrives - reference, reference)
            delta = arrives - reference
            text = _B64.sub(partial(_shift_b64, delta=delta, reference=reference), text)
        (temporary / path.name).write_bytes(text.encode("latin-1"))
    os.replace(temporary, target)
    return target


# --- a labelled sample history -------------------------------------------------------------

SAMPLE_SOURCE = "sample"
#: (weeks before this one, day of the week it arrived, title, furthest stage, connects, bid,
#: contract value): proposals people sent and followed on the board.
_HISTORY: tuple[tuple[int, int, str, Stage, int, int, int | None], ...] = (
    (4, 0, "FastAPI service for a courier app", Stage.WON, 16, 2400, 2400),
    (4, 1, "Scrape product prices into Postgres", Stage.LOST, 12, 600, None),
    (4, 2, "Django admin for a clinic", Stage.VIEWED, 16, 1800, None),
    (4, 3, "Airflow DAGs for a marketing team", Stage.SUBMITTED, 14, 1500, None),
    (3, 0, "Stripe webhooks for a SaaS backend", Stage.REPLIED, 16, 1200, None),
    (3, 1, "Async API for IoT sensor data", Stage.WON, 18, 3200, 3000),
    (3, 2, "Data pipeline from Shopify to BigQuery", Stage.LOST, 12, 900, None),
    (3, 3, "Flask to FastAPI migration", Stage.INTERVIEW, 16, 2000, None),
    (3, 4, "Python CLI for invoice exports", Stage.SUBMITTED, 8, 400, None),
    (2, 0, "GraphQL backend for a booking site", Stage.REPLIED, 16, 2600, None),
    (2, 1, "ETL for a logistics dashboard", Stage.WON, 14, 1900, 1900),
    (2, 2, "Celery workers for PDF reports", Stage.VIEWED, 12, 700, None),
    (2, 3, "PostgreSQL tuning for a reporting API", Stage.LOST, 10, 500, None),
    (1, 0, "Backend for a language-learning app", Stage.REPLIED, 16, 2800, None),
    (1, 1, "Python integration with HubSpot", Stage.WON, 12, 1100, 1100),
    (1, 2, "Scrapy spiders for real-estate listings", Stage.VIEWED, 12, 800, None),
    (1, 3, "REST API for a fitness tracker", Stage.SUBMITTED, 16, 1600, None),
    (1, 4, "Data cleaning scripts for a CRM", Stage.LOST, 8, 300, None),
    (0, 0, "FastAPI backend for a school portal", Stage.REPLIED, 16, 2200, None),
    (0, 0, "Airtable to Postgres sync", Stage.SUBMITTED, 10, 650, None),
)
#: When each stage was reached, after the job arrived (a person's usual pace).
_PACE: tuple[tuple[Stage, str, timedelta], ...] = (
    (Stage.SUBMITTED, "submitted_at", timedelta(hours=3)),
    (Stage.VIEWED, "viewed_at", timedelta(hours=20)),
    (Stage.REPLIED, "replied_at", timedelta(days=1, hours=6)),
    (Stage.INTERVIEW, "interview_at", timedelta(days=2, hours=4)),
    (Stage.WON, "won_at", timedelta(days=4)),
)
_ORDER = [Stage.SUBMITTED, Stage.VIEWED, Stage.REPLIED, Stage.INTERVIEW, Stage.WON]


def history_cards(now: datetime, tz: ZoneInfo) -> list[JobCard]:
    """The sample history's cards: each arrived on its day at 09:00, was drafted 25 minutes
    later and moved along at ``_PACE``; a stage not reached by ``now`` is left out (nothing in
    the future), so this week's cards are still on their way."""
    monday = datetime.combine(IsoWeek.of(now, tz).monday(), datetime.min.time(), tz)
    cards = []
    for n, (weeks_ago, day, title, furthest, connects, bid, value) in enumerate(_HISTORY):
        arrived = monday - timedelta(weeks=weeks_ago) + timedelta(days=day, hours=9, minutes=n)
        if arrived + _PACE[0][2] > now:
            continue
        values: dict[str, Any] = {
            "job_key": f"~sample-{n + 1:03d}",
            "name": f"Sample: {title}",
            "source": SAMPLE_SOURCE,
            "saved_search": "Python backend",
            "scored_by": "Backend",
            "received_at": arrived,
            "drafted_at": arrived + timedelta(minutes=25),
            "drafted_by": "template",
            "score": 70 + (n * 7) % 25,
            "score_reasons": "shortlist: sample history, written by the demo (Source = sample)",
            "compliance": "OK",
            "connects": connects,
            "bid": bid,
        }
        stage = Stage.DRAFTED
        lost = furthest == Stage.LOST
        reach = _ORDER.index(Stage.VIEWED if lost else furthest)
        for wanted, stamp, after in _PACE[: reach + 1]:
            after += timedelta(minutes=(n * 37) % 150)  # people are not clockwork
            if arrived + after > now:
                break
            values[stamp], stage = arrived + after, wanted
        if lost and stage == Stage.VIEWED and arrived + timedelta(days=3) <= now:
            values["lost_at"], stage = arrived + timedelta(days=3), Stage.LOST
        if stage == Stage.WON:
            values["contract_value"] = value
        values["stage"] = stage
        cards.append(JobCard(**values))
    return cards


def write_history(notion: Notion, workspace: Workspace, now: datetime, tz: ZoneInfo) -> int:
    """Write the sample history as a person would: straight through Notion's public API, not
    through bidboard's gateway (whose stage guard never writes a person's stage). Once: none
    when a sample card is on the board already. Returns how many cards it wrote."""
    source = workspace.ids(JOBS.key).data_source_id
    already = notion.call(
        "find sample history",
        notion.client.data_sources.query,
        source,
        safe=True,
        page_size=1,
        filter={"property": "Source", "select": {"equals": SAMPLE_SOURCE}},
    )
    if already["results"]:
        return 0
    cards = history_cards(now, tz)
    for card in cards:
        notion.call(
            "write sample history",
            notion.client.pages.create,
            safe=False,
            parent={"type": "data_source_id", "data_source_id": source},
            properties=encode_properties(JOBS, card.model_dump(exclude_defaults=True)),
        )
    return len(cards)
