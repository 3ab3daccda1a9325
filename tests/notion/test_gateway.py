"""The board gateway against the emulator: requests per card, dedupe batching, the stage guard,
idempotence across crashes, retries, pacing. Requests are counted at the emulator."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bidboard.board import CardRef
from bidboard.egress import Pacer
from bidboard.errors import HumanStageError, NotionError
from bidboard.models import HUMAN_STAGES, JobCard, Stage
from bidboard.notion import blocks as b
from bidboard.notion.gateway import BoardGateway
from notion_emulator import create_app
from tests.support.notion import Board, make_board


def card(i: int, **extra: Any) -> JobCard:
    values: dict[str, Any] = {
        "job_key": f"~01{i:016d}",
        "name": f"Job {i}",
        "score": float(i % 100),
        "stage": Stage.NEW,
        "skills": ["python"],
        "source": "email",
        "received_at": datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
    }
    values.update(extra)
    return JobCard(**values)


def draft(i: int, blocks: int = 6) -> list[b.Block]:
    return [
        b.callout("Draft: review it, then submit it yourself on Upwork."),
        *[b.paragraph(f"Paragraph {n} of the draft for job {i}.") for n in range(blocks - 2)],
        b.to_do("Check the budget"),
    ]


def gateway(board: Board) -> BoardGateway:
    return BoardGateway(board.notion, board.workspace)


def cards_for(board: Board, key: str) -> list[Any]:
    return list(
        gateway(board).iter_cards(filter={"property": "Job key", "rich_text": {"equals": key}})
    )


def content(board: Board, page_id: str) -> list[dict[str, Any]]:
    out, cursor = [], None
    while True:
        kwargs: dict[str, Any] = {"page_size": 100}
        if cursor:
            kwargs["start_cursor"] = cursor
        batch = board.notion.call(
            "content", board.notion.client.blocks.children.list, page_id, safe=True, **kwargs
        )
        out += batch["results"]
        if not batch["has_more"]:
            return out
        cursor = batch["next_cursor"]


@pytest.fixture
def bulk(tmp_path: Path) -> Any:
    """A board whose exchanges are not contract-checked, for runs of hundreds of requests."""
    app = create_app(rate_limit=0)
    made = make_board(app, tmp_path, check_contract=False)
    yield made
    made.notion.close()


def test_a_new_card_with_its_draft_is_one_request(board: Board) -> None:
    board.reset()
    ref = gateway(board).create_card(card(1), draft(1))
    assert board.requests() == {"POST /v1/pages": 1}
    blocks = content(board, ref.page_id)
    assert [x["type"] for x in blocks][:2] == ["callout", "paragraph"]
    assert len(blocks) == 6


def test_250_new_cards_cost_exactly_one_request_each(bulk: Board) -> None:
    bulk.reset()
    gw = gateway(bulk)
    for i in range(250):
        gw.create_card(card(i), draft(i))
    assert bulk.requests() == {"POST /v1/pages": 250}


def test_dedupe_of_300_keys_costs_at_most_3_requests(bulk: Board) -> None:
    gw = gateway(bulk)
    for i in range(0, 300, 2):  # half of them are on the board
        gw.create_card(card(i))
    bulk.reset()
    found = gw.find_cards(card(i).job_key for i in range(300))
    assert bulk.total() <= 3
    assert bulk.requests() == {"POST /v1/data_sources/{id}/query": 3}
    assert set(found) == {card(i).job_key for i in range(0, 300, 2)}
    assert all(ref.stage is Stage.NEW for ref in found.values())


@pytest.mark.parametrize("stage", sorted(HUMAN_STAGES, key=lambda s: s.value))
def test_stage_guard_raises_before_any_request(board: Board, stage: Stage) -> None:
    gw = gateway(board)
    ref = gw.create_card(card(1))
    board.reset()
    with pytest.raises(HumanStageError):
        gw.create_card(card(2, stage=stage))
    with pytest.raises(HumanStageError):
        gw.update_card(ref, {"stage": stage})
    with pytest.raises(HumanStageError):
        gw.upsert_card(card(1, stage=stage))
    assert board.total() == 0


def test_a_card_people_moved_is_left_alone(board: Board) -> None:
    gw = gateway(board)
    ref = gw.create_card(card(1))
    board.person_edits(
        ref.page_id, {"Stage": {"select": {"name": "Submitted"}}, "Connects": {"number": 12}}
    )
    moved = gw.find_cards([ref.job_key])[ref.job_key]
    with pytest.raises(HumanStageError, match="where a person put it"):
        gw.update_card(moved, {"stage": Stage.DRAFTED})
    board.reset()
    again, created = gw.upsert_card(card(1, score=99.0))
    assert (created, again.stage) == (False, Stage.SUBMITTED)
    assert "PATCH /v1/pages/{id}" not in board.requests()  # nothing written
    stored = cards_for(board, ref.job_key)[0].card
    assert stored.stage is Stage.SUBMITTED and stored.connects == 12 and stored.score == 1.0


def test_upsert_never_overwrites_fields_people_own(board: Board) -> None:
    gw = gateway(board)
    ref = gw.create_card(card(7))
    board.person_edits(ref.page_id, {"Bid": {"number": 45}, "Connects": {"number": 8}})
    _, created = gw.upsert_card(card(7, score=70.0, stage=Stage.DRAFTED))
    stored = cards_for(board, ref.job_key)
    assert not created and len(stored) == 1
    assert (stored[0].card.bid, stored[0].card.connects) == (45, 8)
    assert (stored[0].card.score, stored[0].card.stage) == (70.0, Stage.DRAFTED)


def test_a_lost_answer_to_a_create_is_read_back_not_resent(board: Board) -> None:
    board.app.gate.reconfigure(fault_next=["lost"])
    ref = gateway(board).create_card(card(3), draft(3))
    assert board.requests()["POST /v1/pages"] == 1  # created once, answer lost, then found
    assert [c.page_id for c in cards_for(board, ref.job_key)] == [ref.page_id]


def test_a_failed_create_is_retried_when_nothing_landed(board: Board) -> None:
    board.reset()
    board.app.gate.reconfigure(fault_next=["503"])
    ref = gateway(board).create_card(card(4))
    requests = board.requests()
    assert requests["POST /v1/pages"] == 2 and requests["POST /v1/data_sources/{id}/query"] == 1
    assert len(cards_for(board, ref.job_key)) == 1


def test_a_crash_between_two_writes_then_a_rerun_leaves_one_whole_card(board: Board) -> None:
    long_draft = draft(5, blocks=150)
    job = card(5, draft_fingerprint="abc123")
    # create (100 blocks) lands; the append of the other 50 is cut: the run dies there
    board.app.gate.reconfigure(fault_next=["", "drop"])
    with pytest.raises(NotionError):
        gateway(board).create_card(job, long_draft)
    half = cards_for(board, job.job_key)
    assert len(half) == 1 and half[0].card.draft_fingerprint == ""  # marked incomplete
    assert len(content(board, half[0].page_id)) == 100
    # the rerun finds the card, sees it incomplete and completes it: no second card
    ref, created = gateway(board).upsert_card(job, long_draft)
    after = cards_for(board, job.job_key)
    assert not created and [c.page_id for c in after] == [ref.page_id]
    assert after[0].card.draft_fingerprint == "abc123"
    texts = [
        x["paragraph"]["rich_text"][0]["plain_text"]
        for x in content(board, ref.page_id)
        if x["type"] == "paragraph"
    ]
    assert len(texts) == 148 and texts[0].startswith("Paragraph 0 ")


def test_large_content_is_created_then_appended_in_chunks(board: Board) -> None:
    board.reset()
    ref = gateway(board).create_card(card(6, draft_fingerprint="fp"), draft(6, blocks=230))
    assert board.requests() == {
        "POST /v1/pages": 1,
        "PATCH /v1/blocks/{id}/children": 2,
        "PATCH /v1/pages/{id}": 1,
    }
    assert len(content(board, ref.page_id)) == 230


def test_transient_errors_on_reads_are_retried(board: Board) -> None:
    board.app.gate.reconfigure(fault_next=["529", "500", "drop"])
    found = gateway(board).find_cards(["~01nothing"])
    assert found == {}
    assert board.app.stats["faults"] == {"529": 1, "500": 1, "drop": 1}
    assert board.notion.stats.retries == 3


def test_rate_limited_calls_wait_retry_after(board: Board) -> None:
    board.app.gate.reconfigure(fault_next=["429"])
    started = datetime.now(UTC)
    gateway(board).create_card(card(8))
    assert (datetime.now(UTC) - started).total_seconds() >= 1.0  # Retry-After: 1
    assert board.requests()["POST /v1/pages"] == 2 and len(cards_for(board, card(8).job_key)) == 1


def test_validation_errors_are_not_retried_and_say_what_failed(board: Board) -> None:
    board.reset()
    with pytest.raises(NotionError) as caught:
        board.notion.call(
            "create card",
            board.notion.client.pages.create,
            safe=False,
            parent={
                "type": "data_source_id",
                "data_source_id": board.workspace.ids("jobs").data_source_id,
            },
            properties={"Nope": {"number": 1}},
        )
    assert caught.value.status == 400 and caught.value.code == "validation_error"
    assert "create card" in str(caught.value) and caught.value.request_id
    assert board.total() == 1


def test_iter_cards_streams_and_reads_only_what_it_is_asked(bulk: Board) -> None:
    gw = gateway(bulk)
    for i in range(230):
        gw.create_card(card(i))
    bulk.reset()
    seen = list(gw.iter_cards(properties=["Job key", "Stage"]))
    assert len(seen) == 230 and bulk.total() == 3
    assert seen[0].card.score is None  # not read
    assert {s.card.stage for s in seen} == {Stage.NEW}


class VirtualClock:
    """Time for both sides: the client's pacer sleeps it forward, the emulator's bucket reads it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_pacing_keeps_500_cards_under_3_rps_with_no_429(tmp_path: Path) -> None:
    clock = VirtualClock()
    app = create_app(rate_limit=3, burst=3, monotonic=clock.monotonic)
    board = make_board(
        app,
        tmp_path,
        rate=3,
        pacer=Pacer(3, clock=clock.monotonic, sleep=clock.sleep),
        check_contract=False,
    )
    gw = gateway(board)
    board.reset()
    started = clock.now
    for i in range(500):
        gw.create_card(card(i), draft(i))
    elapsed = clock.now - started
    assert app.stats["statuses"] == {"200": 500}  # not one 429
    assert 500 / 3 - 1 <= elapsed <= 500 / 3 + 1  # and no slower than the limit allows
    board.notion.close()


