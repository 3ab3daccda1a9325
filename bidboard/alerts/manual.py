"""A job pasted by hand: its URL, and the text a person copied from the job post."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from . import fields as f
from .model import ParseOutcome, Quarantined, build_alert
from .text import text_to_lines


def parse_pasted_job(
    url: str, text: str, received_at: datetime | None = None, saved_search: str | None = None
) -> ParseOutcome:
    """The first line of ``text`` is the title; labelled lines are read as in alert emails;
    the rest is the description."""
    outcome = ParseOutcome()
    received = received_at or datetime.now(UTC)
    digest = hashlib.sha256(f"{url}\n{text}".encode()).hexdigest()[:16]
    ref = f"manual:{digest}"
    keys = f.job_keys(url) or f.job_keys(text)
    if not keys:
        outcome.quarantined.append(
            Quarantined(
                ref,
                "the URL is not an Upwork job link with a job key (~02… or ~01…)",
                excerpt=url[:200],
                code="no_job_key",
            )
        )
        return outcome
    lines = text_to_lines(text)
    job = f.JobFields(title=lines[0][:500] if lines else "")
    for line in lines[1:]:
        if f.JOB_URL.search(line):
            continue
        if not f.read_line(line, job, received):
            job.description_lines.append(line)
    values = job.alert_values()
    outcome.warnings += job.warnings
    build_alert(
        outcome,
        values,
        job_key=keys[0],
        url=f.canonical_url(keys[0]),
        title=job.title or "(untitled job)",
        description="\n".join(job.description_lines) or None,
        source="manual",
        source_ref=ref,
        saved_search=saved_search,
        received_at=received,
    )
    return outcome
