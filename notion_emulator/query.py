"""Filters and sorts of ``data_sources.query``, validated and evaluated like Notion's.

A filter is compiled once into a predicate over a page record; a malformed filter raises a
``validation_error`` that names what is wrong before any page is looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .errors import body_invalid, validation
from .properties import Schema, find_property
from .richtext import plain_text

Predicate = Callable[[dict[str, Any]], bool]
MAX_COMPOUND_DEPTH = 2

_TEXT_OPS = (
    "equals",
    "does_not_equal",
    "contains",
    "does_not_contain",
    "starts_with",
    "ends_with",
    "is_empty",
    "is_not_empty",
)
_NUMBER_OPS = (
    "equals",
    "does_not_equal",
    "greater_than",
    "less_than",
    "greater_than_or_equal_to",
    "less_than_or_equal_to",
    "is_empty",
    "is_not_empty",
)
_DATE_OPS = (
    "equals",
    "before",
    "after",
    "on_or_before",
    "on_or_after",
    "is_empty",
    "is_not_empty",
    "past_week",
    "past_month",
    "past_year",
    "next_week",
    "next_month",
    "next_year",
    "this_week",
)
OPERATORS: dict[str, tuple[str, ...]] = {
    "title": _TEXT_OPS,
    "rich_text": _TEXT_OPS,
    "url": _TEXT_OPS,
    "email": _TEXT_OPS,
    "phone_number": _TEXT_OPS,
    "number": _NUMBER_OPS,
    "checkbox": ("equals", "does_not_equal"),
    "select": ("equals", "does_not_equal", "is_empty", "is_not_empty"),
    "status": ("equals", "does_not_equal", "is_empty", "is_not_empty"),
    "multi_select": ("contains", "does_not_contain", "is_empty", "is_not_empty"),
    "relation": ("contains", "does_not_contain", "is_empty", "is_not_empty"),
    "people": ("contains", "does_not_contain", "is_empty", "is_not_empty"),
    "date": _DATE_OPS,
    "created_time": _DATE_OPS,
    "last_edited_time": _DATE_OPS,
    "unique_id": (
        "equals",
        "does_not_equal",
        "greater_than",
        "less_than",
        "greater_than_or_equal_to",
        "less_than_or_equal_to",
    ),
}
# Filter types accepted for a property of a given type, beyond its own.
_COMPATIBLE = {"title": ("rich_text",), "rich_text": ("title",)}


def parse_instant(value: str) -> datetime:
    """An ISO date or date-time as an aware UTC datetime (a bare date is midnight UTC)."""
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def text_of(kind: str, stored: Any) -> str:
    if kind in ("title", "rich_text"):
        return plain_text(stored or [])
    return str(stored) if stored else ""


def _option_name(prop: dict[str, Any], option_id: Any) -> str | None:
    for option in prop[prop["type"]]["options"]:
        if option["id"] == option_id:
            return str(option["name"])
    return None


def _date_predicate(op: str, operand: Any, path: str, now: datetime) -> Callable[[Any], bool]:
    if op in ("is_empty", "is_not_empty"):
        if operand is not True:
            raise body_invalid(path, "should be `true`", operand)
        return (lambda v: v is None) if op == "is_empty" else (lambda v: v is not None)
    relative = {
        "past_week": (-7, 0),
        "past_month": (-30, 0),
        "past_year": (-365, 0),
        "next_week": (0, 7),
        "next_month": (0, 30),
        "next_year": (0, 365),
    }
    if op in relative:
        lo_days, hi_days = relative[op]
        lo, hi = now + timedelta(days=lo_days), now + timedelta(days=hi_days)
        return lambda v: v is not None and lo <= v <= hi
    if op == "this_week":
        start = datetime.combine(
            (now - timedelta(days=now.weekday())).date(), datetime.min.time(), UTC
        )
        end = start + timedelta(days=7)
        return lambda v: v is not None and start <= v < end
    if not isinstance(operand, str):
        raise body_invalid(path, "should be a valid ISO 8601 date string", operand)
    try:
        target = parse_instant(operand)
    except ValueError:
        raise body_invalid(path, "should be a valid ISO 8601 date string", operand) from None
    date_only = len(operand) == 10
    if date_only:
        day = target.date()
        compare: dict[str, Callable[[datetime], bool]] = {
            "equals": lambda v: v.date() == day,
            "before": lambda v: v.date() < day,
            "after": lambda v: v.date() > day,
            "on_or_before": lambda v: v.date() <= day,
            "on_or_after": lambda v: v.date() >= day,
        }
    else:
        compare = {
            "equals": lambda v: v == target,
            "before": lambda v: v < target,
            "after": lambda v: v > target,
            "on_or_before": lambda v: v <= target,
            "on_or_after": lambda v: v >= target,
        }
    check = compare[op]
    return lambda v: v is not None and check(v)


def _value_predicate(
    prop: dict[str, Any], filter_type: str, condition: Any, path: str, now: datetime
) -> Callable[[Any, dict[str, Any]], bool]:
    kind = prop["type"]
    if not isinstance(condition, dict) or len(condition) != 1:
        raise body_invalid(path, "should be an object with exactly one operator", condition)
    op, operand = next(iter(condition.items()))
    allowed = OPERATORS.get(filter_type, ())
    if op not in allowed:
        raise body_invalid(f"{path}.{op}", f"should be one of {', '.join(allowed)}", operand)
    opath = f"{path}.{op}"
    if op in ("is_empty", "is_not_empty") and operand is not True:
        raise body_invalid(opath, "should be `true`", operand)

    if kind in ("title", "rich_text", "url", "email", "phone_number"):
        if op not in ("is_empty", "is_not_empty") and not isinstance(operand, str):
            raise body_invalid(opath, "should be a string", operand)
        needle = operand.lower() if isinstance(operand, str) else ""
        text_ops: dict[str, Callable[[str], bool]] = {
            "equals": lambda t: t == operand,
            "does_not_equal": lambda t: t != operand,
            "contains": lambda t: needle in t.lower(),
            "does_not_contain": lambda t: needle not in t.lower(),
            "starts_with": lambda t: t.lower().startswith(needle),
            "ends_with": lambda t: t.lower().endswith(needle),
            "is_empty": lambda t: t == "",
            "is_not_empty": lambda t: t != "",
        }
        text_check = text_ops[op]
        return lambda stored, page: text_check(text_of(kind, stored))
    if kind in ("number", "unique_id"):
        if op not in ("is_empty", "is_not_empty") and (
            isinstance(operand, bool) or not isinstance(operand, int | float)
        ):
            raise body_invalid(opath, "should be a number", operand)
        number_ops: dict[str, Callable[[Any], bool]] = {
            "equals": lambda n: n is not None and n == operand,
            "does_not_equal": lambda n: n is None or n != operand,
            "greater_than": lambda n: n is not None and n > operand,
            "less_than": lambda n: n is not None and n < operand,
            "greater_than_or_equal_to": lambda n: n is not None and n >= operand,
            "less_than_or_equal_to": lambda n: n is not None and n <= operand,
            "is_empty": lambda n: n is None,
            "is_not_empty": lambda n: n is not None,
        }
        number_check = number_ops[op]
        if kind == "unique_id":
            return lambda stored, page: number_check(page.get("unique_number"))
        return lambda stored, page: number_check(stored)
    if kind == "checkbox":
        if not isinstance(operand, bool):
            raise body_invalid(opath, "should be a boolean", operand)
        if op == "equals":
            return lambda stored, page: bool(stored) == operand
        return lambda stored, page: bool(stored) != operand
    if kind in ("select", "status"):
        if op in ("equals", "does_not_equal") and not isinstance(operand, str):
            raise body_invalid(opath, "should be a string", operand)
        select_ops: dict[str, Callable[[str | None], bool]] = {
            "equals": lambda n: n == operand,
            "does_not_equal": lambda n: n != operand,
            "is_empty": lambda n: n is None,
            "is_not_empty": lambda n: n is not None,
        }
        select_check = select_ops[op]
        return lambda stored, page: select_check(_option_name(prop, stored))
    if kind in ("multi_select", "relation", "people"):
        if op in ("contains", "does_not_contain") and not isinstance(operand, str):
            raise body_invalid(opath, "should be a string", operand)

        def members(stored: Any) -> list[str]:
            if kind == "multi_select":
                return [n for n in (_option_name(prop, i) for i in stored or []) if n]
            return list(stored or [])

        target = operand
        if kind != "multi_select" and op in ("contains", "does_not_contain"):
            from .ids import parse_id

            target = parse_id(operand, opath)
        list_ops: dict[str, Callable[[list[str]], bool]] = {
            "contains": lambda m: target in m,
            "does_not_contain": lambda m: target not in m,
            "is_empty": lambda m: not m,
            "is_not_empty": lambda m: bool(m),
        }
        list_check = list_ops[op]
        return lambda stored, page: list_check(members(stored))
    if kind in ("date", "created_time", "last_edited_time"):
        date_check = _date_predicate(op, operand, opath, now)

        def instant(stored: Any, page: dict[str, Any]) -> datetime | None:
            if kind == "date":
                return parse_instant(stored["start"]) if stored else None
            return parse_instant(page[kind])

        return lambda stored, page: date_check(instant(stored, page))
    raise validation(f"Filtering on {kind} properties is not supported.")


def compile_filter(
    raw: Any, schema: Schema, now: datetime, path: str = "body.filter", depth: int = 0
) -> Predicate:
    if not isinstance(raw, dict):
        raise body_invalid(path, "should be an object", raw)
    for compound in ("and", "or"):
        if compound in raw:
            if len(raw) != 1:
                raise body_invalid(path, f"should only contain `{compound}`", raw)
            if depth >= MAX_COMPOUND_DEPTH:
                raise validation(
                    f"body failed validation: {path}.{compound} is nested too deeply; compound "
                    f"filters can be nested at most {MAX_COMPOUND_DEPTH} levels."
                )
            items = raw[compound]
            if not isinstance(items, list):
                raise body_invalid(f"{path}.{compound}", "should be an array", items)
            if len(items) > 100:
                raise body_invalid(f"{path}.{compound}.length", "should be ≤ `100`", len(items))
            parts = [
                compile_filter(item, schema, now, f"{path}.{compound}[{i}]", depth + 1)
                for i, item in enumerate(items)
            ]
            if compound == "and":
                return lambda page: all(p(page) for p in parts)
            return lambda page: any(p(page) for p in parts)
    if "timestamp" in raw:
        stamp = raw["timestamp"]
        if stamp not in ("created_time", "last_edited_time"):
            raise body_invalid(
                f"{path}.timestamp", "should be `created_time` or `last_edited_time`", stamp
            )
        pseudo = {"id": stamp, "name": stamp, "type": stamp}
        check = _value_predicate(pseudo, stamp, raw.get(stamp), f"{path}.{stamp}", now)
        return lambda page: check(None, page)
    key = raw.get("property")
    if not isinstance(key, str):
        raise body_invalid(f"{path}.property", "should be defined", key)
    prop = find_property(schema, key)
    if prop is None:
        raise validation(f"Could not find property with name or id: {key}")
    filter_types = [k for k in raw if k != "property"]
    if len(filter_types) != 1:
        raise body_invalid(
            path, "should contain exactly one filter type besides `property`", filter_types
        )
    filter_type = filter_types[0]
    if filter_type != prop["type"] and filter_type not in _COMPATIBLE.get(prop["type"], ()):
        raise validation(f"database property {prop['type']} does not match filter {filter_type}")
    check = _value_predicate(
        prop,
        prop["type"] if filter_type in _COMPATIBLE.get(prop["type"], ()) else filter_type,
        raw[filter_type],
        f"{path}.{filter_type}",
        now,
    )
    prop_id = prop["id"]
    return lambda page: check(page["values"].get(prop_id), page)


def _sort_key(schema: Schema, prop: dict[str, Any]) -> Callable[[dict[str, Any]], Any]:
    """``(is_empty, value)`` for a page: empty values sort last in either direction."""
    kind, prop_id = prop["type"], prop["id"]
    lowest = datetime.min.replace(tzinfo=UTC)

    def key(page: dict[str, Any]) -> Any:
        stored = page["values"].get(prop_id)
        if kind in ("title", "rich_text", "url", "email", "phone_number"):
            text = text_of(kind, stored)
            return (text == "", text.lower())
        if kind == "number":
            return (stored is None, stored or 0)
        if kind == "checkbox":
            return (False, bool(stored))
        if kind in ("select", "status"):
            options = [o["id"] for o in prop[kind]["options"]]
            return (stored not in options, options.index(stored) if stored in options else 0)
        if kind == "date":
            return (stored is None, parse_instant(stored["start"]) if stored else lowest)
        if kind in ("created_time", "last_edited_time"):
            return (False, (page[kind], page["seq"]))
        if kind == "unique_id":
            return (False, page.get("unique_number") or 0)
        return (not stored, str(stored))

    return key


def _timestamp_key(stamp: str) -> Callable[[dict[str, Any]], Any]:
    return lambda page: (False, (page[stamp], page["seq"]))


def sort_pages(pages: list[dict[str, Any]], raw: Any, schema: Schema) -> list[dict[str, Any]]:
    """Sort pages by the request's sorts; ties and the default order follow creation order."""
    ordered = sorted(pages, key=lambda p: p["seq"])
    if raw is None:
        return ordered
    if not isinstance(raw, list):
        raise body_invalid("body.sorts", "should be an array", raw)
    if len(raw) > 100:
        raise body_invalid("body.sorts.length", "should be ≤ `100`", len(raw))
    keys: list[tuple[Callable[[dict[str, Any]], Any], bool]] = []
    for i, item in enumerate(raw):
        path = f"body.sorts[{i}]"
        if not isinstance(item, dict):
            raise body_invalid(path, "should be an object", item)
        direction = item.get("direction")  # required (sortDirectionRequest)
        if direction not in ("ascending", "descending"):
            raise body_invalid(
                f"{path}.direction", "should be `ascending` or `descending`", direction
            )
        if "timestamp" in item:
            stamp = item["timestamp"]
            if stamp not in ("created_time", "last_edited_time"):
                raise body_invalid(
                    f"{path}.timestamp", "should be `created_time` or `last_edited_time`", stamp
                )
            keys.append((_timestamp_key(stamp), direction == "descending"))
            continue
        key = item.get("property")
        if not isinstance(key, str):
            raise body_invalid(f"{path}.property", "should be defined", key)
        prop = find_property(schema, key)
        if prop is None:
            raise validation(f"Could not find sort property with name or id: {key}")
        keys.append((_sort_key(schema, prop), direction == "descending"))
    for key_fn, reverse in reversed(keys):  # stable sorts, least significant key first
        ordered.sort(key=_part(key_fn, 1), reverse=reverse)
        ordered.sort(key=_part(key_fn, 0))
    return ordered


def _part(key_fn: Callable[[dict[str, Any]], Any], index: int) -> Callable[[dict[str, Any]], Any]:
    return lambda page: key_fn(page)[index]
