"""init, verify and migrate against the emulator, counting requests at the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bidboard.cli import schema as schema_commands
from bidboard.notion import bootstrap
from bidboard.notion.workspace import load_workspace, save_workspace
from bidboard.schema.databases import ALL_DATABASES, JOBS
from bidboard.settings import Settings
from tests.support.notion import Board


def created(board: Board) -> int:
    stats = board.requests()
    return sum(
        stats.get(k, 0)
        for k in ("POST /v1/databases", "POST /v1/views", "POST /v1/pages", "POST /v1/data_sources")
    )


def source(board: Board, key: str) -> dict[str, Any]:
    return board.notion.call(
        "read",
        board.notion.client.data_sources.retrieve,
        board.workspace.ids(key).data_source_id,
        safe=True,
    )


def update(board: Board, key: str, properties: dict[str, Any]) -> None:
    board.notion.call(
        "change",
        board.notion.client.data_sources.update,
        board.workspace.ids(key).data_source_id,
        safe=True,
        properties=properties,
    )


def test_init_creates_four_databases_and_a_board_view(board: Board) -> None:
    assert set(board.workspace.databases) == {d.key for d in ALL_DATABASES}
    jobs = source(board, "jobs")
    assert list(jobs["properties"]) == [p.name for p in JOBS.properties]
    stage = jobs["properties"]["Stage"]["select"]["options"]
    assert [o["name"] for o in stage] == [
        "New",
        "Drafted",
        "Needs attention",
        "Reviewing",
        "Submitted",
        "Viewed",
        "Replied",
        "Interview",
        "Won",
        "Lost",
        "Skipped",
        "Low fit",
    ]
    relation = jobs["properties"]["Portfolio matches"]["relation"]
    assert relation["data_source_id"] == board.workspace.ids("portfolio").data_source_id
    view: Any = board.notion.call(
        "view",
        board.notion.client.views.retrieve,
        board.workspace.ids("jobs").board_view_id,
        safe=True,
    )
    assert view["type"] == "board"
    assert view["configuration"]["group_by"]["property_name"] == "Stage"
    assert bootstrap.verify(board.notion, board.workspace) == []


def test_init_twice_creates_nothing_new(board: Board) -> None:
    board.reset()
    report = bootstrap.init(
        board.notion,
        board.workspace.parent_page_id,
        board.settings.notion_base_url,
        board.workspace,
    )
    assert created(board) == 0
    assert report.created == [] and report.found == [d.title for d in ALL_DATABASES]
    assert report.workspace == board.workspace
    # and without the local file: found by title under the parent page
    board.reset()
    again = bootstrap.init(
        board.notion, board.workspace.parent_page_id, board.settings.notion_base_url, None
    )
    assert created(board) == 0 and again.workspace == board.workspace


def test_verify_reports_every_kind_of_drift(board: Board) -> None:
    update(
        board,
        "jobs",
        {
            "Score": None,  # missing property
            "Connects": {"rich_text": {}},  # wrong type
            "Stage": {"select": {"options": [{"name": s} for s in ("New", "Drafted", "Won")]}},
            "Notes": {"rich_text": {}},  # added by a user
        },
    )
    update(board, "weekly_metrics", {"Win rate": None})
    drift = bootstrap.verify(board.notion, board.workspace)
    lines = {str(d) for d in drift}
    assert "Jobs: missing property 'Score' (number)" in lines
    assert "Jobs: property 'Connects' is rich_text, expected number" in lines
    assert "Jobs: select 'Stage' lacks option 'Needs attention'" in lines
    assert "Weekly metrics: missing property 'Win rate' (number)" in lines
    extra = [d for d in drift if d.kind == "extra"]
    assert [(d.name, d.is_error) for d in extra] == [("Notes", False)]


def test_migrate_repairs_without_deleting_or_retyping(board: Board) -> None:
    jobs_id = board.workspace.ids("jobs").data_source_id
    page: Any = board.notion.call(
        "card",
        board.notion.client.pages.create,
        safe=False,
        parent={"type": "data_source_id", "data_source_id": jobs_id},
        properties={
            "Name": {"title": [{"type": "text", "text": {"content": "kept"}}]},
            "Stage": {"select": {"name": "Won"}},
        },
    )
    update(
        board,
        "jobs",
        {
            "Score": None,
            "Connects": {"rich_text": {}},
            "Stage": {"select": {"options": [{"name": "Won"}, {"name": "New"}]}},
            "Notes": {"rich_text": {}},
        },
    )
    report = bootstrap.migrate(board.notion, board.workspace)
    assert "Jobs: missing property 'Score' (number)" in report.changed
    assert any("Connects" in line and "--force" in line for line in report.skipped)
    after = source(board, "jobs")["properties"]
    assert after["Score"]["type"] == "number"
    assert after["Connects"]["type"] == "rich_text"  # not retyped without --force
    assert "Notes" in after  # the user's property stays
    options = [o["name"] for o in after["Stage"]["select"]["options"]]
    assert options == [o.name for o in JOBS.property("Stage").options]  # back in board order
    card: Any = board.notion.call("read", board.notion.client.pages.retrieve, page["id"], safe=True)
    assert card["properties"]["Stage"]["select"]["name"] == "Won"  # existing values intact
    forced = bootstrap.migrate(board.notion, board.workspace, force=True)
    assert any("Connects" in line for line in forced.changed)
    assert [d for d in bootstrap.verify(board.notion, board.workspace) if d.is_error] == []


def _settings(board: Board, tmp_path: Path) -> Settings:
    save_workspace(board.settings.data_dir, board.workspace)
    return board.settings


def test_cli_verify_and_migrate_exit_codes(
    board: Board, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(board, tmp_path)
    assert schema_commands.run_verify(settings, board.notion) == 0
    assert "No drift" in capsys.readouterr().out
    update(
        board, "snippets", {"Kind": {"select": {"options": [{"name": "Opening"}]}}, "Active": None}
    )
    assert schema_commands.run_verify(settings, board.notion) == 1
    out = capsys.readouterr().out
    assert "DRIFT Snippets: missing property 'Active' (checkbox)" in out
    assert "DRIFT Snippets: select 'Kind' lacks option 'Closing'" in out
    assert schema_commands.run_migrate(settings, False, board.notion) == 0
    assert "fixed   Snippets: missing property 'Active' (checkbox)" in capsys.readouterr().out
    assert schema_commands.run_verify(settings, board.notion) == 0


def test_cli_init_prints_ids_and_writes_the_workspace_file(
    board: Board, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = board.settings
    assert schema_commands.run_init(settings, board.workspace.parent_page_id, board.notion) == 0
    out = capsys.readouterr().out
    assert f"Jobs: found  database {board.workspace.ids('jobs').database_id}" in out
    assert "Jobs views: Pipeline, Review queue, Cards by stage, Low fit (0 created)" in out
    assert "Weekly metrics views: Weeks, Reply rate by week, Win rate by week" in out
    saved = load_workspace(settings.data_dir, settings.notion_base_url)
    assert saved == board.workspace


def test_workspace_file_for_another_notion_is_refused(board: Board) -> None:
    from bidboard.errors import ConfigError

    save_workspace(board.settings.data_dir, board.workspace)
    with pytest.raises(ConfigError, match="run `bidboard init`"):
        load_workspace(board.settings.data_dir, "https://api.notion.com")


def test_init_without_parent_page_names_the_setting(tmp_path: Path) -> None:
    from bidboard.errors import ConfigError

    with pytest.raises(ConfigError, match="BIDBOARD_NOTION_PARENT_PAGE_ID"):
        schema_commands.run_init(Settings(data_dir=tmp_path), None)


def test_init_counts_and_prints_its_block_footprint(
    emulator: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What init spends of a Free workspace's 1,000 lifetime blocks, measured at the emulator;
    a second init spends nothing."""
    from tests.support.notion import make_board

    before = emulator.stats["blocks"]["lifetime"]
    board = make_board(emulator, tmp_path)
    spent = emulator.stats["blocks"]["lifetime"] - before
    assert spent == len(ALL_DATABASES) == 4
    assert (
        schema_commands.run_init(board.settings, board.workspace.parent_page_id, board.notion) == 0
    )
    assert "Notion blocks used: 0 " in capsys.readouterr().out
    assert emulator.stats["blocks"]["lifetime"] - before == spent
    report = bootstrap.init(
        board.notion, board.workspace.parent_page_id, board.settings.notion_base_url
    )
    assert report.blocks == 0
    board.notion.close()