def test_cardref_is_what_dedupe_returns(board: Board) -> None:
    ref = gateway(board).create_card(card(9, draft_fingerprint="x"))
    found = gateway(board).find_cards([ref.job_key])[ref.job_key]
    assert found == CardRef(ref.page_id, ref.job_key, Stage.NEW, "x", found.url)


def test_a_workspace_rate_limit_is_waited_out_without_spending_attempts(board: Board) -> None:
    """Three workspace-level 429s of 30 s each, on a Notion allowed 2 attempts: each wait comes
    from the run's wait budget, none from its attempts."""
    waits: list[float] = []
    board.notion._sleep = waits.append
    board.notion.attempts = 2
    board.app.gate.reconfigure(space_retry_after=30, fault_next=["429space"] * 3)
    gateway(board).create_card(card(9))
    assert waits == [30.0, 30.0, 30.0] and board.notion.wait_left == 120 - 90
    assert len(cards_for(board, card(9).job_key)) == 1


def test_a_workspace_rate_limit_past_the_budget_ends_the_batch_cleanly(
    board: Board, caplog: pytest.LogCaptureFixture
) -> None:
    """Retry-After 600 s > the 120 s budget: no wait, no failed run; the batch stops with one
    line saying when Notion allows requests again, and every job not written waits."""
    from bidboard.notion.client import RateLimitedUntil
    from bidboard.pipeline import process_alerts
    from tests.support.pipeline import alerts, config

    waits: list[float] = []
    board.notion._sleep = waits.append
    board.app.gate.reconfigure(space_retry_after=600, fault_next=["429space"])
    batch = alerts()
    with pytest.raises(RateLimitedUntil) as raised:
        board.notion.call("x", board.notion.client.users.me, safe=True)
    assert raised.value.until is not None and waits == []
    # dedupe, the look for the same jobs under other keys, the stage context, one create, then
    # the workspace limit
    board.app.gate.reconfigure(fault_next=["", "", "", "", "429space"])
    with caplog.at_level("ERROR"):
        report = process_alerts(batch, gateway(board), config())
    created = [o.job_key for o in report.outcomes if o.created]
    unique = {a.job_key for a in batch}
    assert created and set(report.waiting) == unique - set(created)
    lines = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(lines) == 1 and "until 20" in lines[0] and "UTC" in lines[0]
    assert "next run" in lines[0] and waits == []


