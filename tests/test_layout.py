"""The layout holds: rooms import one another in one direction, the declarative and pure rooms do
no I/O, modules stay readable in one sitting, and the README's Layout section is the tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.support.paths import README, ROOT

PACKAGES = ("bidboard", "flows", "notion_emulator")
MAX_LINES = 420
#: rooms that decide or declare: no client, no network, no files, no database
PURE = (
    "bidboard/alerts",
    "bidboard/scoring",
    "bidboard/drafting",
    "bidboard/schema",
    "bidboard/pipeline.py",
    "bidboard/sync.py",
    "bidboard/metrics.py",
    "bidboard/insights.py",
)
IO_MODULES = {"httpx", "notion_client", "openai", "sqlite3", "imaplib", "socket", "urllib.request"}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``path`` imports at run time (not under ``TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    here = name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = here if path.name != "__init__.py" else name.split(".")
                pkg = pkg[: len(pkg) - node.level + 1]
                base = ".".join([*pkg, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in known:
                    out.add(full)
                elif base in known:
                    out.add(base)
    return out


def room(module: str) -> str:
    """A sub-package is one room; a top-level module of ``bidboard`` is a room of its own."""
    parts = module.split(".")
    if parts[0] != "bidboard":
        return parts[0]
    if len(parts) > 1 and (ROOT / "bidboard" / parts[1]).is_dir():
        return "bidboard." + parts[1]
    return module


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_rooms_import_one_another_in_one_direction() -> None:
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        graph.setdefault(room(name), set())
        for target in imports(path, known):
            graph.setdefault(room(target), set())
            if room(target) != room(name):
                graph[room(name)].add(room(target))
    assert cycles(graph) == []


def test_modules_import_one_another_in_one_direction() -> None:
    known = modules()
    graph = {name: imports(path, known) - {name} for name, path in known.items()}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("where", PURE)
def test_pure_rooms_do_no_io(where: str) -> None:
    known = modules()
    target = ROOT / where
    paths = sorted(target.rglob("*.py")) if target.is_dir() else [target]
    offences = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):  # imports for type checking only are no I/O
            if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
                node.body = []
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if name in IO_MODULES or top in IO_MODULES:
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
                if name.startswith(("bidboard.notion", "bidboard.ai", "bidboard.inbox")):
                    offences.append(f"{path.relative_to(ROOT)} imports the adapter {name}")
            if isinstance(node, ast.Call):
                func = node.func
                called = getattr(func, "attr", None) or getattr(func, "id", None)
                if called in {"read_text", "read_bytes", "write_text", "write_bytes", "open"}:
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {called}()")
    assert len(known) > 50
    assert offences == []


def test_modules_stay_readable_in_one_sitting() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_readme_layout_is_the_tree() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("\nLayout", 1)[1].split("```")[1]
    listed: set[str] = set()
    for line in section.splitlines():
        top = re.match(r"^([\w.]+/)\s", line)
        sub = re.match(r"^  (\w+)/\s", line)
        if top:
            listed.add(top.group(1).rstrip("/"))
        elif sub:
            listed.add(f"bidboard/{sub.group(1)}")
    bidboard = ROOT / "bidboard"
    rooms = {f"bidboard/{p.name}" for p in bidboard.iterdir() if (p / "__init__.py").exists()}
    assert rooms <= listed, f"rooms missing from the README's Layout: {sorted(rooms - listed)}"
    stale = {p for p in listed if not (ROOT / p).exists()}
    assert stale == set(), f"the README's Layout names what is not there: {sorted(stale)}"
    packages = {p for p in PACKAGES}
    assert packages <= listed


def test_test_modules_share_through_support_not_through_each_other() -> None:
    """What tests share lives in ``tests/support`` (and fixtures in ``conftest.py``); a test
    module importing another one runs the other's module-level code and hides a dependency."""
    offences = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                last = node.module.rsplit(".", 1)[-1]
                if node.module.startswith("tests.") and (
                    last.startswith("test_") or last == "conftest"
                ):
                    offences.append(f"{path.relative_to(ROOT)} imports {node.module}")
    assert offences == []
