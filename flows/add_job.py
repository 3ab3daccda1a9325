"""``add_job``: a job pasted by hand in the Prefect UI (its URL and the text of the post).

The Custom run form is built from the parameters below: the ``Args:`` of the flow's docstring
are its help texts (Prefect reads those, not ``Field`` descriptions, but it keeps a ``Field``'s
``json_schema_extra``: ``saved_search`` is a choice of the configured saved searches, read when
this module is imported, by ``bidboard serve`` or by ``prefect deploy``). A run that puts no job
on the board ends ``Failed`` (named "Not added" or "Already on the board") with the reason, and
the card's link when the job is already there, in its message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed
from pydantic import Field

from bidboard.alerts.alert import JobAlert, ParseOutcome
from bidboard.alerts.manual import parse_pasted_job
from bidboard.batch import BatchReport, JobOutcome
from bidboard.drafting.questions import parse_question_lines, with_questions
from bidboard.errors import BidboardError
from bidboard.notify import NotifyReport, notify_strong_matches
from bidboard.runtime import Runtime, opened
from bidboard.runtime import saved_search_choices as choices
from bidboard.settings import Settings, load_settings
from bidboard.summaries import job_summary

#: ``saved_search``'s value for "score against every saved search" (the form's default)
EVERY_SEARCH = "(every saved search: the best match)"


def saved_search_choices() -> list[str]:
    """The form's choices for ``saved_search`` from the configured searches file; only the
    default when the settings or the file cannot be read (a run then says why)."""
    try:
        return choices(load_settings(), EVERY_SEARCH)
    except (BidboardError, OSError):
        return [EVERY_SEARCH]


@task(name="parse pasted job", persist_result=False, cache_policy=NO_CACHE)
def parse_job(url: str, text: str, saved_search: str | None, questions: str) -> ParseOutcome:
    """The pasted post as a job, with its screening questions (pure)."""
    outcome = parse_pasted_job(url, text, datetime.now(UTC), saved_search=saved_search)
    asked = parse_question_lines(questions)
    outcome.alerts = [with_questions(alert, asked) for alert in outcome.alerts]
    for warning in outcome.warnings:
        get_run_logger().warning("pasted job: %s", warning)
    return outcome


@task(name="score, draft and write the card", persist_result=False, cache_policy=NO_CACHE)
def put_on_board(alerts: list[JobAlert], runtime: Runtime, settings: Settings) -> BatchReport:
    """Dedupe, score, draft when shortlisted, one card (not retried: a create is not)."""
    return runtime.put_on_board(alerts, "add_job")


@task(name="notify", persist_result=False, cache_policy=NO_CACHE)
def notify(outcomes: list[JobOutcome], settings: Settings) -> NotifyReport:
    """The agency told when it is a strong match (not retried: it would tell twice)."""
    return notify_strong_matches(outcomes, settings)


@flow(name="add_job")
def add_job(
    url: str,
    text: str,
    saved_search: Annotated[
        str, Field(json_schema_extra={"enum": saved_search_choices()})
    ] = EVERY_SEARCH,
    screening_questions: str = "",
) -> Any:
    """Put one job pasted from Upwork on the board: scored against the saved searches and the
    portfolio, drafted when it is shortlisted, with an answer to each screening question.

    Args:
        url: The job's Upwork link, e.g. https://www.upwork.com/jobs/~01abc… (bidboard reads
            the job key from it and never opens it).
        text: The job post as you copied it, several lines: the title on the first line, then
            what Upwork shows (Hourly: $40-$60, Skills: Python | FastAPI, a client line such as
            "Client: Payment method verified, 4.9 rating, $12K spent, United Kingdom") and the
            description. The box grows as you paste (in the V1 UI, drag its corner).
        saved_search: The saved search the job came from, written on the card; left as it is,
            the best matching search is. The job is scored against every saved search either
            way.
        screening_questions: The client's screening questions, one a line; each gets a drafted
            answer on the card (questions found in the pasted post are added).
    """
    logger = get_run_logger()
    settings = load_settings()
    search = None if saved_search in ("", EVERY_SEARCH) else saved_search
    outcome = parse_job(url, text, search, screening_questions)
    with opened(settings) as runtime:
        if not outcome.alerts:
            item = outcome.quarantined[0]
            runtime.store.quarantine("manual", item.source_ref, item.reason, url)
            create_markdown_artifact(
                f"# Job not added\n\nNot a job post: {item.reason}\n",
                key="add-job",
                description="Why the pasted job was not put on the board",
            )
            logger.warning("job not added reason=%s", item.reason)
            return Failed(name="Not added", message=f"Job not added: {item.reason}")
        batch = put_on_board(outcome.alerts, runtime, settings)
    if not batch.outcomes:  # the card could not be written (the reason is the card's)
        reason = batch.stopped or next(iter(batch.failed.values()), "the card could not be written")
        return Failed(name="Not added", message=f"Job not added: {reason}")
    job = batch.outcomes[0]
    notified = notify(batch.outcomes, settings)
    create_markdown_artifact(
        job_summary(job) + notified.summary(),
        key="add-job",
        description="The pasted job: score, verdict, reasons, stage and card",
    )
    if job.url:
        create_link_artifact(
            job.url,
            link_text=job.title,
            key="add-job-card",
            description="The job's card on the board",
        )
    if not job.created:
        logger.warning("job already on the board job_key=%s card=%s", job.job_key, job.url)
        return Failed(
            name="Already on the board",
            message=f"Job not added: it is already on the board ({job.stage or 'no stage'}): "
            f"{job.url or job.job_key}",
        )
    logger.info("job added job_key=%s stage=%s score=%s", job.job_key, job.stage, job.score)
    return {
        "status": "created",
        "job_key": job.job_key,
        "score": job.score,
        "verdict": job.verdict,
        "stage": job.stage,
        "card": job.url or "",
    }
