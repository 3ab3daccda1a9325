"""Values Notion cannot store are quarantined when the alert is parsed, with the reason, never
found out at write time: an infinite number, a lone surrogate, a title with nothing visible."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from bidboard.alerts.email_parser import parse_upwork_alert_email
from bidboard.alerts.json_alerts import parse_json_alerts

#: when the alerts came (an email's own Date header wins)
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=UTC)

URL = "https://www.upwork.com/jobs/~022074164276058730555"


def json_alert(**fields: object) -> bytes:
    return json.dumps({"url": URL, "title": "Data pipeline", **fields}).encode()


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        (
            json_alert(client_spend_usd=1e999).replace(b"Infinity", b"1e999"),
            "not_storable",
            "client_spend_usd",
        ),
        (
            json_alert(budget_max=float("inf")).replace(b"Infinity", b"1e400"),
            "not_storable",
            "budget_max",
        ),
        (json_alert(title="Data \ud800 pipeline"), "not_storable", "lone surrogate"),
        (json_alert(description="ok \udfff"), "not_storable", "lone surrogate"),
        (json_alert(title="\u200b\u200d\ufeff"), "invalid_value", "no visible character"),
    ],
)
def test_json_values_notion_cannot_store_are_quarantined(
    body: bytes, code: str, field: str
) -> None:
    outcome = parse_json_alerts(body, "t", RECEIVED)
    assert outcome.alerts == []
    (bad,) = outcome.quarantined
    assert bad.code == code and field in bad.reason


def test_a_spend_of_400_nines_thousand_is_quarantined() -> None:
    message = EmailMessage()
    message["From"] = "Upwork Notification <donotreply@upwork.com>"
    message["Subject"] = "New job alert: Data pipeline"
    message["Date"] = "Fri, 04 Sep 2026 09:45:49 +0000"
    message.set_content(
        f"Data pipeline: {URL}\nHourly: $40.00 - $60.00\nA pipeline.\n"
        f"Payment verified \u00b7 4.9 stars \u00b7 ${'9' * 400}K spent \u00b7 Germany\n"
    )
    outcome = parse_upwork_alert_email(message.as_bytes(), "t", RECEIVED)
    assert outcome.alerts == []
    (bad,) = outcome.quarantined
    assert bad.code == "not_storable" and "client_spend_usd" in bad.reason


def test_an_alert_kept_by_an_earlier_version_with_source_rss_reads_as_a_feed() -> None:
    """Held-back jobs are kept as JSON in the local state; earlier versions wrote ``rss``."""
    from bidboard.alerts.alert import JobAlert, source_label

    alert = JobAlert.model_validate(
        {
            "job_key": "~01b1b2c3d4e5f60001",
            "url": "https://www.upwork.com/jobs/~01b1b2c3d4e5f60001",
            "title": "Senior Django developer",
            "source": "rss",
            "source_ref": "feed:https://alerts.example/feed",
            "saved_search": "Django",
            "received_at": "2026-11-30T09:00:00+00:00",
        }
    )
    assert alert.source == "feed"
    assert source_label(alert) == "Feed: Django"
