"""score_job: table-driven cases, and the properties a user relies on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidboard.alerts.alert import JobAlert
from bidboard.errors import ConfigError
from bidboard.loaders import load_portfolio_file, load_searches
from bidboard.scoring.portfolio import SAMPLE_PATH, PortfolioItem
from bidboard.scoring.score import Portfolio, score_job
from bidboard.scoring.searches import EXAMPLE_PATH, SearchConfig, parse_searches

SEARCHES = load_searches(EXAMPLE_PATH)
PORTFOLIO = Portfolio.build(load_portfolio_file(SAMPLE_PATH))
EMPTY = Portfolio.build([])


def job(**values: Any) -> JobAlert:
    base: dict[str, Any] = {
        "job_key": "~01aa00000000000001",
        "url": "https://www.upwork.com/jobs/~01aa00000000000001",
        "title": "FastAPI backend",
        "source": "email",
        "source_ref": "t",
        "received_at": datetime(2026, 11, 25, tzinfo=UTC),
    }
    base.update(values)
    return JobAlert(**base)


def texts(score: Any) -> list[str]:
    return [str(r) for r in score.reasons]


CASES = [
    # (job fields, expected score, verdict, saved search, reason lines)
    (
        {
            "skills": ["Python", "FastAPI", "PostgreSQL"],
            "budget_type": "hourly",
            "budget_min": 40,
            "budget_max": 60,
            "client_payment_verified": True,
            "client_rating": 4.9,
            "client_spend_usd": 79_000,
            "experience_level": "Expert",
        },
        75,
        "shortlist",
        "Backend",
        [
            "matches python, fastapi, postgresql (search Backend) +40",
            "hourly rate $60 meets the $35 floor +10",
            "payment verified +10",
            "client rating 4.9 +5",
            "client spent $79,000 +5",
            "Expert level +5",
        ],
    ),
    (
        {
            "budget_type": "fixed",
            "budget_min": 200,
            "budget_max": 200,
            "client_payment_verified": False,
            "client_rating": 3.1,
            "client_spend_usd": 20,
        },
        0,
        "skip",
        "Backend",
        [
            "matches fastapi (search Backend) +20",
            "budget $200 below the $500 floor \u221225",
            "payment not verified \u221220",
            "client rating 3.1 below 4.5 \u221210",
            "client spent only $20 \u22125",
            "floored at 0 +40",
        ],
    ),
    (
        {"title": "Fix my WordPress site with FastAPI", "client_payment_verified": True},
        0,
        "skip",
        None,
        ["negative keyword 'wordpress': skip +0"],
    ),
    (
        {
            "title": "Zapier + Notion automation",
            "budget_type": "fixed",
            "budget_min": 800,
            "budget_max": 800,
        },
        50,
        "review",
        "Automation",  # the search as its reasons name it
        [
            "matches zapier, notion, automation (search Automation) +40",
            "budget $800 meets the $300 floor +10",
            "payment verification unknown +0",
        ],
    ),
    (
        {"title": "Go service", "skills": ["Go"], "client_payment_verified": None},
        0,
        "skip",
        None,  # a Go job matches none of Backend's terms: not labelled by it
        [
            "matches none of its terms (search Backend) +0",
            "payment verification unknown +0",
            "client rating unknown +0",
            "client spend unknown +0",
        ],
    ),
    (
        {"skills": ["Python"], "experience_level": "Entry"},
        20,
        "skip",
        "Backend",
        [
            "matches python, fastapi (search Backend) +30",
            "payment verification unknown +0",
            "client rating unknown +0",
            "client spend unknown +0",
            "Entry level is not one the search wants \u221210",
        ],
    ),
]


@pytest.mark.parametrize(("values", "score", "verdict", "search", "reasons"), CASES)
def test_scores(
    values: dict[str, Any], score: int, verdict: str, search: str | None, reasons: list[str]
) -> None:
    result = score_job(job(**values), SEARCHES, EMPTY)
    assert (result.score, result.verdict, result.saved_search) == (score, verdict, search)
    assert texts(result) == reasons


def test_the_portfolio_fit_names_the_item_and_its_similarity() -> None:
    result = score_job(
        job(
            title="Logistics dashboard in FastAPI and React",
            skills=["FastAPI", "PostgreSQL", "React"],
        ),
        SEARCHES,
        PORTFOLIO,
    )
    assert result.portfolio_matches[0].name == "Logistics dashboard for a 3PL"
    assert 0.3 < result.portfolio_matches[0].similarity <= 1
    fit = [r for r in result.reasons if r.text.startswith("fits portfolio")]
    assert fit and fit[0].points == round(30 * result.portfolio_matches[0].similarity)
    assert "Slack Q&A bot" not in [m.name for m in result.portfolio_matches]  # inactive


def test_synonyms_fold_together() -> None:
    result = score_job(job(title="Node.js and Postgres API", skills=["JS"]), SEARCHES, EMPTY)
    assert "postgresql" in texts(result)[0] and "api" in texts(result)[0]


def test_denied_country_is_a_skip_and_allow_lists_cost() -> None:
    config = SEARCHES.model_copy(deep=True)
    config.searches[0].client.countries_denied = ["Atlantis"]
    denied = score_job(job(skills=["Python"], client_country="Atlantis"), config, EMPTY)
    assert (denied.score, denied.verdict) == (0, "skip")
    config.searches[0].client.countries_denied = []
    config.searches[0].client.countries_allowed = ["Germany"]
    elsewhere = score_job(job(skills=["Python"], client_country="Chile"), config, EMPTY)
    assert "client in Chile, not an allowed country \u221230" in texts(elsewhere)
    unknown = score_job(job(skills=["Python"]), config, EMPTY)
    assert not any("country" in t for t in texts(unknown))  # unknown is not bad


jobs = st.builds(
    job,
    title=st.sampled_from(
        ["FastAPI backend", "Django API", "Zapier flows", "Go CLI", "Postgres tuning", "Data entry"]
    ),
    skills=st.lists(st.sampled_from(["Python", "FastAPI", "Notion", "Go", "React"]), max_size=3),
    budget_type=st.sampled_from([None, "fixed", "hourly"]),
    budget_max=st.one_of(st.none(), st.floats(0, 5000)),
    client_payment_verified=st.sampled_from([None, True, False]),
    client_rating=st.one_of(st.none(), st.floats(0, 5)),
    client_spend_usd=st.one_of(st.none(), st.floats(0, 2e6)),
    client_country=st.sampled_from([None, "Germany", "Chile"]),
    experience_level=st.sampled_from([None, "Entry", "Intermediate", "Expert"]),
)


@settings(max_examples=300, deadline=None)
@given(jobs)
def test_the_reasons_add_up_to_the_score(alert: JobAlert) -> None:
    result = score_job(alert, SEARCHES, PORTFOLIO)
    assert sum(r.points for r in result.reasons) == result.score
    assert 0 <= result.score <= 100


@settings(max_examples=300, deadline=None)
@given(jobs, st.sampled_from(["backend", "fastapi", "go", "zapier", "python", "entry"]))
def test_adding_a_negative_keyword_never_raises_a_score(alert: JobAlert, keyword: str) -> None:
    before = score_job(alert, SEARCHES, PORTFOLIO).score
    stricter = SEARCHES.model_copy(deep=True)
    for search in stricter.searches:
        search.exclude.append(keyword)
    assert score_job(alert, stricter, PORTFOLIO).score <= before


@settings(max_examples=300, deadline=None)
@given(jobs)
def test_a_verified_payment_never_lowers_a_score(alert: JobAlert) -> None:
    verified = alert.model_copy(update={"client_payment_verified": True})
    assert (
        score_job(verified, SEARCHES, PORTFOLIO).score
        >= score_job(alert, SEARCHES, PORTFOLIO).score
    )


@settings(max_examples=200, deadline=None)
@given(jobs)
def test_unknown_client_facts_are_never_worse_than_bad_ones(alert: JobAlert) -> None:
    unknown = alert.model_copy(
        update={
            "client_payment_verified": None,
            "client_rating": None,
            "client_spend_usd": None,
            "client_country": None,
        }
    )
    bad = alert.model_copy(
        update={"client_payment_verified": False, "client_rating": 0.5, "client_spend_usd": 0.0}
    )
    assert (
        score_job(unknown, SEARCHES, PORTFOLIO).score >= score_job(bad, SEARCHES, PORTFOLIO).score
    )


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "searches.yaml"
    path.write_text(text)
    return path


def test_a_bad_field_names_the_file_line_and_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "searches:\n  - name: Backend\n    include:\n      any: [python]\n"
        "    budget:\n      fixed_min: lots\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_searches(path)
    message = str(caught.value)
    assert f"{path}:6: searches.0.budget.fixed_min" in message and "number" in message


def test_unknown_keys_and_yaml_syntax_are_located(tmp_path: Path) -> None:
    path = _write(tmp_path, "searches:\n  - name: X\n    include: {any: [go]}\n    exlude: [php]\n")
    with pytest.raises(ConfigError, match=rf"{path}:4: searches.0.exlude: Extra inputs"):
        load_searches(path)
    broken = _write(tmp_path, "searches:\n  - name: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_searches(broken)
    empty = _write(tmp_path, "searches:\n  - name: No terms\n")
    with pytest.raises(ConfigError, match=r"include\.any or include\.all"):
        load_searches(empty)


def test_searches_parse_from_text_and_errors_name_the_source() -> None:
    assert parse_searches(EXAMPLE_PATH.read_text()) == SEARCHES
    text = "searches:\n  - name: X\n    include: {any: [go]}\n    exlude: [php]\n"
    with pytest.raises(ConfigError, match=r"team\.yaml:4: searches\.0\.exlude: Extra inputs"):
        parse_searches(text, "team.yaml")
    with pytest.raises(ConfigError, match=r"^team\.yaml:3: not valid YAML"):
        parse_searches("searches:\n  - name: [unclosed\n", "team.yaml")


def test_the_shipped_example_is_valid() -> None:
    assert isinstance(SEARCHES, SearchConfig) and len(SEARCHES.searches) == 2


def test_portfolio_item_text_weighs_name_and_skills() -> None:
    item = PortfolioItem(page_id="p", name="Airflow", skills=["AWS"])
    assert item.text().count("Airflow") == 2 and item.text().count("AWS") == 2


def test_the_tfidf_index_equals_a_plain_cosine() -> None:
    import math
    import random
    from collections import Counter

    from bidboard.scoring.similarity import TfidfIndex
    from bidboard.scoring.words import tokens

    rng = random.Random(7)
    words = [f"w{i}" for i in range(60)] + ["python", "fastapi", "notion", "zapier"]
    docs = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 30))) for _ in range(40)]
    index = TfidfIndex(docs)

    def vector(text: str) -> dict[str, float]:
        counts = Counter(tokens(text))
        raw = {t: (1 + math.log(c)) * index.idf.get(t, 0.0) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {t: v / norm for t, v in raw.items()}

    for _ in range(25):
        query = " ".join(rng.choice(words) for _ in range(rng.randint(3, 20)))
        q = vector(query)
        expected = sorted(
            ((i, sum(q.get(t, 0) * w for t, w in vector(d).items())) for i, d in enumerate(docs)),
            key=lambda x: (-x[1], x[0]),
        )[:3]
        got = index.best(query, 3)
        assert [i for i, _ in got] == [i for i, s in expected if s > 0]
        assert all(
            abs(s - round(e, 4)) < 1e-9 for (_, s), (_, e) in zip(got, expected, strict=False)
        )
