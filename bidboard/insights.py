"""What gets replies: outcome rates over the whole history, by group, with their uncertainty.

Pure (no I/O, no clock). Definitions (also in the README, section "bidboard insights"):

* The **proposals** are the cards with a submission moment (``metrics.submitted_moment``); a
  proposal *got a reply* when it reached Replied or beyond (``metrics.reached``), likewise an
  interview and a win.
* Each proposal falls in one group of every dimension (a card matching several portfolio items
  counts under each; a card's score reasons put it in every reason kind it has).
* A group's **rate** is shown with its 95 % Wilson score interval. A group with fewer than
  ``MIN_COUNT`` proposals is shown as such (its count only), never as a rate.
* Each shown group is compared with the other proposals of its dimension: the **odds ratio**
  (with 0.5 added to each cell, so a group that never replies has a finite ratio) and its 95 %
  interval, and a two-sided two-proportion z test. A group is **significant** when its p-value is
  below ``ALPHA`` divided by the number of groups compared for that outcome (Bonferroni): on a
  history with no effect at all, a report marks anything significant in at most 5 % of histories.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bidboard.metrics import (
    _INTERVIEW,
    _REPLIED,
    _WON,
    SPEED_BUCKETS,
    _elapsed,
    reached,
    speed_bucket,
    submitted_moment,
)
from bidboard.models import JobCard
from bidboard.scoring.weights import parse_reasons

MIN_COUNT = 20
ALPHA = 0.05
Z95 = 1.959963984540054
OUTCOMES = (("replied", _REPLIED), ("interview", _INTERVIEW), ("won", _WON))


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of k successes in n trials."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _p_two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def minutes_between(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else _elapsed(start, end) / 60


def _band(value: float | None, edges: tuple[float, ...], labels: tuple[str, ...]) -> str:
    if value is None:
        return "(unknown)"
    for edge, label in zip(edges, labels, strict=False):
        if value < edge:
            return label
    return labels[-1]


#: Proposal length bands, in words of the draft (``Draft words``).
LENGTH_EDGES = (100, 150, 200, 300)
LENGTH_BANDS = ("< 100 words", "100-149 words", "150-199 words", "200-299 words", "300+ words")
SCREENING = ("Answered", "Not answered", "None asked")


def groups_of(card: JobCard, portfolio_names: dict[str, str] | None = None) -> dict[str, list[str]]:
    """The group of every dimension a proposal falls in."""
    names = portfolio_names or {}
    moment = submitted_moment(card)
    verified = card.payment_verified
    return {
        "Score band": [
            _band(card.score, (20, 40, 60, 80), ("0-19", "20-39", "40-59", "60-79", "80-100"))
        ],
        "Payment verified": ["(unknown)" if verified is None else "yes" if verified else "no"],
        "Client rating": [
            _band(card.client_rating, (4.0, 4.5, 4.8), ("< 4.0", "4.0-4.4", "4.5-4.7", "4.8-5.0"))
        ],
        "Client spend": [
            _band(
                card.client_spend,
                (1_000, 10_000, 100_000),
                ("< $1k", "$1k-10k", "$10k-100k", "$100k+"),
            )
        ],
        "Country": [card.client_country or "(unknown)"],
        "Saved search": [card.saved_search or "(none)"],
        "Portfolio item": [names.get(p, p) for p in dict.fromkeys(card.portfolio_matches)]
        or ["(none)"],
        "Drafter": [card.drafted_by or "(not drafted)"],
        "Score reason": sorted(parse_reasons(card.score_reasons)) or ["(none)"],
        "Proposal length": [_band(card.draft_words, LENGTH_EDGES, LENGTH_BANDS)],
        "Screening questions": [card.screening or "(unknown)"],
        "Posting to submission": [speed_bucket(minutes_between(card.posted_at, moment))],
        "Drafted to submitted": [speed_bucket(minutes_between(card.drafted_at, moment))],
    }


_UNKNOWN = ("(unknown)",)
#: Dimensions shown in their own order (bands, buckets) rather than by count.
ORDINAL: dict[str, tuple[str, ...]] = {
    "Score band": ("0-19", "20-39", "40-59", "60-79", "80-100", *_UNKNOWN),
    "Payment verified": ("yes", "no", *_UNKNOWN),
    "Client rating": ("< 4.0", "4.0-4.4", "4.5-4.7", "4.8-5.0", *_UNKNOWN),
    "Client spend": ("< $1k", "$1k-10k", "$10k-100k", "$100k+", *_UNKNOWN),
    "Proposal length": (*LENGTH_BANDS, *_UNKNOWN),
    "Screening questions": (*SCREENING, *_UNKNOWN),
    "Posting to submission": (*SPEED_BUCKETS, *_UNKNOWN),
    "Drafted to submitted": (*SPEED_BUCKETS, *_UNKNOWN),
}

DIMENSIONS = (
    "Score band",
    "Payment verified",
    "Client rating",
    "Client spend",
    "Country",
    "Saved search",
    "Portfolio item",
    "Drafter",
    "Score reason",
    "Proposal length",
    "Screening questions",
    "Posting to submission",
    "Drafted to submitted",
)


@dataclass
class Rate:
    """One outcome in one group, compared with the rest of its dimension."""

    count: int
    rate: float
    low: float
    high: float
    odds_ratio: float | None  # None when every proposal is in the group (no rest to compare)
    odds_low: float | None
    odds_high: float | None
    p_value: float
    significant: bool = False

    def as_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Group:
    dimension: str
    name: str
    proposals: int
    outcomes: dict[str, int]
    rates: dict[str, Rate] = field(default_factory=dict)  # empty below MIN_COUNT

    @property
    def too_few(self) -> bool:
        return not self.rates  # rated only from the report's minimum count up

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "proposals": self.proposals,
            **{name: count for name, count in self.outcomes.items()},
            "too_few": self.too_few,
            "rates": {name: rate.as_json() for name, rate in self.rates.items()},
        }


@dataclass
class Insights:
    proposals: int
    outcomes: dict[str, int]
    groups: dict[str, list[Group]]
    tests: dict[str, int]  # groups compared, per outcome (the Bonferroni divisor)
    min_count: int = MIN_COUNT
    alpha: float = ALPHA

    def group(self, dimension: str, name: str) -> Group:
        return next(g for g in self.groups[dimension] if g.name == name)

    def significant(self, outcome: str = "replied") -> list[Group]:
        return [
            g
            for rows in self.groups.values()
            for g in rows
            if outcome in g.rates and g.rates[outcome].significant
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "proposals": self.proposals,
            **self.outcomes,
            "min_count": self.min_count,
            "alpha": self.alpha,
            "comparisons": self.tests,
            "groups": {d: [g.as_json() for g in rows] for d, rows in self.groups.items()},
        }


def _compare(k: int, n: int, k_all: int, n_all: int) -> Rate:
    low, high = wilson(k, n)
    k2, n2 = k_all - k, n_all - n
    if n2 <= 0:
        return Rate(k, k / n, low, high, None, None, None, 1.0)
    a, b, c, d = k + 0.5, n - k + 0.5, k2 + 0.5, n2 - k2 + 0.5
    log_or = math.log(a * d / (b * c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    if n2 == 0:
        p_value = 1.0
    else:
        pooled = k_all / n_all
        spread = math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / n2))
        p_value = _p_two_sided((k / n - k2 / n2) / spread) if spread > 0 else 1.0
    return Rate(
        count=k,
        rate=k / n,
        low=low,
        high=high,
        odds_ratio=math.exp(log_or),
        odds_low=math.exp(log_or - Z95 * se),
        odds_high=math.exp(log_or + Z95 * se),
        p_value=p_value,
    )


def insights(
    cards: Iterable[JobCard],
    *,
    portfolio_names: dict[str, str] | None = None,
    min_count: int = MIN_COUNT,
    alpha: float = ALPHA,
    grouping: Callable[[JobCard], dict[str, list[str]]] | None = None,
) -> Insights:
    """Rates by group over every proposal in ``cards`` (one pass; see the module doc)."""
    group_fn = grouping or (lambda card: groups_of(card, portfolio_names))
    totals = {name: 0 for name, _ in OUTCOMES}
    proposals = 0
    counts: dict[str, dict[str, list[int]]] = {}
    for card in cards:
        if submitted_moment(card) is None:
            continue
        level = reached(card)
        hits = [level >= at for _, at in OUTCOMES]
        proposals += 1
        for (name, _), hit in zip(OUTCOMES, hits, strict=True):
            totals[name] += hit
        for dimension, values in group_fn(card).items():
            rows = counts.setdefault(dimension, {})
            for value in values:
                row = rows.setdefault(value, [0] * (1 + len(OUTCOMES)))
                row[0] += 1
                for i, hit in enumerate(hits, 1):
                    row[i] += hit
    groups: dict[str, list[Group]] = {}
    tests = {name: 0 for name, _ in OUTCOMES}
    every = [proposals, *totals.values()]
    for dimension, rows in counts.items():
        made = []
        for value, row in rows.items():
            group = Group(
                dimension, value, row[0], {name: row[i] for i, (name, _) in enumerate(OUTCOMES, 1)}
            )
            if row[0] >= min_count:
                for i, (name, _) in enumerate(OUTCOMES, 1):
                    group.rates[name] = _compare(row[i], row[0], every[i], proposals)
                    if proposals > row[0]:
                        tests[name] += 1
            made.append(group)
        order = ORDINAL.get(dimension)
        if order:
            made.sort(
                key=lambda g: (order.index(g.name) if g.name in order else len(order), g.name)
            )
        else:
            made.sort(key=lambda g: (-g.proposals, g.name))
        groups[dimension] = made
    for shown in groups.values():
        for made_group in shown:
            for name, rate in made_group.rates.items():
                rate.significant = bool(tests[name]) and rate.p_value < alpha / tests[name]
    ordered = {d: groups[d] for d in DIMENSIONS if d in groups}
    ordered.update({d: g for d, g in groups.items() if d not in ordered})
    return Insights(proposals, totals, ordered, tests, min_count, alpha)


# --- presentation --------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def shown_name(group: Group) -> str:
    """A group's name as people read it (score reason kinds without their underscores)."""
    return group.name.replace("_", " ") if group.dimension == "Score reason" else group.name


