"""Every error the emulator answers, as the SDK sees it and as the description defines it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from notion_client import APIErrorCode, APIResponseError, Client

from notion_emulator import Emulator, create_app
from notion_emulator.transport import SyncASGITransport
from tests.support.builders import make_database, text
from tests.support.notion import TOKEN, Recorder, make_client


def raw(
    app: Any,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
) -> httpx.Response:
    base = {"Authorization": f"Bearer {TOKEN}", "Notion-Version": "2026-03-11"}
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://notion.test") as http:
        return http.request(method, path, headers={**base, **(headers or {})}, content=content)


def error_of(call: Any) -> APIResponseError:
    with pytest.raises(APIResponseError) as caught:
        call()
    return caught.value


def assert_error_body(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert response.status_code == status
    assert body["object"] == "error" and body["status"] == status and body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert len(body["request_id"]) == 36
    return body


def test_401_without_a_token(emulator: Emulator, recorder: Recorder) -> None:
    client = make_client(emulator, recorder, auth=None)
    error = error_of(client.users.me)
    assert error.status == 401 and error.code == APIErrorCode.Unauthorized
    assert str(error) == "API token is invalid."


def test_401_with_the_wrong_token_when_one_is_configured(recorder: Recorder) -> None:
    app = create_app(rate_limit=0, token="the-right-one")
    error = error_of(make_client(app, recorder, auth="a-wrong-one").users.me)
    assert error.code == APIErrorCode.Unauthorized
    assert make_client(app, recorder, auth="the-right-one").users.me()["type"] == "bot"  # type: ignore[index]


def test_400_missing_version(emulator: Emulator) -> None:
    response = raw(emulator, "GET", "/v1/users/me", headers={"Notion-Version": ""})
    body = assert_error_body(response, 400, "missing_version")
    assert "Notion-Version" in body["message"]


def test_400_for_an_unsupported_version(emulator: Emulator) -> None:
    response = raw(emulator, "GET", "/v1/users/me", headers={"Notion-Version": "2022-06-28"})
    body = assert_error_body(response, 400, "validation_error")
    assert "2022-06-28" in body["message"]


def test_both_supported_versions_are_accepted(emulator: Emulator) -> None:
    for version in ("2025-09-03", "2026-03-11"):
        assert (
            raw(emulator, "GET", "/v1/users/me", headers={"Notion-Version": version}).status_code
            == 200
        )


def test_400_invalid_json(emulator: Emulator) -> None:
    response = raw(
        emulator,
        "POST",
        "/v1/search",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert_error_body(response, 400, "invalid_json")


def test_400_invalid_request_url(emulator: Emulator) -> None:
    assert_error_body(raw(emulator, "GET", "/v1/invalid"), 400, "invalid_request_url")


def test_404_object_not_found(notion: Client) -> None:
    missing = "11111111-2222-3333-4444-555555555555"
    for call in (
        lambda: notion.pages.retrieve(missing),
        lambda: notion.databases.retrieve(missing),
        lambda: notion.data_sources.retrieve(missing),
        lambda: notion.blocks.retrieve(missing),
        lambda: notion.views.retrieve(missing),
    ):
        error = error_of(call)
        assert error.status == 404 and error.code == APIErrorCode.ObjectNotFound
        assert missing in str(error)


@pytest.fixture
def source(notion: Client, root_page: str) -> str:
    return make_database(notion, root_page)[1]


def _validation(call: Any, *fragments: str) -> None:
    error = error_of(call)
    assert error.status == 400 and error.code == APIErrorCode.ValidationError, str(error)
    for fragment in fragments:
        assert fragment in str(error), str(error)


def test_400_unknown_property(notion: Client, source: str) -> None:
    _validation(
        lambda: notion.pages.create(
            parent={"type": "data_source_id", "data_source_id": source},
            properties={"Nope": {"number": 1}},
        ),
        "Nope is not a property that exists.",
    )


def test_400_value_of_the_wrong_type(notion: Client, source: str) -> None:
    _validation(
        lambda: notion.pages.create(
            parent={"type": "data_source_id", "data_source_id": source},
            properties={"Score": {"number": "eighty"}},
        ),
        "Score.number",
        "number",
    )
    _validation(
        lambda: notion.pages.create(
            parent={"type": "data_source_id", "data_source_id": source},
            properties={"Score": {"rich_text": text("80")}},
        ),
        "Score is expected to be number",
    )


def test_400_rich_text_over_2000_characters(notion: Client, source: str) -> None:
    _validation(
        lambda: notion.pages.create(
            parent={"type": "data_source_id", "data_source_id": source},
            properties={"Job key": {"rich_text": text("x" * 2001)}},
        ),
        "≤ `2000`",
        "2001",
    )


def test_400_over_100_rich_text_items(notion: Client, source: str) -> None:
    _validation(
        lambda: notion.pages.create(
            parent={"type": "data_source_id", "data_source_id": source},
            properties={"Job key": {"rich_text": text("x") * 101}},
        ),
        "≤ `100`",
    )


def test_400_over_100_blocks(notion: Client, root_page: str) -> None:
    blocks = [{"paragraph": {"rich_text": text(str(i))}} for i in range(101)]
    _validation(
        lambda: notion.blocks.children.append(root_page, children=blocks),
        "body.children.length",
        "≤ `100`",
    )


def test_400_nesting_too_deep(notion: Client, root_page: str) -> None:
    deep = {
        "toggle": {
            "rich_text": text("1"),
            "children": [
                {
                    "toggle": {
                        "rich_text": text("2"),
                        "children": [
                            {
                                "toggle": {
                                    "rich_text": text("3"),
                                    "children": [{"paragraph": {"rich_text": text("4")}}],
                                }
                            }
                        ],
                    }
                }
            ],
        }
    }
    _validation(
        lambda: notion.blocks.children.append(root_page, children=[deep]),
        "children[0].toggle.children[0].toggle.children",
        "should be not present",
    )


def test_400_page_size_over_100(notion: Client, source: str) -> None:
    _validation(lambda: notion.data_sources.query(source, page_size=101), "page_size", "≤ `100`")
    _validation(lambda: notion.search(page_size=500), "page_size")


@pytest.mark.parametrize(
    ("flt", "message"),
    [
        ({"property": "Score", "number": {"bigger_than": 5}}, "bigger_than"),
        ({"property": "Score", "rich_text": {"contains": "5"}}, "does not match filter rich_text"),
        ({"property": "Missing", "number": {"equals": 5}}, "Missing"),
        ({"property": "Score", "number": {"equals": "5"}}, "should be a number"),
        ({"property": "Score"}, "exactly one filter type"),
        ({"and": {"property": "Score"}}, "should be an array"),
        ({"timestamp": "posted_time", "posted_time": {}}, "created_time"),
    ],
)
def test_400_malformed_filter(
    notion: Client, source: str, flt: dict[str, Any], message: str
) -> None:
    _validation(lambda: notion.data_sources.query(source, filter=flt), message)


def test_400_malformed_id(notion: Client) -> None:
    _validation(lambda: notion.pages.retrieve("not-an-id"), "uuid")


def test_400_editing_a_trashed_page(notion: Client, source: str) -> None:
    page: Any = notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": source},
        properties={"Name": {"title": text("gone")}},
    )
    notion.pages.update(page["id"], in_trash=True)
    _validation(
        lambda: notion.pages.update(page["id"], properties={"Score": {"number": 1}}), "archived"
    )


def test_400_archived_is_not_a_2026_03_11_field(notion: Client, source: str) -> None:
    page: Any = notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": source},
        properties={"Name": {"title": text("x")}},
    )
    _validation(lambda: notion.pages.update(page["id"], archived=True), "body.archived")


def test_a_rejected_request_changes_nothing(notion: Client, source: str) -> None:
    before: Any = notion.data_sources.retrieve(source)
    _validation(
        lambda: notion.pages.create(
            parent={"type": "data_source_id", "data_source_id": source},
            properties={
                "Skills": {"multi_select": [{"name": "brand-new"}]},
                "Score": {"number": "bad"},
            },
        )
    )
    after: Any = notion.data_sources.retrieve(source)
    assert after["properties"]["Skills"] == before["properties"]["Skills"]
    assert notion.data_sources.query(source)["results"] == []  # type: ignore[index]


def test_409_conflict_error_from_fault_injection(recorder: Recorder) -> None:
    app = create_app(rate_limit=0, faults="409:1.0")
    error = error_of(make_client(app, recorder).users.me)
    assert error.status == 409 and error.code == APIErrorCode.ConflictError


def test_429_rate_limited_with_integer_retry_after(recorder: Recorder) -> None:
    app = create_app(rate_limit=1, burst=2)
    client = make_client(app, recorder)
    client.users.me()
    client.users.me()
    error = error_of(client.users.me)
    assert error.status == 429 and error.code == APIErrorCode.RateLimited
    assert error.headers["retry-after"].isdigit() and int(error.headers["retry-after"]) >= 1


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, "internal_server_error"), (503, "service_unavailable"), (529, "service_overload")],
)
def test_5xx_from_fault_injection(status: int, code: str) -> None:
    app = create_app(rate_limit=0, faults=f"{status}:1.0")
    assert_error_body(raw(app, "GET", "/v1/users/me"), status, code)


def test_400_body_over_500_kb(emulator: Emulator) -> None:
    body = b'{"query": "' + b"x" * (500 * 1024) + b'"}'
    response = raw(
        emulator, "POST", "/v1/search", content=body, headers={"Content-Type": "application/json"}
    )
    message = assert_error_body(response, 400, "validation_error")["message"]
    assert "too large" in message


def test_404_names_the_integration_as_recorded(emulator: Emulator) -> None:
    """Cassette test_build_request_error_integration: the message names the integration and
    additional_data.integration_id carries its id, before request_id."""
    missing = "00000000-0000-0000-0000-000000000000"
    response = raw(emulator, "GET", f"/v1/pages/{missing}")
    body = assert_error_body(response, 404, "object_not_found")
    assert body["message"].startswith(f"Could not find page with ID: {missing}.")
    assert body["message"].endswith('shared with your integration "bidboard".')
    assert list(body) == ["object", "status", "code", "message", "additional_data", "request_id"]
    assert len(body["additional_data"]["integration_id"]) == 36


def test_a_connection_429_says_which_limit() -> None:
    app = create_app(rate_limit=1, burst=1)
    raw(app, "GET", "/v1/users/me")
    response = raw(app, "GET", "/v1/users/me")
    body = assert_error_body(response, 429, "rate_limited")
    assert body["additional_data"] == {"rate_limit_reason": "public_api_request_rate_limit"}
    assert 1 <= int(response.headers["retry-after"]) <= 60


def test_a_workspace_429_can_ask_for_more_than_a_minute() -> None:
    app = create_app(rate_limit=0, faults="429space:1.0")
    app.gate.reconfigure(space_retry_after=300)
    response = raw(app, "GET", "/v1/users/me")
    body = assert_error_body(response, 429, "rate_limited")
    assert body["additional_data"] == {"rate_limit_reason": "public_api_space_request_rate_limit"}
    assert response.headers["retry-after"] == "300"


def test_403_restricted_resource_from_fault_injection() -> None:
    app = create_app(rate_limit=0, faults="403:1.0")
    body = assert_error_body(raw(app, "GET", "/v1/users/me"), 403, "restricted_resource")
    assert "permissions" in body["message"]


def test_413_from_the_edge_for_a_body_past_a_megabyte(emulator: Emulator) -> None:
    body = b'{"query": "' + b"x" * (1024 * 1024) + b'"}'
    response = raw(
        emulator, "POST", "/v1/search", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413 and "Request Entity Too Large" in response.text
    fault = raw(create_app(rate_limit=0, faults="413:1.0"), "GET", "/v1/users/me")
    assert fault.status_code == 413
