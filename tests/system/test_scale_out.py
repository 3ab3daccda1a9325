"""The scale-out path, run for real: a Prefect server on PostgreSQL (Debian's), a process work
pool and a worker running the deployments of prefect.yaml (`prefect deploy --all`), and a Prefect
global concurrency limit pacing the Notion calls of every worker."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bidboard.cli.localserver import BackgroundServer, free_port
from bidboard.cli.processes import stop_child
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.workspace import load_workspace
from bidboard.runtime import notion_from_settings
from bidboard.settings import Settings
from notion_emulator import create_app
from tests.support.builders import init_workspace
from tests.support.paths import ROOT

pytestmark = pytest.mark.slow

LIMIT = "notion-bidboard"
POST = """Scale-out FastAPI backend for a logistics dashboard
Hourly: $40.00 - $60.00
Skills: Python, FastAPI, PostgreSQL
Payment verified · Rating 4.9 · $79K spent
We need a FastAPI backend with PostgreSQL for our logistics dashboard."""


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: `make test` installs it from Debian")
        pytest.skip("PostgreSQL (Debian package postgresql) is not installed")
    return Path(found[-1]).parent


def as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as Debian's postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture
def postgres() -> Iterator[str]:
    bin_dir, port = pg_bin(), free_port()
    base = Path(tempfile.mkdtemp(prefix="bidboard-pg-"))  # pytest's own tmp is root-only
    base.chmod(0o755)
    data = base / "pg"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    subprocess.run(
        as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "prefect", "--auth=trust"]),
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        as_postgres(
            [
                str(bin_dir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-k",
                str(data),
                "-c",
                "listen_addresses=127.0.0.1",
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while subprocess.run(
            [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
            capture_output=True,
        ).returncode:
            assert server.poll() is None and time.monotonic() < deadline, "postgres did not start"
            time.sleep(0.3)
        subprocess.run(
            [
                str(bin_dir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "prefect",
                "prefect",
            ],
            check=True,
        )
        yield f"postgresql+asyncpg://prefect@127.0.0.1:{port}/prefect"
    finally:
        subprocess.run(
            as_postgres([str(bin_dir / "pg_ctl"), "stop", "-D", str(data), "-m", "fast"]),
            capture_output=True,
            check=False,
        )
        server.wait(timeout=60)
        shutil.rmtree(base, ignore_errors=True)


class Process:
    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )

    def stop(self) -> None:
        stop_child(self.process, signal.SIGINT, grace=60)


def prefect(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "prefect", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def cluster(postgres: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        {
            "PREFECT_HOME": str(tmp_path / "prefect-home"),
            "PREFECT_API_URL": api,
            "PREFECT_API_DATABASE_CONNECTION_URL": postgres,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "BIDBOARD_TIMEZONE": "Europe/Berlin",
            "PWD": str(ROOT),
        }
    )
    server = Process(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env,
        tmp_path / "server.log",
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.process.poll() is None, server.log.read_text()
            assert time.monotonic() < deadline, "the Prefect server did not start"
            time.sleep(0.5)
        yield {"api": api, "env": env, "server": server}
    finally:
        server.stop()


@pytest.fixture
def notion_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    app = create_app(rate_limit=0)
    with BackgroundServer(app) as emulator:
        values = {
            "BIDBOARD_NOTION_BASE_URL": emulator.url,
            "BIDBOARD_NOTION_TOKEN": "scale-out-test-token",
            "BIDBOARD_DATA_DIR": str(tmp_path / "data"),
        }
        settings = Settings(**{k.removeprefix("BIDBOARD_").lower(): v for k, v in values.items()})
        init_workspace(settings)
        yield values
    app.store.close()


def test_a_worker_runs_the_deployments_on_a_postgres_backed_server(
    cluster: dict[str, Any], notion_env: dict[str, str], tmp_path: Path
) -> None:
    env, api = cluster["env"], cluster["api"]
    prefect(env, "work-pool", "create", "bidboard", "--type", "process")
    prefect(env, "gcl", "create", LIMIT, "--limit", "3", "--slot-decay-per-second", "3")
    prefect(env, "--no-prompt", "deploy", "--all")
    deployments = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
    by_name = {d["name"]: d for d in deployments}
    assert set(by_name) == {
        "ingest-alerts",
        "draft-pending",
        "add-job",
        "sync-board",
        "weekly-metrics",
    }
    assert by_name["weekly-metrics"]["schedules"][0]["schedule"]["timezone"] == "Europe/Berlin"
    assert by_name["ingest-alerts"]["schedules"][0]["schedule"]["interval"] == 300
    form = by_name["add-job"]["parameter_openapi_schema"]["properties"]  # as serve builds it
    assert form["saved_search"]["enum"][0] == form["saved_search"]["default"]
    assert "Python backend" in form["saved_search"]["enum"]  # the example searches
    assert all(d["work_pool_name"] == "bidboard" for d in deployments)

    worker_env = {**env, **notion_env, "BIDBOARD_NOTION_GLOBAL_LIMIT": LIMIT}
    worker = Process(
        [sys.executable, "-m", "prefect", "worker", "start", "--pool", "bidboard"],
        worker_env,
        tmp_path / "worker.log",
    )
    try:
        run = httpx.post(
            f"{api}/deployments/{by_name['add-job']['id']}/create_flow_run",
            json={
                "parameters": {
                    "url": "https://www.upwork.com/jobs/~01ee00ff11aa22bb33",
                    "text": POST,
                }
            },
            timeout=10,
        ).json()
        deadline = time.monotonic() + 240
        while True:
            state = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=10).json()["state_type"]
            if state in ("COMPLETED", "FAILED", "CRASHED"):
                break
            assert time.monotonic() < deadline, worker.log.read_text()
            time.sleep(1)
        assert state == "COMPLETED", worker.log.read_text()
    finally:
        worker.stop()

    settings = Settings(
        notion_base_url=notion_env["BIDBOARD_NOTION_BASE_URL"],
        notion_token=notion_env["BIDBOARD_NOTION_TOKEN"],
        data_dir=Path(notion_env["BIDBOARD_DATA_DIR"]),
    )
    notion = notion_from_settings(settings)
    try:
        workspace = load_workspace(settings.data_dir, settings.notion_base_url)
        names = [c.card.name for c in BoardGateway(notion, workspace).iter_cards()]
    finally:
        notion.close()
    assert names == ["Scale-out FastAPI backend for a logistics dashboard"]

    # every Notion call of the worker's run took a slot of the global rate limit (events are
    # stored asynchronously: poll for them)
    deadline = time.monotonic() + 60
    while True:
        events = httpx.post(
            f"{api}/events/filter",
            json={"filter": {"event": {"prefix": ["prefect.concurrency-limit.acquired"]}}},
            timeout=10,
        ).json()["events"]
        acquired = [e for e in events if e["resource"].get("prefect.resource.name") == LIMIT]
        if acquired or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert acquired, (tmp_path / "worker.log").read_text()


def test_the_global_limit_paces_notion_calls(prefect_harness: None, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from pydantic import SecretStr

    from bidboard.notion.client import build_notion_client
    from notion_emulator.transport import SyncASGITransport

    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name="notion-pace-test", limit=2, slot_decay_per_second=2)
        )
    app = create_app(rate_limit=0)
    try:
        for name, expect in (("notion-pace-test", None), ("no-such-limit", "no-such-limit")):
            settings = Settings(
                notion_token=SecretStr("pace-test-token"),
                notion_base_url="http://notion.test",
                notion_global_limit=name,
                data_dir=tmp_path,
            )
            notion = build_notion_client(settings, transport=SyncASGITransport(app))
            try:
                if expect is None:
                    started = time.monotonic()
                    for _ in range(6):
                        notion.users.me()
                    assert time.monotonic() - started >= 1.5  # 6 calls, 2 at once, 2 a second
                else:
                    with pytest.raises(Exception, match=expect):  # a typo never sends unpaced
                        notion.users.me()
            finally:
                notion.close()
    finally:
        app.store.close()
