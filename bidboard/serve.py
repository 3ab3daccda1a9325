"""``bidboard serve``: every deployment of ``prefect.yaml`` served from one process.

When ``PREFECT_API_URL`` is not set it first starts a local ``prefect server`` (``PREFECT_HOME``
in ``<data dir>/prefect``, analytics and telemetry off: nothing here reaches the internet), in
its own session so that a Ctrl-C reaches this process only: serving stops first, then the server.
Without a Notion token it also starts the Notion emulator (as ``bidboard demo`` does) and sets the
databases up, so the flows have a board to write to.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from .errors import ConfigError
from .factory import notion_from_settings
from .localserver import BackgroundServer
from .settings import Settings

ROOT = Path(__file__).resolve().parents[1]
OFFLINE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_UI_SHOW_PROMOTIONAL_CONTENT": "false",
}


def prefect_file(path: Path | None = None) -> Path:
    for candidate in (path, Path.cwd() / "prefect.yaml", ROOT / "prefect.yaml"):
        if candidate is not None and candidate.is_file():
            return candidate
    raise ConfigError("no prefect.yaml found (give one with --prefect-file)")


def load_flow(entrypoint: str) -> Any:
    """``flows/add_job.py:add_job`` → the flow object, imported as ``flows.add_job``."""
    path, _, name = entrypoint.partition(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return getattr(module, name)


def deployments(settings: Settings, path: Path | None = None) -> list[Any]:
    """The deployments of ``prefect.yaml`` as Prefect ``RunnerDeployment`` objects, with the
    agency's timezone in place of ``{{ $BIDBOARD_TIMEZONE }}``."""
    from prefect.schedules import Cron

    text = prefect_file(path).read_text().replace("{{ $BIDBOARD_TIMEZONE }}", settings.timezone)
    made = []
    for spec in yaml.safe_load(text)["deployments"]:
        schedules = [
            Cron(s["cron"], timezone=s.get("timezone", "UTC")) for s in spec.get("schedules", [])
        ]
        made.append(
            load_flow(spec["entrypoint"]).to_deployment(
                name=spec["name"],
                description=spec.get("description"),
                schedules=schedules,
                parameters=spec.get("parameters") or {},
                concurrency_limit=spec.get("concurrency_limit"),
                enforce_parameter_schema=spec.get("enforce_parameter_schema", True),
            )
        )
    return made


def wait_healthy(url: str, process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ConfigError(f"the Prefect server exited with code {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise ConfigError(f"the Prefect server did not answer on {url} within {timeout:.0f}s")


@contextmanager
def prefect_server(settings: Settings, port: int) -> Iterator[str]:
    """The Prefect API to use: ``PREFECT_API_URL`` if set, else a local server started here."""
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    home = (settings.data_dir / "prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        **OFFLINE_ENV,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_UI_API_URL": api,  # where the browser UI calls the API
    }
    log = (home / "server.log").open("ab")
    command = [sys.executable, "-m", "prefect", "server", "start"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    command = [sys.executable, "-m", "prefect", "server", "start"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        command,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C goes to us; we stop the server after serving stops
    )
    try:
        print(f"Prefect server starting on http://127.0.0.1:{port} (log: {home / 'server.log'})")
        wait_healthy(f"{api}/health", process, timeout=180)
        os.environ.update({**OFFLINE_ENV, "PREFECT_HOME": str(home), "PREFECT_API_URL": api})
        yield api
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        print("Prefect server stopped.")


def _interrupt(error: BaseException) -> bool:
    return isinstance(error, KeyboardInterrupt | asyncio.CancelledError | BaseExceptionGroup)


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(settings: Settings, *, port: int = 4200, emulator_port: int = 8765) -> int:
    from . import demo

    # Ctrl-C, and SIGTERM from a service manager, stop serving then the server: even when the
    # shell that started us ignored SIGINT (a background job)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop)

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings = settings.model_copy(update={"data_dir": settings.data_dir.resolve()})
    emulator: BackgroundServer | None = None
    if settings.notion_token is None:
        emulator, settings = demo.start_emulator(settings, emulator_port)
        assert settings.notion_token is not None
        os.environ["BIDBOARD_NOTION_BASE_URL"] = settings.notion_base_url
        os.environ["BIDBOARD_NOTION_TOKEN"] = settings.notion_token.get_secret_value()
    os.environ["BIDBOARD_DATA_DIR"] = str(settings.data_dir)  # the flow runs' settings
    try:
        notion = notion_from_settings(settings)
        try:
            workspace = demo.prepare(settings, notion)
        finally:
            notion.close()
        if emulator is not None:
            print(f"Board: {emulator.url}/board/{workspace.ids('jobs').data_source_id}")
        with prefect_server(settings, port) as api:
            from prefect import serve

            ui = api.removesuffix("/api")
            print(f"Prefect UI: {ui}  (Deployments → add-job → Run → Custom run)")
            print("Serving every deployment; press Ctrl-C to stop.", flush=True)
            try:
                serve(*deployments(settings), print_starting_message=False)
            except KeyboardInterrupt:
                pass
            except BaseExceptionGroup as group:  # a second Ctrl-C cut Prefect's own shutdown
                if group.subgroup(lambda e: not _interrupt(e)) is not None:
                    raise
            print("Serving stopped.")
            for signum in (signal.SIGINT, signal.SIGTERM):  # let the server stop cleanly
                signal.signal(signum, signal.SIG_IGN)
    finally:
        if emulator is not None:
            emulator.stop()
    return 0
