"""Upwork job-alert, saved-search and digest emails (and forwarded copies, .eml and mbox).

``parse_upwork_alert_email`` is pure: bytes in, a :class:`ParseOutcome` out. It never raises on
bad input: what it cannot use is quarantined (with the reason) or skipped as ``not an alert``.
"""

from __future__ import annotations

import email
import email.message
import re
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.policy import compat32
from email.utils import parseaddr

from . import fields as f
from .model import ParseOutcome, Quarantined, Skipped, build_alert
from .text import html_to_lines, text_to_lines

MAX_DEPTH = 30
_ALERT_SUBJECT = re.compile(
    r"new job alert|new job:|new jobs?\b.*\b(?:saved search|match)|jobs posted in the last"
    r"|job alert|saved search",
    re.IGNORECASE,
)
_SUBJECT_TITLE = re.compile(
    r"^(?:(?:fwd?|fw|re)\s*:\s*)*(?:new job alert|new job)\s*:\s*(.+)$", re.IGNORECASE
)
_SAVED_SEARCH = re.compile(r"saved search\s*[:\-]?\s*[\"“']?([^\"”']+?)[\"”']?\s*$", re.IGNORECASE)
_FORWARD_MARK = re.compile(
    r"^(?:-+\s*)?(?:forwarded message|begin forwarded message|original "
    r"message)",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"^(?:you(?:'re| are)? receiv|unsubscribe|manage (?:your )?(?:email|notification|alert)"
    r"|©|\(c\)\s*\d{4}|upwork global|upwork inc|privacy policy|view all (?:jobs|matches)"
    r"|see (?:all|more) jobs|this email was sent|to stop receiving|want to change|download "
    r"the upwork app|follow us)",
    re.IGNORECASE,
)
_GENERIC_ANCHOR = re.compile(
    r"^(?:more|read more|see more|view job|view job posting|apply(?: now)?"
    r"|details|\.\.\.|…|link|here|view)$",
    re.IGNORECASE,
)
_LINK = re.compile(r"<https?://[^>\s]+>|https?://\S+")
_MORE_SUFFIX = re.compile(r"\s*(?:\u2026|\.\.\.)?\s*\bmore\s*$", re.IGNORECASE)
_UPWORK_SENDER = re.compile(r"(?:^|[.@])upwork\.com$", re.IGNORECASE)


def _header(message: email.message.Message, name: str) -> str:
    raw = message.get(name)
    if raw is None:
        return ""
    try:
        return str(make_header(decode_header(str(raw)))).strip()
    except (ValueError, LookupError, UnicodeError, TypeError):
        return str(raw).strip()


def _wide_without_bom(charset: str, payload: bytes) -> bool:
    """A UTF-16/32 declaration over bytes that are plainly ASCII is wrong: decoding them
    "successfully" would turn the body into CJK noise."""
    if not charset.lower().replace("_", "-").startswith(("utf-16", "utf-32")):
        return False
    if payload.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return False
    sample = payload[:4096]
    return bool(sample) and sum(b < 0x80 and b != 0 for b in sample) / len(sample) > 0.9


def _decode(part: email.message.Message, warnings: list[str]) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        if _wide_without_bom(charset, payload):
            raise UnicodeDecodeError(charset, payload, 0, 1, "ASCII bytes, no byte-order mark")
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        warnings.append(f"part declared charset {charset!r} but is not: read leniently")
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("cp1252", errors="replace")


