"""What ``bidboard demo`` shows: the sample mailbox with its dates moved to today, and a labelled
sample history of proposals people sent and followed on the board."""

from __future__ import annotations

import base64
import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bidboard import synthetic
from bidboard.metrics import IsoWeek
from bidboard.models import JobCard, Stage
from bidboard.notion.client import Notion
from bidboard.notion.speed import chart_values
from bidboard.notion.workspace import Workspace
from bidboard.schema.codecs import encode_properties
from bidboard.schema.databases import JOBS

SAMPLE_MAILBOX = Path(__file__).resolve().parents[1] / "samples" / "mailbox"


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
_SIGNALS = {
    "client_country",
    "payment_verified",
    "client_rating",
    "client_spend",
    "score",
    "score_reasons",
    "draft_words",
    "screening",
}
_ORDER = [Stage.SUBMITTED, Stage.VIEWED, Stage.REPLIED, Stage.INTERVIEW, Stage.WON]


def history_cards(now: datetime, tz: ZoneInfo) -> list[JobCard]:
    """The sample history's cards: each arrived on its day at 09:00, was drafted 25 minutes
    later and moved along at ``_PACE``; a stage not reached by ``now`` is left out (nothing in
    the future), so this week's cards are still on their way."""
    monday = datetime.combine(IsoWeek.of(now, tz).monday(), datetime.min.time(), tz)
    cards = []
    # the client signals, score reasons and draft of each, drawn as the older past's are
    signals = synthetic.history(len(_HISTORY), seed=5, searches=("Python backend",))
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
            **signals[n].model_dump(include=_SIGNALS),
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
        values["posted_at"] = arrived - timedelta(minutes=4 + (n * 53) % 180)
        cards.append(JobCard(**values))
    return cards + past_cards(now, tz)


#: The older past: proposals drawn from a model with known effects (``bidboard.synthetic``:
#: payment verified doubles the odds of a reply, one search never replies, replies halve after
#: four hours), in the 26 weeks before the curated ones, so that "What gets replies" and the
#: speed-to-lead chart have something to show.
PAST_PROPOSALS = 40
_PAST_SEARCHES = ("Python backend", "Scraping", "Data pipelines", "Chrome extensions")


def past_cards(now: datetime, tz: ZoneInfo) -> list[JobCard]:
    monday = datetime.combine(IsoWeek.of(now, tz).monday(), datetime.min.time(), tz)
    start = monday - timedelta(weeks=26)
    drawn = synthetic.history(
        PAST_PROPOSALS,
        seed=7,
        effects=synthetic.Effects(dead_search="Chrome extensions"),
        start=start,
        days=21 * 7,  # ends five weeks before this one: the recent weeks are the curated cards
        searches=_PAST_SEARCHES,
    )
    cards = []
    for n, card in enumerate(drawn):
        cards.append(
            card.model_copy(
                update={
                    "job_key": f"~sample-past-{n + 1:03d}",
                    "name": f"Sample: past {card.saved_search} job {n + 1}",
                    "source": SAMPLE_SOURCE,
                    "compliance": "OK",
                }
            )
        )
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
        chart = chart_values(card)  # what the insights refresh would write: written with it
        if chart is not None:
            card = card.model_copy(update=chart)
        notion.call(
            "write sample history",
            notion.client.pages.create,
            safe=False,
            parent={"type": "data_source_id", "data_source_id": source},
            properties=encode_properties(JOBS, card.model_dump(exclude_defaults=True)),
        )
    return len(cards)
