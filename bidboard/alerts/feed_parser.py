"""RSS and Atom feeds of job alerts: Upwork's historical shape (saved copies and look-alike
feeds still exist) and generic feed items. XML from strangers is parsed with defusedxml: entity
expansion and external entities are refused.

Upwork's item description is the client's text followed by Upwork's own fields as bold labels
(``<b>Budget</b>: $50``, ``<b>Posted On</b>: …``, ``<b>Skills</b>: a, b``, ``<b>Country</b>: …``)
and a "click to apply" link. Only that trailing block of bold labels is read as fields: the
client's text may hold headings such as "Skills and Qualifications" or "Expertise level:
Expert", and those are description. Links and guids write the tilde as ``%7E``: every one is
percent-decoded before the job key is looked for.
"""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from bidboard.alerts import fields as f
from bidboard.alerts import jobkey
from bidboard.alerts.alert import ParseOutcome, Quarantined, Skipped, build_alert
from bidboard.alerts.lines import read_html

ATOM = "{http://www.w3.org/2005/Atom}"
_UPWORK_TITLE = re.compile(r"\s+-\s+Upwork\s*$", re.IGNORECASE)
_CLICK = re.compile(r"^click to apply|^apply\b", re.IGNORECASE)
_LABEL_START = re.compile(r"^([^:]{1,40}?)\s*:")


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _find(item: Element, *names: str) -> Element | None:
    for name in names:
        found = item.find(name)
        if found is not None:
            return found
    return None


def _label_block_start(lines: list[str], bold: set[str]) -> int:
    """Where the trailing block of bold-labelled lines (and the apply link) begins."""
    start = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        label = _LABEL_START.match(line)
        if (label and label.group(1) in bold) or _CLICK.match(line):
            start = index
            continue
        break
    return start


def _item(
    title: str,
    links: list[str],
    body: str,
    guid: str,
    published: str,
    source_ref: str,
    saved_search: str | None,
    feed_name: str | None,
    received: datetime,
    outcome: ParseOutcome,
) -> None:
    ref = f"{source_ref}#{jobkey.unquote_deep(guid or next(iter(links), '') or title)}"[:500]
    html = read_html(body)
    keys = next(
        (k for k in (jobkey.job_keys(x) for x in [*links, guid]) if k), None
    ) or jobkey.job_keys(" ".join(link.href for link in html.links))
    if not keys:
        outcome.quarantined.append(
            Quarantined(
                ref,
                "feed item without a job link with a job key (~02… or ~01…)",
                excerpt=title[:200],
                code="no_job_key",
            )
        )
        return
    job = f.JobFields(title=_UPWORK_TITLE.sub("", title).strip())
    reference = f.posted(published, received) if published else None
    lines = html.lines
    if html.bold_labels:  # Upwork's shape: the trailing bold labels are the fields
        start = _label_block_start(lines, html.bold_labels)
        job.description_lines = [x for x in lines[:start] if not jobkey.JOB_URL.search(x)]
        for line in lines[start:]:
            if not _CLICK.match(line):
                f.read_line(line, job, reference or received)
    else:  # a look-alike feed: labels wherever they are, the description before them
        for line in lines:
            if _CLICK.match(line) or jobkey.JOB_URL.search(line):
                continue
            labelled = f.read_line(line, job, reference or received)
            if not labelled and not job.values:
                job.description_lines.append(line)
    values = job.alert_values()
    if "posted_at" not in values and reference is not None:
        values["posted_at"] = reference
    outcome.warnings += [f"{keys[0]}: {w}" for w in job.warnings]
    build_alert(
        outcome,
        values,
        job_key=keys[0],
        url=jobkey.canonical_url(keys[0]),
        title=job.title or "(untitled job)",
        description="\n".join(job.description_lines) or None,
        source="feed",
        source_name=feed_name,
        source_ref=ref,
        saved_search=saved_search,
        received_at=received,
    )


def parse_feed(
    content: bytes,
    source_ref: str,
    saved_search: str | None = None,
    *,
    received_at: datetime,
) -> ParseOutcome:
    outcome = ParseOutcome()
    received = received_at
    if not content.strip():
        outcome.quarantined.append(Quarantined(source_ref, "empty feed", code="empty"))
        return outcome
    try:
        root = fromstring(content)
    except (ParseError, DefusedXmlException, ValueError, LookupError, RecursionError) as error:
        outcome.quarantined.append(
            Quarantined(source_ref, f"not a readable feed: {error}"[:300], code="unreadable")
        )
        return outcome
    if root.tag == "rss" or root.find("channel") is not None:
        name = _text(root.find("./channel/title")) or None
        items = root.findall("./channel/item")
        for item in items:
            _item(
                _text(item.find("title")),
                [_text(item.find("link"))],
                _text(
                    _find(item, "description", "{http://purl.org/rss/1.0/modules/content/}encoded")
                ),
                _text(item.find("guid")),
                _text(item.find("pubDate")),
                source_ref,
                saved_search,
                name,
                received,
                outcome,
            )
    elif root.tag == f"{ATOM}feed":
        name = _text(root.find(f"{ATOM}title")) or None
        items = root.findall(f"{ATOM}entry")
        for entry in items:
            _item(
                _text(entry.find(f"{ATOM}title")),
                [link.get("href", "") for link in entry.findall(f"{ATOM}link")],
                _text(_find(entry, f"{ATOM}content", f"{ATOM}summary")),
                _text(entry.find(f"{ATOM}id")),
                _text(_find(entry, f"{ATOM}published", f"{ATOM}updated")),
                source_ref,
                saved_search,
                name,
                received,
                outcome,
            )
    else:
        outcome.skipped.append(
            Skipped(
                source_ref,
                f"not an RSS or Atom feed (root element {root.tag[:80]})",
                code="not_an_alert",
            )
        )
        return outcome
    if not items:
        outcome.warnings.append(f"{source_ref}: the feed has no items")
    return outcome
