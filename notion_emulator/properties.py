"""Data source property schemas: the property types, a property's config from a request, and
finding a property by name or id.

Schemas are stored by property id, in Notion's response form; page values (``page_values``)
are stored by property id too, so that renaming a property never touches the pages.
"""

from __future__ import annotations

from typing import Any

from .errors import body_invalid, unknown_property, validation
from .ids import decode_property_id, new_id, new_property_id, parse_id
from .richtext import COLORS

PROPERTY_TYPES = (
    "title",
    "rich_text",
    "number",
    "select",
    "multi_select",
    "status",
    "checkbox",
    "date",
    "url",
    "email",
    "phone_number",
    "relation",
    "unique_id",
    "created_time",
    "last_edited_time",
    "people",
    "files",
    "formula",
)
READ_ONLY_TYPES = ("unique_id", "created_time", "last_edited_time", "formula")
# The description types a number format as any string (`numberFormat`); the docs and the
# official SDK's types list these, and Notion rejects others: the docs are followed here.
NUMBER_FORMATS = (
    "number",
    "number_with_commas",
    "percent",
    "dollar",
    "australian_dollar",
    "canadian_dollar",
    "singapore_dollar",
    "euro",
    "pound",
    "yen",
    "ruble",
    "rupee",
    "won",
    "yuan",
    "real",
    "lira",
    "rupiah",
    "franc",
    "hong_kong_dollar",
    "new_zealand_dollar",
    "krona",
    "norwegian_krone",
    "mexican_peso",
    "rand",
    "new_taiwan_dollar",
    "danish_krone",
    "zloty",
    "baht",
    "forint",
    "koruna",
    "shekel",
    "chilean_peso",
    "philippine_peso",
    "dirham",
    "colombian_peso",
    "riyal",
    "ringgit",
    "leu",
    "argentine_peso",
    "uruguayan_peso",
    "peruvian_sol",
)
STATUS_GROUPS = ("To-do", "In progress", "Complete")

Schema = dict[str, dict[str, Any]]  # property id -> property config (response form)


