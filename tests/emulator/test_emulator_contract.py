"""The emulator against the ground truth: the official OpenAPI description (2026-03-11) for
every endpoint, and the recorded Notion traffic (2025-09-03) for object shapes."""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from notion_client import APIResponseError, Client

from notion_emulator import Emulator
from tests.support.builders import make_database, text
from tests.support.contract import SPEC_PATH, Contract, Exchange
from tests.support.notion import Recorder, make_client

CASSETTES = SPEC_PATH.parent / "cassettes"
needs_spec = pytest.mark.skipif(not SPEC_PATH.exists(), reason="shared/notion/openapi.json absent")
needs_cassettes = pytest.mark.skipif(not CASSETTES.exists(), reason="no recorded Notion traffic")

ENDPOINTS = {
    "GET /v1/users/me",
    "GET /v1/users",
    "GET /v1/users/{user_id}",
    "POST /v1/search",
    "POST /v1/databases",
    "GET /v1/databases/{database_id}",
    "PATCH /v1/databases/{database_id}",
    "POST /v1/data_sources",
    "GET /v1/data_sources/{data_source_id}",
    "PATCH /v1/data_sources/{data_source_id}",
    "POST /v1/data_sources/{data_source_id}/query",
    "POST /v1/pages",
    "GET /v1/pages/{page_id}",
    "PATCH /v1/pages/{page_id}",
    "GET /v1/blocks/{block_id}/children",
    "PATCH /v1/blocks/{block_id}/children",
    "GET /v1/blocks/{block_id}",
    "PATCH /v1/blocks/{block_id}",
    "DELETE /v1/blocks/{block_id}",
    "POST /v1/views",
    "GET /v1/views",
    "GET /v1/views/{view_id}",
    "PATCH /v1/views/{view_id}",
    "DELETE /v1/views/{view_id}",
}


def tour(notion: Client) -> None:
    """One call of every endpoint, plus the errors, as bidboard would make them."""
    me: Any = notion.users.me()
    notion.users.list()
    notion.users.retrieve(me["id"])
    root: Any = notion.search(query="bidboard", filter={"property": "object", "value": "page"})
    database_id, source_id = make_database(notion, root["results"][0]["id"])
    notion.databases.retrieve(database_id)
    notion.databases.update(database_id, title=text("Jobs board"))
    notion.data_sources.create(
        parent={"type": "database_id", "database_id": database_id},
        properties={"Title": {"title": {}}},
        title=text("Second"),
    )
    notion.data_sources.retrieve(source_id)
    notion.data_sources.update(source_id, properties={"Bid": {"number": {}}})
    page: Any = notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": source_id},
        properties={"Name": {"title": text("Card")}, "Score": {"number": 3}},
        children=[{"paragraph": {"rich_text": text("draft")}}],
    )
    notion.pages.retrieve(page["id"])
    notion.blocks.retrieve(page["id"])
    content: Any = notion.blocks.children.list(page["id"])
    notion.blocks.retrieve(content["results"][0]["id"])
    notion.pages.update(page["id"], properties={"Score": {"number": 4}})
    notion.data_sources.query(source_id, filter={"property": "Score", "number": {"equals": 4}})
    appended: Any = notion.blocks.children.append(
        page["id"], children=[{"to_do": {"rich_text": text("check"), "checked": False}}]
    )
    block = appended["results"][0]["id"]
    notion.blocks.children.list(page["id"])
    notion.blocks.retrieve(block)
    notion.blocks.update(block, to_do={"rich_text": text("checked"), "checked": True})
    notion.blocks.delete(block)
    view: Any = notion.views.create(
        database_id=database_id,
        data_source_id=source_id,
        name="Board",
        type="board",
        configuration={
            "type": "board",
            "group_by": {"type": "select", "property_id": "Stage", "sort": {"type": "manual"}},
        },
    )
    notion.views.list(database_id=database_id)
    notion.views.retrieve(view["id"])
    notion.views.update(view["id"], name="Pipeline")
    notion.views.delete(view["id"])
    for bad in (
        lambda: notion.pages.retrieve("11111111-2222-3333-4444-555555555555"),
        lambda: notion.data_sources.query(source_id, page_size=101),
    ):
        with contextlib.suppress(APIResponseError):  # the exchange itself is what is checked
            bad()


@needs_spec
def test_every_endpoint_is_checked_against_the_description(
    emulator: Emulator, recorder: Recorder, contract: Contract
) -> None:
    tour(make_client(emulator, recorder))
    exercised = {
        f"{e.method} {contract.operation(e.method, e.path)[0]}" for e in recorder.exchanges
    }
    assert exercised >= ENDPOINTS
    statuses = {
        (f"{e.method} {contract.operation(e.method, e.path)[0]}", e.status)
        for e in recorder.exchanges
    }
    assert ("GET /v1/pages/{page_id}", 404) in statuses
    assert ("POST /v1/data_sources/{data_source_id}/query", 400) in statuses


