"""Board sync: notice the stage changes people make on the board and stamp when they happened.

Notion keeps no history of property changes that bidboard can read, so each run reads the cards
edited since the last run (a ``last_edited_time`` filter, with only the properties it needs) and,
for a card now in Submitted, Viewed, Replied, Interview, Won or Lost whose ``<Stage> at`` is
empty, writes that one stamp. Nothing else is ever written: not the stage, not a field a person
owns, not a stamp that is already set (a card moved backwards keeps its stamps; a card that
skipped stages gets only the stamps of the stages it was seen in). The one other write: a card
under a derived key (``~derived-…``) whose Job URL a person replaced with the job's real Upwork
link takes that link's job key (``adopt_pasted_key``).

The stamp is the card's ``last_edited_time``: the edit that moved it, or a later one, and never
earlier than the move. Notion rounds ``last_edited_time`` down to the minute, so the next run
reads from a watermark two minutes before the previous run started. The watermark (in the local
state store, ``<data dir>/state.sqlite3``) advances only after every stamp of the run is written:
a run that fails is redone in full by the next one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bidboard.alerts.jobkey import canonical_url, is_derived, job_keys
from bidboard.board import Board
from bidboard.models import STAMPS, StoredCard

logger = logging.getLogger(__name__)

WATERMARK_KEY = "board_sync.watermark"
OVERLAP = timedelta(minutes=2)
#: What board sync reads of a card (JobCard fields).
SYNC_FIELDS = ("name", "job_key", "job_url", "stage", *STAMPS.values())


class SyncState(Protocol):
    """What board sync keeps between runs (:class:`bidboard.state.StateStore`): the watermark,
    and each card's stage as the last run saw it."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...

    def card_stages(self, page_ids: list[str]) -> dict[str, str]: ...

    def save_card_stages(self, stages: dict[str, str]) -> None: ...


@dataclass
class Move:
    page_id: str
    job_key: str
    name: str
    before: str | None
    after: str | None
    stamped: str | None = None


@dataclass
class SyncReport:
    since: str | None
    watermark: str
    read: int = 0
    moves: list[Move] = field(default_factory=list)
    stamped: int = 0
    adopted: int = 0


def adopt_pasted_key(gateway: Board, stored: StoredCard) -> bool:
    """A card under a derived key whose Job URL a person replaced with the job's real Upwork
    link takes that link's key (unless another card has it already). The link is only read."""
    card = stored.card
    keys = job_keys(card.job_url or "") if is_derived(card.job_key) else []
    if not keys or gateway.find_cards(keys[:1]):
        return False
    gateway.adopt_key(stored, keys[0], canonical_url(keys[0]))
    logger.info("board sync adopted a pasted job key job_key=%s from=%s", keys[0], card.job_key)
    return True


def sync_board(gateway: Board, store: SyncState, *, now: datetime) -> SyncReport:
    """One pass of board sync (see the module doc); ``now`` becomes the next watermark."""
    since: str | None = store.get(WATERMARK_KEY)
    start = None if since is None else datetime.fromisoformat(since) - OVERLAP
    report = SyncReport(since=since, watermark=now.isoformat())
    seen: dict[str, str] = {}
    batch: list[StoredCard] = []

    def settle() -> None:
        known = store.card_stages([stored.page_id for stored in batch])
        for stored in batch:
            report.adopted += adopt_pasted_key(gateway, stored)
            page_id, card = stored.page_id, stored.card
            stage = card.stage
            before = known.get(page_id)
            after = stage.value if stage is not None else None
            stamp = STAMPS.get(stage) if stage is not None else None
            stamped = None
            if stamp is not None and getattr(card, stamp) is None:
                when = min(stored.last_edited_time or now, now)
                gateway.stamp_card(page_id, {stamp: when})
                stamped = stamp
                report.stamped += 1
            if before != after and (before is not None or stamp is not None):
                report.moves.append(Move(page_id, card.job_key, card.name, before, after, stamped))
            if after is not None:
                seen[page_id] = after
        batch.clear()

    for stored in gateway.cards_edited_since(start, SYNC_FIELDS):
        report.read += 1
        batch.append(stored)
        if len(batch) >= 100:
            settle()
    settle()
    store.save_card_stages(seen)
    store.put(WATERMARK_KEY, report.watermark)
    logger.info(
        "board sync read=%d moves=%d stamped=%d since=%s",
        report.read,
        len(report.moves),
        report.stamped,
        since,
    )
    return report
