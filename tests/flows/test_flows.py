"""The flows, run for real by Prefect (one test harness for the session) against the Notion
emulator on a socket; settings come from the environment, as in a deployment."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bidboard.cli.localserver import BackgroundServer
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.workspace import load_workspace
from bidboard.runtime import notion_from_settings
from bidboard.settings import load_settings
from notion_emulator import create_app
from tests.support.builders import init_workspace
from tests.support.paths import MAILBOX


@pytest.fixture
def deployment_env(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    app = create_app(rate_limit=0)
    with BackgroundServer(app) as server:
        inbox = tmp_path / "inbox"
        shutil.copytree(MAILBOX, inbox)
        for key, value in {
            "BIDBOARD_NOTION_BASE_URL": server.url,
            "BIDBOARD_NOTION_TOKEN": "flow-test-token",
            "BIDBOARD_NOTION_RATE_LIMIT": "1000",
            "BIDBOARD_DATA_DIR": str(tmp_path / "data"),
            "BIDBOARD_ALERTS_DIR": str(inbox),
        }.items():
            monkeypatch.setenv(key, value)
        settings = load_settings(env_file=None)
        init_workspace(settings)
        yield settings
    app.store.close()


def board_cards(settings: Any) -> list[Any]:
    notion = notion_from_settings(settings)
    try:
        workspace = load_workspace(settings.data_dir, settings.notion_base_url)
        return list(BoardGateway(notion, workspace).iter_cards())
    finally:
        notion.close()


def run_artifacts(flow_run_id: Any) -> list[Any]:
    """The artifacts one flow run made, as the UI lists them."""
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        return list(
            client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])
                )
            )
        )


def test_ingest_alerts_flow_puts_the_mailbox_on_the_board(deployment_env: Any) -> None:
    from flows.ingest_alerts import ingest_alerts

    first = ingest_alerts()
    assert first["created"] == 13 and first["quarantined"] == 1
    assert len(board_cards(deployment_env)) == 13
    again = ingest_alerts()  # nothing read twice, nothing doubled
    assert again == {"read": 0, "created": 0, "duplicates": 0, "quarantined": 0, "notified": 0}
    assert len(board_cards(deployment_env)) == 13


def test_draft_pending_flow_with_nothing_waiting(deployment_env: Any) -> None:
    from flows.draft_pending import draft_pending

    assert draft_pending() == {"drafted": 0, "waiting": 0}


def test_add_job_flow(deployment_env: Any) -> None:
    from flows.add_job import add_job

    text = (
        "FastAPI backend for a logistics dashboard\nHourly: $40.00 - $60.00\n"
        "Skills: Python | FastAPI | PostgreSQL\n"
        "Client: Payment method verified, 4.9 rating, $79K spent, United Kingdom\n"
        "We need a FastAPI and PostgreSQL backend for our dispatch dashboard."
    )
    url = "https://www.upwork.com/jobs/~01f0f0f0f0f0f0f0f0"
    result = add_job(url=url, text=text)
    assert result["status"] == "created" and result["stage"] == "Drafted"
    assert result["verdict"] == "shortlist" and result["score"] >= 60
    assert result["card"].startswith("http://127.0.0.1:")
    (card,) = board_cards(deployment_env)
    assert card.card.skills == ["Python", "FastAPI", "PostgreSQL"]
    assert card.card.payment_verified is True and card.card.client_rating == 4.9
    assert card.card.client_spend == 79000 and card.card.client_country == "United Kingdom"

    again = add_job(url=url, text=text, return_state=True)  # a second submit: not Completed
    assert again.is_failed() and again.name == "Already on the board"
    assert result["card"] in (again.message or "") and "Drafted" in (again.message or "")
    refused = add_job(
        url="https://www.upwork.com/nx/find-work/", text="Some job", return_state=True
    )
    assert refused.is_failed() and refused.name == "Not added"
    assert "not an Upwork job link" in (refused.message or "")
    assert len(board_cards(deployment_env)) == 1


def test_add_job_artifacts_tell_score_reasons_stage_and_card(deployment_env: Any) -> None:
    from flows.add_job import add_job

    text = "Django REST API for a clinic\nSkills: Python, Django\nWe need a Django REST API."
    state = add_job(
        url="https://www.upwork.com/jobs/~01e0e0e0e0e0e0e0e0", text=text, return_state=True
    )
    flow_run_id = state.state_details.flow_run_id
    artifacts = run_artifacts(flow_run_id)
    by_key = {a.key: a for a in artifacts}
    assert set(by_key) == {"add-job", "add-job-card"}  # the summary, the card's link
    assert all(a.description for a in artifacts)
    summary = str(by_key["add-job"].data)
    (card,) = board_cards(deployment_env)
    assert f"- score: **{int(card.card.score or 0)}**" in summary
    assert f"- stage: {card.card.stage.value if card.card.stage else ''}" in summary
    assert "## Why this score" in summary and "Django" in summary
    assert "](http://127.0.0.1:" in summary  # the card's link
    assert set(task_runs(flow_run_id)) == {
        "parse pasted job",
        "score, draft and write the card",
        "notify",
    }


def test_the_ingest_table_has_every_job_with_its_score_duplicates_included(
    deployment_env: Any,
) -> None:
    from flows.ingest_alerts import ingest_alerts

    ingest_alerts()
    inbox = Path(deployment_env.alerts_dir)
    for path in sorted(inbox.glob("*.eml"))[:3]:  # the same emails again (a new header)
        (inbox / f"resent-{path.name}").write_bytes(b"X-Resent: yes\r\n" + path.read_bytes())
    state = ingest_alerts(return_state=True)
    artifacts = run_artifacts(state.state_details.flow_run_id)
    assert all(a.description for a in artifacts)
    (table,) = [a for a in artifacts if a.type == "table"]
    rows = table.data if isinstance(table.data, list) else __import__("json").loads(table.data)
    assert len(rows) >= 3 and all(row["new card"] == "no" for row in rows)
    assert all(row["verdict"] in ("shortlist", "review", "skip") for row in rows)
    assert any(row["score"] > 0 for row in rows) and all(row["reasons"] for row in rows)
    assert all(row["card"].startswith("http://127.0.0.1:") for row in rows)
    assert all(row["note"] == "already on the board" and row["stage"] for row in rows)


def test_sync_board_and_weekly_metrics_flows(deployment_env: Any) -> None:
    from flows.ingest_alerts import ingest_alerts
    from flows.sync_board import sync_board
    from flows.weekly_metrics import weekly_metrics

    ingest_alerts()
    first = sync_board()
    assert first["read"] == 13 and first["stamped"] == 0  # nobody has moved a card yet
    cards = board_cards(deployment_env)
    person_card = cards[0]
    notion = notion_from_settings(deployment_env)
    try:
        notion.call(
            "person moves a card",
            notion.client.pages.update,
            person_card.page_id,
            safe=True,
            properties={"Stage": {"select": {"name": "Submitted"}}, "Connects": {"number": 12}},
        )
    finally:
        notion.close()
    second = sync_board()
    assert second["stamped"] == 1 and second["moves"] == 1
    stamped = next(c for c in board_cards(deployment_env) if c.page_id == person_card.page_id)
    assert stamped.card.submitted_at is not None and stamped.card.connects == 12

    week = stamped.card.submitted_at
    from bidboard.metrics import IsoWeek

    label = IsoWeek.of(week, deployment_env.tz).label
    rows = weekly_metrics(week=label)
    assert list(rows) == [label]
    again = weekly_metrics(week=label)  # a rerun updates the row
    assert again == rows
    notion = notion_from_settings(deployment_env)
    try:
        workspace = load_workspace(deployment_env.data_dir, deployment_env.notion_base_url)
        source = workspace.ids("weekly_metrics").data_source_id
        found = notion.call("rows", notion.client.data_sources.query, source, safe=True)
    finally:
        notion.close()
    assert len(found["results"]) == 1
    props = found["results"][0]["properties"]
    assert props["Submitted"]["number"] == 1
    received = [c.card.received_at for c in board_cards(deployment_env)]
    in_week = [r for r in received if r and IsoWeek.of(r, deployment_env.tz).label == label]
    assert props["Alerts"]["number"] == len(in_week)
    assert props["Connects spent"]["number"] == 12


def test_sync_and_weekly_artifacts_each_say_what_they_are(deployment_env: Any) -> None:
    """The UI lists a run's artifacts by their description: none is left blank."""
    from bidboard.metrics import IsoWeek
    from flows.ingest_alerts import ingest_alerts
    from flows.sync_board import sync_board
    from flows.weekly_metrics import weekly_metrics

    ingest_alerts()
    synced = sync_board(return_state=True)
    card = board_cards(deployment_env)[0]
    assert card.card.received_at is not None
    label = IsoWeek.of(card.card.received_at, deployment_env.tz).label
    rolled = weekly_metrics(week=label, return_state=True)
    for state, keys in (
        (synced, {"board-sync"}),
        (rolled, {f"weekly-metrics-{label.lower()}", f"weekly-metrics-{label.lower()}-page"}),
    ):
        artifacts = run_artifacts(state.state_details.flow_run_id)
        assert {a.key for a in artifacts} == keys
        assert [a.key for a in artifacts if not a.description] == []


