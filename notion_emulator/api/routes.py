"""The routes of the REST API and the endpoint around each handler: it builds the request's
:class:`~.common.Context`, answers a :class:`~notion_emulator.errors.NotionAPIError` with its
Notion body, rolls back a failed request and commits a good one once."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..budget import BlockBudget
from ..errors import NotionAPIError
from ..store import Store
from .blocks import (
    blocks_children_append,
    blocks_children_list,
    blocks_delete,
    blocks_retrieve,
    blocks_update,
)
from .common import Clock, Context
from .data_sources import (
    data_sources_create,
    data_sources_query,
    data_sources_retrieve,
    data_sources_update,
)
from .databases import databases_create, databases_retrieve, databases_update
from .pages import pages_create, pages_retrieve, pages_update
from .search import search
from .users import users_list, users_me, users_retrieve
from .views import views_create, views_delete, views_list, views_retrieve, views_update

Handler = Callable[..., Awaitable[dict[str, Any]]]
ROUTES: list[tuple[str, str, Handler]] = [
    ("/v1/users/me", "GET", users_me),
    ("/v1/users", "GET", users_list),
    ("/v1/users/{user_id}", "GET", users_retrieve),
    ("/v1/search", "POST", search),
    ("/v1/databases", "POST", databases_create),
    ("/v1/databases/{database_id}", "GET", databases_retrieve),
    ("/v1/databases/{database_id}", "PATCH", databases_update),
    ("/v1/data_sources", "POST", data_sources_create),
    ("/v1/data_sources/{source_id}", "GET", data_sources_retrieve),
    ("/v1/data_sources/{source_id}", "PATCH", data_sources_update),
    ("/v1/data_sources/{source_id}/query", "POST", data_sources_query),
    ("/v1/pages", "POST", pages_create),
    ("/v1/pages/{page_id}", "GET", pages_retrieve),
    ("/v1/pages/{page_id}", "PATCH", pages_update),
    ("/v1/blocks/{block_id}/children", "GET", blocks_children_list),
    ("/v1/blocks/{block_id}/children", "PATCH", blocks_children_append),
    ("/v1/blocks/{block_id}", "GET", blocks_retrieve),
    ("/v1/blocks/{block_id}", "PATCH", blocks_update),
    ("/v1/blocks/{block_id}", "DELETE", blocks_delete),
    ("/v1/views", "POST", views_create),
    ("/v1/views", "GET", views_list),
    ("/v1/views/{view_id}", "GET", views_retrieve),
    ("/v1/views/{view_id}", "PATCH", views_update),
    ("/v1/views/{view_id}", "DELETE", views_delete),
]


def error_response(error: NotionAPIError) -> Response:
    return JSONResponse(
        error.body(str(uuid.uuid4())), status_code=error.status, headers=error.headers
    )


def make_endpoint(
    handler: Handler,
    store: Store,
    clock: Clock,
    public_url: Callable[[], str | None],
    budget: BlockBudget | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        ctx = Context(request, store, clock, public_url())
        try:
            result = await handler(ctx, **request.path_params)
            if budget is not None:  # a request that creates blocks, past the limit and grace
                budget.check(ctx.now)
        except NotionAPIError as error:
            store.rollback()
            return error_response(error)
        except Exception:
            store.rollback()
            raise
        store.commit()
        if budget is not None:
            budget.after_commit(ctx.now)
        result["request_id"] = str(uuid.uuid4())
        return JSONResponse(result)

    return endpoint
