"""``bidboard draft PATH... [--json] [--questions FILE]``: the drafts bidboard would write for
alert files, with their answers and compliance findings. Offline and writing nothing: Notion is
not read (the sample snippet library; the portfolio cache when there is one, else the sample
portfolio; TF-IDF fit), nothing is stored. The drafter is the one the pipeline uses as
configured (OpenAI when a key is set, falling back to the template), and so is the linter; each
draft is compared with the drafts before it in the run, as the pipeline compares it with the
board's recent drafts."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bidboard.alerts.alert import JobAlert
from bidboard.drafting.compose import draft_job
from bidboard.drafting.draft import DraftRequest
from bidboard.drafting.lint import LintContext, RecentDraft, words
from bidboard.drafting.questions import parse_question_lines, with_questions
from bidboard.drafting.template import TemplateDrafter
from bidboard.errors import ConfigError
from bidboard.inbox.files import parse_file
from bidboard.loaders import load_portfolio_file, load_searches, load_snippets
from bidboard.notion.portfolio import cache_path
from bidboard.runtime import configured_drafter
from bidboard.scoring.portfolio import SAMPLE_PATH
from bidboard.scoring.score import Portfolio, score_job
from bidboard.scoring.searches import EXAMPLE_PATH
from bidboard.settings import Settings


def _jobs(paths: list[Path], questions: list[str]) -> list[JobAlert]:
    jobs: dict[str, JobAlert] = {}
    for path in paths:
        if not path.is_file():
            raise ConfigError(f"{path}: no such file")
        for alert in parse_file(path).alerts:
            jobs.setdefault(alert.job_key, with_questions(alert, questions))
    return list(jobs.values())


def run_draft(
    settings: Settings, paths: list[Path], as_json: bool, questions_file: Path | None = None
) -> int:
    try:
        asked = parse_question_lines(questions_file.read_text()) if questions_file else []
    except OSError as error:
        raise ConfigError(f"{error.filename}: {error.strerror}") from None
    cached = cache_path(settings.data_dir)
    items = load_portfolio_file(cached if cached.exists() else SAMPLE_PATH)
    by_id = {item.page_id: item for item in items}
    portfolio = Portfolio.build(items)
    searches = load_searches(settings.searches_file or EXAMPLE_PATH)
    template = TemplateDrafter(load_snippets())
    results: list[dict[str, Any]] = []
    recent: list[RecentDraft] = []
    with ExitStack() as resources:
        drafter = configured_drafter(settings, template, resources)
        for job in _jobs(paths, asked):
            score = score_job(job, searches, portfolio)
            request = DraftRequest(
                job=job,
                score=score,
                portfolio=[by_id[m.page_id] for m in score.portfolio_matches if m.page_id in by_id],
                voice=settings.agency_voice,
                signature=settings.agency_signature,
            )
            context = LintContext(
                job_text=job.description or "",
                job_title=job.title,
                recent=list(recent),
                portfolio_hosts=list(settings.portfolio_hosts),
            )
            result = draft_job(request, drafter, template, context)
            card = f"\u201c{job.title}\u201d ({job.job_key})"
            recent.append(RecentDraft(fingerprint=result.report.fingerprint, card=card))
            text = result.draft.text
            results.append(
                {
                    "job_key": job.job_key,
                    "title": job.title,
                    "draft": text,
                    "answers": [a.model_dump() for a in result.draft.answers],
                    "findings": [
                        {"code": f.code, "message": f.describe(text)}
                        for f in result.report.findings
                    ],
                    "drafted_by": result.draft.drafted_by,
                    "words": len(words(text)),
                    "note": result.draft.note,
                }
            )
    if as_json:
        for item in results:
            item.pop("note")
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    for item in results:
        print(f"== {item['job_key']}  {item['title'][:70]}")
        print(f"   {item['words']} words, drafted by {item['drafted_by']}")
        if item["note"]:
            print(f"   note: {item['note']}")
        print()
        print(item["draft"])
        for n, answer in enumerate(item["answers"], 1):
            print(f"\nQ{n}. {answer['question']}\nA{n}. {answer['answer']}")
        print()
        for finding in item["findings"]:
            print(f"   {finding['code']}: {finding['message']}")
        print()
    flagged = sum(1 for r in results if r["findings"])
    print(f"{len(results)} drafts, {flagged} with findings", file=sys.stderr)
    return 0
