"""Block children: what clients may send, and the block objects Notion answers with."""

from __future__ import annotations

from typing import Any

from .errors import body_invalid, validation
from .richtext import COLORS, rich_text_array

MAX_CHILDREN = 100
MAX_BLOCKS_PER_REQUEST = 1000
# Blocks sent in one request may nest two levels below the top: top -> child -> grandchild.
MAX_NESTING = 2

_TEXT_BLOCKS = (
    "paragraph",
    "heading_1",
    "heading_2",
    "heading_3",
    "bulleted_list_item",
    "numbered_list_item",
    "quote",
    "toggle",
    "to_do",
    "callout",
)
_LEAF_BLOCKS = ("divider", "code", "bookmark", "equation", "table_of_contents", "breadcrumb")
BLOCK_TYPES = (*_TEXT_BLOCKS, *_LEAF_BLOCKS, "table", "table_row")
_BLOCK_COLORS = COLORS + tuple(f"{c}_background" for c in COLORS if c != "default")


def _content(kind: str, raw: dict[str, Any], path: str) -> dict[str, Any]:
    """Validate the type-specific object of a block; return its response form (no children)."""
    allowed: tuple[str, ...]
    if kind in _TEXT_BLOCKS:
        allowed = ("rich_text", "color", "children")
        out: dict[str, Any] = {
            "rich_text": rich_text_array(raw.get("rich_text", []), f"{path}.rich_text")
        }
        color = raw.get("color", "default")
        if color not in _BLOCK_COLORS:
            raise body_invalid(f"{path}.color", "should be a valid color", color)
        out["color"] = color
        if kind == "to_do":
            allowed = (*allowed, "checked")
            checked = raw.get("checked", False)
            if not isinstance(checked, bool):
                raise body_invalid(f"{path}.checked", "should be a boolean", checked)
            out["checked"] = checked
        if kind.startswith("heading_"):
            allowed = (*allowed, "is_toggleable")
            out["is_toggleable"] = bool(raw.get("is_toggleable", False))
        if kind == "callout":
            allowed = (*allowed, "icon")
            out["icon"] = raw.get("icon")
    elif kind == "code":
        allowed = ("rich_text", "language", "caption")
        language = raw.get("language", "plain text")
        if not isinstance(language, str):
            raise body_invalid(f"{path}.language", "should be a string", language)
        out = {
            "rich_text": rich_text_array(raw.get("rich_text", []), f"{path}.rich_text"),
            "caption": rich_text_array(raw.get("caption", []), f"{path}.caption"),
            "language": language,
        }
    elif kind == "bookmark":
        allowed = ("url", "caption")
        url = raw.get("url")
        if not isinstance(url, str) or not url:
            raise body_invalid(f"{path}.url", "should be a non-empty string", url)
        out = {"url": url, "caption": rich_text_array(raw.get("caption", []), f"{path}.caption")}
    elif kind == "equation":
        allowed = ("expression",)
        if not isinstance(raw.get("expression"), str):
            raise body_invalid(f"{path}.expression", "should be a string", raw.get("expression"))
        out = {"expression": raw["expression"]}
    elif kind == "table":
        allowed = ("table_width", "has_column_header", "has_row_header", "children")
        width = raw.get("table_width")
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise body_invalid(f"{path}.table_width", "should be a positive integer", width)
        out = {
            "table_width": width,
            "has_column_header": bool(raw.get("has_column_header", False)),
            "has_row_header": bool(raw.get("has_row_header", False)),
        }
    elif kind == "table_row":
        allowed = ("cells",)
        cells = raw.get("cells")
        if not isinstance(cells, list):
            raise body_invalid(f"{path}.cells", "should be an array", cells)
        out = {
            "cells": [rich_text_array(cell, f"{path}.cells[{i}]") for i, cell in enumerate(cells)]
        }
    else:  # divider, table_of_contents, breadcrumb
        allowed = ("color",) if kind == "table_of_contents" else ()
        out = {"color": raw.get("color", "default")} if kind == "table_of_contents" else {}
    for key in raw:
        if key not in allowed:
            raise body_invalid(f"{path}.{key}", "should be not present", raw[key])
    return out


def parse_children(raw: Any, path: str = "body.children", depth: int = 0) -> list[dict[str, Any]]:
    """Validate an array of blocks sent by a client.

    Returns a tree of ``{"type", "content", "children"}`` nodes; ids are given when stored.
    """
    if not isinstance(raw, list):
        raise body_invalid(path, "should be an array", raw)
    if len(raw) > MAX_CHILDREN:
        raise body_invalid(f"{path}.length", f"should be ≤ `{MAX_CHILDREN}`", len(raw))
    nodes = []
    for i, block in enumerate(raw):
        bpath = f"{path}[{i}]"
        if not isinstance(block, dict):
            raise body_invalid(bpath, "should be an object", block)
        kinds = [k for k in block if k in BLOCK_TYPES]
        declared = block.get("type")
        if len(kinds) != 1 or (declared is not None and declared != kinds[0]):
            raise body_invalid(
                bpath, "should contain exactly one supported block type", sorted(block)
            )
        kind = kinds[0]
        extra = [k for k in block if k not in (kind, "type", "object")]
        if extra:
            raise body_invalid(f"{bpath}.{extra[0]}", "should be not present", block[extra[0]])
        body = block[kind]
        if not isinstance(body, dict):
            raise body_invalid(f"{bpath}.{kind}", "should be an object", body)
        content = _content(kind, body, f"{bpath}.{kind}")
        children: list[dict[str, Any]] = []
        if "children" in body:
            if depth >= MAX_NESTING:
                raise body_invalid(
                    f"{bpath}.{kind}.children", "should be not present", body["children"]
                )
            children = parse_children(body["children"], f"{bpath}.{kind}.children", depth + 1)
        if kind == "table":
            if not children or any(c["type"] != "table_row" for c in children):
                raise validation(f"{bpath}.table.children should be an array of table_row blocks.")
            for j, row in enumerate(children):
                if len(row["content"]["cells"]) != content["table_width"]:
                    raise validation(
                        f"{bpath}.table.children[{j}].table_row.cells should have "
                        f"{content['table_width']} cells (table_width)."
                    )
        nodes.append({"type": kind, "content": content, "children": children})
    return nodes


def count_blocks(nodes: list[dict[str, Any]]) -> int:
    return sum(1 + count_blocks(n["children"]) for n in nodes)
