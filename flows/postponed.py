"""A run Notion told to wait (a workspace rate limit longer than the run may wait) ends
"Postponed": a Completed state with the reason, not Failed. A Failed run would retry into the
same limit within a minute and look like a bug; nothing is lost, since each flow leaves what it
did not do for the next run."""

from __future__ import annotations

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.client.schemas.objects import State
from prefect.states import Completed

from bidboard.errors import NotionPaused


def postponed(title: str, paused: NotionPaused, then: str, *, key: str) -> State:
    """Log, report as the run's ``key`` artifact and return the run's final state."""
    get_run_logger().warning("%s postponed: %s", title, paused)
    create_markdown_artifact(
        f"# {title}\n\nPostponed: {paused}.\n\n{then}\n",
        key=key,
        description=f"{title}: postponed, Notion asked this workspace to wait",
    )
    return Completed(name="Postponed", message=f"{title} postponed: {paused}")