INGEST_STEPS = ["read sources", "parse", "dedupe", "score", "draft", "write cards", "tell sources"]


def task_runs(flow_run_id: Any) -> dict[str, Any]:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return {run.name.rsplit("-", 1)[0]: run for run in runs}


def test_ingest_steps_are_tasks_in_the_run_graph(deployment_env: Any) -> None:
    """Each step is a task run of its own, with its state; none is persisted or cached."""
    from prefect.settings import get_current_settings

    from flows.ingest_alerts import ingest_alerts

    state = ingest_alerts(return_state=True)
    assert state.is_completed()
    runs = task_runs(state.state_details.flow_run_id)
    assert set(runs) == {*INGEST_STEPS, "notify"}
    assert {name: run.state_type.value for name, run in runs.items()} == dict.fromkeys(
        runs, "COMPLETED"
    )
    ordered = sorted(runs.values(), key=lambda r: r.start_time)
    assert [r.name.rsplit("-", 1)[0] for r in ordered][: len(INGEST_STEPS)] == INGEST_STEPS
    assert runs["dedupe"].empirical_policy.retries == 2  # a read of the board
    assert runs["write cards"].empirical_policy.retries == 0  # a create is not idempotent
    assert runs["notify"].empirical_policy.retries == 0
    from prefect.cache_policies import NO_CACHE

    import flows.ingest_alerts as module

    for step in (module.read_sources, module.parse, module.dedupe, module.draft, module.notify):
        assert step.persist_result is False and step.cache_policy is NO_CACHE, step.name
    storage = get_current_settings().results.local_storage_path
    written = [p for p in storage.rglob("*") if p.is_file()] if storage.exists() else []
    assert written == []  # no job post, no draft under PREFECT_HOME/storage


