"""Turning alert bodies into lines of text: one linear pass, tolerant of broken HTML.

Links keep their place: an anchor becomes ``text <url>`` so that a job's title and its link
stay together on one line. The scanner never backtracks over the document: each step looks no
further than the next ``<``, so hostile markup (thousands of unclosed tags or comments) costs
linear time.
"""

from __future__ import annotations

import html
import re

MAX_PART_CHARS = 1_000_000  # an alert is never this long; hostile bodies are cut here

# a tag ends at ">" or, when broken, where the next one starts ("</table<div>")
_TOKEN = re.compile(r"<!--|<(/?)([a-zA-Z][a-zA-Z0-9:-]{0,30})([^<>]{0,4000})(?:>|(?=<))")
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_DROP = frozenset({"script", "style", "head", "title", "template"})
_BLOCK = frozenset(
    {
        "br",
        "p",
        "div",
        "tr",
        "td",
        "th",
        "li",
        "ul",
        "ol",
        "table",
        "tbody",
        "thead",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "hr",
        "center",
        "dd",
        "dt",
    }
)
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


def html_to_lines(markup: str) -> list[str]:
    markup = markup[:MAX_PART_CHARS]
    out: list[str] = []
    anchor: list[str] | None = None  # text of the open <a>, if any
    href = ""
    dropping: str | None = None
    position = 0
    while True:
        match = _TOKEN.search(markup, position)
        text = markup[position : match.start()] if match else markup[position:]
        if dropping is None:
            (anchor if anchor is not None else out).append(html.unescape(text))
        if match is None:
            break
        if match.group(0) == "<!--":
            end = markup.find("-->", match.end())
            position = len(markup) if end < 0 else end + 3
            continue
        position = match.end()
        closing, name = match.group(1), match.group(2).lower()
        if dropping is not None:
            if closing and name == dropping:
                dropping = None
            continue
        if name in _DROP and not closing:
            dropping = name
        elif name == "a":
            if anchor is not None:  # closing it, or a new one opening without a close
                label = _SPACE.sub(" ", "".join(anchor)).strip()
                out.append(f" {label} <{href}> " if href else f" {label} ")
                anchor = None
            if not closing:
                found = _HREF.search(match.group(3))
                href = (
                    html.unescape(next((g for g in found.groups() if g), "")).strip()
                    if found
                    else ""
                )
                anchor = []
        elif name in _BLOCK:
            (anchor if anchor is not None else out).append("\n")
        else:
            (anchor if anchor is not None else out).append(" ")
    if anchor is not None:
        label = _SPACE.sub(" ", "".join(anchor)).strip()
        out.append(f" {label} <{href}> " if href else f" {label} ")
    return text_to_lines("".join(out))


def text_to_lines(text: str) -> list[str]:
    text = text[:MAX_PART_CHARS]
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return [line for line in lines if line]
