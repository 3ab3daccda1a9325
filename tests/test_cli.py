"""The `bidboard` command: every subcommand is documented in the README, and the demo runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bidboard import cli, demo
from bidboard.localserver import free_port
from bidboard.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def subcommands() -> list[str]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


def test_every_command_is_in_the_readme() -> None:
    readme = README.read_text()
    for name in subcommands():
        assert re.search(rf"bidboard {name}\b", readme), f"README does not show `bidboard {name}`"


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for name in subcommands():
        assert name in out


def test_demo_runs_twice_without_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    assert demo.main(settings, serve=False, port=free_port()) == 0
    first = capsys.readouterr().out
    assert "Cards: 4 created, 0 already there" in first
    assert (tmp_path / "data" / "emulator.sqlite3").exists()
    assert demo.main(settings, serve=False, port=free_port()) == 0
    second = capsys.readouterr().out
    assert "Cards: 0 created, 4 already there" in second
    assert re.search(r"Wall time: \d+\.\d+s", second)
