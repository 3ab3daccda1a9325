"""Weekly pipeline metrics, computed from cards alone (pure: no I/O, no clock).

The definitions (also in the README, section "Weekly metrics"):

* A week is an ISO week, Monday 00:00 to the next Monday 00:00 in the agency's timezone; a
  moment belongs to the week its local date falls in (so a daylight-saving change makes a week
  of 167 or 169 hours, and the first days of January may belong to the last week of the year
  before).
* Funnel, by the week a job was **received** (``Received at``): ``Alerts`` (cards),
  ``Shortlisted`` (score at or above the shortlist threshold), ``Drafted`` (``Drafted at`` set).
* Proposals, by the week the proposal was **submitted**, as a cohort. A card's submission moment
  is ``Submitted at``, or, when a person moved it past Submitted without stopping there, its
  earliest later stamp (Viewed, Replied, Interview, Won or Lost at). A card counts as having
  reached the furthest of the stages it is in or has a stamp for, and as having passed every stage
  before it (Submitted < Viewed < Replied < Interview < Won; Lost implies Submitted only).
  ``View rate`` = viewed ÷ submitted, and likewise reply, interview and win rates.
* ``Revenue`` = sum of ``Contract value`` over the cohort's won cards (a won card without a value
  counts 0 and is reported); ``Revenue per proposal`` = Revenue ÷ Submitted; ``Connects spent`` =
  sum of ``Connects`` over the cohort; ``Revenue per connect`` = Revenue ÷ Connects spent.
* ``Median minutes to draft``: received → drafted, over the week's received cards that were
  drafted. ``Median hours to submit``: drafted → submitted, over the cohort's drafted cards.
* A rate or ratio with nothing to divide by is empty (``None``), never 0.
* Breakdowns repeat the figures by saved search, category, matched portfolio item (a card that
  matched several items counts under each) and drafter, and by speed to lead: minutes from
  ``Posted at`` to the submission moment, and from ``Drafted at`` to it (buckets < 15 min,
  15-60 min, 1-4 h, 4-24 h, > 24 h; ``(unknown)`` without the moment, ``(not submitted)``).
* Change: each figure minus the previous week's.
* A week is **maturing** while it ended less than 14 days ago: its proposals may still be viewed,
  answered or won, so its rates will still rise.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bidboard.models import STAMPS, JobCard, Stage

MATURING = timedelta(days=14)

# How far along the proposal funnel a stage or stamp takes a card.
_SUBMITTED, _VIEWED, _REPLIED, _INTERVIEW, _WON = 1, 2, 3, 4, 5
_STAGE_LEVEL = {
    Stage.SUBMITTED: _SUBMITTED,
    Stage.VIEWED: _VIEWED,
    Stage.REPLIED: _REPLIED,
    Stage.INTERVIEW: _INTERVIEW,
    Stage.WON: _WON,
    Stage.LOST: _SUBMITTED,
}
_STAMP_LEVEL = tuple((stamp, _STAGE_LEVEL[stage]) for stage, stamp in STAMPS.items())
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")

#: The figures of a week, in the order they are shown (names as in the Weekly metrics database).
FIGURES = (
    "Alerts",
    "Shortlisted",
    "Drafted",
    "Submitted",
    "Viewed",
    "Replied",
    "Interviews",
    "Won",
    "Revenue",
    "Connects spent",
    "View rate",
    "Reply rate",
    "Interview rate",
    "Win rate",
    "Revenue per proposal",
    "Revenue per connect",
    "Median minutes to draft",
    "Median hours to submit",
)
RATES = frozenset({"View rate", "Reply rate", "Interview rate", "Win rate"})
MONEY = frozenset({"Revenue", "Revenue per proposal", "Revenue per connect"})
BREAKDOWNS = (
    ("saved_search", "Saved search"),
    ("category", "Category"),
    ("portfolio", "Portfolio item"),
    ("drafter", "Drafter"),
)
#: Speed to lead: in every rollup's ``breakdowns`` (and its text and markdown), kept apart from
#: ``BREAKDOWNS`` so that the weekly page shows them only where it chooses to.
SPEED_BREAKDOWNS = (
    ("speed", "Posting to submission"),
    ("wait", "Drafted to submitted"),
)
#: Speed-to-lead buckets: minutes from posting to submission, and from drafted to submitted.
SPEED_BUCKETS = ("< 15 min", "15-60 min", "1-4 h", "4-24 h", "> 24 h")


def speed_bucket(minutes: float | None) -> str:
    """The bucket of a wait in minutes; ``(unknown)`` without both moments (or if negative)."""
    if minutes is None or minutes < 0:
        return "(unknown)"
    for edge, name in zip((15, 60, 240, 1440), SPEED_BUCKETS, strict=False):
        if minutes < edge:
            return name
    return SPEED_BUCKETS[-1]


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else _elapsed(start, end) / 60


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __post_init__(self) -> None:
        try:
            date.fromisocalendar(self.year, self.week, 1)
        except ValueError:
            raise ValueError(f"{self.year}-W{self.week:02d} is not an ISO week") from None

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = _WEEK.match(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not an ISO week: write it like 2026-W47")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, moment: datetime, tz: ZoneInfo) -> IsoWeek:
        year, week, _ = moment.astimezone(tz).isocalendar()
        return cls(year, week)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def start(self, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.monday(), time(0), tzinfo=tz)

    def end(self, tz: ZoneInfo) -> datetime:
        return self.next().start(tz)

    def next(self) -> IsoWeek:
        year, week, _ = (self.monday() + timedelta(days=7)).isocalendar()
        return IsoWeek(year, week)

    def previous(self) -> IsoWeek:
        year, week, _ = (self.monday() - timedelta(days=7)).isocalendar()
        return IsoWeek(year, week)

    def __str__(self) -> str:
        return self.label


def last_weeks(now: datetime, tz: ZoneInfo, count: int) -> list[IsoWeek]:
    """The ``count`` complete weeks before the one ``now`` is in, oldest first."""
    week = IsoWeek.of(now, tz)
    weeks = []
    for _ in range(count):
        week = week.previous()
        weeks.append(week)
    return weeks[::-1]


def submitted_moment(card: JobCard) -> datetime | None:
    """When the card's proposal went out, as far as the board tells (see the module doc)."""
    if card.submitted_at is not None:
        return card.submitted_at
    later = [getattr(card, name) for name, _ in _STAMP_LEVEL[1:] if getattr(card, name) is not None]
    return min(later) if later else None


