"""The kinds of score reasons, so that a reason's points can be learnt and set per kind.

Every reason ``score_job`` writes is of one kind below. A reason's *amount* is its hand-set points
divided by the kind's unit (1 for a fixed reason, 1.5 for three matched terms, 0.62 for a portfolio
similarity of 0.62, 0.5 for payment verified where the search does not require it); a kind whose
unit is 0 (an unknown value) has amount 1. ``weights:`` in the saved-searches YAML gives a kind's
points per unit of amount; a kind it does not name keeps its hand-set points.
"""

from __future__ import annotations

import re

#: kind -> (pattern the reason text starts with / matches, hand-set points per unit)
KINDS: dict[str, tuple[re.Pattern[str], int]] = {
    "terms_none": (re.compile(r"^matches none of its terms"), 0),
    "terms": (re.compile(r"^matches "), 20),
    "lacks_required": (re.compile(r"^lacks required "), -15),
    "budget_meets": (re.compile(r"^(budget|hourly rate) \$[\d,]+ meets"), 10),
    "budget_below": (re.compile(r"^(budget|hourly rate) \$[\d,]+ below"), -20),
    "budget_unknown": (re.compile(r"^(budget|hourly rate) not given"), 0),
    "payment_verified": (re.compile(r"^payment verified"), 10),
    "payment_not_verified": (re.compile(r"^payment not verified"), -20),
    "payment_unknown": (re.compile(r"^payment verification unknown"), 0),
    "rating_unknown": (re.compile(r"^client rating unknown"), 0),
    "rating_below": (re.compile(r"^client rating [\d.]+ below"), -10),
    "rating_ok": (re.compile(r"^client rating "), 5),
    "spend_unknown": (re.compile(r"^client spend unknown"), 0),
    "spend_below": (re.compile(r"^client spent only "), -5),
    "spend_ok": (re.compile(r"^client spent "), 5),
    "country_not_allowed": (re.compile(r"not an allowed country$"), -30),
    "experience_out": (re.compile(r"level is not one the search wants$"), -10),
    "experience_ok": (re.compile(r" level$"), 5),
    "portfolio_fit": (re.compile(r"^fits portfolio "), 30),
}
#: Reasons that only keep the total within 0-100 or force a skip: not a learnable kind.
_BOOKKEEPING = re.compile(r"^(capped at 100|floored at 0)$|: skip$")
_LINE = re.compile(r"^(?P<text>.*?) (?P<sign>[+\-\u2212])(?P<points>\d+)$")
_VERDICT = re.compile(r"^(shortlist|review|skip): ")


def kind_of(text: str) -> str | None:
    """The kind of a reason's text, or None for bookkeeping and unknown reasons."""
    if _BOOKKEEPING.search(text):
        return None
    for kind, (pattern, _) in KINDS.items():
        if pattern.search(text):
            return kind
    return None


def amount(kind: str, points: float) -> float:
    unit = KINDS[kind][1]
    return points / unit if unit else 1.0


def reweigh(kind: str | None, points: int, weights: dict[str, float]) -> int:
    """A reason's points under ``weights`` (its hand-set points when its kind is not named)."""
    if kind is None or kind not in weights:
        return points
    return round(weights[kind] * amount(kind, points))


def parse_reasons(text: str) -> dict[str, float]:
    """A card's ``Score reasons`` as amounts by kind (lines ``<text> +N``, the first after the
    verdict); lines of no known kind are left out."""
    found: dict[str, float] = {}
    for number, raw in enumerate(text.splitlines()):
        line = _VERDICT.sub("", raw.strip()) if number == 0 else raw.strip()
        match = _LINE.match(line)
        if match is None:
            continue
        kind = kind_of(match["text"])
        if kind is None:
            continue
        points = int(match["points"]) * (1 if match["sign"] == "+" else -1)
        found[kind] = found.get(kind, 0.0) + amount(kind, points)
    return found
