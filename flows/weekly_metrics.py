"""``weekly_metrics``: roll up the board per ISO week into the Weekly metrics database."""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from bidboard.metrics import FIGURES, as_markdown, show
from bidboard.routines import run_weekly, weeks_to_roll
from bidboard.runtime import opened
from bidboard.settings import load_settings


@flow(name="weekly_metrics", retries=1, retry_delay_seconds=60)
def weekly_metrics(weeks: int = 1, week: str | None = None) -> dict[str, str]:
    """Upsert the rows and pages of the last ``weeks`` complete weeks (or of ``week``,
    e.g. ``2026-W47``). A rerun updates a week's row, never adds a second one."""
    logger = get_run_logger()
    settings = load_settings()
    chosen = weeks_to_roll(datetime.now(UTC), settings, week=week, weeks=weeks)
    with opened(settings) as runtime:
        results = run_weekly(runtime, chosen)
    out = {}
    for result in results:
        rollup, published = result.rollup, result.published
        key = f"weekly-metrics-{rollup.week.label.lower()}"
        create_table_artifact(
            [{"figure": name, "value": show(name, rollup.figures[name])} for name in FIGURES],
            key=key,
            description=f"Weekly metrics {rollup.week.label}",
        )
        create_markdown_artifact(as_markdown(rollup), key=f"{key}-page")
        out[rollup.week.label] = published.url or published.page_id if published else ""
        logger.info(
            "weekly metrics week=%s submitted=%s created=%s",
            rollup.week.label,
            rollup.figures["Submitted"],
            published.created if published else None,
        )
    return out
