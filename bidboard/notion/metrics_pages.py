"""Weekly metrics against Notion: read the cards a rollup needs, upsert the week's row and page.

Reading is the costly part (100 cards a request), so the cards are read once for every week asked
for, narrowed by a filter to those received or stamped since the Monday before the first week,
and only the properties the rollup uses (``filter_properties``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bidboard.errors import NotionError
from bidboard.loaders import load_portfolio_file
from bidboard.metrics import (
    BREAKDOWNS,
    FIGURES,
    SPEED_BREAKDOWNS,
    IsoWeek,
    WeeklyRollup,
    weekly_rollups,
)
from bidboard.metrics_text import breakdown_rows, figures_rows, speed_rows, summary_sentence
from bidboard.models import STAMPS, JobCard
from bidboard.notion import blocks as b
from bidboard.notion.blocks import Run
from bidboard.notion.client import BlockLimitReached, Notion, is_transient
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.portfolio import cache_path, read_portfolio
from bidboard.notion.workspace import Workspace
from bidboard.schema.codecs import encode_properties, plain_text
from bidboard.schema.databases import JOBS, WEEKLY_METRICS

logger = logging.getLogger(__name__)

_DATES = ("received_at", *STAMPS.values())
METRIC_FIELDS = (
    "job_key",
    "stage",
    "score",
    "posted_at",
    "drafted_at",
    "drafted_by",
    "saved_search",
    "category",
    "portfolio_matches",
    "connects",
    "contract_value",
    *_DATES,
)


def _names(fields: tuple[str, ...]) -> list[str]:
    by_field = JOBS.by_field()
    return [by_field[f].name for f in fields]


def cards_for_weeks(gateway: BoardGateway, weeks: list[IsoWeek], tz: ZoneInfo) -> Iterator[JobCard]:
    """The cards any of ``weeks`` (or the week before each) may count, streamed."""
    since = min(weeks).previous().start(tz).isoformat()
    window = {"or": [{"property": name, "date": {"on_or_after": since}} for name in _names(_DATES)]}
    for stored in gateway.iter_cards(filter=window, properties=_names(METRIC_FIELDS)):
        yield stored.card


def portfolio_names(notion: Notion, workspace: Workspace, data_dir: Path) -> dict[str, str]:
    """Portfolio item names by page id: from the local cache ingest keeps, else from Notion."""
    path = cache_path(data_dir)
    items = load_portfolio_file(path) if path.exists() else read_portfolio(notion, workspace)
    return {item.page_id: item.name for item in items}


def rollups_from_board(
    gateway: BoardGateway,
    weeks: list[IsoWeek],
    tz: ZoneInfo,
    *,
    now: datetime,
    shortlist_at: float,
    names: dict[str, str],
) -> dict[IsoWeek, WeeklyRollup]:
    return weekly_rollups(
        cards_for_weeks(gateway, weeks, tz),
        weeks,
        tz,
        now=now,
        shortlist_at=shortlist_at,
        portfolio_names=names,
    )


def row_properties(rollup: WeeklyRollup) -> dict[str, Any]:
    values: dict[str, Any] = {
        "Week": rollup.week.label,
        "Week start": rollup.week.monday(),
        "Maturing": rollup.maturing,
    }
    values.update({name: rollup.figures[name] for name in FIGURES})
    return encode_properties(WEEKLY_METRICS, values)


def _table_lines(rows: list[list[str]]) -> list[list[Run]]:
    """A table's rows as lines: the row's name in bold, then ``column value`` pairs."""
    header, lines = rows[0], []
    for row in rows[1:]:
        pairs = " \u00b7 ".join(f"{h} {v}" for h, v in zip(header[1:], row[1:], strict=False))
        lines.append([Run(row[0], bold=True), Run(f": {pairs}" if pairs else "")])
    return lines


def _figure_lines(rollup: WeeklyRollup) -> list[list[Run]]:
    lines = []
    for name, now, before, change in figures_rows(rollup)[1:]:
        tail = f" (previous week {before}{', ' + change if change else ''})"
        lines.append([Run(name, bold=True), Run(f": {now}{tail}")])
    return lines


def page_content(rollup: WeeklyRollup) -> list[b.Block]:
    """The week's page: a summary, the figures, one paragraph per breakdown, the last one also
    holding speed to lead (posting to submission, drafted to submitted) — six blocks (seven
    with the page; at most 15), the rows as lines of rich text, not table rows, each of which
    would cost a block of a Free workspace's 1,000."""
    content = [
        b.styled_paragraph([Run(summary_sentence(rollup))]),
        b.styled_paragraph(b.section("Figures", _figure_lines(rollup), first=True)),
    ]
    for n, (key, title) in enumerate(BREAKDOWNS):
        last = n == len(BREAKDOWNS) - 1
        runs: list[Run] = []
        for m, (k, t) in enumerate(((key, title), *(SPEED_BREAKDOWNS if last else ()))):
            rows = breakdown_rows(rollup, k, t) if m == 0 else speed_rows(rollup, k, t)
            lines = _table_lines(rows) if len(rows) > 1 else ["(none this week)"]
            heading = f"By {t.lower()}" if m == 0 else f"Speed to lead: {t.lower()}"
            runs += b.section(heading, lines, first=m == 0)
        content.append(b.styled_paragraph(runs))
    return content


