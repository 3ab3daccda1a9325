"""lint_draft on its own corpus: every flagged case caught with the right code, every clean
case clean; hidden instructions in job posts never echoed unnoticed; near-duplicates found
through fingerprints alone."""

from __future__ import annotations

import pytest

from bidboard.drafting.fingerprint import distance, simhash
from bidboard.drafting.lint import NEAR_DUPLICATE_BITS, LintContext, injected_phrases, lint_draft
from tests.support.lint_corpus import CASES, INJECTIONS, PAD


def error_codes(text: str, context: LintContext | None = None) -> set[str]:
    return {f.code for f in lint_draft(text, context).errors()}


def test_corpus_size() -> None:
    assert len(CASES) >= 40 and len(INJECTIONS) >= 20


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t[:40] for t, _ in CASES])
def test_corpus_case(text: str, expected: set[str]) -> None:
    assert error_codes(text) == expected


def test_corpus_figures() -> None:
    caught = missed = false_alarms = 0
    for text, expected in CASES:
        got = error_codes(text)
        if expected:
            caught += bool(got & expected)
            missed += not (got & expected)
        false_alarms += bool(got - expected)
    assert (caught, missed, false_alarms) == (sum(1 for _, e in CASES if e), 0, 0)


def test_spans_point_at_the_draft_as_written() -> None:
    text = "Hello! Write to ｊｏｈｎ＠ｇｍａｉｌ．ｃｏｍ today." + PAD
    finding = next(f for f in lint_draft(text).findings if f.code == "CONTACT_INFO")
    assert text[finding.start : finding.end] == "ｊｏｈｎ＠ｇｍａｉｌ．ｃｏｍ"
    hidden = "Site: exa\u200bmple.com now." + PAD
    link = next(f for f in lint_draft(hidden).findings if f.code == "EXTERNAL_LINK")
    assert hidden[link.start : link.end] == "exa\u200bmple.com"


def test_warnings_do_not_block_a_draft() -> None:
    report = lint_draft("Dear Sir/Madam, I am the perfect fit." + PAD)
    assert report.ok and {f.code for f in report.findings} == {"GENERIC", "LENGTH"}
    assert all(f.severity == "warning" for f in report.findings)


@pytest.mark.parametrize(("post", "phrase"), INJECTIONS, ids=[p for _, p in INJECTIONS])
def test_hidden_instructions_are_caught_when_echoed(post: str, phrase: str) -> None:
    assert phrase.lower() in [p.lower() for p in injected_phrases(post)]
    context = LintContext(job_text=post)
    echoed = f"{phrase}! I read your post and I can help." + PAD
    assert "INJECTION_ECHO" in error_codes(echoed, context)
    clean = "I read your post and can help with exactly this." + PAD
    assert "INJECTION_ECHO" not in error_codes(clean, context)


def test_a_plain_job_post_asks_for_nothing() -> None:
    assert injected_phrases("We need a FastAPI backend. Postgres 15. Start ASAP, 'urgent'.") == []


def test_near_duplicates_are_found_through_fingerprints() -> None:
    first = (
        "For your logistics dashboard I would start by profiling the slow PostgreSQL "
        "queries, then add the missing indexes, then build the React views your "
        "dispatchers asked for, shipping each step for review." + PAD
    )
    tweaked = first.replace("dispatchers", "dispatch team").replace("React", "React.js")
    other = (
        "Your Shopify store needs its checkout bug found first: I would reproduce it in "
        "a staging theme, write a failing test, fix the Liquid template and then check "
        "the three payment providers you use one by one." + PAD
    )
    assert distance(simhash(first), simhash(tweaked)) <= NEAR_DUPLICATE_BITS
    assert distance(simhash(first), simhash(other)) > NEAR_DUPLICATE_BITS
    context = LintContext(recent_fingerprints=[simhash(first)])
    assert "NEAR_DUPLICATE" in error_codes(tweaked, context)
    assert "NEAR_DUPLICATE" not in error_codes(other, context)
