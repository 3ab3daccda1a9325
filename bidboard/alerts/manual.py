"""A job pasted by hand: its URL, and the text a person copied from the job post.

People paste what they see and type what they know, so two shapes are read here before the
labels of alert emails (:mod:`.fields`) get the line:

* a client line with its facts separated by commas (or ``|``, ``;``, ``·``): ``Client: Payment
  method verified, 4.9 rating, $12K spent, United Kingdom`` (the ``Client:`` label is optional
  when two facts or more are there);
* skills separated by ``|``, ``,``, ``;``, ``·`` or ``•``, or one a line under a bare
  ``Skills:`` (up to a blank line or a sentence).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from bidboard.alerts import fields as f
from bidboard.alerts import jobkey
from bidboard.alerts.alert import ParseOutcome, Quarantined, build_alert
from bidboard.alerts.lines import MAX_PART_CHARS

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u200b\ufeff]+")
_SKILLS = re.compile(r"^(?:skills?|tags|skills and expertise)\s*:\s*(?P<value>.*)$", re.I)
_CLIENT = re.compile(r"^(?:about the client|client(?: info)?)\s*:\s*(?P<value>.+)$", re.I)
#: between facts: ``;``, ``|``, ``·``, ``•``, or a comma that is not a thousands separator
_FACTS = re.compile(r"\s*(?:[;|\u00b7\u2022]|,(?!\d{3}\b))\s*")
_RATING_AFTER = re.compile(r"^([0-5](?:\.\d{1,2})?)\s*(?:rating|rated|stars?|/\s*5)$", re.I)
_RATED = re.compile(r"^rated\s+([0-5](?:\.\d{1,2})?)(?:\s*(?:stars?|/\s*5))?$", re.I)
_FACT = re.compile(r"payment|verified|spent|rating|rated|stars?|reviews?|hires?", re.I)
#: a line under a bare ``Skills:`` that is a skill, not the description's first sentence
_SKILL_LINE = re.compile(r"^[^.!?:]{1,40}$")


def _fact(part: str) -> str:
    """One client fact in the words the email labels know (``4.9 rating`` → ``Rating 4.9``)."""
    if match := _RATING_AFTER.match(part) or _RATED.match(part):
        return f"Rating {match.group(1)}"
    return part


def client_line(line: str) -> str | None:
    """``Client: Payment method verified, 4.9 rating, $12K spent, United Kingdom`` as the
    fragments an alert email's client line has (joined by ``·``); None for any other line."""
    labelled = _CLIENT.match(line)
    value = labelled.group("value") if labelled else line
    parts = [p for p in _FACTS.split(value) if p]
    facts = sum(1 for p in parts if _FACT.search(p))
    if (labelled and facts >= 1) or (facts >= 2 and len(parts) >= 2):
        return " \u00b7 ".join(_fact(p) for p in parts)
    return None


def _lines(text: str) -> list[str]:
    """The text's lines, spaces tidied; blank lines kept (they end a skills block)."""
    return [_SPACE.sub(" ", line).strip() for line in text[:MAX_PART_CHARS].splitlines()]


def parse_pasted_job(
    url: str, text: str, received_at: datetime, saved_search: str | None = None
) -> ParseOutcome:
    """The first line of ``text`` is the title; labelled lines are read as in alert emails
    (and the client and skills shapes of the module's docstring); the rest is the
    description."""
    outcome = ParseOutcome()
    received = received_at
    digest = hashlib.sha256(f"{url}\n{text}".encode()).hexdigest()[:16]
    ref = f"manual:{digest}"
    keys = jobkey.job_keys(url) or jobkey.job_keys(text)
    if not keys:
        outcome.quarantined.append(
            Quarantined(
                ref,
                "the URL is not an Upwork job link with a job key (~02… or ~01…): "
                "give the job's own link, as in https://www.upwork.com/jobs/~01…",
                excerpt=url[:200],
                code="no_job_key",
            )
        )
        return outcome
    lines = _lines(text)
    while lines and not lines[0]:
        lines.pop(0)
    job = f.JobFields(title=lines[0][:500] if lines else "")
    skills: list[str] | None = None
    collecting = False
    for line in lines[1:]:
        if not line:
            collecting = False
            continue
        if (
            collecting
            and _SKILL_LINE.match(line)
            and not f.read_line(line, f.JobFields(), received)
        ):
            skills = [*(skills or []), *f.skills(line)]
            continue
        collecting = False
        if jobkey.JOB_URL.search(line):
            continue
        if (labelled := _SKILLS.match(line)) is not None:
            found = f.skills(labelled.group("value"))
            skills = [*(skills or []), *found]
            collecting = not found
            continue
        if (facts := client_line(line)) is not None:
            line = facts
        if not f.read_line(line, job, received):
            job.description_lines.append(line)
    values = job.alert_values()
    if skills:
        values["skills"] = list(dict.fromkeys(skills))
    outcome.warnings += job.warnings
    build_alert(
        outcome,
        values,
        job_key=keys[0],
        url=jobkey.canonical_url(keys[0]),
        title=job.title or "(untitled job)",
        description="\n".join(job.description_lines) or None,
        source="manual",
        source_ref=ref,
        saved_search=saved_search,
        received_at=received,
    )
    return outcome
