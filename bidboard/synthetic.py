"""Synthetic board histories with known effects, for the tests, the bench and the demo.

Every card is a job some agency saw: its client signals and score reasons are drawn at random,
its proposal was submitted some minutes after posting, and whether the client replied is drawn
from a logistic model whose effects are the arguments (so what the insights and ``tune`` should
find is known). Cards a person skipped (from New or Drafted) are drawn as well.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bidboard.models import JobCard, Stage

if TYPE_CHECKING:
    from bidboard.notion.client import Notion
    from bidboard.notion.gateway import BoardGateway

SEARCHES = ("Python backend", "No-code automation", "Scraping", "Data pipelines", "Dead search")
DRAFTERS = ("openai:gpt-4o-mini", "template")
COUNTRIES = ("United States", "United Kingdom", "Germany", "India", "Canada", "Australia")
_SCREENING = ("Answered", "Not answered", "None asked")
# posting -> submission, minutes: a spread over every speed bucket
_LAGS = ((5, 14), (15, 59), (60, 239), (240, 1439), (1440, 4000))


@dataclass
class Effects:
    """The true model: log-odds of a reply = ``base`` + the effects of the card's traits."""

    base: float = math.log(0.15 / 0.85)
    payment_odds: float = 2.0  # payment verified multiplies the odds of a reply by this
    dead_search: str | None = "Dead search"  # a saved search that never gets a reply
    late_factor: float = 0.5  # after 4 hours the reply probability is multiplied by this
    spend_odds: float = 1.0  # client spent at least the minimum (hand-set +5)
    budget_odds: float = 1.0  # budget meets the floor (hand-set +10)
    fit_odds: float = 1.0  # per unit of portfolio similarity (hand-set 30 a unit)
    skip_unverified: float = 0.0  # chance a person skips a drafted card with payment not verified
    answered_odds: float = 1.0  # the draft answered the screening questions (vs asked, unanswered)
    long_odds: float = 1.0  # a draft of 300 words or more (vs shorter)
    extra: dict[str, float] = field(default_factory=dict)


NO_EFFECT = Effects(payment_odds=1.0, dead_search=None, late_factor=1.0)


def history(
    count: int,
    *,
    seed: int = 0,
    effects: Effects | None = None,
    start: datetime = datetime(2026, 1, 5, 9, tzinfo=UTC),
    days: int = 300,
    searches: tuple[str, ...] = SEARCHES,
    skipped: float = 0.0,
) -> list[JobCard]:
    """``count`` submitted proposals (plus ``skipped`` x count person-skipped cards)."""
    rng = random.Random(seed)
    drafts = random.Random(f"drafts-{seed}")  # its own stream: the other draws stay as they were
    fx = effects or Effects()
    cards = []
    total = count + round(count * skipped)
    for i in range(total):
        posted = start + timedelta(minutes=rng.uniform(0, days * 1440))
        verified = rng.random() < 0.6
        search = rng.choice(searches)
        spend_ok = rng.random() < 0.5
        budget_ok = rng.random() < 0.6
        fit = rng.uniform(0.05, 0.9)
        terms = rng.randint(1, 3)
        reasons = [
            f"matches {', '.join(['python', 'api', 'sql'][:terms])} (search {search}) "
            f"+{min(40, 20 + 10 * (terms - 1))}",
            "budget $800 meets the $500 floor +10"
            if budget_ok
            else "budget $200 below the $500 floor \u221225",
            "payment verified +10" if verified else "payment not verified \u221220",
            "client spent $5,000 +5" if spend_ok else "client spent only $300 \u22125",
            f"fits portfolio 'Sample' ({fit:.2f}) +{round(30 * fit)}",
        ]
        points = [int(r.rsplit(" ", 1)[1].replace("\u2212", "-")) for r in reasons]
        score = max(0, min(100, sum(points)))
        drafted = posted + timedelta(minutes=rng.uniform(1, 4))
        values: dict[str, object] = {
            "job_key": f"~syn{seed:04d}{i:08d}",
            "name": f"Synthetic job {i}",
            "saved_search": search,
            "posted_at": posted,
            "received_at": posted + timedelta(minutes=1),
            "client_country": rng.choice(COUNTRIES),
            "payment_verified": verified,
            "client_rating": round(rng.uniform(3.5, 5.0), 1),
            "client_spend": 5000.0 if spend_ok else 300.0,
            "score": float(score),
            "score_reasons": f"{'shortlist' if score >= 60 else 'review'}: " + "\n".join(reasons),
            "drafted_by": rng.choice(DRAFTERS),
            "drafted_at": drafted,
            "connects": float(rng.choice((8, 12, 16))),
            "draft_words": float(drafts.randint(60, 420)),
            "screening": drafts.choices(_SCREENING, weights=(35, 15, 50))[0],
        }
        if i >= count or (
            fx.skip_unverified and not verified and rng.random() < fx.skip_unverified
        ):
            cards.append(JobCard(**values, stage=Stage.SKIPPED))  # type: ignore[arg-type]
            continue
        low, high = _LAGS[i % len(_LAGS)]
        lag = rng.uniform(low, high)
        submitted = posted + timedelta(minutes=lag)
        logit = fx.base
        logit += math.log(fx.payment_odds) if verified else 0.0
        logit += math.log(fx.spend_odds) if spend_ok else 0.0
        logit += math.log(fx.budget_odds) if budget_ok else 0.0
        logit += math.log(fx.fit_odds) * fit
        logit += math.log(fx.answered_odds) if values["screening"] == "Answered" else 0.0
        logit += math.log(fx.long_odds) if float(values["draft_words"]) >= 300 else 0.0  # type: ignore[arg-type]
        p = 1 / (1 + math.exp(-logit))
        if lag >= 240:
            p *= fx.late_factor
        if search == fx.dead_search:
            p = 0.0
        values["drafted_at"] = min(drafted, submitted)
        if rng.random() < p:
            stage, stamps = Stage.REPLIED, {"replied_at": submitted + timedelta(hours=20)}
        else:
            stage, stamps = Stage.LOST, {"lost_at": submitted + timedelta(days=10)}
        cards.append(JobCard(**values, stage=stage, submitted_at=submitted, **stamps))  # type: ignore[arg-type]
    return cards


def put_on_board(gateway: BoardGateway, notion: Notion, cards: list[JobCard]) -> None:
    """Create ``cards`` as bidboard would (New or Drafted) and move each on to its stage as a
    person does on the board (bidboard itself never writes a person's stage)."""
    for card in cards:
        stage = card.stage
        machine = Stage.DRAFTED if card.drafted_at is not None else Stage.NEW
        ref = gateway.create_card(card.model_copy(update={"stage": machine}))
        if stage is not None and stage != machine:
            notion.call(
                "person moves the card",
                notion.client.pages.update,
                ref.page_id,
                safe=True,
                properties={"Stage": {"select": {"name": stage.value}}},
            )
