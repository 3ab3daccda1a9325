"""Nothing outlives ``bidboard serve``: ``<data dir>/serve.pid`` names the running serve and its
children, a watchdog process (its own session) follows everything serve started and stops it
(SIGTERM, then SIGKILL) the moment serve dies, ``kill -9`` included, and a second serve on the
same data dir refuses."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bidboard.errors import ConfigError

PID_FILE = "serve.pid"


def _proc_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) of a live process, from /proc (Linux); None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":  # a zombie has stopped already
        return None
    return int(fields[1]), int(fields[19])


def _alive(pid: int, started: int | None = None) -> bool:
    """Is ``pid`` running (and the same process, when its start time is known)?"""
    stat = _proc_stat(pid)
    if stat is not None:
        return started is None or stat[1] == started
    if Path("/proc").is_dir():
        return False
    try:  # no /proc: the best this platform offers
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _descendants(root: int) -> dict[int, int]:
    """Every live descendant of ``root``: pid -> start time (empty without /proc)."""
    children: dict[int, list[tuple[int, int]]] = {}
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (stat := _proc_stat(int(entry))) is not None:
                children.setdefault(stat[0], []).append((int(entry), stat[1]))
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for pid, started in children.get(todo.pop(), []):
            if pid not in found:
                found[pid] = started
                todo.append(pid)
    return found


def _command(pid: int) -> str:
    """The process's command line; its name in brackets, as ps shows it, when the line is
    empty (a zombie, or a process caught inside exec before the kernel has set it)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        line = raw.replace(b"\0", b" ").decode(errors="replace").strip()
        return line[:120] if line else f"[{Path(f'/proc/{pid}/comm').read_text().strip()}]"
    except OSError:
        return "?"


def stop_child(
    process: subprocess.Popen[bytes], signum: int = signal.SIGTERM, grace: float = 10.0
) -> None:
    """Ask a child to stop with ``signum``; SIGKILL it if it still runs after ``grace`` s."""
    if process.poll() is not None:
        return
    process.send_signal(signum)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def stop_processes(processes: dict[int, int], grace: float = 10.0) -> None:
    """SIGTERM each process still alive (same start time), then SIGKILL what is left."""
    for signum, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
        left = [p for p, started in processes.items() if _alive(p, started)]
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signum)
        deadline = time.monotonic() + wait
        while left and time.monotonic() < deadline:
            left = [p for p in left if _alive(p, processes[p])]
            time.sleep(0.1)


def watchdog(parent: int, pid_file: str) -> None:
    """Run in its own process: follow ``parent``'s descendants while it lives; when it dies
    (``kill -9`` included), stop every one of them that is still running."""
    known: dict[int, int] = {}
    me = os.getpid()
    while os.getppid() == parent and _alive(parent):
        known.update({p: s for p, s in _descendants(parent).items() if p != me})
        _record_children(Path(pid_file), parent, known)
        time.sleep(0.3)
    stop_processes(known)


def _record_children(path: Path, parent: int, known: dict[int, int]) -> None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    if data.get("pid") != parent:
        return
    alive = {str(p): s for p, s in known.items() if _alive(p, s)}
    if data.get("children") != alive:
        data["children"] = alive
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data))
        os.replace(temporary, path)


def check_not_running(data_dir: Path) -> None:
    """Refuse to start beside a running serve, or beside what a killed one left running."""
    path = data_dir / PID_FILE
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    pid, started = int(data.get("pid", 0)), data.get("started")
    children = {int(p): s for p, s in (data.get("children") or {}).items() if _alive(int(p), s)}
    if pid and pid != os.getpid() and _alive(pid, started):
        raise ConfigError(
            f"bidboard serve is already running with this data dir: pid {pid} "
            f"(Prefect on port {data.get('port')}); stop it first (Ctrl-C, or kill {pid})"
        )
    if children:
        names = "; ".join(f"pid {p}: {_command(p)}" for p in sorted(children))
        raise ConfigError(
            f"a bidboard serve that was killed (pid {pid}) left these running: {names}. "
            f"Stop them (kill {' '.join(str(p) for p in sorted(children))}) and start again"
        )


@contextmanager
def pid_file(data_dir: Path, port: int) -> Iterator[Path]:
    """``<data dir>/serve.pid`` while serving, with the watchdog that outlives a kill -9."""
    check_not_running(data_dir)
    path = data_dir / PID_FILE
    stat = _proc_stat(os.getpid())
    path.write_text(
        json.dumps(
            {"pid": os.getpid(), "started": stat[1] if stat else None, "port": port, "children": {}}
        )
    )
    guard = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [
            sys.executable,
            "-c",
            "import sys; from bidboard.cli.processes import watchdog; "
            "watchdog(int(sys.argv[1]), sys.argv[2])",
            str(os.getpid()),
            str(path),
        ],
        start_new_session=True,  # a Ctrl-C or a group kill of serve does not reach it
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield path
    finally:
        guard.terminate()  # everything stopped cleanly: it has nothing left to do
        with contextlib.suppress(subprocess.TimeoutExpired):
            guard.wait(timeout=5)
        with contextlib.suppress(OSError):
            path.unlink()
