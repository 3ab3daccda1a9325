"""Notion object ids: dashed lowercase UUIDs, accepted with or without dashes."""

from __future__ import annotations

import re
import secrets
import uuid
from urllib.parse import quote, unquote

from .errors import validation

_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# Notion's property ids are four characters of printable ASCII, punctuation included, and are
# returned percent-encoded as JavaScript's encodeURIComponent does: ``>$Pb`` is ``%3E%24Pb``,
# ``)Y7"`` is ``)Y7%22``, ``/7eo`` is ``%2F7eo``, ```zz5`` is ``%60zz5``.
_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_NEEDS_ENCODING = "".join(c for c in _PUNCTUATION if quote(c, safe="-_.!~*'()") != c)
_URI_COMPONENT_SAFE = "-_.!~*'()"


def new_id() -> str:
    return str(uuid.uuid4())


def encode_property_id(raw: str) -> str:
    """``raw`` percent-encoded the way Notion returns property ids."""
    return quote(raw, safe=_URI_COMPONENT_SAFE)


def new_property_id() -> str:
    """A property id as Notion returns it (``%3E%24Pb``); ``title`` is reserved for the title.

    Every id minted here holds at least one character that needs percent-encoding, so that a
    client which encodes an id twice (or never decodes it) meets the failure it would meet on
    a real workspace, in every test.
    """
    chars = [secrets.choice(_ALNUM + _PUNCTUATION) for _ in range(3)]
    chars.insert(secrets.randbelow(4), secrets.choice(_NEEDS_ENCODING))
    return encode_property_id("".join(chars))


def decode_property_id(value: str) -> str:
    """An id as the server reads it after one percent-decoding."""
    return unquote(value)


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
