"""Secrets never reach a log, an error text, a card or the Prefect database.

``SecretStr`` keeps tokens out of ``repr``; this module covers what a *server* sends back: an
OpenAI-compatible endpoint may echo the key in its error body, which the SDK puts in its
exception text, which would then be logged, written on a card ("OpenAI failed (…)") and stored
by Prefect. The HTTP clients bidboard builds blank every secret they were given in every
response body before anything reads it (:class:`bidboard.egress.RedactingOpenAITransport`), every
secret used is remembered here, and :func:`redact` blanks them in any text (the log handler
applies it to every record).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import SecretStr

if TYPE_CHECKING:
    from bidboard.settings import Settings

MASK = "***"
MIN_LENGTH = 6  # shorter "secrets" would blank ordinary words
_known: set[str] = set()
_lock = threading.Lock()


def remember(*secrets: SecretStr | str | None) -> list[str]:
    """Remember secrets for :func:`redact`; returns their clear values (long enough ones)."""
    values = []
    for secret in secrets:
        value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        if value and len(value) >= MIN_LENGTH:
            values.append(value)
    with _lock:
        _known.update(values)
    return values


def settings_secrets(settings: Settings) -> list[str]:
    """Every secret of ``settings`` (remembered too)."""
    urls = (
        settings.notify_urls.get_secret_value().replace(",", " ").split()
        if (settings.notify_urls)
        else []
    )
    return remember(
        settings.notion_token,
        settings.openai_api_key,
        settings.imap_password,
        settings.webhook_secret,
        *urls,
    )


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with every remembered secret (and ``extra``) blanked."""
    with _lock:
        secrets = sorted({*_known, *(e for e in extra if len(e) >= MIN_LENGTH)}, key=len)
    for secret in reversed(secrets):  # longest first: a secret holding another goes whole
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_text(text: str, settings: Settings) -> str:
    return redact(text, settings_secrets(settings))


class RedactFilter(logging.Filter):
    """Blanks remembered secrets in every record a handler emits."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info:  # a traceback's last line holds the exception's text
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = redact(text), None
        return True
