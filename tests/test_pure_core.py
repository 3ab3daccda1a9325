"""The core does no I/O of its own: the pipeline, board sync, metrics, insights, tune, the alert
parsers, scoring and drafting import no adapter (``bidboard.notion``, ``bidboard.ai``,
``bidboard.state``) and no client library (notion-client, httpx, sqlite3, openai). They ask the
board by intent (:class:`bidboard.board.Board`) and are given what the adapters read."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.paths import ROOT

CORE = [
    "bidboard/pipeline.py",
    "bidboard/dedupe.py",
    "bidboard/batch.py",
    "bidboard/held_back.py",
    "bidboard/board.py",
    "bidboard/sync.py",
    "bidboard/metrics.py",
    "bidboard/insights.py",
    "bidboard/tune.py",
    "bidboard/alerts",
    "bidboard/scoring",
    "bidboard/drafting",
]
FORBIDDEN = (
    "bidboard.notion",
    "bidboard.ai",
    "bidboard.state",
    "notion_client",
    "httpx",
    "httpx2",
    "sqlite3",
    "openai",
)
#: Imports still to remove, each with its reason (none now). The test fails when one is gone
#: too: then delete it here, so that it cannot come back.
KNOWN: set[tuple[str, str]] = set()


def core_files() -> list[Path]:
    files: list[Path] = []
    for name in CORE:
        path = ROOT / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def imported(tree: ast.AST) -> set[str]:
    """Every module an ``import`` or ``from … import`` names, wherever it is (inside a function,
    under ``TYPE_CHECKING``); ``from a import b`` names ``a``, or ``a.b`` when ``a`` is allowed
    (``from bidboard import notion``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if forbidden(node.module):
                names.add(node.module)
            else:  # ``from bidboard import notion``
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def forbidden(module: str) -> bool:
    return any(module == root or module.startswith(f"{root}.") for root in FORBIDDEN)


def violations() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in core_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = path.relative_to(ROOT).as_posix()
        for module in imported(tree):
            if forbidden(module):
                found.add((rel, module))
    return found


def test_the_core_imports_no_adapter_and_no_client_library() -> None:
    assert all(path.exists() for path in core_files())
    found = violations()
    new = sorted(found - KNOWN)
    assert new == [], f"the core imports an adapter or a client library: {new}"
    fixed = sorted(KNOWN - found)
    assert fixed == [], f"no longer imported, remove from KNOWN: {fixed}"


def test_the_check_sees_an_import_anywhere_in_a_module() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from bidboard.notion.gateway import BoardGateway\n"
        "def f():\n"
        "    import sqlite3\n"
        "from bidboard import ai, models\n"
        "import openai.types\n"
        "from bidboard.notional import x\n"
    )
    names = {m for m in imported(ast.parse(source)) if forbidden(m)}
    assert names == {"bidboard.notion.gateway", "sqlite3", "bidboard.ai", "openai.types"}


CLOCK_FREE = ["bidboard/alerts", "bidboard/scoring"]


def clock_reads(tree: ast.AST) -> list[int]:
    """Lines that read the clock: ``….now()``, ``….utcnow()``, ``….today()``, ``time.time()``."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name, owner = node.func.attr, node.func.value
            if name in ("now", "utcnow", "today") or (
                name in ("time", "monotonic") and isinstance(owner, ast.Name) and owner.id == "time"
            ):
                lines.append(node.lineno)
    return lines


def test_the_parsers_and_scoring_read_no_clock() -> None:
    """When an alert came is an argument (``received_at``), given by the edge that received it
    (the inbox, the ingest run, the CLI's ``--received-at``)."""
    found = {
        path.relative_to(ROOT).as_posix(): reads
        for name in CLOCK_FREE
        for path in sorted((ROOT / name).rglob("*.py"))
        if (reads := clock_reads(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert found == {}
    assert clock_reads(ast.parse("from datetime import datetime\nx = datetime.now(UTC)\n")) == [2]
