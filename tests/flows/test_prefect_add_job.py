"""What a person pastes in add-job's Custom run form, read as they wrote it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bidboard.alerts.manual import client_line, parse_pasted_job

#: when the alerts came (an email's own Date header wins)
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=UTC)

URL = "https://www.upwork.com/jobs/~01aa00bb11cc22dd33"


def pasted(*lines: str) -> object:
    outcome = parse_pasted_job(
        URL, "\n".join(["FastAPI backend", *lines, "We need a backend."]), RECEIVED
    )
    (job,) = outcome.alerts
    return job


@pytest.mark.parametrize(
    ("line", "verified", "rating", "spent", "country"),
    [
        (
            "Client: Payment method verified, 4.9 rating, $12K spent, United Kingdom",
            True,
            4.9,
            12_000,
            "United Kingdom",
        ),
        ("Payment method verified, 4.9 rating, $12,000 spent, Germany", True, 4.9, 12e3, "Germany"),
        ("Client: Payment unverified | rated 4.5 | $300 spent", False, 4.5, 300, None),
        ("Payment verified · Rating 4.9 · $79K spent", True, 4.9, 79_000, None),
        ("About the client: 5.0 stars; $1.2M spent; Canada", None, 5.0, 1_200_000, "Canada"),
    ],
)
def test_a_client_line_as_people_write_it(
    line: str, verified: bool | None, rating: float, spent: float, country: str | None
) -> None:
    job = pasted(line)
    assert job.client_payment_verified is verified  # type: ignore[attr-defined]
    assert job.client_rating == rating  # type: ignore[attr-defined]
    assert job.client_spend_usd == spent  # type: ignore[attr-defined]
    assert job.client_country == country  # type: ignore[attr-defined]
    assert job.description == "We need a backend."  # type: ignore[attr-defined]


def test_a_sentence_with_commas_is_not_a_client_line() -> None:
    assert client_line("We need a backend, fast, and well tested.") is None
    assert client_line("Payment on delivery, milestones agreed later") is None


@pytest.mark.parametrize(
    "skills",
    [
        "Skills: Python | API | Airtable",
        "Skills: Python, API, Airtable",
        "Skills: Python; API; Airtable",
        "Skills: Python · API · Airtable",
        "Skills: Python • API • Airtable",
        "Skills:\nPython\nAPI\nAirtable",
        "Skills:\nPython | API\nAirtable\n",
    ],
)
def test_skills_split_on_every_separator_and_new_lines(skills: str) -> None:
    job = pasted(skills)
    assert job.skills == ["Python", "API", "Airtable"]  # type: ignore[attr-defined]
    assert job.description == "We need a backend."  # type: ignore[attr-defined]


def test_a_link_that_is_not_a_job_says_what_to_give() -> None:
    outcome = parse_pasted_job("https://www.upwork.com/nx/find-work/", "Some job", RECEIVED)
    assert not outcome.alerts
    assert "https://www.upwork.com/jobs/~01" in outcome.quarantined[0].reason
