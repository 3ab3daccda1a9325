"""bidboard's own JSON alert format, for alerts pushed by other tools (webhook or file).

The schema is ``JsonAlertIn`` (and ``job-alert.schema.json`` generated from it, shipped beside
this module): ``url`` is required, known fields are checked, unknown fields are kept in
``extra``, missing optional ones are ``None``. A body may hold one alert, a list of alerts, or
``{"alerts": [...]}``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from bidboard.alerts import jobkey
from bidboard.alerts.alert import ParseOutcome, Quarantined, Skipped, build_alert, explain
from bidboard.alerts.vollna import alerts_from_vollna, is_vollna_envelope

SCHEMA_PATH = Path(__file__).with_name("job-alert.schema.json")


class JsonAlertIn(BaseModel):
    """One job alert pushed to bidboard as JSON."""

    model_config = ConfigDict(extra="allow", title="bidboard job alert")

    url: str = Field(description="The Upwork job URL; it must contain the job key (~02… or ~01…).")
    title: str = Field(default="", description="The job's title.")
    description: str | None = None
    budget_type: Literal["fixed", "hourly"] | None = None
    budget_min: float | None = Field(default=None, ge=0)
    budget_max: float | None = Field(default=None, ge=0)
    posted_at: AwareDatetime | None = None
    skills: list[str] = Field(default_factory=list)
    category: str | None = None
    experience_level: str | None = None
    duration: str | None = None
    client_country: str | None = None
    client_payment_verified: bool | None = None
    client_rating: float | None = Field(default=None, ge=0, le=5)
    client_spend_usd: float | None = Field(default=None, ge=0)
    saved_search: str | None = None
    source_ref: str | None = Field(
        default=None,
        description="Your id for this alert; one is derived from the body when absent.",
    )


def json_schema() -> dict[str, Any]:
    schema = JsonAlertIn.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://bidboard.dev/schemas/job-alert.schema.json"
    return schema


SCRAPER_REFUSAL = (
    "refused: this is a payload of the 'Upwork Job Scraper' browser extension, which scrapes "
    "Upwork in your logged-in browser; Upwork bans accounts for that. bidboard makes no job "
    "from it: use Upwork's own alert emails or an alert service such as Vollna"
)
_JOB_FIELDS = frozenset({"url", "title", "description", "job_key", "budget", "skills"})
_OUTCOME_FIELDS = frozenset({"proposal", "chat", "message", "freelancer", "manager", "event"})


def refusal(data: Any) -> str | None:
    """Why ``data`` is refused, when it comes from a source that puts the account at risk."""
    if isinstance(data, dict) and "targetName" in data and ("jobs" in data or "status" in data):
        return SCRAPER_REFUSAL
    return None


def not_an_alert(data: Any) -> str | None:
    """Why ``data`` is not a job alert at all (skipped, not quarantined), or None."""
    if not isinstance(data, dict) or _JOB_FIELDS & set(data) or "alerts" in data:
        return None
    if _OUTCOME_FIELDS & set(data):
        return (
            "not an alert: a notification about a proposal or a chat (an outcome webhook such "
            "as Getmany's), not a job"
        )
    if "status" in data or "message" in data or "type" in data:
        return "not an alert: a status message"
    return None


class DuplicateKeys(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKeys(f"the key {key[:60]!r} appears twice in one object")
        seen[key] = value
    return seen


def loads(content: bytes | str) -> Any:
    """JSON as bidboard reads it: an object with one key twice is refused (which value was
    meant?), as JSON nested deeper than Python can parse."""
    return json.loads(content, object_pairs_hook=_no_duplicates)


def read_json(
    data: Any,
    source_ref: str,
    received_at: datetime,
    source: Literal["json", "manual"] = "json",
) -> ParseOutcome:
    """Whatever a JSON body is: a Vollna webhook body, bidboard's own alerts, a scraper's
    payload (refused), or something that is not an alert (skipped)."""
    received = received_at
    outcome = ParseOutcome()
    reason = refusal(data)
    if reason:
        outcome.quarantined.append(Quarantined(source_ref, reason, code="refused_source"))
        return outcome
    if is_vollna_envelope(data):
        return alerts_from_vollna(data, source_ref, received)
    return alerts_from_json(data, source_ref, received, source)


def alerts_from_json(
    data: Any,
    source_ref: str,
    received_at: datetime,
    source: Literal["json", "manual"] = "json",
) -> ParseOutcome:
    """Alerts from parsed JSON; each bad one quarantined with a reason that names the field."""
    outcome = ParseOutcome()
    received = received_at
    if isinstance(data, dict) and isinstance(data.get("alerts"), list):
        data = data["alerts"]
    items = data if isinstance(data, list) else [data]
    if not items:
        outcome.quarantined.append(
            Quarantined(source_ref, "no alerts in the JSON body", code="empty")
        )
    for index, item in enumerate(items):
        ref = f"{source_ref}#{index}" if len(items) > 1 else source_ref
        if not isinstance(item, dict):
            outcome.quarantined.append(
                Quarantined(ref, f"alert {index} is not a JSON object", code="invalid_value")
            )
            continue
        skip = not_an_alert(item)
        if skip:
            outcome.skipped.append(Skipped(ref, skip))
            continue
        if not item.get("url"):
            outcome.quarantined.append(
                Quarantined(
                    ref, "missing url: every alert needs the Upwork job URL", code="missing_url"
                )
            )
            continue
        try:
            alert = JsonAlertIn.model_validate(item)
        except ValidationError as error:
            outcome.quarantined.append(
                Quarantined(ref, f"invalid alert: {explain(error)}"[:500], code="invalid_value")
            )
            continue
        keys = jobkey.job_keys(alert.url)
        if not keys:
            outcome.quarantined.append(
                Quarantined(
                    ref,
                    f"url has no Upwork job key (~02… or ~01…): {alert.url[:120]}",
                    code="no_job_key",
                )
            )
            continue
        known = alert.model_dump(exclude={"url", "source_ref"}, exclude_unset=False)
        extra = dict(alert.model_extra or {})
        for name in list(known):
            if name in extra:
                known.pop(name)
        digest = hashlib.sha256(json.dumps(item, sort_keys=True, default=str).encode())
        build_alert(
            outcome,
            {k: v for k, v in known.items() if k != "title"},
            job_key=keys[0],
            url=jobkey.canonical_url(keys[0]),
            title=alert.title or "(untitled job)",
            source=source,
            source_ref=alert.source_ref or f"{ref}:{digest.hexdigest()[:16]}",
            received_at=received,
            extra=extra,
        )
    return outcome


def parse_json_alerts(content: bytes, source_ref: str, received_at: datetime) -> ParseOutcome:
    outcome = ParseOutcome()
    if not content.strip():
        outcome.quarantined.append(Quarantined(source_ref, "empty JSON body", code="empty"))
        return outcome
    try:
        data = loads(content)
    except DuplicateKeys as error:
        outcome.quarantined.append(
            Quarantined(source_ref, f"invalid JSON: {error}", code="duplicate_keys")
        )
        return outcome
    except (ValueError, UnicodeDecodeError) as error:
        outcome.quarantined.append(
            Quarantined(source_ref, f"invalid JSON: {error}"[:300], code="unreadable")
        )
        return outcome
    except RecursionError:  # [[[[... thousands deep: Python's parser gives up
        outcome.quarantined.append(
            Quarantined(source_ref, "invalid JSON: nested too deeply", code="unreadable")
        )
        return outcome
    return read_json(data, source_ref, received_at)
