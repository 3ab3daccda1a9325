"""What ingestion produces: job alerts, and what it set aside and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Source = Literal["email", "rss", "json", "manual"]


class JobAlert(BaseModel):
    """One Upwork job as an alert described it. Field names are a public contract: the CLI's
    JSON and other tools use them."""

    model_config = ConfigDict(extra="forbid")

    job_key: str = Field(
        pattern=r"^~0[0-9a-zA-Z]{8,40}$", description="The `~01…` key from the job URL."
    )
    url: str = Field(description="Canonical job URL: https://www.upwork.com/jobs/~<key>")
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
    source_ref: str
    saved_search: str | None = None
    received_at: AwareDatetime
    extra: dict[str, Any] = Field(
        default_factory=dict,
        description="Fields a JSON alert carried that bidboard does not know; kept as they came.",
    )


def build_alert(outcome: ParseOutcome, values: dict[str, Any], **fields: Any) -> None:
    """Add the alert made of ``values`` and ``fields`` to ``outcome``; a value that does not fit
    the model quarantines the job with the reason instead (never an exception)."""
    try:
        outcome.alerts.append(JobAlert(**fields, **values))
    except ValueError as error:
        outcome.quarantined.append(
            Quarantined(
                str(fields.get("source_ref", "")), f"job {fields.get('job_key')}: {error}"[:300]
            )
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
    source_ref: str
    reason: str
    excerpt: str = ""


@dataclass(frozen=True)
class Skipped:
    source_ref: str
    reason: str


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
