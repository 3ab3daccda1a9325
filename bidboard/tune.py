"""``bidboard tune``: fit the score's weights to the agency's own outcomes, backtest them, and
propose them as a diff of the saved-searches YAML. Pure except ``propose``/``apply``'s file I/O.

The method, on one page:

* Every proposal (a card with a submission moment) is an example: its features are the amounts
  of its score reasons by kind (``scoring.weights``: 1 for "payment verified", the similarity for
  a portfolio fit, ...); its label is whether the client replied (Replied or beyond).
* The model is a logistic regression, log-odds of a reply = b + sum(w_k x amount_k), fitted by
  Newton's method with an L2 penalty (``L2``, on the weights, not the intercept) so that a kind
  seen on few cards stays near 0 rather than swinging wildly. It was chosen because the score
  already *is* an additive sum of reason points: a logistic model keeps that shape (one number
  per reason kind a person can read and overrule), needs only numpy, and its weights have a
  meaning: ``POINTS_PER_DOUBLING`` points for a reason that doubles the odds of a reply.
* Backtest, by time: the examples are split at a week boundary, the older ~70 % train and the
  newer ~30 % test. On the test weeks, each day's proposals are ranked by the hand-set score and
  by the tuned score and the top ``cap`` (the daily draft cap) kept: **precision at the cap** is
  the share of those that got a reply, **replies per 100 Connects** their replies per Connect
  spent x 100. Only proposals have an outcome, so this ranks what was sent, not every alert.
* "Worth drafting" is a second model over the same features, with other labels: submitted
  (positive) against skipped by a person from New or Drafted (negative: a card in Skipped that
  was never submitted; bidboard never writes Skipped). It is reported, not written to the YAML.
* Weights are proposed only when they beat the hand-set ones at the cap in the backtest, and
  significantly: a paired sign-flip (randomisation) test over the test days. Both rankings keep
  the same number of proposals each day, so the gain in precision is the sum over the days of
  (replies the tuned weights keep - replies the hand-set ones keep); with no real difference each
  day's difference is as likely to be +d as -d, so flipping the days' signs at random
  (``FLIPS`` times, seeded) gives the gain's distribution under no effect. The gain counts when
  its one-sided p-value is below ``GAIN_ALPHA`` (0.05): on histories with no effect at all,
  weights are then proposed in about 5 % of them or fewer (measured in the tests).
* Too little history (fewer than ``MIN_EACH`` replies or non-replies in the training weeks): no
  weights are proposed, and the report says how many more outcomes it needs.
"""

from __future__ import annotations

import difflib
import math
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from bidboard.loaders import load_searches
from bidboard.metrics import _REPLIED, reached, submitted_moment
from bidboard.models import JobCard, Stage
from bidboard.scoring.weights import KINDS, parse_reasons

L2 = 1.0
POINTS_PER_DOUBLING = 10.0
MIN_EACH = 30  # replies and non-replies the training weeks need
MIN_SUPPORT = 20  # cards a kind must be on (and off) to get a weight
TRAIN_SHARE = 0.7
GAIN_ALPHA = 0.05  # one-sided level of the backtest gain's sign-flip test
FLIPS = 4000


@dataclass
class Example:
    moment: datetime
    amounts: dict[str, float]
    label: bool
    hand: float
    connects: float


def reply_examples(cards: Iterable[JobCard]) -> list[Example]:
    found = []
    for card in cards:
        moment = submitted_moment(card)
        if moment is None:
            continue
        found.append(
            Example(
                moment,
                parse_reasons(card.score_reasons),
                reached(card) >= _REPLIED,
                card.score or 0.0,
                card.connects or 0.0,
            )
        )
    return sorted(found, key=lambda e: e.moment)


def person_skipped(card: JobCard) -> bool:
    """Skipped by a person before it went out (from New or Drafted: bidboard never writes
    Skipped, and a card that was submitted has a stamp)."""
    return card.stage == Stage.SKIPPED and submitted_moment(card) is None and reached(card) == 0


def drafting_examples(cards: Iterable[JobCard]) -> list[Example]:
    found = []
    for card in cards:
        moment = submitted_moment(card)
        if moment is None and not person_skipped(card):
            continue
        when = moment or card.drafted_at or card.received_at or card.posted_at
        if when is None:
            continue
        found.append(
            Example(
                when,
                parse_reasons(card.score_reasons),
                moment is not None,
                card.score or 0.0,
                card.connects or 0.0,
            )
        )
    return sorted(found, key=lambda e: e.moment)


@dataclass
class Model:
    kinds: list[str]
    intercept: float
    weights: dict[str, float]  # log-odds per unit of amount
    positives: int
    negatives: int

    def points(self) -> dict[str, int]:
        scale = POINTS_PER_DOUBLING / math.log(2)
        return {k: round(w * scale) for k, w in self.weights.items()}


