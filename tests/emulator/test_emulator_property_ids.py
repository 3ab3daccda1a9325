"""Property ids as Notion sends them: short punctuation strings, returned percent-encoded.

notion-client 3.x puts ``filter_properties`` into httpx ``params``, which percent-encodes the
value again: an id sent as returned (``%3E%24Pb``) reaches Notion as ``%253E%2524Pb`` and names
no property (makenotion/notion-sdk-js#402). bidboard sends ids decoded once; the emulator mints
ids like Notion's and reads ``filter_properties`` after one decoding, as Notion does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from notion_client import Client
from notion_client.errors import APIResponseError

from bidboard.models import JobCard, Stage
from bidboard.notion import bootstrap
from bidboard.notion.gateway import BoardGateway
from notion_emulator.ids import encode_property_id, new_property_id
from tests.support.notion import Board, Recorder


def test_minted_ids_look_like_notions() -> None:
    for _ in range(200):
        pid = new_property_id()
        raw = unquote(pid)
        assert len(raw) == 4
        assert encode_property_id(raw) == pid  # returned percent-encoded
        assert pid != raw  # at least one character needs encoding
    assert encode_property_id(">$Pb") == "%3E%24Pb"
    assert encode_property_id(')Y7"') == ")Y7%22"
    assert encode_property_id("/7eo") == "%2F7eo"
    assert encode_property_id("`zz5") == "%60zz5"


def _source(notion: Client, root_page: str) -> dict[str, Any]:
    database: Any = notion.databases.create(
        parent={"type": "page_id", "page_id": root_page},
        title=[{"text": {"content": "Ids"}}],
        initial_data_source={
            "properties": {"Name": {"title": {}}, "Key": {"rich_text": {}}, "N": {"number": {}}}
        },
    )
    source: Any = notion.data_sources.retrieve(database["data_sources"][0]["id"])
    notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": source["id"]},
        properties={
            "Name": {"title": [{"text": {"content": "a"}}]},
            "Key": {"rich_text": [{"text": {"content": "k"}}]},
            "N": {"number": 1},
        },
    )
    return dict(source)


def test_schema_ids_are_returned_encoded_and_title_is_title(notion: Client, root_page: str) -> None:
    props = _source(notion, root_page)["properties"]
    assert props["Name"]["id"] == "title"
    for name in ("Key", "N"):
        pid = props[name]["id"]
        assert unquote(pid) != pid and encode_property_id(unquote(pid)) == pid


def test_filter_properties_decoded_once_is_matched(notion: Client, root_page: str) -> None:
    source = _source(notion, root_page)
    key_id = source["properties"]["Key"]["id"]
    found: Any = notion.data_sources.query(source["id"], filter_properties=[unquote(key_id)])
    assert set(found["results"][0]["properties"]) == {"Key"}


def test_an_id_encoded_twice_names_no_property(
    notion: Client, root_page: str, recorder: Recorder
) -> None:
    source = _source(notion, root_page)
    key_id = source["properties"]["Key"]["id"]
    with pytest.raises(APIResponseError) as raised:
        notion.data_sources.query(source["id"], filter_properties=[key_id])  # as returned
    assert raised.value.status == 400
    assert raised.value.code == "validation_error"
    assert key_id in str(raised.value)  # Notion names what it looked for, decoded once


def test_ids_in_json_bodies_are_accepted_encoded_or_decoded(notion: Client, root_page: str) -> None:
    source = _source(notion, root_page)
    key_id = source["properties"]["Key"]["id"]
    for pid in (key_id, unquote(key_id)):
        found: Any = notion.data_sources.query(
            source["id"], filter={"property": pid, "rich_text": {"equals": "k"}}
        )
        assert len(found["results"]) == 1


class WireLog(httpx.BaseTransport):
    """Keeps the raw query string of every request (what Notion would see on the wire)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.queries = inner, list[str]()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.queries.append(request.url.query.decode())
        return self.inner.handle_request(request)


def test_bidboard_sends_ids_decoded_once_on_every_filtered_read(board: Board) -> None:
    """Dedupe, the stage context and every property-narrowed read work on real-style ids, and
    what goes on the wire is each id percent-encoded exactly once (as Notion returned it)."""
    ids = board.workspace.ids("jobs").property_ids
    assert any(unquote(pid) != pid for pid in ids.values())  # real-style ids
    gateway = BoardGateway(board.notion, board.workspace)
    job = JobCard(
        job_key="~01aaaaaaaaaaaaaaaa",
        name="A job",
        stage=Stage.NEW,
        received_at=datetime(2026, 11, 25, tzinfo=UTC),
    )
    gateway.create_card(job)
    transport = board.notion.client.client._transport  # type: ignore[attr-defined]
    log = WireLog(transport)
    board.notion.client.client._transport = log  # type: ignore[attr-defined]
    assert list(gateway.find_cards([job.job_key])) == [job.job_key]
    cards = list(gateway.iter_cards(properties=["Job key", "Stage", "Drafted at"]))
    assert [c.card.job_key for c in cards] == [job.job_key]
    wire = [
        part.split("=", 1)[1]
        for q in log.queries
        for part in q.split("&")
        if part.startswith("filter_properties=")
    ]
    raw_ids = {unquote(pid) for pid in ids.values()}
    assert wire and all(unquote(w) in raw_ids for w in wire)  # one decoding gives the id


def test_init_finds_its_board_view_by_an_id_decoded_once(board: Board) -> None:
    """A second init compares the view's ``property_id`` with Stage's id decoded once, so it
    finds the board view it made instead of making another."""
    notion = board.notion
    jobs = board.workspace.ids("jobs")
    again = bootstrap.init(notion, board.workspace.parent_page_id, board.settings.notion_base_url)
    assert again.workspace.ids("jobs").board_view_id == jobs.board_view_id
    views: Any = notion.call(
        "views", notion.client.views.list, safe=True, database_id=jobs.database_id
    )
    boards = [
        v
        for v in views["results"]
        if notion.call("v", notion.client.views.retrieve, v["id"], safe=True)["type"] == "board"
    ]
    assert len(boards) == 1