def group_line(group: Group, outcome: str = "replied") -> str:
    if group.too_few:
        return f"{shown_name(group)}: {group.proposals} proposals (fewer than the minimum, no rate)"
    rate = group.rates[outcome]
    mark = " *" if rate.significant else ""
    odds = (
        ", every proposal"
        if rate.odds_ratio is None
        else f", odds x{rate.odds_ratio:.2f} ({rate.odds_low:.2f}-{rate.odds_high:.2f})"
    )
    return (
        f"{shown_name(group)}: {rate.count}/{group.proposals} = {_pct(rate.rate)} "
        f"({_pct(rate.low)}-{_pct(rate.high)}){odds}{mark}"
    )


def dimension_lines(
    rows: list[Group], outcome: str = "replied", limit: int = 12, minimum: int = MIN_COUNT
) -> list[str]:
    """A dimension as lines: each group with a rate on its own line (at most ``limit``), then
    the groups under the minimum count together on one line, with their counts only."""
    rated = [g for g in rows if not g.too_few]
    lines = [group_line(g, outcome) for g in rated[:limit]]
    if len(rated) > limit:
        lines.append(f"({len(rated) - limit} more not shown)")
    few = [g for g in rows if g.too_few]
    if few:
        counts = ", ".join(f"{shown_name(g)} ({g.proposals})" for g in few[:limit])
        more = f", {len(few) - limit} more" if len(few) > limit else ""
        lines.append(f"Under {minimum} proposals, no rate: {counts}{more}")
    return lines


def summary(report: Insights) -> str:
    replied = report.outcomes["replied"]
    rate = f"{replied / report.proposals * 100:.1f}%" if report.proposals else "—"
    return (
        f"{report.proposals} proposals over the whole history: {replied} replied ({rate}), "
        f"{report.outcomes['interview']} interviews, {report.outcomes['won']} won. Each group: "
        f"replies/proposals = reply rate (95% interval), and the odds of a reply against the "
        f"rest of its dimension (x2 = twice the odds, with its interval); * = significant "
        f"after Bonferroni over {report.tests['replied']} comparisons (alpha {report.alpha:g}); "
        f"groups under {report.min_count} proposals show their count only."
    )


def as_text(report: Insights, outcome: str = "replied", limit: int = 12) -> str:
    lines = [summary(report)]
    for dimension, rows in report.groups.items():
        lines += ["", f"Reply rate by {dimension.lower()}:" if outcome == "replied" else dimension]
        lines += [f"  {line}" for line in dimension_lines(rows, outcome, limit, report.min_count)]
    return "\n".join(lines) + "\n"
