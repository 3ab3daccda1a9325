"""Codecs between JobCard values and Notion property JSON, round-tripped through the emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from bidboard.errors import CardError, CodecError
from bidboard.models import JobCard, Stage
from bidboard.schema.codecs import (
    decode_card,
    decode_value,
    encode_card,
    encode_value,
    option_name,
    rich_text,
)
from bidboard.schema.databases import JOBS
from bidboard.schema.spec import PropertySpec
from tests.support.notion import Board


def spec(kind: str) -> PropertySpec:
    return next(p for p in JOBS.properties if p.type == kind)


def test_long_text_is_split_into_2000_character_items() -> None:
    text = "a" * 2000 + "b" * 2000 + "c"
    items = rich_text(text)
    assert [len(i["text"]["content"]) for i in items] == [2000, 2000, 1]
    assert "".join(i["text"]["content"] for i in items) == text


def test_text_beyond_100_items_is_cut_with_an_ellipsis(caplog: pytest.LogCaptureFixture) -> None:
    items = rich_text("x" * 250_000, what="Score reasons")
    assert len(items) == 100
    assert items[-1]["text"]["content"].endswith("…")
    assert sum(len(i["text"]["content"]) for i in items) == 200_000
    assert "text cut to fit Notion" in caplog.text and "Score reasons" in caplog.text


def test_empty_values_as_notion_expects() -> None:
    assert encode_value(spec("rich_text"), "") == {"rich_text": []}
    assert encode_value(spec("number"), None) == {"number": None}
    assert encode_value(spec("select"), None) == {"select": None}
    assert encode_value(spec("multi_select"), []) == {"multi_select": []}
    assert encode_value(spec("date"), None) == {"date": None}
    assert encode_value(spec("url"), None) == {"url": None}
    assert encode_value(spec("checkbox"), None) == {"checkbox": False}
    assert encode_value(spec("relation"), None) == {"relation": []}


def test_numbers_are_exact_and_must_be_finite() -> None:
    for value in (0, 79000, 1_200_000, 0.1 + 0.2, 4.75, -3, 1e-9):
        assert encode_value(spec("number"), value) == {"number": value}
    for bad in (float("nan"), float("inf"), "12", True):
        with pytest.raises(CodecError) as caught:
            encode_value(spec("number"), bad)
        assert isinstance(caught.value, CardError)  # in the one tree: this card alone fails


def test_datetimes_must_be_aware() -> None:
    with pytest.raises(CodecError, match="naive"):
        encode_value(spec("date"), datetime(2026, 11, 25, 9, 0))
    berlin = timezone(timedelta(hours=1))
    value = datetime(2026, 11, 25, 9, 30, tzinfo=berlin)
    encoded = encode_value(spec("date"), value)
    assert encoded == {"date": {"start": "2026-11-25T09:30:00+01:00"}}
    decoded = decode_value(spec("date"), {"type": "date", **encoded})
    assert decoded == value and decoded.utcoffset() == timedelta(hours=1)
    assert decode_value(
        spec("date"), {"type": "date", "date": {"start": "2026-11-25"}}
    ) == datetime(2026, 11, 25, tzinfo=UTC)


def test_option_names_lose_commas_and_stay_short() -> None:
    assert option_name("Node.js, Express") == "Node.js Express"
    assert len(option_name("x" * 300)) == 100
    encoded = encode_value(spec("multi_select"), ["a, b", "a  b", "", "c"])
    assert encoded == {"multi_select": [{"name": "a b"}, {"name": "c"}]}


FULL = JobCard(
    job_key="~01abc",
    name="FastAPI backend",
    job_url="https://www.upwork.com/jobs/~01abc",
    source="email",
    saved_search="Backend",
    posted_at=datetime(2026, 11, 20, tzinfo=UTC),
    received_at=datetime(2026, 11, 20, 8, 5, 3, tzinfo=UTC),
    budget_type="Hourly",
    budget_min=40.0,
    budget_max=60.5,
    experience="Expert",
    duration="1 to 3 months",
    skills=["Python", "FastAPI"],
    category="Web Development",
    client_country="Germany",
    payment_verified=True,
    client_rating=4.75,
    client_spend=79000.0,
    score=87.5,
    score_reasons="matches fastapi +30\n" + "r" * 4500,
    stage=Stage.NEW,
    compliance="OK",
    compliance_findings="",
    draft_fingerprint="f" * 64,
    drafted_by="template",
    drafted_at=datetime(2026, 11, 20, 8, 6, tzinfo=UTC),
    connects=16,
    bid=55.0,
    contract_value=None,
)


def test_every_field_round_trips_through_the_emulator(board: Board) -> None:
    created: Any = board.notion.call(
        "create",
        board.notion.client.pages.create,
        safe=False,
        parent={
            "type": "data_source_id",
            "data_source_id": board.workspace.ids("jobs").data_source_id,
        },
        properties=encode_card(FULL),
    )
    stored = decode_card(created)
    assert stored.card == FULL
    assert stored.page_id == created["id"]


def test_partial_reads_decode_missing_properties_as_empty() -> None:
    stored = decode_card(
        {
            "id": "p",
            "properties": {
                "Job key": {"type": "rich_text", "rich_text": [{"plain_text": "~01x"}]},
                "Stage": {"type": "select", "select": {"name": "Submitted"}},
                "Score": {"type": "rich_text", "rich_text": []},  # a user retyped it
            },
        }
    )
    assert stored.card.job_key == "~01x" and stored.card.stage is Stage.SUBMITTED
    assert stored.card.score is None and stored.card.skills == []
