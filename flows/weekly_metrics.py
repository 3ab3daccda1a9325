"""``weekly_metrics``: roll up the board per ISO week into the Weekly metrics database, then
refresh the "What gets replies" page (its own step: a failure there is logged and reported as
an artifact, and the weekly rows and pages already written stay)."""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State

from bidboard.errors import NotionPaused
from bidboard.metrics import FIGURES
from bidboard.metrics_text import as_markdown, show
from bidboard.notion.insights_page import PagePublished
from bidboard.routines import publish_insights, run_weekly, weeks_to_roll
from bidboard.runtime import Runtime, opened
from bidboard.settings import load_settings
from flows.postponed import postponed


@task(name="refresh what gets replies", persist_result=False, cache_policy=NO_CACHE)
def refresh_insights(runtime: Runtime) -> PagePublished | None:
    """The insights page over the whole history; None (logged, reported) when it failed."""
    logger = get_run_logger()
    try:
        published = publish_insights(runtime)
    except Exception as error:  # the weekly pages are written: report it and go on
        logger.error("what gets replies not refreshed: %s: %s", type(error).__name__, error)
        create_markdown_artifact(
            f"# What gets replies\n\nNot refreshed this run: `{type(error).__name__}: {error}`."
            " The weekly metrics were written; the next run tries again.\n",
            key="what-gets-replies",
            description="What gets replies: not refreshed",
        )
        return None
    logger.info(
        "what gets replies page=%s created=%s rewritten=%s",
        published.page_id,
        published.created,
        published.rewritten,
    )
    return published


@flow(name="weekly_metrics", retries=1, retry_delay_seconds=60)
def weekly_metrics(weeks: int = 1, week: str = "") -> dict[str, str] | State:
    """Upsert the rows and pages of the last ``weeks`` complete weeks (or of ``week``), then
    refresh "What gets replies". A rerun updates a week's row, never adds a second one. A long
    workspace rate limit ends the run "Postponed", naming the weeks to run again.

    Args:
        weeks: How many complete weeks to roll up, counting back from the last one.
        week: One ISO week instead, such as 2026-W47 (leave empty for the last weeks).
    """
    logger = get_run_logger()
    settings = load_settings()
    chosen = weeks_to_roll(datetime.now(UTC), settings, week=week or None, weeks=weeks)
    with opened(settings) as runtime:
        try:
            results = run_weekly(runtime, chosen)
        except NotionPaused as paused:
            labels = ", ".join(w.label for w in chosen)
            return postponed(
                "Weekly metrics",
                paused,
                f"Rows and pages already written stay. Run weekly_metrics again for {labels} "
                "once Notion allows requests (a rerun updates a week's row, never adds one).",
                key="weekly-metrics",
            )
        refresh_insights(runtime)
    out = {}
    for result in results:
        rollup, published = result.rollup, result.published
        key = f"weekly-metrics-{rollup.week.label.lower()}"
        create_table_artifact(
            [{"figure": name, "value": show(name, rollup.figures[name])} for name in FIGURES],
            key=key,
            description=f"Weekly metrics {rollup.week.label}",
        )
        create_markdown_artifact(
            as_markdown(rollup),
            key=f"{key}-page",
            description=f"Weekly metrics {rollup.week.label}: the week's page, as text",
        )
        out[rollup.week.label] = published.url or published.page_id if published else ""
        logger.info(
            "weekly metrics week=%s submitted=%s created=%s",
            rollup.week.label,
            rollup.figures["Submitted"],
            published.created if published else None,
        )
    return out
