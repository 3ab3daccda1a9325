"""Page property values: a request's value validated into the stored form, and the stored
form rendered back in Notion's response form.

Values are stored by property id in a compact form (option ids for selects), so that renaming
a property or an option never touches the pages, exactly as in Notion.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime
from typing import Any

from .errors import body_invalid, validation
from .ids import new_id, parse_id
from .properties import PROPERTY_TYPES, READ_ONLY_TYPES, Schema
from .richtext import COLORS, MAX_URL_LENGTH, plain_text, rich_text_array

# The request-limits table of the docs: 200 for email and phone_number values (the description
# says 100, `stringRequest`; the docs win); 2,000 for any URL.
MAX_EMAIL_LENGTH = 200
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_color_cycle = itertools.cycle([c for c in COLORS if c != "default"])


def _parse_date(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise body_invalid(path, "should be a valid ISO 8601 date string", value)
    try:
        if _ISO_DATE.match(value):
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise body_invalid(path, "should be a valid ISO 8601 date string", value) from None
    return value


def _select_option(prop: dict[str, Any], raw: Any, path: str, create: bool) -> str:
    if not isinstance(raw, dict):
        raise body_invalid(path, "should be an object", raw)
    options: list[dict[str, Any]] = prop[prop["type"]]["options"]
    option_id, name, color = raw.get("id"), raw.get("name"), raw.get("color")
    for option in options:
        if (option_id and option["id"] == option_id) or (name and option["name"] == name):
            if color is not None and color != option["color"]:
                raise validation(f"Cannot update color of select with name: {option['name']}.")
            return str(option["id"])
    if option_id and not name:
        raise validation(f"Could not find option with id: {option_id} for property {prop['name']}.")
    if not isinstance(name, str) or not name:
        raise body_invalid(f"{path}.name", "should be a non-empty string", name)
    if not create:
        raise validation(f'Invalid status option. Status option "{name}" does not exist.')
    if "," in name:
        raise body_invalid(f"{path}.name", "should not contain commas", name)
    color = raw.get("color") if raw.get("color") in COLORS else next(_color_cycle)
    option = {"id": new_id(), "name": name, "color": color, "description": None}
    options.append(option)
    return str(option["id"])


def page_value(prop: dict[str, Any], raw: Any, path: str, page_exists: Any) -> tuple[Any, bool]:
    """Validate one property value of a page request.

    Returns the stored value and whether the schema changed (a new select option).
    ``page_exists(data_source_id, page_id)`` checks relation targets.
    """
    kind = prop["type"]
    if kind in READ_ONLY_TYPES:
        raise validation(f"{prop['name']} is a read-only property ({kind}) and cannot be set.")
    if not isinstance(raw, dict):
        if kind == "title" and isinstance(raw, list):  # shorthand accepted by Notion
            raw = {"title": raw}
        else:
            raise body_invalid(path, "should be an object", raw)
    given = [k for k in raw if k in PROPERTY_TYPES]
    if raw.get("type") not in (None, kind) or any(k != kind for k in given):
        wrong = raw.get("type") or given[0]
        raise validation(
            f"{prop['name']} is expected to be {kind}. Received a {wrong} value instead."
        )
    if kind not in raw:
        raise body_invalid(f"{path}.{kind}", "should be defined", None)
    value = raw[kind]
    vpath = f"{path}.{kind}"
    if kind in ("title", "rich_text"):
        return rich_text_array(value, vpath), False
    if kind == "number":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise body_invalid(vpath, "should be a number or `null`", value)
        return value, False
    if kind == "checkbox":
        if not isinstance(value, bool):
            raise body_invalid(vpath, "should be a boolean", value)
        return value, False
    if kind in ("url", "email", "phone_number"):
        if value is not None and not isinstance(value, str):
            raise body_invalid(vpath, "should be a string or `null`", value)
        limit = MAX_URL_LENGTH if kind == "url" else MAX_EMAIL_LENGTH
        if isinstance(value, str) and len(value) > limit:
            raise body_invalid(f"{vpath}.length", f"should be ≤ `{limit}`", len(value))
        if value == "":  # textRequest has minLength 1: a value is cleared with `null`
            raise body_invalid(f"{vpath}.length", "should be ≥ `1`", 0)
        return value, False
    if kind in ("select", "status"):
        if value is None:
            return None, False
        before = len(prop[kind]["options"])
        option_id = _select_option(prop, value, vpath, create=kind == "select")
        return option_id, len(prop[kind]["options"]) != before
    if kind == "multi_select":
        if not isinstance(value, list):
            raise body_invalid(vpath, "should be an array", value)
        if len(value) > 100:
            raise body_invalid(f"{vpath}.length", "should be ≤ `100`", len(value))
        before = len(prop[kind]["options"])
        ids: list[str] = []
        for i, item in enumerate(value):
            option_id = _select_option(prop, item, f"{vpath}[{i}]", create=True)
            if option_id not in ids:
                ids.append(option_id)
        return ids, len(prop[kind]["options"]) != before
    if kind == "date":
        if value is None:
            return None, False
        if not isinstance(value, dict):
            raise body_invalid(vpath, "should be an object or `null`", value)
        start = _parse_date(value.get("start"), f"{vpath}.start")
        end = value.get("end")
        if end is not None:
            end = _parse_date(end, f"{vpath}.end")
        time_zone = value.get("time_zone")
        if time_zone is not None and not isinstance(time_zone, str):
            raise body_invalid(f"{vpath}.time_zone", "should be a string or `null`", time_zone)
        return {"start": start, "end": end, "time_zone": time_zone}, False
    if kind == "relation":
        if not isinstance(value, list):
            raise body_invalid(vpath, "should be an array", value)
        if len(value) > 100:
            raise body_invalid(f"{vpath}.length", "should be ≤ `100`", len(value))
        target = prop["relation"]["data_source_id"]
        related: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise body_invalid(f"{vpath}[{i}]", "should be an object", item)
            page_id = parse_id(item.get("id"), f"{vpath}[{i}].id")
            if not page_exists(target, page_id):
                raise validation(
                    f"Relation {prop['name']}: page {page_id} is not in the related data source."
                )
            if page_id not in related:
                related.append(page_id)
        return related, False
    if kind == "people":
        if not isinstance(value, list):
            raise body_invalid(vpath, "should be an array", value)
        return [
            parse_id(u.get("id") if isinstance(u, dict) else u, f"{vpath}[{i}].id")
            for i, u in enumerate(value)
        ], False
    if kind == "files":
        if not isinstance(value, list):
            raise body_invalid(vpath, "should be an array", value)
        return value, False
    raise validation(f"Property type {kind} is not supported by this emulator.")


def empty_value(kind: str) -> Any:
    if kind in ("title", "rich_text", "multi_select", "relation", "people", "files"):
        return []
    if kind == "checkbox":
        return False
    return None


def render_value(prop: dict[str, Any], stored: Any, page: dict[str, Any]) -> dict[str, Any]:
    """Render one page property value in Notion's response form."""
    kind = prop["type"]
    out: dict[str, Any] = {"id": prop["id"], "type": kind}
    if kind in ("select", "status"):
        option = next((o for o in prop[kind]["options"] if o["id"] == stored), None)
        out[kind] = (
            {"id": option["id"], "name": option["name"], "color": option["color"]}
            if option
            else None
        )
    elif kind == "multi_select":
        by_id = {o["id"]: o for o in prop[kind]["options"]}
        out[kind] = [
            {"id": by_id[i]["id"], "name": by_id[i]["name"], "color": by_id[i]["color"]}
            for i in (stored or [])
            if i in by_id
        ]
    elif kind == "relation":
        out[kind] = [{"id": i} for i in (stored or [])]
    elif kind == "unique_id":
        out[kind] = {"prefix": prop[kind]["prefix"], "number": page.get("unique_number")}
    elif kind == "created_time":
        out[kind] = page["created_time"]
    elif kind == "last_edited_time":
        out[kind] = page["last_edited_time"]
    elif kind == "people":
        out[kind] = [{"object": "user", "id": i} for i in (stored or [])]
    elif kind == "formula":  # not evaluated: an empty string result
        out[kind] = {"type": "string", "string": None}
    else:
        out[kind] = stored if stored is not None else empty_value(kind)
    return out


def title_of(schema: Schema, values: dict[str, Any]) -> str:
    for prop in schema.values():
        if prop["type"] == "title":
            return plain_text(values.get(prop["id"]) or [])
    return ""


__all__ = ["empty_value", "page_value", "render_value", "title_of"]
