"""``score_job``: 0-100, a verdict, and one reason per contribution, adding up to the score.

The model is additive and written down here so a person can check any score by hand:

* terms of a saved search: the first ``any`` term matched is worth 20, each further one 10, up
  to 40; each missing ``all`` term costs 15; a negative keyword makes the verdict ``skip`` and
  the score 0;
* budget against the search's floor: at or above +10, below -25 (fixed) or -20 (hourly),
  unknown 0;
* client: payment verified +10 where the search requires it (+5 where it does not), not
  verified -20 where it is required, unknown 0; rating and spend at or above the minimum +5,
  below -10 and -5, unknown 0; a denied country makes the verdict ``skip``, a country outside a
  non-empty allow list costs 30, unknown 0;
* experience level in the search's list +5, outside it -10, unknown 0;
* portfolio fit: 30 x the similarity of the best matching item.

The best-fitting search wins (its name goes on the card). The total is kept within 0-100 by a
reason of its own, so the reasons always add up to the score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from bidboard.alerts.alert import JobAlert
from bidboard.scoring.portfolio import PortfolioItem
from bidboard.scoring.searches import SavedSearch, SearchConfig
from bidboard.scoring.similarity import BatchSimilarity, Similarity, TfidfIndex
from bidboard.scoring.weights import kind_of, reweigh
from bidboard.scoring.words import SYNONYMS, contains, term, tokens

Verdict = Literal["shortlist", "review", "skip"]
FIT_POINTS = 30
MIN_MATCH = 0.05  # similarities below this are not worth naming


class Reason(BaseModel):
    text: str
    points: int

    def __str__(self) -> str:
        sign = "+" if self.points >= 0 else "\u2212"
        return f"{self.text} {sign}{abs(self.points)}"


class PortfolioMatch(BaseModel):
    page_id: str
    name: str
    similarity: float


class Score(BaseModel):
    score: int = Field(ge=0, le=100)
    verdict: Verdict
    reasons: list[Reason]
    saved_search: str | None = None
    portfolio_matches: list[PortfolioMatch] = Field(default_factory=list)

    def explain(self) -> str:
        return "\n".join(str(r) for r in self.reasons)


@dataclass
class Portfolio:
    """Portfolio items with the index that matches jobs against them. With embeddings, the
    index of a batch exists once the batch is prepared (:meth:`prepare`, at the edge)."""

    items: list[PortfolioItem]
    index: Similarity | None
    #: where a batch's embeddings come from (an adapter); None for TF-IDF
    embeddings: BatchSimilarity | None = None

    @classmethod
    def build(
        cls,
        items: Sequence[PortfolioItem],
        index: Similarity | None = None,
        *,
        embeddings: BatchSimilarity | None = None,
    ) -> Portfolio:
        active = [i for i in items if i.active]
        if embeddings is not None:
            return cls(active, None, embeddings)
        return cls(active, index or TfidfIndex([i.text() for i in active]))

    def prepare(self, jobs: Iterable[JobAlert]) -> Portfolio:
        """The portfolio ready to score ``jobs`` with no I/O: with embeddings, the texts of the
        whole batch are embedded here, once (a cache, then OpenAI for what it lacks); TF-IDF
        needs nothing. The pipeline's scoring step calls it; :func:`score_job` never does."""
        if self.embeddings is None:
            return self
        return Portfolio(self.items, self.embeddings.prepare([_job_text(j) for j in jobs]))

    def matches(self, text: str, n: int = 3) -> list[PortfolioMatch]:
        if not self.items:
            return []
        if self.index is None:
            raise ValueError("an embedding portfolio scores a batch once it is prepared")
        return [
            PortfolioMatch(page_id=self.items[i].page_id, name=self.items[i].name, similarity=s)
            for i, s in self.index.best(text, n)
            if s >= MIN_MATCH
        ]


def _money(value: float) -> str:
    return f"${value:,.0f}"


def _job_text(job: JobAlert) -> str:
    skills = " ".join(job.skills)
    return f"{job.title}\n{job.title}\n{skills}\n{skills}\n{job.description or ''}"


@dataclass
class _Fit:
    search: SavedSearch
    reasons: list[Reason]
    skip: Reason | None  # a reason that forces the verdict to skip

    @property
    def points(self) -> int:
        return sum(r.points for r in self.reasons)


def _terms(
    search: SavedSearch, text: tuple[str, ...], words: frozenset[str], synonyms: dict[str, str]
) -> tuple[list[Reason], Reason | None]:
    def found(value: str) -> bool:
        needle = tuple(synonyms.get(t, t) for t in term(value))
        return contains(text, needle, words)

    for keyword in search.exclude:
        if found(keyword):
            return [], Reason(text=f"negative keyword '{keyword}': skip", points=0)
    reasons = []
    if search.include.any:
        matched = [t for t in search.include.any if found(t)]
        points = min(40, 20 + 10 * (len(matched) - 1)) if matched else 0
        label = ", ".join(matched) if matched else "none of its terms"
        reasons.append(Reason(text=f"matches {label} (search {search.name})", points=points))
    for required in search.include.all:
        if not found(required):
            reasons.append(
                Reason(text=f"lacks required '{required}' (search {search.name})", points=-15)
            )
    return reasons, None


