"""Every HTTP client bidboard builds refuses Upwork and unlisted hosts, before any byte is sent."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from bidboard.egress import EgressPolicy, guarded_async_client, guarded_client
from bidboard.errors import EgressRefused, PolicyError
from bidboard.notion.client import build_notion_client
from bidboard.settings import Settings

UPWORK_URLS = [
    "https://www.upwork.com/jobs/~01abc",
    "https://upwork.com/ab/proposals/job/~01/apply",
    "https://WWW.UPWORK.COM./nx/find-work",
    "http://api.upwork.com/graphql",
    "https://login.upwork.com/",
    "https://www.odesk.com/",
]


class Sent(Exception):
    pass


def refusing_transport() -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise Sent(str(request.url))

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("url", UPWORK_URLS)
def test_upwork_is_refused_even_when_listed(url: str) -> None:
    policy = EgressPolicy(["upwork.com", "www.upwork.com", "odesk.com"])
    with (
        guarded_client(policy, transport=refusing_transport()) as client,
        pytest.raises(EgressRefused, match="never contacts Upwork"),
    ):
        client.get(url)


def test_unlisted_hosts_are_refused_and_listed_ones_pass() -> None:
    policy = EgressPolicy.for_urls(["https://api.notion.com"], ["hooks.slack.com"])
    with guarded_client(policy, transport=refusing_transport()) as client:
        with pytest.raises(EgressRefused, match="not allowed"):
            client.get("https://example.com/")
        for allowed in (
            "https://api.notion.com/v1/users/me",
            "https://hooks.slack.com/x",
            "http://127.0.0.1:8765/",
            "http://localhost/",
            "http://[::1]:9/",
        ):
            with pytest.raises(Sent):
                client.get(allowed)


def test_lookalike_hosts_are_not_upwork() -> None:
    policy = EgressPolicy(["notupwork.com"])
    with guarded_client(policy, transport=refusing_transport()) as client, pytest.raises(Sent):
        client.get("https://notupwork.com/")


@pytest.mark.anyio
async def test_async_client_refuses_upwork() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise Sent(str(request.url))

    async with guarded_async_client(
        EgressPolicy([]), transport=httpx.MockTransport(handler)
    ) as client:
        with pytest.raises(EgressRefused):
            await client.get("https://www.upwork.com/")


def test_notion_client_pointed_at_upwork_refuses() -> None:
    settings = Settings(notion_token=SecretStr("t"), notion_base_url="https://www.upwork.com")
    client = build_notion_client(settings, transport=refusing_transport())
    try:
        with pytest.raises(PolicyError):
            client.users.me()
    finally:
        client.close()


def test_egress_refusal_is_a_policy_error() -> None:
    assert issubclass(EgressRefused, PolicyError)


def test_pacer_spaces_calls_at_the_rate() -> None:
    from bidboard.egress import Pacer

    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(4.0, clock=lambda: now[0], sleep=sleep)
    waits = [pacer.wait() for _ in range(5)]
    assert waits == [0.0, 0.25, 0.25, 0.25, 0.25]
    now[0] += 10  # idle time is not banked into a burst
    assert pacer.wait() == 0.0 and pacer.wait() == 0.25
