"""``bidboard init``, ``verify`` and ``migrate``: what they print and how they exit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bidboard.errors import ConfigError
from bidboard.lease import write_lease
from bidboard.notion import bootstrap
from bidboard.notion.client import Notion
from bidboard.notion.workspace import Workspace, load_workspace, save_workspace, workspace_path
from bidboard.runtime import notion_from_settings
from bidboard.schema.databases import ALL_DATABASES
from bidboard.settings import Settings, notion_page_id


def _previous(settings: Settings) -> Workspace | None:
    try:
        return load_workspace(settings.data_dir, settings.notion_base_url)
    except ConfigError:
        return None


@contextmanager
def _notion(settings: Settings, given: Notion | None) -> Iterator[Notion]:
    """The caller's adapter, or one of our own that is closed afterwards."""
    if given is not None:
        yield given
        return
    notion = notion_from_settings(settings)
    try:
        yield notion
    finally:
        notion.close()


def run_init(settings: Settings, parent_page: str | None, notion: Notion | None = None) -> int:
    previous = _previous(settings)
    parent = parent_page or settings.notion_parent_page_id
    parent = parent or (previous.parent_page_id if previous is not None else None)
    if not parent:
        raise ConfigError(
            "no parent page: pass --parent-page ID or set BIDBOARD_NOTION_PARENT_PAGE_ID"
        )
    try:  # the page's URL, as copied from Notion, is fine too
        parent = notion_page_id(parent)
    except ValueError as error:
        raise ConfigError(f"--parent-page: {error}") from None
    with _notion(settings, notion) as adapter, write_lease(settings, "init"):
        # under the lease, so that a second init finds what the first made
        previous = _previous(settings)
        report = bootstrap.init(adapter, parent, settings.notion_base_url, previous)
        for key, ids in report.workspace.databases.items():  # a rename stays a rename
            before = previous.databases.get(key) if previous is not None else None
            if before is not None and before.database_id == ids.database_id:
                bootstrap.carry_renames(before, ids.property_ids, ids.option_ids)
        path = save_workspace(settings.data_dir, report.workspace)
    for key, ids in report.workspace.databases.items():
        title = next(d.title for d in ALL_DATABASES if d.key == key)
        state = "created" if title in report.created else "found"
        print(f"{title}: {state}  database {ids.database_id}  data source {ids.data_source_id}")
    for key, ids in report.workspace.databases.items():
        if ids.views:
            title = next(d.title for d in ALL_DATABASES if d.key == key)
            made = sum(f"{title} view '{name}'" in report.created for name in ids.views)
            print(f"{title} views: {', '.join(ids.views)} ({made} created)")
    print(
        f"Notion blocks used: {report.blocks} (a database is one block; a Free workspace "
        "with more than one member has 1,000 in its lifetime, a card costs up to 3)"
    )
    for note in report.notes:
        print(f"Note: {note}")
    for drift in report.drift:
        print(f"Drift: {drift}")
    print(f"Wrote {path}")
    return 0


def run_verify(settings: Settings, notion: Notion | None = None) -> int:
    workspace = load_workspace(settings.data_dir, settings.notion_base_url)
    with _notion(settings, notion) as adapter:
        drift = bootstrap.verify(adapter, workspace)
    for item in drift:
        print(f"{'DRIFT' if item.is_error else 'note '} {item}")
    errors = [d for d in drift if d.is_error]
    print(
        f"{len(errors)} drift found"
        if errors
        else "No drift: the databases match bidboard's schema."
    )
    return 1 if errors else 0


def run_migrate(settings: Settings, force: bool, notion: Notion | None = None) -> int:
    with _notion(settings, notion) as adapter, write_lease(settings, "migrate"):
        workspace = load_workspace(settings.data_dir, settings.notion_base_url)
        report = bootstrap.migrate(adapter, workspace, force=force)
        save_workspace(settings.data_dir, workspace)
    for line in report.changed:
        print(f"fixed   {line}")
    for line in report.skipped:
        print(f"skipped {line}")
    if not report.changed and not report.skipped:
        print("Nothing to migrate.")
    return 1 if report.skipped else 0


__all__ = ["run_init", "run_migrate", "run_verify", "workspace_path"]
