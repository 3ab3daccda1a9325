"""What a batch did: a row per job, what waits for a later run, what failed and why.

:class:`CardFailures` decides which errors are one card's alone (the others go on) and which
stop the run; :func:`stopped_for_now` is the batch's end when Notion refuses for now.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bidboard.alerts.alert import JobAlert
from bidboard.errors import CardError, NotionError, NotionPaused
from bidboard.models import Stage

logger = logging.getLogger(__name__)


@dataclass
class JobOutcome:
    job_key: str
    title: str
    score: int
    verdict: str
    stage: str
    url: str | None
    created: bool
    note: str = ""
    reasons: str = ""  # the score's reasons, as on the card


@dataclass
class BatchReport:
    outcomes: list[JobOutcome] = field(default_factory=list)
    duplicates: int = 0
    #: Jobs not written because Notion refused for now (block limit, a long workspace rate
    #: limit): their alerts stay in their sources and go on the board on a later run.
    waiting: list[str] = field(default_factory=list)
    stopped: str = ""  # why, and what to do
    #: job key -> why its card could not be written (the other cards were)
    failed: dict[str, str] = field(default_factory=dict)

    def count(self, stage: Stage) -> int:
        return sum(1 for o in self.outcomes if o.created and o.stage == stage.value)


class CardFailures:
    """Which errors are one card's alone. A value Notion cannot store (:class:`CardError`, a
    ``ValueError`` from encoding) always is. Notion refusing one request (400 validation, 413 too
    large) is, unless it happens again to the next card too: then it is the board (a renamed or
    deleted property) and would fail every card, so the run stops and the sources keep every
    alert for the next run, as they do when Notion is down or the token is refused."""

    REPEATS = 2

    def __init__(self) -> None:
        self.notion_in_a_row = 0

    def reason(self, error: Exception) -> str | None:
        """Why this card failed, or None when the run must stop (re-raise)."""
        if isinstance(error, CardError | ValueError):  # ValueError: CodecError, UnicodeError
            return str(error)
        if isinstance(error, NotionError) and error.status in (400, 413):
            self.notion_in_a_row += 1
            return str(error) if self.notion_in_a_row < self.REPEATS else None
        return None

    def landed(self) -> None:
        self.notion_in_a_row = 0


def stopped_for_now(
    alerts: list[JobAlert], report: BatchReport, paused: NotionPaused
) -> BatchReport:
    """Notion refused for now (:class:`NotionPaused`: the block limit, a long workspace rate
    limit): the batch stops with one error line; the jobs not written are ``waiting`` (their
    alerts stay in their sources for a later run)."""
    seen = {o.job_key for o in report.outcomes}
    report.waiting = list(dict.fromkeys(a.job_key for a in alerts if a.job_key not in seen))
    report.stopped = str(paused)
    logger.error("ingest stopped, %d jobs wait for a later run: %s", len(report.waiting), paused)
    return report
