"""Template drafting time per job, and the compliance linter's results on its own corpus.

How: every distinct job in tests/fixtures/alerts is scored against the example searches and
the sample portfolio, then drafted with the template drafter and linted, repeated to 2,000
drafts (unique job keys, each linted against the fingerprints of the 50 drafts before it, as
the pipeline does). Since 19 jobs repeat, most drafts nearly repeat one made shortly before:
the linter flags those NEAR_DUPLICATE, as it must. The linter corpus is tests/lint_corpus.py:
drafts that must be flagged (with their expected code) and drafts that must pass, plus job
posts with hidden instructions. Prints ``name=value`` lines.

    python -m bench.drafting [--drafts 2000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bidboard.alerts.files import parse_file
from bidboard.drafting.compose import draft_job
from bidboard.drafting.lint import LintContext, lint_draft
from bidboard.drafting.model import DraftRequest
from bidboard.drafting.template import TemplateDrafter, load_snippets
from bidboard.scoring.portfolio import SAMPLE_PATH, load_portfolio_file
from bidboard.scoring.score import Portfolio, score_job
from bidboard.scoring.searches import EXAMPLE_PATH, load_searches
from tests.lint_corpus import CASES, INJECTIONS, PAD

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "alerts"


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=2000)
    args = parser.parse_args()
    linter_figures()
    items = load_portfolio_file(SAMPLE_PATH)
    by_id = {i.page_id: i for i in items}
    portfolio, searches = Portfolio.build(items), load_searches(EXAMPLE_PATH)
    template = TemplateDrafter(load_snippets())
    jobs = {a.job_key: a for p in sorted(FIXTURES.iterdir()) for a in parse_file(p).alerts}
    base = list(jobs.values())
    recent: list[str] = []
    flagged = 0
    started = time.perf_counter()
    for i in range(args.drafts):
        job = base[i % len(base)].model_copy(update={"job_key": f"~01{i:016x}"})
        score = score_job(job, searches, portfolio)
        request = DraftRequest(
            job=job, score=score, portfolio=[by_id[m.page_id] for m in score.portfolio_matches]
        )
        result = draft_job(
            request,
            template,
            template,
            LintContext(job_text=job.description or "", recent_fingerprints=recent[-50:]),
        )
        recent.append(result.report.fingerprint)
        flagged += not result.report.ok
    seconds = time.perf_counter() - started
    print(f"template_drafts={args.drafts} distinct_jobs={len(base)}")
    print(f"ms_per_draft_with_scoring_and_lint={seconds / args.drafts * 1000:.2f}")
    print(f"drafts_flagged_near_duplicate_of_recent={flagged}")


if __name__ == "__main__":
    main()
