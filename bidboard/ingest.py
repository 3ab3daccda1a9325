"""One ingest run: read the sources, parse, write cards, then tell each source what happened.

The sources learn that an alert is done only after the cards of all its jobs exist; a run that
dies before that leaves every alert where it was, and the next run reads it again (the board's
dedupe makes that harmless). What cannot be used is quarantined with its reason and stays in its
source. Shared by ``bidboard demo`` and the ``ingest_alerts`` flow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bidboard.alerts.alert import JobAlert, ParseOutcome, RawAlert
from bidboard.alerts.parse import parse_raw
from bidboard.batch import BatchReport
from bidboard.errors import BidboardError
from bidboard.held_back import draft_held_back
from bidboard.inbox.sources import AlertSource
from bidboard.notion.gateway import BoardGateway
from bidboard.pipeline import PipelineConfig, process_alerts
from bidboard.redact import redact
from bidboard.state import StateStore

logger = logging.getLogger(__name__)


@dataclass
class IngestResult:
    batch: BatchReport
    read: int = 0
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    #: why the run did not read anything: another process held the write lease
    busy: str = ""
    #: (source, error) for each source that failed this run; the others were read
    source_errors: list[tuple[str, str]] = field(default_factory=list)


ConfigOrFactory = PipelineConfig | Callable[[], PipelineConfig]


def _config(config: ConfigOrFactory) -> PipelineConfig:
    """A factory is called only when there is work: building a config reads the portfolio and
    the snippets from Notion, two requests an idle run need not make."""
    return config if isinstance(config, PipelineConfig) else config()


Parsed = list[tuple[AlertSource, RawAlert, ParseOutcome]]


def _failure(source: AlertSource, error: Exception) -> tuple[str, str]:
    reason = redact(f"{type(error).__name__}: {error}")
    logger.warning("alert source failed, the others go on source=%s error=%s", source.name, reason)
    return source.name, reason


def read_sources(
    sources: list[AlertSource],
) -> tuple[list[tuple[AlertSource, RawAlert]], list[tuple[str, str]]]:
    """Every raw alert waiting in the sources, and (source, error) for each source that failed:
    each source fails alone, and what it yielded before its error is kept."""
    fetched: list[tuple[AlertSource, RawAlert]] = []
    source_errors: list[tuple[str, str]] = []
    for source in sources:
        try:
            for raw in source.fetch():
                fetched.append((source, raw))
        except (BidboardError, OSError) as error:
            source_errors.append(_failure(source, error))
    return fetched, source_errors


def parse_alerts(
    fetched: list[tuple[AlertSource, RawAlert]], received_at: datetime | None = None
) -> Parsed:
    """Each raw alert parsed into its jobs (or quarantined with a reason); the parsers read no
    clock: ``received_at`` (now by default) is when the batch came."""
    received = received_at or datetime.now(UTC)
    return [(source, raw, parse_raw(raw, received)) for source, raw in fetched]


def held_by(store: StateStore) -> Callable[[JobAlert, str], None]:
    """What the pipeline calls for a job the daily cap held back: ``draft_pending`` drafts it."""

    def held(job: JobAlert, page_id: str) -> None:
        store.pending_put(job.job_key, page_id, job.model_dump_json())

    return held


def settle_sources(
    parsed: Parsed, batch: BatchReport, store: StateStore, source_errors: list[tuple[str, str]]
) -> IngestResult:
    """Every card exists now: tell each source what became of each alert (done, quarantined,
    skipped). A failure to tell one keeps that alert for the next run (deduped then)."""
    result = IngestResult(batch=batch, read=len(parsed), source_errors=list(source_errors))
    waiting = set(batch.waiting)  # Notion refused them for now: they stay in their source
    for source, raw, outcome in parsed:
        try:
            _tell(source, raw, outcome, batch, waiting, store, result)
        except (BidboardError, OSError) as error:
            result.source_errors.append(_failure(source, error))
    return result


def run_ingest(
    sources: list[AlertSource], gateway: BoardGateway, config: ConfigOrFactory, store: StateStore
) -> IngestResult:
    """Read, parse, write the cards, then tell the sources (the ``ingest_alerts`` flow calls the
    same steps one by one, as tasks). Each source fails alone: a feed that is down (or refused,
    or a mailbox that cannot be read) is reported in ``source_errors`` and the others are read
    and written as usual. With no alert, no Notion request: ``config`` may be a factory, called
    only when there is work."""
    fetched, source_errors = read_sources(sources)
    parsed = parse_alerts(fetched)
    alerts = [a for _, _, outcome in parsed for a in outcome.alerts]
    batch = (
        process_alerts(alerts, gateway, _config(config), held_by(store))
        if alerts
        else BatchReport()
    )
    return settle_sources(parsed, batch, store, source_errors)


def _tell(
    source: AlertSource,
    raw: RawAlert,
    outcome: ParseOutcome,
    batch: BatchReport,
    waiting: set[str],
    store: StateStore,
    result: IngestResult,
) -> None:
    """Tell ``source`` what became of ``raw``; record quarantines and warnings in ``result``."""
    result.warnings += outcome.warnings
    for item in outcome.quarantined:
        store.quarantine(source.name, item.source_ref, item.reason, item.excerpt)
        result.quarantined.append((item.source_ref, item.reason))
    unwritten = [
        (a.job_key, batch.failed[a.job_key]) for a in outcome.alerts if a.job_key in batch.failed
    ]
    if unwritten:  # its other jobs have cards; this one cannot have one: keep the reason
        key, why = unwritten[0]
        reason = f"the card of job {key} cannot be written: {why}"
        store.quarantine(source.name, raw.source_ref, reason, key)
        result.quarantined.append((raw.source_ref, reason))
        source.quarantine(raw, reason)
    elif outcome.alerts:
        if not waiting.intersection(a.job_key for a in outcome.alerts):
            source.done(raw)  # else it stays in its source: a later run writes its cards
    elif outcome.quarantined:
        source.quarantine(raw, outcome.quarantined[0].reason)
    else:
        source.skip(raw)
        result.skipped += 1


def run_draft_pending(
    gateway: BoardGateway, config: ConfigOrFactory, store: StateStore
) -> BatchReport:
    """Draft what the daily cap held back; forget what needs no more waiting. Nothing held
    back: no request at all."""
    pending = [
        (JobAlert.model_validate_json(alert), page_id) for _, page_id, alert in store.pending()
    ]
    if not pending:
        return BatchReport()
    report, finished = draft_held_back(pending, gateway, _config(config))
    for job_key in finished:
        store.pending_drop(job_key)
    return report