def test_views_are_made_once_and_listed(board: Board) -> None:
    """init makes the Jobs and Weekly metrics views with the Views API; a rerun finds them
    (no duplicates); GET /v1/views?database_id=... lists them."""
    again = bootstrap.init(
        board.notion, board.workspace.parent_page_id, board.settings.notion_base_url,
        board.workspace,
    )  # fmt: skip
    assert not [c for c in again.created if "view" in c]
    for key, wanted in (
        ("jobs", ["Pipeline", "Review queue", "Cards by stage", "Low fit"]),
        ("weekly_metrics", ["Weeks", "Reply rate by week", "Win rate by week",
                            "Submitted per week", "Won per week"]),
    ):  # fmt: skip
        ids = board.workspace.ids(key)
        listed = board.notion.call(
            "list", board.notion.client.views.list, safe=True, database_id=ids.database_id
        )
        views = [
            board.notion.call("view", board.notion.client.views.retrieve, v["id"], safe=True)
            for v in listed["results"]
        ]
        names = [v["name"] for v in views]
        assert names[: len(wanted)] == wanted and names.count(wanted[0]) == 1
    jobs = {v["name"]: v for v in views_of(board, "jobs")}
    assert jobs["Pipeline"]["filter"] == {
        "and": [{"property": "Stage", "select": {"does_not_equal": "Low fit"}}]
    }
    assert jobs["Review queue"]["sorts"] == [{"property": "Score", "direction": "descending"}]
    assert jobs["Cards by stage"]["configuration"]["y_axis"] == {"aggregator": "count"}


