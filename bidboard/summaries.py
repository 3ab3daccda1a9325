"""What a run tells people in the Prefect UI: the table of jobs and the markdown summaries of an
ingest run and of an added job (the flows publish them as artifacts)."""

from __future__ import annotations

from bidboard.batch import BatchReport, JobOutcome


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
