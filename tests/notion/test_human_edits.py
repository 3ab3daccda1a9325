"""A person edits the board while bidboard works: the stage guard holds at the moment of the
write, not only when the card was read. A stage bidboard does not know ("On hold", a person's own
option) is the person's too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
from pydantic import SecretStr

from bidboard.ai.client import build_openai_client
from bidboard.ai.drafter import OpenAIDrafter
from bidboard.ingest import run_draft_pending
from bidboard.models import Stage
from bidboard.pipeline import PipelineConfig, card_for
from bidboard.scoring.score import score_job
from bidboard.settings import Settings
from tests.support.chat import GOOD, completion
from tests.support.notion import Board
from tests.support.pipeline import NOW, alerts, cards, config, content, held_back


def move(board: Board, page_id: str, stage: str) -> None:
    """What a person does on the board: drag the card to another column."""
    board.person_edits(page_id, {"Stage": {"select": {"name": stage}}})


def tomorrow(drafter: Any = None) -> PipelineConfig:
    made = config(drafter, cap=100)
    made.clock = lambda: NOW + timedelta(days=1)
    return made


class PersonMovesWhileDrafting:
    """An OpenAI-compatible model that takes its time: while it drafts, a person moves the card
    the draft is for (the person's move lands between bidboard's read and its write)."""

    def __init__(self, on_request: Callable[[], None]) -> None:
        self.on_request = on_request

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.on_request()
        return httpx2.Response(200, json=completion(GOOD))


def test_a_card_moved_to_submitted_while_it_is_drafted_is_left_as_the_person_set_it(
    board: Board, tmp_path: Path
) -> None:
    gateway, store, held = held_back(board, tmp_path, cap=1)  # left New for draft_pending
    assert len(held) >= 2
    on_board = cards(board)
    before = {k: content(board, on_board[k].page_id) for k in held}
    moved: list[str] = []

    def person() -> None:  # at the first draft request the person submits every one of them
        for key in held if not moved else []:
            move(board, on_board[key].page_id, "Submitted")
            moved.append(key)

    client = build_openai_client(
        Settings(openai_api_key=SecretStr("sk-test"), data_dir=tmp_path),
        transport=httpx2.MockTransport(PersonMovesWhileDrafting(person)),
        max_retries=0,
    )
    try:
        report = run_draft_pending(gateway, tomorrow(OpenAIDrafter(client, "m")), store)
    finally:
        client.close()
    assert moved  # the person really moved cards while they were drafted
    after = cards(board)
    overwritten = [k for k in moved if after[k].card.stage is not Stage.SUBMITTED]
    rewritten = [k for k in moved if content(board, after[k].page_id) != before[k]]
    print(
        f"\nhuman_stage_moves={len(moved)} human_stage_overwrites={len(overwritten)} "
        f"human_content_rewrites={len(rewritten)}"
    )
    assert overwritten == [] and rewritten == []
    assert report.outcomes == []  # nothing drafted: every card was taken meanwhile
    assert store.pending() == []  # and nothing waits for them any more
    store.close()


def test_a_stage_bidboard_does_not_know_is_the_persons(board: Board, tmp_path: Path) -> None:
    gateway, store, held = held_back(board, tmp_path, cap=1)  # left New for draft_pending
    assert len(held) >= 2
    on_board = cards(board)
    move(board, on_board[held[0]].page_id, "On hold")  # an option the person added
    report = run_draft_pending(gateway, tomorrow(), store)
    assert held[0] not in {o.job_key for o in report.outcomes}
    assert gateway.stage_now(on_board[held[0]].page_id) == "On hold"
    # an upsert of the same job leaves the card as it is, too
    job = next(a for a in alerts() if a.job_key == held[0])
    card = card_for(job, score_job(job, config().searches, config().portfolio))
    ref, created = gateway.upsert_card(card.model_copy(update={"stage": Stage.NEW}))
    assert not created and gateway.stage_now(ref.page_id) == "On hold"
    store.close()
