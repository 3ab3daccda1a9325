"""A card's page content: the draft and what a person needs to review it, in two blocks.

A card costs at most three blocks of the workspace's budget, the page included (a Free
workspace with more than one member has 1,000 in its lifetime): one callout (the notice, the
drafter's note, the compliance findings) and one paragraph (the draft, the answers to the
screening questions, why this job, the matched portfolio, questions for the client, the
checklist), its sections set off by bold titles and line breaks in one rich text array.
"""

from __future__ import annotations

from bidboard.drafting.draft import Draft
from bidboard.drafting.lint import Report
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
