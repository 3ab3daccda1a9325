"""A card's page content: the draft and what a person needs to review it, within Notion's
limits (each block's text is split at 2,000 characters)."""

from __future__ import annotations

from .. import blocks as b
from ..scoring.portfolio import PortfolioItem
from ..scoring.score import Score
from .lint import Report
from .model import Draft

NOTICE = "Draft: review it, then submit it yourself on Upwork. bidboard never sends anything."
CHECKLIST = [
    "Read the full job post on Upwork",
    "Check the budget, the client's history and the Connects it costs",
    "Make the draft yours: fix anything that is not true or not you",
    "Submit it yourself on Upwork, then move this card to Submitted",
]


def card_content(
    draft: Draft, score: Score, portfolio: list[PortfolioItem], report: Report
) -> list[b.Block]:
    content: list[b.Block] = [b.callout(NOTICE, "\u270d\ufe0f")]
    if draft.note:
        content.append(b.callout(draft.note, "\u26a0\ufe0f"))
    if report.findings:
        content.append(b.heading("Compliance findings", 3))
        content += [b.bullet(f"{f.code}: {f.message}") for f in report.findings]
    content.append(b.heading("Draft", 2))
    content += b.paragraphs(draft.text)
    content.append(b.heading("Why this job", 3))
    content += [b.bullet(str(reason)) for reason in score.reasons]
    if portfolio:
        content.append(b.heading("Matched portfolio", 3))
        content += [
            b.bullet(f"{item.name}: {item.outcome or item.summary}".strip(": "))
            for item in portfolio[:3]
        ]
    if draft.questions:
        content.append(b.heading("Questions for the client", 3))
        content += [b.bullet(q) for q in draft.questions]
    content.append(b.heading("Before you submit", 3))
    content += [b.to_do(item) for item in CHECKLIST]
    return content[:100]


def select_for_drafting(
    candidates: list[tuple[str, int]], cap: int, drafted_today: int
) -> tuple[list[str], list[str]]:
    """The job keys to draft now (highest scores first, within what is left of the daily cap)
    and those held back; ties keep their order."""
    room = max(0, cap - drafted_today)
    ranked = sorted(candidates, key=lambda c: -c[1])
    return [k for k, _ in ranked[:room]], [k for k, _ in ranked[room:]]
