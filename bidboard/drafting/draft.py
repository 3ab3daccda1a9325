"""Drafts, what a drafter needs, and what a drafter is (:class:`Drafter`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, Field

from bidboard.alerts.alert import JobAlert
from bidboard.scoring.portfolio import PortfolioItem
from bidboard.scoring.score import Score

if TYPE_CHECKING:
    from bidboard.drafting.lint import Finding


class Snippet(BaseModel):
    """A piece of the agency's template library (the Snippets database)."""

    name: str
    kind: str  # Opening, Experience, Approach, Closing, FAQ
    text: str
    skills: list[str] = Field(default_factory=list)
    active: bool = True


class DraftRequest(BaseModel):
    job: JobAlert
    score: Score
    portfolio: list[PortfolioItem] = Field(default_factory=list)  # the matched items, best first
    voice: str = "friendly, direct, specific"
    signature: str = ""


class ScreeningAnswer(BaseModel):
    """A screening question the job asked, and the drafted answer to it (in the order asked)."""

    question: str
    answer: str


class Draft(BaseModel):
    """A proposal for a person to review: never sent by bidboard."""

    opening: str
    experience: str
    approach: str
    questions: list[str]
    closing: str
    answers: list[ScreeningAnswer] = Field(
        default_factory=list
    )  # to the post's screening questions
    drafted_by: str  # "template" or "openai:<model>"
    note: str = ""  # why the drafter is not the configured one, if it is not
    usage: dict[str, int] = Field(default_factory=dict)

    @property
    def text(self) -> str:
        questions = "\n".join(f"- {q}" for q in self.questions)
        parts = [
            self.opening,
            self.experience,
            self.approach,
            f"A few questions so I can plan this well:\n{questions}" if questions else "",
            self.closing,
        ]
        return "\n\n".join(p.strip() for p in parts if p.strip())


class Drafter(Protocol):
    """What writes a job's draft: the template drafter (:mod:`bidboard.drafting.template`) or a
    model through the OpenAI adapter (:class:`bidboard.ai.drafter.OpenAIDrafter`). A drafter
    that fails raises :class:`bidboard.errors.DraftingError` or
    :class:`bidboard.errors.OpenAIFailed` (the job is then drafted from templates), and lets
    anything else (an egress refusal) through."""

    @property
    def name(self) -> str:
        """Written on the card as ``Drafted by``: "template", "openai:<model>"."""
        ...

    def draft(self, request: DraftRequest, avoid: Sequence[str] = ()) -> Draft:
        """A draft for ``request``; a drafter that can tries to stay further than the
        near-duplicate threshold from the fingerprints in ``avoid``."""
        ...

    def revise(
        self, request: DraftRequest, findings: Sequence[Finding], previous: str
    ) -> Draft | None:
        """``previous`` written once more without the linter's ``findings``, or None when this
        drafter has no second try (the template drafter)."""
        ...