def _supported(examples: list[Example]) -> list[str]:
    """The kinds on at least ``MIN_SUPPORT`` examples whose amount varies (present or not, or
    by how much): a kind on every card with one amount is the intercept's, not learnable."""
    kinds = []
    for kind in KINDS:
        column = np.array([e.amounts.get(kind, 0.0) for e in examples])
        if int(np.count_nonzero(column)) >= MIN_SUPPORT and float(column.std()) > 1e-6:
            kinds.append(kind)
    return kinds


def fit(examples: list[Example], kinds: list[str] | None = None, l2: float = L2) -> Model:
    """Penalised logistic regression by Newton's method (see the module doc)."""
    kinds = _supported(examples) if kinds is None else kinds
    x = np.array([[e.amounts.get(k, 0.0) for k in kinds] for e in examples], dtype=float)
    x = np.hstack([np.ones((len(examples), 1)), x.reshape(len(examples), len(kinds))])
    y = np.array([e.label for e in examples], dtype=float)
    beta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 1e-6
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ beta)))
        gradient = x.T @ (y - p) - penalty * beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    positives = int(y.sum())
    return Model(
        kinds,
        float(beta[0]),
        {k: float(b) for k, b in zip(kinds, beta[1:], strict=True)},
        positives,
        len(examples) - positives,
    )


def tuned_score(example: Example, points: dict[str, int]) -> float:
    """The example's score with ``points`` per unit for the kinds named, hand-set for others."""
    return sum(points.get(k, KINDS[k][1]) * amount for k, amount in example.amounts.items())


@dataclass
class AtCap:
    chosen: int
    replies: int
    connects: float

    @property
    def precision(self) -> float | None:
        return self.replies / self.chosen if self.chosen else None

    @property
    def per_100_connects(self) -> float | None:
        return 100 * self.replies / self.connects if self.connects else None

    def as_json(self) -> dict[str, Any]:
        return {
            "chosen": self.chosen,
            "replies": self.replies,
            "connects": self.connects,
            "precision_at_cap": self.precision,
            "replies_per_100_connects": self.per_100_connects,
        }


def _chosen_by_day(examples: list[Example], scores: list[float], cap: int) -> dict[Any, list[int]]:
    by_day: dict[Any, list[tuple[float, int]]] = {}
    for i, (example, score) in enumerate(zip(examples, scores, strict=True)):
        by_day.setdefault(example.moment.date(), []).append((-score, i))
    return {day: [i for _, i in sorted(rows)[:cap]] for day, rows in by_day.items()}


def gain_p_value(
    examples: list[Example],
    before: list[float],
    after: list[float],
    cap: int,
    *,
    flips: int = FLIPS,
    seed: int = 0,
) -> float:
    """One-sided p-value of "ranking by ``after`` keeps more replies at the cap than ranking by
    ``before``": a paired sign-flip test over the days (see the module doc)."""
    hand = _chosen_by_day(examples, before, cap)
    tuned = _chosen_by_day(examples, after, cap)
    gains = np.array(
        [
            sum(examples[i].label for i in tuned[day]) - sum(examples[i].label for i in hand[day])
            for day in hand
        ],
        dtype=float,
    )
    observed = float(gains.sum())
    if observed <= 0:
        return 1.0
    signs = np.random.default_rng(seed).choice((-1.0, 1.0), size=(flips, len(gains)))
    as_large = int(np.count_nonzero(signs @ gains >= observed - 1e-9))
    return (1 + as_large) / (1 + flips)


def at_cap(examples: list[Example], scores: list[float], cap: int) -> AtCap:
    """Each day's top ``cap`` examples by ``scores``: how many replied, Connects spent."""
    chosen = [i for day in _chosen_by_day(examples, scores, cap).values() for i in day]
    return AtCap(
        len(chosen),
        sum(examples[i].label for i in chosen),
        sum(examples[i].connects for i in chosen),
    )


def _split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """Older ~70 % / newer ~30 %, cut at the start of an ISO week."""
    if not examples:
        return [], []
    cut = examples[min(len(examples) - 1, int(len(examples) * TRAIN_SHARE))].moment
    week_start = cut.isocalendar()[:2]
    train = [e for e in examples if e.moment.isocalendar()[:2] < week_start]
    test = [e for e in examples if e.moment.isocalendar()[:2] >= week_start]
    return train, test


