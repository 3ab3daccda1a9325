"""The speed-to-lead chart's data on the cards: ``Speed to lead`` (the posting-to-submission
bucket) and ``Got a reply`` (1 when the proposal reached Replied or beyond, else 0) on every
submitted card, so that the Jobs chart "Reply rate by speed to lead" (``bidboard.schema.views``)
averages ``Got a reply`` per bucket: the reply rate over the whole history.

Written by the insights refresh (the weekly flow), which reads the whole history anyway: only the
cards whose values changed are written (a newly submitted card, a new reply), one request each,
those two properties only, at most ``MAX_WRITES`` a refresh. A card not submitted is never
touched; without ``Posted at`` the bucket stays empty (and the chart leaves the card out).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bidboard.insights import minutes_between
from bidboard.metrics import _REPLIED, reached, speed_bucket, submitted_moment
from bidboard.models import JobCard
from bidboard.notion.client import Notion
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.history import INSIGHT_FIELDS
from bidboard.schema.codecs import encode_properties
from bidboard.schema.databases import JOBS

logger = logging.getLogger(__name__)
SPEED_FIELDS = ("speed_to_lead", "got_reply")
#: Chart values written per refresh at most: the first refresh of a board with years of
#: proposals would otherwise spend one request per submitted card at once (1,000 is about
#: 6 minutes at Notion's 3 requests a second); the rest follow on the next refreshes.
MAX_WRITES = 1000


def chart_values(card: JobCard) -> dict[str, Any] | None:
    """The two properties a submitted card should hold; None for a card not submitted."""
    moment = submitted_moment(card)
    if moment is None:
        return None
    bucket = speed_bucket(minutes_between(card.posted_at, moment))
    return {
        "speed_to_lead": None if bucket.startswith("(") else bucket,
        "got_reply": 1.0 if reached(card) >= _REPLIED else 0.0,
    }


@dataclass
class SpeedUpdates:
    """What a pass over the history found to write: (page id, values) per changed card."""

    enabled: bool
    pending: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    written: int = 0
    left: int = 0  # found but beyond the per-refresh limit: the next refresh writes them


def has_speed_properties(gateway: BoardGateway) -> bool:
    names = {JOBS.by_field()[f].name for f in SPEED_FIELDS}
    return names <= set(gateway.ids.property_ids)


def history_with_speed(gateway: BoardGateway, updates: SpeedUpdates) -> Iterator[JobCard]:
    """Every card (``INSIGHT_FIELDS``, plus the chart's two when the board has them), streamed;
    the cards whose chart values changed are added to ``updates.pending`` on the way."""
    fields = INSIGHT_FIELDS + (SPEED_FIELDS if updates.enabled else ())
    names = [JOBS.by_field()[f].name for f in fields]
    for stored in gateway.iter_cards(properties=names):
        card = stored.card
        if updates.enabled:
            wanted = chart_values(card)
            if wanted is not None and any(getattr(card, k) != v for k, v in wanted.items()):
                updates.pending.append((stored.page_id, wanted))
        yield card


def write_speed(notion: Notion, updates: SpeedUpdates, limit: int = MAX_WRITES) -> int:
    """Write the pending chart values (``Speed to lead`` and ``Got a reply`` only), at most
    ``limit`` of them: the rest are found again, and written, by the next refresh."""
    updates.left = max(0, len(updates.pending) - limit)
    for page_id, values in updates.pending[:limit]:
        notion.call(
            "update speed to lead",
            notion.client.pages.update,
            page_id,
            safe=True,
            properties=encode_properties(JOBS, values),
        )
        updates.written += 1
    updates.pending.clear()
    return updates.written
