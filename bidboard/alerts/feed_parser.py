"""RSS and Atom feeds of job alerts: Upwork's historical shape (third-party services still
publish it) and generic feed items. XML from strangers is parsed with defusedxml: entity
expansion and external entities are refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from . import fields as f
from .model import ParseOutcome, Quarantined, build_alert
from .text import html_to_lines

ATOM = "{http://www.w3.org/2005/Atom}"
_UPWORK_TITLE = re.compile(r"\s+-\s+Upwork\s*$", re.IGNORECASE)
_CLICK = re.compile(r"^click to apply|^apply\b", re.IGNORECASE)


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _find(item: Element, *names: str) -> Element | None:
    for name in names:
        found = item.find(name)
        if found is not None:
            return found
    return None


def _item(
    title: str,
    link: str,
    body: str,
    guid: str,
    published: str,
    source_ref: str,
    saved_search: str | None,
    received: datetime,
    outcome: ParseOutcome,
) -> None:
    ref = f"{source_ref}#{guid or link or title}"[:500]
    keys = f.job_keys(link) or f.job_keys(body)
    if not keys:
        outcome.quarantined.append(
            Quarantined(
                ref, "feed item without a job link with a job key (~01…)", excerpt=title[:200]
            )
        )
        return
    job = f.JobFields(title=_UPWORK_TITLE.sub("", title).strip())
    reference = f.posted(published, received) if published else None
    for line in html_to_lines(body):
        if _CLICK.match(line) or f.JOB_URL.search(line):
            continue
        labelled = f.read_line(line, job, reference or received)
        if not labelled and not job.values:  # the description comes before the labels
            job.description_lines.append(line)
    values = job.alert_values()
    if "posted_at" not in values and reference is not None:
        values["posted_at"] = reference
    outcome.warnings += [f"{keys[0]}: {w}" for w in job.warnings]
    build_alert(
        outcome,
        values,
        job_key=keys[0],
        url=f.canonical_url(keys[0]),
        title=job.title or "(untitled job)",
        description="\n".join(job.description_lines) or None,
        source="rss",
        source_ref=ref,
        saved_search=saved_search,
        received_at=received,
    )


def parse_feed(
    content: bytes,
    source_ref: str,
    saved_search: str | None = None,
    received_at: datetime | None = None,
) -> ParseOutcome:
    outcome = ParseOutcome()
    received = received_at or datetime.now(UTC)
    if not content.strip():
        outcome.quarantined.append(Quarantined(source_ref, "empty feed"))
        return outcome
    try:
        root = fromstring(content)
    except (ParseError, DefusedXmlException, ValueError, LookupError, RecursionError) as error:
        outcome.quarantined.append(Quarantined(source_ref, f"not a readable feed: {error}"[:300]))
        return outcome
    if root.tag == "rss" or root.find("channel") is not None:
        items = root.findall("./channel/item")
        for item in items:
            _item(
                _text(item.find("title")),
                _text(item.find("link")),
                _text(
                    _find(item, "description", "{http://purl.org/rss/1.0/modules/content/}encoded")
                ),
                _text(item.find("guid")),
                _text(item.find("pubDate")),
                source_ref,
                saved_search,
                received,
                outcome,
            )
    elif root.tag == f"{ATOM}feed":
        items = root.findall(f"{ATOM}entry")
        for entry in items:
            links = [link.get("href", "") for link in entry.findall(f"{ATOM}link")]
            link = next((x for x in links if f.JOB_URL.search(x)), links[0] if links else "")
            _item(
                _text(entry.find(f"{ATOM}title")),
                link,
                _text(_find(entry, f"{ATOM}content", f"{ATOM}summary")),
                _text(entry.find(f"{ATOM}id")),
                _text(_find(entry, f"{ATOM}published", f"{ATOM}updated")),
                source_ref,
                saved_search,
                received,
                outcome,
            )
    else:
        outcome.quarantined.append(
            Quarantined(source_ref, f"not an RSS or Atom feed (root element {root.tag[:80]})")
        )
        return outcome
    if not items:
        outcome.warnings.append(f"{source_ref}: the feed has no items")
    return outcome
