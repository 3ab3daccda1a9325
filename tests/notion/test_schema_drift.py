"""``verify`` and ``migrate`` follow properties by the ids in the workspace file: a property or a
Stage option a person renamed is reported as a rename, never as missing, and ``migrate`` never adds
a second one (``--force`` renames it back). A trashed Jobs data source is drift."""

from __future__ import annotations

from typing import Any

import pytest

from bidboard.cli.schema import run_migrate, run_verify
from bidboard.notion.workspace import load_workspace, property_id, save_workspace
from bidboard.schema.databases import JOBS
from tests.support.notion import Board


@pytest.fixture
def saved(board: Board) -> Board:
    save_workspace(board.settings.data_dir, board.workspace)
    return board


def jobs_source(board: Board) -> dict[str, Any]:
    return board.notion.call(
        "read",
        board.notion.client.data_sources.retrieve,
        board.workspace.ids(JOBS.key).data_source_id,
        safe=True,
    )


def person_updates(board: Board, **body: Any) -> None:
    board.notion.call(
        "person edits the schema",
        board.notion.client.data_sources.update,
        board.workspace.ids(JOBS.key).data_source_id,
        safe=True,
        **body,
    )


def test_a_renamed_job_key_is_a_rename_and_migrate_never_adds_a_second(
    saved: Board, capsys: pytest.CaptureFixture[str]
) -> None:
    before = jobs_source(saved)["properties"]
    person_updates(saved, properties={"Job key": {"name": "Upwork key"}})
    assert run_verify(saved.settings, saved.notion) == 1
    out = capsys.readouterr().out
    assert "property 'Job key' was renamed to 'Upwork key'" in out
    assert "missing property 'Job key'" not in out and "extra property 'Upwork key'" not in out
    assert run_migrate(saved.settings, False, saved.notion) == 1  # skipped, said why
    assert "use --force to rename it back" in capsys.readouterr().out
    after = jobs_source(saved)["properties"]
    assert "Job key" not in after and len(after) == len(before)  # no second, empty Job key
    assert run_verify(saved.settings, saved.notion) == 1  # still a rename, run after run
    assert "renamed to 'Upwork key'" in capsys.readouterr().out
    assert run_migrate(saved.settings, True, saved.notion) == 0
    assert "renamed back" in capsys.readouterr().out
    restored = jobs_source(saved)["properties"]
    assert restored["Job key"]["id"] == before["Job key"]["id"]
    assert run_verify(saved.settings, saved.notion) == 0


def test_a_renamed_stage_option_is_reported_and_never_doubled(
    saved: Board, capsys: pytest.CaptureFixture[str]
) -> None:
    stage = jobs_source(saved)["properties"]["Stage"]
    options = [
        {**o, "name": "Sent"} if o["name"] == "Submitted" else o for o in stage["select"]["options"]
    ]
    person_updates(saved, properties={"Stage": {"select": {"options": options}}})
    assert run_verify(saved.settings, saved.notion) == 1
    out = capsys.readouterr().out
    assert "option 'Submitted' was renamed to 'Sent'" in out
    run_migrate(saved.settings, False, saved.notion)
    names = [o["name"] for o in jobs_source(saved)["properties"]["Stage"]["select"]["options"]]
    assert "Submitted" not in names and names.count("Sent") == 1
    capsys.readouterr()
    assert run_migrate(saved.settings, True, saved.notion) == 0
    names = [o["name"] for o in jobs_source(saved)["properties"]["Stage"]["select"]["options"]]
    assert "Sent" not in names and names.count("Submitted") == 1
    assert run_verify(saved.settings, saved.notion) == 0


def test_a_renamed_stage_property_is_reported(
    saved: Board, capsys: pytest.CaptureFixture[str]
) -> None:
    person_updates(saved, properties={"Stage": {"name": "Status"}})
    assert run_verify(saved.settings, saved.notion) == 1
    assert "property 'Stage' was renamed to 'Status'" in capsys.readouterr().out
    workspace = load_workspace(saved.settings.data_dir, saved.settings.notion_base_url)
    assert "Stage" in workspace.ids(JOBS.key).property_ids


