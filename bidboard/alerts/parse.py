"""One entry point from a raw alert to its outcome, whatever its kind."""

from __future__ import annotations

from datetime import datetime

from bidboard.alerts.alert import ParseOutcome, RawAlert
from bidboard.alerts.email_parser import parse_upwork_alert_email
from bidboard.alerts.feed_parser import parse_feed
from bidboard.alerts.json_alerts import parse_json_alerts


def parse_raw(raw: RawAlert, received_at: datetime) -> ParseOutcome:
    """``received_at``: when the alert came (an email's own ``Date`` header wins); the caller
    reads the clock, never a parser."""
    if raw.kind == "email":
        return parse_upwork_alert_email(raw.content, raw.source_ref, received_at)
    if raw.kind == "feed":
        return parse_feed(raw.content, raw.source_ref, raw.saved_search, received_at=received_at)
    return parse_json_alerts(raw.content, raw.source_ref, received_at)
