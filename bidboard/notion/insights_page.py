"""The "What gets replies" Notion page: the insights over the whole history, under bidboard's
parent page, one page however often it is refreshed.

The weekly flow refreshes it with one call, ``bidboard.routines.publish_insights(runtime)``. The
page holds a summary paragraph and one paragraph per dimension (about a dozen blocks, the rows as
lines of rich text, not table rows); a refresh whose text is unchanged writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bidboard.insights import Insights, group_line, summary
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


def page_content(report: Insights) -> list[b.Block]:
    content = [b.styled_paragraph([Run(summary(report))])]
    for dimension, rows in report.groups.items():
        lines: list[str | list[Run]] = [group_line(g) for g in rows[:LINES_PER_DIMENSION]]
        if len(rows) > LINES_PER_DIMENSION:
            lines.append(f"({len(rows) - LINES_PER_DIMENSION} more not shown)")
        content.append(
            b.styled_paragraph(b.section(f"Reply rate by {dimension.lower()}", lines, first=True))
        )
    return content


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
