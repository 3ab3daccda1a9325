"""Drafts and what a drafter needs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bidboard.alerts.alert import JobAlert
from bidboard.scoring.portfolio import PortfolioItem
from bidboard.scoring.score import Score


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