def views_of(board: Board, key: str) -> list[dict[str, Any]]:
    ids = board.workspace.ids(key)
    listed = board.notion.call(
        "list", board.notion.client.views.list, safe=True, database_id=ids.database_id
    )
    return [
        board.notion.call("view", board.notion.client.views.retrieve, v["id"], safe=True)
        for v in listed["results"]
    ]


def test_migrate_brings_an_old_board_to_low_fit(board: Board) -> None:
    """A board from before Low fit: no such option, 'Saved search' not yet 'Alert search', and
    skip-verdict jobs in New. migrate renames in place (values kept), adds the stage and moves
    those cards; jobs worth a look stay in New."""
    jobs = board.workspace.ids("jobs")
    old = source(board, "jobs")["properties"]
    update(board, "jobs", {old["Alert search"]["id"]: {"name": "Saved search"}})
    stage_options = [o for o in old["Stage"]["select"]["options"] if o["name"] != "Low fit"]
    update(board, "jobs", {"Stage": {"select": {"options": stage_options}}})

    def card(name: str, reasons: str) -> str:
        page: Any = board.notion.call(
            "card", board.notion.client.pages.create, safe=False,
            parent={"type": "data_source_id", "data_source_id": jobs.data_source_id},
            properties={
                "Name": {"title": [{"text": {"content": name}}]},
                "Stage": {"select": {"name": "New"}},
                "Score reasons": {"rich_text": [{"text": {"content": reasons}}]},
                "Saved search": {"select": {"name": "Python backend"}},
            },
        )  # fmt: skip
        return str(page["id"])

    low = card("Rust firmware", "skip: matches none of its terms (search Backend) +0")
    worth = card("Django API", "review: matches django (search Backend) +20")
    report = bootstrap.migrate(board.notion, board.workspace)
    assert "Jobs: property 'Saved search' renamed 'Alert search'" in report.changed
    assert "Jobs: 1 card(s) with a skip verdict moved from New to Low fit" in report.changed

    def read(page_id: str) -> dict[str, Any]:
        page: Any = board.notion.call(
            "read", board.notion.client.pages.retrieve, page_id, safe=True
        )
        return dict(page["properties"])

    assert read(low)["Stage"]["select"]["name"] == "Low fit"
    assert read(worth)["Stage"]["select"]["name"] == "New"
    assert read(worth)["Alert search"]["select"]["name"] == "Python backend"
    assert bootstrap.verify(board.notion, board.workspace) == []
