"""prefect.yaml: every deployment's entrypoint imports and is a flow; schedules and limits."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
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


def fire_times(spec: dict[str, Any], n: int = 40) -> list[datetime]:
    """When Prefect's scheduler runs a schedule of ``prefect.yaml`` (its own code), from an
    odd moment on."""
    from prefect.server.schemas.schedules import CronSchedule, IntervalSchedule

    fields = {k: v for k, v in spec.items() if k != "slug"}
    made = CronSchedule(**fields) if "cron" in fields else IntervalSchedule(**fields)
    start = datetime(2026, 3, 27, 23, 58, 31, tzinfo=UTC)
    return list(asyncio.run(made.get_dates(n=n, start=start)))


def test_the_interval_schedules_fire_when_their_crons_would() -> None:
    """Intervals (read "Every 5 minutes" in the Deployments list) at the crons' times."""
    by_name = {d["name"]: d.get("schedules", []) for d in deployments()}
    for name, cron in (
        ("ingest-alerts", "*/5 * * * *"),
        ("draft-pending", "*/15 * * * *"),
        ("sync-board", "*/10 * * * *"),
    ):
        (spec,) = by_name[name]
        assert "interval" in spec, name
        assert fire_times(spec) == fire_times({"cron": cron, "timezone": "UTC"}), name


def test_ingest_runs_every_5_minutes_never_overlapping() -> None:
    ingest = next(d for d in deployments() if d["name"] == "ingest-alerts")
    assert [s["slug"] for s in ingest["schedules"]] == ["every-5-minutes"]
    assert ingest["schedules"][0]["interval"] == 300
    assert ingest["concurrency_limit"] == 1


def test_add_job_takes_a_url_and_the_post_text() -> None:
    flow = load("flows/add_job.py:add_job")
    schema = flow.parameters.model_dump()
    assert schema["required"] == ["url", "text"]


def test_drafting_runs_every_15_minutes() -> None:
    pending = next(d for d in deployments() if d["name"] == "draft-pending")
    assert [(s["slug"], s["interval"]) for s in pending["schedules"]] == [("every-15-minutes", 900)]
    assert pending["concurrency_limit"] == 1


def test_board_sync_every_10_minutes_and_metrics_on_monday_morning() -> None:
    by_name = {d["name"]: d for d in deployments()}
    sync = by_name["sync-board"]["schedules"]
    assert [(s["slug"], s["interval"]) for s in sync] == [("every-10-minutes", 600)]
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
    "sync-board": "sync",
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


def deploy_time_schema(tmp_path: Path, searches: str) -> dict[str, Any]:
    """The add-job parameter schema as ``prefect deploy`` stores it: it loads the entrypoint
    and takes ``parameter_schema(flow)`` (prefect/cli/deploy/_core.py), here in a fresh process
    with the searches file in the environment."""
    (tmp_path / "searches.yaml").write_text(searches)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIDBOARD_")}
    env.update(
        {
            "BIDBOARD_DATA_DIR": str(tmp_path),
            "BIDBOARD_SEARCHES_FILE": str(tmp_path / "searches.yaml"),
        }
    )
    code = (
        "import json\n"
        "from prefect.flows import load_flow_from_entrypoint\n"
        "from prefect.utilities.callables import parameter_schema\n"
        "flow = load_flow_from_entrypoint('flows/add_job.py:add_job')\n"
        "print(json.dumps(parameter_schema(flow).model_dump()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_prefect_deploy_offers_the_same_saved_search_choice(tmp_path: Path) -> None:
    schema = deploy_time_schema(
        tmp_path,
        "searches:\n"
        "  - name: Python backend\n    include: {any: [python]}\n"
        "  - name: Data\n    saved_search: Data engineering\n    include: {any: [etl]}\n",
    )
    field = schema["properties"]["saved_search"]
    assert field["enum"] == [
        "(every saved search: the best match)",
        "Python backend",
        "Data engineering",
    ]
    assert field["type"] == "string" and field["default"] == field["enum"][0]


def test_a_broken_searches_file_leaves_only_the_default_choice(tmp_path: Path) -> None:
    schema = deploy_time_schema(tmp_path, "searches: [oops\n")
    assert schema["properties"]["saved_search"]["enum"] == ["(every saved search: the best match)"]
