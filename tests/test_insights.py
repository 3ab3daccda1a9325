"""What gets replies: on synthetic histories with known effects the insights recover each effect's
direction and size; on histories with no effect nothing is significant more often than stated."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bidboard.insights import ALPHA, MIN_COUNT, group_line, insights, speed_bucket, wilson
from bidboard.models import JobCard, Stage
from bidboard.synthetic import NO_EFFECT, Effects, history
from tests.support.notion import Board

# Tolerances (stated in the README): with 6,000 proposals the odds ratio of payment verified is
# recovered within 25 % of the true 2.0, the late/early reply-rate ratio within 0.15 of 0.5.
PAYMENT_TOLERANCE = 0.25
LATE_TOLERANCE = 0.15


def test_wilson_interval_by_hand() -> None:
    low, high = wilson(10, 100)  # a textbook value: 5.52 % to 17.44 %
    assert math.isclose(low, 0.0552, abs_tol=5e-4) and math.isclose(high, 0.1744, abs_tol=5e-4)
    assert wilson(0, 0) == (0.0, 1.0)
    assert math.isclose(wilson(0, 50)[0], 0, abs_tol=1e-12) and wilson(0, 50)[1] < 0.08


def test_payment_verified_doubling_the_odds_is_recovered() -> None:
    cards = history(6000, seed=11, effects=Effects(dead_search=None, late_factor=1.0))
    report = insights(cards)
    rate = report.group("Payment verified", "yes").rates["replied"]
    assert rate.significant and rate.odds_ratio is not None
    assert abs(rate.odds_ratio / 2.0 - 1) < PAYMENT_TOLERANCE
    assert rate.odds_low is not None and rate.odds_low < 2.0 < (rate.odds_high or 0)
    no = report.group("Payment verified", "no").rates["replied"]
    assert no.significant and (no.odds_ratio or 1) < 1


def test_a_search_that_never_replies_is_found() -> None:
    report = insights(history(6000, seed=12, effects=Effects(payment_odds=1.0, late_factor=1.0)))
    dead = report.group("Saved search", "Dead search").rates["replied"]
    assert dead.count == 0 and dead.rate == 0 and dead.high < 0.01 and dead.significant
    others = [g for g in report.groups["Saved search"] if g.name != "Dead search"]
    assert all(g.rates["replied"].rate > 0.1 for g in others)


def test_replies_halving_after_four_hours_is_found() -> None:
    cards = history(6000, seed=13, effects=Effects(payment_odds=1.0, dead_search=None))
    report = insights(cards)
    speed = {g.name: g for g in report.groups["Posting to submission"]}
    early = sum(speed[b].outcomes["replied"] for b in ("< 15 min", "15-60 min", "1-4 h"))
    early_n = sum(speed[b].proposals for b in ("< 15 min", "15-60 min", "1-4 h"))
    late = sum(speed[b].outcomes["replied"] for b in ("4-24 h", "> 24 h"))
    late_n = sum(speed[b].proposals for b in ("4-24 h", "> 24 h"))
    assert abs((late / late_n) / (early / early_n) - 0.5) < LATE_TOLERANCE
    assert speed["4-24 h"].rates["replied"].significant
    assert (speed["4-24 h"].rates["replied"].odds_ratio or 1) < 1
    assert list(speed) == ["< 15 min", "15-60 min", "1-4 h", "4-24 h", "> 24 h"]  # in order


def test_answered_screening_questions_and_proposal_length_are_recovered() -> None:
    """Answering the screening questions doubles the odds, a draft of 300+ words halves them:
    both recovered within the payment tolerance (25 %), each with its count and interval."""
    effects = Effects(
        payment_odds=1.0, dead_search=None, late_factor=1.0, answered_odds=2.0, long_odds=0.5
    )
    report = insights(history(6000, seed=14, effects=effects))
    answered = report.group("Screening questions", "Answered")
    rate = answered.rates["replied"]
    assert answered.proposals > 1500 and rate.significant and rate.odds_ratio is not None
    assert abs(rate.odds_ratio / 2.0 - 1) < PAYMENT_TOLERANCE
    assert rate.low < rate.rate < rate.high
    assert [g.name for g in report.groups["Screening questions"]] == [
        "Answered", "Not answered", "None asked"
    ]  # fmt: skip
    bands = [g.name for g in report.groups["Proposal length"]]
    assert bands == ["< 100 words", "100-149 words", "150-199 words", "200-299 words", "300+ words"]
    long = report.group("Proposal length", "300+ words").rates["replied"]
    assert long.significant and long.odds_ratio is not None
    assert abs(long.odds_ratio / 0.5 - 1) < PAYMENT_TOLERANCE
    text = group_line(report.group("Proposal length", "300+ words"))
    assert text.startswith("300+ words: ") and "odds x0." in text


def test_no_effect_is_significant_no_more_often_than_stated() -> None:
    """120 histories with no effect, ~40 groups each: the share of reports marking anything
    significant stays within the stated family-wise rate (5 %) plus binomial slack."""
    runs, flagged, groups = 120, 0, 0
    for seed in range(runs):
        report = insights(history(1500, seed=1000 + seed, effects=NO_EFFECT))
        groups = max(groups, report.tests["replied"])
        flagged += bool(report.significant("replied"))
    assert groups >= 35
    # binomial(120, 0.05): mean 6, P(X > 13) < 0.5 %
    assert flagged <= 13, flagged


def test_the_uncorrected_test_would_cry_wolf() -> None:
    """The correction matters: at alpha per group, most no-effect reports flag something."""
    crying = 0
    for seed in range(20):
        report = insights(history(1500, seed=2000 + seed, effects=NO_EFFECT))
        crying += any(
            r.p_value < ALPHA
            for rows in report.groups.values()
            for g in rows
            for r in g.rates.values()
        )
    assert crying >= 10


def test_small_groups_are_shown_as_such_never_as_a_rate() -> None:
    cards = history(400, seed=5)
    few = cards[: MIN_COUNT - 1]
    for card in few:
        card.client_country = "Iceland"
    report = insights(cards)
    iceland = report.group("Country", "Iceland")
    assert iceland.too_few and iceland.rates == {} and iceland.proposals == MIN_COUNT - 1
    assert "no rate" in group_line(iceland) and "%" not in group_line(iceland)
    shown = {g["name"]: g for g in report.as_json()["groups"]["Country"]}
    assert shown["Iceland"]["too_few"] and shown["Iceland"]["rates"] == {}


def test_only_proposals_count_and_outcomes_follow_the_stamps() -> None:
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    cards = [
        JobCard(job_key="a", name="a", stage=Stage.NEW, received_at=now),
        JobCard(job_key="b", name="b", stage=Stage.SKIPPED, received_at=now),
        JobCard(job_key="c", name="c", stage=Stage.WON, submitted_at=now, won_at=now),
        JobCard(job_key="d", name="d", stage=Stage.LOST, submitted_at=now),
    ]
    report = insights(cards, min_count=1)
    assert report.proposals == 2
    assert report.outcomes == {"replied": 1, "interview": 1, "won": 1}


def test_speed_buckets_edges() -> None:
    assert [speed_bucket(m) for m in (0, 14.9, 15, 59.9, 60, 239, 240, 1439, 1440, None)] == [
        "< 15 min",
        "< 15 min",
        "15-60 min",
        "15-60 min",
        "1-4 h",
        "1-4 h",
        "4-24 h",
        "4-24 h",
        "> 24 h",
        "(unknown)",
    ]
    assert speed_bucket(-timedelta(minutes=3).total_seconds()) == "(unknown)"


def test_the_weekly_rollup_breaks_down_by_speed_to_lead() -> None:
    from zoneinfo import ZoneInfo

    from bidboard.metrics import IsoWeek, weekly_rollup
    from bidboard.metrics_text import as_markdown

    posted = datetime(2026, 11, 16, 9, tzinfo=UTC)  # W47
    cards = []
    for i, (lag, wait, replied) in enumerate(
        [(10, 5, True), (12, 8, False), (30, 20, True), (300, 290, False), (2000, 1990, False)]
    ):
        stamps = {"replied_at": posted + timedelta(days=2)} if replied else {}
        cards.append(
            JobCard(
                job_key=f"k{i}",
                name=f"Job {i}",
                stage=Stage.REPLIED if replied else Stage.SUBMITTED,
                posted_at=posted,
                received_at=posted,
                drafted_at=posted + timedelta(minutes=lag - wait),
                submitted_at=posted + timedelta(minutes=lag),
                **stamps,
            )
        )
    cards.append(JobCard(job_key="n", name="never sent", stage=Stage.NEW, received_at=posted))
    rollup = weekly_rollup(
        cards, IsoWeek(2026, 47), ZoneInfo("UTC"), now=posted + timedelta(days=30)
    )
    speed = dict(rollup.breakdowns["speed"])
    assert speed["< 15 min"]["Submitted"] == 2 and speed["< 15 min"]["Reply rate"] == 0.5
    assert speed["15-60 min"]["Reply rate"] == 1.0 and speed["4-24 h"]["Reply rate"] == 0.0
    assert speed["> 24 h"]["Submitted"] == 1 and speed["(not submitted)"]["Alerts"] == 1
    wait = dict(rollup.breakdowns["wait"])
    assert wait["< 15 min"]["Submitted"] == 2 and wait["15-60 min"]["Submitted"] == 1
    assert wait["4-24 h"]["Submitted"] == 1 and wait["> 24 h"]["Submitted"] == 1
    text = as_markdown(rollup)
    assert "## By posting to submission" in text and "## By drafted to submitted" in text


def test_the_what_gets_replies_page_is_one_page_rewritten_only_on_change(board: Board) -> None:
    from bidboard.notion.insights_page import TITLE, publish_page

    parent = board.workspace.parent_page_id
    report = insights(history(300, seed=31))
    first = publish_page(board.notion, parent, report)
    assert first.created and first.rewritten
    board.reset()
    again = publish_page(board.notion, parent, report)
    assert not again.created and not again.rewritten and again.page_id == first.page_id
    assert set(board.requests()) == {"GET /v1/blocks/{id}/children"}  # reads only
    changed = publish_page(board.notion, parent, insights(history(400, seed=32)))
    assert changed.rewritten and changed.page_id == first.page_id
    held = board.notion.client.blocks.children.list(first.page_id)["results"]
    text = " ".join("".join(i["plain_text"] for i in blk[blk["type"]]["rich_text"]) for blk in held)
    assert text.startswith("400 proposals") and "Reply rate by posting to submission" in text
    assert len(held) == 2  # the summary, and one paragraph of every dimension's section
    assert text.count("Reply rate by ") == 13
    children = board.notion.client.blocks.children.list(parent)["results"]
    assert [c["child_page"]["title"] for c in children if c["type"] == "child_page"].count(
        TITLE
    ) == 1


def test_the_speed_to_lead_chart_gets_its_values_written_once(board: Board) -> None:
    """The insights refresh writes Speed to lead and Got a reply on the submitted cards (those
    two properties only), then nothing while nothing changes; the Jobs chart averages Got a
    reply per bucket, fastest first, as the emulator draws it."""
    import httpx

    from bidboard.notion.gateway import BoardGateway
    from bidboard.routines import publish_insights
    from bidboard.runtime import Runtime
    from bidboard.state import StateStore
    from bidboard.synthetic import put_on_board
    from notion_emulator.transport import SyncASGITransport

    gateway = BoardGateway(board.notion, board.workspace)
    cards = history(50, seed=41, days=20, skipped=0.1)
    put_on_board(gateway, board.notion, cards)
    store = StateStore.in_data_dir(board.settings.data_dir)
    runtime = Runtime(board.settings, board.notion, board.workspace, gateway, store)
    try:
        board.reset()
        first = publish_insights(runtime, speed_writes=30)  # a refresh writes at most 30
        assert first.created and first.speed_written == 30 and first.speed_left == 20
        assert board.requests()["PATCH /v1/pages/{id}"] == 30
        board.reset()
        second = publish_insights(runtime, speed_writes=30)  # the 5 skipped are not touched
        assert second.speed_written == 20 and second.speed_left == 0
        board.reset()
        again = publish_insights(runtime)
        assert again.speed_written == 0 and "PATCH /v1/pages/{id}" not in board.requests()
    finally:
        store.close()
    stored = {s.card.job_key: s.card for s in gateway.iter_cards()}
    for card in cards:
        held = stored[card.job_key]
        if card.submitted_at is None:
            assert held.speed_to_lead is None and held.got_reply is None
        else:
            assert held.got_reply == (1.0 if card.stage == Stage.REPLIED else 0.0)
            assert held.speed_to_lead == speed_bucket(
                (card.submitted_at - card.posted_at).total_seconds() / 60  # type: ignore[operator]
            )
    jobs = board.workspace.ids("jobs")
    view = jobs.views["Reply rate by speed to lead"]
    with httpx.Client(transport=SyncASGITransport(board.app), base_url="http://n.test") as http:
        chart = http.get(f"/board/{jobs.data_source_id}?v={view}").text
    svg = chart.split("<svg", 1)[1]
    labels = re.findall(r"<text[^>]*>([^<]*(?:min|h))</text>", svg)
    assert labels == ["&lt; 15 min", "15-60 min", "1-4 h", "4-24 h", "&gt; 24 h"], labels
    assert "No Speed to lead" not in svg  # the chart leaves the cards not submitted out


def test_the_weekly_flow_refreshes_what_gets_replies_and_survives_its_failure(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """weekly_metrics refreshes the page in its own step ("refresh what gets replies"); when
    that step fails (here the workspace's block limit, after the week's page), the week's row
    and page stay and the flow completes; the next run makes the page."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from bidboard.cli.localserver import BackgroundServer
    from bidboard.metrics import IsoWeek
    from bidboard.notion.insights_page import TITLE
    from bidboard.runtime import opened
    from bidboard.settings import load_settings
    from bidboard.synthetic import put_on_board
    from flows.weekly_metrics import weekly_metrics
    from notion_emulator import EmulatorConfig, create_app
    from tests.support.builders import init_workspace

    app = create_app(EmulatorConfig(rate_limit=0))
    with BackgroundServer(app) as server:
        for key, value in {
            "BIDBOARD_NOTION_BASE_URL": server.url,
            "BIDBOARD_NOTION_TOKEN": "insights-flow",
            "BIDBOARD_NOTION_RATE_LIMIT": "1000",
            "BIDBOARD_DATA_DIR": str(tmp_path / "data"),
        }.items():
            monkeypatch.setenv(key, value)
        settings = load_settings(env_file=None)
        init_workspace(settings)
        cards = history(30, seed=51, start=datetime(2026, 11, 2, 9, tzinfo=UTC), days=10)
        with opened(settings) as runtime:
            put_on_board(runtime.gateway, runtime.notion, cards)
        moments = [c.submitted_at for c in cards if c.submitted_at is not None]
        label = IsoWeek.of(min(moments), settings.tz).label

        def child_pages() -> list[str]:
            with opened(settings) as runtime:
                notion = runtime.notion
                listed = notion.call(
                    "children",
                    notion.client.blocks.children.list,
                    runtime.workspace.parent_page_id,
                    safe=True,
                )
            return [b["child_page"]["title"] for b in listed["results"] if "child_page" in b]

        used = app.stats["blocks"]["lifetime"]
        # the week's row and page reach the limit (the write that does succeeds), no grace:
        # the insights page that follows is refused
        app.configure_blocks(block_limit=used + 1, block_grace_seconds=0)
        state = weekly_metrics(week=label, return_state=True)
        assert state.is_completed()
        rows = state.result()
        assert list(rows) == [label] and rows[label]  # the week's row and page were written
        assert TITLE not in child_pages()

        app.configure_blocks(block_limit=None)
        state = weekly_metrics(week=label, return_state=True)
        assert state.is_completed() and child_pages().count(TITLE) == 1
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(
                    id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
                )
            )
        assert "refresh what gets replies" in {run.name.rsplit("-", 1)[0] for run in runs}
    app.store.close()


