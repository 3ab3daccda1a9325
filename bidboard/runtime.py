"""What a flow run holds open: the Notion adapter, the workspace, the gateway, the local state."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from notion_schema.workspace import Workspace

from .alerts.store import StateStore
from .errors import LeaseBusy
from .factory import notion_from_settings, workspace_from_settings
from .gateway import BoardGateway
from .lease import write_lease
from .notion import Notion
from .pipeline import BatchReport, PipelineConfig
from .redact import settings_secrets
from .settings import Settings

if TYPE_CHECKING:
    from .ingest import IngestResult

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
        from .ingest import pipeline_config

        config = pipeline_config(self.settings, self.notion, self.workspace)
        self.resources.callback(config.close)
        return config

    def ingest(self) -> IngestResult:
        """One ingest run over every configured source, holding the workspace's write lease;
        the sources are closed after it (IMAP logs out, feeds close their clients). When another
        process holds the lease past ``BIDBOARD_WRITE_LEASE_WAIT``, the run reads nothing and
        says so (``result.busy``): the next run reads what is waiting."""
        from .alerts.config import sources_from_settings
        from .ingest import IngestResult, run_ingest

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


def batch_table(batch: BatchReport) -> list[dict[str, object]]:
    """One row per job, for a Prefect table artifact."""
    return [
        {
            "job": o.title[:80],
            "job_key": o.job_key,
            "score": o.score,
            "verdict": o.verdict,
            "stage": o.stage,
            "card": o.url or "",
            "note": o.note,
        }
        for o in batch.outcomes
    ]


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