@dataclass
class TuneReport:
    proposals: int
    replies: int
    cap: int
    needs: str | None = None  # what more history it needs, when it cannot tune
    train: int = 0
    test: int = 0
    before: AtCap | None = None
    after: AtCap | None = None
    model: Model | None = None  # fitted on the whole history: the proposal
    points: dict[str, int] = field(default_factory=dict)
    drafting: Model | None = None
    drafting_needs: str | None = None
    p_value: float | None = None  # of the backtest gain (sign-flip test over the test days)
    alpha: float = GAIN_ALPHA

    def as_json(self) -> dict[str, Any]:
        return {
            "proposals": self.proposals,
            "replies": self.replies,
            "daily_cap": self.cap,
            "needs": self.needs,
            "backtest": None
            if self.before is None or self.after is None
            else {
                "train_proposals": self.train,
                "test_proposals": self.test,
                "hand_set": self.before.as_json(),
                "tuned": self.after.as_json(),
                "gain_p_value": self.p_value,
                "gain_alpha": self.alpha,
                "gain_significant": self.p_value is not None and self.p_value < self.alpha,
            },
            "proposed_weights": self.points,
            "hand_set_weights": {k: KINDS[k][1] for k in self.points},
            "worth_drafting": None
            if self.drafting is None
            else {
                "submitted": self.drafting.positives,
                "skipped_by_a_person": self.drafting.negatives,
                "points": self.drafting.points(),
            },
            "worth_drafting_needs": self.drafting_needs,
        }


def _needs(positives: int, negatives: int, what: str, rate: float | None) -> str | None:
    short_pos, short_neg = max(0, MIN_EACH - positives), max(0, MIN_EACH - negatives)
    if not short_pos and not short_neg:
        return None
    parts = []
    if short_pos:
        more = (
            f" (about {math.ceil(short_pos / rate)} more proposals at the current rate)"
            if rate
            else ""
        )
        parts.append(f"{short_pos} more {what}{more}")
    if short_neg:
        parts.append(f"{short_neg} more without")
    return f"needs {' and '.join(parts)} (has {positives} and {negatives})"


def tune(cards: Iterable[JobCard], cap: int) -> TuneReport:
    listed = list(cards)
    examples = reply_examples(listed)
    replies = sum(e.label for e in examples)
    report = TuneReport(len(examples), replies, cap)
    train, test = _split(examples)
    positives = sum(e.label for e in train)
    rate = replies / len(examples) if examples and replies else None
    report.needs = _needs(positives, len(train) - positives, "replies in the training weeks", rate)
    drafting = drafting_examples(listed)
    submitted = sum(e.label for e in drafting)
    report.drafting_needs = _needs(submitted, len(drafting) - submitted, "submitted cards", None)
    if report.drafting_needs:
        report.drafting_needs = report.drafting_needs.replace("more without", "more person skips")
    if report.drafting_needs is None:
        report.drafting = fit(drafting)
    if report.needs is not None or not test:
        report.needs = report.needs or "needs newer weeks to test on"
        return report
    backtest = fit(train)
    points = backtest.points()
    report.train, report.test = len(train), len(test)
    hand, tuned = [e.hand for e in test], [tuned_score(e, points) for e in test]
    report.before = at_cap(test, hand, cap)
    report.after = at_cap(test, tuned, cap)
    report.p_value = gain_p_value(test, hand, tuned, cap)
    report.model = fit(examples)
    if (report.after.precision or 0) <= (report.before.precision or 0):
        report.needs = (
            "the tuned weights did not beat the hand-set ones in the backtest; nothing proposed"
        )
        return report
    if report.p_value >= GAIN_ALPHA:
        gain = (report.after.replies - report.before.replies) / max(report.after.chosen, 1)
        report.needs = (
            f"the tuned weights beat the hand-set ones by {gain * 100:.1f} points at the cap, "
            f"but not significantly (p = {report.p_value:.3f}, needs < {GAIN_ALPHA:g}): "
            "it may be noise; nothing proposed"
        )
        return report
    report.points = report.model.points()
    return report


# --- the saved-searches YAML ---------------------------------------------------------------

_WEIGHTS_BLOCK = re.compile(r"^weights:.*(?:\n(?:[ \t#].*|))*", re.MULTILINE)


def yaml_with_weights(text: str, points: dict[str, int], note: str) -> str:
    """``text`` with its top-level ``weights:`` block replaced by ``points`` (or added at the
    end); every other line, comments included, is kept."""
    block = "\n".join(
        [f"weights:  # {note}", *(f"  {kind}: {value}" for kind, value in points.items())]
    )
    if _WEIGHTS_BLOCK.search(text):
        return _WEIGHTS_BLOCK.sub(block + "\n", text, count=1).rstrip("\n") + "\n"
    return text.rstrip("\n") + "\n\n" + block + "\n"


def diff(path: Path, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"{path} (now)",
            f"{path} (proposed)",
        )
    )


def apply(path: Path, after: str, now: datetime) -> Path:
    """Write ``after`` to ``path`` after checking it loads, keeping the old file as a backup."""
    backup = path.with_name(f"{path.name}.{now:%Y%m%dT%H%M%S}.bak")
    candidate = path.with_name(f".{path.name}.tune")
    candidate.write_text(after)
    try:
        load_searches(candidate)  # a file that would not load is never written
        shutil.copy2(path, backup)
        candidate.replace(path)
    finally:
        candidate.unlink(missing_ok=True)
    return backup