def test_migrate_adds_the_new_card_properties_to_an_older_board(board: Board) -> None:
    """A board made before Draft words, Screening questions, Speed to lead and Got a reply:
    verify names them, migrate adds them; until then the insights refresh writes no chart
    values (and says so) rather than failing."""
    from bidboard.notion import bootstrap

    new = ("Draft words", "Screening questions", "Speed to lead", "Got a reply")
    board.notion.call(
        "an older board",
        board.notion.client.data_sources.update,
        board.workspace.ids("jobs").data_source_id,
        safe=True,
        properties=dict.fromkeys(new),
    )
    jobs = board.workspace.ids("jobs")
    for name in new:
        jobs.property_ids.pop(name, None)
    missing = {
        d.name for d in bootstrap.verify(board.notion, board.workspace) if d.kind == "missing"
    }
    assert missing == set(new)

    from bidboard.notion.gateway import BoardGateway
    from bidboard.notion.speed import SpeedUpdates, has_speed_properties, history_with_speed

    gateway = BoardGateway(board.notion, board.workspace)
    assert not has_speed_properties(gateway)
    updates = SpeedUpdates(False)
    assert list(history_with_speed(gateway, updates)) == [] and updates.pending == []

    bootstrap.migrate(board.notion, board.workspace)
    assert not [d for d in bootstrap.verify(board.notion, board.workspace) if d.kind == "missing"]
    assert has_speed_properties(BoardGateway(board.notion, board.workspace))


