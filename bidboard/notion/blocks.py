"""Building page content as Notion blocks, within the API's limits.

Blocks are a budget: a Free workspace with more than one member has 1,000 lifetime blocks, the
pages included, and deleting gives nothing back. So a section is not a heading block plus list
blocks but styled runs of one block's rich text: a rich text array holds up to 100 items of
2,000 characters each, line breaks kept, so a whole draft with its headings fits in one
paragraph (:func:`styled_text`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bidboard.schema.codecs import text_items

Block = dict[str, Any]
MAX_ITEMS = 100  # rich text items in one array


class Run:
    """A run of text in one style: ``Run("Draft", bold=True)``."""

    __slots__ = ("bold", "italic", "text")

    def __init__(self, text: str, *, bold: bool = False, italic: bool = False) -> None:
        self.text, self.bold, self.italic = text, bold, italic

    @property
    def style(self) -> tuple[bool, bool]:
        return self.bold, self.italic


def _items(runs: list[Run]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for run in runs:
        styles = {k: True for k, on in (("bold", run.bold), ("italic", run.italic)) if on}
        items += text_items(run.text, styles)
    return items


def _merged(runs: Iterable[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if merged and merged[-1].style == run.style:
            merged[-1] = Run(merged[-1].text + run.text, bold=run.bold, italic=run.italic)
        else:
            merged.append(run)
    return merged


def styled_text(runs: Iterable[Run]) -> list[dict[str, Any]]:
    """A rich text array for these runs: neighbours of one style merged, each item at most
    2,000 characters, at most 100 items. Should the styles need more items than that, the
    styles go (the text stays); only text beyond 200,000 characters is cut."""
    merged = _merged(runs)
    items = _items(merged)
    if len(items) > MAX_ITEMS:
        plain = Run("".join(r.text for r in merged))
        items = _items([plain])
    return items[:MAX_ITEMS]


def styled_paragraph(runs: Iterable[Run]) -> Block:
    return {"type": "paragraph", "paragraph": {"rich_text": styled_text(runs)}}


def styled_callout(runs: Iterable[Run], emoji: str = "\u270d\ufe0f") -> Block:
    return {
        "type": "callout",
        "callout": {"rich_text": styled_text(runs), "icon": {"type": "emoji", "emoji": emoji}},
    }


def section(title: str, lines: Iterable[str | list[Run]], *, first: bool = False) -> list[Run]:
    """A titled section as runs: the title in bold on its own line, then one line each."""
    runs = ([] if first else [Run("\n\n")]) + [Run(title, bold=True)]
    for line in lines:
        runs.append(Run("\n"))
        runs += [Run(line)] if isinstance(line, str) else line
    return runs


def paragraph(text: str) -> Block:
    return styled_paragraph([Run(text)])


def to_do(text: str, checked: bool = False) -> Block:
    return {"type": "to_do", "to_do": {"rich_text": styled_text([Run(text)]), "checked": checked}}


def callout(text: str, emoji: str = "\u270d\ufe0f") -> Block:
    return styled_callout([Run(text)], emoji)


def count(blocks: list[Block]) -> int:
    total = 0
    for block in blocks:
        children = block.get(block["type"], {}).get("children", [])
        total += 1 + count(children)
    return total


def size(payload: Any) -> int:
    return len(json.dumps(payload, ensure_ascii=False).encode())
