"""``ingest_alerts``: sources, parse, dedupe, score, draft within the daily cap, cards.

Thin orchestration over :mod:`bidboard.ingest`. The run is idempotent (cards are deduped by
job key, sources learn an alert is done only after its cards exist), so it may be retried.
"""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from bidboard.notify import notify_strong_matches
from bidboard.runtime import batch_summary, batch_table, opened
from bidboard.settings import load_settings


@flow(name="ingest_alerts", retries=1, retry_delay_seconds=30)
def ingest_alerts() -> dict[str, int]:
    """Read every configured alert source, put the jobs on the board, tell a person of the
    strong matches."""
    logger = get_run_logger()
    settings = load_settings()
    with opened(settings) as runtime:
        result = runtime.ingest()
    created = sum(1 for o in result.batch.outcomes if o.created)
    if result.busy:
        logger.warning("ingest skipped: %s", result.busy)
    for name, error in result.source_errors:
        logger.warning("alert source failed, the others were read source=%s error=%s", name, error)
    notified = notify_strong_matches(result.batch.outcomes, settings)
    logger.info(
        "ingest read=%d created=%d duplicates=%d quarantined=%d",
        result.read,
        created,
        result.batch.duplicates,
        len(result.quarantined),
    )
    create_table_artifact(
        batch_table(result.batch), key="ingest-jobs", description="Jobs of this ingest run"
    )
    create_markdown_artifact(
        batch_summary(
            "Ingest run", result.batch, result.quarantined, result.read, result.source_errors
        )
        + notified.summary(),
        key="ingest-summary",
    )
    return {
        "read": result.read,
        "created": created,
        "duplicates": result.batch.duplicates,
        "quarantined": len(result.quarantined),
        "notified": notified.matches if notified.sent else 0,
    }
