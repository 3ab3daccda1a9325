"""Codecs between domain values and Notion property JSON, in one place.

- Text longer than 2,000 characters is split into several rich-text items (Notion's limit per
  item), at most 100 items (its limit per property); what does not fit is cut with ``…`` and
  logged, never sent to be refused.
- Numbers go out exactly as they are; NaN and infinities are refused (JSON has no such numbers).
- Datetimes must be timezone-aware; a naive one is a programming error.
- A value that cannot be encoded raises :class:`bidboard.errors.CodecError` (a ``CardError``
  and a ``ValueError``): that card alone fails.
- Empty values are sent the way Notion expects them: ``[]`` for texts, lists and relations,
  ``null`` for numbers, selects, dates and URLs, ``false`` for checkboxes.
"""

from __future__ import annotations

import logging
import math
import re
from datetime import UTC, date, datetime
from typing import Any

from bidboard.errors import CodecError
from bidboard.models import JobCard, StoredCard
from bidboard.schema.databases import JOBS
from bidboard.schema.spec import DatabaseSpec, PropertySpec

logger = logging.getLogger(__name__)

MAX_TEXT = 2000
MAX_ITEMS = 100
MAX_OPTION_NAME = 100
_SPACES = re.compile(r"\s+")


def text_items(value: str, annotations: dict[str, bool] | None = None) -> list[dict[str, Any]]:
    """``value`` as rich-text items of at most ``MAX_TEXT`` characters each (Notion's limit per
    item), every item with ``annotations`` when given."""
    items: list[dict[str, Any]] = []
    for i in range(0, len(value), MAX_TEXT):
        item: dict[str, Any] = {"type": "text", "text": {"content": value[i : i + MAX_TEXT]}}
        if annotations:
            item["annotations"] = dict(annotations)
        items.append(item)
    return items


def rich_text(value: str | None, *, what: str = "text") -> list[dict[str, Any]]:
    if not value:
        return []
    limit = MAX_TEXT * MAX_ITEMS
    if len(value) > limit:
        logger.warning("text cut to fit Notion what=%s length=%d limit=%d", what, len(value), limit)
        value = value[: limit - 1] + "…"
    return text_items(value)


def plain_text(items: list[dict[str, Any]] | None) -> str:
    return "".join(str(item.get("plain_text", "")) for item in items or [])


def option_name(value: str) -> str:
    """A select option name Notion accepts: no commas, at most 100 characters."""
    cleaned = _SPACES.sub(" ", value.replace(",", " ")).strip()
    return cleaned[:MAX_OPTION_NAME]


def _datetime(value: Any, spec: PropertySpec) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise CodecError(f"{spec.name}: naive datetime {value!r}; bidboard stores aware ones")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise CodecError(f"{spec.name}: expected a datetime, got {type(value).__name__}")


def encode_value(spec: PropertySpec, value: Any) -> dict[str, Any]:
    """The property value JSON for one property."""
    kind = spec.type
    if kind in ("title", "rich_text"):
        return {kind: rich_text(value, what=spec.name)}
    if kind == "number":
        if value is None:
            return {"number": None}
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CodecError(f"{spec.name}: expected a number, got {type(value).__name__}")
        if not math.isfinite(value):
            raise CodecError(f"{spec.name}: {value} is not a number Notion can store")
        return {"number": value}
    if kind == "checkbox":
        return {"checkbox": bool(value)}
    if kind in ("url", "email", "phone_number"):
        return {kind: str(value) if value else None}
    if kind in ("select", "status"):
        name = option_name(str(value)) if value not in (None, "") else ""
        return {kind: {"name": name} if name else None}
    if kind == "multi_select":
        names: list[str] = []
        for item in value or []:
            name = option_name(str(item))
            if name and name not in names:
                names.append(name)
        return {"multi_select": [{"name": n} for n in names[:MAX_ITEMS]]}
    if kind == "date":
        return {"date": {"start": _datetime(value, spec)} if value is not None else None}
    if kind == "relation":
        return {"relation": [{"id": page_id} for page_id in (value or [])][:MAX_ITEMS]}
    raise CodecError(f"{spec.name}: bidboard does not write {kind} properties")


