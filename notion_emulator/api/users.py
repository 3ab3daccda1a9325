"""The users endpoints: the integration's bot is the workspace's only user."""

from __future__ import annotations

from typing import Any

from ..errors import not_found
from ..ids import parse_id
from ..render import bot_user, list_response
from .common import Context, page_size


async def users_me(ctx: Context) -> dict[str, Any]:
    return bot_user()


async def users_list(ctx: Context) -> dict[str, Any]:
    page_size(ctx.request.query_params.get("page_size"), "query")
    return list_response([bot_user()], None, "user")


async def users_retrieve(ctx: Context, user_id: str) -> dict[str, Any]:
    uid = parse_id(user_id, "path.user_id")
    if uid != bot_user()["id"]:
        raise not_found("user", uid)
    return bot_user()
