"""Parsing alert files by their kind: ``.eml``, ``.mbox``, ``.xml``/``.rss``/``.atom``,
``.json``. Reading the file is the only I/O here."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from bidboard.alerts.alert import ParseOutcome, Skipped
from bidboard.alerts.email_parser import parse_mbox, parse_upwork_alert_email
from bidboard.alerts.feed_parser import parse_feed
from bidboard.alerts.json_alerts import parse_json_alerts

EMAIL_SUFFIXES = (".eml",)
MBOX_SUFFIXES = (".mbox",)
FEED_SUFFIXES = (".xml", ".rss", ".atom")
JSON_SUFFIXES = (".json",)
SUFFIXES = EMAIL_SUFFIXES + MBOX_SUFFIXES + FEED_SUFFIXES + JSON_SUFFIXES


def file_ref(path: Path, content: bytes) -> str:
    return f"file:{path}:{hashlib.sha256(content).hexdigest()[:16]}"


def parse_content(path: Path, content: bytes, received_at: datetime | None = None) -> ParseOutcome:
    """Parse the bytes of an alert file named ``path``."""
    ref = file_ref(path, content)
    suffix = path.suffix.lower()
    received = received_at or datetime.now(UTC)
    if suffix in EMAIL_SUFFIXES:
        return parse_upwork_alert_email(content, ref, received)
    if suffix in MBOX_SUFFIXES:
        return parse_mbox(content, ref, received)
    if suffix in FEED_SUFFIXES:
        return parse_feed(content, ref, received_at=received)
    if suffix in JSON_SUFFIXES:
        return parse_json_alerts(content, ref, received)
    outcome = ParseOutcome()
    outcome.skipped.append(
        Skipped(
            ref,
            f"not an alert file: unknown kind {suffix or '(none)'}, expected one of "
            f"{', '.join(SUFFIXES)}",
            code="unknown_file_kind",
        )
    )
    return outcome


def parse_file(path: Path, received_at: datetime | None = None) -> ParseOutcome:
    """Parse the file at ``path``; the moment of receipt is ``received_at`` or else the file's
    modification time (what relative dates such as "Posted 2 hours ago" count from)."""
    content = path.read_bytes()
    received = received_at or datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return parse_content(path, content, received)
