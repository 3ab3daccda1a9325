"""The Free workspace block limit (developers.notion.com/reference/workspace-block-limits).

A Free workspace with more than one member has 1,000 lifetime blocks; pages and databases are
blocks, and deleting gives nothing back. The write that first reaches the limit succeeds and
starts a three-day grace period, during which creating still works; once it has expired, every
request that would create a block fails, while reads, edits that create nothing and deletes go
on. Personal access tokens are exempt (the emulator has none to tell apart).

The stored documentation describes when the limit applies but not the error body; the emulator
answers ``403 restricted_resource`` with a message naming the block limit and
``additional_data.workspace_block_limit`` (strings, as the description's ``additional_data``
requires). Treat that body as the emulator's assumption, not a recording.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .errors import NotionAPIError
from .store import Store

GRACE = timedelta(days=3)
_REACHED = "block_limit_reached_at"


@dataclass
class BlockBudget:
    store: Store
    limit: int | None = None
    grace: timedelta = GRACE

    def reached_at(self) -> datetime | None:
        value = self.store.meta.get(_REACHED)
        return datetime.fromisoformat(value) if value else None

    def blocked(self, now: datetime) -> bool:
        """Whether requests that create blocks are refused now."""
        if self.limit is None or self.store.lifetime_blocks < self.limit:
            return False
        reached = self.reached_at()
        if reached is None:  # over the limit before anyone looked: the grace starts now
            self.store.set_meta(_REACHED, now.isoformat())
            return self.grace <= timedelta(0)
        return now >= reached + self.grace

    def check(self, now: datetime) -> None:
        """Before a commit: refuse the request if it creates blocks and creating is blocked."""
        if self.store.new_blocks and self.blocked(now):
            raise refusal(self.limit or 0)

    def after_commit(self, now: datetime) -> None:
        """The write that reaches the limit succeeded: the grace period starts with it."""
        if (
            self.limit is not None
            and self.store.lifetime_blocks >= self.limit
            and self.reached_at() is None
        ):
            self.store.set_meta(_REACHED, now.isoformat())
            self.store.commit()

    def as_dict(self, now: datetime) -> dict[str, Any]:
        reached = self.reached_at()
        return {
            "lifetime": self.store.lifetime_blocks,
            "limit": self.limit,
            "grace_until": (reached + self.grace).isoformat() if reached and self.limit else None,
            "blocked": self.blocked(now) if self.limit is not None else False,
        }


def refusal(limit: int) -> NotionAPIError:
    error = NotionAPIError(
        403,
        "restricted_resource",
        f"This workspace has reached its block limit ({limit:,} blocks) and its grace period "
        "has ended: the Free plan allows 1,000 lifetime blocks in a workspace with more than "
        "one member. Upgrade the workspace, or connect with a personal access token, to "
        "create more. Reads, edits and deletes still work.",
    )
    error.additional_data = {"workspace_block_limit": str(limit)}
    return error