@needs_spec
def test_the_contract_check_fails_on_a_wrong_shape(
    emulator: Emulator, recorder: Recorder, contract: Contract
) -> None:
    notion = make_client(emulator, recorder)
    notion.users.me()
    good = recorder.exchanges[-1]
    contract.check(good)
    missing = copy.deepcopy(good)
    del missing.response_body["bot"]["owner"]
    with pytest.raises(AssertionError, match="does not match the Notion API description"):
        contract.check(missing)
    root: Any = notion.search(query="bidboard")
    page = copy.deepcopy(recorder.exchanges[-1])
    page.response_body["results"][0]["surprise"] = 1
    with pytest.raises(AssertionError, match="surprise"):
        contract.check(page)
    no_request_id = Exchange(
        "GET",
        "/v1/users/me",
        None,
        200,
        {k: v for k, v in good.response_body.items() if k != "request_id"},
    )
    with pytest.raises(AssertionError, match="request_id"):
        contract.check(no_request_id)
    assert root["results"]


@needs_spec
def test_a_request_the_description_rejects_must_be_answered_400(contract: Contract) -> None:
    accepted = Exchange(
        "POST",
        "/v1/search",
        {"queries": "typo"},
        200,
        {
            "object": "list",
            "results": [],
            "next_cursor": None,
            "has_more": False,
            "type": "page_or_data_source",
            "page_or_data_source": {},
            "request_id": "0" * 8 + "-0000-4000-8000-" + "0" * 12,
        },
    )
    with pytest.raises(AssertionError, match="accepted a request the description rejects"):
        contract.check(accepted)


def _kind(body: Any) -> str | None:
    """What a response body is, finely enough that its keys should match Notion's exactly."""
    if not isinstance(body, dict) or "object" not in body:
        return None
    kind = str(body["object"])
    if kind in ("block", "list"):
        return f"{kind}:{body.get('type')}"
    if kind == "view" and "configuration" not in body:
        return "view:partial"
    return kind


def _cassette_objects() -> dict[str, set[frozenset[str]]]:
    shapes: dict[str, set[frozenset[str]]] = {}
    for path in sorted(CASSETTES.glob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text())["interactions"]:
            uri = interaction["request"]["uri"]
            if "api.notion.com" not in uri:
                continue
            try:
                body = json.loads(interaction["response"]["body"]["string"])
            except ValueError:
                continue
            kind = _kind(body)
            if kind is not None:
                shapes.setdefault(kind, set()).add(frozenset(body))
    return shapes


@needs_cassettes
def test_2025_09_03_shapes_match_recorded_notion_traffic(
    emulator: Emulator, recorder: Recorder
) -> None:
    recorded = _cassette_objects()
    old = make_client(emulator, recorder, version="2025-09-03")
    tour(old)
    compared = set()
    for exchange in recorder.exchanges:
        body = exchange.response_body
        kind = _kind(body)
        if kind is None or kind == "error" or kind not in recorded:
            continue
        keys = frozenset(body)
        assert keys in recorded[kind], (
            f"{exchange.method} {exchange.path}: {kind} keys {sorted(keys)} differ from Notion's "
            f"{[sorted(k) for k in recorded[kind]]}"
        )
        compared.add(kind)
    assert compared >= {
        "page",
        "database",
        "data_source",
        "user",
        "list:page_or_data_source",
        "list:block",
        "block:paragraph",
        "block:child_page",
        "view",
    }


@needs_cassettes
def test_error_bodies_match_recorded_ones(emulator: Emulator, recorder: Recorder) -> None:
    recorded = [
        json.loads(i["response"]["body"]["string"])
        for p in CASSETTES.glob("test_api_response_error*.yaml")
        for i in yaml.safe_load(p.read_text())["interactions"]
        if i["response"]["status"]["code"] >= 400
        and i["response"]["body"]["string"].startswith("{")
    ]
    assert recorded
    old = make_client(emulator, recorder, version="2025-09-03")
    with contextlib.suppress(APIResponseError):
        old.request(path="invalid", method="GET")
    ours = recorder.exchanges[-1].response_body
    real = next(r for r in recorded if r["code"] == "invalid_request_url")
    assert set(ours) == set(real)
    assert (ours["status"], ours["code"], ours["message"]) == (
        real["status"],
        real["code"],
        real["message"],
    )


def test_cassette_path_is_shared() -> None:
    assert Path(SPEC_PATH).name == "openapi.json"
