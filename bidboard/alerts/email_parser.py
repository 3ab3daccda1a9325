"""Upwork job-alert, saved-search and digest emails (and forwarded copies, .eml and mbox).

``parse_upwork_alert_email`` is pure: bytes in, a :class:`ParseOutcome` out. It never raises on
bad input: what it cannot use is quarantined (with the reason) or skipped as ``not an alert``.
A MIME error (:data:`MIME_ERRORS`) is ``unreadable``; any other error while the message's parts
are read is a bug, quarantined as ``parser_error`` and logged with its traceback, so that one
message never blocks its mailbox and a bug is never taken for a malformed email.
"""

from __future__ import annotations

import email
import email.errors
import email.message
import logging
import re
from datetime import datetime
from email.header import decode_header, make_header
from email.policy import compat32
from email.utils import parseaddr

from bidboard.alerts import fields as f
from bidboard.alerts import jobkey
from bidboard.alerts.alert import ParseOutcome, Quarantined, Skipped, build_alert, visible
from bidboard.alerts.lines import html_to_lines, text_to_lines, without_links

logger = logging.getLogger(__name__)
#: What the ``email`` package raises on a malformed message (``ValueError`` includes
#: ``UnicodeError`` and ``binascii.Error``; an unknown charset is read leniently, in ``_decode``).
MIME_ERRORS = (email.errors.MessageError, ValueError)

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
    r"^(?:more|read more|see more|view job|view job posting|view job details|apply(?: now)?"
    r"|details|\.\.\.|…|link|here|view)$",
    re.IGNORECASE,
)
_MORE_SUFFIX = re.compile(r"\s*(?:\u2026|\.\.\.)?\s*\bmore\s*$", re.IGNORECASE)
_UPWORK_SENDER = re.compile(r"(?:^|[.@])upwork\.com$", re.IGNORECASE)
_VOLLNA_SENDER = re.compile(r"(?:^|[.@])vollna\.com$", re.IGNORECASE)
_ANCHOR_HREF = re.compile(r"<(https?://[^>\s]+)>")
_SEARCH_LINK = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*upwork\.com/(?:[a-z]+/)*nx/search/jobs", re.IGNORECASE
)
_TEXT_SKILL = re.compile(r"^(.{1,60}?):?\s+(https?://\S+)$")


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
    return without_links(line).strip(" -\u2013:|")


class _Job:
    def __init__(self, key: str | None, url: str, title: str) -> None:
        self.key = key  # None: the alert has no real key (derived later)
        self.url = url
        self.fields = f.JobFields(title=title)
        self.ended = False  # description finished (a "more" link, or the footer)


def _job_link(line: str, derived: bool) -> tuple[str | None, str] | None:
    """The job link on ``line``: (its key, its URL). Without real keys in the alert
    (``derived``), a click-tracked or odd job link stands for the one job."""
    if not derived:
        keys = jobkey.job_keys(line)
        return (keys[0], jobkey.canonical_url(keys[0])) if keys else None
    found = jobkey.TRACKING_URL.search(line) or jobkey.ODD_JOB_URL.search(line)
    return (None, found.group(0)) if found else None


def _skill_links(line: str) -> list[str] | None:
    """The skills of a line made only of links to Upwork's job search (the HTML part's
    skills), else None."""
    if "/nx/search/jobs" not in line:
        return None
    text = _TEXT_SKILL.match(line)  # a text part's "Quality Assurance: <search link>"
    if text and "<" not in line:
        return [text.group(1).strip()] if _SEARCH_LINK.match(text.group(2)) else None
    parts = _ANCHOR_HREF.split(line)  # text, href, text, href, …, text
    pairs = [(label.strip(), href) for label, href in zip(parts[0:-1:2], parts[1::2], strict=True)]
    if parts[-1].strip(" ,·•|") or not all(
        _SEARCH_LINK.match(href) or f.MORE.match(label) for label, href in pairs
    ):
        return None  # not only skill links (and a "+2 more" link to the job)
    return [label for label, _ in pairs if label and not f.MORE.match(label)]


def _segment(lines: list[str], reference: datetime, derived: bool) -> list[_Job]:
    jobs: list[_Job] = []
    current: _Job | None = None
    previous = ""
    for line in lines:
        if f.RULE.match(line):
            continue
        found_skills = _skill_links(line) if current is not None else None
        if found_skills is not None and current is not None:
            job_skills = current.fields.values.setdefault("skills", [])
            job_skills += [s for s in found_skills if s not in job_skills]
            continue
        link = _job_link(line, derived)
        if link is not None:
            key, url = link
            text = _anchor_text(line)
            generic = not text or bool(_GENERIC_ANCHOR.match(text))
            if current is not None and (key == current.key if key else True):
                if not generic:
                    current.fields.description_lines.append(re.sub(r"\s*(?:more|…)$", "", text))
                current.ended = True
                continue
            title = "" if generic else text
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
            current = _Job(key, url, title)
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
        if f.MORE.match(line):
            continue
        if f.read_line(line, job, reference):
            continue
        if f.read_bare(line, job):
            continue
        if job.collecting_skills and len(line) <= 60 and not line.endswith((".", "…")):
            job.values.setdefault("skills", []).append(line)
            continue
        job.collecting_skills = False
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
        if jobkey.JOB_URL.search(line):
            break
    return subject, date


