"""Block children: what clients may send, and the block objects Notion answers with."""

from __future__ import annotations

from typing import Any

from .errors import body_invalid, validation
from .richtext import COLORS, MAX_EQUATION_LENGTH, MAX_URL_LENGTH, rich_text_array

MAX_CHILDREN = 100
MAX_BLOCKS_PER_REQUEST = 1000
# Blocks sent in one request may nest two levels below the top: top -> child -> grandchild.
MAX_NESTING = 2

_TEXT_BLOCKS = (
    "paragraph",
    "heading_1",
    "heading_2",
    "heading_3",
    "heading_4",
    "bulleted_list_item",
    "numbered_list_item",
    "quote",
    "toggle",
    "to_do",
    "callout",
)
_LEAF_BLOCKS = ("divider", "code", "bookmark", "equation", "table_of_contents", "breadcrumb")
BLOCK_TYPES = (*_TEXT_BLOCKS, *_LEAF_BLOCKS, "image", "table", "table_row")
# languageRequest of the description.
LANGUAGES = (
    "abap",
    "abc",
    "agda",
    "arduino",
    "ascii art",
    "assembly",
    "bash",
    "basic",
    "bnf",
    "c",
    "c#",
    "c++",
    "clojure",
    "coffeescript",
    "coq",
    "css",
    "dart",
    "dhall",
    "diff",
    "docker",
    "ebnf",
    "elixir",
    "elm",
    "erlang",
    "f#",
    "flow",
    "fortran",
    "gherkin",
    "glsl",
    "go",
    "graphql",
    "groovy",
    "haskell",
    "hcl",
    "html",
    "idris",
    "java",
    "javascript",
    "json",
    "julia",
    "kotlin",
    "latex",
    "less",
    "lisp",
    "livescript",
    "llvm ir",
    "lua",
    "makefile",
    "markdown",
    "markup",
    "matlab",
    "mathematica",
    "mermaid",
    "nix",
    "notion formula",
    "objective-c",
    "ocaml",
    "pascal",
    "perl",
    "php",
    "plain text",
    "powershell",
    "prolog",
    "protobuf",
    "purescript",
    "python",
    "r",
    "racket",
    "reason",
    "ruby",
    "rust",
    "sass",
    "scala",
    "scheme",
    "scss",
    "shell",
    "smalltalk",
    "solidity",
    "sql",
    "swift",
    "toml",
    "typescript",
    "vb.net",
    "verilog",
    "vhdl",
    "visual basic",
    "webassembly",
    "xml",
    "yaml",
    "java/c/c++/c#",
)
ICON_TYPES = ("emoji", "external", "file_upload", "custom_emoji", "icon")
_BLOCK_COLORS = COLORS + tuple(f"{c}_background" for c in COLORS if c != "default")


def icon(raw: Any, path: str) -> Any:
    """An icon (pageIconRequest): ``{"type": "emoji", "emoji": "✍️"}`` and its kin."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise body_invalid(path, "should be an object", raw)
    kind = raw.get("type", next((k for k in ICON_TYPES if k in raw), None))
    if kind not in ICON_TYPES:
        raise body_invalid(f"{path}.type", f"should be one of {', '.join(ICON_TYPES)}", kind)
    if kind not in raw:
        raise body_invalid(f"{path}.{kind}", "should be defined", None)
    return raw


def _content(kind: str, raw: dict[str, Any], path: str) -> dict[str, Any]:
    """Validate the type-specific object of a block; return its response form (no children)."""
    allowed: tuple[str, ...]
    if kind in _TEXT_BLOCKS:
        allowed = ("rich_text", "color", "children")
        if "rich_text" not in raw:  # required in every text block of the description
            raise body_invalid(f"{path}.rich_text", "should be defined", None)
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
            out["icon"] = icon(raw.get("icon"), f"{path}.icon")
    elif kind == "code":
        allowed = ("rich_text", "language", "caption")
        for required in ("rich_text", "language"):
            if required not in raw:
                raise body_invalid(f"{path}.{required}", "should be defined", None)
        language = raw["language"]
        if language not in LANGUAGES:
            raise body_invalid(f"{path}.language", "should be a supported language", language)
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
        if len(raw["expression"]) > MAX_EQUATION_LENGTH:
            raise body_invalid(
                f"{path}.expression.length",
                f"should be ≤ `{MAX_EQUATION_LENGTH}`",
                len(raw["expression"]),
            )
        out = {"expression": raw["expression"]}
    elif kind == "image":
        # Files Notion hosts come from the file upload API (not emulated); external images
        # are a URL, as in an image block request of the description.
        allowed = ("type", "external", "caption")
        external = raw.get("external")
        if raw.get("type", "external") != "external" or not isinstance(external, dict):
            raise body_invalid(f"{path}.external", "should be defined", external)
        url = external.get("url")
        if not isinstance(url, str) or not url:
            raise body_invalid(f"{path}.external.url", "should be a non-empty string", url)
        if len(url) > MAX_URL_LENGTH:
            raise body_invalid(
                f"{path}.external.url.length", f"should be ≤ `{MAX_URL_LENGTH}`", len(url)
            )
        out = {
            "caption": rich_text_array(raw.get("caption", []), f"{path}.caption"),
            "type": "external",
            "external": {"url": url},
        }
    elif kind == "table":
        allowed = ("table_width", "has_column_header", "has_row_header", "children")
        width = raw.get("table_width")
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise body_invalid(f"{path}.table_width", "should be a positive integer", width)
        out = {"table_width": width}
        for flag in ("has_column_header", "has_row_header"):
            value = raw.get(flag, False)
            if not isinstance(value, bool):
                raise body_invalid(f"{path}.{flag}", "should be a boolean", value)
            out[flag] = value
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
