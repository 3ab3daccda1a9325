"""Time per draft (template; OpenAI through the real SDK against a local OpenAI-compatible
server), and the compliance linter's results on its own corpus.

How:

* **template**: every distinct job in the real feeds of ``../shared/alerts/real/`` (121 posts;
  falling back to tests/fixtures/alerts when they are absent) is scored against the example
  searches and the sample portfolio, drafted with the template drafter and linted, each against
  the fingerprints of the 50 drafts before it, as the pipeline does; the set is repeated to
  ``--drafts`` drafts with new job keys. A repeated post must not give a near-duplicate: the
  drafter picks another variant, and the count of drafts still flagged is printed.
* **openai**: ``--openai`` drafts through ``OpenAIDrafter`` and the openai SDK against a
  Starlette server on loopback that answers every chat completion at once with a structured
  draft (one answer per screening question): the figure is bidboard's own cost per OpenAI
  draft (prompt, SDK, HTTP on loopback, parsing, linting), not a model's latency.
* the linter corpus is tests/support/lint_corpus.py: drafts that must be flagged (with their
  expected code) and drafts that must pass, plus job posts with hidden instructions.

Prints ``name=value`` lines.

    python -m bench.drafting [--drafts 2000] [--openai 200]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bidboard.ai.client import build_openai_client
from bidboard.ai.drafter import OpenAIDrafter
from bidboard.alerts.alert import JobAlert
from bidboard.cli.localserver import BackgroundServer
from bidboard.drafting.compose import draft_job
from bidboard.drafting.draft import DraftRequest
from bidboard.drafting.lint import LintContext, lint_draft, words
from bidboard.drafting.questions import with_questions
from bidboard.drafting.template import TemplateDrafter
from bidboard.inbox.files import parse_file
from bidboard.loaders import load_portfolio_file, load_searches, load_snippets
from bidboard.scoring.portfolio import SAMPLE_PATH
from bidboard.scoring.score import Portfolio, score_job
from bidboard.scoring.searches import EXAMPLE_PATH
from bidboard.settings import Settings
from tests.support.lint_corpus import CASES, INJECTIONS, PAD

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "alerts" / "real"
FIXTURES = ROOT / "tests" / "fixtures" / "alerts"
QUESTIONS = ["Describe your recent experience with similar projects", "Can you start this week?"]


def linter_figures() -> None:
    caught = missed = false_alarms = flagged = clean = 0
    for text, expected in CASES:
        got = {f.code for f in lint_draft(text).errors()}
        if expected:
            flagged += 1
            caught += bool(got & expected)
            missed += not (got & expected)
        else:
            clean += 1
        false_alarms += bool(got - expected)
    echoes = sum(
        "INJECTION_ECHO"
        in {
            f.code
            for f in lint_draft(f"{phrase}. I can help." + PAD, LintContext(job_text=post)).errors()
        }
        for post, phrase in INJECTIONS
    )
    print(f"linter_cases={len(CASES)} must_flag={flagged} must_pass={clean}")
    print(f"linter_caught={caught} linter_missed={missed} linter_false_alarms={false_alarms}")
    print(f"injection_posts={len(INJECTIONS)} injection_echoes_caught={echoes}")


def jobs() -> tuple[str, list[JobAlert]]:
    files = (
        sorted(p for p in REAL.rglob("*") if p.suffix in (".xml", ".rss")) if REAL.is_dir() else []
    )
    source = "real_feeds" if files else "fixtures"
    found: dict[str, JobAlert] = {}
    for path in files or sorted(FIXTURES.iterdir()):
        for alert in parse_file(path).alerts:
            found.setdefault(alert.job_key, alert)
    return source, list(found.values())


def requests(base: list[JobAlert], count: int, questions: list[str]) -> list[DraftRequest]:
    items = load_portfolio_file(SAMPLE_PATH)
    by_id = {i.page_id: i for i in items}
    portfolio, searches = Portfolio.build(items), load_searches(EXAMPLE_PATH)
    out = []
    for i in range(count):
        job = base[i % len(base)].model_copy(update={"job_key": f"~01{i:016x}"})
        job = with_questions(job, questions)
        score = score_job(job, searches, portfolio)
        out.append(
            DraftRequest(
                job=job, score=score, portfolio=[by_id[m.page_id] for m in score.portfolio_matches]
            )
        )
    return out


def run(
    requests_: list[DraftRequest], drafter: Any, template: TemplateDrafter, window: int = 50
) -> dict[str, Any]:
    recent: list[str] = []
    flagged = findings = total_words = attempts = 0
    started = time.perf_counter()
    for request in requests_:
        job = request.job
        context = LintContext(
            job_text=job.description or "",
            job_title=job.title,
            recent_fingerprints=recent[-window:] if window else [],
        )
        result = draft_job(request, drafter, template, context)
        recent.append(result.report.fingerprint)
        flagged += any(f.code == "NEAR_DUPLICATE" for f in result.report.findings)
        findings += bool(result.report.findings)
        total_words += len(words(result.draft.text))
        attempts += result.attempts
    seconds = time.perf_counter() - started
    return {
        "ms": seconds / len(requests_) * 1000,
        "near": flagged,
        "findings": findings,
        "words": total_words / len(requests_),
        "attempts": attempts / len(requests_),
    }


def local_openai_app() -> Starlette:
    body_text = (
        "That logistics dashboard ran on FastAPI and PostgreSQL, and it cut manual reporting "
        "from 6 hours a week to none. " * 4
    )

    async def chat(request: Request) -> JSONResponse:
        body = await request.json()
        prompt = body["messages"][1]["content"]
        asked = re.findall(r"^\d+\. (.+)$", prompt.split("<screening_questions>")[1], re.M)
        draft = {
            "hook": "Your planners see yesterday's numbers; I rebuilt that import for a 3PL.",
            "body": body_text,
            "questions": ["Which carrier causes the most trouble today?"],
            "closing": "Share one day's scan emails in Upwork Messages and I will reply with "
            "the first milestone.",
            "answers": [
                {"question": q, "answer": f"On {q.lower()}: see the draft."} for q in asked
            ],
        }
        message = {"role": "assistant", "content": json.dumps(draft), "refusal": None}
        return JSONResponse(
            {
                "id": "chatcmpl-bench",
                "object": "chat.completion",
                "created": 1,
                "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 900, "completion_tokens": 350, "total_tokens": 1250},
            }
        )

    return Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=2000)
    parser.add_argument("--openai", type=int, default=200)
    args = parser.parse_args()
    linter_figures()
    template = TemplateDrafter(load_snippets())
    source, base = jobs()
    figures = run(requests(base, args.drafts, []), template, template)
    print(f"template_drafts={args.drafts} distinct_posts={len(base)} source={source}")
    print(f"template_ms_per_draft_with_lint={figures['ms']:.2f}")
    print(f"template_words_mean={figures['words']:.0f}")
    print(f"template_drafts_with_any_finding={figures['findings']}")
    print(f"template_drafts_near_duplicate_of_the_50_before={figures['near']}")
    with_questions_ = run(requests(base, min(args.drafts, 500), QUESTIONS), template, template)
    print(f"template_ms_per_draft_with_2_screening_answers={with_questions_['ms']:.2f}")
    if args.openai:
        with BackgroundServer(local_openai_app()) as server:
            settings = Settings(
                openai_api_key=SecretStr("sk-bench"),
                openai_base_url=f"{server.url}/v1",
                data_dir=ROOT / ".bidboard",
            )
            client = build_openai_client(settings, max_retries=0, timeout=10)
            try:
                drafter = OpenAIDrafter(client, "gpt-4o-mini")
                # the scripted answer is the same text every time: no near-duplicate window,
                # so each draft is one call
                openai = run(requests(base, args.openai, QUESTIONS), drafter, template, 0)
            finally:
                client.close()
        print(f"openai_drafts={args.openai} server=local_openai_compatible_loopback")
        print(f"openai_ms_per_draft_sdk_http_parse_and_lint={openai['ms']:.2f}")
        print(f"openai_calls_per_draft={openai['attempts']:.2f}")


if __name__ == "__main__":
    main()
