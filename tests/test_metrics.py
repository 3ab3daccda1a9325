"""``weekly_rollup``: every figure checked against numbers worked out by hand (comments show the
arithmetic), plus empty weeks, missing values, a year boundary and a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bidboard.metrics import (
    FIGURES,
    IsoWeek,
    last_weeks,
    reached,
    submitted_moment,
    weekly_rollup,
    weekly_rollups,
)
from bidboard.metrics_text import as_markdown, as_text
from bidboard.models import JobCard, Stage

BERLIN = ZoneInfo("Europe/Berlin")
W47 = IsoWeek(2026, 47)  # Mon 16 Nov to Sun 22 Nov 2026
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
NAMES = {"p1": "Shop API", "p2": "Scraper"}


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A Berlin wall-clock time in 2026 (CET, UTC+1, in November)."""
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def job(key: str, **values: Any) -> JobCard:
    return JobCard(job_key=key, name=f"Job {key}", **values)


def cards() -> list[JobCard]:
    return [
        # received in W47
        job("A", received_at=at(16, 10), score=80, drafted_at=at(16, 10, 30), drafted_by="template",
            saved_search="python-api", category="Web", portfolio_matches=["p1"],
            submitted_at=at(17, 10, 30), viewed_at=at(18, 9), won_at=at(20, 9), stage=Stage.WON,
            connects=16, contract_value=1200),
        job("B", received_at=at(16, 12), score=70, drafted_at=at(16, 12, 10), drafted_by="template",
            saved_search="python-api", category="Web", portfolio_matches=["p1", "p2"],
            submitted_at=at(18, 12, 10), viewed_at=at(19, 9), stage=Stage.VIEWED, connects=8),
        job("C", received_at=at(17, 8), score=40, saved_search="scraping", category="Data",
            stage=Stage.NEW),
        # Sunday 23:30 in Berlin is still W47 (22:30 UTC)
        job("D", received_at=at(22, 23, 30), score=65, drafted_at=at(22, 23, 50),
            drafted_by="openai", saved_search="scraping", category="Data", stage=Stage.DRAFTED),
        job("J", received_at=at(18, 7), score=55, submitted_at=at(18, 15), won_at=at(20, 15),
            stage=Stage.WON, connects=4),  # won, no contract value yet
        # Monday 00:30 in Berlin is W48, though it is still Sunday in UTC
        job("E", received_at=at(23, 0, 30), score=90, stage=Stage.NEW),
        # received in W46, submitted in W47: counted in W47's cohort
        job("F", received_at=at(9, 9), score=75, drafted_at=at(9, 10), drafted_by="openai",
            saved_search="python-api", category="Web", submitted_at=at(16, 9),
            lost_at=at(21, 9), stage=Stage.LOST, connects=12),
        # moved past Submitted without a stop there: its cohort is its first later stamp (17th)
        job("G", received_at=at(10, 9), score=50, saved_search="scraping",
            replied_at=at(17, 11), interview_at=at(18, 11), stage=Stage.INTERVIEW),
        # W46's only proposal
        job("H", received_at=at(9, 9), score=62, drafted_at=at(9, 9, 30), drafted_by="template",
            submitted_at=at(10, 9, 30), stage=Stage.SUBMITTED, connects=10),
    ]  # fmt: skip


def test_every_figure_of_a_week_by_hand() -> None:
    r = weekly_rollup(cards(), W47, BERLIN, now=NOW, shortlist_at=60, portfolio_names=NAMES)
    f = r.figures
    # funnel by week received: A B C D J
    assert (f["Alerts"], f["Shortlisted"], f["Drafted"]) == (5, 3, 3)  # 80 70 65 ≥ 60; A B D
    # cohort by week submitted: A(17th) B(18th) F(16th) G(via replied 17th) J(18th)
    assert f["Submitted"] == 5
    assert f["Viewed"] == 4  # A (won ⇒ viewed), B, G (interview ⇒ viewed), J (won)
    assert f["Replied"] == 3  # A, G, J
    assert f["Interviews"] == 3  # A, G, J: won counts as having passed Interview
    assert f["Won"] == 2  # A, J
    assert f["Revenue"] == 1200  # A 1200 + J no value (0)
    assert f["Connects spent"] == 40  # 16 + 8 + 12 + 4, G has none
    assert f["View rate"] == pytest.approx(0.8)
    assert f["Reply rate"] == pytest.approx(0.6)
    assert f["Interview rate"] == pytest.approx(0.6)
    assert f["Win rate"] == pytest.approx(0.4)
    assert f["Revenue per proposal"] == pytest.approx(240)  # 1200 / 5
    assert f["Revenue per connect"] == pytest.approx(30)  # 1200 / 40
    assert f["Median minutes to draft"] == pytest.approx(20)  # A 30, B 10, D 20
    # drafted → submitted: A 24 h, B 48 h, F 9 Nov 10:00 → 16 Nov 09:00 = 167 h; G J undrafted
    assert f["Median hours to submit"] == pytest.approx(48)
    assert r.won_without_value == 1
    assert r.maturing  # ended 23 Nov, 14 days later is 7 Dec
    assert r.start == at(16, 0) and r.end == at(23, 0)


