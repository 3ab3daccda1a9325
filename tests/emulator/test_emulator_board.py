"""The emulator's pages: databases listed, a database through its views (a board grouped by
Stage, tables, charts as inline SVG), hostile text escaped, values as Notion shows them."""

from __future__ import annotations

import re
from typing import Any

import httpx
from notion_client import Client

from notion_emulator import Emulator
from notion_emulator.transport import SyncASGITransport
from tests.support.builders import add_job, make_database


def get(app: Emulator, path: str) -> httpx.Response:
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://notion.test") as http:
        return http.get(path)


def test_index_lists_databases(emulator: Emulator, notion: Client, root_page: str) -> None:
    assert "No databases yet" in get(emulator, "/").text
    make_database(notion, root_page, "Jobs")
    page = get(emulator, "/").text
    assert "Jobs" in page and "Portfolio" in page


def board_view(notion: Client, database: str, source: str, prop: str = "Stage") -> str:
    view: Any = notion.views.create(
        database_id=database,
        data_source_id=source,
        name="Board",
        type="board",
        configuration={
            "type": "board",
            "group_by": {"type": "select", "property_id": prop, "sort": {"type": "manual"}},
        },
    )
    return str(view["id"])


def test_board_groups_cards_by_stage(emulator: Emulator, notion: Client, root_page: str) -> None:
    database, source = make_database(notion, root_page)
    view = board_view(notion, database, source)
    add_job(
        notion, source, "FastAPI backend", Stage={"select": {"name": "New"}}, Score={"number": 88}
    )
    add_job(notion, source, "Postgres tuning", Stage={"select": {"name": "Drafted"}})
    add_job(notion, source, "No stage yet")
    html = get(emulator, f"/board/{source}?v={view}").text
    columns = re.findall(
        r'data-group="([^"]+)">\s*<h2><span[^>]*></span>[^<]+<span class="count">(\d+)', html
    )
    assert columns[:3] == [("New", "1"), ("Drafted", "1"), ("Needs attention", "0")]
    assert ("No Stage", "1") in columns
    assert "Score 88" in html


def test_hostile_titles_are_escaped(emulator: Emulator, notion: Client, root_page: str) -> None:
    _, source = make_database(notion, root_page)
    job: Any = add_job(
        notion, source, "<script>alert('x')</script>", Stage={"select": {"name": "New"}}
    )
    for path in (f"/board/{source}", f"/page/{job['id']}"):
        html = get(emulator, path).text
        assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_page_view_shows_properties_and_content(
    emulator: Emulator, notion: Client, root_page: str
) -> None:
    _, source = make_database(notion, root_page)
    job: Any = notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": source},
        properties={
            "Name": {"title": [{"type": "text", "text": {"content": "Card"}}]},
            "Score": {"number": 61},
        },
        children=[
            {
                "callout": {
                    "rich_text": [
                        {
                            "type": "text",
                            "text": {
                                "content": "Draft: review it, then submit it yourself on Upwork."
                            },
                        }
                    ]
                }
            }
        ],
    )
    html = get(emulator, f"/page/{job['id']}").text
    assert "<h1>Card</h1>" in html and ">61<" in html and "submit it yourself" in html
    assert get(emulator, job["url"].replace("http://notion.test", "")).status_code == 200


def test_unknown_ids_are_404(emulator: Emulator) -> None:
    assert get(emulator, "/board/not-an-id").status_code == 404
    assert get(emulator, "/page/11111111-2222-3333-4444-555555555555").status_code == 404


def test_a_board_view_groups_by_its_property_whatever_its_id(
    emulator: Emulator, notion: Client, root_page: str
) -> None:
    """The view answers its property_id decoded, the schema holds ids percent-encoded: the
    board still finds the view's property (here Review, not Stage)."""
    database, source = make_database(notion, root_page)
    notion.views.create(
        database_id=database,
        data_source_id=source,
        name="By review",
        type="board",
        configuration={
            "type": "board",
            "group_by": {
                "type": "status",
                "property_id": "Review",
                "group_by": "option",
                "sort": {"type": "manual"},
            },
        },
    )
    add_job(notion, source, "Reviewed", Review={"status": {"name": "Done"}})
    views: Any = notion.views.list(database_id=database)
    html = get(emulator, f"/board/{source}?v={views['results'][-1]['id']}").text
    groups = re.findall(r'data-group="([^"]+)"', html)
    assert "Done" in groups and "New" not in groups


def test_styled_rich_text_keeps_its_bold_and_line_breaks(
    emulator: Emulator, notion: Client, root_page: str
) -> None:
    _, source = make_database(notion, root_page)
    job: Any = notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": source},
        properties={"Name": {"title": [{"type": "text", "text": {"content": "Card"}}]}},
        children=[
            {
                "paragraph": {
                    "rich_text": [
                        {"text": {"content": "Draft"}, "annotations": {"bold": True}},
                        {"text": {"content": "\nline one\nline <two>"}},
                    ]
                }
            }
        ],
    )
    html = get(emulator, f"/page/{job['id']}").text
    assert "<strong>Draft</strong><br>line one<br>line &lt;two&gt;" in html


def test_views_of_bidboard_are_drawn_readably(board: Any) -> None:
    """The board init made: the Pipeline without Low fit, the Review queue best score first,
    the cards-by-stage chart as inline SVG; numbers in their formats, dates without seconds."""
    from bidboard.models import JobCard, Stage
    from bidboard.notion.gateway import BoardGateway

    gateway = BoardGateway(board.notion, board.workspace)
    from datetime import UTC, datetime

    when = datetime(2026, 11, 30, 9, 15, 42, 123456, tzinfo=UTC)
    for n, (stage, score) in enumerate(
        ((Stage.DRAFTED, 71.0), (Stage.NEEDS_ATTENTION, 93.0), (Stage.LOW_FIT, 12.0))
    ):
        gateway.create_card(
            JobCard(
                job_key=f"~0219990000000000000{n}",
                name=f"Job {n} <b>",
                stage=stage,
                score=score,
                budget_type="Fixed",
                budget_min=1500.0,
                budget_max=1500.0,
                received_at=when,
                score_reasons="review: line one\nline two",
            ),
            [],
        )
    jobs = board.workspace.ids("jobs")
    base = f"/board/{jobs.data_source_id}?v="
    pipeline = get(board.app, base + jobs.views["Pipeline"]).text
    assert 'data-group="Low fit"' not in pipeline and "Job 2" not in pipeline
    assert "Score 71" in pipeline and "Fixed $1,500" in pipeline and "Score 71.0" not in pipeline
    assert '<label>Stage <select name="stage"' in pipeline and "Job 0 &lt;b&gt;" in pipeline
    queue = get(board.app, base + jobs.views["Review queue"]).text
    assert queue.index("Job 1") < queue.index("Job 0") and "Job 2" not in queue
    assert "Nov 30, 2026 09:15<" in queue and "09:15:42" not in queue
    assert "line one<br>line two" in queue and "<thead><tr><th" in queue
    chart = get(board.app, base + jobs.views["Cards by stage"]).text
    assert "<svg" in chart and chart.count("<rect") == 3  # empty stages hidden
    assert "<script src" not in chart and "http" not in chart.split("<svg", 1)[1].split("</svg>")[
        0
    ].replace("http://www.w3.org/2000/svg", "")
