"""Turning alert bodies into lines of text: fast, linear, and tolerant of broken HTML.

Links keep their place: an anchor becomes ``text <url>`` so that a job's title and its link
stay together on one line.
"""

from __future__ import annotations

import html
import re

MAX_PART_CHARS = 1_000_000  # an alert is never this long; hostile bodies are cut here

_DROP = re.compile(r"<(script|style|head|title)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_BLOCK = re.compile(
    r"<\s*/?\s*(?:br|p|div|tr|td|th|li|ul|ol|table|tbody|thead|h[1-6]|section|article|header"
    r"|footer|blockquote|hr|center)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


_PLACEHOLDER = re.compile("\x02(\\d+)\x03")


def html_to_lines(markup: str) -> list[str]:
    markup = markup[:MAX_PART_CHARS].replace("\x02", " ").replace("\x03", " ")
    markup = _COMMENT.sub(" ", markup)
    markup = _DROP.sub(" ", markup)
    links: list[str] = []

    def anchor(match: re.Match[str]) -> str:
        attributes, inner = match.group(1), match.group(2)
        href = _HREF.search(attributes)
        url = next((g for g in href.groups() if g), "") if href else ""
        text = _SPACE.sub(" ", _TAG.sub(" ", inner)).strip()
        if not url:
            return f" {text} "
        links.append(html.unescape(url).strip())
        return f" {text} \x02{len(links) - 1}\x03 "

    markup = _ANCHOR.sub(anchor, markup)
    markup = _BLOCK.sub("\n", markup)
    markup = _TAG.sub(" ", markup)
    text = html.unescape(markup)
    text = _PLACEHOLDER.sub(lambda m: f"<{links[int(m.group(1))]}>", text)
    return text_to_lines(text)


def text_to_lines(text: str) -> list[str]:
    text = text[:MAX_PART_CHARS]
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return [line for line in lines if line]
