"""Screening questions: recognised in pasted posts, given one a line (add_job, bidboard draft
--questions, a JSON alert's field), and answered each, in the order asked, from the portfolio
and the snippet library; the answer refers to its question and claims nothing the portfolio
does not show."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bidboard.alerts.alert import JobAlert
from bidboard.alerts.manual import parse_pasted_job
from bidboard.drafting.answers import topic
from bidboard.drafting.draft import DraftRequest
from bidboard.drafting.lint import LintContext, lint_draft
from bidboard.drafting.questions import (
    EXTRA_KEY,
    parse_question_lines,
    post_body,
    screening_questions,
    split_screening_questions,
    with_questions,
)
from bidboard.drafting.template import TemplateDrafter
from bidboard.loaders import load_portfolio_file, load_searches, load_snippets
from bidboard.scoring.portfolio import SAMPLE_PATH
from bidboard.scoring.score import Portfolio, score_job
from bidboard.scoring.searches import EXAMPLE_PATH

ITEMS = load_portfolio_file(SAMPLE_PATH)
BY_ID = {item.page_id: item for item in ITEMS}
PORTFOLIO = Portfolio.build(ITEMS)
TEMPLATE = TemplateDrafter(load_snippets())
URL = "https://www.upwork.com/jobs/~01abcdef0123456789"
STOP = set(
    re.findall(
        r"\w+",
        "a an the and or of to for in on with you your my me i we our is are do does did have "
        "has what how why which when who where can could would will should any this that it be "
        "there please tell us about describe list share include",
    )
)

# what a person pastes from a post: the post, then Upwork's screening questions
PASTED = """Laravel developer to finish our subscription site
Fixed-price: $2,500.00
Skills: Laravel, PHP, Vue.js, MySQL, Stripe
We run a Laravel and Vue.js site for a meal-kit service. Stripe subscriptions work, but
customers cannot pause a plan and the admin has no refunds screen; we need both built and
tested before our spring launch.

