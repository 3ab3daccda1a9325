"""Nothing outlives ``bidboard serve``: killed with SIGKILL, its Prefect server and flow run
engines stop too (its watchdog sees to it), the port is free again, and a second serve on the
same data dir, or on a busy port, refuses with a clear error before it starts anything."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bidboard.cli.localserver import free_port
from bidboard.cli.processes import stop_child
from bidboard.errors import ConfigError
from tests.support.paths import ROOT

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")


def started(pid: int) -> int | None:
    """A live process's start time (the test's own look at /proc), None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return None if fields[0] == "Z" else int(fields[19])


def descendants(root: int) -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text() if entry.isdigit() else ""
        except OSError:
            continue
        if stat:
            parents[int(entry)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    found, todo = {}, [root]
    while todo:
        parent = todo.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found and (when := started(pid)) is not None:
                found[pid] = when
                todo.append(pid)
    return found


def serve_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BIDBOARD_"))}
    env.update({"BIDBOARD_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"})
    return env


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start_serve(tmp_path: Path, port: int) -> tuple[subprocess.Popen[bytes], Path]:
    """``bidboard serve`` on ``port`` with its own emulator, once it says "Serving"."""
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "bidboard.cli", "serve", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--emulator-port", str(free_port())],
            cwd=ROOT,
            env=serve_env(tmp_path / "data"),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 240
    while "Serving every deployment" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail(f"bidboard serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.5)
    return process, log


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def parent(pid: int) -> int:
    """The parent's pid; 0 once the process is gone (a short-lived one may end between the
    listing and this look)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    return int(stat[stat.rindex(")") + 2 :].split()[1])


@pytest.mark.slow
def test_kill_9_of_serve_stops_the_prefect_server_and_every_child(tmp_path: Path) -> None:
    port = free_port()
    process, _ = start_serve(tmp_path, port)
    try:
        time.sleep(1)  # the watchdog has seen every child
        children = descendants(process.pid)
        assert children, "serve started no child"
        assert any("multiprocessing.forkserver" in command_line(p) for p in children)
        assert not port_free(port)
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 30
        while any(started(p) == s for p, s in children.items()):
            assert time.monotonic() < deadline, "children outlived a kill -9 of serve"
            time.sleep(0.2)
        assert port_free(port)
        # and a new serve finds nothing in its way: the check at start passes
        from bidboard.cli.processes import check_not_running

        check_not_running(tmp_path / "data")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_a_run_starts_as_a_fork_of_the_warm_process_not_a_new_python(tmp_path: Path) -> None:
    """The flow run of a Custom run is forked from the fork server ``serve`` started with
    Prefect and the flows imported, not a new ``python -m prefect.engine`` that imports them
    again. The test holds the write lease, so the run waits in its write step long enough for
    its process to be looked at."""
    from bidboard.lease import write_lease
    from bidboard.settings import Settings

    port = free_port()
    process, log = start_serve(tmp_path, port)
    api = f"http://127.0.0.1:{port}/api"
    try:
        assert "Flow runs start as new processes" not in log.read_text()
        (deployment,) = httpx.post(
            f"{api}/deployments/filter",
            json={"deployments": {"name": {"any_": ["add-job"]}}},
            timeout=10,
        ).json()
        post = "Warm-started FastAPI backend\nHourly: $40-$60\nSkills: Python | FastAPI\n"
        post += "We need a FastAPI backend with PostgreSQL for our dashboard."
        parameters = {"url": "https://www.upwork.com/jobs/~01ff00ee11dd22cc33", "text": post}
        with write_lease(Settings(data_dir=tmp_path / "data"), "the test"):
            run = httpx.post(
                f"{api}/deployments/{deployment['id']}/create_flow_run",
                json={"parameters": parameters},
                timeout=10,
            ).json()
            deadline = time.monotonic() + 120
            while (
                httpx.get(f"{api}/flow_runs/{run['id']}", timeout=10).json()["state_type"]
                != "RUNNING"
            ):  # then it waits for the lease, its process alive
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.2)
            running = descendants(process.pid)
            assert not [p for p in running if "-m prefect.engine" in command_line(p)]
            forked = [
                p
                for p in running
                if "multiprocessing.forkserver" in command_line(parent(p))
                and "resource_tracker" not in command_line(p)
            ]
            assert len(forked) == 1, {p: command_line(p) for p in running}
        deadline = time.monotonic() + 120
        while (done := httpx.get(f"{api}/flow_runs/{run['id']}", timeout=10).json())[
            "state_type"
        ] not in ("COMPLETED", "FAILED", "CRASHED"):
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.3)
        assert done["state_type"] == "COMPLETED", done["state"]
    finally:
        stop_child(process, signal.SIGINT, grace=90)


def test_a_busy_port_is_a_clear_error_and_nothing_starts(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        finished = subprocess.run(
            [sys.executable, "-m", "bidboard.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=serve_env(tmp_path / "data"),
            capture_output=True,
            timeout=120,
        )
    assert finished.returncode == 2
    err = finished.stderr.decode()
    assert f"port {port} is already in use" in err
    assert "Serving" not in finished.stdout.decode()


def test_a_port_left_in_time_wait_by_a_stopped_server_is_free_to_start_on() -> None:
    """A serve restarted right after Ctrl-C: the old server's connections linger in TIME_WAIT,
    which is no reason to refuse the port (the new server binds it with SO_REUSEADDR)."""
    from bidboard.cli.serve import check_port_free

    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    with pytest.raises(ConfigError, match="already in use"):
        check_port_free(port, "the Prefect server")  # listening: refused
    accepted.close()  # the server side closes first: its end waits in TIME_WAIT
    server.close()
    client.close()
    time.sleep(0.2)
    check_port_free(port, "the Prefect server")


def test_a_second_serve_or_a_killed_ones_leftovers_are_named(tmp_path: Path) -> None:
    from bidboard.cli.processes import PID_FILE, check_not_running

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        # Popen returns once exec has closed its pipe, which is a moment before the kernel
        # sets the new command line: wait for it, as a serve's long-lived children have it
        deadline = time.monotonic() + 10
        while not Path(f"/proc/{sleeper.pid}/cmdline").read_bytes():
            assert time.monotonic() < deadline, "the sleeper never showed its command line"
            time.sleep(0.01)
        when = started(sleeper.pid)
        assert when is not None
        pid_file = tmp_path / PID_FILE
        # a serve still running on this data dir
        pid_file.write_text(json.dumps({"pid": sleeper.pid, "started": when, "port": 4200}))
        with pytest.raises(ConfigError, match=rf"already running .*pid {sleeper.pid}"):
            check_not_running(tmp_path)
        # a serve that was killed, its child still running
        pid_file.write_text(
            json.dumps({"pid": 999999, "started": 1, "children": {str(sleeper.pid): when}})
        )
        with pytest.raises(ConfigError, match=rf"left these running: pid {sleeper.pid}: .*python"):
            check_not_running(tmp_path)
    finally:
        sleeper.kill()
        sleeper.wait()
    check_not_running(tmp_path)  # gone now: nothing in the way


def test_a_process_without_a_command_line_is_named_by_its_name() -> None:
    from bidboard.cli.processes import _command

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 10
        while started(child.pid) is not None:  # not reaped: a zombie, its command line empty
            assert time.monotonic() < deadline, "the child never exited"
            time.sleep(0.01)
        assert Path(f"/proc/{child.pid}/cmdline").read_bytes() == b""
        assert _command(child.pid).startswith("[python")
    finally:
        child.wait()
    assert _command(child.pid) == "?"
