"""``bidboard score PATH... [--json]``: score alert files against the saved searches and the
portfolio, for tuning. No side effects."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bidboard.errors import ConfigError
from bidboard.inbox.files import parse_file
from bidboard.loaders import load_portfolio_file, load_searches
from bidboard.notion.portfolio import cache_path
from bidboard.scoring.portfolio import SAMPLE_PATH
from bidboard.scoring.score import Portfolio, score_job
from bidboard.scoring.searches import EXAMPLE_PATH
from bidboard.settings import Settings


def run_score(settings: Settings, paths: list[Path], as_json: bool) -> int:
    searches_path = settings.searches_file or EXAMPLE_PATH
    if settings.searches_file is None:
        print(
            f"note: BIDBOARD_SEARCHES_FILE is not set; using the example {EXAMPLE_PATH}",
            file=sys.stderr,
        )
    searches = load_searches(searches_path)
    cached = cache_path(settings.data_dir)
    portfolio_path = cached if cached.exists() else SAMPLE_PATH
    if portfolio_path == SAMPLE_PATH:
        print(f"note: no portfolio cache in {cached}; using the sample portfolio", file=sys.stderr)
    portfolio = Portfolio.build(load_portfolio_file(portfolio_path))
    results = []
    for path in paths:
        if not path.is_file():
            raise ConfigError(f"{path}: no such file")
        for alert in parse_file(path).alerts:
            results.append((alert, score_job(alert, searches, portfolio)))
    results.sort(key=lambda item: -item[1].score)
    if as_json:
        print(
            json.dumps(
                [{"job_key": a.job_key, "title": a.title, **s.model_dump()} for a, s in results],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    for alert, score in results:
        print(
            f"{score.score:>3}  {score.verdict:<9} {alert.job_key}  {alert.title[:60]}"
            f"  [{score.saved_search or '-'}]"
        )
        for reason in score.reasons:
            print(f"       {reason}")
    counts = {
        v: sum(1 for _, s in results if s.verdict == v) for v in ("shortlist", "review", "skip")
    }
    print(
        f"{len(results)} jobs: {counts['shortlist']} shortlist, {counts['review']} review, "
        f"{counts['skip']} skip"
    )
    return 0
