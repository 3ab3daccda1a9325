"""Search: pages and data sources by title, sorted by last edit or relevance."""

from __future__ import annotations

from typing import Any

from ..errors import body_invalid
from ..render import list_response
from ..richtext import plain_text
from .common import Context, page_size, paginate


async def search(ctx: Context) -> dict[str, Any]:
    body = await ctx.body()
    ctx.check_keys(body, ("query", "sort", "filter", "start_cursor", "page_size"))
    query = body.get("query", "")
    if not isinstance(query, str):
        raise body_invalid("body.query", "should be a string", query)
    kinds: tuple[str, ...] = ("page", "data_source")
    flt = body.get("filter")
    if flt is not None:
        if (
            not isinstance(flt, dict)
            or flt.get("property") != "object"
            or flt.get("value") not in kinds
        ):
            raise body_invalid(
                "body.filter",
                'should be `{"property": "object", "value": "page" | "data_source"}`',
                flt,
            )
        kinds = (flt["value"],)
    direction = "descending"
    sort = body.get("sort")
    by_relevance = sort is None or sort == {"property": "relevance"}
    if sort is not None and not by_relevance:
        if (
            not isinstance(sort, dict)
            or sort.get("timestamp") != "last_edited_time"
            or sort.get("direction") not in ("ascending", "descending")
        ):
            raise body_invalid(
                "body.sort",
                'should be `{"timestamp": "last_edited_time", '
                '"direction": "ascending" | "descending"}` or `{"property": "relevance"}`',
                sort,
            )
        direction = sort["direction"]
    size = page_size(body.get("page_size"), "body")
    needle = query.lower().strip()
    found: list[dict[str, Any]] = []
    for kind in kinds:
        for doc in ctx.store.of_kind(kind):
            if doc["in_trash"]:
                continue
            title = ctx.render.page_title(doc) if kind == "page" else plain_text(doc["title"])
            if needle and needle not in title.lower():
                continue
            found.append(doc)
    found.sort(key=lambda d: (d["last_edited_time"], d["seq"]), reverse=direction == "descending")
    if by_relevance and needle:  # an exact title first, then titles that start with the query
        titles = {
            d["id"]: (ctx.render.page_title(d) if d["kind"] == "page" else plain_text(d["title"]))
            for d in found
        }

        def rank(doc: dict[str, Any]) -> int:
            title = titles[doc["id"]].lower().strip()
            return 0 if title == needle else 1 if title.startswith(needle) else 2

        found.sort(key=rank)
    chosen, cursor = paginate(
        found, [d["id"] for d in found], body.get("start_cursor"), size, "body"
    )
    results = [
        ctx.render.page(d) if d["kind"] == "page" else ctx.render.data_source(d) for d in chosen
    ]
    return list_response(results, cursor, "page_or_data_source")
