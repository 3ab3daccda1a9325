"""bidboard's exceptions. Flows catch these, never ``httpx`` or SDK exceptions.

BidboardError
 ├── ConfigError          settings or a config file is wrong (names the field/file)
 ├── PolicyError          the code tried to cross the product's red line
 │    ├── EgressRefused   an HTTP request to upwork.com or a host not allowed
 │    └── HumanStageError a write would set a stage that only people set
 ├── NotionError          Notion answered an error or could not be reached
 │    └── NotionPaused    Notion refuses this kind of request for a while (the run stops)
 ├── CardError            one card cannot be written (a value Notion cannot store): the rest go on
 ├── LeaseBusy            another process holds the workspace's write lease (see lease.py)
 └── AlertError           an alert could not be read (it is quarantined, never dropped)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class BidboardError(Exception):
    """Base of every error bidboard raises on purpose."""


class ConfigError(BidboardError):
    """Settings or a configuration file are invalid."""


class PolicyError(BidboardError):
    """An action that bidboard must never take: automation prepares, a human decides."""


class EgressRefused(PolicyError):
    """An outbound HTTP request to a host bidboard may not talk to."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"refused request to {host}: {reason}")
        self.host = host


class HumanStageError(PolicyError):
    """A write would set a human-owned stage."""


class NotionError(BidboardError):
    """Notion answered with an error, or could not be reached after retries."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.request_id = request_id
        self.retry_after: float | None = None
        self.rate_limit_reason: str | None = None  # additional_data.rate_limit_reason of a 429


class CardError(BidboardError):
    """One card cannot be written: a value Notion cannot store (an infinite number, text that is
    not Unicode) or a request Notion refuses for that card alone. The other cards go on."""


class LeaseBusy(BidboardError):
    """Another bidboard process is writing to the workspace; this one did not write."""


class AlertError(BidboardError):
    """An alert could not be parsed into jobs."""


class NotionPaused(NotionError):
    """Notion refuses this kind of request for a while: the run stops doing it, loses nothing
    (what is left waits in the local state for a later run) and says what to do."""

    def __init__(self, message: str, *, until: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.until = until
