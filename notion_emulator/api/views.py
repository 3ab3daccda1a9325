"""The Views API: a database's views (tables, boards, charts), each over one of its data sources."""

from __future__ import annotations

import copy
from typing import Any

from ..errors import body_invalid, validation
from ..ids import decode_property_id, new_id, parse_id
from ..query import compile_filter, sort_pages
from ..render import list_response
from .common import (
    Context,
    check_unsupported,
    get_data_source,
    get_database,
    get_view,
    known_property,
    milli_stamp,
    non_empty_string,
    page_size,
    paginate,
)

_VIEW_TYPES = (
    "table",
    "board",
    "list",
    "calendar",
    "timeline",
    "gallery",
    "form",
    "chart",
    "map",
    "dashboard",
)
_GROUPABLE = {
    "select": "select",
    "multi_select": "select",
    "status": "status",
    "checkbox": "checkbox",
    "date": "date",
    "relation": "relation",
    "rich_text": "text",
    "title": "text",
    "url": "text",
    "number": "number",
}


def _view_configuration(raw: Any, view_type: str, source: dict[str, Any]) -> dict[str, Any]:
    if raw is None:
        if view_type == "board":
            raise body_invalid("body.configuration.group_by", "should be defined for a board", None)
        return {"type": view_type}
    if not isinstance(raw, dict):
        raise body_invalid("body.configuration", "should be an object", raw)
    if raw.get("type") != view_type:
        raise body_invalid("body.configuration.type", f"should be `{view_type}`", raw.get("type"))
    config = dict(raw)
    if view_type == "chart":
        config = _chart_configuration(config, source)
    if isinstance(raw.get("properties"), list):
        config["properties"] = [
            _view_property(item, f"body.configuration.properties[{i}]", source)
            for i, item in enumerate(raw["properties"])
        ]
    group_by = raw.get("group_by")
    if view_type == "board" or group_by is not None:
        config["group_by"] = _group_by(group_by, source, "body.configuration.group_by")
    return config


_CHART_TYPES = ("column", "bar", "line", "donut", "number")
_AGGREGATORS = (
    "count",
    "count_values",
    "sum",
    "average",
    "median",
    "min",
    "max",
    "range",
    "unique",
    "empty",
    "not_empty",
    "percent_empty",
    "percent_not_empty",
    "checked",
    "unchecked",
    "percent_checked",
    "percent_unchecked",
    "earliest_date",
    "latest_date",
    "date_range",
)