def test_a_trashed_jobs_data_source_is_drift(
    saved: Board, capsys: pytest.CaptureFixture[str]
) -> None:
    person_updates(saved, in_trash=True)
    assert run_verify(saved.settings, saved.notion) == 1
    out = capsys.readouterr().out
    assert "Jobs data source is in the trash" in out and "No drift" not in out


def test_a_metrics_error_names_the_property_not_its_id(saved: Board) -> None:
    from datetime import UTC, datetime

    from bidboard.errors import NotionError
    from bidboard.metrics import IsoWeek
    from bidboard.notion.gateway import BoardGateway
    from bidboard.routines import run_weekly
    from bidboard.runtime import Runtime
    from bidboard.state import StateStore

    gone = saved.workspace.ids(JOBS.key).property_ids["Drafted by"]
    person_updates(saved, properties={"Drafted by": None})  # a person deletes a column
    store = StateStore(":memory:")
    runtime = Runtime(
        saved.settings,
        saved.notion,
        saved.workspace,
        BoardGateway(saved.notion, saved.workspace),
        store,
    )
    now = datetime.now(UTC)
    with pytest.raises(NotionError) as failure:
        run_weekly(runtime, [IsoWeek.of(now, saved.settings.tz)], now=now, publish=False)
    store.close()
    # the id as sent (decoded once), and the property's name
    assert property_id(gone) in str(failure.value)
    assert "property 'Drafted by'" in str(failure.value)


def test_every_missing_option_is_added_and_said(
    saved: Board, capsys: pytest.CaptureFixture[str]
) -> None:
    stage = jobs_source(saved)["properties"]["Stage"]
    kept = [o for o in stage["select"]["options"] if o["name"] not in ("Viewed", "Replied")]
    person_updates(saved, properties={"Stage": {"select": {"options": kept}}})
    assert run_migrate(saved.settings, False, saved.notion) == 0
    out = capsys.readouterr().out
    assert "fixed   Jobs: select 'Stage' lacks option 'Viewed'" in out
    assert "fixed   Jobs: select 'Stage' lacks option 'Replied'" in out
    assert run_verify(saved.settings, saved.notion) == 0


def test_a_workspace_file_without_option_ids_never_doubles_a_renamed_option(
    saved: Board, capsys: pytest.CaptureFixture[str]
) -> None:
    path = saved.settings.data_dir / "notion.json"
    old = path.read_text()
    workspace = load_workspace(saved.settings.data_dir, saved.settings.notion_base_url)
    for ids in workspace.databases.values():
        ids.option_ids = {}  # as an older bidboard wrote it
    save_workspace(saved.settings.data_dir, workspace)
    assert old != path.read_text()
    stage = jobs_source(saved)["properties"]["Stage"]
    options = [
        {**o, "name": "Sent"} if o["name"] == "Submitted" else o for o in stage["select"]["options"]
    ]
    person_updates(saved, properties={"Stage": {"select": {"options": options}}})
    assert run_migrate(saved.settings, False, saved.notion) == 1
    assert "if one of 'Sent' is it renamed, rename it back" in capsys.readouterr().out
    names = [o["name"] for o in jobs_source(saved)["properties"]["Stage"]["select"]["options"]]
    assert "Submitted" not in names  # no second column beside the renamed one
    assert run_migrate(saved.settings, True, saved.notion) == 0  # told to: added
    names = [o["name"] for o in jobs_source(saved)["properties"]["Stage"]["select"]["options"]]
    assert "Submitted" in names and "Sent" in names


def test_an_id_with_a_backslash_is_named_as_it_is() -> None:
    """Property ids are punctuation (``\\M$x``): one with a backslash is named, not read as a
    regular-expression escape (it failed the metrics error above now and then, ids being
    minted at random)."""
    from bidboard.notion.queries import name_properties

    message = name_properties("property id \\M$x was not found", {"Drafted by": "\\M$x"})
    assert message.startswith("property id \\M$x (property 'Drafted by' in notion.json")
