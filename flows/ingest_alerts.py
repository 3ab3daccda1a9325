"""``ingest_alerts``: sources, parse, dedupe, score, draft within the daily cap, cards.

Thin orchestration over :mod:`bidboard.ingest` and :mod:`bidboard.pipeline`: each step is a
task, so the run graph shows it with its own state and logs. The run is idempotent (cards are
deduped by job key, sources learn an alert is done only after its cards exist), so the flow may
be retried; of the steps, only the read-only ones retry (``dedupe`` reads the board). Task
results hold the clients' posts and the drafts: they stay in memory for the run and are never
persisted or cached (``persist_result=False``, no cache policy), so nothing of them is written
under ``PREFECT_HOME/storage``.
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from bidboard import ingest, pipeline
from bidboard.alerts.alert import JobAlert, RawAlert
from bidboard.batch import BatchReport, stopped_for_now
from bidboard.dedupe import Deduped, dedupe_alerts
from bidboard.errors import LeaseBusy, NotionPaused
from bidboard.inbox.sources import AlertSource
from bidboard.ingest import IngestResult, Parsed
from bidboard.lease import write_lease
from bidboard.notify import NotifyReport, notify_strong_matches
from bidboard.notion.gateway import BoardGateway
from bidboard.pipeline import Drafted, DraftPlan, PipelineConfig
from bidboard.runtime import opened, sources_from_settings
from bidboard.scoring.score import Score
from bidboard.settings import Settings, load_settings
from bidboard.state import StateStore
from bidboard.summaries import batch_summary, batch_table


@task(name="read sources", persist_result=False, cache_policy=NO_CACHE)
def read_sources(
    sources: list[AlertSource],
) -> tuple[list[tuple[AlertSource, RawAlert]], list[tuple[str, str]]]:
    """Every raw alert waiting in the sources; a source that fails is logged, the others read."""
    fetched, errors = ingest.read_sources(sources)
    logger = get_run_logger()
    for name, error in errors:
        logger.warning("alert source failed, the others were read source=%s error=%s", name, error)
    logger.info("read alerts=%d sources=%d failed=%d", len(fetched), len(sources), len(errors))
    return fetched, errors


@task(name="parse", persist_result=False, cache_policy=NO_CACHE)
def parse(fetched: list[tuple[AlertSource, RawAlert]]) -> Parsed:
    """Raw alerts into jobs; what cannot be used is quarantined with its reason."""
    parsed = ingest.parse_alerts(fetched)
    jobs = sum(len(o.alerts) for _, _, o in parsed)
    quarantined = sum(len(o.quarantined) for _, _, o in parsed)
    get_run_logger().info("parsed alerts=%d jobs=%d quarantined=%d", len(parsed), jobs, quarantined)
    return parsed


@task(name="dedupe", retries=2, retry_delay_seconds=5, persist_result=False, cache_policy=NO_CACHE)
def dedupe(alerts: list[JobAlert], gateway: BoardGateway) -> Deduped:
    """Which jobs are already on the board (a read: safe to retry)."""
    deduped = dedupe_alerts(alerts, gateway)
    get_run_logger().info(
        "dedupe new=%d on_board=%d duplicates=%d",
        len(deduped.new),
        len(deduped.known),
        deduped.duplicates,
    )
    return deduped


@task(name="score", persist_result=False, cache_policy=NO_CACHE)
def score(deduped: Deduped, config: PipelineConfig) -> dict[str, Score]:
    """Every job scored against the saved searches and the portfolio, with its reasons."""
    scored = pipeline.score_jobs(deduped.jobs(), config)
    verdicts: dict[str, int] = {}
    for s in scored.values():
        verdicts[s.verdict] = verdicts.get(s.verdict, 0) + 1
    get_run_logger().info(
        "scored jobs=%d %s", len(scored), " ".join(f"{k}={v}" for k, v in sorted(verdicts.items()))
    )
    return scored


@task(name="draft", persist_result=False, cache_policy=NO_CACHE)
def draft(
    deduped: Deduped, scored: dict[str, Score], gateway: BoardGateway, config: PipelineConfig
) -> tuple[DraftPlan, dict[str, Drafted]]:
    """Drafts for the shortlisted jobs within today's cap, each through the compliance linter."""
    plan = pipeline.plan_drafts(deduped.new, scored, gateway, config)
    drafts = pipeline.draft_jobs(deduped.new, scored, plan, config)
    get_run_logger().info("drafted jobs=%d held_back=%d", len(drafts), len(plan.held_back))
    return plan, drafts