def _budget(search: SavedSearch, job: JobAlert) -> list[Reason]:
    floor = search.budget.hourly_min if job.budget_type == "hourly" else search.budget.fixed_min
    if job.budget_type is None or floor is None:
        return []
    top = job.budget_max if job.budget_max is not None else job.budget_min
    kind = "hourly rate" if job.budget_type == "hourly" else "budget"
    if top is None:
        return [Reason(text=f"{kind} not given", points=0)]
    if top >= floor:
        return [Reason(text=f"{kind} {_money(top)} meets the {_money(floor)} floor", points=10)]
    return [
        Reason(
            text=f"{kind} {_money(top)} below the {_money(floor)} floor",
            points=-25 if job.budget_type == "fixed" else -20,
        )
    ]


def _client(search: SavedSearch, job: JobAlert) -> tuple[list[Reason], Reason | None]:
    rules, reasons = search.client, []
    verified = job.client_payment_verified
    if verified is True:
        reasons.append(Reason(text="payment verified", points=10 if rules.payment_verified else 5))
    elif verified is False:
        reasons.append(
            Reason(text="payment not verified", points=-20 if rules.payment_verified else 0)
        )
    elif rules.payment_verified:
        reasons.append(Reason(text="payment verification unknown", points=0))
    if rules.min_rating is not None:
        if job.client_rating is None:
            reasons.append(Reason(text="client rating unknown", points=0))
        elif job.client_rating >= rules.min_rating:
            reasons.append(Reason(text=f"client rating {job.client_rating:g}", points=5))
        else:
            reasons.append(
                Reason(
                    text=f"client rating {job.client_rating:g} below {rules.min_rating:g}",
                    points=-10,
                )
            )
    if rules.min_spend is not None:
        if job.client_spend_usd is None:
            reasons.append(Reason(text="client spend unknown", points=0))
        elif job.client_spend_usd >= rules.min_spend:
            reasons.append(Reason(text=f"client spent {_money(job.client_spend_usd)}", points=5))
        else:
            reasons.append(
                Reason(text=f"client spent only {_money(job.client_spend_usd)}", points=-5)
            )
    country = (job.client_country or "").strip().lower()
    if country:
        if country in {c.lower() for c in rules.countries_denied}:
            return reasons, Reason(text=f"client in {job.client_country} (denied): skip", points=0)
        allowed = {c.lower() for c in rules.countries_allowed}
        if allowed and country not in allowed:
            reasons.append(
                Reason(text=f"client in {job.client_country}, not an allowed country", points=-30)
            )
    return reasons, None


def _experience(search: SavedSearch, job: JobAlert) -> list[Reason]:
    if not search.experience or job.experience_level is None:
        return []
    if job.experience_level.lower() in {e.lower() for e in search.experience}:
        return [Reason(text=f"{job.experience_level} level", points=5)]
    return [Reason(text=f"{job.experience_level} level is not one the search wants", points=-10)]


def _fit(
    search: SavedSearch,
    job: JobAlert,
    text: tuple[str, ...],
    words: frozenset[str],
    synonyms: dict[str, str],
) -> _Fit:
    reasons, skip = _terms(search, text, words, synonyms)
    if skip is not None:
        return _Fit(search, [], skip)
    client, skip = _client(search, job)
    reasons += _budget(search, job) + client + _experience(search, job)
    return _Fit(search, reasons, skip)


def _matched(fit: _Fit) -> bool:
    """Does the job match at least one of the search's terms (or has the search none)?"""
    if not fit.search.include.any:
        return True
    return any(r.text.startswith("matches ") and r.points > 0 for r in fit.reasons)


def score_job(job: JobAlert, searches: SearchConfig, portfolio: Portfolio) -> Score:
    """Score ``job`` against every saved search and the portfolio; pure, no I/O (an embedding
    portfolio is :meth:`Portfolio.prepare`-d for the batch first)."""
    synonyms = {**SYNONYMS, **{k.lower(): v.lower() for k, v in searches.synonyms.items()}}
    text = tuple(synonyms.get(t, t) for t in tokens(_job_text(job)))
    words = frozenset(text)
    fits = [_fit(s, job, text, words, synonyms) for s in searches.searches]
    usable = [f for f in fits if f.skip is None]
    best = max(usable, key=lambda f: f.points) if usable else fits[0]
    reasons = list(best.reasons)
    matches = portfolio.matches(_job_text(job))
    if matches:
        top = matches[0]
        reasons.append(
            Reason(
                text=f"fits portfolio '{top.name}' ({top.similarity:.2f})",
                points=round(FIT_POINTS * top.similarity),
            )
        )
    if searches.weights:  # learnt points per reason kind (bidboard tune --apply)
        reasons = [
            Reason(text=r.text, points=reweigh(kind_of(r.text), r.points, searches.weights))
            for r in reasons
        ]
    total = sum(r.points for r in reasons)
    verdict: Verdict
    if best.skip is not None:
        reasons.append(Reason(text=best.skip.text, points=-total))
        total, verdict = 0, "skip"
    else:
        if total > 100:
            reasons.append(Reason(text="capped at 100", points=100 - total))
        elif total < 0:
            reasons.append(Reason(text="floored at 0", points=-total))
        total = max(0, min(100, total))
        thresholds = searches.thresholds
        verdict = (
            "shortlist"
            if total >= thresholds.shortlist
            else "review"
            if total >= thresholds.review
            else "skip"
        )
    return Score(
        score=total,
        verdict=verdict,
        reasons=reasons,
        # the search that scored it, named as its reasons name it; none when the job matches
        # none of its terms (a Rust job is not "Backend" because Backend scored it least badly)
        saved_search=best.search.name if best.skip is None and _matched(best) else None,
        portfolio_matches=matches,
    )
