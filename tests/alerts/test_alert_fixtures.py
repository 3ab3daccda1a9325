"""Every sample alert in tests/fixtures/alerts parses to what it should: a table of expectations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bidboard.inbox.files import parse_file
from tests.support.paths import FIXTURES as ALERTS

K = "~01a1b2c3d4e5f600"

# file -> (job keys, quarantine reasons, skip reasons, {job key: {field: value}})
EXPECTED: dict[str, tuple[list[str], list[str], list[str], dict[str, dict[str, Any]]]] = {
    "01-single-alert-qp.eml": (
        [f"{K}01"],
        [],
        [],
        {
            f"{K}01": {
                "title": "FastAPI backend for a logistics dashboard",
                "budget_type": "hourly",
                "budget_min": 40.0,
                "budget_max": 60.0,
                "skills": ["Python", "FastAPI", "PostgreSQL"],
                "experience_level": "Expert",
                "duration": "1 to 3 months",
                "client_country": "Germany",
                "client_payment_verified": True,
                "client_rating": 4.75,
                "client_spend_usd": 79000.0,
                "posted_at": datetime(2026, 8, 26, tzinfo=UTC),
                "received_at": datetime(2026, 8, 26, 9, 15, tzinfo=UTC),
                "source": "email",
                "url": f"https://www.upwork.com/jobs/{K}01",
                "description": "We need an experienced developer to build and maintain our "
                "backend.",
            }
        },
    ),
    "02-single-html-only-base64.eml": (
        [f"{K}02"],
        [],
        [],
        {
            f"{K}02": {
                "title": "Postgres query tuning for a SaaS app",
                "budget_type": "fixed",
                "budget_min": 1500.0,
                "budget_max": 1500.0,
                "skills": ["PostgreSQL", "SQL"],
                "client_spend_usd": 1_200_000.0,
                "client_rating": 4.92,
            }
        },
    ),
    "03-new-job-subject-text-only.eml": (
        [f"{K}03"],
        [],
        [],
        {
            f"{K}03": {
                "title": "WordPress theme tweaks",
                "budget_type": "hourly",
                "budget_min": None,
                "budget_max": None,
                "client_payment_verified": False,
                "experience_level": "Entry",
            }
        },
    ),
    "04-digest-five-jobs.eml": (
        [f"{K}0{i}" for i in range(1, 6)],
        [],
        [],
        {
            f"{K}05": {
                "title": "Notion + Zapier automation for a small agency",
                "client_country": "United Kingdom",
                "client_spend_usd": 12000.0,
            },
            f"{K}04": {
                "title": "Data pipeline in Airflow",
                "skills": ["Python", "Apache Airflow", "AWS"],
            },
        },
    ),
    "05-saved-search-alert.eml": (
        [f"{K}01", f"{K}02"],
        [],
        [],
        {f"{K}01": {"saved_search": "Python backend"}},
    ),
    "06-sender-t-upwork.eml": ([f"{K}04"], [], [], {}),
    "07-iso-8859-1.eml": (
        [f"{K}06"],
        [],
        [],
        {
            f"{K}06": {
                "title": "Traducción técnica español-alemán",
                "description": "Buscamos traductor con experiencia en documentación técnica. "
                "Größe: 20 Seiten.",
            }
        },
    ),
    "08-windows-1252.eml": (
        [f"{K}07"],
        [],
        [],
        {
            f"{K}07": {
                "title": "Résumé “polish” for a CFO",
                "description": "Edit a CFO’s résumé — 2 pages.",
            }
        },
    ),
    "09-wrong-charset-declared.eml": (
        [f"{K}08"],
        [],
        [],
        {f"{K}08": {"title": "Café menu site", "description": "Small café needs a menu page."}},
    ),
    "10-skills-plus-more.eml": (
        [f"{K}04"],
        [],
        [],
        {f"{K}04": {"skills": ["Python", "Apache Airflow", "AWS"]}},
    ),
    "11-client-spend-millions.eml": (
        [f"{K}02"],
        [],
        [],
        {f"{K}02": {"client_spend_usd": 1_200_000.0, "client_country": "United States"}},
    ),
    "12-payment-unverified.eml": (
        [f"{K}03"],
        [],
        [],
        {
            f"{K}03": {
                "client_payment_verified": False,
                "client_rating": None,
                "client_spend_usd": 0.0,
            }
        },
    ),
    "13-year-boundary.eml": (
        [f"{K}09"],
        [],
        [],
        {f"{K}09": {"posted_at": datetime(2026, 12, 31, tzinfo=UTC)}},
    ),
    "14-alert-without-job-key.eml": (
        [],
        ["no job link with a job key (~02… or ~01…) found"],
        [],
        {},
    ),
    "15-not-alert-newsletter.eml": ([], [], ["not an alert"], {}),
    "16-not-alert-personal.eml": ([], [], ["not an alert"], {}),
    "17-empty.eml": ([], ["empty message"], [], {}),
    "18-forwarded-gmail.eml": (
        [f"{K}05"],
        [],
        [],
        {f"{K}05": {"title": "Notion + Zapier automation for a small agency", "budget_min": 800.0}},
    ),
    "19-forwarded-outlook-html.eml": (
        [f"{K}01"],
        [],
        [],
        {f"{K}01": {"title": "FastAPI backend for a logistics dashboard"}},
    ),
    "20-slug-url.eml": (
        [f"{K}04"],
        [],
        [],
        {f"{K}04": {"url": f"https://www.upwork.com/jobs/{K}04"}},
    ),
    "21-broken-html.eml": (
        [f"{K}01"],
        [],
        [],
        # "</table<div>" is one end tag to an HTML5 parser (as to a browser): the skills and
        # the client line run together, and the client facts are still read
        {f"{K}01": {"client_rating": 4.75, "client_country": "Germany"}},
    ),
    "22-nested-multipart.eml": ([f"{K}02"], [], [], {}),
    "23-html-entities.eml": (
        [f"{K}10"],
        [],
        [],
        {
            f"{K}10": {
                "title": "Q&A bot – Slack & Discord",
                "description": "Build a Q&A bot that's fast <1s.",
            }
        },
    ),
    "24-gmail-export.mbox": ([f"{K}01", f"{K}03", f"{K}04"], [], ["not an alert"], {}),
    "25-upwork-rss.xml": (
        ["~01b1b2c3d4e5f60001", "~01b1b2c3d4e5f60002"],
        [],
        [],
        {
            "~01b1b2c3d4e5f60001": {
                "title": "Senior Django developer",
                "budget_type": "hourly",
                "budget_min": 35.0,
                "budget_max": 70.0,
                "category": "Web Development",
                "client_country": "Australia",
                "skills": ["Django", "Python", "REST API"],
                "source": "feed",
                "posted_at": datetime(2022, 12, 18, 12, 55, tzinfo=UTC),
            },
            "~01b1b2c3d4e5f60002": {
                "budget_type": "fixed",
                "budget_min": 300.0,
                "client_country": "United States",
            },
        },
    ),
    "26-third-party-rss.rss": (["~01b1b2c3d4e5f60003"], [], [], {}),
    "27-atom-feed.atom": (
        ["~01b1b2c3d4e5f60004"],
        [],
        [],
        {"~01b1b2c3d4e5f60004": {"skills": ["React", "TypeScript"], "budget_max": 45.0}},
    ),
    "28-feed-item-without-key.rss": (
        ["~01b1b2c3d4e5f60005"],
        ["feed item without a job link with a job key (~02… or ~01…)"],
        [],
        {},
    ),
    "29-json-alerts.json": (
        ["~01c1b2c3d4e5f60001", "~01c1b2c3d4e5f60002"],
        [],
        [],
        {
            "~01c1b2c3d4e5f60001": {
                "extra": {"tool": "alertbot", "tool_score": 0.93},
                "source": "json",
                "client_rating": 4.8,
            },
            "~01c1b2c3d4e5f60002": {"client_country": "Sweden", "skills": []},
        },
    ),
    "30-json-single.json": (
        ["~01c1b2c3d4e5f60003"],
        [],
        [],
        {"~01c1b2c3d4e5f60003": {"saved_search": "DevOps", "budget_type": None}},
    ),
    "31-json-missing-url.json": ([], ["missing url: every alert needs the Upwork job URL"], [], {}),
    "32-long-description-qp-soft-breaks.eml": ([f"{K}11"], [], [], {}),
}


def test_there_are_at_least_30_fixtures_and_all_are_expected() -> None:
    files = sorted(p.name for p in ALERTS.iterdir())
    assert len(files) >= 30
    assert files == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(name: str) -> None:
    keys, quarantined, skipped, fields = EXPECTED[name]
    outcome = parse_file(ALERTS / name)
    assert [a.job_key for a in outcome.alerts] == keys
    assert [q.reason for q in outcome.quarantined] == quarantined
    assert [s.reason for s in outcome.skipped] == skipped
    by_key = {a.job_key: a for a in outcome.alerts}
    for key, expected in fields.items():
        alert = by_key[key]
        for field, value in expected.items():
            assert getattr(alert, field) == value, f"{name} {key} {field}"
    for alert in outcome.alerts:
        assert alert.url == f"https://www.upwork.com/jobs/{alert.job_key}"
        assert alert.source_ref.startswith("file:")
        assert alert.received_at.tzinfo is not None
        assert "more" not in (alert.description or "").split()[-1:]


def test_a_long_description_survives_soft_line_breaks() -> None:
    alert = parse_file(ALERTS / "32-long-description-qp-soft-breaks.eml").alerts[0]
    assert alert.description is not None and len(alert.description) > 4000
    assert "admin panel. Build the marketplace" in alert.description
