"""From job alerts to cards: the core of the ingest flow, written once, called by the flows.

For a batch of alerts: drop what is already on the board (one query per 100 keys), score every
job, draft the best ones within the daily cap (highest scores first), and write each job as a
card with its draft as page content in one request. Every job becomes a card: shortlisted ones
``Drafted`` (or ``Needs attention`` with the linter's findings), the others ``New`` with their
score and reasons, and shortlisted jobs held back by the cap ``New`` with that reason.

The steps are here; dedupe is in :mod:`bidboard.dedupe`, the batch's report in
:mod:`bidboard.batch`, and drafting what the cap held back in :mod:`bidboard.held_back`. The
board is asked by intent (:class:`bidboard.board.Board`), never with a Notion filter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bidboard.alerts.alert import JobAlert, source_label
from bidboard.batch import BatchReport, CardFailures, JobOutcome, stopped_for_now
from bidboard.board import Board, Content
from bidboard.dedupe import Deduped, dedupe_alerts
from bidboard.drafting.compose import draft_job
from bidboard.drafting.draft import Draft, Drafter, DraftRequest
from bidboard.drafting.lint import LintContext, RecentDraft, Report
from bidboard.drafting.questions import screening_state
from bidboard.drafting.template import TemplateDrafter
from bidboard.errors import BidboardError, NotionPaused
from bidboard.models import JobCard, Stage
from bidboard.scoring.portfolio import PortfolioItem
from bidboard.scoring.score import Portfolio, Score, score_job
from bidboard.scoring.searches import SearchConfig

logger = logging.getLogger(__name__)
FINGERPRINT_DAYS = 30
#: A drafted card's page content from its draft, score, matched portfolio and lint report (the
#: Notion adapter's :func:`bidboard.notion.card.card_content`, wired by the runtime).
CardPage = Callable[[Draft, Score, list[PortfolioItem], Report], Content]


@dataclass
class PipelineConfig:
    searches: SearchConfig
    portfolio: Portfolio
    portfolio_items: list[PortfolioItem]
    drafter: Drafter
    template: TemplateDrafter
    card_page: CardPage
    daily_cap: int = 25
    timezone: str = "UTC"
    voice: str = "friendly, direct, specific"
    signature: str = ""
    portfolio_hosts: tuple[str, ...] = ()  # hosts a draft may link to (BIDBOARD_PORTFOLIO_HOSTS)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    #: What the config holds open (OpenAI clients, the embedding cache); see ``close``.
    resources: ExitStack = field(default_factory=ExitStack)

    def close(self) -> None:
        self.resources.close()


def select_for_drafting(
    candidates: list[tuple[str, int]], cap: int, drafted_today: int
) -> tuple[list[str], list[str]]:
    """The job keys to draft now (highest scores first, within what is left of the daily cap)
    and those held back; ties keep their order."""
    room = max(0, cap - drafted_today)
    ranked = sorted(candidates, key=lambda c: -c[1])
    return [k for k, _ in ranked[:room]], [k for k, _ in ranked[room:]]


def recent_drafts(gateway: Board, config: PipelineConfig) -> tuple[list[RecentDraft], int]:
    """Recent drafts (fingerprint and card), and how many were made today (agency time)."""
    now = config.clock()
    today = datetime.combine(
        now.astimezone(ZoneInfo(config.timezone)).date(),
        datetime.min.time(),
        ZoneInfo(config.timezone),
    )
    fingerprints: list[RecentDraft] = []
    drafted_today = 0
    since = now - timedelta(days=FINGERPRINT_DAYS)
    fields = ("draft_fingerprint", "drafted_at", "name", "job_key")
    for stored in gateway.cards_drafted_since(since, fields):
        if stored.card.draft_fingerprint:
            card = f"\u201c{stored.card.name}\u201d ({stored.card.job_key})"
            fingerprints.append(RecentDraft(fingerprint=stored.card.draft_fingerprint, card=card))
        if stored.card.drafted_at and stored.card.drafted_at >= today:
            drafted_today += 1
    return fingerprints, drafted_today


def card_for(job: JobAlert, score: Score) -> JobCard:
    reasons = score.explain()
    return JobCard(
        job_key=job.job_key,
        name=job.title,
        job_url=job.url,
        source=source_label(job),
        saved_search=job.saved_search,
        scored_by=score.saved_search,
        posted_at=job.posted_at,
        received_at=job.received_at,
        budget_type="Fixed"
        if job.budget_type == "fixed"
        else "Hourly"
        if job.budget_type == "hourly"
        else None,
        budget_min=job.budget_min,
        budget_max=job.budget_max,
        experience=job.experience_level,
        duration=job.duration,
        skills=job.skills,
        category=job.category,
        client_country=job.client_country,
        payment_verified=job.client_payment_verified,
        client_rating=job.client_rating,
        client_spend=job.client_spend_usd,
        score=float(score.score),
        score_reasons=f"{score.verdict}: {reasons}",
        # a relation can only point at Notion pages: the bundled sample portfolio's ids
        # ("sample-1", used when scoring offline) are not linked
        portfolio_matches=[
            m.page_id for m in score.portfolio_matches if not m.page_id.startswith("sample-")
        ],
        stage=Stage.LOW_FIT if score.verdict == "skip" else Stage.NEW,
    )


def draft_one(
    job: JobAlert, score: Score, config: PipelineConfig, fingerprints: list[RecentDraft]
) -> tuple[dict[str, Any], Content, str]:
    """Draft one job: the card fields to set, the page content, and a note for the card."""
    by_id = {item.page_id: item for item in config.portfolio_items}
    matched = [by_id[m.page_id] for m in score.portfolio_matches if m.page_id in by_id]
    request = DraftRequest(
        job=job, score=score, portfolio=matched, voice=config.voice, signature=config.signature
    )
    result = draft_job(
        request,
        config.drafter,
        config.template,
        LintContext(
            job_text=job.description or "",
            job_title=job.title,
            recent=fingerprints,
            portfolio_hosts=list(config.portfolio_hosts),
        ),
    )
    card = f"\u201c{job.title}\u201d ({job.job_key})"
    fingerprints.append(RecentDraft(fingerprint=result.report.fingerprint, card=card))
    note = result.draft.note
    drafted_by = (
        "template (OpenAI failed)"
        if note
        else "openai"
        if result.draft.drafted_by.startswith("openai")
        else "template"
    )
    values: dict[str, Any] = {
        "stage": result.stage,
        "drafted_by": drafted_by,
        "drafted_at": config.clock(),
        "draft_fingerprint": result.report.fingerprint,
        "draft_words": len(result.draft.text.split()),
        "screening": screening_state(job, result.draft),
        "compliance": "OK" if result.report.ok else "Flagged",
        "compliance_findings": result.findings_text,
    }
    return values, config.card_page(result.draft, score, matched, result.report), note


@dataclass
class DraftPlan:
    """Which new jobs to draft now and which the daily cap holds back."""

    to_draft: set[str] = field(default_factory=set)
    held_back: set[str] = field(default_factory=set)
    fingerprints: list[RecentDraft] = field(default_factory=list)


#: A job's draft: the card fields to set, its page content and a note; or why it failed.
Drafted = tuple[dict[str, Any], Content, str] | BidboardError | ValueError


def score_jobs(jobs: list[JobAlert], config: PipelineConfig) -> dict[str, Score]:
    """Every job's score with its reasons. With embeddings on, the batch is embedded first, once
    (:meth:`Portfolio.prepare`: the only I/O of scoring); then each job is scored, purely."""
    portfolio = config.portfolio.prepare(jobs)
    return {job.job_key: score_job(job, config.searches, portfolio) for job in jobs}


def plan_drafts(
    new: dict[str, JobAlert],
    scored: dict[str, Score],
    gateway: Board,
    config: PipelineConfig,
) -> DraftPlan:
    """The shortlisted new jobs, highest scores first, within what is left of today's cap (the
    board is read only when something is shortlisted)."""
    shortlist = [(k, scored[k].score) for k in new if scored[k].verdict == "shortlist"]
    if not shortlist:
        return DraftPlan()
    fingerprints, drafted_today = recent_drafts(gateway, config)
    to_draft, held_back = select_for_drafting(shortlist, config.daily_cap, drafted_today)
    return DraftPlan(set(to_draft), set(held_back), fingerprints)


def draft_jobs(
    new: dict[str, JobAlert], scored: dict[str, Score], plan: DraftPlan, config: PipelineConfig
) -> dict[str, Drafted]:
    """A draft for each job the plan drafts now (a failure is that job's alone)."""
    drafts: dict[str, Drafted] = {}
    for key in sorted(plan.to_draft, key=lambda k: -scored[k].score):
        try:
            drafts[key] = draft_one(new[key], scored[key], config, plan.fingerprints)
        except (BidboardError, ValueError) as error:
            drafts[key] = error
    return drafts


def write_cards(
    deduped: Deduped,
    scored: dict[str, Score],
    plan: DraftPlan,
    drafts: dict[str, Drafted],
    gateway: Board,
    config: PipelineConfig,
    held: Callable[[JobAlert, str], None] | None = None,
    report: BatchReport | None = None,
) -> BatchReport:
    """One card per new job (its draft as page content), into ``report`` (filled as cards land,
    so that a stop midway keeps what landed); it also gets a row for each job already on the
    board, with its score and its card."""
    report = report if report is not None else BatchReport()
    report.duplicates += deduped.duplicates
    for job, known in deduped.known:
        score = scored.get(job.job_key)
        stage = known.stage.value if known.stage else known.stage_name or ""
        report.outcomes.append(
            JobOutcome(
                job.job_key,
                job.title,
                score.score if score else 0,
                score.verdict if score else "",
                stage,
                known.url,
                created=False,
                note="already on the board",
                reasons=score.explain() if score else "",
            )
        )
    failures = CardFailures()
    for key in sorted(deduped.new, key=lambda k: -scored[k].score):
        job, score = deduped.new[key], scored[key]
        try:  # one card's bad value never stops the others
            card = card_for(job, score)
            content: Content = []
            note = ""
            drafted = drafts.get(key)
            if isinstance(drafted, Exception):
                raise drafted
            if drafted is not None:
                values, content, note = drafted
                card = card.model_copy(update=values)
            elif key in plan.held_back:
                note = f"held back: the daily cap of {config.daily_cap} drafts is reached"
                card = card.model_copy(
                    update={
                        "score_reasons": f"{card.score_reasons}\n{note}; "
                        "draft it with draft_pending"
                    }
                )
            half = deduped.incomplete.get(key)
            if half is None:
                ref = gateway.create_card(card, content)
            else:  # rewrite its content and fields, never a second card
                ref, _ = gateway.upsert_card(card, content, existing=half)
                note = f"completed (a crash had cut its content){'; ' + note if note else ''}"
        except (BidboardError, ValueError) as error:
            reason = failures.reason(error)
            if reason is None:
                raise
            logger.warning("card not written job_key=%s reason=%s", key, reason)
            report.failed[key] = reason
            continue
        failures.landed()
        if key in plan.held_back and held is not None:
            held(job, ref.page_id)
        report.outcomes.append(
            JobOutcome(
                key,
                job.title,
                score.score,
                score.verdict,
                (card.stage or Stage.NEW).value,
                ref.url,
                created=half is None,
                note=note,
                reasons=score.explain(),
            )
        )
    logger.info(
        "batch processed created=%d duplicates=%d drafted=%d failed=%d",
        sum(o.created for o in report.outcomes),
        report.duplicates,
        len(drafts),
        len(report.failed),
    )
    return report


def process_alerts(
    alerts: list[JobAlert],
    gateway: Board,
    config: PipelineConfig,
    held: Callable[[JobAlert, str], None] | None = None,
) -> BatchReport:
    """``held(job, page_id)`` is told of each shortlisted job the daily cap held back, so that
    ``draft_pending`` can draft it later (its post is not on the card). The steps (dedupe, score,
    plan and draft, write) are also called one by one, as tasks, by the ``ingest_alerts`` flow.
    When Notion refuses for now, see :func:`stopped_for_now`."""
    report = BatchReport()
    try:
        deduped = dedupe_alerts(alerts, gateway)
        scored = score_jobs(deduped.jobs(), config)
        plan = plan_drafts(deduped.new, scored, gateway, config)
        drafts = draft_jobs(deduped.new, scored, plan, config)
        return write_cards(deduped, scored, plan, drafts, gateway, config, held, report)
    except NotionPaused as paused:
        return stopped_for_now(alerts, report, paused)
