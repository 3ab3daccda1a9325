"""Dedupe: drop the duplicates within a batch, then find the jobs already on the board (one
query per 100 keys, and the same job under another key). A card a crash left half written is not
a duplicate: its job stays new, and the write completes the card."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bidboard.alerts.alert import JobAlert
from bidboard.alerts.identity import SAME_JOB_WINDOW, merge_same_jobs, same_job_cards, when_posted
from bidboard.board import Board, CardRef, card_ref
from bidboard.models import MACHINE_STAGES, Stage

logger = logging.getLogger(__name__)


@dataclass
class Deduped:
    """A batch after dedupe: the jobs new to the board, those already on it with their card,
    and how many alerts were duplicates (of each other or of a card)."""

    new: dict[str, JobAlert] = field(default_factory=dict)
    known: list[tuple[JobAlert, CardRef]] = field(default_factory=list)
    duplicates: int = 0
    #: cards of jobs in ``new`` that a crash left half written (see :func:`half_written`):
    #: the write completes them instead of creating a second card
    incomplete: dict[str, CardRef] = field(default_factory=dict)

    def jobs(self) -> list[JobAlert]:
        return [*self.new.values(), *(job for job, _ in self.known)]


def half_written(card: CardRef) -> bool:
    """A drafted card without its ``Draft fingerprint``: the gateway writes the fingerprint
    last, so a crash cut its content. Still bidboard's (a person has not moved it), it is
    completed by the next run of the same job."""
    drafted = card.stage in (Stage.DRAFTED, Stage.NEEDS_ATTENTION)
    return drafted and card.machine_owned and not card.draft_fingerprint


def dedupe_alerts(alerts: list[JobAlert], gateway: Board) -> Deduped:
    """Drop duplicates within the batch, then find the jobs already on the board (one query per
    100 keys, and the same job under another key)."""
    deduped = Deduped()
    merged = merge_same_jobs(alerts)  # a key-less alert of a job this batch names by its key
    deduped.duplicates += len(alerts) - len(merged)
    unique: dict[str, JobAlert] = {}
    for alert in merged:
        if alert.job_key in unique:
            deduped.duplicates += 1
        unique.setdefault(alert.job_key, alert)
    existing = gateway.find_cards(unique)
    existing.update(
        same_jobs_on_board({k: unique[k] for k in unique if k not in existing}, gateway)
    )
    for key, known in existing.items():
        if half_written(known):
            deduped.incomplete[key] = known  # its job stays new: drafted and written again
            continue
        deduped.duplicates += 1
        deduped.known.append((unique.pop(key), known))
    deduped.new = unique
    return deduped


def same_jobs_on_board(unique: dict[str, JobAlert], gateway: Board) -> dict[str, CardRef]:
    """Cards that are these jobs under another key: a card under a derived key of a job whose
    real key came now adopts the real key and URL (unless a person has it; then it is only
    recognised); a job whose alert has no key now is recognised on its real-key card."""
    if not unique:
        return {}
    since = min(when_posted(a) for a in unique.values()) - SAME_JOB_WINDOW
    derived_titles = [a.title for a in unique.values() if a.key_derived]
    matches = same_job_cards(unique, gateway.cards_near(since, derived_titles))
    found: dict[str, CardRef] = {}
    for key, (stored, adopt) in matches.items():
        movable = stored.card.stage is None or stored.card.stage in MACHINE_STAGES
        if adopt and movable:
            found[key] = gateway.adopt_key(stored, key, unique[key].url)
            logger.info("card adopted a real job key job_key=%s from=%s", key, stored.card.job_key)
        else:
            found[key] = card_ref(stored)
    return found
