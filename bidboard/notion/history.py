"""The board's whole history, read once for ``bidboard insights``, ``tune`` and the "What gets
replies" page: every card streamed (100 a request) with only the properties those use
(``filter_properties``), never a request per card."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from bidboard.models import STAMPS, JobCard
from bidboard.notion.gateway import BoardGateway
from bidboard.schema.databases import JOBS

INSIGHT_FIELDS = (
    "job_key",
    "stage",
    "score",
    "score_reasons",
    "saved_search",
    "posted_at",
    "received_at",
    "drafted_at",
    "drafted_by",
    "draft_words",
    "screening",
    "portfolio_matches",
    "connects",
    "client_country",
    "payment_verified",
    "client_rating",
    "client_spend",
    *STAMPS.values(),
)


def board_names(gateway: BoardGateway, fields: Iterable[str]) -> list[str]:
    """The property names of ``fields`` that the board has: a board not migrated yet lacks
    the newest (``Draft words`` …), and a read naming them would be refused."""
    by_field, held = JOBS.by_field(), gateway.ids.property_ids
    names = [by_field[f].name for f in fields]
    return [n for n in names if n in held] if held else names


def history_cards(gateway: BoardGateway) -> Iterator[JobCard]:
    """Every card on the board, streamed, with only ``INSIGHT_FIELDS``."""
    for stored in gateway.iter_cards(properties=board_names(gateway, INSIGHT_FIELDS)):
        yield stored.card
