"""The linter's findings for what clients skip and what Upwork allows: stock openers and the job
title pasted back (GENERIC), the word count (LENGTH), portfolio links on the agency's hosts
while contact channels stay forbidden, NEAR_DUPLICATE naming its card, and every finding saying
where it is and what to change."""

from __future__ import annotations

import pytest

from bidboard.drafting.fingerprint import simhash
from bidboard.drafting.lint import (
    LintContext,
    RecentDraft,
    lint_draft,
    title_runs,
)
from tests.support.lint_corpus import CASES

BODY = (
    "Your dispatch team re-keys 30k parcel scans a day from carrier emails, and the planners "
    "only see yesterday's numbers. I built the same import for a 3PL on FastAPI and "
    "PostgreSQL, and it cut their manual reporting from six hours a week to none. I would "
    "start with the two carriers that send the most scans, load them every fifteen minutes, "
    "and show you the depot view before anything else is built. After that, the remaining "
    "carriers follow one at a time, each with a test that replays a day of real scans, so "
    "nothing reaches your planners untested. The dashboard keeps your current filters, and "
    "the exports your finance team uses stay exactly as they are. Which carrier causes the "
    "most trouble today? If you share one day's scan emails in Upwork Messages, I will reply "
    "with the first milestone and a date for it."
)
TITLE = "FastAPI backend for a logistics dashboard"


def codes(text: str, **context: object) -> list[str]:
    return [f.code for f in lint_draft(text, LintContext(**context)).findings]  # type: ignore[arg-type]


def test_a_specific_draft_has_no_finding() -> None:
    assert codes(BODY, job_title=TITLE) == []


@pytest.mark.parametrize(
    "opener",
    [
        "I came across your job and I think I can help.",
        "Your post caught my eye because I love dashboards.",
        "I am excited to apply for this role.",
        "I'm excited to submit my proposal.",
        "Hello, FastAPI backend for a logistics dashboard is exactly what I do.",
        "Hi! FastAPI backend work is what I do every week.",
    ],
)
def test_stock_openers_are_generic(opener: str) -> None:
    report = lint_draft(f"{opener} {BODY}", LintContext(job_title=TITLE))
    generic = [f for f in report.findings if f.code == "GENERIC"]
    assert generic and all(f.severity == "warning" for f in generic)
    assert generic[0].start < len(opener)
    assert "client's problem" in generic[0].fix
    assert report.ok  # a warning: a person decides


def test_the_title_pasted_back_is_generic_where_it_is() -> None:
    text = f"{BODY} My plan for the backend for a logistics dashboard: small steps."
    report = lint_draft(text, LintContext(job_title=TITLE))
    [finding] = [f for f in report.findings if f.code == "GENERIC"]
    assert text[finding.start : finding.end].lower() == "backend for a logistics dashboard"
    assert TITLE in finding.message and "own words" in finding.fix
    # three words of the title in a row are not a paste; case and punctuation do not hide one
    assert title_runs(TITLE, "a logistics dashboard, built well") == []
    assert title_runs(TITLE, "FASTAPI-backend, for a ...") != []
    assert title_runs("Migrate PHP 5.6.40 to PHP 7.3", "from PHP 5.6 to PHP 8.1") == []


def test_word_count_outside_120_to_350_is_a_warning() -> None:
    short = " ".join(BODY.split()[:100])
    long = " ".join([BODY] * 3)
    assert codes(short) == ["LENGTH"]
    assert codes(long) == ["LENGTH"]
    for text in (short, long):
        [finding] = lint_draft(text).findings
        assert finding.severity == "warning" and "words" in finding.message and finding.fix


def test_portfolio_links_on_listed_hosts_pass_and_contact_channels_never_do() -> None:
    hosts = ["github.com", "behance.net", "dribbble.com"]
    linked = (
        f"{BODY} The code is at https://github.com/northwind/depot-import and on behance.net/nw."
    )
    assert codes(linked) == ["EXTERNAL_LINK", "EXTERNAL_LINK"]  # no hosts listed: links flagged
    assert codes(linked, portfolio_hosts=hosts) == []
    assert codes(f"{BODY} See https://gist.github.com/x.", portfolio_hosts=hosts) == []
    assert codes(f"{BODY} See https://notgithub.com/x.", portfolio_hosts=hosts) == ["EXTERNAL_LINK"]
    for contact in (
        "https://www.linkedin.com/in/maya",
        "https://calendly.com/maya/intro",
        "wa.me/15550109999",
        "t.me/northwind",
    ):
        got = codes(f"{BODY} Reach me: {contact}", portfolio_hosts=[*hosts, "linkedin.com"])
        assert got and set(got) <= {"CONTACT_INFO", "OFF_PLATFORM"}, (contact, got)


def test_near_duplicate_names_the_card_it_is_near() -> None:
    card = "\u201cFastAPI backend\u201d (~01a1b2c3d4e5f60001)"
    tweaked = BODY.replace("planners", "dispatchers")
    report = lint_draft(
        tweaked, LintContext(recent=[RecentDraft(fingerprint=simhash(BODY), card=card)])
    )
    [finding] = [f for f in report.findings if f.code == "NEAR_DUPLICATE"]
    assert card in finding.message and "rewrite" in finding.fix
    # a fingerprint known without its card still counts
    other = lint_draft(tweaked, LintContext(recent_fingerprints=[simhash(BODY)]))
    assert "a recent draft" in other.findings[0].message


def test_a_sentence_break_is_not_a_domain() -> None:
    text = f"{BODY} I can start too. In the first week. It is done. Built in .NET and Node.js."
    assert codes(text) == []


def test_every_finding_says_where_and_what_to_change() -> None:
    seen = set()
    for text, _ in CASES:
        report = lint_draft(text, LintContext(job_title="Senior Django developer needed now"))
        for finding in report.findings:
            seen.add(finding.code)
            assert 0 <= finding.start <= finding.end <= len(text)
            assert finding.fix, finding
            described = finding.describe(text)
            assert f"at {finding.start}-{finding.end}" in described and finding.fix in described
    assert {"EXTERNAL_LINK", "CONTACT_INFO", "OFF_PLATFORM", "PLACEHOLDER", "LENGTH"} <= seen
    assert "GENERIC" in seen
