"""``sync_board``: stamp the stage changes people made on the board since the last run."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.client.schemas.objects import State

from bidboard.errors import NotionPaused
from bidboard.routines import run_sync
from bidboard.runtime import opened
from bidboard.settings import load_settings
from flows.postponed import postponed


@flow(name="sync_board", retries=1, retry_delay_seconds=30)
def sync_board() -> dict[str, int] | State:
    """Read the cards edited since the watermark; stamp ``<Stage> at`` on first entry.

    Idempotent (a stamp is written only where it is empty, the watermark moves only after the
    whole pass), so the run may be retried. A long workspace rate limit ends it "Postponed".
    """
    logger = get_run_logger()
    with opened(load_settings()) as runtime:
        try:
            report = run_sync(runtime)
        except NotionPaused as paused:
            return postponed(
                "Board sync",
                paused,
                "The watermark did not move: the next run reads these cards again, and a "
                "stamp already written is not written twice.",
                key="board-sync",
            )
    logger.info(
        "sync_board read=%d moves=%d stamped=%d", report.read, len(report.moves), report.stamped
    )
    if report.moves:
        create_table_artifact(
            [
                {
                    "job": m.name[:80],
                    "job_key": m.job_key,
                    "from": m.before or "(first seen)",
                    "to": m.after or "",
                    "stamped": m.stamped or "",
                }
                for m in report.moves
            ],
            key="board-sync-moves",
            description="Stage changes seen by board sync",
        )
    create_markdown_artifact(
        "# Board sync\n\n"
        f"- cards read: {report.read} (edited since {report.since or 'the start'})\n"
        f"- stage changes: {len(report.moves)}\n"
        f"- stamps written: {report.stamped}\n",
        key="board-sync",
        description="Board sync: cards read, stage changes seen, stamps written",
    )
    return {"read": report.read, "moves": len(report.moves), "stamped": report.stamped}
