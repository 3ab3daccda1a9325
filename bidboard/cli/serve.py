"""``bidboard serve``: every deployment of ``prefect.yaml`` served from one process.

When ``PREFECT_API_URL`` is not set it first starts a local ``prefect server`` (``PREFECT_HOME``
in ``<data dir>/prefect``, analytics and telemetry off: nothing here reaches the internet), in
its own session so that a Ctrl-C reaches this process only: serving stops first, then the server.
Without a Notion token it also starts the Notion emulator (as ``bidboard demo`` does) and sets the
databases up, so the flows have a board to write to.

Nothing outlives it. A small watchdog process (its own session) keeps the list of everything
``serve`` started (the Prefect server, the flow run engines) and, the moment ``serve`` dies, even by
``kill -9``, stops them: SIGTERM, then SIGKILL. ``<data dir>/serve.pid`` names the running serve
and its children; a second serve on the same data dir, or one started while a killed serve's
processes still run, refuses with their pids. A busy port is refused before anything starts.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from bidboard.cli.localserver import BackgroundServer
from bidboard.cli.processes import pid_file, stop_child
from bidboard.cli.warm_runs import start_runs_warm
from bidboard.errors import ConfigError
from bidboard.runtime import notion_from_settings, saved_search_choices
from bidboard.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
OFFLINE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",  # no "Upgrade" prompts in the UI
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
    agency's timezone in place of ``{{ $BIDBOARD_TIMEZONE }}``, their tags, and add-job's
    ``saved_search`` as a choice of the configured saved searches."""
    text = prefect_file(path).read_text().replace("{{ $BIDBOARD_TIMEZONE }}", settings.timezone)
    made = []
    for spec in yaml.safe_load(text)["deployments"]:
        schedules = [schedule(s) for s in spec.get("schedules", [])]
        deployment = load_flow(spec["entrypoint"]).to_deployment(
            name=spec["name"],
            description=spec.get("description"),
            tags=spec.get("tags") or [],
            schedules=schedules,
            parameters=spec.get("parameters") or {},
            concurrency_limit=spec.get("concurrency_limit"),
            enforce_parameter_schema=spec.get("enforce_parameter_schema", True),
        )
        properties = deployment._parameter_openapi_schema.properties
        for spec_of in properties.values():  # the docstring's wrapping is not the form's
            if isinstance(spec_of.get("description"), str):
                spec_of["description"] = " ".join(spec_of["description"].split())
        choices = properties.get("saved_search")
        if choices is not None:
            choices["enum"] = saved_search_choices(settings, choices.get("default"))
        made.append(deployment)
    return made


def schedule(spec: dict[str, Any]) -> Any:
    """One schedule of ``prefect.yaml`` (a cron, or an interval in seconds from an anchor)."""
    from datetime import datetime

    from prefect.schedules import Cron, Interval

    timezone = spec.get("timezone", "UTC")
    if "cron" in spec:
        return Cron(spec["cron"], timezone=timezone, slug=spec.get("slug"))
    anchor = spec.get("anchor_date")
    return Interval(
        spec["interval"],
        anchor_date=datetime.fromisoformat(anchor) if isinstance(anchor, str) else anchor,
        timezone=timezone,
        slug=spec.get("slug"),
    )


