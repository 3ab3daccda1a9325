"""A card whose content a crash cut (issue 19, bug 2): the gateway writes a card's ``Draft
fingerprint`` only once its content is whole, and the next ingest of the same job must find
such a card and complete it, not count it as "already on the board" for good."""

from __future__ import annotations

from bidboard.notion.gateway import BoardGateway
from bidboard.pipeline import process_alerts
from tests.support.notion import Board
from tests.support.pipeline import alerts, cards, config, content


def test_the_next_ingest_completes_a_card_a_crash_left_half_written(board: Board) -> None:
    batch = alerts()
    process_alerts(batch, BoardGateway(board.notion, board.workspace), config())
    before = cards(board)
    key, half = next((k, c) for k, c in before.items() if c.card.draft_fingerprint)
    # what a crash between the create and the rest of the content leaves: no fingerprint, and
    # the draft itself missing
    board.notion.client.pages.update(
        half.page_id, properties={"Draft fingerprint": {"rich_text": []}}
    )
    for block in content(board, half.page_id)[1:]:
        board.notion.client.blocks.delete(block["id"])
    assert len(content(board, half.page_id)) == 1

    again = process_alerts(batch, BoardGateway(board.notion, board.workspace), config())
    after = cards(board)
    assert set(after) == set(before)  # no second card
    assert after[key].page_id == half.page_id and after[key].card.draft_fingerprint
    assert len(content(board, half.page_id)) > 1  # the draft is back
    (outcome,) = [o for o in again.outcomes if o.job_key == key]
    assert not outcome.created and "completed" in outcome.note
    others = [o for o in again.outcomes if o.job_key != key]
    assert others and all(o.note == "already on the board" for o in others)
