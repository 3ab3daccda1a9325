"""The label readers: money, budgets, dates without years, skills, client facts, job keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bidboard.alerts import fields as f


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.upwork.com/jobs/~01a1b2c3d4e5f6a7b8", "~01a1b2c3d4e5f6a7b8"),
        ("https://www.upwork.com/jobs/~01a1b2c3d4e5f6a7b8?source=rss", "~01a1b2c3d4e5f6a7b8"),
        (
            "https://www.upwork.com/jobs/Senior-Python-Dev_~01a1b2c3d4e5f6a7b8/",
            "~01a1b2c3d4e5f6a7b8",
        ),
        ("http://upwork.com/jobs/Title_~0123456789abcdef", "~0123456789abcdef"),
        (
            "https://www.upwork.com/freelance-jobs/apply/Foo-Bar_~01ff00ff00ff00ff00/",
            "~01ff00ff00ff00ff00",
        ),
        (
            "https://www.upwork.com/ab/proposals/job/~01abcdef0123456789/apply/",
            "~01abcdef0123456789",
        ),
    ],
)
def test_job_keys_from_every_url_shape(url: str, key: str) -> None:
    assert f.job_keys(f"see {url} now") == [key]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.upwork.com/nx/find-work/",
        "https://example.com/jobs/~01a1b2c3d4e5f6a7b8",
        "https://www.upwork.com/jobs/~short",
        "https://notupwork.com/jobs/~01a1b2c3d4e5f6a7b8",
    ],
)
def test_no_key_where_there_is_none(url: str) -> None:
    assert f.job_keys(url) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$1,500.00", 1500.0),
        ("$79K", 79000.0),
        ("$79k+", 79000.0),
        ("$1.2M", 1_200_000.0),
        ("$0", 0.0),
        ("spent $12.5K", 12500.0),
        ("nothing", None),
    ],
)
def test_money(text: str, value: float | None) -> None:
    assert f.money(text) == value


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("$40.00 - $60.00", 40.0, 60.0),
        ("$10.00-$25.00", 10.0, 25.0),
        ("$40 – $60", 40.0, 60.0),
        ("$1,500.00", 1500.0, 1500.0),
        ("$0.00 - $0.00", None, None),
        ("$0.00 - $50.00", None, 50.0),
        ("", None, None),
    ],
)
def test_budget(text: str, low: float | None, high: float | None) -> None:
    assert f.budget(text) == (low, high)


def test_posted_without_a_year_takes_it_from_the_email() -> None:
    august = datetime(2026, 8, 27, 9, 0, tzinfo=UTC)
    assert f.posted("Aug 26", august) == datetime(2026, 8, 26, tzinfo=UTC)
    january = datetime(2027, 1, 2, 7, 0, tzinfo=UTC)
    assert f.posted("Dec 31", january) == datetime(2026, 12, 31, tzinfo=UTC)
    assert f.posted("Jan 2", january) == datetime(2027, 1, 2, tzinfo=UTC)
    assert f.posted("Feb 29", datetime(2027, 3, 1, tzinfo=UTC)) is None  # no such day


def test_posted_other_forms() -> None:
    now = datetime(2026, 8, 26, 12, 0, tzinfo=UTC)
    assert f.posted("December 18, 2022 12:55 UTC", now) == datetime(
        2022, 12, 18, 12, 55, tzinfo=UTC
    )
    assert f.posted("3 hours ago", now) == now - timedelta(hours=3)
    assert f.posted("2026-08-25T10:00:00Z", now) == datetime(2026, 8, 25, 10, tzinfo=UTC)
    assert f.posted("Sun, 18 Dec 2022 12:55:00 +0000", now) == datetime(
        2022, 12, 18, 12, 55, tzinfo=UTC
    )
    assert f.posted("sometime soon", now) is None


def test_skills_drop_the_more_marker() -> None:
    assert f.skills("Python, Django, +3 more") == ["Python", "Django"]
    assert f.skills("Django,     Python,     REST API    ") == ["Django", "Python", "REST API"]
    assert f.skills("+12") == []


def test_client_line_in_fragments() -> None:
    job = f.JobFields()
    assert f.read_line("Payment unverified · Rating 4.9 · $1.2M spent · United States", job, None)
    assert job.values == {
        "client_payment_verified": False,
        "client_rating": 4.9,
        "client_spend_usd": 1_200_000.0,
        "client_country": "United States",
    }


def test_unreadable_values_warn_not_crash() -> None:
    job = f.JobFields()
    assert f.read_line("Posted on: the day before yesterday-ish", job, None)
    assert job.values == {}
    assert job.warnings and "posted_at" in job.warnings[0]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Expert", "Expert"),
        ("Entry level", "Entry"),
        ("Intermediate (intermediate)", "Intermediate"),
        ("Guru", None),
    ],
)
def test_experience(text: str, level: str | None) -> None:
    assert f.experience(text) == level