def _links_in(lines: list[str], derived: bool) -> int:
    if not derived:
        return len(jobkey.job_keys("\n".join(lines)))
    return sum(bool(_job_link(line, True)) for line in lines)


def parse_upwork_alert_email(
    content: bytes, source_ref: str, received_fallback: datetime
) -> ParseOutcome:
    outcome = ParseOutcome()
    if not content.strip():
        outcome.quarantined.append(Quarantined(source_ref, "empty message", code="empty"))
        return outcome
    try:
        message = email.message_from_bytes(content, policy=compat32)
        plain, markup = _bodies(message, outcome.warnings)
    except RecursionError:
        outcome.quarantined.append(
            Quarantined(source_ref, "MIME structure nested too deeply", code="unreadable")
        )
        return outcome
    except MIME_ERRORS as error:
        outcome.quarantined.append(
            Quarantined(source_ref, f"unreadable MIME: {error}"[:300], code="unreadable")
        )
        return outcome
    except Exception as error:  # a bug: told apart, and the message kept (see the module doc)
        logger.exception("email not read: a parser error source_ref=%s", source_ref)
        reason = f"bidboard failed to read this email (a bug): {type(error).__name__}: {error}"
        outcome.quarantined.append(Quarantined(source_ref, reason[:300], code="parser_error"))
        return outcome

    sender = parseaddr(_header(message, "From"))[1]
    subject = _header(message, "Subject")
    received = f.parse_date_header(_header(message, "Date")) or received_fallback
    if _VOLLNA_SENDER.search(sender.rpartition("@")[2]):
        from bidboard.alerts.vollna import parse_vollna_email

        return parse_vollna_email(markup, plain, subject, source_ref, received)
    plain_lines = [line for body in plain for line in text_to_lines(body)]
    html_lines = [line for body in markup for line in html_to_lines(body)]
    forwarded_subject, forwarded_date = _forwarded_headers(plain_lines or html_lines)
    upwork = bool(_UPWORK_SENDER.search(sender.rpartition("@")[2])) or any(
        "upwork.com" in line.lower() and line.lower().startswith("from")
        for line in (plain_lines or html_lines)[:80]
    )
    effective_subject = forwarded_subject or subject
    alert_subject = bool(_ALERT_SUBJECT.search(effective_subject))
    if not (upwork or alert_subject):
        outcome.skipped.append(Skipped(source_ref, "not an alert"))
        return outcome

    derived = not (_links_in(plain_lines, False) or _links_in(html_lines, False))
    plain_count, html_count = _links_in(plain_lines, derived), _links_in(html_lines, derived)
    lines = plain_lines if plain_count >= html_count and plain_count else html_lines
    subject_title = _SUBJECT_TITLE.match(effective_subject)
    if not (plain_count or html_count) or (derived and not subject_title):
        if alert_subject:
            outcome.quarantined.append(
                Quarantined(
                    source_ref,
                    "no job link with a job key (~02… or ~01…) found"
                    + (", and no one job to derive a key for" if plain_count or html_count else ""),
                    excerpt=effective_subject[:200],
                    code="no_job_key",
                )
            )
        else:
            outcome.skipped.append(Skipped(source_ref, "not an alert"))
        return outcome

    reference = f.parse_date_header(forwarded_date) or received
    saved = _SAVED_SEARCH.search(effective_subject)
    jobs = _segment(lines, reference, derived)
    for job in jobs:
        values = job.fields.alert_values()
        title = (job.fields.title if visible(job.fields.title) else "") or (
            subject_title.group(1).strip() if subject_title and len(jobs) == 1 else ""
        )
        if derived and subject_title and len(jobs) == 1:
            title = subject_title.group(1).strip()
        if not title:
            outcome.warnings.append(f"{job.key}: no title found")
            title = "(untitled job)"
        description = _MORE_SUFFIX.sub("", "\n".join(job.fields.description_lines)).strip() or None
        key = job.key
        if key is None:
            posted_at = values.get("posted_at")
            key = jobkey.derived_key(
                title,
                values.get("budget_type"),
                values.get("budget_min"),
                values.get("budget_max"),
                (posted_at or reference).date(),
            )
            outcome.warnings.append(
                f"{key}: the alert carries no job key; derived one from title, budget and "
                f"posted date (link {job.url[:80]} is shown, never requested)"
            )
        outcome.warnings += [f"{key}: {w}" for w in job.fields.warnings]
        build_alert(
            outcome,
            values,
            job_key=key,
            key_derived=job.key is None,
            url=job.url,
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


def parse_mbox(content: bytes, source_ref: str, received_fallback: datetime) -> ParseOutcome:
    outcome = ParseOutcome()
    messages = split_mbox(content)
    if not messages:
        outcome.quarantined.append(Quarantined(source_ref, "empty mbox", code="empty"))
    for index, message in enumerate(messages):
        outcome.extend(
            parse_upwork_alert_email(message, f"{source_ref}#{index}", received_fallback)
        )
    return outcome