def check_port_free(port: int, what: str) -> None:
    """Refuse a port something listens on; one a just-stopped server's connections still hold
    in TIME_WAIT is free for the server (it binds with SO_REUSEADDR, as this probe does)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise ConfigError(
                f"port {port} is already in use, so {what} cannot start there (another "
                "Prefect server, or one left running?): stop it or pass another --port"
            ) from None


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
def prefect_server(
    settings: Settings, port: int, meanwhile: Callable[[], None] = lambda: None
) -> Iterator[str]:
    """The Prefect API to use: ``PREFECT_API_URL`` if set, else a local server started here.
    ``meanwhile`` runs while the server starts (its database migrations take seconds)."""
    if os.environ.get("PREFECT_API_URL"):
        meanwhile()
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
    check_port_free(port, "the Prefect server")
    log = (home / "server.log").open("ab")
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
        meanwhile()
        wait_healthy(f"{api}/health", process, timeout=180)
        if process.poll() is not None:  # healthy, but not ours: never attach to another server
            raise ConfigError(f"the Prefect server exited with code {process.returncode}")
        os.environ.update({**OFFLINE_ENV, "PREFECT_HOME": str(home), "PREFECT_API_URL": api})
        yield api
    finally:
        stop_child(process, signal.SIGTERM, grace=30)
        log.close()
        print("Prefect server stopped.")


def _interrupt(error: BaseException) -> bool:
    return isinstance(error, KeyboardInterrupt | asyncio.CancelledError | BaseExceptionGroup)


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(settings: Settings, *, port: int = 4200, emulator_port: int = 8765) -> int:
    # Ctrl-C, and SIGTERM from a service manager, stop serving then the server: even when the
    # shell that started us ignored SIGINT (a background job)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop)

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings = settings.model_copy(update={"data_dir": settings.data_dir.resolve()})
    with pid_file(settings.data_dir, port):
        return _main(settings, port=port, emulator_port=emulator_port)


#: Seconds between the serving process's looks for runs to start (Prefect's default is 10,
#: which made a Custom run wait up to 10 s before it started). One read of the local API.
POLL_SECONDS = 1


class StartClock:
    """How long ``serve`` took to start, step by step (printed with "Serving")."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.last = self.started
        self.steps: list[tuple[str, float]] = []

    def step(self, name: str) -> None:
        now = time.monotonic()
        self.steps.append((name, now - self.last))
        self.last = now

    def summary(self) -> str:
        total = time.monotonic() - self.started
        parts = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in self.steps)
        return f"started in {total:.1f}s ({parts})"


def _main(settings: Settings, *, port: int, emulator_port: int) -> int:
    from bidboard.cli import demo

    clock = StartClock()
    if not os.environ.get("PREFECT_API_URL"):
        check_port_free(port, "the Prefect server")
    emulator: BackgroundServer | None = None
    if settings.notion_token is None:
        emulator, settings = demo.start_emulator(settings, emulator_port)
        assert settings.notion_token is not None
        os.environ["BIDBOARD_NOTION_BASE_URL"] = settings.notion_base_url
        os.environ["BIDBOARD_NOTION_TOKEN"] = settings.notion_token.get_secret_value()
    os.environ["BIDBOARD_DATA_DIR"] = str(settings.data_dir)  # the flow runs' settings

    def prepare_board() -> None:  # while the Prefect server starts
        notion = notion_from_settings(settings)
        try:
            workspace = demo.prepare(settings, notion)
        finally:
            notion.close()
        if emulator is not None:
            print(f"Board: {emulator.url}/board/{workspace.ids('jobs').data_source_id}")
        clock.step("board ready")

    try:
        with prefect_server(settings, port, prepare_board) as api:
            clock.step("Prefect server up")
            from prefect.exceptions import TerminationSignal
            from prefect.runner import Runner

            served = deployments(settings)
            clock.step("flows imported")
            # what prefect.serve() does, with the runner's poll interval and a start clock that
            # stops once the deployments are registered (the UI lists them from then on)
            runner = Runner(pause_on_shutdown=True, query_seconds=POLL_SECONDS)
            ids = [runner.add_deployment(deployment) for deployment in served]
            clock.step("deployments registered")
            flows = [(i, load_flow(d.entrypoint)) for i, d in zip(ids, served, strict=True)]
            cold = start_runs_warm(runner, flows)
            if cold:
                print(f"Flow runs start as new processes: {cold}")
            clock.step("fork server started" if cold is None else "no fork server")
            ui = api.removesuffix("/api")
            print(f"Prefect UI: {ui}  (Deployments → add-job → Run → Custom run)")
            print(f"Serving every deployment, {clock.summary()}; press Ctrl-C to stop.", flush=True)
            try:
                asyncio.run(runner.start())
            except (KeyboardInterrupt, TerminationSignal):
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