def _same_figures(page: dict[str, Any], properties: dict[str, Any]) -> bool:
    """Whether the row already holds these values (as Notion answers them)."""
    held = page.get("properties", {})
    for name, value in properties.items():
        kind = next(k for k in value if k != "type")
        now, before = value[kind], (held.get(name) or {}).get(kind)
        if kind in ("title", "rich_text"):
            same = _text(now) == _text(before)
        elif kind == "date":
            same = (now or {}).get("start") == (before or {}).get("start")
        else:
            same = now == before
        if not same:
            return False
    return True


def _text(items: list[dict[str, Any]] | None) -> str:
    """The text of rich text, as sent (``text.content``) or as answered (``plain_text``)."""
    return "".join(
        str(i["plain_text"] if "plain_text" in i else (i.get("text") or {}).get("content", ""))
        for i in items or []
    )


def _blocks_text(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(bl["type"], _text(bl[bl["type"]].get("rich_text"))) for bl in blocks]


@dataclass
class Published:
    week: str
    page_id: str
    url: str | None
    created: bool
    rewritten: bool = True  # False: the week's figures and page were already up to date
    note: str = ""  # why the page was not written, when it was not


class MetricsPages:
    """The Weekly metrics database: one row per week, found by its title."""

    def __init__(self, notion: Notion, workspace: Workspace) -> None:
        self.notion = notion
        self.source = workspace.ids(WEEKLY_METRICS.key).data_source_id

    def find(self, label: str) -> dict[str, Any] | None:
        found = self.notion.call(
            "find week row",
            self.notion.client.data_sources.query,
            self.source,
            safe=True,
            filter={"property": "Week", "title": {"equals": label}},
            page_size=2,
        )
        for page in found["results"]:
            title = plain_text(page["properties"].get("Week", {}).get("title"))
            if title == label:
                return dict(page)
        return None

    def publish(self, rollup: WeeklyRollup) -> Published:
        """Create the week's row with its page, or rewrite the row and page a rerun finds when
        a figure changed. Past the workspace's block limit, the row's figures are still kept
        up to date where the row exists; the page waits for a later run."""
        try:
            return self._publish(rollup)
        except BlockLimitReached as refused:
            logger.error("week page not written week=%s: %s", rollup.week.label, refused)
            return Published(rollup.week.label, "", None, False, rewritten=False, note=str(refused))

    def _publish(self, rollup: WeeklyRollup) -> Published:
        properties, content = row_properties(rollup), page_content(rollup)
        page = self.find(rollup.week.label)
        if page is None:
            try:
                page = self.notion.call(
                    "create week row",
                    self.notion.client.pages.create,
                    safe=False,
                    parent={"type": "data_source_id", "data_source_id": self.source},
                    properties=properties,
                    children=content,
                )
                return Published(rollup.week.label, page["id"], page.get("url"), True)
            except NotionError as error:
                if not is_transient(error, safe=True):
                    raise
                page = self.find(rollup.week.label)  # the answer may have been lost, not the row
                if page is None:
                    raise
        page_id = str(page["id"])
        if _same_figures(page, properties) and self._same_content(page_id, content):
            logger.info("week unchanged, not rewritten week=%s", rollup.week.label)
            return Published(rollup.week.label, page_id, page.get("url"), False, rewritten=False)
        self.notion.call(
            "update week row",
            self.notion.client.pages.update,
            page_id,
            safe=True,
            properties=properties,
            erase_content=True,
        )
        self.notion.call(
            "write week page",
            self.notion.client.blocks.children.append,
            page_id,
            safe=False,
            children=content,
        )
        return Published(rollup.week.label, page_id, page.get("url"), False)

    def _same_content(self, page_id: str, content: list[b.Block]) -> bool:
        """Whether the page already shows this content (one read; rewriting would spend
        blocks of the workspace's budget for nothing)."""
        held = self.notion.call(
            "read week page",
            self.notion.client.blocks.children.list,
            page_id,
            safe=True,
            page_size=100,
        )
        return _blocks_text(list(held["results"])) == _blocks_text(content)
