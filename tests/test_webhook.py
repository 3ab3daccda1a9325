"""The webhook receiver: authentication, size limit, clear 4xx answers, duplicates kept once,
and a flood answered without losing an accepted alert."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bidboard.alerts.sources import SpoolSource
from bidboard.alerts.store import StateStore
from bidboard.alerts.webhook import create_webhook_app
from bidboard.localserver import BackgroundServer
from notion_emulator.transport import sync_http_client

SECRET = "s3cret-webhook-key-0123"
ALERT = {
    "url": "https://www.upwork.com/jobs/~01d1b2c3d4e5f60001",
    "title": "Go API",
    "skills": ["Go"],
    "budget_type": "hourly",
    "budget_min": 40,
    "budget_max": 70,
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    made = StateStore(tmp_path / "state.sqlite3")
    yield made
    made.close()


@pytest.fixture
def client(store: StateStore) -> Iterator[httpx.Client]:
    app = create_webhook_app(store, SecretStr(SECRET), max_bytes=64 * 1024)
    with sync_http_client(app) as http:
        http.base_url = httpx.URL("http://hook.test")
        yield http


def post(client: httpx.Client, body: object, **headers: str) -> httpx.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(
        "/alerts", content=raw, headers={"Content-Type": "application/json", **headers}
    )


def bearer() -> dict[str, str]:
    return {"Authorization": f"Bearer {SECRET}"}


def test_bearer_and_hmac_are_accepted(client: httpx.Client, store: StateStore) -> None:
    answer = post(client, ALERT, **bearer())
    assert answer.status_code == 202
    assert answer.json()["accepted"][0]["job_key"] == "~01d1b2c3d4e5f60001"
    other = dict(ALERT, url="https://www.upwork.com/jobs/~01d1b2c3d4e5f60002")
    raw = json.dumps(other).encode()
    signature = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert post(client, raw, **{"X-Bidboard-Signature": f"sha256={signature}"}).status_code == 202
    assert len(store.spool_pending()) == 2


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-secret-0000000"},
        {"Authorization": "Basic abc"},
        {"X-Bidboard-Signature": "sha256=" + "0" * 64},
    ],
)
def test_authentication_is_required(
    client: httpx.Client, store: StateStore, headers: dict[str, str]
) -> None:
    answer = post(client, ALERT, **headers)
    assert answer.status_code == 401 and "authentication" in answer.json()["error"]
    assert store.spool_pending() == []


def test_body_size_limit(client: httpx.Client) -> None:
    answer = post(client, dict(ALERT, description="x" * 70_000), **bearer())
    assert answer.status_code == 413 and "larger than" in answer.json()["error"]


def test_bad_json_is_a_clear_400(client: httpx.Client) -> None:
    answer = post(client, b'{"url": ', **bearer())
    assert answer.status_code == 400 and answer.json()["error"].startswith("invalid JSON")


def test_missing_url_is_a_422_that_says_so(client: httpx.Client, store: StateStore) -> None:
    answer = post(client, {"title": "no url"}, **bearer())
    assert answer.status_code == 422
    assert answer.json()["rejected"] == [
        {"index": 0, "reason": "missing url: every alert needs the Upwork job URL"}
    ]
    assert [q.source for q in store.quarantined()] == ["webhook"]


def test_a_batch_is_accepted_in_part_with_reasons(client: httpx.Client) -> None:
    answer = post(
        client,
        {
            "alerts": [
                ALERT,
                {"url": "https://example.com/x"},
                {"url": ALERT["url"], "budget_min": "much"},
            ]
        },
        **bearer(),
    )
    body = answer.json()
    assert answer.status_code == 202
    assert [a["index"] for a in body["accepted"]] == [0]
    assert [r["index"] for r in body["rejected"]] == [1, 2]
    assert "budget_min" in body["rejected"][1]["reason"]


def test_the_same_alert_twice_is_kept_once(client: httpx.Client, store: StateStore) -> None:
    assert post(client, ALERT, **bearer()).json()["duplicates"] == 0
    assert post(client, ALERT, **bearer()).json()["duplicates"] == 1
    raws = list(SpoolSource(store).fetch())
    assert len(raws) == 1
    SpoolSource(store).done(raws[0])
    assert list(SpoolSource(store).fetch()) == []


def test_a_flood_loses_no_accepted_alert(store: StateStore) -> None:
    app = create_webhook_app(store, SecretStr(SECRET))
    with BackgroundServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as http:

        def send(i: int) -> int:
            body = dict(ALERT, url=f"https://www.upwork.com/jobs/~01e{i:015d}")
            return http.post("/alerts", json=body, headers=bearer()).status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(send, range(400)))
    assert statuses.count(202) == 400
    assert len(store.spool_pending(limit=10_000)) == 400


def test_a_short_secret_is_refused(store: StateStore) -> None:
    with pytest.raises(ValueError, match="16 characters"):
        create_webhook_app(store, SecretStr("short"))
