"""Which alerts are the same job, when one of them carries no job key.

An alert without a real key (a redirect-only Upwork email) gets a derived key: a hash of its
normalised title, its budget and the day it was posted (``fields.derived_key``). A later alert
of the same job that does carry the real key is recognised by the same normalised title and
budget, posted within 48 hours: the card under the derived key adopts the real key and URL
instead of a second card being made. Pure functions; the board lookups are the gateway's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bidboard.alerts.alert import JobAlert
from bidboard.alerts.jobkey import is_derived, normalised_title
from bidboard.models import JobCard, StoredCard

SAME_JOB_WINDOW = timedelta(hours=48)


def when_posted(alert: JobAlert) -> datetime:
    return alert.posted_at or alert.received_at


def signature(title: str, budget_type: str | None, low: float | None, high: float | None) -> str:
    """What two alerts of one job share: the normalised title and the budget."""
    return f"{normalised_title(title)}|{budget_type or ''}|{low or 0:.2f}|{high or 0:.2f}"


def alert_signature(alert: JobAlert) -> str:
    return signature(alert.title, alert.budget_type, alert.budget_min, alert.budget_max)


def close_in_time(one: datetime | None, other: datetime | None) -> bool:
    return one is not None and other is not None and abs(one - other) <= SAME_JOB_WINDOW


def merge_same_jobs(alerts: list[JobAlert]) -> list[JobAlert]:
    """``alerts`` without the derived-key ones whose job another alert of the batch names by
    its real key (same signature, posted within 48 hours)."""
    real: dict[str, list[JobAlert]] = {}
    for alert in alerts:
        if not is_derived(alert.job_key):
            real.setdefault(alert_signature(alert), []).append(alert)
    return [
        alert
        for alert in alerts
        if not is_derived(alert.job_key)
        or not any(
            close_in_time(when_posted(alert), when_posted(other))
            for other in real.get(alert_signature(alert), [])
        )
    ]


def _card_signature(card: JobCard) -> str:
    kind = card.budget_type.lower() if card.budget_type else None
    return signature(card.name, kind, card.budget_min, card.budget_max)


def same_job_cards(
    alerts: dict[str, JobAlert], cards: list[StoredCard]
) -> dict[str, tuple[StoredCard, bool]]:
    """For each alert (by key) that names a job already on the board under another key: that
    card, and whether the card should adopt the alert's key (a derived-key card of a job whose
    real key came now). Each card is matched once."""
    found: dict[str, tuple[StoredCard, bool]] = {}
    used: set[str] = set()
    for key, alert in alerts.items():
        wanted = alert_signature(alert)
        for stored in cards:
            card = stored.card
            if stored.page_id in used or is_derived(card.job_key) == is_derived(key):
                continue  # a real key to a derived card, or a derived key to a real card
            if _card_signature(card) != wanted:
                continue
            if not close_in_time(card.posted_at or card.received_at, when_posted(alert)):
                continue
            found[key] = (stored, not is_derived(key))
            used.add(stored.page_id)
            break
    return found
