"""What a flow run process imports before it can start: the ``openai`` SDK (about 0.5 s) only
when a run builds an OpenAI client, never just because the flows import the drafter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pydantic import SecretStr

from tests.support.paths import ROOT

FLOWS = ("add_job", "ingest_alerts", "draft_pending", "sync_board", "weekly_metrics")


def imported_after(statement: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after ``statement``."""
    listing = "print(' '.join({m.split('.')[0] for m in sys.modules}))"
    code = f"{statement}\nimport sys\n{listing}"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_the_flows_and_the_cli_import_without_the_openai_sdk() -> None:
    modules = imported_after(
        "; ".join(f"import flows.{name}" for name in FLOWS) + "; import bidboard.cli"
    )
    assert "prefect" in modules  # the flows were imported
    assert "openai" not in modules


def test_building_an_openai_client_imports_it_then(tmp_path: Path) -> None:
    from bidboard.ai.client import build_openai_client
    from bidboard.ai.drafter import OpenAIDrafter
    from bidboard.settings import Settings

    settings = Settings(data_dir=tmp_path, openai_api_key=SecretStr("sk-test"))
    client = build_openai_client(settings)
    try:
        assert type(client).__module__.startswith("openai")
        assert OpenAIDrafter(client, "gpt-4o-mini").name == "openai:gpt-4o-mini"
    finally:
        client.close()
