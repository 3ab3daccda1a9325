"""Vollna, a third-party alert service: its alert emails and its webhook body.

Vollna's job links are redirects: an ``awstrack.me`` click-tracker around
``https://www.vollna.com/go?…&url=<the Upwork job URL, percent-encoded two or three times>``.
The Upwork URL is decoded here, locally; neither redirect is ever requested.

- Email (``From: Vollna <info@vollna.com>``, subject ``New Job: <title>``, or a digest "Here are
  N new freelance jobs"): one HTML part, each job a title link followed by ``Hourly Rate: 25 -
  47 USD`` or ``Budget: 500 USD``, ``Published: …``, ``Filter: <the Vollna filter>``, the
  description, ``Total spent: 38'295 USD`` and a bare country line.
- Webhook (docs.vollna.com, integrations/webhooks): ``{"total", "filter", "filters",
  "results_url", "projects": [{"title", "url", "description", "skills": "a, b", "budget": "15 -
  25 USD", "budget_type", "client_details": {"country": {"name"}, "rating", "total_spent",
  "payment_method_verified"}, "published", …}]}``. Each project is one alert.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bidboard.alerts import fields as f
from bidboard.alerts import jobkey
from bidboard.alerts.alert import ParseOutcome, Quarantined, Skipped, build_alert
from bidboard.alerts.lines import read_html, text_to_lines, without_links

_SUBJECT_TITLE = re.compile(r"^(?:(?:fwd?|fw|re)\s*:\s*)*new job\s*:\s*(.+)$", re.IGNORECASE)
_DIGEST = re.compile(r"here are \d+ new (?:freelance )?jobs", re.IGNORECASE)
_VOLLNA_LABEL = re.compile(
    r"^(filter|client rank|ai qualification|reason|rank|client)\s*:\s*(.*)$", re.IGNORECASE
)


def parse_vollna_email(
    markup: list[str],
    plain: list[str],
    subject: str,
    source_ref: str,
    received: datetime,
) -> ParseOutcome:
    outcome = ParseOutcome()
    lines = [line for body in markup for line in read_html(body).lines] or [
        line for body in plain for line in text_to_lines(body)
    ]
    subject_title = _SUBJECT_TITLE.match(subject)
    if not any(jobkey.job_keys(line) for line in lines):
        if subject_title or _DIGEST.search(subject):
            outcome.quarantined.append(
                Quarantined(
                    source_ref,
                    "Vollna alert without a job link that leads to an Upwork job key",
                    excerpt=subject[:200],
                    code="no_job_key",
                )
            )
        else:
            outcome.skipped.append(Skipped(source_ref, "not an alert (a Vollna email)"))
        return outcome
    jobs: list[tuple[str, f.JobFields]] = []
    current: f.JobFields | None = None
    for line in lines:
        keys = jobkey.job_keys(line)
        if keys and (current is None or keys[0] != jobs[-1][0]):
            current = f.JobFields(title=without_links(line).strip(" -:|"))
            jobs.append((keys[0], current))
            continue
        if current is None or keys:
            continue
        label = _VOLLNA_LABEL.match(line)
        if label:
            name, value = label.group(1).lower(), without_links(label.group(2)).strip()
            if name == "filter" and value:
                current.values.setdefault("saved_search", value)
            else:
                current.notes[name] = value
            continue
        if f.read_line(line, current, received) or f.read_bare(line, current):
            continue
        if not current.client_zone:
            current.description_lines.append(line)
    for key, job in jobs:
        title = job.title
        if len(jobs) == 1 and subject_title:
            whole = subject_title.group(1).strip()
            if not title or jobkey.normalised_title(whole).startswith(
                jobkey.normalised_title(title)
            ):
                title = whole  # the link text can be shortened; the subject has it all
        outcome.warnings += [f"{key}: {w}" for w in job.warnings]
        build_alert(
            outcome,
            job.alert_values(),
            job_key=key,
            url=jobkey.canonical_url(key),
            title=title[:500] or "(untitled job)",
            description="\n".join(job.description_lines) or None,
            source="vollna",
            source_name="Vollna",
            source_ref=source_ref if len(jobs) == 1 else f"{source_ref}#{key}",
            received_at=received,
        )
    return outcome


def is_vollna_envelope(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("projects"), list)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _text(value.get("name"))
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return f.money(value) if ("$" in value or "USD" in value) else f.money(f"${value}")
    return None


def project_values(project: dict[str, Any], received: datetime) -> dict[str, Any]:
    """A Vollna project's fields, as ``JobAlert`` values (what is absent stays absent)."""
    values: dict[str, Any] = {}
    budget = _text(project.get("budget"))
    kind = _text(project.get("budget_type"))
    if budget:
        low, high = f.budget(budget if ("$" in budget or "USD" in budget) else f"${budget}")
        values["budget_min"], values["budget_max"] = low, high
        if kind not in ("fixed", "hourly"):
            kind = "hourly" if re.search(r"\d\s*-\s*\d", budget) else "fixed"
    if kind in ("fixed", "hourly"):
        values["budget_type"] = kind
    skills = project.get("skills")
    if isinstance(skills, str):
        values["skills"] = f.skills(skills)
    elif isinstance(skills, list):
        values["skills"] = [s.strip() for s in skills if isinstance(s, str) and s.strip()]
    published = _text(project.get("published"))
    if published:
        when = f.posted(published, received)
        if when is not None:
            values["posted_at"] = when
    categories = project.get("categories")
    category = _text(categories[0]) if isinstance(categories, list) and categories else None
    if category or _text(project.get("category")):
        values["category"] = category or _text(project.get("category"))
    level = f.experience(_text(project.get("experience_level")) or "")
    if level:
        values["experience_level"] = level
    if _text(project.get("duration")):
        values["duration"] = _text(project.get("duration"))
    client = project.get("client_details")
    if isinstance(client, dict):
        if _text(client.get("country")):
            values["client_country"] = _text(client.get("country"))
        if isinstance(client.get("payment_method_verified"), bool):
            values["client_payment_verified"] = client["payment_method_verified"]
        if _number(client.get("rating")) is not None:
            values["client_rating"] = _number(client.get("rating"))
        if _number(client.get("total_spent")) is not None:
            values["client_spend_usd"] = _number(client.get("total_spent"))
    return values