@task(name="write cards", persist_result=False, cache_policy=NO_CACHE)
def write_cards(
    deduped: Deduped,
    scored: dict[str, Score],
    planned: tuple[DraftPlan, dict[str, Drafted]],
    gateway: BoardGateway,
    config: PipelineConfig,
    store: StateStore,
    batch: BatchReport,
) -> BatchReport:
    """One card per new job, its draft as page content, into ``batch`` (not retried: a create
    is not)."""
    plan, drafts = planned
    pipeline.write_cards(
        deduped, scored, plan, drafts, gateway, config, ingest.held_by(store), batch
    )
    get_run_logger().info(
        "cards created=%d failed=%d", sum(o.created for o in batch.outcomes), len(batch.failed)
    )
    return batch


@task(name="tell sources", persist_result=False, cache_policy=NO_CACHE)
def tell_sources(
    parsed: Parsed, batch: BatchReport, store: StateStore, errors: list[tuple[str, str]]
) -> IngestResult:
    """Each source learns what became of its alerts: done, quarantined or skipped."""
    result = ingest.settle_sources(parsed, batch, store, errors)
    get_run_logger().info(
        "sources told alerts=%d quarantined=%d", result.read, len(result.quarantined)
    )
    return result


@task(name="notify", persist_result=False, cache_policy=NO_CACHE)
def notify(batch: BatchReport, settings: Settings) -> NotifyReport:
    """The agency told of the strong matches (not retried: it would tell twice)."""
    return notify_strong_matches(batch.outcomes, settings)


def _ingest(settings: Settings) -> IngestResult:
    with opened(settings) as runtime:
        sources = sources_from_settings(settings, runtime.store)
        try:
            with write_lease(settings, "ingest"):
                fetched, errors = read_sources(sources)
                parsed = parse(fetched)
                alerts = [a for _, _, outcome in parsed for a in outcome.alerts]
                if not alerts:  # nothing to write: no Notion request at all
                    return tell_sources(parsed, BatchReport(), runtime.store, errors)
                config = runtime.pipeline_config()
                batch = BatchReport()  # filled as cards land: a stop midway keeps them
                try:
                    deduped = dedupe(alerts, runtime.gateway)
                    scored = score(deduped, config)
                    planned = draft(deduped, scored, runtime.gateway, config)
                    write_cards(
                        deduped, scored, planned, runtime.gateway, config, runtime.store, batch
                    )
                except NotionPaused as paused:  # the block limit, a long workspace rate limit
                    stopped_for_now(alerts, batch, paused)
                return tell_sources(parsed, batch, runtime.store, errors)
        except LeaseBusy as busy:
            get_run_logger().warning("ingest skipped, nothing read or written reason=%s", busy)
            return IngestResult(batch=BatchReport(), busy=str(busy))
        finally:
            for source in sources:
                source.close()


@flow(name="ingest_alerts", retries=1, retry_delay_seconds=30)
def ingest_alerts() -> dict[str, int]:
    """Read every configured alert source, put the jobs on the board, tell a person of the
    strong matches."""
    logger = get_run_logger()
    settings = load_settings()
    result = _ingest(settings)
    created = sum(1 for o in result.batch.outcomes if o.created)
    notified = notify(result.batch, settings)
    logger.info(
        "ingest read=%d created=%d duplicates=%d quarantined=%d",
        result.read,
        created,
        result.batch.duplicates,
        len(result.quarantined),
    )
    create_table_artifact(
        batch_table(result.batch),
        key="ingest-jobs",
        description="Every job of this ingest run: score, verdict, reasons, stage and card "
        "(jobs already on the board included, with the card they are on)",
    )
    create_markdown_artifact(
        batch_summary(
            "Ingest run", result.batch, result.quarantined, result.read, result.source_errors
        )
        + notified.summary(),
        key="ingest-summary",
        description="What this ingest run read, wrote, held back and quarantined",
    )
    return {
        "read": result.read,
        "created": created,
        "duplicates": result.batch.duplicates,
        "quarantined": len(result.quarantined),
        "notified": notified.matches if notified.sent else 0,
    }
