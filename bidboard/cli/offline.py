"""Offline use after ``bidboard demo``: with no Notion token set, a command uses the emulator the
workspace file was made for (its URL and data file are in ``notion.json``), and starts it for
the command's duration when it is not running. Never points an offline user at real Notion."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr, ValidationError

from bidboard.errors import ConfigError
from bidboard.notion.workspace import Workspace, workspace_path
from bidboard.settings import Settings

#: The local emulator accepts any token; this one says where it came from.
EMULATOR_TOKEN = "demo-local-emulator-token"  # noqa: S105


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def emulator_workspace(settings: Settings) -> Workspace | None:
    """The workspace file, when it was made on the local emulator."""
    path = workspace_path(settings.data_dir)
    try:
        workspace = Workspace.model_validate_json(path.read_text())
    except (OSError, ValidationError):
        return None
    return workspace if workspace.emulator_db else None


@contextmanager
def offline(settings: Settings) -> Iterator[Settings]:
    """``settings`` as given when a token is set or the workspace is not an emulator's;
    otherwise pointed at that emulator, started here (and stopped after) if it is down."""
    workspace = emulator_workspace(settings) if settings.notion_token is None else None
    if workspace is None or workspace.emulator_db is None:
        yield settings
        return
    url = workspace.notion_base_url
    local = settings.model_copy(
        update={"notion_base_url": url, "notion_token": SecretStr(EMULATOR_TOKEN)}
    )
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    if _listening(host, port):
        yield local
        return
    db = workspace.emulator_db
    how = f"`python -m notion_emulator --port {port} --db {db}` (or run `bidboard demo` again)"
    if not Path(db).exists():
        raise ConfigError(
            f"the Notion emulator at {url} is not running and its data {db} is gone: run "
            "`bidboard demo` again, or set BIDBOARD_NOTION_TOKEN for real Notion"
        )
    from bidboard.cli.localserver import BackgroundServer
    from notion_emulator import EmulatorConfig, create_app

    app = create_app(EmulatorConfig(db=db, rate_limit=3.0, burst=3, timezone=settings.timezone))
    try:
        server = BackgroundServer(app, host=host, port=port).start()
    except RuntimeError:
        app.store.close()
        raise ConfigError(
            f"the Notion emulator at {url} is not running and cannot be started here: start it "
            f"with {how}"
        ) from None
    print(f"Started the Notion emulator on {url} for this command (data: {db})", file=sys.stderr)
    try:
        yield local
    finally:
        server.stop()
        app.store.close()
