"""Turning alert bodies into lines of text.

HTML is read with selectolax (the Lexbor HTML5 engine): a real parser that copes with the broken
markup mail clients and feeds produce, in C and in linear time, so hostile markup (thousands of
unclosed tags or comments) costs little. The document is walked once, without recursion: block
elements end lines, and a link keeps its place as ``text <url>`` so that a job's title and its
link stay together on one line. What the walk also keeps is structure the text loses: every
link (href and text), and the bold labels (``<b>Budget</b>:``) that mark Upwork's own fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

MAX_PART_CHARS = 1_000_000  # an alert is never this long; hostile bodies are cut here

_DROP = frozenset({"script", "style", "head", "title", "template", "noscript", "-comment"})
_BLOCK = frozenset(
    {
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
        "dl",
        "pre",
    }
)
_BOLD = frozenset({"b", "strong"})
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u200b\ufeff]+")


@dataclass(frozen=True)
class Link:
    href: str
    text: str


@dataclass
class HtmlText:
    """An HTML body as lines, with the links and bold labels it had."""

    lines: list[str]
    links: list[Link] = field(default_factory=list)
    #: the text of bold elements followed by a colon: ``<b>Budget</b>:`` gives ``Budget``
    bold_labels: set[str] = field(default_factory=set)


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def read_html(markup: str) -> HtmlText:
    tree = LexborHTMLParser(markup[:MAX_PART_CHARS])
    top = tree.body or tree.root
    if top is None:
        return HtmlText([])
    out: list[str] = []
    links: list[Link] = []
    bold: set[str] = set()
    # (node, leaving): a block's "leaving" entry ends its line once its children are out
    stack: list[tuple[LexborNode, bool]] = [(top, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            out.append("\n")
            continue
        if node.is_text_node:
            out.append(node.text_content or "")
            continue
        tag = node.tag or ""
        if tag in _DROP:
            continue
        if tag == "br":
            out.append("\n")
            continue
        if tag == "a":
            label = _flat(node.text(deep=True))
            href = (node.attributes.get("href") or "").strip()
            links.append(Link(href, label))
            out.append(f" {label} <{href}> " if href else f" {label} ")
            continue
        if tag in _BOLD:
            following = node.next
            text = _flat(node.text(deep=True))
            if text.endswith(":"):
                bold.add(text[:-1].strip())
            elif (
                following is not None
                and following.is_text_node
                and (following.text_content or "").lstrip().startswith(":")
            ):
                bold.add(text)
        if tag in _BLOCK:
            out.append("\n")
            stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    return HtmlText(text_to_lines("".join(out)), links, bold)


def html_to_lines(markup: str) -> list[str]:
    return read_html(markup).lines


_LINK = re.compile(r"<https?://[^>\s]+>|https?://\S+")


def without_links(line: str) -> str:
    """A line with its links (``<url>`` as ``read_html`` writes them, or bare) taken out."""
    return _LINK.sub("", line)


def text_to_lines(text: str) -> list[str]:
    text = text[:MAX_PART_CHARS]
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return [line for line in lines if line]
