"""Notion-shaped API errors.

Every error the emulator answers is a :class:`NotionAPIError`, rendered as
``{"object": "error", "status", "code", "message", "request_id"}`` exactly as Notion does.
"""

from __future__ import annotations

import json
from typing import Any


class NotionAPIError(Exception):
    """An error answered to the client with a Notion error body."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def validation(message: str) -> NotionAPIError:
    return NotionAPIError(400, "validation_error", message)


def body_invalid(path: str, expectation: str, value: Any) -> NotionAPIError:
    """A ``validation_error`` worded the way Notion words body validation failures."""
    shown = json.dumps(value, ensure_ascii=False, default=str)
    if len(shown) > 120:
        shown = shown[:117] + "..."
    return validation(f"body failed validation: {path} {expectation}, instead was `{shown}`.")


def not_found(kind: str, object_id: str) -> NotionAPIError:
    return NotionAPIError(
        404,
        "object_not_found",
        f"Could not find {kind} with ID: {object_id}. "
        "Make sure the relevant pages and databases are shared with your integration.",
    )
