"""Making the views ``bidboard.schema.views`` declares, with the Views API: found by name and
type, or created in their order."""

from __future__ import annotations

import logging

from bidboard.notion.client import Notion
from bidboard.notion.workspace import DatabaseIds, property_id
from bidboard.schema.views import ViewSpec

logger = logging.getLogger(__name__)


def ensure_views(
    notion: Notion, ids: DatabaseIds, specs: tuple[ViewSpec, ...]
) -> tuple[dict[str, str], list[str]]:
    """The database's views by name: found by name and type, or created (the first at the
    start, so it is the one a database opens on; the others after it, in order). Returns
    (name -> view id, names created)."""
    listed = notion.call(
        "list views", notion.client.views.list, safe=True, database_id=ids.database_id
    )
    have: dict[tuple[str, str], str] = {}
    for partial in listed["results"]:
        view = notion.call("read view", notion.client.views.retrieve, partial["id"], safe=True)
        have.setdefault((str(view.get("name")), str(view.get("type"))), str(view["id"]))

    def pid(name: str) -> str:
        return property_id(ids.property_ids[name])

    found: dict[str, str] = {}
    created: list[str] = []
    previous: str | None = None
    for spec in specs:
        key = (spec.name, spec.type)
        if key in have:
            found[spec.name] = previous = have[key]
            continue
        try:
            body = spec.body(pid)
        except KeyError as missing:  # a property the board lacks (run migrate): not this view
            logger.warning("view not created view=%s missing=%s", spec.name, missing)
            continue
        position = {"type": "after_view", "view_id": previous} if previous else {"type": "start"}
        view = notion.call(
            f"create view {spec.name}",
            notion.client.views.create,
            safe=False,
            database_id=ids.database_id,
            data_source_id=ids.data_source_id,
            name=spec.name,
            type=spec.type,
            position=position,
            **body,
        )
        found[spec.name] = previous = str(view["id"])
        created.append(spec.name)
    return found, created
