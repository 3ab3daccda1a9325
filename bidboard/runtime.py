"""What a flow run holds open: the Notion adapter, the workspace, the gateway, the local state."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bidboard.errors import LeaseBusy
from bidboard.factory import notion_from_settings, workspace_from_settings
from bidboard.lease import write_lease
from bidboard.notion.client import Notion
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.workspace import Workspace
from bidboard.pipeline import BatchReport, JobOutcome, PipelineConfig
from bidboard.redact import settings_secrets
from bidboard.settings import Settings
from bidboard.state import StateStore

if TYPE_CHECKING:
    from bidboard.alerts.alert import JobAlert
    from bidboard.ingest import IngestResult

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    notion: Notion
    workspace: Workspace
    gateway: BoardGateway
    store: StateStore
    resources: ExitStack = field(default_factory=ExitStack)

    def pipeline(self) -> PipelineConfig:
        """The run's pipeline config, closed (its OpenAI clients too) with the runtime."""
        from bidboard.ingest import pipeline_config

        config = pipeline_config(self.settings, self.notion, self.workspace)
        self.resources.callback(config.close)
        return config

    def put_on_board(self, alerts: list[JobAlert], role: str) -> BatchReport:
        """The one way jobs that did not come through :meth:`ingest` (a job pasted by hand)
        reach the board: under the write lease, with the run's pipeline config, and every job the
        daily cap holds back remembered for ``draft_pending``."""
        from bidboard.ingest import held_by
        from bidboard.pipeline import process_alerts

        with write_lease(self.settings, role):
            return process_alerts(alerts, self.gateway, self.pipeline(), held_by(self.store))

    def ingest(self) -> IngestResult:
        """One ingest run over every configured source, holding the workspace's write lease;
        the sources are closed after it (IMAP logs out, feeds close their clients). When another
        process holds the lease past ``BIDBOARD_WRITE_LEASE_WAIT``, the run reads nothing and
        says so (``result.busy``): the next run reads what is waiting."""
        from bidboard.alerts.config import sources_from_settings
        from bidboard.ingest import IngestResult, run_ingest

        sources = sources_from_settings(self.settings, self.store)
        try:  # the pipeline config (two reads of Notion) only if an alert arrived
            with write_lease(self.settings, "ingest"):  # a skipped run reads nothing at all
                return run_ingest(sources, self.gateway, self.pipeline, self.store)
        except LeaseBusy as busy:
            logger.warning("ingest skipped, nothing read or written reason=%s", busy)
            return IngestResult(batch=BatchReport(), busy=str(busy))
        finally:
            for source in sources:
                source.close()


@contextmanager
def opened(settings: Settings) -> Iterator[Runtime]:
    settings_secrets(settings)  # known to the log filter from now on (bidboard.redact)
    workspace = workspace_from_settings(settings)
    notion = notion_from_settings(settings)
    store = StateStore.in_data_dir(settings.data_dir)
    runtime = Runtime(settings, notion, workspace, BoardGateway(notion, workspace), store)
    try:
        yield runtime
    finally:
        runtime.resources.close()
        store.close()
        notion.close()


def _one_line(text: str) -> str:
    """Reasons as one table cell: one a line on the card, ``; `` between them here."""
    return "; ".join(part.strip() for part in text.splitlines() if part.strip())


def batch_table(batch: BatchReport) -> list[dict[str, object]]:
    """One row per job, for a Prefect table artifact: new cards and the jobs already on the
    board (with the card they are on), each with its score, verdict and reasons; notes whole."""
    return [
        {
            "job": o.title,
            "score": o.score,
            "verdict": o.verdict or "(not scored)",
            "stage": o.stage,
            "new card": "yes" if o.created else "no",
            "note": o.note,
            "card": o.url or "",
            "reasons": _one_line(o.reasons),  # the longest cell last: the others stay in view
            "job_key": o.job_key,
        }
        for o in batch.outcomes
    ]


def job_summary(job: JobOutcome) -> str:
    """A markdown summary of one job (the add-job run's): score, verdict, reasons, stage and
    the card's link."""
    card = f"[{job.title}]({job.url})" if job.url else "(no link)"
    lines = [
        f"# {'Job added' if job.created else 'Already on the board'}: {job.title}",
        "",
        f"- score: **{job.score}** ({job.verdict or 'not scored'})",
        f"- stage: {job.stage or '(none)'}",
        f"- card: {card}",
        f"- job key: `{job.job_key}`",
    ]
    if job.note:
        lines.append(f"- note: {job.note}")
    reasons = [r.strip() for r in job.reasons.splitlines() if r.strip()]
    if reasons:
        lines += ["", "## Why this score", ""]
        lines += [f"- {reason}" for reason in reasons]
    return "\n".join(lines) + "\n"


def batch_summary(
    title: str,
    batch: BatchReport,
    quarantined: list[tuple[str, str]],
    read: int,
    source_errors: list[tuple[str, str]] | None = None,
) -> str:
    """A markdown summary of a run, for a Prefect markdown artifact."""
    created = [o for o in batch.outcomes if o.created]
    stages: dict[str, int] = {}
    for outcome in created:
        stages[outcome.stage] = stages.get(outcome.stage, 0) + 1
    lines = [
        f"# {title}",
        "",
        f"- alerts read: {read}",
        f"- new cards: {len(created)}",
        f"- already on the board: {batch.duplicates}",
        f"- quarantined: {len(quarantined)}",
    ]
    if source_errors:
        lines.append(f"- sources that failed (the others were read): {len(source_errors)}")
    lines += [f"- {stage}: {count}" for stage, count in sorted(stages.items())]
    if batch.stopped:
        lines += [
            "",
            f"**Stopped, {len(batch.waiting)} jobs wait for a later run:** {batch.stopped}",
        ]
    flagged = [o for o in created if o.stage == "Needs attention"]
    if flagged:
        lines += ["", "## Drafts flagged by the compliance linter", ""]
        lines += [f"- [{o.title}]({o.url})" for o in flagged]
    if source_errors:
        lines += ["", "## Sources that failed", "", "| source | error |", "| --- | --- |"]
        lines += [f"| `{name}` | {error[:300]} |" for name, error in source_errors]
    if quarantined:
        lines += ["", "## Quarantined", "", "| source | reason |", "| --- | --- |"]
        lines += [f"| `{ref}` | {reason} |" for ref, reason in quarantined]
    return "\n".join(lines) + "\n"
