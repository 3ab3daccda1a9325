"""``bidboard insights [--json]`` and ``bidboard tune [--json] [--apply]`` over the board.

The board is read once, streamed (100 cards a request), with only the properties these use
(``filter_properties``), never a request per card. ``tune`` writes nothing unless ``--apply``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bidboard.insights import Insights, as_text, insights
from bidboard.loaders import load_searches
from bidboard.notion.history import history_cards
from bidboard.notion.metrics_pages import portfolio_names
from bidboard.runtime import opened
from bidboard.scoring.searches import EXAMPLE_PATH
from bidboard.settings import Settings
from bidboard.tune import TuneReport, apply, diff, tune, yaml_with_weights


def add_commands(commands: Any) -> None:
    """Register ``insights`` and ``tune`` on the ``bidboard`` parser's subcommands."""
    found = commands.add_parser(
        "insights", help="what gets replies: rates by group over the whole history"
    )
    found.add_argument("--json", action="store_true", help="print the groups as JSON")
    tuning = commands.add_parser(
        "tune", help="fit the score weights to the outcomes; propose a diff (no writes)"
    )
    tuning.add_argument("--json", action="store_true", help="print the report as JSON")
    tuning.add_argument(
        "--apply",
        action="store_true",
        help="write the proposed weights to the saved-searches YAML (keeps a backup)",
    )


def run_insights_command(settings: Settings, as_json: bool) -> int:
    with opened(settings) as runtime:
        names = portfolio_names(runtime.notion, runtime.workspace, settings.data_dir)
        report: Insights = insights(history_cards(runtime.gateway), portfolio_names=names)
    if as_json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        print(as_text(report), end="")
    return 0


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _num3(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def tune_text(report: TuneReport) -> str:
    lines = [
        f"{report.proposals} proposals, {report.replies} replied; daily cap {report.cap}.",
    ]
    if report.needs and report.before is None:
        lines.append(f"Not tuned: {report.needs}.")
    if report.before is not None and report.after is not None:
        lines += [
            f"Backtest: trained on the older {report.train} proposals, tested on the newer "
            f"{report.test} (split at a week's start).",
            f"  hand-set weights: precision at the cap {_pct(report.before.precision)} "
            f"({report.before.replies}/{report.before.chosen}), "
            f"{_num(report.before.per_100_connects)} replies per 100 Connects",
            f"  tuned weights:    precision at the cap {_pct(report.after.precision)} "
            f"({report.after.replies}/{report.after.chosen}), "
            f"{_num(report.after.per_100_connects)} replies per 100 Connects",
            f"  gain: p = {_num3(report.p_value)} (paired sign-flip test over the test days; "
            f"significant below {report.alpha:g})",
        ]
    if report.needs and report.before is not None:
        lines.append(f"Not proposed: {report.needs}.")
    if report.drafting is not None:
        points = ", ".join(f"{k} {v:+d}" for k, v in report.drafting.points().items())
        lines.append(
            f"Worth drafting (submitted {report.drafting.positives} vs skipped by a person "
            f"{report.drafting.negatives}): {points or 'no reason kind varies enough'}"
        )
    elif report.drafting_needs:
        lines.append(f"Worth drafting: not fitted, {report.drafting_needs}.")
    return "\n".join(lines) + "\n"


def run_tune_command(settings: Settings, as_json: bool, write: bool) -> int:
    """Fit, backtest, print the proposed diff; write the YAML (with a backup) only on --apply."""
    path = settings.searches_file or EXAMPLE_PATH
    load_searches(path)  # a broken file is said before the board is read
    with opened(settings) as runtime:
        report = tune(history_cards(runtime.gateway), cap=settings.daily_draft_cap)
    now = datetime.now(UTC)
    before = path.read_text()
    after = before
    if report.points:
        note = f"bidboard tune {now:%Y-%m-%d}: points per unit, from {report.proposals} proposals"
        after = yaml_with_weights(before, report.points, note)
    changes = diff(path, before, after)
    if as_json:
        print(json.dumps({**report.as_json(), "diff": changes}, indent=2, ensure_ascii=False))
    else:
        print(tune_text(report), end="")
        if changes:
            print(f"\nProposed change to {path}:\n{changes}", end="")
        elif report.points:
            print(f"\n{path} already holds these weights.")
    if not write:
        if changes and not as_json:
            print("\nNothing written: run `bidboard tune --apply` to write it (keeps a backup).")
        return 0
    if not changes:
        print("Nothing to apply.")
        return 0 if report.points else 1
    if settings.searches_file is None:
        print(
            "Not applied: the searches are the bundled example; copy it, set "
            "BIDBOARD_SEARCHES_FILE to the copy and run this again."
        )
        return 1
    backup = apply(path, after, now)
    print(f"Written {path} (the previous file kept as {backup}).")
    return 0
