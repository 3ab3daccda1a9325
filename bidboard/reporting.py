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

from notion_schema.codecs import encode_properties, plain_text
from notion_schema.databases import JOBS, WEEKLY_METRICS
from notion_schema.workspace import Workspace

from . import blocks as b
from .errors import NotionError
from .gateway import BoardGateway
from .metrics import (
    BREAKDOWNS,
    FIGURES,
    IsoWeek,
    WeeklyRollup,
    breakdown_rows,
    figures_rows,
    summary_sentence,
    weekly_rollups,
)
from .models import JobCard
from .notion import Notion, is_transient
from .portfolio_store import cache_path, read_portfolio
from .scoring.portfolio import load_portfolio_file
from .sync import STAMPS

logger = logging.getLogger(__name__)

_DATES = ("received_at", *STAMPS.values())
METRIC_FIELDS = (
    "job_key",
    "stage",
    "score",
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


def page_content(rollup: WeeklyRollup) -> list[b.Block]:
    content: list[b.Block] = [
        b.paragraph(summary_sentence(rollup)),
        b.heading("Figures", 2),
        b.table(figures_rows(rollup)),
    ]
    for key, title in BREAKDOWNS:
        content += [
            b.heading(f"By {title.lower()}", 3),
            b.table(breakdown_rows(rollup, key, title)),
        ]
    return content


@dataclass
class Published:
    week: str
    page_id: str
    url: str | None
    created: bool


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
        """Create the week's row with its page, or rewrite the row and page a rerun finds."""
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