def test_change_against_the_previous_week() -> None:
    r = weekly_rollup(cards(), W47, BERLIN, now=NOW, shortlist_at=60, portfolio_names=NAMES)
    p = r.previous
    # W46: received F G H (75 50 62 → 2 shortlisted; F H drafted, 60 and 30 minutes)
    assert (p["Alerts"], p["Shortlisted"], p["Drafted"]) == (3, 2, 2)
    assert p["Median minutes to draft"] == pytest.approx(45)
    # cohort: H only, submitted 24 h after its draft, not viewed
    assert (p["Submitted"], p["Viewed"], p["View rate"], p["Revenue per proposal"]) == (1, 0, 0, 0)
    assert p["Connects spent"] == 10 and p["Revenue per connect"] == 0
    assert p["Median hours to submit"] == pytest.approx(24)
    assert r.change("Alerts") == 2
    assert r.change("Submitted") == 4
    assert r.change("View rate") == pytest.approx(0.8)
    assert r.change("Revenue") == 1200
    assert r.change("Median hours to submit") == pytest.approx(24)


def test_breakdowns_by_search_category_portfolio_and_drafter() -> None:
    r = weekly_rollup(cards(), W47, BERLIN, now=NOW, shortlist_at=60, portfolio_names=NAMES)

    def rows(key: str) -> dict[str, tuple[Any, ...]]:
        return {
            name: (f["Alerts"], f["Drafted"], f["Submitted"], f["Viewed"], f["Won"], f["Revenue"])
            for name, f in r.breakdowns[key]
        }

    # python-api: received A B; cohort A B F (A won 1200)
    assert rows("saved_search") == {
        "python-api": (2, 2, 3, 2, 1, 1200),
        "scraping": (2, 1, 1, 1, 0, 0),  # received C D; cohort G
        "(none)": (1, 0, 1, 1, 1, 0),  # J
    }
    assert [name for name, _ in r.breakdowns["saved_search"]] == [
        "python-api",  # most proposals first
        "scraping",  # then most alerts
        "(none)",
    ]
    assert rows("category") == {
        "Web": (2, 2, 3, 2, 1, 1200),
        "Data": (2, 1, 0, 0, 0, 0),
        "(none)": (1, 0, 2, 2, 1, 0),  # J received; G J cohort
    }
    assert rows("portfolio") == {
        "Shop API": (2, 2, 2, 2, 1, 1200),  # A B
        "Scraper": (1, 1, 1, 1, 0, 0),  # B
        "(none)": (3, 1, 3, 2, 1, 0),  # C D J received; F G J cohort
    }
    assert rows("drafter") == {
        "template": (2, 2, 2, 2, 1, 1200),
        "openai": (1, 1, 1, 0, 0, 0),  # D received, F cohort (lost)
        "(not drafted)": (2, 0, 2, 2, 1, 0),  # C J received; G J cohort
    }
    python = dict(r.breakdowns["saved_search"])["python-api"]
    assert python["View rate"] == pytest.approx(2 / 3)
    assert python["Revenue per proposal"] == pytest.approx(400)


def test_an_empty_week_has_zero_counts_and_no_rates() -> None:
    r = weekly_rollup(cards(), IsoWeek(2026, 30), BERLIN, now=NOW)
    assert all(r.figures[n] == 0 for n in ("Alerts", "Submitted", "Won", "Revenue"))
    for name in ("View rate", "Win rate", "Revenue per proposal", "Revenue per connect",
                 "Median minutes to draft", "Median hours to submit"):  # fmt: skip
        assert r.figures[name] is None, name
    assert r.breakdowns == {
        **{"saved_search": [], "category": [], "portfolio": [], "drafter": []},
        **{"speed": [], "wait": []},  # speed to lead
    }
    assert not r.maturing
    text = as_text(r)
    assert "View rate" in text and "—" in text
    assert weekly_rollup([], W47, BERLIN, now=NOW).figures["Alerts"] == 0


