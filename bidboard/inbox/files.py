"""Parsing alert files by their kind: ``.eml``, ``.mbox``, ``.xml``/``.rss``/``.atom``,
``.json``. Reading the file is the only I/O here."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from bidboard.alerts.alert import ParseOutcome, RawAlert, Skipped
from bidboard.alerts.email_parser import parse_mbox
from bidboard.alerts.parse import parse_raw

EMAIL_SUFFIXES = (".eml",)
MBOX_SUFFIXES = (".mbox",)
FEED_SUFFIXES = (".xml", ".rss", ".atom")
JSON_SUFFIXES = (".json",)
SUFFIXES = EMAIL_SUFFIXES + MBOX_SUFFIXES + FEED_SUFFIXES + JSON_SUFFIXES
FileKind = Literal["email", "mbox", "feed", "json"]


_KINDS: dict[str, FileKind] = {
    **dict.fromkeys(EMAIL_SUFFIXES, "email"),
    **dict.fromkeys(MBOX_SUFFIXES, "mbox"),
    **dict.fromkeys(FEED_SUFFIXES, "feed"),
    **dict.fromkeys(JSON_SUFFIXES, "json"),
}


def file_kind(path: Path) -> FileKind | None:
    """What an alert file holds, by its name (the one place that reads the suffix)."""
    return _KINDS.get(path.suffix.lower())


def file_ref(path: Path, content: bytes) -> str:
    return f"file:{path}:{hashlib.sha256(content).hexdigest()[:16]}"


def parse_content(path: Path, content: bytes, received_at: datetime | None = None) -> ParseOutcome:
    """Parse the bytes of an alert file named ``path``."""
    ref = file_ref(path, content)
    received = received_at or datetime.now(UTC)
    kind = file_kind(path)
    if kind == "mbox":
        return parse_mbox(content, ref, received)
    if kind is not None:
        return parse_raw(RawAlert(kind, ref, content, kind), received)
    suffix = path.suffix.lower()
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