def test_the_speed_chart_is_what_the_views_api_accepts() -> None:
    """The chart's create body against the official description of POST /v1/views
    (shared/notion/openapi.json); a body the description refuses is told apart."""
    from bidboard.schema.views import SPEED_TO_LEAD
    from tests.support.contract import SPEC_PATH, Contract, _pointer

    if not SPEC_PATH.exists():
        pytest.skip("no OpenAPI description")
    contract = Contract()
    schema = "/" + _pointer(
        "paths", "/v1/views", "post", "requestBody", "content", "application/json", "schema"
    )
    body = {
        "database_id": "2f1d2c3a-0000-4000-8000-000000000001",
        "data_source_id": "2f1d2c3a-0000-4000-8000-000000000002",
        "name": SPEED_TO_LEAD.name,
        "type": SPEED_TO_LEAD.type,
        "position": {"type": "start"},
        **SPEED_TO_LEAD.body(lambda name: f"id-{name}"),
    }
    assert contract.problem(schema, body) is None
    config = body["configuration"]
    assert config["x_axis"]["property_id"] == "id-Speed to lead"
    assert config["y_axis"] == {"aggregator": "average", "property_id": "id-Got a reply"}
    wrong = {**body, "configuration": {**config, "y_axis": {"aggregator": "mean"}}}
    assert contract.problem(schema, wrong) is not None
