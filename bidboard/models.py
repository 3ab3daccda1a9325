"""Domain models shared by the core and the adapters."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Stage(StrEnum):
    """The board's columns, in board order."""

    NEW = "New"
    DRAFTED = "Drafted"
    NEEDS_ATTENTION = "Needs attention"
    REVIEWING = "Reviewing"
    SUBMITTED = "Submitted"
    VIEWED = "Viewed"
    REPLIED = "Replied"
    INTERVIEW = "Interview"
    WON = "Won"
    LOST = "Lost"
    SKIPPED = "Skipped"
    #: Scored too low to draft (the skip verdict): bidboard's own column, off the Pipeline board.
    LOW_FIT = "Low fit"


#: The only stages bidboard may ever write. Every other stage is set by a person on the board.
MACHINE_STAGES: frozenset[Stage] = frozenset(
    {Stage.NEW, Stage.DRAFTED, Stage.NEEDS_ATTENTION, Stage.LOW_FIT}
)
HUMAN_STAGES: frozenset[Stage] = frozenset(Stage) - MACHINE_STAGES


class JobCard(BaseModel):
    """A job as a card on the Jobs board: one field per property bidboard writes or reads."""

    model_config = ConfigDict(extra="forbid")

    job_key: str = Field(min_length=1)
    name: str
    job_url: str | None = None
    source: str | None = None
    #: The alert's own saved search (its name in Upwork or the feed), as the alert said it.
    saved_search: str | None = None
    #: The YAML search that scored the job; empty when the job matches none of its terms.
    scored_by: str | None = None
    posted_at: AwareDatetime | None = None
    received_at: AwareDatetime | None = None
    budget_type: Literal["Fixed", "Hourly"] | None = None
    budget_min: float | None = None
    budget_max: float | None = None
    experience: str | None = None
    duration: str | None = None
    skills: list[str] = Field(default_factory=list)
    category: str | None = None
    client_country: str | None = None
    payment_verified: bool | None = None
    client_rating: float | None = None
    client_spend: float | None = None
    score: float | None = None
    score_reasons: str = ""
    portfolio_matches: list[str] = Field(default_factory=list)
    stage: Stage | None = None
    compliance: Literal["OK", "Flagged"] | None = None
    compliance_findings: str = ""
    draft_fingerprint: str = ""
    drafted_by: str | None = None
    drafted_at: AwareDatetime | None = None
    connects: float | None = None
    bid: float | None = None
    contract_value: float | None = None
    submitted_at: AwareDatetime | None = None
    viewed_at: AwareDatetime | None = None
    replied_at: AwareDatetime | None = None
    interview_at: AwareDatetime | None = None
    won_at: AwareDatetime | None = None
    lost_at: AwareDatetime | None = None


class StoredCard(BaseModel):
    """A card read back from the board: where it lives, and what it holds."""

    page_id: str
    url: str | None = None
    last_edited_time: datetime | None = None
    card: JobCard


#: The stamp each stage people move a card into gets.
STAMPS: dict[Stage, str] = {
    Stage.SUBMITTED: "submitted_at",
    Stage.VIEWED: "viewed_at",
    Stage.REPLIED: "replied_at",
    Stage.INTERVIEW: "interview_at",
    Stage.WON: "won_at",
    Stage.LOST: "lost_at",
}
