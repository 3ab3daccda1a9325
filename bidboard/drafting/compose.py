"""Drafting one job, with the repair path.

1. The configured drafter writes a draft (OpenAI when a key is set, else the template).
2. The linter checks it. With findings, the OpenAI drafter writes it once more with the
   findings fed back; the template drafter has no second try.
3. Still flagged: the card goes to ``Needs attention`` with the findings on it.
4. OpenAI failing (timeout, 429, 5xx, refusal, invalid output) falls back to the template
   drafter, and the card says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..errors import BidboardError
from ..models import Stage
from .lint import LintContext, Report, lint_draft
from .model import Draft, DraftRequest
from .openai_drafter import OpenAIDrafter
from .template import TemplateDrafter

logger = logging.getLogger(__name__)


@dataclass
class DraftResult:
    draft: Draft
    report: Report
    stage: Stage
    attempts: int

    @property
    def findings_text(self) -> str:
        return self.report.summary()


def draft_job(
    request: DraftRequest,
    drafter: OpenAIDrafter | TemplateDrafter,
    template: TemplateDrafter,
    context: LintContext,
) -> DraftResult:
    attempts = 0
    draft: Draft | None = None
    note = ""
    if isinstance(drafter, OpenAIDrafter):
        try:
            attempts += 1
            draft = drafter.draft(request)
            report = lint_draft(draft.text, context)
            if not report.ok:
                attempts += 1
                draft = drafter.draft(request, report.errors())
        except BidboardError as error:
            logger.warning(
                "OpenAI drafting failed, using the template job_key=%s error=%s",
                request.job.job_key,
                error,
            )
            note = f"OpenAI failed ({error}); drafted from templates instead"
            draft = None
    if draft is None:
        attempts += 1
        draft = template.draft(request)
        if note:
            draft = draft.model_copy(update={"note": note})
    report = lint_draft(draft.text, context)
    stage = Stage.DRAFTED if report.ok else Stage.NEEDS_ATTENTION
    return DraftResult(draft, report, stage, attempts)
