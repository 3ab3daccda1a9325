"""What an email that cannot be read becomes. A MIME error (what the ``email`` package raises on
a malformed message) is quarantined as ``unreadable``; anything else is a bug, and is told apart:
quarantined as ``parser_error`` and logged with its traceback, never passed off as unreadable
MIME. It is still quarantined, not raised: a message that trips a bug must not block the
mailbox run after run (every other alert is read, and the message waits with its reason).

No input trips a bug today (the hostile and Hypothesis tests say so), so the failure is
injected where the message's parts are read."""

from __future__ import annotations

import email.errors
import logging
from datetime import UTC, datetime

import pytest

from bidboard.alerts import email_parser
from tests.support.builders import alert_email

RECEIVED = datetime(2026, 3, 2, 9, tzinfo=UTC)
KEY = "~01a1b2c3d4e5f60077"


def failing(error: Exception) -> object:
    def read(*_: object) -> object:
        raise error

    return read


def test_a_mime_error_is_unreadable_mime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(email_parser, "_bodies", failing(email.errors.HeaderParseError("bad")))
    outcome = email_parser.parse_upwork_alert_email(
        alert_email(KEY, "FastAPI backend"), "mime", RECEIVED
    )
    [item] = outcome.quarantined
    assert (item.code, item.reason) == ("unreadable", "unreadable MIME: bad")


def test_a_bug_is_not_passed_off_as_unreadable_mime(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(email_parser, "_bodies", failing(KeyError("charset")))
    outcome = email_parser.parse_upwork_alert_email(
        alert_email(KEY, "FastAPI backend"), "bug", RECEIVED
    )
    [item] = outcome.quarantined
    assert item.code == "parser_error"
    assert "unreadable MIME" not in item.reason and "KeyError" in item.reason
    [record] = [r for r in caplog.records if r.name == "bidboard.alerts.email_parser"]
    assert record.levelno == logging.ERROR
    # its traceback: on the record, or already formatted (and redacted) by bidboard's log filter
    assert record.exc_info is not None or "KeyError" in (record.exc_text or "")
    assert "source_ref=bug" in record.getMessage()
