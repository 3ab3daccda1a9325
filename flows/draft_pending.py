"""``draft_pending``: drafts the cards the daily cap left ``New``, within today's cap."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from bidboard.ingest import run_draft_pending
from bidboard.lease import write_lease
from bidboard.runtime import opened
from bidboard.settings import load_settings
from bidboard.summaries import batch_table


@flow(name="draft_pending", retries=1, retry_delay_seconds=30)
def draft_pending() -> dict[str, int]:
    """Draft held-back jobs, highest scores first, as today's cap allows."""
    logger = get_run_logger()
    settings = load_settings()
    with opened(settings) as runtime:
        with write_lease(settings, "draft_pending"):
            report = run_draft_pending(runtime.gateway, runtime.pipeline_config, runtime.store)
        waiting = len(runtime.store.pending())
    logger.info("draft_pending drafted=%d still_waiting=%d", len(report.outcomes), waiting)
    if report.outcomes:
        create_table_artifact(
            batch_table(report),
            key="draft-pending",
            description="Cards drafted after being held back",
        )
    return {"drafted": len(report.outcomes), "waiting": waiting}
