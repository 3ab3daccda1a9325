"""Board sync against the emulator: stamps on first entry into a stage, moves forward, backward
and skipping stages, the watermark, what is read, and that nothing else is ever written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bidboard.errors import HumanStageError, NotionError
from bidboard.models import STAMPS, JobCard, Stage
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.queries import property_names
from bidboard.state import StateStore
from bidboard.sync import SYNC_FIELDS, WATERMARK_KEY, sync_board
from notion_emulator import EmulatorConfig, create_app
from notion_emulator.app import Emulator
from tests.support.notion import Board, Recorder, make_board

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: float) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock: Clock) -> Iterator[Emulator]:
    made = create_app(EmulatorConfig(clock=clock, rate_limit=0))
    yield made
    made.store.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def board(app: Emulator, tmp_path: Any, recorder: Recorder) -> Iterator[Board]:
    made = make_board(app, tmp_path, recorder=recorder, attempts=1)
    yield made
    made.notion.close()


def new_card(board: Board, i: int, **extra: Any) -> str:
    values: dict[str, Any] = {
        "job_key": f"~02{i:016d}",
        "name": f"Job {i}",
        "stage": Stage.DRAFTED,
        "received_at": T0 - timedelta(days=1),
    }
    values.update(extra)
    ref = BoardGateway(board.notion, board.workspace).create_card(JobCard(**values))
    return ref.page_id


def person_moves(board: Board, page_id: str, stage: Stage, **props: Any) -> None:
    """What a person does on the board: set the Stage (and maybe their own fields)."""
    properties: dict[str, Any] = {"Stage": {"select": {"name": stage.value}}}
    for name, value in props.items():
        properties[name] = {"number": value}
    board.person_edits(page_id, properties)


def card(board: Board, page_id: str) -> JobCard:
    page = board.notion.call("read", board.notion.client.pages.retrieve, page_id, safe=True)
    from bidboard.schema.codecs import decode_card

    return decode_card(page).card


def run(board: Board, store: StateStore, clock: Clock) -> Any:
    return sync_board(
        BoardGateway(board.notion, board.workspace), store, now=clock.now + timedelta(seconds=30)
    )


def test_first_entry_into_a_stage_is_stamped_with_the_edit_time(
    board: Board, store: StateStore, clock: Clock
) -> None:
    untouched = new_card(board, 1)
    moved = new_card(board, 2)
    clock.tick(7)
    person_moves(board, moved, Stage.SUBMITTED, Connects=16, Bid=900)
    report = run(board, store, clock)
    assert report.stamped == 1
    assert [(m.before, m.after, m.stamped) for m in report.moves] == [
        (None, "Submitted", "submitted_at")
    ]
    after = card(board, moved)
    assert after.submitted_at == clock.now  # the page's last edit, minute-rounded like Notion
    assert after.stage is Stage.SUBMITTED
    assert (after.connects, after.bid) == (16, 900)  # a person's fields are left as they are
    assert card(board, untouched).submitted_at is None
    assert store.get(WATERMARK_KEY) == (clock.now + timedelta(seconds=30)).isoformat()


def test_forward_backward_and_skipping_stages(
    board: Board, store: StateStore, clock: Clock
) -> None:
    forward, skipper = new_card(board, 1), new_card(board, 2)
    clock.tick(10)
    person_moves(board, forward, Stage.SUBMITTED)
    person_moves(board, skipper, Stage.REVIEWING)
    run(board, store, clock)
    submitted_at = card(board, forward).submitted_at
    assert submitted_at == clock.now

    clock.tick(60)
    person_moves(board, forward, Stage.VIEWED)
    person_moves(board, skipper, Stage.WON)  # Reviewing straight to Won
    report = run(board, store, clock)
    moves = {m.page_id: (m.before, m.after, m.stamped) for m in report.moves}
    assert moves == {
        forward: ("Submitted", "Viewed", "viewed_at"),
        skipper: ("Reviewing", "Won", "won_at"),
    }
    skipped = card(board, skipper)
    assert skipped.won_at == clock.now
    assert (skipped.submitted_at, skipped.viewed_at, skipped.interview_at) == (None, None, None)

    clock.tick(60)
    person_moves(board, forward, Stage.SUBMITTED)  # moved back: stamps kept, none rewritten
    report = run(board, store, clock)
    assert report.stamped == 0
    assert [(m.before, m.after) for m in report.moves] == [("Viewed", "Submitted")]
    back = card(board, forward)
    assert back.submitted_at == submitted_at
    assert back.viewed_at == clock.now - timedelta(minutes=60)

    clock.tick(60)
    person_moves(board, forward, Stage.VIEWED)  # forward again: Viewed at stays the first one
    assert run(board, store, clock).stamped == 0
    assert card(board, forward).viewed_at == back.viewed_at


def test_each_stamp_stage_gets_its_own_field(board: Board, store: StateStore, clock: Clock) -> None:
    pages = {stage: new_card(board, i) for i, stage in enumerate(Stage) if stage.value}
    clock.tick(5)
    for stage, page in pages.items():
        if stage not in (Stage.NEW, Stage.DRAFTED, Stage.NEEDS_ATTENTION):
            person_moves(board, page, stage)
    report = run(board, store, clock)
    assert report.stamped == 6  # Reviewing and Skipped have no stamp
    for stage, field in (
        (Stage.SUBMITTED, "submitted_at"),
        (Stage.VIEWED, "viewed_at"),
        (Stage.REPLIED, "replied_at"),
        (Stage.INTERVIEW, "interview_at"),
        (Stage.WON, "won_at"),
        (Stage.LOST, "lost_at"),
    ):
        got = card(board, pages[stage])
        set_stamps = [f for f in STAMPS.values() if getattr(got, f) is not None]
        assert set_stamps == [field], stage


def test_the_watermark_limits_reads_to_cards_edited_since(
    board: Board, store: StateStore, clock: Clock
) -> None:
    pages = [new_card(board, i) for i in range(30)]
    clock.tick(10)
    first = run(board, store, clock)
    assert first.read == 30 and first.since is None
    clock.tick(60)
    person_moves(board, pages[3], Stage.SUBMITTED)
    person_moves(board, pages[7], Stage.SKIPPED)
    second = run(board, store, clock)
    assert second.read == 2
    assert second.since == first.watermark
    clock.tick(60)  # the 2-minute overlap reads the last run's edits once more, writes nothing
    third = run(board, store, clock)
    assert (third.read, third.stamped, third.moves) == (2, 0, [])
    clock.tick(60)
    assert run(board, store, clock).read == 0


def test_it_reads_only_the_properties_it_needs(
    board: Board, store: StateStore, clock: Clock, recorder: Recorder
) -> None:
    new_card(board, 1, bid=100.0, score=80.0, score_reasons="long " * 50)
    recorder.exchanges.clear()
    run(board, store, clock)
    queries = [e for e in recorder.exchanges if e.path.endswith("/query")]
    assert queries
    for exchange in queries:
        for page in exchange.response_body["results"]:
            assert set(page["properties"]) <= set(property_names(SYNC_FIELDS))
    writes = [e for e in recorder.exchanges if e.method != "GET" and not e.path.endswith("/query")]
    assert writes == []  # nothing moved, nothing written


def test_a_failed_stamp_leaves_the_watermark_so_the_next_run_redoes_it(
    board: Board, store: StateStore, clock: Clock, app: Emulator
) -> None:
    page = new_card(board, 1)
    clock.tick(3)
    person_moves(board, page, Stage.INTERVIEW)
    app.gate.config.fault_next = ["", "500"]  # the query passes, the stamp fails
    with pytest.raises(NotionError):
        run(board, store, clock)
    assert store.get(WATERMARK_KEY) is None
    assert card(board, page).interview_at is None
    report = run(board, store, clock)
    assert report.stamped == 1
    assert card(board, page).interview_at == clock.now


def test_sync_writes_only_stamps(board: Board) -> None:
    gateway = BoardGateway(board.notion, board.workspace)
    with pytest.raises(HumanStageError, match="only stage stamps"):
        gateway.stamp_card("any", {"stage": Stage.WON})
    with pytest.raises(HumanStageError):
        gateway.stamp_card("any", {"bid": 5})