def reached(card: JobCard) -> int:
    """0 (never submitted) to 5 (won): the furthest proposal stage the card has reached."""
    level = _STAGE_LEVEL.get(card.stage, 0) if card.stage is not None else 0
    for name, stamp_level in _STAMP_LEVEL:
        if getattr(card, name) is not None:
            level = max(level, stamp_level)
    return level


def _elapsed(start: datetime, end: datetime) -> float:
    """Real seconds between two moments (in UTC: a same-zone subtraction would ignore DST)."""
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds()


@dataclass
class _Tally:
    alerts: int = 0
    shortlisted: int = 0
    drafted: int = 0
    submitted: int = 0
    viewed: int = 0
    replied: int = 0
    interviews: int = 0
    won: int = 0
    revenue: float = 0.0
    connects: float = 0.0
    won_without_value: int = 0
    draft_minutes: list[float] = field(default_factory=list)
    submit_hours: list[float] = field(default_factory=list)

    def received(self, card: JobCard, shortlist_at: float) -> None:
        self.alerts += 1
        if card.score is not None and card.score >= shortlist_at:
            self.shortlisted += 1
        if card.drafted_at is not None:
            self.drafted += 1
            if card.received_at is not None and card.drafted_at >= card.received_at:
                self.draft_minutes.append((card.drafted_at - card.received_at).total_seconds() / 60)

    def proposal(self, card: JobCard, submitted: datetime) -> None:
        level = reached(card)
        self.submitted += 1
        self.viewed += level >= _VIEWED
        self.replied += level >= _REPLIED
        self.interviews += level >= _INTERVIEW
        if level >= _WON:
            self.won += 1
            if card.contract_value is None:
                self.won_without_value += 1
            else:
                self.revenue += card.contract_value
        if card.connects is not None:
            self.connects += card.connects
        if card.drafted_at is not None and submitted >= card.drafted_at:
            self.submit_hours.append(_elapsed(card.drafted_at, submitted) / 3600)

    def figures(self) -> dict[str, float | None]:
        def ratio(a: float, b: float) -> float | None:
            return a / b if b else None

        return {
            "Alerts": self.alerts,
            "Shortlisted": self.shortlisted,
            "Drafted": self.drafted,
            "Submitted": self.submitted,
            "Viewed": self.viewed,
            "Replied": self.replied,
            "Interviews": self.interviews,
            "Won": self.won,
            "Revenue": self.revenue,
            "Connects spent": self.connects,
            "View rate": ratio(self.viewed, self.submitted),
            "Reply rate": ratio(self.replied, self.submitted),
            "Interview rate": ratio(self.interviews, self.submitted),
            "Win rate": ratio(self.won, self.submitted),
            "Revenue per proposal": ratio(self.revenue, self.submitted),
            "Revenue per connect": ratio(self.revenue, self.connects),
            "Median minutes to draft": statistics.median(self.draft_minutes)
            if self.draft_minutes
            else None,
            "Median hours to submit": statistics.median(self.submit_hours)
            if self.submit_hours
            else None,
        }