def _option(raw: Any, path: str, existing: list[dict[str, Any]]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise body_invalid(path, "should be an object", raw)
    name = raw.get("name")
    option_id = raw.get("id")
    for option in existing:
        if (option_id and option["id"] == option_id) or (name and option["name"] == name):
            kept = dict(option)
            if isinstance(name, str) and name:
                kept["name"] = name
            if raw.get("color") in COLORS:
                kept["color"] = raw["color"]
            return kept
    if not isinstance(name, str) or not name:
        raise body_invalid(f"{path}.name", "should be a non-empty string", name)
    if "," in name:
        raise body_invalid(f"{path}.name", "should not contain commas", name)
    if len(name) > 100:
        raise body_invalid(f"{path}.name.length", "should be ≤ `100`", len(name))
    color = raw.get("color", "default")
    if color not in COLORS:
        raise body_invalid(f"{path}.color", f"should be one of {', '.join(COLORS)}", color)
    description = raw.get("description")
    option = {"id": new_id(), "name": name, "color": color, "description": description}
    if "group" in raw:  # status options only (statusOptionRequest.group)
        if raw["group"] not in STATUS_GROUPS:
            raise body_invalid(
                f"{path}.group", f"should be one of {', '.join(STATUS_GROUPS)}", raw["group"]
            )
        option["group"] = raw["group"]
    return option


def _options(raw: Any, path: str, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if raw is None:
        return list(existing)
    if not isinstance(raw, list):
        raise body_invalid(path, "should be an array", raw)
    options = [_option(item, f"{path}[{i}]", existing) for i, item in enumerate(raw)]
    names = [o["name"] for o in options]
    if len(set(names)) != len(names):
        raise body_invalid(path, "should not contain duplicate option names", names)
    return options


def property_config(
    raw: Any,
    path: str,
    existing: dict[str, Any] | None,
    resolve_data_source: Any,
) -> dict[str, Any]:
    """Build the response-form config of one property from a request fragment.

    ``existing`` is the current config when the property is being updated; options and ids are
    kept. ``resolve_data_source`` maps a data source id to its database id (or raises).
    """
    if not isinstance(raw, dict):
        raise body_invalid(path, "should be an object", raw)
    kinds = [k for k in raw if k in PROPERTY_TYPES]
    declared = raw.get("type")
    if declared is not None and declared not in PROPERTY_TYPES:
        raise body_invalid(f"{path}.type", "should be a supported property type", declared)
    if len(kinds) > 1:
        raise body_invalid(path, "should declare exactly one property type", kinds)
    kind = kinds[0] if kinds else declared
    if kind is None:
        if existing is None:
            raise body_invalid(path, "should declare a property type", raw)
        kind = existing["type"]
    unknown = [k for k in raw if k not in (*PROPERTY_TYPES, "type", "name", "description")]
    if unknown:
        raise body_invalid(f"{path}.{unknown[0]}", "should be not present", raw[unknown[0]])
    body = raw.get(kind, {})
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise body_invalid(f"{path}.{kind}", "should be an object", body)
    same_type = existing is not None and existing["type"] == kind
    previous = existing[kind] if same_type and existing is not None else {}
    config: dict[str, Any]
    if kind in ("select", "multi_select"):
        config = {
            "options": _options(
                body.get("options"), f"{path}.{kind}.options", previous.get("options", [])
            )
        }
    elif kind == "status":
        defaults = [
            {"name": "Not started", "color": "default"},
            {"name": "In progress", "color": "blue"},
            {"name": "Done", "color": "green"},
        ]
        options = _options(
            body.get("options", None if previous else defaults),
            f"{path}.status.options",
            previous.get("options", []),
        )
        asked = {o["id"]: o.pop("group") for o in options if "group" in o}
        config = {
            "options": options,
            "groups": previous.get("groups")
            or [
                {"id": new_id(), "name": "To-do", "color": "gray", "option_ids": [options[0]["id"]]}
                if options
                else {"id": new_id(), "name": "To-do", "color": "gray", "option_ids": []},
                {
                    "id": new_id(),
                    "name": "In progress",
                    "color": "blue",
                    "option_ids": [o["id"] for o in options[1:-1]],
                },
                {
                    "id": new_id(),
                    "name": "Complete",
                    "color": "green",
                    "option_ids": [options[-1]["id"]] if len(options) > 1 else [],
                },
            ],
        }
        for option_id, group_name in asked.items():  # the group an option asks for wins
            for group in config["groups"]:
                ids = [i for i in group["option_ids"] if i != option_id]
                group["option_ids"] = ids + ([option_id] if group["name"] == group_name else [])
    elif kind == "number":
        number_format = body.get("format", previous.get("format", "number"))
        if number_format not in NUMBER_FORMATS:
            raise body_invalid(f"{path}.number.format", "should be a number format", number_format)
        config = {"format": number_format}
    elif kind == "relation":
        target = body.get("data_source_id", previous.get("data_source_id"))
        target = parse_id(target, f"{path}.relation.data_source_id")
        database_id = resolve_data_source(target)
        # Required in a request (relationPropertyConfigurationRequest): no default.
        relation_type = body.get("type", previous.get("type"))
        if relation_type not in ("single_property", "dual_property"):
            raise body_invalid(
                f"{path}.relation.type",
                "should be `single_property` or `dual_property`",
                relation_type,
            )
        config = {
            "database_id": database_id,
            "data_source_id": target,
            "type": relation_type,
            relation_type: {},
        }
    elif kind == "formula":
        expression = body.get("expression", previous.get("expression"))
        if not isinstance(expression, str):
            raise body_invalid(f"{path}.formula.expression", "should be a string", expression)
        config = {"expression": expression}
    elif kind == "unique_id":
        prefix = body.get("prefix", previous.get("prefix"))
        if prefix is not None and not isinstance(prefix, str):
            raise body_invalid(f"{path}.unique_id.prefix", "should be a string or `null`", prefix)
        config = {"prefix": prefix}
    else:
        if body:
            key = next(iter(body))
            raise body_invalid(f"{path}.{kind}.{key}", "should be not present", body[key])
        config = {}
    description = raw.get("description", existing.get("description") if existing else None)
    return {
        "id": existing["id"] if existing else ("title" if kind == "title" else new_property_id()),
        "name": existing["name"] if existing else "",
        "description": description,
        "type": kind,
        kind: config,
    }


def find_property(schema: Schema, key: str) -> dict[str, Any] | None:
    """Look a property up in a JSON body: by name first, then by id, as returned
    (percent-encoded, ``%3E%24Pb``) or decoded (``>$Pb``), as Notion does."""
    for prop in schema.values():
        if prop["name"] == key:
            return prop
    if key in schema:
        return schema[key]
    return next((p for pid, p in schema.items() if decode_property_id(pid) == key), None)


def find_property_param(schema: Schema, key: str) -> dict[str, Any] | None:
    """Look a property up by a query parameter (``filter_properties``), ``key`` as the server
    has it after the one percent-decoding of the query string: it must be the id decoded once.
    An id encoded twice by the client (``%253E%2524Pb`` on the wire) arrives still encoded
    (``%3E%24Pb``) and names no property, as on Notion (makenotion/notion-sdk-js#402)."""
    for prop in schema.values():
        if prop["name"] == key:
            return prop
    return next((p for pid, p in schema.items() if decode_property_id(pid) == key), None)


def apply_schema_update(
    schema: Schema, raw: Any, resolve_data_source: Any, *, creating: bool = False
) -> Schema:
    """Apply a ``properties`` object of a create or update request; return the new schema."""
    if not isinstance(raw, dict):
        raise body_invalid("body.properties", "should be an object", raw)
    result = {pid: dict(prop) for pid, prop in schema.items()}
    for key, fragment in raw.items():
        path = f"body.properties.{key}"
        current = None if creating else find_property(result, key)
        if fragment is None:
            if current is None:
                raise unknown_property(key)
            if current["type"] == "title":
                raise validation("Cannot delete the title property.")
            del result[current["id"]]
            continue
        if current is not None and current["type"] == "title" and isinstance(fragment, dict):
            other = [k for k in fragment if k in PROPERTY_TYPES and k != "title"]
            if other:
                raise validation("Cannot change the type of the title property.")
        config = property_config(fragment, path, current, resolve_data_source)
        new_name = fragment.get("name") if isinstance(fragment, dict) else None
        if new_name is not None and (not isinstance(new_name, str) or not new_name.strip()):
            raise body_invalid(f"{path}.name", "should be a non-empty string", new_name)
        config["name"] = new_name or (current["name"] if current else key)
        if config["type"] == "title" and current is None:
            titles = [p for p in result.values() if p["type"] == "title"]
            if titles and not creating:
                raise validation("A data source can have only one title property.")
            if titles:
                raise validation("Only one title property is allowed.")
        if current is not None and current["id"] != config["id"]:
            del result[current["id"]]
        result[config["id"]] = config
    names = [p["name"] for p in result.values()]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise validation(f"Property names must be unique: {', '.join(sorted(duplicates))}.")
    if not any(p["type"] == "title" for p in result.values()):
        raise validation("Title is not provided. A data source needs one title property.")
    return result


__all__ = [
    "PROPERTY_TYPES",
    "READ_ONLY_TYPES",
    "Schema",
    "apply_schema_update",
    "find_property",
    "find_property_param",
    "property_config",
]
