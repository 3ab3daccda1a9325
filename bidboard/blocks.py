"""Building page content as Notion blocks, within the API's limits."""

from __future__ import annotations

import json
from typing import Any

Block = dict[str, Any]
MAX_TEXT = 2000


def _rich(text: str, *, bold: bool = False) -> list[dict[str, Any]]:
    items = []
    for i in range(0, len(text), MAX_TEXT):
        item: dict[str, Any] = {"type": "text", "text": {"content": text[i : i + MAX_TEXT]}}
        if bold:
            item["annotations"] = {"bold": True}
        items.append(item)
    return items[:100]


def paragraph(text: str) -> Block:
    return {"type": "paragraph", "paragraph": {"rich_text": _rich(text)}}


def heading(text: str, level: int = 2) -> Block:
    kind = f"heading_{level}"
    return {"type": kind, kind: {"rich_text": _rich(text)}}


def bullet(text: str) -> Block:
    return {"type": "bulleted_list_item", "bulleted_list_item": {"rich_text": _rich(text)}}


def to_do(text: str, checked: bool = False) -> Block:
    return {"type": "to_do", "to_do": {"rich_text": _rich(text), "checked": checked}}


def callout(text: str, emoji: str = "✍️") -> Block:
    return {
        "type": "callout",
        "callout": {"rich_text": _rich(text), "icon": {"type": "emoji", "emoji": emoji}},
    }


def divider() -> Block:
    return {"type": "divider", "divider": {}}


def table(rows: list[list[str]], *, header: bool = True) -> Block:
    width = max((len(r) for r in rows), default=1)
    return {
        "type": "table",
        "table": {
            "table_width": width,
            "has_column_header": header,
            "has_row_header": False,
            "children": [
                {
                    "type": "table_row",
                    "table_row": {
                        "cells": [_rich(cell) for cell in row + [""] * (width - len(row))]
                    },
                }
                for row in rows[:100]
            ],
        },
    }


def paragraphs(text: str) -> list[Block]:
    """Text with blank-line separated paragraphs as paragraph blocks."""
    return [paragraph(part.strip()) for part in text.split("\n\n") if part.strip()]


def count(blocks: list[Block]) -> int:
    total = 0
    for block in blocks:
        children = block.get(block["type"], {}).get("children", [])
        total += 1 + count(children)
    return total


def size(payload: Any) -> int:
    return len(json.dumps(payload, ensure_ascii=False).encode())
