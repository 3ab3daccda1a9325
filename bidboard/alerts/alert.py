"""What ingestion produces: job alerts, and what it set aside and why."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from bidboard.alerts.jobkey import DERIVED_PREFIX, JOB_KEY_PATTERN

Source = Literal["email", "feed", "json", "manual", "vollna"]

#: Stable reason codes of what was set aside (the CLI's JSON and the quarantine carry them).
QuarantineCode = Literal[
    "no_job_key",  # an alert, but no job link with a job key and nothing to derive one from
    "missing_url",  # a JSON alert without its url
    "invalid_value",  # a value that does not fit (a rating of 7, an untitled job, …)
    "not_storable",  # a value Notion cannot store (infinite, a lone surrogate, …)
    "unreadable",  # bytes that are not a readable email, feed or JSON document
    "parser_error",  # bidboard failed to read it (a bug, logged with its traceback)
    "empty",  # nothing in it
    "duplicate_keys",  # JSON with one key twice: which value was meant?
    "refused_source",  # a source that puts the user's Upwork account at risk
    "no_such_file",
]
SkipCode = Literal["not_an_alert", "unknown_file_kind"]

_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def visible(text: str | None) -> bool:
    """Does ``text`` hold a character a person can see (not only spaces, zero-width characters
    or soft hyphens)?"""
    return bool(text and _INVISIBLE.sub("", text))


class NotStorable(ValueError):
    """A value that Notion cannot store: the alert is quarantined at parse time."""


def _check_text(value: Any, name: str) -> None:
    if isinstance(value, str) and _SURROGATE.search(value):
        raise NotStorable(f"{name} holds a lone surrogate (not valid Unicode text)")
    if isinstance(value, list):
        for item in value:
            _check_text(item, name)


class JobAlert(BaseModel):
    """One Upwork job as an alert described it. Field names are a public contract: the CLI's
    JSON and other tools use them."""

    model_config = ConfigDict(extra="forbid")

    job_key: str = Field(
        pattern=JOB_KEY_PATTERN,
        description="The job key from the job URL (`~02` + 19 digits, or `~01` + 16 hex "
        "digits); or a key bidboard derived (`~derived-` + 16 hex) when the alert had none.",
    )
    key_derived: bool = Field(
        default=False,
        description="True when the alert carried no job key and bidboard derived one.",
    )
    url: str = Field(
        description="https://www.upwork.com/jobs/~<key>; for a derived key, the alert's own "
        "(click-tracked) link, which bidboard never requests."
    )
    title: str
    description: str | None = None
    budget_type: Literal["fixed", "hourly"] | None = None
    budget_min: float | None = None
    budget_max: float | None = None
    posted_at: AwareDatetime | None = None
    skills: list[str] = Field(default_factory=list)
    category: str | None = None
    experience_level: str | None = None
    duration: str | None = None
    client_country: str | None = None
    client_payment_verified: bool | None = None
    client_rating: float | None = None
    client_spend_usd: float | None = None
    source: Source
    source_name: str | None = Field(
        default=None, description="The feed's title or the alert service's filter name."
    )
    source_ref: str
    saved_search: str | None = None
    received_at: AwareDatetime
    extra: dict[str, Any] = Field(
        default_factory=dict,
        description="Fields a JSON alert carried that bidboard does not know; kept as they came.",
    )

    @field_validator("source", mode="before")
    @classmethod
    def _feed_was_rss(cls, value: Any) -> Any:
        """Alerts kept by earlier versions (held-back drafts) say ``rss`` for a feed."""
        return "feed" if value == "rss" else value

    @field_validator("budget_min", "budget_max", "client_rating", "client_spend_usd")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise NotStorable("not a finite number (Notion stores none)")
        return value

    @field_validator("title")
    @classmethod
    def _visible_title(cls, value: str) -> str:
        if not visible(value):
            raise ValueError("the title has no visible character")
        return value

    @model_validator(mode="after")
    def _storable_and_consistent(self) -> JobAlert:
        for name in (
            "title",
            "description",
            "skills",
            "category",
            "experience_level",
            "duration",
            "client_country",
            "source_name",
            "saved_search",
        ):
            _check_text(getattr(self, name), name)
        if self.key_derived != self.job_key.startswith(DERIVED_PREFIX):
            raise ValueError("key_derived must say whether the job key is a derived one")
        return self


def source_label(alert: JobAlert) -> str:
    """Where a card came from, as the Jobs ``Source`` property shows it."""
    if alert.source == "email":
        return "Upwork email (derived key)" if alert.key_derived else "Upwork email"
    if alert.source == "feed":
        name = (alert.source_name or alert.saved_search or "").replace(",", " ").strip()
        return f"Feed: {name}"[:100] if name else "Feed"
    if alert.source == "vollna":
        return "Vollna"
    if alert.source == "manual":
        return "Manual"
    return "Webhook" if alert.source_ref.startswith("webhook:") else "JSON file"


def build_alert(outcome: ParseOutcome, values: dict[str, Any], **fields: Any) -> None:
    """Add the alert made of ``values`` and ``fields`` to ``outcome``; a value that does not fit
    the model quarantines the job with the reason instead (never an exception)."""
    try:
        outcome.alerts.append(JobAlert(**fields, **values))
    except ValueError as error:
        outcome.quarantined.append(
            Quarantined(
                str(fields.get("source_ref", "")),
                f"job {fields.get('job_key')}: {explain(error)}"[:300],
                code="not_storable" if _not_storable(error) else "invalid_value",
            )
        )


def _not_storable(error: ValueError) -> bool:
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return isinstance(error, NotStorable)
    return any(isinstance(e.get("ctx", {}).get("error"), NotStorable) for e in errors())


def explain(error: ValueError) -> str:
    """A validation error in one line: ``field: message; …``."""
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return str(error)
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'alert'}: {e['msg']}" for e in errors()
    )


@dataclass(frozen=True)
class RawAlert:
    """An alert as a source delivered it, before parsing."""

    source: Source
    source_ref: str
    content: bytes
    kind: Literal["email", "feed", "json"]
    saved_search: str | None = None


@dataclass(frozen=True)
class Quarantined:
    """An alert that failed: kept where it was, with a reason a person reads and a stable
    ``code``."""

    source_ref: str
    reason: str
    excerpt: str = ""
    code: str = "invalid_value"


@dataclass(frozen=True)
class Skipped:
    """Something that is not a job alert (a status message, a newsletter): left alone."""

    source_ref: str
    reason: str
    code: str = "not_an_alert"


@dataclass
class ParseOutcome:
    alerts: list[JobAlert] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: ParseOutcome) -> None:
        self.alerts += other.alerts
        self.quarantined += other.quarantined
        self.skipped += other.skipped
        self.warnings += other.warnings
