"""What gets replies: on synthetic histories with known effects the insights recover each effect's
direction and size; on histories with no effect nothing is significant more often than stated."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from bidboard.insights import ALPHA, MIN_COUNT, group_line, insights, speed_bucket, wilson
from bidboard.models import JobCard, Stage
from bidboard.synthetic import NO_EFFECT, Effects, history
from tests.support.notion import Board

# Tolerances (stated in the README): with 6,000 proposals the odds ratio of payment verified is
# recovered within 25 % of the true 2.0, the late/early reply-rate ratio within 0.15 of 0.5.
PAYMENT_TOLERANCE = 0.25
LATE_TOLERANCE = 0.15


def test_wilson_interval_by_hand() -> None:
    low, high = wilson(10, 100)  # a textbook value: 5.52 % to 17.44 %
    assert math.isclose(low, 0.0552, abs_tol=5e-4) and math.isclose(high, 0.1744, abs_tol=5e-4)
    assert wilson(0, 0) == (0.0, 1.0)
    assert math.isclose(wilson(0, 50)[0], 0, abs_tol=1e-12) and wilson(0, 50)[1] < 0.08


def test_payment_verified_doubling_the_odds_is_recovered() -> None:
    cards = history(6000, seed=11, effects=Effects(dead_search=None, late_factor=1.0))
    report = insights(cards)
    rate = report.group("Payment verified", "yes").rates["replied"]
    assert rate.significant and rate.odds_ratio is not None
    assert abs(rate.odds_ratio / 2.0 - 1) < PAYMENT_TOLERANCE
    assert rate.odds_low is not None and rate.odds_low < 2.0 < (rate.odds_high or 0)
    no = report.group("Payment verified", "no").rates["replied"]
    assert no.significant and (no.odds_ratio or 1) < 1


def test_a_search_that_never_replies_is_found() -> None:
    report = insights(history(6000, seed=12, effects=Effects(payment_odds=1.0, late_factor=1.0)))
    dead = report.group("Saved search", "Dead search").rates["replied"]
    assert dead.count == 0 and dead.rate == 0 and dead.high < 0.01 and dead.significant
    others = [g for g in report.groups["Saved search"] if g.name != "Dead search"]
    assert all(g.rates["replied"].rate > 0.1 for g in others)


def test_replies_halving_after_four_hours_is_found() -> None:
    cards = history(6000, seed=13, effects=Effects(payment_odds=1.0, dead_search=None))
    report = insights(cards)
    speed = {g.name: g for g in report.groups["Posting to submission"]}
    early = sum(speed[b].outcomes["replied"] for b in ("< 15 min", "15-60 min", "1-4 h"))
    early_n = sum(speed[b].proposals for b in ("< 15 min", "15-60 min", "1-4 h"))
    late = sum(speed[b].outcomes["replied"] for b in ("4-24 h", "> 24 h"))
    late_n = sum(speed[b].proposals for b in ("4-24 h", "> 24 h"))
    assert abs((late / late_n) / (early / early_n) - 0.5) < LATE_TOLERANCE
    assert speed["4-24 h"].rates["replied"].significant
    assert (speed["4-24 h"].rates["replied"].odds_ratio or 1) < 1
    assert list(speed) == ["< 15 min", "15-60 min", "1-4 h", "4-24 h", "> 24 h"]  # in order


def test_no_effect_is_significant_no_more_often_than_stated() -> None:
    """120 histories with no effect, ~40 groups each: the share of reports marking anything
    significant stays within the stated family-wise rate (5 %) plus binomial slack."""
    runs, flagged, groups = 120, 0, 0
    for seed in range(runs):
        report = insights(history(1500, seed=1000 + seed, effects=NO_EFFECT))
        groups = max(groups, report.tests["replied"])
        flagged += bool(report.significant("replied"))
    assert groups >= 35
    # binomial(120, 0.05): mean 6, P(X > 13) < 0.5 %
    assert flagged <= 13, flagged


def test_the_uncorrected_test_would_cry_wolf() -> None:
    """The correction matters: at alpha per group, most no-effect reports flag something."""
    crying = 0
    for seed in range(20):
        report = insights(history(1500, seed=2000 + seed, effects=NO_EFFECT))
        crying += any(
            r.p_value < ALPHA
            for rows in report.groups.values()
            for g in rows
            for r in g.rates.values()
        )
    assert crying >= 10


def test_small_groups_are_shown_as_such_never_as_a_rate() -> None:
    cards = history(400, seed=5)
    few = cards[: MIN_COUNT - 1]
    for card in few:
        card.client_country = "Iceland"
    report = insights(cards)
    iceland = report.group("Country", "Iceland")
    assert iceland.too_few and iceland.rates == {} and iceland.proposals == MIN_COUNT - 1
    assert "no rate" in group_line(iceland) and "%" not in group_line(iceland)
    shown = {g["name"]: g for g in report.as_json()["groups"]["Country"]}
    assert shown["Iceland"]["too_few"] and shown["Iceland"]["rates"] == {}


def test_only_proposals_count_and_outcomes_follow_the_stamps() -> None:
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    cards = [
        JobCard(job_key="a", name="a", stage=Stage.NEW, received_at=now),
        JobCard(job_key="b", name="b", stage=Stage.SKIPPED, received_at=now),
        JobCard(job_key="c", name="c", stage=Stage.WON, submitted_at=now, won_at=now),
        JobCard(job_key="d", name="d", stage=Stage.LOST, submitted_at=now),
    ]
    report = insights(cards, min_count=1)
    assert report.proposals == 2
    assert report.outcomes == {"replied": 1, "interview": 1, "won": 1}


def test_speed_buckets_edges() -> None:
    assert [speed_bucket(m) for m in (0, 14.9, 15, 59.9, 60, 239, 240, 1439, 1440, None)] == [
        "< 15 min",
        "< 15 min",
        "15-60 min",
        "15-60 min",
        "1-4 h",
        "1-4 h",
        "4-24 h",
        "4-24 h",
        "> 24 h",
        "(unknown)",
    ]
    assert speed_bucket(-timedelta(minutes=3).total_seconds()) == "(unknown)"


def test_the_weekly_rollup_breaks_down_by_speed_to_lead() -> None:
    from zoneinfo import ZoneInfo

    from bidboard.metrics import IsoWeek, as_markdown, weekly_rollup

    posted = datetime(2026, 11, 16, 9, tzinfo=UTC)  # W47
    cards = []
    for i, (lag, wait, replied) in enumerate(
        [(10, 5, True), (12, 8, False), (30, 20, True), (300, 290, False), (2000, 1990, False)]
    ):
        stamps = {"replied_at": posted + timedelta(days=2)} if replied else {}
        cards.append(
            JobCard(
                job_key=f"k{i}",
                name=f"Job {i}",
                stage=Stage.REPLIED if replied else Stage.SUBMITTED,
                posted_at=posted,
                received_at=posted,
                drafted_at=posted + timedelta(minutes=lag - wait),
                submitted_at=posted + timedelta(minutes=lag),
                **stamps,
            )
        )
    cards.append(JobCard(job_key="n", name="never sent", stage=Stage.NEW, received_at=posted))
    rollup = weekly_rollup(
        cards, IsoWeek(2026, 47), ZoneInfo("UTC"), now=posted + timedelta(days=30)
    )
    speed = dict(rollup.breakdowns["speed"])
    assert speed["< 15 min"]["Submitted"] == 2 and speed["< 15 min"]["Reply rate"] == 0.5
    assert speed["15-60 min"]["Reply rate"] == 1.0 and speed["4-24 h"]["Reply rate"] == 0.0
    assert speed["> 24 h"]["Submitted"] == 1 and speed["(not submitted)"]["Alerts"] == 1
    wait = dict(rollup.breakdowns["wait"])
    assert wait["< 15 min"]["Submitted"] == 2 and wait["15-60 min"]["Submitted"] == 1
    assert wait["4-24 h"]["Submitted"] == 1 and wait["> 24 h"]["Submitted"] == 1
    text = as_markdown(rollup)
    assert "## By posting to submission" in text and "## By drafted to submitted" in text


def test_the_what_gets_replies_page_is_one_page_rewritten_only_on_change(board: Board) -> None:
    from bidboard.notion.insights_page import TITLE, publish_page

    parent = board.workspace.parent_page_id
    report = insights(history(300, seed=31))
    first = publish_page(board.notion, parent, report)
    assert first.created and first.rewritten
    board.reset()
    again = publish_page(board.notion, parent, report)
    assert not again.created and not again.rewritten and again.page_id == first.page_id
    assert set(board.requests()) == {"GET /v1/blocks/{id}/children"}  # reads only
    changed = publish_page(board.notion, parent, insights(history(400, seed=32)))
    assert changed.rewritten and changed.page_id == first.page_id
    held = board.notion.client.blocks.children.list(first.page_id)["results"]
    text = " ".join("".join(i["plain_text"] for i in blk[blk["type"]]["rich_text"]) for blk in held)
    assert text.startswith("400 proposals") and "Reply rate by posting to submission" in text
    assert len(held) == 12  # a summary and one paragraph per dimension
    children = board.notion.client.blocks.children.list(parent)["results"]
    assert [c["child_page"]["title"] for c in children if c["type"] == "child_page"].count(
        TITLE
    ) == 1
