"""bidboard's JSON alert format: the schema file shipped is the one the code validates with."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema

from bidboard.alerts.json_alerts import SCHEMA_PATH, alerts_from_json, json_schema

#: when the alerts came (an email's own Date header wins)
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_the_shipped_schema_file_is_current() -> None:
    assert json.loads(SCHEMA_PATH.read_text()) == json_schema(), (
        "regenerate bidboard/alerts/job-alert.schema.json from JsonAlertIn"
    )


def test_the_readme_example_is_valid() -> None:
    example = {
        "url": "https://www.upwork.com/jobs/~01c1b2c3d4e5f60001",
        "title": "Rust CLI tool",
        "budget_type": "fixed",
        "budget_min": 900,
        "budget_max": 900,
        "skills": ["Rust"],
        "posted_at": "2026-08-26T07:30:00+00:00",
        "tool": "alertbot",
    }
    jsonschema.validate(example, json_schema())
    outcome = alerts_from_json(example, "readme", RECEIVED)
    assert outcome.alerts[0].extra == {"tool": "alertbot"}


def test_missing_optional_fields_are_none_and_unknown_ones_kept() -> None:
    outcome = alerts_from_json(
        {"url": "https://www.upwork.com/jobs/~01c1b2c3d4e5f60009", "x-priority": "high"},
        "minimal",
        RECEIVED,
    )
    alert = outcome.alerts[0]
    assert alert.title == "(untitled job)" and alert.description is None
    assert alert.budget_type is None and alert.skills == [] and alert.posted_at is None
    assert alert.extra == {"x-priority": "high"}
    assert alert.source == "json" and alert.source_ref.startswith("minimal:")


def test_a_url_without_a_job_key_is_explained() -> None:
    outcome = alerts_from_json({"url": "https://www.upwork.com/nx/find-work/"}, "bad", RECEIVED)
    assert "no Upwork job key" in outcome.quarantined[0].reason
