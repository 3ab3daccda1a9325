"""Redirect-only alerts on the board: a card under a derived key (marked so, its Job URL the
tracking link), the same job's later alert with the real key makes no second card (the card
adopts the key), and board sync adopts a real key a person pastes into the Job URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bidboard.alerts.alert import JobAlert
from bidboard.alerts.identity import merge_same_jobs
from bidboard.inbox.files import parse_file
from bidboard.models import Stage, StoredCard
from bidboard.notion.gateway import BoardGateway
from bidboard.pipeline import process_alerts
from bidboard.state import StateStore
from bidboard.sync import sync_board
from tests.support.notion import Board
from tests.support.paths import VARIANTS
from tests.support.pipeline import config

KEY = "~022074164276058730111"


def redirect_alert() -> JobAlert:
    (alert,) = parse_file(VARIANTS / "upwork-redirect-only.eml").alerts
    return alert


def keyed_alert() -> JobAlert:
    (alert,) = parse_file(VARIANTS / "upwork-text-today-real-key.eml").alerts
    return alert


def cards(board: Board) -> list[StoredCard]:
    return list(BoardGateway(board.notion, board.workspace).iter_cards())


def test_a_redirect_only_alert_becomes_a_card_under_a_derived_key(board: Board) -> None:
    alert = redirect_alert()
    gateway = BoardGateway(board.notion, board.workspace)
    report = process_alerts([alert], gateway, config())
    (stored,) = cards(board)
    assert report.outcomes[0].created
    assert stored.card.job_key == alert.job_key and stored.card.job_key.startswith("~derived-")
    assert stored.card.job_url == alert.url and "link.t.upwork.com" in alert.url
    assert stored.card.source == "Upwork email (derived key)"
    again = process_alerts([redirect_alert()], gateway, config())  # the same email, read again
    assert [o.created for o in again.outcomes] == [False] and len(cards(board)) == 1


def test_the_real_key_arriving_later_is_adopted_not_a_second_card(board: Board) -> None:
    gateway = BoardGateway(board.notion, board.workspace)
    process_alerts([redirect_alert()], gateway, config())
    later = keyed_alert()  # posted a day later, same title and budget
    report = process_alerts([later], gateway, config())
    assert [(o.created, o.note) for o in report.outcomes] == [(False, "already on the board")]
    (stored,) = cards(board)
    assert stored.card.job_key == KEY
    assert stored.card.job_url == f"https://www.upwork.com/jobs/{KEY}"
    assert process_alerts([keyed_alert()], gateway, config()).outcomes[0].created is False


def test_a_key_less_alert_of_a_job_already_on_the_board_is_that_card(board: Board) -> None:
    gateway = BoardGateway(board.notion, board.workspace)
    process_alerts([keyed_alert()], gateway, config())
    report = process_alerts([redirect_alert()], gateway, config())
    assert [o.created for o in report.outcomes] == [False]
    assert [c.card.job_key for c in cards(board)] == [KEY]


def test_one_batch_with_both_alerts_of_a_job_makes_one_card(board: Board) -> None:
    gateway = BoardGateway(board.notion, board.workspace)
    report = process_alerts([redirect_alert(), keyed_alert()], gateway, config())
    assert report.duplicates == 1
    assert [c.card.job_key for c in cards(board)] == [KEY]


def test_another_budget_or_a_later_week_is_another_job() -> None:
    derived, keyed = redirect_alert(), keyed_alert()
    cheaper = keyed.model_copy(update={"budget_max": 50.0})
    later = keyed.model_copy(update={"posted_at": derived.received_at + timedelta(days=3)})
    assert merge_same_jobs([derived, keyed]) == [keyed]
    assert merge_same_jobs([derived, cheaper]) == [derived, cheaper]
    assert merge_same_jobs([derived, later]) == [derived, later]


def test_board_sync_adopts_a_real_key_pasted_into_the_job_url(board: Board, tmp_path: Path) -> None:
    gateway = BoardGateway(board.notion, board.workspace)
    process_alerts([redirect_alert()], gateway, config())
    (stored,) = cards(board)
    pasted = f"https://www.upwork.com/jobs/Shopify-theme-fixes_{KEY.replace('~', '%7E')}/"
    board.person_edits(  # what a person does: paste the job's link, move the card
        stored.page_id, {"Job URL": {"url": pasted}, "Stage": {"select": {"name": "Reviewing"}}}
    )
    store = StateStore(tmp_path / "state.sqlite3")
    try:
        report = sync_board(gateway, store, now=datetime.now(UTC))
    finally:
        store.close()
    assert report.adopted == 1
    (after,) = cards(board)
    assert after.card.job_key == KEY and after.card.stage is Stage.REVIEWING
    assert after.card.job_url == f"https://www.upwork.com/jobs/{KEY}"
    assert process_alerts([keyed_alert()], gateway, config()).outcomes[0].created is False
