"""What the core asks of the board, by intent, and what it gets back.

The pipeline and board sync ask for cards by what they mean ("the cards drafted since", "the
cards edited since", "the cards of these job keys") and never build a Notion filter:
:class:`bidboard.notion.gateway.BoardGateway` answers (its queries are in
``bidboard/notion/queries.py``). Fields are named as :class:`JobCard` names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bidboard.errors import HumanStageError
from bidboard.models import MACHINE_STAGES, JobCard, Stage, StoredCard

#: A card's page content, as drafting builds it (Notion blocks the gateway writes as they are).
Content = list[dict[str, Any]]
_MACHINE_NAMES = frozenset(stage.value for stage in MACHINE_STAGES)


def machine_owned(stage_name: str | None) -> bool:
    """May bidboard write over a card in this stage? Only an empty stage or one of its own: a
    stage a person added to the board ("On hold") is the person's."""
    return stage_name is None or stage_name in _MACHINE_NAMES


def guard_stage(stage: Stage | str | None, *, current: Stage | str | None = None) -> None:
    """Raise unless bidboard may write ``stage`` over a card now in ``current`` (a stage name
    bidboard does not know is a person's)."""
    if stage is None:
        return
    if Stage(stage) not in MACHINE_STAGES:
        raise HumanStageError(
            f"bidboard never sets the stage {Stage(stage).value!r}: "
            "only a person moves a card there"
        )
    if current is not None and not machine_owned(current):
        raise HumanStageError(
            f"the card is in {str(current)!r}, where a person put it; bidboard leaves it there"
        )


@dataclass(frozen=True)
class CardRef:
    """What dedupe knows of a card already on the board."""

    page_id: str
    job_key: str
    stage: Stage | None
    draft_fingerprint: str
    url: str | None = None
    #: the stage's name as the board holds it, known to bidboard or not
    stage_name: str | None = field(default=None, compare=False)

    @property
    def machine_owned(self) -> bool:
        return machine_owned(self.stage_name if self.stage_name is not None else self.stage)


def card_ref(stored: StoredCard) -> CardRef:
    card = stored.card
    return CardRef(stored.page_id, card.job_key, card.stage, card.draft_fingerprint, stored.url)


class Board(Protocol):
    """The board as the core sees it (the gateway is the one implementation)."""

    def find_cards(self, keys: Iterable[str]) -> dict[str, CardRef]:
        """The cards already on the board for these job keys."""
        ...

    def cards_near(self, since: datetime, titles: Iterable[str]) -> list[StoredCard]:
        """Cards posted (or received) since ``since``, under a derived key or named one of
        ``titles``: where a job seen before under another key can be."""
        ...

    def cards_drafted_since(self, since: datetime, fields: Iterable[str]) -> Iterator[StoredCard]:
        """The cards drafted at or after ``since``, with only ``fields`` read."""
        ...

    def cards_edited_since(
        self, since: datetime | None, fields: Iterable[str]
    ) -> Iterator[StoredCard]:
        """The cards edited at or after ``since`` (every card when None), with only ``fields``
        read."""
        ...

    def create_card(self, card: JobCard, content: Content | None = None) -> CardRef: ...

    def upsert_card(
        self, card: JobCard, content: Content | None = None, existing: CardRef | None = None
    ) -> tuple[CardRef, bool]: ...

    def update_card(self, ref: CardRef, values: dict[str, Any]) -> None: ...

    def replace_content(self, ref: CardRef, content: Content) -> None: ...

    def adopt_key(self, stored: StoredCard, job_key: str, job_url: str) -> CardRef: ...

    def stamp_card(self, page_id: str, stamps: dict[str, Any]) -> None: ...
