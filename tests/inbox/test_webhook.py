"""The webhook receiver: authentication, size limit, clear 4xx answers, duplicates kept once,
and a flood answered without losing an accepted alert."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import uvicorn
from pydantic import SecretStr

from bidboard.alerts.parse import parse_raw
from bidboard.cli.localserver import BackgroundServer, free_port
from bidboard.inbox.sources import SpoolSource
from bidboard.inbox.webhook import create_webhook_app, webhook_server_config
from bidboard.state import StateStore
from notion_emulator.transport import sync_http_client
from tests.support.real_samples import real_sample

#: when the alerts came (an email's own Date header wins)
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=UTC)

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
        {
            "index": 0,
            "code": "missing_url",
            "reason": "missing url: every alert needs the Upwork job URL",
        }
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


def vollna_body() -> dict[str, Any]:
    return json.loads(real_sample("corpus-1/05-vollna-webhook-project.json").read_text())


def test_a_vollna_body_is_taken_as_it_comes(client: httpx.Client, store: StateStore) -> None:
    answer = post(client, vollna_body(), **bearer())
    assert answer.status_code == 202
    (accepted,) = answer.json()["accepted"]
    assert accepted["job_key"] == "~022050861570460031848"
    fields = accepted["alert"]
    assert fields["title"] == "Pipedrive CRM Automation Specialist"
    assert fields["source"] == "vollna" and fields["saved_search"] == "Test"
    assert fields["client_country"] == "Nigeria" and fields["client_spend_usd"] == 1272.8
    (raw,) = SpoolSource(store).fetch()
    (alert,) = parse_raw(raw, RECEIVED).alerts  # what the spool keeps reads back as the same job
    assert alert.job_key == "~022050861570460031848" and alert.source == "vollna"


def test_an_unusable_vollna_project_is_quarantined_and_the_others_accepted(
    client: httpx.Client, store: StateStore
) -> None:
    body = vollna_body()
    good = body["projects"][0]
    body["projects"] = [good, dict(good, url="https://www.vollna.com/go?pid=1&url=nowhere")]
    answer = post(client, body, **bearer())
    assert answer.status_code == 202
    assert [a["index"] for a in answer.json()["accepted"]] == [0]
    assert [(r["index"], r["code"]) for r in answer.json()["rejected"]] == [(1, "no_job_key")]
    assert [q.source for q in store.quarantined()] == ["webhook"]
    body["projects"] = [body["projects"][1]]  # nothing usable: still understood, still 2xx
    assert post(client, body, **bearer()).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "corpus-1/06-upwork-job-scraper-v3-success.json",
        "corpus-1/07-upwork-job-scraper-v3-issue.json",
    ],
)
def test_scraper_extension_payloads_are_refused_with_the_reason(
    client: httpx.Client, store: StateStore, name: str
) -> None:
    answer = post(client, real_sample(name).read_bytes(), **bearer())
    assert answer.status_code == 403
    assert answer.json()["code"] == "refused_source"
    assert "bans accounts" in answer.json()["error"]
    assert list(SpoolSource(store).fetch()) == []


@pytest.mark.parametrize(
    "body", [{"status": "ok", "message": "webhook test"}, {"chat": {"id": "1"}, "message": {}}]
)
def test_what_is_not_an_alert_is_skipped_with_a_2xx(
    client: httpx.Client, store: StateStore, body: dict[str, Any]
) -> None:
    answer = post(client, body, **bearer())
    assert answer.status_code == 200
    assert [s["code"] for s in answer.json()["skipped"]] == ["not_an_alert"]
    assert store.quarantined() == [] and list(SpoolSource(store).fetch()) == []


@pytest.mark.parametrize("body", [[], {"alerts": []}])
def test_an_empty_list_is_not_a_success(client: httpx.Client, body: object) -> None:
    answer = post(client, body, **bearer())
    assert answer.status_code == 422
    assert answer.json()["code"] == "empty"


def test_duplicate_json_keys_are_rejected_with_the_reason(client: httpx.Client) -> None:
    raw = b'{"url": "https://www.upwork.com/jobs/~01d1b2c3d4e5f60001", "url": "https://x.test"}'
    answer = post(client, raw, **bearer())
    assert answer.status_code == 400
    assert answer.json()["code"] == "duplicate_keys" and "'url'" in answer.json()["error"]


def _raw_exchange(port: int, request: bytes, wait: float) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        time.sleep(wait)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def test_a_slow_body_is_answered_408(store: StateStore) -> None:
    app = create_webhook_app(store, SecretStr(SECRET), body_timeout=0.3)
    with BackgroundServer(app) as server:
        head = (
            b"POST /alerts HTTP/1.1\r\nHost: hook\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\nContent-Length: 100\r\n\r\n{"
        )
        answer = _raw_exchange(server.port, head, 0.6)
    assert answer.startswith(b"HTTP/1.1 408")


def test_slow_headers_are_cut_off(store: StateStore) -> None:
    app = create_webhook_app(store, SecretStr(SECRET))
    port = free_port()
    server = uvicorn.Server(webhook_server_config(app, "127.0.0.1", port, header_timeout=0.3))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        started = time.monotonic()
        answer = _raw_exchange(port, b"POST /alerts HTTP/1.1\r\nHost: hook\r\n", 0)
        assert answer == b""  # closed without an answer: the headers never finished
        assert time.monotonic() - started < 5
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            assert http.get("/health").status_code == 200  # a normal request is unaffected
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_value_notion_cannot_store_is_rejected_with_the_reason(client: httpx.Client) -> None:
    raw = json.dumps(dict(ALERT, client_spend_usd=1)).replace(
        '"client_spend_usd": 1', '"client_spend_usd": 1e999'
    )
    answer = post(client, raw.encode(), **bearer())
    assert answer.status_code == 422
    (rejected,) = answer.json()["rejected"]
    assert rejected["code"] == "not_storable" and "client_spend_usd" in rejected["reason"]
