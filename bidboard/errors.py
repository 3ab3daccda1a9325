"""bidboard's exceptions. Flows catch these, never ``httpx`` or SDK exceptions.

BidboardError
 ├── ConfigError          settings or a config file is wrong (names the field/file)
 ├── PolicyError          the code tried to cross the product's red line
 │    ├── EgressRefused   an HTTP request to upwork.com or a host not allowed
 │    └── HumanStageError a write would set a stage that only people set
 ├── NotionError          Notion answered an error or could not be reached
 │    └── NotionPaused    Notion refuses this kind of request for a while (the run stops)
 ├── CardError            one card cannot be written (a value Notion cannot store): the rest go on
 │    └── CodecError      a value cannot be encoded for its property type (also a ValueError)
 ├── OpenAIFailed         OpenAI (or a compatible server) failed: down, slow, 429/5xx, key refused
 ├── DraftingError        the configured drafter wrote no usable draft: the template drafts it
 │    ├── DraftRefused    the model refused to draft
 │    └── DraftUnusable   the model's answer is no draft (unparsable, or a question unanswered)
 ├── LeaseBusy            another process holds the workspace's write lease (see lease.py)
 └── AlertError           an alert could not be read (it is quarantined, never dropped)

An OpenAI call that the egress guard refuses raises that :class:`EgressRefused` itself (the SDK
reports it as a connection error; :func:`bidboard.ai.client.raise_openai_failure` unwraps it),
never :class:`OpenAIFailed`: a refusal is not an outage, and nothing falls back from it.
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


class CodecError(CardError, ValueError):
    """A value cannot be written to a property of that type (NaN, a naive datetime). Also a
    ``ValueError``, as the encoders' other refusals (``UnicodeEncodeError``) are."""


class OpenAIFailed(BidboardError):
    """OpenAI, or the OpenAI-compatible server configured, failed after the SDK's retries: a
    timeout, a 429 or 5xx, a refused key, embeddings that do not match the texts sent. Drafting
    falls back to the template, embeddings to TF-IDF."""


class DraftingError(BidboardError):
    """The configured drafter wrote no usable draft; the job is drafted from templates."""


class DraftRefused(DraftingError):
    """The model refused to draft."""


class DraftUnusable(DraftingError):
    """The model answered, but not with a usable draft: output that does not parse, no draft,
    or a screening question left unanswered."""


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