def alerts_from_vollna(data: dict[str, Any], source_ref: str, received: datetime) -> ParseOutcome:
    """Each project of a Vollna webhook body as an alert; an unusable project is quarantined
    with its reason, the others are read."""
    outcome = ParseOutcome()
    projects: list[Any] = data["projects"]
    saved_search = _text(data.get("filter"))
    if not projects:
        outcome.skipped.append(
            Skipped(source_ref, "a Vollna webhook body with no projects (nothing to read)")
        )
    for index, project in enumerate(projects):
        ref = f"{source_ref}#{index}" if len(projects) > 1 else source_ref
        if not isinstance(project, dict):
            outcome.quarantined.append(
                Quarantined(ref, f"project {index} is not a JSON object", code="invalid_value")
            )
            continue
        url = project.get("url") if isinstance(project.get("url"), str) else ""
        keys = jobkey.job_keys(url or "")
        if not keys:
            outcome.quarantined.append(
                Quarantined(
                    ref,
                    f"project {index}: its url leads to no Upwork job key: {str(url)[:120]}",
                    excerpt=str(project.get("title", ""))[:200],
                    code="no_job_key",
                )
            )
            continue
        description = _text(project.get("description"))
        build_alert(
            outcome,
            project_values(project, received),
            job_key=keys[0],
            url=jobkey.canonical_url(keys[0]),
            title=(_text(project.get("title")) or "")[:500],
            description=description,
            source="vollna",
            source_name="Vollna",
            source_ref=ref,
            saved_search=saved_search,
            received_at=received,
        )
    return outcome
