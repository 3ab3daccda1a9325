"""Drafting one job, with the repair path.

1. The configured drafter writes a draft (OpenAI when a key is set, else the template). The
   template drafter is given the fingerprints of recent drafts and picks a variant far from
   all of them.
2. The linter checks it. With findings (errors, or a GENERIC or LENGTH warning), the OpenAI
   drafter writes it once more with the findings fed back, each with where it is and what to
   change; the template drafter has no second try.
3. Still flagged: the card goes to ``Needs attention`` with the findings on it.
4. OpenAI failing (timeout, 429, 5xx, refusal, invalid output: :data:`FALLS_BACK`) falls
   back to the template drafter, and the card says so. Anything else propagates: an egress
   refusal is the red line holding, never an outage to draft around.

Drafters are anything with the :class:`~bidboard.drafting.draft.Drafter` protocol; this module
does not know the OpenAI adapter.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bidboard.drafting.draft import Draft, Drafter, DraftRequest
from bidboard.drafting.lint import LintContext, Report, lint_draft
from bidboard.drafting.template import TemplateDrafter
from bidboard.errors import DraftingError, OpenAIFailed
from bidboard.models import Stage

logger = logging.getLogger(__name__)

#: the failures a draft falls back to the template from; anything else (an egress refusal, a
#: bug) reaches the caller
FALLS_BACK = (DraftingError, OpenAIFailed)


@dataclass
class DraftResult:
    draft: Draft
    report: Report
    stage: Stage
    attempts: int

    @property
    def findings_text(self) -> str:
        return self.report.summary(self.draft.text)


def draft_job(
    request: DraftRequest,
    drafter: Drafter,
    template: TemplateDrafter,
    context: LintContext,
) -> DraftResult:
    attempts = 0
    draft: Draft | None = None
    report: Report | None = None
    note = ""
    if not context.job_title:
        context = context.model_copy(update={"job_title": request.job.title})
    recent = context.recent_fingerprints + [r.fingerprint for r in context.recent]
    try:
        attempts += 1
        draft = drafter.draft(request, avoid=recent)
        report = lint_draft(draft.text, context)
        if report.findings:
            attempts += 1  # a second try that fails counts too
            revised = drafter.revise(request, report.findings, draft.text)
            if revised is None:  # no second try (the template drafter)
                attempts -= 1
            else:
                draft, report = revised, None
    except FALLS_BACK as error:
        logger.warning(
            "OpenAI drafting failed, using the template job_key=%s error=%s",
            request.job.job_key,
            error,
            exc_info=True,
        )
        note = f"OpenAI failed ({error}); drafted from templates instead"
        draft = report = None
    if draft is None:
        attempts += 1
        draft = template.draft(request, avoid=recent)
        if note:
            draft = draft.model_copy(update={"note": note})
    if report is None:
        report = lint_draft(draft.text, context)
    stage = Stage.DRAFTED if report.ok else Stage.NEEDS_ATTENTION
    return DraftResult(draft, report, stage, attempts)
