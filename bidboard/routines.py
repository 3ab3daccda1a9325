"""Board sync, weekly metrics and the insights page as routines a flow or a command runs over an
opened runtime."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from bidboard.insights import insights
from bidboard.lease import write_lease
from bidboard.loaders import load_searches
from bidboard.metrics import IsoWeek, WeeklyRollup, last_weeks
from bidboard.notion.insights_page import PagePublished, publish_page
from bidboard.notion.metrics_pages import (
    MetricsPages,
    Published,
    portfolio_names,
    rollups_from_board,
)
from bidboard.notion.speed import (
    MAX_WRITES,
    SpeedUpdates,
    has_speed_properties,
    history_with_speed,
    write_speed,
)
from bidboard.runtime import Runtime
from bidboard.scoring.searches import EXAMPLE_PATH
from bidboard.settings import Settings
from bidboard.sync import SyncReport, sync_board

logger = logging.getLogger(__name__)


def run_sync(runtime: Runtime, now: datetime | None = None) -> SyncReport:
    return sync_board(runtime.gateway, runtime.store, now=now or datetime.now(UTC))


@dataclass
class WeeklyResult:
    rollup: WeeklyRollup
    published: Published | None


def weeks_to_roll(
    now: datetime, settings: Settings, *, week: str | None = None, weeks: int = 1
) -> list[IsoWeek]:
    """``week`` alone, or else the last ``weeks`` complete weeks."""
    if week:
        return [IsoWeek.parse(week)]
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    return last_weeks(now, settings.tz, weeks)


def run_weekly(
    runtime: Runtime,
    weeks: list[IsoWeek],
    *,
    now: datetime | None = None,
    publish: bool = True,
) -> list[WeeklyResult]:
    """Roll up ``weeks`` from one read of the board; upsert each week's row when ``publish``."""
    settings = runtime.settings
    now = now or datetime.now(UTC)
    searches = load_searches(settings.searches_file or EXAMPLE_PATH)
    rollups = rollups_from_board(
        runtime.gateway,
        weeks,
        settings.tz,
        now=now,
        shortlist_at=searches.thresholds.shortlist,
        names=portfolio_names(runtime.notion, runtime.workspace, settings.data_dir),
    )
    if not publish:
        return [WeeklyResult(rollup, None) for rollup in rollups.values()]
    pages = MetricsPages(runtime.notion, runtime.workspace)
    with write_lease(settings, "weekly metrics"):  # find-then-create: one writer at a time
        return [WeeklyResult(rollup, pages.publish(rollup)) for rollup in rollups.values()]


def publish_insights(runtime: Runtime, speed_writes: int = MAX_WRITES) -> PagePublished:
    """Read the whole history once, refresh the page and the speed-to-lead chart's values on
    the cards that changed (the weekly flow's step)."""
    names = portfolio_names(runtime.notion, runtime.workspace, runtime.settings.data_dir)
    updates = SpeedUpdates(has_speed_properties(runtime.gateway))
    if not updates.enabled:
        logger.warning("speed to lead not written: the board lacks its properties (run migrate)")
    report = insights(history_with_speed(runtime.gateway, updates), portfolio_names=names)
    with write_lease(runtime.settings, "insights page"):  # find-then-create: one writer at a time
        published = publish_page(runtime.notion, runtime.workspace.parent_page_id, report)
        published.speed_written = write_speed(runtime.notion, updates, speed_writes)
        published.speed_left = updates.left
    logger.info(
        "insights page page=%s rewritten=%s speed_to_lead_written=%d left_for_next_run=%d",
        published.page_id,
        published.rewritten,
        published.speed_written,
        published.speed_left,
    )
    return published
