"""A card's page content: the draft and what a person needs to review it, in two blocks.

A card costs at most three blocks of the workspace's budget, the page included (a Free
workspace with more than one member has 1,000 in its lifetime): one callout (the notice, the
drafter's note, the compliance findings) and one paragraph (the draft, the answers to the
screening questions, why this job, the matched portfolio, questions for the client, the
checklist), its sections set off by bold titles and line breaks in one rich text array.
"""

from __future__ import annotations

from typing import Literal

from bidboard.alerts.alert import JobAlert
from bidboard.drafting.draft import Draft
from bidboard.drafting.lint import Report
from bidboard.drafting.questions import screening_questions
from bidboard.notion import blocks as b
from bidboard.notion.blocks import Run
from bidboard.scoring.portfolio import PortfolioItem
from bidboard.scoring.score import Score

NOTICE = "Draft: review it, then submit it yourself on Upwork. bidboard never sends anything."
CHECKLIST = [
    "Read the full job post on Upwork",
    "Check the budget, the client's history and the Connects it costs",
    "Make the draft yours: fix anything that is not true or not you",
    "Submit it yourself on Upwork, then move this card to Submitted",
]
BOX = "\u2610"  # an empty ballot box, as a checklist line
BULLET = "\u2022"


def screening_state(
    job: JobAlert, draft: Draft
) -> Literal["Answered", "Not answered", "None asked"]:
    """Whether the draft answers every screening question the job asked (the card's
    ``Screening questions``; a person who submits without them can change it on the card)."""
    asked = screening_questions(job)
    if not asked:
        return "None asked"
    answered = [a for a in draft.answers if a.answer.strip()]
    return "Answered" if len(answered) >= len(asked) else "Not answered"


def _notice(draft: Draft, report: Report) -> b.Block:
    runs = [Run(NOTICE, bold=True)]
    if draft.note:
        runs.append(Run(f"\n\n\u26a0\ufe0f {draft.note}"))
    if report.findings:
        runs += b.section(
            "Compliance findings",
            [
                [Run(f"{BULLET} "), Run(f.code, bold=True), Run(f": {f.message}")]
                for f in report.findings
            ],
        )
    emoji = "\u26a0\ufe0f" if report.findings or draft.note else "\u270d\ufe0f"
    return b.styled_callout(runs, emoji)


def _portfolio_line(item: PortfolioItem) -> list[Run]:
    detail = item.outcome or item.summary
    return [Run(f"{BULLET} "), Run(item.name, bold=True), Run(f": {detail}" if detail else "")]


def card_content(
    draft: Draft, score: Score, portfolio: list[PortfolioItem], report: Report
) -> list[b.Block]:
    runs = b.section("Draft", [draft.text], first=True)
    if draft.answers:
        runs += b.section(
            "Answers to the screening questions",
            [
                [Run(f"{n}. {a.question}", italic=True), Run(f"\n{a.answer}")]
                for n, a in enumerate(draft.answers, 1)
            ],
        )
    runs += b.section("Why this job", [f"{BULLET} {reason}" for reason in score.reasons])
    if portfolio:
        runs += b.section("Matched portfolio", [_portfolio_line(i) for i in portfolio[:3]])
    if draft.questions:
        runs += b.section("Questions for the client", [f"{BULLET} {q}" for q in draft.questions])
    runs += b.section("Before you submit", [f"{BOX} {item}" for item in CHECKLIST])
    return [_notice(draft, report), b.styled_paragraph(runs)]


def select_for_drafting(
    candidates: list[tuple[str, int]], cap: int, drafted_today: int
) -> tuple[list[str], list[str]]:
    """The job keys to draft now (highest scores first, within what is left of the daily cap)
    and those held back; ties keep their order."""
    room = max(0, cap - drafted_today)
    ranked = sorted(candidates, key=lambda c: -c[1])
    return [k for k, _ in ranked[:room]], [k for k, _ in ranked[room:]]
