"""The label readers: money, budgets, dates without years, skills, client facts, job keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bidboard.alerts import fields as f
from bidboard.alerts import jobkey

#: when the alerts came (an email's own Date header wins)
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.upwork.com/jobs/~01a1b2c3d4e5f6a7b8", "~01a1b2c3d4e5f6a7b8"),
        ("https://www.upwork.com/jobs/~01a1b2c3d4e5f6a7b8?source=rss", "~01a1b2c3d4e5f6a7b8"),
        (
            "https://www.upwork.com/jobs/Senior-Python-Dev_~01a1b2c3d4e5f6a7b8/",
            "~01a1b2c3d4e5f6a7b8",
        ),
        ("http://upwork.com/jobs/Title_~0123456789abcdef0123", "~0123456789abcdef0123"),
        ("https://www.upwork.com/jobs/~022074164276058730392", "~022074164276058730392"),
        (
            "https://www.upwork.com/jobs/Video-editor-with-effects_%7E01a7d08388f3ebc88a?source=rss",
            "~01a7d08388f3ebc88a",
        ),
        (  # a Vollna go-link in an awstrack redirect: the Upwork URL encoded three times
            "https://8bsy7h6k.r.us-west-2.awstrack.me/L0/https:%2F%2Fwww.vollna.com%2Fgo%3Fuid"
            "=7220%26pid=74835640%26url=https%25253A%252F%252Fwww.upwork.com%252Fjobs%252F"
            "~022074164276058730392/1/abc/def=474",
            "~022074164276058730392",
        ),
        ("https://www.upwork.com/jobs/%257E022050861570460031848", "~022050861570460031848"),
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
    assert jobkey.job_keys(f"see {url} now") == [key]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.upwork.com/nx/find-work/",
        "https://example.com/jobs/~01a1b2c3d4e5f6a7b8",
        "https://www.upwork.com/jobs/~short",
        "https://notupwork.com/jobs/~01a1b2c3d4e5f6a7b8",
        "https://www.upwork.com/jobs/~299999999999999999999",  # a publisher's placeholder
        "https://www.upwork.com/jobs/~01exampleJobUid12345",  # a vendor's example
        "https://www.upwork.com/jobs/~0212345",  # too short
        "https://www.upwork.com/jobs/~0220741642760587303921",  # one digit too many
        "https://link.t.upwork.com/ls/click?upn=u001.abc",  # click-tracked: no key in it
    ],
)
def test_no_key_where_there_is_none(url: str) -> None:
    assert jobkey.job_keys(url) == []


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
    assert f.posted("Jul 6, 2026 16:12", now) == datetime(2026, 7, 6, 16, 12, tzinfo=UTC)


def test_posted_with_a_weekday_and_no_year_takes_the_year_from_the_date_header() -> None:
    sent = datetime(2026, 9, 4, 9, 45, 49, tzinfo=UTC)
    assert f.posted("Fri, Sep 04", sent) == datetime(2026, 9, 4, tzinfo=UTC)
    assert f.posted("Thursday Dec 31", datetime(2027, 1, 1, tzinfo=UTC)) == datetime(
        2026, 12, 31, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [("38'295 USD", 38295.0), ("1,272.80 USD", 1272.8), ("$166K", 166000.0)],
)
def test_money_in_the_forms_alert_services_write(text: str, value: float) -> None:
    assert f.money(text) == value


def test_vollna_budgets() -> None:
    assert f.budget("25 - 47 USD") == (25.0, 47.0)
    assert f.budget("500 USD") == (500.0, 500.0)


def test_todays_email_meta_line_splits_on_the_middle_dot() -> None:
    job = f.JobFields()
    sent = datetime(2026, 9, 4, 9, 45, tzinfo=UTC)
    line = "Hourly: $40.00 - $60.00 · Est. time: 3 to 6 months · Posted Fri, Sep 04"
    assert f.read_line(line, job, sent)
    assert job.values == {
        "budget_type": "hourly",
        "budget_min": 40.0,
        "budget_max": 60.0,
        "duration": "3 to 6 months",
        "posted_at": datetime(2026, 9, 4, tzinfo=UTC),
    }


@pytest.mark.parametrize(
    "line",
    [
        "Experience designing apps for the healthcare sector",
        "Skills and Qualifications",
        "Experience: 5+ years with Django",
        "Posted this before but nobody answered",
        "Budget is flexible for the right person",
    ],
)
def test_the_clients_own_text_is_not_a_label(line: str) -> None:
    job = f.JobFields()
    assert not f.read_line(line, job, RECEIVED)
    assert job.values == {}


def test_derived_keys_are_stable_marked_and_accepted_by_the_model() -> None:
    from datetime import date

    from bidboard.alerts.alert import JobAlert

    one = jobkey.derived_key("FastAPI  backend!", "hourly", 40.0, 60.0, date(2026, 9, 4))
    assert one == jobkey.derived_key("fastapi backend", "hourly", 40, 60, date(2026, 9, 4))
    assert one != jobkey.derived_key("fastapi backend", "hourly", 40, 60, date(2026, 9, 5))
    assert one.startswith("~derived-") and jobkey.is_derived(one)
    alert = JobAlert(
        job_key=one,
        key_derived=True,
        url="https://link.t.upwork.com/ls/click?upn=u001.x",
        title="t",
        source="email",
        source_ref="r",
        received_at=datetime(2026, 9, 4, tzinfo=UTC),
    )
    assert alert.key_derived


@pytest.mark.parametrize(
    "key", ["~01abc", "~299999999999999999999", "~01exampleJobUid12345", "~derived-xyz", "~02"]
)
def test_the_model_rejects_keys_of_no_known_shape(key: str) -> None:
    from pydantic import ValidationError

    from bidboard.alerts.alert import JobAlert

    with pytest.raises(ValidationError):
        JobAlert(
            job_key=key,
            url="u",
            title="t",
            source="email",
            source_ref="r",
            received_at=datetime(2026, 9, 4, tzinfo=UTC),
        )


def test_skills_drop_the_more_marker() -> None:
    assert f.skills("Python, Django, +3 more") == ["Python", "Django"]
    assert f.skills("Django,     Python,     REST API    ") == ["Django", "Python", "REST API"]
    assert f.skills("+12") == []


def test_client_line_in_fragments() -> None:
    job = f.JobFields()
    assert f.read_line(
        "Payment unverified · Rating 4.9 · $1.2M spent · United States", job, RECEIVED
    )
    assert job.values == {
        "client_payment_verified": False,
        "client_rating": 4.9,
        "client_spend_usd": 1_200_000.0,
        "client_country": "United States",
    }


def test_unreadable_values_warn_not_crash() -> None:
    job = f.JobFields()
    assert f.read_line("Posted on: the day before yesterday-ish", job, RECEIVED)
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
