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
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        additional_data: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.additional_data = additional_data

    def body(self, request_id: str) -> dict[str, Any]:
        """The error body, in Notion's order (``additional_data`` before ``request_id``)."""
        body: dict[str, Any] = {
            "object": "error",
            "status": self.status,
            "code": self.code,
            "message": self.message,
        }
        if self.additional_data is not None:
            body["additional_data"] = self.additional_data
        body["request_id"] = request_id
        return body


def validation(message: str) -> NotionAPIError:
    return NotionAPIError(400, "validation_error", message)


def body_invalid(path: str, expectation: str, value: Any) -> NotionAPIError:
    """A ``validation_error`` worded the way Notion words body validation failures."""
    shown = json.dumps(value, ensure_ascii=False, default=str)
    if len(shown) > 120:
        shown = shown[:117] + "..."
    return validation(f"body failed validation: {path} {expectation}, instead was `{shown}`.")


def unknown_property(key: str) -> NotionAPIError:
    """A page or schema request naming a property the data source does not have."""
    return validation(f"{key} is not a property that exists.")


INTEGRATION_NAME = "bidboard"
INTEGRATION_ID = "5b1d0c2e-7a43-4c1e-9f0a-b1db0a7d0e01"


def not_found(kind: str, object_id: str) -> NotionAPIError:
    """As recorded (cassette test_build_request_error_integration): the message names the
    integration and ``additional_data.integration_id`` carries its id."""
    return NotionAPIError(
        404,
        "object_not_found",
        f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and "
        f'databases are shared with your integration "{INTEGRATION_NAME}".',
        additional_data={"integration_id": INTEGRATION_ID},
    )