def _bodies(message: email.message.Message, warnings: list[str]) -> tuple[list[str], list[str]]:
    """The text/plain and text/html bodies, walked without recursion, depth-limited."""
    plain: list[str] = []
    markup: list[str] = []
    stack: list[tuple[email.message.Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        if depth > MAX_DEPTH:
            warnings.append(f"MIME parts nested deeper than {MAX_DEPTH} levels were not read")
            continue
        if part.is_multipart():
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend(
                    (c, depth + 1)
                    for c in reversed(children)
                    if isinstance(c, email.message.Message)
                )
            continue
        kind = part.get_content_type()
        if part.get_content_disposition() == "attachment" and kind != "message/rfc822":
            continue
        if kind == "text/plain":
            plain.append(_decode(part, warnings))
        elif kind == "text/html":
            markup.append(_decode(part, warnings))
    return plain, markup


def _anchor_text(line: str) -> str:
    return _LINK.sub("", line).strip(" -\u2013:|")


class _Job:
    def __init__(self, key: str, title: str) -> None:
        self.key = key
        self.fields = f.JobFields(title=title)
        self.ended = False  # description finished (a "more" link, or the footer)


def _segment(lines: list[str], reference: datetime | None) -> list[_Job]:
    jobs: list[_Job] = []
    current: _Job | None = None
    previous = ""
    for line in lines:
        keys = [m.group(1) for m in f.JOB_URL.finditer(line)]
        if keys:
            text = _anchor_text(line)
            if current is not None and keys[0] == current.key:
                if text and not _GENERIC_ANCHOR.match(text):
                    current.fields.description_lines.append(re.sub(r"\s*(?:more|…)$", "", text))
                current.ended = True
                continue
            title = text if text and not _GENERIC_ANCHOR.match(text) else ""
            if (
                not title
                and previous
                and current is not None
                and current.fields.description_lines[-1:] == [previous]
            ):
                current.fields.description_lines.pop()  # the title line of a text part
                title = previous
            elif not title:
                title = previous if current is None else ""
            current = _Job(keys[0], title)
            jobs.append(current)
            previous = ""
            continue
        previous = line
        if current is None:
            continue
        if _FOOTER.match(line):
            current.ended = True
            current = None
            continue
        job = current.fields
        if f.read_line(line, job, reference):
            continue
        if job.values.get("_collect_skills") and len(line) <= 40 and not line.endswith("."):
            if not f._MORE.match(line):
                job.values.setdefault("skills", []).append(line)
            continue
        job.values.pop("_collect_skills", None)
        if not current.ended and not line.startswith("http"):
            job.description_lines.append(line)
    return jobs


def _forwarded_headers(lines: list[str]) -> tuple[str, str]:
    """The Subject and Date of a forwarded Upwork alert, from the body's header block."""
    subject = date = ""
    inside = False
    for line in lines[:80]:
        if _FORWARD_MARK.search(line):
            inside = True
            continue
        if not inside:
            continue
        match = re.match(r"^(subject|date|sent)\s*:\s*(.+)$", line, re.IGNORECASE)
        if match:
            if match.group(1).lower() == "subject":
                subject = subject or match.group(2)
            else:
                date = date or match.group(2)
        if f.JOB_URL.search(line):
            break
    return subject, date


def parse_upwork_alert_email(
    content: bytes, source_ref: str, received_fallback: datetime | None = None
) -> ParseOutcome:
    outcome = ParseOutcome()
    if not content.strip():
        outcome.quarantined.append(Quarantined(source_ref, "empty message"))
        return outcome
    try:
        message = email.message_from_bytes(content, policy=compat32)
        plain, markup = _bodies(message, outcome.warnings)
    except RecursionError:
        outcome.quarantined.append(Quarantined(source_ref, "MIME structure nested too deeply"))
        return outcome
    except Exception as error:
        outcome.quarantined.append(Quarantined(source_ref, f"unreadable MIME: {error}"[:300]))
        return outcome

    sender = parseaddr(_header(message, "From"))[1]
    subject = _header(message, "Subject")
    received = (
        f.parse_date_header(_header(message, "Date")) or received_fallback or datetime.now(UTC)
    )
    plain_lines = [line for body in plain for line in text_to_lines(body)]
    html_lines = [line for body in markup for line in html_to_lines(body)]
    forwarded_subject, forwarded_date = _forwarded_headers(plain_lines or html_lines)
    upwork = bool(_UPWORK_SENDER.search(sender.rpartition("@")[2])) or any(
        "upwork.com" in line.lower() and line.lower().startswith("from")
        for line in (plain_lines or html_lines)[:80]
    )
    effective_subject = forwarded_subject or subject
    alert_subject = bool(_ALERT_SUBJECT.search(effective_subject))

    plain_keys = f.job_keys("\n".join(plain_lines))
    html_keys = f.job_keys("\n".join(html_lines))
    lines = plain_lines if len(plain_keys) >= len(html_keys) and plain_keys else html_lines
    keys = plain_keys if lines is plain_lines else html_keys

    if not (upwork or alert_subject):
        outcome.skipped.append(Skipped(source_ref, "not an alert"))
        return outcome
    if not keys:
        if alert_subject:
            outcome.quarantined.append(
                Quarantined(
                    source_ref,
                    "no job link with a job key (~01…) found",
                    excerpt=effective_subject[:200],
                )
            )
        else:
            outcome.skipped.append(Skipped(source_ref, "not an alert"))
        return outcome

    reference = f.parse_date_header(forwarded_date) or received
    saved = _SAVED_SEARCH.search(effective_subject)
    subject_title = _SUBJECT_TITLE.match(effective_subject)
    jobs = _segment(lines, reference)
    for job in jobs:
        values = job.fields.alert_values()
        title = job.fields.title or (
            subject_title.group(1).strip() if subject_title and len(jobs) == 1 else ""
        )
        if not title:
            outcome.warnings.append(f"{job.key}: no title found")
            title = "(untitled job)"
        description = _MORE_SUFFIX.sub("", "\n".join(job.fields.description_lines)).strip() or None
        outcome.warnings += [f"{job.key}: {w}" for w in job.fields.warnings]
        build_alert(
            outcome,
            values,
            job_key=job.key,
            url=f.canonical_url(job.key),
            title=title[:500],
            description=description,
            source="email",
            source_ref=source_ref,
            saved_search=saved.group(1).strip() if saved else None,
            received_at=received,
        )
    return outcome


_MBOX_SEPARATOR = re.compile(rb"(?m)^From [^\r\n]*\r?\n")


def split_mbox(content: bytes) -> list[bytes]:
    """The messages of an mbox file (Gmail's export format)."""
    parts = _MBOX_SEPARATOR.split(content)
    messages = [p for p in parts if p.strip()]
    return [re.sub(rb"(?m)^>(>*From )", rb"\1", m) for m in messages]


def parse_mbox(content: bytes, source_ref: str) -> ParseOutcome:
    outcome = ParseOutcome()
    messages = split_mbox(content)
    if not messages:
        outcome.quarantined.append(Quarantined(source_ref, "empty mbox"))
    for index, message in enumerate(messages):
        outcome.extend(parse_upwork_alert_email(message, f"{source_ref}#{index}"))
    return outcome
