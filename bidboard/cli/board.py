"""``bidboard sync`` and ``bidboard metrics``: the board routines, run once from the command
line."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bidboard.metrics_text import as_text
from bidboard.routines import run_sync, run_weekly, weeks_to_roll
from bidboard.runtime import opened
from bidboard.settings import Settings


def run_metrics_command(settings: Settings, week: str | None, as_json: bool, publish: bool) -> int:
    """``bidboard metrics [--week 2026-W47] [--json] [--publish]``."""
    weeks = weeks_to_roll(datetime.now(UTC), settings, week=week)
    with opened(settings) as runtime:
        results = run_weekly(runtime, weeks, publish=publish)
    for result in results:
        if as_json:
            print(json.dumps(result.rollup.as_json(), indent=2, ensure_ascii=False))
        else:
            print(as_text(result.rollup), end="")
            if result.published is not None:
                published = result.published
                verb = "created" if published.created else "updated"
                print(f"\nWeekly metrics row {verb}: {published.url or published.page_id}")
    return 0


def run_sync_command(settings: Settings) -> int:
    """``bidboard sync``: one pass of board sync."""
    with opened(settings) as runtime:
        report = run_sync(runtime)
    for move in report.moves:
        stamp = f" (stamped {move.stamped})" if move.stamped else ""
        print(f"{move.before or '(new)'} -> {move.after or '(none)'}  {move.name[:60]}{stamp}")
    print(
        f"{report.read} cards read since {report.since or 'the start'}, "
        f"{len(report.moves)} moves, {report.stamped} stamps written"
    )
    return 0