@dataclass
class WeeklyRollup:
    week: IsoWeek
    timezone: str
    start: datetime
    end: datetime
    figures: dict[str, float | None]
    previous: dict[str, float | None]
    maturing: bool
    breakdowns: dict[str, list[tuple[str, dict[str, float | None]]]]
    won_without_value: int = 0
    unstamped_proposals: int = 0

    def change(self, name: str) -> float | None:
        now, before = self.figures.get(name), self.previous.get(name)
        if now is None or before is None:
            return None
        return now - before

    def as_json(self) -> dict[str, Any]:
        return {
            "week": self.week.label,
            "timezone": self.timezone,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "maturing": self.maturing,
            "figures": self.figures,
            "previous_week": self.previous,
            "change": {name: self.change(name) for name in FIGURES},
            "breakdowns": {
                key: [{"name": name, **figures} for name, figures in rows]
                for key, rows in self.breakdowns.items()
            },
            "notes": {
                "won_without_contract_value": self.won_without_value,
                "proposals_without_a_stamp": self.unstamped_proposals,
            },
        }


def _groups(card: JobCard, portfolio_names: dict[str, str]) -> dict[str, list[str]]:
    return {
        "saved_search": [card.saved_search or "(none)"],
        "category": [card.category or "(none)"],
        "portfolio": [portfolio_names.get(p, p) for p in dict.fromkeys(card.portfolio_matches)]
        or ["(none)"],
        "drafter": [card.drafted_by or "(not drafted)"],
        "speed": [_bucket_of(card, card.posted_at)],
        "wait": [_bucket_of(card, card.drafted_at)],
    }


_SPEED_KEYS = frozenset(key for key, _ in SPEED_BREAKDOWNS)
_SPEED_ORDER = (*SPEED_BUCKETS, "(unknown)", "(not submitted)")


def _speed_order(row: tuple[str, dict[str, float | None]]) -> tuple[int, str]:
    """Speed buckets in their own order (fastest first), not by count."""
    name = row[0]
    return (_SPEED_ORDER.index(name) if name in _SPEED_ORDER else len(_SPEED_ORDER), name)


def _bucket_of(card: JobCard, start: datetime | None) -> str:
    moment = submitted_moment(card)
    return "(not submitted)" if moment is None else speed_bucket(_minutes(start, moment))


def weekly_rollups(
    cards: Iterable[JobCard],
    weeks: Iterable[IsoWeek],
    tz: ZoneInfo,
    *,
    now: datetime,
    shortlist_at: float = 60,
    portfolio_names: dict[str, str] | None = None,
) -> dict[IsoWeek, WeeklyRollup]:
    """The rollups of several weeks in one pass over the cards (each with its previous week)."""
    wanted = set(weeks)
    names = portfolio_names or {}
    counted = wanted | {w.previous() for w in wanted}
    totals = {w: _Tally() for w in counted}
    by_group: dict[IsoWeek, dict[str, dict[str, _Tally]]] = {
        w: {key: {} for key, _ in BREAKDOWNS + SPEED_BREAKDOWNS} for w in wanted
    }
    unstamped = dict.fromkeys(wanted, 0)

    def tallies(week: IsoWeek, card: JobCard) -> list[_Tally]:
        found = [totals[week]]
        if week in wanted:
            for key, values in _groups(card, names).items():
                groups = by_group[week][key]
                found += [groups.setdefault(v, _Tally()) for v in values]
        return found

    for card in cards:
        if card.received_at is not None:
            week = IsoWeek.of(card.received_at, tz)
            if week in counted:
                for tally in tallies(week, card):
                    tally.received(card, shortlist_at)
        moment = submitted_moment(card)
        if moment is not None:
            week = IsoWeek.of(moment, tz)
            if week in counted:
                for tally in tallies(week, card):
                    tally.proposal(card, moment)
        elif reached(card) and card.received_at is not None:
            week = IsoWeek.of(card.received_at, tz)
            if week in unstamped:
                unstamped[week] += 1

    rollups = {}
    for week in sorted(wanted):
        rows = {
            key: sorted(
                ((name, tally.figures()) for name, tally in groups.items()),
                key=_speed_order
                if key in _SPEED_KEYS
                else lambda row: (-(row[1]["Submitted"] or 0), -(row[1]["Alerts"] or 0), row[0]),
            )
            for key, groups in by_group[week].items()
        }
        rollups[week] = WeeklyRollup(
            week=week,
            timezone=str(tz),
            start=week.start(tz),
            end=week.end(tz),
            figures=totals[week].figures(),
            previous=totals[week.previous()].figures(),
            maturing=now < week.end(tz) + MATURING,
            breakdowns=rows,
            won_without_value=totals[week].won_without_value,
            unstamped_proposals=unstamped[week],
        )
    return rollups


def weekly_rollup(
    cards: Iterable[JobCard],
    week: IsoWeek,
    tz: ZoneInfo,
    *,
    now: datetime,
    shortlist_at: float = 60,
    portfolio_names: dict[str, str] | None = None,
) -> WeeklyRollup:
    """The figures of one week (see the module doc for every definition)."""
    return weekly_rollups(
        cards, [week], tz, now=now, shortlist_at=shortlist_at, portfolio_names=portfolio_names
    )[week]