def _parse_datetime(raw: str) -> datetime:
    if len(raw) == 10:
        return datetime.combine(date.fromisoformat(raw), datetime.min.time(), UTC)
    parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def decode_value(spec: PropertySpec, raw: dict[str, Any] | None) -> Any:
    """The domain value of one property value JSON (as Notion answers it)."""
    kind = spec.type
    data = (raw or {}).get(kind)
    if kind in ("title", "rich_text"):
        return plain_text(data)
    if kind in ("number", "url", "email", "phone_number"):
        return data
    if kind == "checkbox":
        return bool(data)
    if kind in ("select", "status"):
        return data["name"] if data else None
    if kind == "multi_select":
        return [o["name"] for o in data or []]
    if kind == "date":
        return _parse_datetime(data["start"]) if data and data.get("start") else None
    if kind == "relation":
        return [r["id"] for r in data or []]
    if kind in ("created_time", "last_edited_time"):
        return _parse_datetime(data) if data else None
    return data


def encode_properties(spec: DatabaseSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Property JSON for ``values`` keyed by field name (for JobCard) or property name."""
    by_field = spec.by_field()
    out: dict[str, Any] = {}
    for key, value in values.items():
        prop = by_field.get(key) or spec.property(key)
        out[prop.name] = encode_value(prop, value)
    return out


def encode_card(card: JobCard, fields: set[str] | None = None) -> dict[str, Any]:
    """The Jobs properties of ``card``; only ``fields`` when given (``stage`` is left to the
    caller's stage guard, which checks it before any request is built)."""
    data = card.model_dump()
    chosen = fields if fields is not None else set(JOBS.by_field())
    return encode_properties(JOBS, {f: data[f] for f in chosen})


def decode_card(page: dict[str, Any]) -> StoredCard:
    """A Jobs page as Notion answers it. Properties missing from the page (a narrowed
    ``filter_properties`` read, or a column a user deleted) take their empty value."""
    properties = page.get("properties", {})
    values: dict[str, Any] = {}
    for field_name, prop in JOBS.by_field().items():
        raw = properties.get(prop.name)
        if raw is not None and raw.get("type") != prop.type:
            logger.warning(
                "property has an unexpected type property=%s type=%s expected=%s",
                prop.name,
                raw.get("type"),
                prop.type,
            )
            raw = None
        values[field_name] = decode_value(prop, raw)
    values["stage"] = values["stage"] if values["stage"] in _STAGES else None
    values["budget_type"] = (
        values["budget_type"] if values["budget_type"] in ("Fixed", "Hourly") else None
    )
    values["compliance"] = (
        values["compliance"] if values["compliance"] in ("OK", "Flagged") else None
    )
    values["screening"] = values["screening"] if values["screening"] in _SCREENING else None
    values["job_key"] = values["job_key"] or "(missing)"
    edited = page.get("last_edited_time")
    return StoredCard(
        page_id=page["id"],
        url=page.get("url"),
        last_edited_time=_parse_datetime(edited) if edited else None,
        card=JobCard.model_validate(values),
    )


_STAGES = {option.name for option in JOBS.property("Stage").options}
_SCREENING = {option.name for option in JOBS.property("Screening questions").options}


def schema_properties(spec: DatabaseSpec, data_sources: dict[str, str]) -> dict[str, Any]:
    """The ``properties`` of a data source create/update request for ``spec``.

    ``data_sources`` maps database keys to data source ids, for relations.
    """
    return {prop.name: property_schema(prop, data_sources) for prop in spec.properties}


def property_schema(prop: PropertySpec, data_sources: dict[str, str]) -> dict[str, Any]:
    kind = prop.type
    body: dict[str, Any] = {}
    if kind in ("select", "multi_select", "status") and prop.options:
        body = {"options": [{"name": o.name, "color": o.color} for o in prop.options]}
    elif kind == "number":
        body = {"format": prop.number_format}
    elif kind == "relation":
        assert prop.relation_to is not None
        body = {
            "data_source_id": data_sources[prop.relation_to],
            "type": "single_property",
            "single_property": {},
        }
    return {kind: body}
