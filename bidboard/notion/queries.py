"""The Jobs data source's queries: each filter the gateway sends, built here and nowhere else.

The core asks by intent (:class:`bidboard.board.Board`); these turn an intent into the
``data_sources.query`` filter and the properties to read back (``filter_properties``), by the
property names of :data:`bidboard.schema.databases.JOBS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from bidboard.alerts.jobkey import DERIVED_PREFIX
from bidboard.schema.databases import JOBS

Filter = dict[str, Any]
WORKSPACE_FILE = "notion.json"
#: What dedupe reads of a card.
DEDUPE_PROPERTIES = ("Job key", "Stage", "Draft fingerprint")
#: What tells one job from another when keys differ (see ``cards_near``).
IDENTITY_PROPERTIES = (
    "Name",
    "Job key",
    "Job URL",
    "Stage",
    "Draft fingerprint",
    "Budget type",
    "Budget min",
    "Budget max",
    "Posted at",
    "Received at",
)
#: Titles per ``cards_near`` query (with the derived-key condition, 100 conditions in an ``or``).
TITLES_PER_QUERY = 99


def property_names(fields: Iterable[str]) -> list[str]:
    """The Jobs properties of these :class:`JobCard` fields."""
    by_field = JOBS.by_field()
    return [by_field[name].name for name in fields]


def keys_filter(keys: Iterable[str]) -> Filter:
    """The cards of these job keys (an ``or`` of equals)."""
    return {"or": [{"property": "Job key", "rich_text": {"equals": k}} for k in keys]}


def drafted_since_filter(since: datetime) -> Filter:
    return {"property": "Drafted at", "date": {"on_or_after": since.isoformat()}}


def edited_since_filter(since: datetime) -> Filter:
    return {"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": since.isoformat()}}


def near_filters(since: datetime, titles: Iterable[str]) -> list[Filter]:
    """Cards posted (or received) since ``since`` that are under a derived key or are named one
    of ``titles``: one filter per 99 titles."""
    names = list(dict.fromkeys(t for t in titles if t))
    when = since.isoformat()
    recent = {
        "or": [
            {"property": "Posted at", "date": {"on_or_after": when}},
            {"property": "Received at", "date": {"on_or_after": when}},
        ]
    }
    filters: list[Filter] = []
    for start in range(0, max(len(names), 1), TITLES_PER_QUERY):
        either = [{"property": "Job key", "rich_text": {"starts_with": DERIVED_PREFIX}}] + [
            {"property": "Name", "title": {"equals": name}}
            for name in names[start : start + TITLES_PER_QUERY]
        ]
        filters.append({"and": [recent, {"or": either}]})
    return filters


def name_properties(message: str, property_ids: dict[str, str]) -> str:
    """An error message that names a property by its id (one the workspace file knows), with
    its name too and what to do."""
    for name, pid in property_ids.items():
        for form in dict.fromkeys((pid, unquote(pid))):
            pattern = rf"(?<![\w%]){re.escape(form)}(?![\w%])"
            if form != name and re.search(rf"property\b.*{pattern}", message):
                named = (
                    f"{form} (property '{name}' in {WORKSPACE_FILE}: renamed or deleted in "
                    "Notion? run `bidboard verify`)"
                )
                return re.sub(
                    pattern,
                    named.replace("\\", "\\\\"),  # an id may hold a backslash: kept as it is
                    message,
                    count=1,
                )
    return message
