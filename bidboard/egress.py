"""The only way bidboard builds HTTP clients: every one refuses Upwork and unlisted hosts.

bidboard never fetches an upwork.com page, never logs in, never submits. This transport makes
that a property of the code: a request to any upwork.com host raises :class:`EgressRefused`
before a byte leaves the machine, whatever the caller, and so does a request to a host that is
neither Notion, OpenAI, loopback, nor listed in ``BIDBOARD_ALLOWED_HOSTS``.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Protocol
from urllib.parse import urlsplit

import httpx
import httpx2

from bidboard.alerts.jobkey import is_upwork_host
from bidboard.errors import EgressRefused


def _matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class EgressPolicy:
    """Which hosts may be reached. Upwork is refused even if someone lists it."""

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = tuple(h.lower().rstrip(".") for h in allowed if h)

    @classmethod
    def for_urls(cls, urls: Iterable[str | None], extra: Iterable[str] = ()) -> EgressPolicy:
        hosts = [urlsplit(u).hostname or "" for u in urls if u]
        return cls([*hosts, *extra])

    def check(self, url: httpx.URL | httpx2.URL) -> None:
        host = (url.host or "").lower().rstrip(".")
        if is_upwork_host(host):
            raise EgressRefused(host, "bidboard never contacts Upwork; a person does")
        if _is_loopback(host) or any(_matches(host, h) for h in self.allowed):
            return
        raise EgressRefused(host, "host not allowed (add it to BIDBOARD_ALLOWED_HOSTS)")


#: names of cloud metadata services (their addresses are link-local or private anyway)
METADATA_HOSTS = (
    "metadata.google.internal",
    "metadata.goog",
    "metadata",
    "instance-data",
    "metadata.azure.com",
)


def _internal(address: str) -> str | None:
    """What kind of non-public address ``address`` is, or None for a public one."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local (cloud metadata)"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"
    return None


def internal_host(host: str) -> str | None:
    """Why ``host`` is not a public internet host (a metadata name, or a name or address on
    loopback, a private or link-local network), or None. Names are resolved."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    if any(_matches(host, m) for m in METADATA_HOSTS):
        return "cloud metadata"
    kind = _internal(host)
    if kind is not None or _is_ip(host):
        return kind
    try:
        resolved = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return None  # unknown name: the request fails on its own
    kinds = [k for k in (_internal(str(a)) for a in resolved) if k]
    return kinds[0] if kinds else None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


class FeedPolicy(EgressPolicy):
    """A feed URL is configured, not trusted: any public host may serve one, but a feed on a
    loopback, private or link-local address (the cloud metadata service at 169.254.169.254,
    the local Prefect API) is refused unless its host is listed in BIDBOARD_ALLOWED_HOSTS.
    Redirects are never followed (the guarded clients do not), so a public feed cannot bounce
    the request inward."""

    def check(self, url: httpx.URL | httpx2.URL) -> None:
        host = (url.host or "").lower().rstrip(".")
        if is_upwork_host(host):
            raise EgressRefused(host, "bidboard never contacts Upwork; a person does")
        if any(_matches(host, h) for h in self.allowed):
            return
        kind = internal_host(host)
        if kind is not None:
            raise EgressRefused(
                host,
                f"a feed on a {kind} address is refused unless its host is listed in "
                "BIDBOARD_ALLOWED_HOSTS",
            )


class GuardedTransport(httpx.BaseTransport):
    def __init__(self, policy: EgressPolicy, inner: httpx.BaseTransport | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.policy.check(request.url)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncGuardedTransport(httpx.AsyncBaseTransport):
    def __init__(self, policy: EgressPolicy, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.policy.check(request.url)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class GuardedOpenAITransport(httpx2.BaseTransport):
    """The same guard for ``httpx2``, the fork the openai SDK (3.x) is built on."""

    def __init__(self, policy: EgressPolicy, inner: httpx2.BaseTransport | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.policy.check(request.url)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class RedactingOpenAITransport(httpx2.BaseTransport):
    """Blanks ``secrets`` in every response body before anything reads it: a server that echoes
    the API key in an error ("Incorrect API key provided: sk-…") never gets it into an exception
    text, a log, a card or the Prefect database (see :mod:`bidboard.redact`)."""

    def __init__(self, secrets: Iterable[str], inner: httpx2.BaseTransport) -> None:
        self.secrets = [s.encode() for s in secrets if s]
        self.inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        if not self.secrets:
            return response
        try:
            body = response.read()
        finally:
            response.close()
        for secret in self.secrets:
            body = body.replace(secret, b"***")
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx2.Response(
            response.status_code,
            headers=headers,
            content=body,
            request=request,
            extensions=response.extensions,
        )

    def close(self) -> None:
        self.inner.close()


class Pacer:
    """Spaces calls ``1/rate`` seconds apart across threads: a healthy run meets few 429s.

    This paces one process. Across workers, a Prefect global concurrency limit named after the
    integration does the same job (see the flows).
    """

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._clock, self._sleep = clock, sleep
        self._next = clock()
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until this call's slot; return the seconds waited."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return delay


class Paces(Protocol):
    def wait(self) -> float: ...


class GlobalRateLimit:
    """Paces calls across every worker through a Prefect global concurrency limit used as a rate
    limit (``prefect gcl create NAME --limit 3 --slot-decay-per-second 3``): each request takes
    a slot, slots come back at the decay rate. The limit must exist (``strict``): a typo fails the
    run instead of silently sending unpaced."""

    def __init__(self, name: str) -> None:
        self.name = name

    def wait(self) -> float:
        from prefect.concurrency.sync import rate_limit

        started = time.monotonic()
        rate_limit(self.name, occupy=1, strict=True)
        return time.monotonic() - started


class PacedTransport(httpx.BaseTransport):
    def __init__(self, pacer: Paces, inner: httpx.BaseTransport | None = None) -> None:
        self.pacer = pacer
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.pacer.wait()
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def guarded_client(
    policy: EgressPolicy, *, transport: httpx.BaseTransport | None = None, timeout: float = 30.0
) -> httpx.Client:
    """An ``httpx.Client`` that checks every request (redirects included) against ``policy``."""
    return httpx.Client(
        transport=GuardedTransport(policy, transport), timeout=timeout, follow_redirects=False
    )


def guarded_async_client(
    policy: EgressPolicy,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 30.0,
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=AsyncGuardedTransport(policy, transport), timeout=timeout, follow_redirects=False
    )


def guarded_openai_http_client(
    policy: EgressPolicy,
    *,
    transport: httpx2.BaseTransport | None = None,
    timeout: float = 60.0,
    secrets: Iterable[str] = (),
) -> httpx2.Client:
    """An ``httpx2.Client`` (for the openai SDK) that checks every request against ``policy``
    and blanks ``secrets`` in every response body."""
    guarded: httpx2.BaseTransport = GuardedOpenAITransport(policy, transport)
    if secrets:
        guarded = RedactingOpenAITransport(secrets, guarded)
    return httpx2.Client(transport=guarded, timeout=timeout, follow_redirects=False)
