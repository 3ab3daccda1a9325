"""prefect.yaml: every deployment's entrypoint imports and is a flow; schedules and limits."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import yaml
from prefect import Flow

from tests.support.paths import ROOT


def deployments() -> list[dict[str, Any]]:
    return list(yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"])


def load(entrypoint: str) -> Any:
    path, name = entrypoint.split(":")
    spec = importlib.util.spec_from_file_location(f"entry_{name}", ROOT / path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def test_every_entrypoint_is_a_flow() -> None:
    for deployment in deployments():
        flow = load(deployment["entrypoint"])
        assert isinstance(flow, Flow), deployment["name"]
        assert deployment["enforce_parameter_schema"] is True
        assert deployment["work_pool"]["name"] == "bidboard"


def test_ingest_runs_every_5_minutes_never_overlapping() -> None:
    ingest = next(d for d in deployments() if d["name"] == "ingest-alerts")
    assert ingest["schedules"] == [
        {"slug": "every-5-minutes", "cron": "*/5 * * * *", "timezone": "UTC"}
    ]
    assert ingest["concurrency_limit"] == 1


def test_add_job_takes_a_url_and_the_post_text() -> None:
    flow = load("flows/add_job.py:add_job")
    schema = flow.parameters.model_dump()
    assert schema["required"] == ["url", "text"]


def test_drafting_runs_every_15_minutes() -> None:
    pending = next(d for d in deployments() if d["name"] == "draft-pending")
    assert pending["schedules"] == [
        {"slug": "every-15-minutes", "cron": "*/15 * * * *", "timezone": "UTC"}
    ]
    assert pending["concurrency_limit"] == 1


def test_board_sync_every_10_minutes_and_metrics_on_monday_morning() -> None:
    by_name = {d["name"]: d for d in deployments()}
    assert by_name["sync-board"]["schedules"] == [
        {"slug": "every-10-minutes", "cron": "*/10 * * * *", "timezone": "UTC"}
    ]
    weekly = by_name["weekly-metrics"]
    assert weekly["schedules"] == [
        {"slug": "monday-7am", "cron": "0 7 * * 1", "timezone": "{{ $BIDBOARD_TIMEZONE }}"}
    ]
    assert weekly["parameters"] == {"weeks": 3}
    flow = load(weekly["entrypoint"])
    assert set(flow.parameters.model_dump()["properties"]) == {"weeks", "week"}
    assert all(by_name[n]["concurrency_limit"] == 1 for n in ("sync-board", "weekly-metrics"))


ROLES = {
    "ingest-alerts": "ingest",
    "draft-pending": "drafting",
    "add-job": "manual",
    "sync-board": "board-sync",
    "weekly-metrics": "metrics",
}


def test_every_deployment_says_what_it_does_and_is_tagged_with_its_role() -> None:
    for deployment in deployments():
        assert deployment["tags"] == ["bidboard", ROLES[deployment["name"]]]
        assert len(deployment["description"]) > 80, deployment["name"]
        for schedule in deployment.get("schedules", []):
            assert schedule["slug"], deployment["name"]  # the name the UI shows


def test_the_served_deployments_carry_tags_and_a_saved_search_choice(tmp_path: Path) -> None:
    from bidboard.cli.serve import deployments as served
    from bidboard.settings import Settings

    (tmp_path / "searches.yaml").write_text(
        "searches:\n"
        "  - name: Python backend\n    include: {any: [python]}\n"
        "  - name: Data\n    saved_search: Data engineering\n    include: {any: [etl]}\n"
    )
    settings = Settings(data_dir=tmp_path, searches_file=tmp_path / "searches.yaml")
    by_name = {d.name: d for d in served(settings)}
    assert by_name["ingest-alerts"].tags == ["bidboard", "ingest"]
    form = by_name["add-job"]._parameter_openapi_schema.properties
    assert form["saved_search"]["enum"] == [
        "(every saved search: the best match)",
        "Python backend",
        "Data engineering",
    ]
    assert form["saved_search"]["default"] == "(every saved search: the best match)"
    for name in ("url", "text", "saved_search", "screening_questions"):
        assert form[name]["description"] and "\n" not in form[name]["description"], name
    assert "one a line" in form["screening_questions"]["description"]