def _view_property(item: Any, path: str, source: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(item, dict) or "property_id" not in item:
        raise body_invalid(f"{path}.property_id", "should be defined", None)
    prop = known_property(source["schema"], item["property_id"])
    return {**item, "property_id": decode_property_id(prop["id"])}


def _aggregation(raw: Any, path: str, source: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("aggregator") not in _AGGREGATORS:
        given = raw.get("aggregator") if isinstance(raw, dict) else raw
        raise body_invalid(
            f"{path}.aggregator", f"should be one of {', '.join(_AGGREGATORS)}", given
        )
    if raw["aggregator"] == "count":
        return {"aggregator": "count"}
    prop = known_property(source["schema"], raw.get("property_id"))
    return {"aggregator": raw["aggregator"], "property_id": decode_property_id(prop["id"])}


def _chart_configuration(config: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """A chart view's configuration as the description has it: grouped data (``x_axis`` a
    group-by, ``y_axis`` an aggregation) or results (``x_axis_property_id`` and
    ``y_axis_property_id``, a row each); property ids answered decoded."""
    path = "body.configuration"
    if config.get("chart_type") not in _CHART_TYPES:
        raise body_invalid(f"{path}.chart_type", f"should be one of {', '.join(_CHART_TYPES)}",
                           config.get("chart_type"))  # fmt: skip
    if config.get("x_axis") is not None:
        config["x_axis"] = _group_by(config["x_axis"], source, f"{path}.x_axis")
    if config.get("y_axis") is not None:
        config["y_axis"] = _aggregation(config["y_axis"], f"{path}.y_axis", source)
    if config.get("value") is not None:
        config["value"] = _aggregation(config["value"], f"{path}.value", source)
    for key in ("x_axis_property_id", "y_axis_property_id"):
        if config.get(key) is not None:
            config[key] = decode_property_id(known_property(source["schema"], config[key])["id"])
    if config.get("y_axis_property_id") is not None:
        y = known_property(source["schema"], config["y_axis_property_id"])
        if y["type"] != "number":
            raise validation(f"y_axis_property_id {y['name']} should be a number property.")
    return {k: v for k, v in config.items() if v is not None}


def _group_by(group_by: Any, source: dict[str, Any], path: str) -> dict[str, Any]:
    if not isinstance(group_by, dict):
        raise body_invalid(path, "should be an object", group_by)
    prop = known_property(source["schema"], group_by.get("property_id"))
    expected = _GROUPABLE.get(prop["type"])
    if expected is None or group_by.get("type") not in (prop["type"], expected):
        raise validation(
            f"group_by type {group_by.get('type')} does not match property "
            f"{prop['name']} of type {prop['type']}."
        )
    sort = group_by.get("sort")  # required in every group-by config of the description
    if not isinstance(sort, dict) or sort.get("type") not in (
        "manual",
        "ascending",
        "descending",
    ):
        raise body_invalid(
            f"{path}.sort",
            "should have type `manual`, `ascending` or `descending`",
            sort,
        )
    if prop["type"] == "status" and group_by.get("group_by") not in ("group", "option"):
        raise body_invalid(
            f"{path}.group_by",
            "should be `group` or `option`",
            group_by.get("group_by"),
        )
    return {
        **group_by,
        # Answered decoded (the raw id), not in the data source's percent-encoded form: a
        # client that compares the two as strings misses its own view, as it can on Notion.
        "property_id": decode_property_id(prop["id"]),
        "sort": sort,
        "property_name": prop["name"],
    }


def _check_query(ctx: Context, source: dict[str, Any], flt: Any, sorts: Any) -> None:
    """A view's filter and sorts are a query's: checked as a query checks them."""
    if flt is not None:
        compile_filter(flt, source["schema"], ctx.now)
    if sorts is not None:
        sort_pages([], sorts, source["schema"])


def new_view(
    ctx: Context,
    database_id: str,
    source_id: str,
    name: str,
    view_type: str,
    configuration: dict[str, Any],
    flt: Any = None,
    sorts: Any = None,
) -> dict[str, Any]:
    """A view as stored (``views.create``, and the default view of a new database)."""
    return {
        "kind": "view",
        "id": new_id(),
        "seq": ctx.store.next_seq(),
        "database_id": database_id,
        "data_source_id": source_id,
        "name": name,
        "type": view_type,
        "configuration": configuration,
        "filter": flt,
        "sorts": sorts,
        "created_time": milli_stamp(ctx.now),
        "last_edited_time": milli_stamp(ctx.now),
    }


async def views_create(ctx: Context) -> dict[str, Any]:
    body = await ctx.body()
    ctx.check_keys(
        body,
        (
            "data_source_id",
            "name",
            "type",
            "database_id",
            "view_id",
            "filter",
            "sorts",
            "quick_filters",
            "create_database",
            "configuration",
            "position",
            "placement",
        ),
    )
    check_unsupported(body, ("view_id", "create_database", "quick_filters", "placement"))
    source = get_data_source(ctx, body.get("data_source_id"), "body.data_source_id")
    database = copy.deepcopy(get_database(ctx, body.get("database_id", source["database_id"])))
    if source["id"] not in database["data_sources"]:
        raise validation("The data source does not belong to that database.")
    name = non_empty_string(body.get("name"), "body.name")
    view_type = body.get("type")
    if view_type not in _VIEW_TYPES:
        raise body_invalid("body.type", f"should be one of {', '.join(_VIEW_TYPES)}", view_type)
    configuration = _view_configuration(body.get("configuration"), view_type, source)
    _check_query(ctx, source, body.get("filter"), body.get("sorts"))
    view = new_view(
        ctx,
        database["id"],
        source["id"],
        name,
        view_type,
        configuration,
        body.get("filter"),
        body.get("sorts"),
    )
    position = body.get("position") or {"type": "end"}
    views = database.setdefault("views", [])
    if position.get("type") == "start":
        views.insert(0, view["id"])
    elif position.get("type") == "after_view":
        after = parse_id(position.get("view_id"), "body.position.view_id")
        views.insert(views.index(after) + 1 if after in views else len(views), view["id"])
    else:
        views.append(view["id"])
    ctx.store.put(view)
    ctx.store.put(database)
    return ctx.render.view(view)


async def views_list(ctx: Context) -> dict[str, Any]:
    params = ctx.request.query_params
    size = page_size(params.get("page_size"), "query")
    database_id, source_id = params.get("database_id"), params.get("data_source_id")
    if database_id is None and source_id is None:
        raise validation("One of database_id or data_source_id is required.")
    views: list[dict[str, Any]] = []
    if database_id is not None:
        database = get_database(ctx, database_id)
        views = [v for i in database.get("views", []) if (v := ctx.store.get(i, "view"))]
    else:
        source = get_data_source(ctx, source_id, "query.data_source_id")
        views = sorted(
            (v for v in ctx.store.of_kind("view") if v["data_source_id"] == source["id"]),
            key=lambda v: v["seq"],
        )
    if source_id is not None:
        wanted = parse_id(source_id, "query.data_source_id")
        views = [v for v in views if v["data_source_id"] == wanted]
    chosen, cursor = paginate(
        views, [v["id"] for v in views], params.get("start_cursor"), size, "query"
    )
    return list_response([{"object": "view", "id": v["id"]} for v in chosen], cursor, "view")


async def views_retrieve(ctx: Context, view_id: str) -> dict[str, Any]:
    return ctx.render.view(get_view(ctx, view_id))


async def views_update(ctx: Context, view_id: str) -> dict[str, Any]:
    view = copy.deepcopy(get_view(ctx, view_id))
    body = await ctx.body()
    ctx.check_keys(body, ("name", "filter", "sorts", "quick_filters", "configuration"))
    check_unsupported(body, ("quick_filters",))
    source = get_data_source(ctx, view["data_source_id"])
    if "name" in body:
        view["name"] = non_empty_string(body["name"], "body.name")
    if "configuration" in body:
        view["configuration"] = _view_configuration(body["configuration"], view["type"], source)
    _check_query(ctx, source, body.get("filter"), body.get("sorts"))
    for key in ("filter", "sorts"):
        if key in body:
            view[key] = body[key]
    view["last_edited_time"] = milli_stamp(ctx.now)
    ctx.store.put(view)
    return ctx.render.view(view)


async def views_delete(ctx: Context, view_id: str) -> dict[str, Any]:
    view = get_view(ctx, view_id)
    database = ctx.store.get(view["database_id"], "database")
    if database is not None:
        database = copy.deepcopy(database)
        database["views"] = [v for v in database.get("views", []) if v != view["id"]]
        ctx.store.put(database)
    ctx.store.delete(view["id"])
    return {
        "object": "view",
        "id": view["id"],
        "parent": {"type": "database_id", "database_id": view["database_id"]},
        "type": view["type"],
    }
