"""Drafting what the daily cap held back: the ``draft_pending`` flow's core."""

from __future__ import annotations

import logging

from bidboard.alerts.alert import JobAlert
from bidboard.batch import BatchReport, CardFailures, JobOutcome
from bidboard.board import Board, CardRef
from bidboard.errors import BidboardError, HumanStageError, NotionPaused
from bidboard.models import Stage
from bidboard.pipeline import PipelineConfig, draft_one, recent_drafts, select_for_drafting
from bidboard.scoring.score import score_job

logger = logging.getLogger(__name__)


def draft_held_back(
    pending: list[tuple[JobAlert, str]], gateway: Board, config: PipelineConfig
) -> tuple[BatchReport, list[str]]:
    """Draft the jobs the daily cap left ``New``, highest scores first, within today's cap.

    Returns the report and the job keys that need no more waiting: drafted, or gone from the
    board, or moved by a person. The content is written before the stage (and replaces what
    is there), so a run cut in between leaves a ``New`` card that the next run drafts again.
    """
    report, finished = BatchReport(), list[str]()
    if not pending:
        return report, finished
    refs = gateway.find_cards(job.job_key for job, _ in pending)
    waiting: list[tuple[JobAlert, CardRef]] = []
    for job, page_id in pending:
        ref = refs.get(job.job_key)
        if (
            ref is None
            or ref.page_id != page_id
            or not ref.machine_owned
            or ref.stage_name not in (None, Stage.NEW.value)
        ):
            finished.append(job.job_key)  # gone, or a person has it now: nothing to draft
            continue
        waiting.append((job, ref))
    if not waiting:  # nothing left to draft: no need to read today's drafts
        return report, finished
    portfolio = config.portfolio.prepare(job for job, _ in waiting)  # embedded once, if at all
    candidates = [(job, ref, score_job(job, config.searches, portfolio)) for job, ref in waiting]
    fingerprints, drafted_today = recent_drafts(gateway, config)
    failures = CardFailures()
    to_draft, _ = select_for_drafting(
        [(j.job_key, s.score) for j, _, s in candidates], config.daily_cap, drafted_today
    )
    for job, ref, score in sorted(candidates, key=lambda c: -c[2].score):
        if job.job_key not in to_draft:
            continue
        values, content, note = draft_one(job, score, config, fingerprints)
        try:  # drafting takes time: the gateway reads the stage again before each write
            gateway.replace_content(ref, content)
            gateway.update_card(ref, values)
        except NotionPaused as paused:  # the job stays pending for a later run
            report.stopped = str(paused)
            logger.error("drafting held-back jobs stopped: %s", paused)
            break
        except HumanStageError as moved:  # a person has the card now: theirs, as it is
            logger.info("held-back card not drafted job_key=%s reason=%s", job.job_key, moved)
            finished.append(job.job_key)
            continue
        except (BidboardError, ValueError) as error:  # this card alone: the others go on
            reason = failures.reason(error)
            if reason is None:
                raise
            logger.warning("held-back card not drafted job_key=%s reason=%s", job.job_key, reason)
            report.failed[job.job_key] = reason
            finished.append(job.job_key)
            continue
        failures.landed()
        finished.append(job.job_key)
        report.outcomes.append(
            JobOutcome(
                job.job_key,
                job.title,
                score.score,
                score.verdict,
                values["stage"].value,
                ref.url,
                created=False,
                note=note or "drafted after being held back",
            )
        )
    return report, finished
