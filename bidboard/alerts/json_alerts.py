"""bidboard's own JSON alert format, for alerts pushed by other tools (webhook or file).

The schema is ``JsonAlertIn`` (and ``job-alert.schema.json`` generated from it, shipped beside
this module): ``url`` is required, known fields are checked, unknown fields are kept in
``extra``, missing optional ones are ``None``. A body may hold one alert, a list of alerts, or
``{"alerts": [...]}``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from . import fields as f
from .model import JobAlert, ParseOutcome, Quarantined

SCHEMA_PATH = Path(__file__).with_name("job-alert.schema.json")


class JsonAlertIn(BaseModel):
    """One job alert pushed to bidboard as JSON."""

    model_config = ConfigDict(extra="allow", title="bidboard job alert")

    url: str = Field(description="The Upwork job URL; it must contain the job key (~01…).")
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


def _explain(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()
    )


def alerts_from_json(
    data: Any,
    source_ref: str,
    received_at: datetime | None = None,
    source: Literal["json", "manual"] = "json",
) -> ParseOutcome:
    """Alerts from parsed JSON; each bad one quarantined with a reason that names the field."""
    outcome = ParseOutcome()
    received = received_at or datetime.now(UTC)
    if isinstance(data, dict) and isinstance(data.get("alerts"), list):
        data = data["alerts"]
    items = data if isinstance(data, list) else [data]
    if not items:
        outcome.quarantined.append(Quarantined(source_ref, "no alerts in the JSON body"))
    for index, item in enumerate(items):
        ref = f"{source_ref}#{index}" if len(items) > 1 else source_ref
        if not isinstance(item, dict):
            outcome.quarantined.append(Quarantined(ref, f"alert {index} is not a JSON object"))
            continue
        if not item.get("url"):
            outcome.quarantined.append(
                Quarantined(ref, "missing url: every alert needs the Upwork job URL")
            )
            continue
        try:
            alert = JsonAlertIn.model_validate(item)
        except ValidationError as error:
            outcome.quarantined.append(Quarantined(ref, f"invalid alert: {_explain(error)}"[:500]))
            continue
        keys = f.job_keys(alert.url)
        if not keys:
            outcome.quarantined.append(
                Quarantined(ref, f"url has no Upwork job key (~01…): {alert.url[:120]}")
            )
            continue
        known = alert.model_dump(exclude={"url", "source_ref"}, exclude_unset=False)
        extra = dict(alert.model_extra or {})
        for name in list(known):
            if name in extra:
                known.pop(name)
        digest = hashlib.sha256(json.dumps(item, sort_keys=True, default=str).encode())
        try:
            outcome.alerts.append(
                JobAlert(
                    job_key=keys[0],
                    url=f.canonical_url(keys[0]),
                    **{k: v for k, v in known.items() if k != "title"},
                    title=alert.title or "(untitled job)",
                    source=source,
                    source_ref=alert.source_ref or f"{ref}:{digest.hexdigest()[:16]}",
                    received_at=received,
                    extra=extra,
                )
            )
        except ValidationError as error:
            outcome.quarantined.append(Quarantined(ref, f"invalid alert: {_explain(error)}"[:500]))
    return outcome


def parse_json_alerts(
    content: bytes, source_ref: str, received_at: datetime | None = None
) -> ParseOutcome:
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        outcome = ParseOutcome()
        outcome.quarantined.append(Quarantined(source_ref, f"invalid JSON: {error}"[:300]))
        return outcome
    except RecursionError:  # [[[[... thousands deep: Python's parser gives up
        outcome = ParseOutcome()
        outcome.quarantined.append(Quarantined(source_ref, "invalid JSON: nested too deeply"))
        return outcome
    return alerts_from_json(data, source_ref, received_at)