def test_missing_values_are_counted_as_documented() -> None:
    odd = [
        job("x1"),  # nothing at all: in no week
        job("x2", stage=Stage.SUBMITTED, received_at=at(17, 9)),  # no stamp yet: not counted
        job("x3", received_at=at(17, 9), drafted_at=at(17, 8)),  # drafted "before" received
        job("x4", won_at=at(18, 9), stage=Stage.WON),  # won, no value, no connects, no draft
    ]
    r = weekly_rollup(odd, W47, BERLIN, now=NOW)
    f = r.figures
    assert (f["Alerts"], f["Drafted"], f["Median minutes to draft"]) == (2, 1, None)
    assert (f["Submitted"], f["Won"], f["Revenue"], f["Connects spent"]) == (1, 1, 0, 0)
    assert f["Revenue per connect"] is None and f["Median hours to submit"] is None
    assert (r.won_without_value, r.unstamped_proposals) == (1, 1)
    assert "no Contract value" in as_markdown(r) and "no stamp yet" in as_markdown(r)


def test_reached_and_submitted_moment() -> None:
    assert reached(job("a", stage=Stage.REVIEWING)) == 0
    assert reached(job("a", stage=Stage.LOST)) == 1
    assert reached(job("a", stage=Stage.SUBMITTED, won_at=at(1, 1))) == 5  # moved back after
    assert submitted_moment(job("a", viewed_at=at(5, 1), lost_at=at(3, 1))) == at(3, 1)
    assert submitted_moment(job("a", submitted_at=at(9, 1), viewed_at=at(5, 1))) == at(9, 1)


def test_weeks_across_a_year_boundary() -> None:
    # 2026 has 53 ISO weeks; 1 Jan 2027 is in 2026-W53, and 2027-W01 starts on 4 Jan
    assert IsoWeek(2027, 1).previous() == IsoWeek(2026, 53)
    assert IsoWeek(2026, 53).next() == IsoWeek(2027, 1)
    new_york = ZoneInfo("America/New_York")
    late = job("ny1", received_at=datetime(2027, 1, 4, 3, 0, tzinfo=UTC))  # Sun 3 Jan 22:00 NY
    early = job("ny2", received_at=datetime(2027, 1, 4, 6, 0, tzinfo=UTC))  # Mon 4 Jan 01:00 NY
    new_year = job("ny3", received_at=datetime(2027, 1, 1, 12, 0, tzinfo=UTC))
    rollups = weekly_rollups(
        [late, early, new_year], [IsoWeek(2026, 53), IsoWeek(2027, 1)], new_york, now=NOW
    )
    assert rollups[IsoWeek(2026, 53)].figures["Alerts"] == 2
    assert rollups[IsoWeek(2027, 1)].figures["Alerts"] == 1
    assert rollups[IsoWeek(2027, 1)].previous["Alerts"] == 2
    assert last_weeks(datetime(2027, 1, 5, tzinfo=UTC), new_york, 2) == [
        IsoWeek(2026, 52),
        IsoWeek(2026, 53),
    ]


def test_a_week_with_a_daylight_saving_change() -> None:
    # Berlin leaves summer time on Sun 25 Oct 2026: 2026-W43 is 169 hours long
    week = IsoWeek(2026, 43)
    span = week.end(BERLIN).astimezone(UTC) - week.start(BERLIN).astimezone(UTC)
    assert span == timedelta(hours=169)
    before = job("d1", received_at=datetime(2026, 10, 25, 22, 30, tzinfo=UTC))  # 23:30 CET Sun
    after = job("d2", received_at=datetime(2026, 10, 25, 23, 30, tzinfo=UTC))  # 00:30 CET Mon
    summer = job("d3", received_at=datetime(2026, 10, 18, 22, 30, tzinfo=UTC))  # Mon 00:30 CEST
    drafted = job(  # both 02:30 on the Berlin clock, an hour apart, as Notion writes them
        "d4",
        received_at=datetime.fromisoformat("2026-10-25T02:30:00+02:00"),
        drafted_at=datetime.fromisoformat("2026-10-25T02:30:00+01:00"),
    )
    r = weekly_rollup([before, after, summer, drafted], week, BERLIN, now=NOW)
    assert r.figures["Alerts"] == 3  # d1, d3, d4; d2 is in W44
    assert r.figures["Median minutes to draft"] == pytest.approx(60)  # real elapsed time


def test_iso_week_parsing_names_what_is_wrong() -> None:
    assert IsoWeek.parse("2026-W47") == W47 and str(W47) == "2026-W47"
    with pytest.raises(ValueError, match="write it like 2026-W47"):
        IsoWeek.parse("2026-47")
    with pytest.raises(ValueError, match="2025-W53 is not an ISO week"):
        IsoWeek.parse("2025-W53")


def test_markdown_and_json_carry_every_figure() -> None:
    r = weekly_rollup(cards(), W47, BERLIN, now=NOW, portfolio_names=NAMES)
    md = as_markdown(r)
    for name in FIGURES:
        assert f"| {name} |" in md
    assert "| 80.0% | 0.0% | +80.0 pts |" in md  # view rate, previous, change
    assert "still maturing" in md
    data = r.as_json()
    assert data["week"] == "2026-W47" and data["figures"]["Won"] == 2
    assert data["change"]["Submitted"] == 4
