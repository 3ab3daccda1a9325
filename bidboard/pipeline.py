"""From job alerts to cards: the core of the ingest flow, written once, called by the flows.

For a batch of alerts: drop what is already on the board (one query per 100 keys), score every
job, draft the best ones within the daily cap (highest scores first), and write each job as a
card with its draft as page content in one request. Every job becomes a card: shortlisted ones
``Drafted`` (or ``Needs attention`` with the linter's findings), the others ``New`` with their
score and reasons, and shortlisted jobs held back by the cap ``New`` with that reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bidboard.ai.drafter import OpenAIDrafter
from bidboard.alerts.alert import JobAlert, source_label
from bidboard.alerts.identity import SAME_JOB_WINDOW, merge_same_jobs, same_job_cards, when_posted
from bidboard.drafting.compose import draft_job
from bidboard.drafting.draft import DraftRequest
from bidboard.drafting.lint import LintContext, RecentDraft
from bidboard.drafting.template import TemplateDrafter
from bidboard.errors import BidboardError, CardError, HumanStageError, NotionError
from bidboard.models import MACHINE_STAGES, JobCard, Stage
from bidboard.notion.blocks import Block
from bidboard.notion.card import card_content, screening_state, select_for_drafting
from bidboard.notion.client import NotionPaused
from bidboard.notion.gateway import BoardGateway, CardRef, card_ref
from bidboard.scoring.portfolio import PortfolioItem
from bidboard.scoring.score import Portfolio, Score, score_job
from bidboard.scoring.searches import SearchConfig

logger = logging.getLogger(__name__)
FINGERPRINT_DAYS = 30


@dataclass
class PipelineConfig:
    searches: SearchConfig
    portfolio: Portfolio
    portfolio_items: list[PortfolioItem]
    drafter: OpenAIDrafter | TemplateDrafter
    template: TemplateDrafter
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


@dataclass
class JobOutcome:
    job_key: str
    title: str
    score: int
    verdict: str
    stage: str
    url: str | None
    created: bool
    note: str = ""
    reasons: str = ""  # the score's reasons, as on the card


@dataclass
class BatchReport:
    outcomes: list[JobOutcome] = field(default_factory=list)
    duplicates: int = 0
    #: Jobs not written because Notion refused for now (block limit, a long workspace rate
    #: limit): their alerts stay in their sources and go on the board on a later run.
    waiting: list[str] = field(default_factory=list)
    stopped: str = ""  # why, and what to do
    #: job key -> why its card could not be written (the other cards were)
    failed: dict[str, str] = field(default_factory=dict)

    def count(self, stage: Stage) -> int:
        return sum(1 for o in self.outcomes if o.created and o.stage == stage.value)


def _stage_context(gateway: BoardGateway, config: PipelineConfig) -> tuple[list[RecentDraft], int]:
    """Recent drafts (fingerprint and card), and how many were made today (agency time)."""
    now = config.clock()
    since = (now - timedelta(days=FINGERPRINT_DAYS)).isoformat()
    today = datetime.combine(
        now.astimezone(ZoneInfo(config.timezone)).date(),
        datetime.min.time(),
        ZoneInfo(config.timezone),
    )
    fingerprints: list[RecentDraft] = []
    drafted_today = 0
    for stored in gateway.iter_cards(
        filter={"property": "Drafted at", "date": {"on_or_after": since}},
        properties=["Draft fingerprint", "Drafted at", "Name", "Job key"],
    ):
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


def _draft(
    job: JobAlert, score: Score, config: PipelineConfig, fingerprints: list[RecentDraft]
) -> tuple[dict[str, Any], list[Block], str]:
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
    return values, card_content(result.draft, score, matched, result.report), note


def draft_held_back(
    pending: list[tuple[JobAlert, str]], gateway: BoardGateway, config: PipelineConfig
) -> tuple[BatchReport, list[str]]:
    """Draft the jobs the daily cap left ``New``, highest scores first, within today's cap.

    Returns the report and the job keys that need no more waiting: drafted, or gone from the
    board, or moved by a person. The content is written before the stage (and replaces what
    is there), so a run cut in between leaves a ``New`` card that the next run drafts again.
    """
    report, finished = BatchReport(), list[str]()
    if not pending:
        return report, finished
    refs = gateway.find_cards(job.job_key for job, _ in pending)
    candidates = []
    for job, page_id in pending:
        ref = refs.get(job.job_key)
        if (
            ref is None
            or ref.page_id != page_id
            or not ref.machine_owned
            or ref.stage_name not in (None, Stage.NEW.value)
        ):
            finished.append(job.job_key)  # gone, or a person has it now: nothing to draft
            continue
        candidates.append((job, ref, score_job(job, config.searches, config.portfolio)))
    if not candidates:  # nothing left to draft: no need to read today's drafts
        return report, finished
    fingerprints, drafted_today = _stage_context(gateway, config)
    failures = CardFailures()
    to_draft, _ = select_for_drafting(
        [(j.job_key, s.score) for j, _, s in candidates], config.daily_cap, drafted_today
    )
    for job, ref, score in sorted(candidates, key=lambda c: -c[2].score):
        if job.job_key not in to_draft:
            continue
        values, content, note = _draft(job, score, config, fingerprints)
        try:  # drafting takes time: the gateway reads the stage again before each write
            gateway.replace_content(ref, content)
            gateway.update_card(ref, values)
        except NotionPaused as paused:  # the job stays pending for a later run
            report.stopped = str(paused)
            logger.error("drafting held-back jobs stopped: %s", paused)
            break
        except HumanStageError as moved:  # a person has the card now: theirs, as it is
            logger.info("held-back card not drafted job_key=%s reason=%s", job.job_key, moved)
            finished.append(job.job_key)
            continue
        except (BidboardError, ValueError) as error:  # this card alone: the others go on
            reason = failures.reason(error)
            if reason is None:
                raise
            logger.warning("held-back card not drafted job_key=%s reason=%s", job.job_key, reason)
            report.failed[job.job_key] = reason
            finished.append(job.job_key)
            continue
        failures.landed()
        finished.append(job.job_key)
        report.outcomes.append(
            JobOutcome(
                job.job_key,
                job.title,
                score.score,
                score.verdict,
                values["stage"].value,
                ref.url,
                created=False,
                note=note or "drafted after being held back",
            )
        )
    return report, finished


def same_jobs_on_board(unique: dict[str, JobAlert], gateway: BoardGateway) -> dict[str, CardRef]:
    """Cards that are these jobs under another key: a card under a derived key of a job whose
    real key came now adopts the real key and URL (unless a person has it; then it is only
    recognised); a job whose alert has no key now is recognised on its real-key card."""
    if not unique:
        return {}
    since = min(when_posted(a) for a in unique.values()) - SAME_JOB_WINDOW
    derived_titles = [a.title for a in unique.values() if a.key_derived]
    matches = same_job_cards(unique, gateway.cards_near(since, derived_titles))
    found: dict[str, CardRef] = {}
    for key, (stored, adopt) in matches.items():
        movable = stored.card.stage is None or stored.card.stage in MACHINE_STAGES
        if adopt and movable:
            found[key] = gateway.adopt_key(stored, key, unique[key].url)
            logger.info("card adopted a real job key job_key=%s from=%s", key, stored.card.job_key)
        else:
            found[key] = card_ref(stored)
    return found


class CardFailures:
    """Which errors are one card's alone. A value Notion cannot store (:class:`CardError`, a
    ``ValueError`` from encoding) always is. Notion refusing one request (400 validation, 413 too
    large) is, unless it happens again to the next card too: then it is the board (a renamed or
    deleted property) and would fail every card, so the run stops and the sources keep every
    alert for the next run, as they do when Notion is down or the token is refused."""

    REPEATS = 2

    def __init__(self) -> None:
        self.notion_in_a_row = 0

    def reason(self, error: Exception) -> str | None:
        """Why this card failed, or None when the run must stop (re-raise)."""
        if isinstance(error, CardError | ValueError):  # ValueError: CodecError, UnicodeError
            return str(error)
        if isinstance(error, NotionError) and error.status in (400, 413):
            self.notion_in_a_row += 1
            return str(error) if self.notion_in_a_row < self.REPEATS else None
        return None

    def landed(self) -> None:
        self.notion_in_a_row = 0


@dataclass
class Deduped:
    """A batch after dedupe: the jobs new to the board, those already on it with their card,
    and how many alerts were duplicates (of each other or of a card)."""

    new: dict[str, JobAlert] = field(default_factory=dict)
    known: list[tuple[JobAlert, CardRef]] = field(default_factory=list)
    duplicates: int = 0
    #: cards of jobs in ``new`` that a crash left half written (see :func:`half_written`):
    #: the write completes them instead of creating a second card
    incomplete: dict[str, CardRef] = field(default_factory=dict)

    def jobs(self) -> list[JobAlert]:
        return [*self.new.values(), *(job for job, _ in self.known)]


@dataclass
class DraftPlan:
    """Which new jobs to draft now and which the daily cap holds back."""

    to_draft: set[str] = field(default_factory=set)
    held_back: set[str] = field(default_factory=set)
    fingerprints: list[RecentDraft] = field(default_factory=list)


#: A job's draft: the card fields to set, its page content and a note; or why it failed.
Drafted = tuple[dict[str, Any], list[Block], str] | BidboardError | ValueError


def half_written(card: CardRef) -> bool:
    """A drafted card without its ``Draft fingerprint``: the gateway writes the fingerprint
    last, so a crash cut its content. Still bidboard's (a person has not moved it), it is
    completed by the next run of the same job."""
    drafted = card.stage in (Stage.DRAFTED, Stage.NEEDS_ATTENTION)
    return drafted and card.machine_owned and not card.draft_fingerprint


def dedupe_alerts(alerts: list[JobAlert], gateway: BoardGateway) -> Deduped:
    """Drop duplicates within the batch, then find the jobs already on the board (one query per
    100 keys, and the same job under another key)."""
    deduped = Deduped()
    merged = merge_same_jobs(alerts)  # a key-less alert of a job this batch names by its key
    deduped.duplicates += len(alerts) - len(merged)
    unique: dict[str, JobAlert] = {}
    for alert in merged:
        if alert.job_key in unique:
            deduped.duplicates += 1
        unique.setdefault(alert.job_key, alert)
    existing = gateway.find_cards(unique)
    existing.update(
        same_jobs_on_board({k: unique[k] for k in unique if k not in existing}, gateway)
    )
    for key, known in existing.items():
        if half_written(known):
            deduped.incomplete[key] = known  # its job stays new: drafted and written again
            continue
        deduped.duplicates += 1
        deduped.known.append((unique.pop(key), known))
    deduped.new = unique
    return deduped


def score_jobs(jobs: list[JobAlert], config: PipelineConfig) -> dict[str, Score]:
    """Every job's score with its reasons (pure)."""
    return {job.job_key: score_job(job, config.searches, config.portfolio) for job in jobs}


