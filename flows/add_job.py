"""``add_job``: a job pasted by hand in the Prefect UI (its URL and the text of the post)."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_link_artifact, create_markdown_artifact

from bidboard.alerts.manual import parse_pasted_job
from bidboard.drafting.questions import parse_question_lines, with_questions
from bidboard.lease import write_lease
from bidboard.notify import notify_strong_matches
from bidboard.pipeline import process_alerts
from bidboard.runtime import batch_summary, opened
from bidboard.settings import load_settings


@flow(name="add_job")
def add_job(
    url: str, text: str, saved_search: str | None = None, screening_questions: str = ""
) -> dict[str, str]:
    """Put one job on the board: scored, drafted when it is shortlisted. Screening questions
    (one a line, and those found in the pasted text) get a drafted answer each."""
    logger = get_run_logger()
    settings = load_settings()
    outcome = parse_pasted_job(url, text, saved_search=saved_search)
    asked = parse_question_lines(screening_questions)
    outcome.alerts = [with_questions(alert, asked) for alert in outcome.alerts]
    with opened(settings) as runtime:
        if not outcome.alerts:
            reason = outcome.quarantined[0].reason
            runtime.store.quarantine("manual", outcome.quarantined[0].source_ref, reason, url)
            create_markdown_artifact(f"# Job not added\n\n{reason}\n", key="add-job")
            logger.warning("job not added reason=%s", reason)
            return {"status": "quarantined", "reason": reason}
        config = runtime.pipeline()
        with write_lease(settings, "add_job"):
            batch = process_alerts(outcome.alerts, runtime.gateway, config)
    job = batch.outcomes[0]
    notified = notify_strong_matches(batch.outcomes, settings)
    create_markdown_artifact(
        batch_summary("Job added", batch, [], 1) + notified.summary(), key="add-job"
    )
    if job.url:
        create_link_artifact(job.url, link_text=job.title, key="add-job-card")
    logger.info("job added job_key=%s stage=%s created=%s", job.job_key, job.stage, job.created)
    return {
        "status": "created" if job.created else "already on the board",
        "job_key": job.job_key,
        "stage": job.stage,
        "card": job.url or "",
    }
