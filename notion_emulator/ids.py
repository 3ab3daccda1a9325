"""Notion object ids: dashed lowercase UUIDs, accepted with or without dashes."""

from __future__ import annotations

import re
import secrets
import uuid

from .errors import validation

_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def new_id() -> str:
    return str(uuid.uuid4())


def new_property_id() -> str:
    """A short property id like Notion's (``BJXS``); ``title`` is reserved for the title."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(4))


def parse_id(value: object, where: str = "id") -> str:
    """Return the dashed, lowercase form of an id, or raise a Notion validation error."""
    if not isinstance(value, str) or not _UUID.match(value):
        raise validation(
            f"path failed validation: {where} should be a valid uuid, instead was "
            f"`{str(value)[:80]!s}`."
        )
    return str(uuid.UUID(value))


def compact(object_id: str) -> str:
    return object_id.replace("-", "")