def plan_drafts(
    new: dict[str, JobAlert],
    scored: dict[str, Score],
    gateway: BoardGateway,
    config: PipelineConfig,
) -> DraftPlan:
    """The shortlisted new jobs, highest scores first, within what is left of today's cap (the
    board is read only when something is shortlisted)."""
    shortlist = [(k, scored[k].score) for k in new if scored[k].verdict == "shortlist"]
    if not shortlist:
        return DraftPlan()
    fingerprints, drafted_today = _stage_context(gateway, config)
    to_draft, held_back = select_for_drafting(shortlist, config.daily_cap, drafted_today)
    return DraftPlan(set(to_draft), set(held_back), fingerprints)


def draft_jobs(
    new: dict[str, JobAlert], scored: dict[str, Score], plan: DraftPlan, config: PipelineConfig
) -> dict[str, Drafted]:
    """A draft for each job the plan drafts now (a failure is that job's alone)."""
    drafts: dict[str, Drafted] = {}
    for key in sorted(plan.to_draft, key=lambda k: -scored[k].score):
        try:
            drafts[key] = _draft(new[key], scored[key], config, plan.fingerprints)
        except (BidboardError, ValueError) as error:
            drafts[key] = error
    return drafts


def write_cards(
    deduped: Deduped,
    scored: dict[str, Score],
    plan: DraftPlan,
    drafts: dict[str, Drafted],
    gateway: BoardGateway,
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
            content: list[Block] = []
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


def stopped_for_now(
    alerts: list[JobAlert], report: BatchReport, paused: NotionPaused
) -> BatchReport:
    """Notion refused for now (:class:`NotionPaused`: the block limit, a long workspace rate
    limit): the batch stops with one error line; the jobs not written are ``waiting`` (their
    alerts stay in their sources for a later run)."""
    seen = {o.job_key for o in report.outcomes}
    report.waiting = list(dict.fromkeys(a.job_key for a in alerts if a.job_key not in seen))
    report.stopped = str(paused)
    logger.error("ingest stopped, %d jobs wait for a later run: %s", len(report.waiting), paused)
    return report


def process_alerts(
    alerts: list[JobAlert],
    gateway: BoardGateway,
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
