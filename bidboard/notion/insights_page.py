"""The "What gets replies" Notion page: the insights over the whole history, under bidboard's
parent page, one page however often it is refreshed.

The weekly flow refreshes it with one call, ``bidboard.routines.publish_insights(runtime)``. The
page holds two paragraphs: a summary, and every dimension as a titled section (the rows as lines of
rich text, not table rows: three blocks with the page); a refresh whose text is unchanged writes
nothing, a changed one costs two blocks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bidboard.insights import Insights, dimension_lines, summary
from bidboard.notion import blocks as b
from bidboard.notion.blocks import Run
from bidboard.notion.client import Notion

logger = logging.getLogger(__name__)
TITLE = "What gets replies"
LINES_PER_DIMENSION = 12


@dataclass
class PagePublished:
    page_id: str
    url: str | None
    created: bool
    rewritten: bool
    speed_written: int = 0  # cards whose Speed to lead / Got a reply were written
    speed_left: int = 0  # to write, beyond this refresh's limit: the next refresh writes them


def page_content(report: Insights) -> list[b.Block]:
    """Two blocks: the summary, then every dimension as a titled section of one paragraph (a
    rewrite costs 2 of a Free workspace's 1,000 lifetime blocks, not one per dimension)."""
    runs: list[Run] = []
    for n, (dimension, rows) in enumerate(report.groups.items()):
        lines: list[str | list[Run]] = list(
            dimension_lines(rows, limit=LINES_PER_DIMENSION, minimum=report.min_count)
        )
        runs += b.section(f"Reply rate by {dimension.lower()}", lines, first=n == 0)
    return [b.styled_paragraph([Run(summary(report))]), b.styled_paragraph(runs)]


def _text(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        kind = block.get("type", "")
        items = block.get(kind, {}).get("rich_text", [])
        found.append(
            "".join(i.get("plain_text") or i.get("text", {}).get("content", "") for i in items)
        )
    return found


def _find(notion: Notion, parent: str) -> dict[str, Any] | None:
    cursor: str | None = None
    while True:
        extra = {"start_cursor": cursor} if cursor else {}
        page = notion.call(
            "find insights page",
            notion.client.blocks.children.list,
            parent,
            safe=True,
            page_size=100,
            **extra,
        )
        for block in page["results"]:
            if block.get("type") == "child_page" and block["child_page"].get("title") == TITLE:
                return dict(block)
        if not page.get("has_more"):
            return None
        cursor = page.get("next_cursor")


def publish_page(notion: Notion, parent_page_id: str, report: Insights) -> PagePublished:
    """Create the page, or rewrite it when its text changed."""
    content = page_content(report)
    found = _find(notion, parent_page_id)
    if found is None:
        made = notion.call(
            "create insights page",
            notion.client.pages.create,
            safe=False,
            parent={"type": "page_id", "page_id": parent_page_id},
            properties={"title": {"title": [{"type": "text", "text": {"content": TITLE}}]}},
            children=content,
        )
        return PagePublished(made["id"], made.get("url"), True, True)
    page_id = str(found["id"])
    held = notion.call(
        "read insights page", notion.client.blocks.children.list, page_id, safe=True, page_size=100
    )
    if _text(list(held["results"])) == _text(content):
        return PagePublished(page_id, None, False, False)
    notion.call(
        "clear insights page", notion.client.pages.update, page_id, safe=True, erase_content=True
    )
    notion.call(
        "write insights page",
        notion.client.blocks.children.append,
        page_id,
        safe=False,
        children=content,
    )
    return PagePublished(page_id, None, False, True)
