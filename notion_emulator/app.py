"""The emulator as an ASGI app: ``create_app()`` for in-process tests, served by uvicorn."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from . import board
from .api.pages import seed_root_page
from .api.routes import ROUTES, error_response, make_endpoint
from .budget import GRACE, BlockBudget
from .errors import NotionAPIError
from .gate import Gate, GateConfig, parse_faults
from .ids import parse_id
from .store import Store


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class EmulatorConfig:
    """How the emulator behaves; every field has a command-line flag of the same name."""

    db: str | None = None
    rate_limit: float = 3.0
    burst: int = 3
    faults: str | dict[str, float] | None = None
    token: str | None = None
    hang_seconds: float = 70.0
    seed: int | None = None
    public_url: str | None = None
    #: The Free plan's lifetime block limit to enforce (Notion's is 1,000); None: no limit.
    block_limit: int | None = None
    block_grace: timedelta = GRACE
    #: The timezone the emulator's pages show dates in (Notion shows them in the reader's).
    timezone: str = "UTC"
    clock: Callable[[], datetime] = field(default=_utcnow)
    monotonic: Callable[[], float] = field(default=time.monotonic)


class Emulator:
    """The app plus handles tests use: its store, its gate (stats, live reconfiguration)."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.store = Store(self.config.db)
        seed_root_page(self.store, self.config.clock)
        self.budget = BlockBudget(self.store, self.config.block_limit, self.config.block_grace)
        routes = [
            Route(
                path,
                make_endpoint(
                    handler,
                    self.store,
                    lambda: self.config.clock(),
                    lambda: self.config.public_url,
                    self.budget,
                ),
                methods=[method],
            )
            for path, method, handler in ROUTES
        ]
        routes += [
            Route(
                "/v1/{rest:path}",
                self._invalid_url,
                methods=["GET", "POST", "PATCH", "DELETE", "PUT"],
            ),
            Route("/__emulator/stats", self._stats, methods=["GET"]),
            Route("/__emulator/stats", self._reset_stats, methods=["DELETE"]),
            Route("/__emulator/config", self._configure, methods=["PATCH"]),
            Route("/", self._index, methods=["GET"]),
            Route("/board/{source_id}", self._board, methods=["GET"]),
            Route("/page/{page_id}", self._page, methods=["GET"]),
            Route("/p/{slug}", self._by_slug, methods=["GET"]),
        ]
        self.starlette = Starlette(routes=routes)
        self.gate = Gate(
            self.starlette,
            GateConfig(
                rate_limit=self.config.rate_limit,
                burst=self.config.burst,
                faults=parse_faults(self.config.faults),
                token=self.config.token,
                hang_seconds=self.config.hang_seconds,
                seed=self.config.seed,
                monotonic=self.config.monotonic,
            ),
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.gate(scope, receive, send)

    @property
    def stats(self) -> dict[str, Any]:
        """Requests and statuses since the last reset; blocks over the workspace's lifetime."""
        return {**self.gate.stats.as_dict(), "blocks": self.budget.as_dict(self.config.clock())}

    async def _invalid_url(self, request: Request) -> Response:
        return error_response(NotionAPIError(400, "invalid_request_url", "Invalid request URL."))

    async def _stats(self, request: Request) -> Response:
        return JSONResponse(self.stats)

    async def _reset_stats(self, request: Request) -> Response:
        self.gate.stats.reset()
        return JSONResponse(self.stats)

    async def _configure(self, request: Request) -> Response:
        changes = await request.json()
        allowed = {
            "rate_limit",
            "burst",
            "faults",
            "hang_seconds",
            "fault_next",
            "space_retry_after",
        }
        budget = {"block_limit", "block_grace_seconds"}
        unknown = set(changes) - allowed - budget
        if unknown:
            return JSONResponse({"error": f"unknown settings: {sorted(unknown)}"}, 400)
        try:
            self.configure_blocks(**{k: changes.pop(k) for k in budget & set(changes)})
            self.gate.reconfigure(**changes)
        except (TypeError, ValueError) as error:
            return JSONResponse({"error": str(error)}, 400)
        answer = {k: getattr(self.gate.config, k) for k in sorted(allowed)}
        answer.update(
            block_limit=self.budget.limit, block_grace_seconds=self.budget.grace.total_seconds()
        )
        return JSONResponse(answer)

    def configure_blocks(self, **changes: Any) -> None:
        """``block_limit`` (an int, or None to lift it) and ``block_grace_seconds``."""
        if "block_limit" in changes:
            limit = changes["block_limit"]
            if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
                raise ValueError("block_limit must be a whole number or null")
            self.budget.limit = self.config.block_limit = limit
        if "block_grace_seconds" in changes:
            grace = timedelta(seconds=float(changes["block_grace_seconds"]))
            self.budget.grace = self.config.block_grace = grace

    async def _index(self, request: Request) -> Response:
        return HTMLResponse(board.index(self.store, self.config.token))

    async def _board(self, request: Request) -> Response:
        source = self._lookup(request.path_params["source_id"], "data_source")
        if source is None:
            return HTMLResponse("<h1>Not found</h1>", 404)
        return HTMLResponse(self._database_html(source, request))

    def _database_html(self, source: dict[str, Any], request: Request) -> str:
        view = request.query_params.get("v")
        try:
            view_id = parse_id(view) if view else None
        except NotionAPIError:
            view_id = None
        return board.database(
            self.store,
            source,
            str(request.base_url),
            view_id=view_id,
            token=self.config.token,
            tz=self.config.timezone,
            now=self.config.clock(),
        )

    def _page_html(self, page: dict[str, Any], request: Request) -> str:
        return board.page_view(
            self.store,
            page,
            str(request.base_url),
            token=self.config.token,
            tz=self.config.timezone,
        )

    async def _page(self, request: Request) -> Response:
        page = self._lookup(request.path_params["page_id"], "page")
        if page is None:
            return HTMLResponse("<h1>Not found</h1>", 404)
        return HTMLResponse(self._page_html(page, request))

    async def _by_slug(self, request: Request) -> Response:
        object_id = request.path_params["slug"].rsplit("-", 1)[-1]
        doc = self._lookup(object_id, None)
        if doc is not None and doc["kind"] == "database" and doc["data_sources"]:
            source = self.store.get(doc["data_sources"][0])
            if source is not None:
                return HTMLResponse(self._database_html(source, request))
        if doc is not None and doc["kind"] == "page":
            return HTMLResponse(self._page_html(doc, request))
        return HTMLResponse("<h1>Not found</h1>", 404)

    def _lookup(self, raw_id: str, kind: str | None) -> dict[str, Any] | None:
        try:
            return self.store.get(parse_id(raw_id), kind)
        except NotionAPIError:
            return None


def create_app(config: EmulatorConfig | None = None, **overrides: Any) -> Emulator:
    """Build an emulator; keyword arguments override fields of ``config``."""
    base = config or EmulatorConfig()
    for key, value in overrides.items():
        setattr(base, key, value)
    return Emulator(base)