Screening questions:
1. Describe your recent experience with similar projects
2. Have you worked with Laravel Cashier and Stripe webhooks?
3. What is your estimated timeline for this project?
4. How much would this cost?
5. Include a link to your GitHub profile and/or website
"""


def job_from(text: str, **update: Any) -> JobAlert:
    outcome = parse_pasted_job(URL, text, received_at=datetime(2026, 8, 26, tzinfo=UTC))
    return outcome.alerts[0].model_copy(update=update)


def draft_for(job: JobAlert) -> Any:
    score = score_job(job, load_searches(EXAMPLE_PATH), PORTFOLIO)
    request = DraftRequest(
        job=job, score=score, portfolio=[BY_ID[m.page_id] for m in score.portfolio_matches]
    )
    return TEMPLATE.draft(request)


def content_words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP and len(w) > 2}


def test_questions_under_a_heading_are_recognised_in_order() -> None:
    body, questions = split_screening_questions(job_from(PASTED).description or "")
    assert questions == [
        "Describe your recent experience with similar projects",
        "Have you worked with Laravel Cashier and Stripe webhooks?",
        "What is your estimated timeline for this project?",
        "How much would this cost?",
        "Include a link to your GitHub profile and/or website",
    ]
    assert "Screening questions" not in body and "spring launch" in body


def test_numbered_questions_ending_a_post_are_recognised() -> None:
    # a real post's ending (corpus-2/01-upwork-rss-2019-laravel.xml, "Migrate our websites")
    text = (
        "As its running site, we want to perform this task in testing server first.\n"
        "1) We want someone who can perform this task for all our websites, backend.\n"
        "2) What approach will you follow to perform this task?\n"
        "3) what all will you require from my side?"
    )
    body, questions = split_screening_questions(text)
    assert questions == [
        "What approach will you follow to perform this task?",
        "what all will you require from my side?",
    ]
    assert "1) We want someone" in body  # a numbered line that asks nothing stays in the post


def test_a_post_without_questions_has_none() -> None:
    text = "We need a FastAPI backend.\n1. Import the CSV\n2. Build the dashboard"
    assert split_screening_questions(text) == (text, [])
    assert split_screening_questions("Any questions? Ask me.") == ("Any questions? Ask me.", [])


def test_questions_given_one_a_line_join_those_in_the_post() -> None:
    given = parse_question_lines("  1. Can you start this week?\n\n- Do you use Docker?\n")
    assert given == ["Can you start this week?", "Do you use Docker?"]
    job = with_questions(job_from(PASTED), given)
    asked = screening_questions(job)
    assert len(asked) == 7 and asked[-2:] == given
    assert job.extra[EXTRA_KEY] == asked
    assert post_body(job).endswith("before our spring launch.")
    assert screening_questions(job.model_copy(update={"extra": {EXTRA_KEY: "Why you?"}})) == [
        "Why you?"
    ]


def test_every_question_gets_an_answer_that_refers_to_it() -> None:
    job = with_questions(job_from(PASTED), ["Can you start this week?", "Do you use Docker?"])
    draft = draft_for(job)
    assert [a.question for a in draft.answers] == screening_questions(job)  # in the order asked
    for answer in draft.answers:
        assert answer.answer.strip()
        shared = content_words(answer.question) & content_words(answer.answer)
        assert shared, (answer.question, answer.answer)
        report = lint_draft(answer.answer, LintContext(min_words=0, min_chars=0))
        assert report.findings == [], report.summary(answer.answer)


def test_answers_are_grounded_in_the_portfolio() -> None:
    draft = draft_for(job_from(PASTED))
    answers = {a.question: a.answer for a in draft.answers}
    experience = answers["Describe your recent experience with similar projects"]
    assert "Laravel subscription platform" in experience and "900 subscribers" in experience
    assert "Laravel" in answers["Have you worked with Laravel Cashier and Stripe webhooks?"]
    assert answers["How much would this cost?"].startswith("On how much this would cost:")
    assert "Upwork profile" in answers["Include a link to your GitHub profile and/or website"]
    # a job nothing in the portfolio fits: the experience answer claims no similar project
    video = job_from(
        PASTED.replace("Laravel developer to finish our subscription site", "Reels editor")
        .replace("Skills: Laravel, PHP, Vue.js, MySQL, Stripe", "Skills: Video Editing")
        .replace("We run a Laravel and Vue.js site", "We run a cooking channel")
        .replace("Stripe subscriptions work", "Our long videos work")
        .replace("Laravel Cashier and Stripe webhooks", "Premiere Pro")
    )
    answer = draft_for(video).answers[0].answer
    assert "no project that matches this one closely" in answer
    assert not any(item.name in answer for item in ITEMS)


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Do you have experience with Laravel Nova?", "my experience with Laravel Nova"),
        ("Can you start this week?", "whether I can start this week"),
        ("What approach will you follow?", "what approach I will follow"),
        ("Describe your recent experience with similar projects", "my recent experience"),
        ("What is your hourly rate?", "my hourly rate"),
    ],
)
def test_an_answer_starts_from_the_question_said_by_the_one_answering(
    question: str, subject: str
) -> None:
    assert topic(question).startswith(subject)


def test_the_add_job_flow_takes_screening_questions(
    prefect_harness: None, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through Prefect with its parameter schema, against the emulator: the job is drafted
    (the card shows the answers with the card content that renders ``Draft.answers``)."""
    from bidboard.cli.localserver import BackgroundServer
    from bidboard.settings import load_settings
    from notion_emulator import create_app
    from tests.support.builders import init_workspace

    app = create_app(rate_limit=0)
    with BackgroundServer(app) as server:
        for key, value in {
            "BIDBOARD_NOTION_BASE_URL": server.url,
            "BIDBOARD_NOTION_TOKEN": "flow-test-token",
            "BIDBOARD_NOTION_RATE_LIMIT": "1000",
            "BIDBOARD_DATA_DIR": str(tmp_path / "data"),
        }.items():
            monkeypatch.setenv(key, value)
        init_workspace(load_settings(env_file=None))
        from flows.add_job import add_job

        text = (
            "FastAPI backend for a logistics dashboard\nHourly: $40.00 - $60.00\n"
            "Skills: Python, FastAPI, PostgreSQL\nPayment verified · Rating 4.9 · $79K spent\n"
            "We need a FastAPI and PostgreSQL backend for our dispatch dashboard.\n"
            "Screening questions:\n1. Describe your recent experience with similar projects"
        )
        result = add_job(
            url=URL, text=text, screening_questions="Can you start this week?\n\nDo you use Docker?"
        )
    app.store.close()
    assert result["status"] == "created" and result["stage"] == "Drafted", result
