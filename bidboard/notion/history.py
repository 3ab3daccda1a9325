"""The board's whole history, read once for ``bidboard insights``, ``tune`` and the "What gets
replies" page: every card streamed (100 a request) with only the properties those use
(``filter_properties``), never a request per card."""

from __future__ import annotations

from collections.abc import Iterator

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


def history_cards(gateway: BoardGateway) -> Iterator[JobCard]:
    """Every card on the board, streamed, with only ``INSIGHT_FIELDS``."""
    by_field = JOBS.by_field()
    names = [by_field[f].name for f in INSIGHT_FIELDS]  # a board not migrated: what it has
    for stored in gateway.iter_cards(properties=names):
        yield stored.card