def test_403_and_413_are_not_retried(board: Board) -> None:
    for fault, status in (("403", 403), ("413", 413)):
        board.reset()
        board.app.gate.reconfigure(fault_next=[fault])
        with pytest.raises(NotionError) as raised:
            gateway(board).find_cards(["~01none"])
        assert raised.value.status == status
        assert board.total() == 1


def test_a_board_made_by_an_earlier_version_still_gets_its_cards_before_migrate(
    board: Board, caplog: pytest.LogCaptureFixture
) -> None:
    """After an upgrade, until ``bidboard migrate`` runs, the board lacks the newest properties
    and Notion refuses a write naming one: the cards are written without them, and the run
    says which properties wait for ``migrate``; after it, they are written too."""
    from bidboard.notion import bootstrap
    from bidboard.pipeline import process_alerts
    from tests.support.pipeline import alerts, cards, config

    newest = ("Draft words", "Screening questions")
    jobs = board.workspace.ids("jobs")
    board.notion.call(
        "an older board",
        board.notion.client.data_sources.update,
        jobs.data_source_id,
        safe=True,
        properties=dict.fromkeys(newest),
    )
    for name in newest:
        jobs.property_ids.pop(name)
    batch = alerts()[:3]
    with caplog.at_level("WARNING"):
        report = process_alerts(batch, BoardGateway(board.notion, board.workspace), config())
    assert not report.failed and len(cards(board)) == len({a.job_key for a in batch})
    assert any(r.stage == "Drafted" for r in report.outcomes)
    (warning,) = [r for r in caplog.records if "bidboard migrate" in r.getMessage()]
    assert "Draft words" in warning.getMessage() and "Screening questions" in warning.getMessage()

    bootstrap.migrate(board.notion, board.workspace)
    seen = {a.job_key for a in batch}
    fresh = [a for a in alerts() if a.job_key not in seen][:3]
    later = process_alerts(fresh, BoardGateway(board.notion, board.workspace), config())
    drafted = [o for o in later.outcomes if o.created and o.stage == "Drafted"]
    assert drafted and all(cards(board)[o.job_key].card.draft_words for o in drafted)