def test_an_idle_ingest_reads_and_stops_before_the_board(deployment_env: Any) -> None:
    from flows.ingest_alerts import ingest_alerts

    ingest_alerts()
    state = ingest_alerts(return_state=True)  # nothing waiting now
    runs = task_runs(state.state_details.flow_run_id)
    assert set(runs) == {"read sources", "parse", "tell sources", "notify"}


def test_a_pasted_job_the_daily_cap_held_back_is_drafted_later(
    deployment_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """add_job once put a held-back job on the board as New, told it that draft_pending would
    draft it, and recorded nothing for draft_pending: it stayed New for ever."""
    from flows.add_job import add_job
    from flows.draft_pending import draft_pending

    monkeypatch.setenv("BIDBOARD_DAILY_DRAFT_CAP", "0")
    text = (
        "FastAPI backend for a logistics dashboard\nHourly: $40.00 - $60.00\n"
        "Skills: Python | FastAPI | PostgreSQL\n"
        "Client: Payment method verified, 4.9 rating, $79K spent, United Kingdom\n"
        "We need a FastAPI and PostgreSQL backend for our dispatch dashboard."
    )
    result = add_job(url="https://www.upwork.com/jobs/~01f0f0f0f0f0f0f0f1", text=text)
    assert result["status"] == "created" and result["stage"] == "New"
    monkeypatch.setenv("BIDBOARD_DAILY_DRAFT_CAP", "5")  # a new day, room in the cap
    assert draft_pending() == {"drafted": 1, "waiting": 0}
    (card,) = board_cards(deployment_env)
    assert card.card.stage is not None and card.card.stage.value == "Drafted"


def test_a_long_workspace_rate_limit_postpones_sync_and_weekly_runs(deployment_env: Any) -> None:
    """Retry-After 600 s, past the run's wait budget: neither run fails (nor retries into the
    same limit); each ends "Postponed" with when Notion allows requests again, and says so in
    its artifact. Nothing is lost: the next sync reads the same cards again."""
    import httpx

    from flows.ingest_alerts import ingest_alerts
    from flows.sync_board import sync_board
    from flows.weekly_metrics import weekly_metrics

    ingest_alerts()

    def workspace_limit() -> None:
        httpx.patch(
            f"{deployment_env.notion_base_url}/__emulator/config",
            json={"space_retry_after": 600, "fault_next": ["429space"]},
        ).raise_for_status()

    workspace_limit()
    synced = sync_board(return_state=True)
    workspace_limit()
    rolled = weekly_metrics(week="2026-W40", return_state=True)
    for state, key in ((synced, "board-sync"), (rolled, "weekly-metrics")):
        assert state.is_completed() and state.name == "Postponed", state
        assert "until 20" in (state.message or "") and "UTC" in (state.message or "")
        (artifact,) = run_artifacts(state.state_details.flow_run_id)
        assert artifact.key == key and artifact.description
        assert "next run" in str(artifact.data) and "until 20" in str(artifact.data)
    assert sync_board()["read"] == 13  # the watermark did not move: every card is read again
