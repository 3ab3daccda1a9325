"""Today's alert shapes for which no public sample exists yet, in synthetic fixtures
(``tests/fixtures/variants``, built by ``build_variants.py`` as FORMAT.md describes them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bidboard import cli
from bidboard.alerts import jobkey
from bidboard.inbox.files import parse_file
from tests.support.paths import VARIANTS

KEY = "~022074164276058730111"
TITLE = "Shopify theme fixes for a skincare store"
RECEIVED = datetime(2026, 9, 4, 12, 0, tzinfo=UTC)
SAME_JOB = {
    "title": TITLE,
    "budget_type": "hourly",
    "budget_min": 25.0,
    "budget_max": 65.0,
    "duration": "1 to 3 months",
    "client_payment_verified": True,
    "client_rating": 4.82,
    "client_spend_usd": 166_000.0,
    "client_country": "United States",
    "description": "We need someone to fix our Shopify theme: the cart drawer and two product "
    "pages...",
}


def test_the_html_part_of_todays_alert_is_read_by_its_structure() -> None:
    (alert,) = parse_file(VARIANTS / "upwork-html-today.eml", RECEIVED).alerts
    assert alert.job_key == KEY and alert.url == f"https://www.upwork.com/jobs/{KEY}"
    assert alert.skills == ["Shopify", "Liquid", "CSS"]  # the links to /nx/search/jobs
    assert alert.posted_at == datetime(2026, 9, 4, tzinfo=UTC)
    for name, value in SAME_JOB.items():
        assert getattr(alert, name) == value, name


def test_a_redirect_only_alert_gets_a_derived_key_and_its_tracking_link() -> None:
    outcome = parse_file(VARIANTS / "upwork-redirect-only.eml", RECEIVED)
    (alert,) = outcome.alerts
    assert alert.key_derived and jobkey.is_derived(alert.job_key)
    assert alert.job_key == jobkey.derived_key(TITLE, "hourly", 25.0, 65.0, RECEIVED.date())
    assert alert.url.startswith("https://link.t.upwork.com/ls/click?upn=")  # never requested
    assert alert.skills == ["Shopify", "Liquid"]
    for name, value in SAME_JOB.items():
        assert getattr(alert, name) == value, name
    assert any("derived" in w for w in outcome.warnings)


def test_relative_posted_dates_count_from_received_at(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(VARIANTS / "upwork-relative-date.eml")
    code = cli.main(["alerts", "parse", "--json", "--received-at", "2026-09-04T12:00:00Z", path])
    (alert,) = json.loads(capsys.readouterr().out)["alerts"]
    assert code == 0
    assert alert["posted_at"] == "2026-09-04T10:00:00Z"
    assert alert["received_at"] == "2026-09-04T12:00:00Z"


def test_a_vollna_digest_gives_each_job() -> None:
    outcome = parse_file(VARIANTS / "vollna-digest.eml", RECEIVED)
    assert [(a.job_key, a.title) for a in outcome.alerts] == [
        ("~022074164276058730333", "Shopify speed work"),
        ("~022074164276058730444", "Liquid section builder"),
    ]
    fixed, hourly = outcome.alerts
    assert (fixed.budget_type, fixed.budget_min, fixed.client_spend_usd) == ("fixed", 500.0, 0.0)
    assert (hourly.budget_type, hourly.budget_min, hourly.budget_max) == ("hourly", 30.0, 45.0)
    assert hourly.client_spend_usd == 1_250_000.0 and hourly.client_country == "United Kingdom"
    assert {a.saved_search for a in outcome.alerts} == {"Shopify"}


def test_parse_json_output_and_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "notes.md"
    junk.write_text("# not an alert")
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "no url"}')
    assert cli.main(["alerts", "parse", "--json", str(junk)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["alerts"] == [] and printed["quarantined"] == []
    assert [s["code"] for s in printed["skipped"]] == ["unknown_file_kind"]
    assert cli.main(["alerts", "parse", "--json", str(broken), str(junk)]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"alerts", "quarantined", "skipped"}
    (bad,) = printed["quarantined"]
    assert bad["code"] == "missing_url" and bad["source_ref"].startswith("file:")
    with pytest.raises(SystemExit) as exited:
        cli.main(["alerts", "parse", "--received-at", "yesterday", str(junk)])
    assert exited.value.code == 2


def test_parse_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["alerts", "parse", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for code in ("0 every input was read", "1 some input was quarantined or refused", "2 usage"):
        assert code in out
    assert "3 crash" in out


def test_text_skills_with_search_links_and_a_more_link_in_the_excerpt() -> None:
    """The text layout another parser's fixtures show (KontentWave/freelance-opportunity-
    triage-platform, hourly-current-template.eml): each skill a ``Name: <search link>`` line,
    the excerpt ending ``... more: <job link>``."""
    from bidboard.alerts.email_parser import parse_upwork_alert_email

    text = (
        "This job was just posted and matches your alert settings.\n----------\n"
        f"{TITLE}: https://www.upwork.com/jobs/{KEY}?link=title\n"
        "Hourly: $15-$25 \u00b7 Est. time: Less than 1 month \u00b7 Posted Tue, Sep 01\n"
        f"Test an application... more: https://www.upwork.com/jobs/{KEY}?link=more\n"
        "Skills:\n"
        "Quality Assurance: https://www.upwork.com/s/emails/nx/search/jobs/?utm_source=x\n"
        "Software Testing: https://www.upwork.com/s/emails/nx/search/jobs/?utm_source=x\n"
        "Payment verified \u00b7 4.8 stars \u00b7 $63K spent \u00b7 Exampleland\n"
        f"View job details: https://www.upwork.com/jobs/{KEY}\n"
    )
    raw = (
        "From: Upwork Notification <donotreply@upwork.com>\n"
        f"Subject: New job alert: {TITLE}\nDate: Tue, 01 Sep 2026 09:45:49 +0000\n\n{text}"
    ).encode()
    (alert,) = parse_upwork_alert_email(raw, "t", RECEIVED).alerts
    assert alert.skills == ["Quality Assurance", "Software Testing"]
    assert alert.description == "Test an application..."
    assert (alert.budget_min, alert.budget_max) == (15.0, 25.0)
    assert alert.posted_at == datetime(2026, 9, 1, tzinfo=UTC)
    assert (alert.client_rating, alert.client_spend_usd) == (4.8, 63_000.0)


def test_the_clients_own_labels_in_the_excerpt_lose_to_upworks_block() -> None:
    from bidboard.alerts.email_parser import parse_upwork_alert_email

    text = (
        f"{TITLE}: https://www.upwork.com/jobs/{KEY}\n"
        "Hourly: $25.00 - $65.00 \u00b7 Posted Fri, Sep 04\n"
        "Skills: Photoshop, Illustrator\n"  # the client's text, inside the excerpt
        "Location: Remote, worldwide...\n"
        "Skills:\nShopify\nLiquid\n+1 more\n"
        "Payment verified \u00b7 4.82 stars \u00b7 $166K spent \u00b7 Canada\n"
    )
    raw = (
        "From: Upwork Notification <donotreply@upwork.com>\n"
        f"Subject: New job alert: {TITLE}\nDate: Fri, 04 Sep 2026 09:45:49 +0000\n\n{text}"
    ).encode()
    (alert,) = parse_upwork_alert_email(raw, "t", RECEIVED).alerts
    assert alert.skills == ["Shopify", "Liquid"]
    assert alert.client_country == "Canada"
