"""The local record of where bidboard's databases live: ``<data dir>/notion.json``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote

from pydantic import BaseModel, Field, ValidationError

from bidboard.errors import ConfigError


def property_id(returned: str) -> str:
    """A property id as Notion returned it (``%3E%24Pb``), decoded exactly once (``>$Pb``).

    Notion returns property ids percent-encoded. Sent as returned in a query parameter, httpx
    encodes them a second time (``%253E%2524Pb``) and Notion finds no such property
    (makenotion/notion-sdk-js#402); compared as raw strings with an id from elsewhere, the same
    property looks like two. Decode once, where an id is sent or compared, never twice.
    """
    return unquote(returned)


class DatabaseIds(BaseModel):
    database_id: str
    data_source_id: str
    # property name -> id as Notion returned it (percent-encoded); see property_id()
    property_ids: dict[str, str] = Field(default_factory=dict)
    #: select-like property name -> option name -> option id (a renamed option is known by it)
    option_ids: dict[str, dict[str, str]] = Field(default_factory=dict)
    board_view_id: str | None = None
    #: view name -> id, the views bidboard made (or found) on this database
    views: dict[str, str] = Field(default_factory=dict)


class Workspace(BaseModel):
    notion_base_url: str
    parent_page_id: str
    databases: dict[str, DatabaseIds]
    #: The local emulator's data file when the workspace was made on one (``bidboard demo``):
    #: with no token set, commands use that emulator, and start it when it is down.
    emulator_db: str | None = None

    def ids(self, key: str) -> DatabaseIds:
        try:
            return self.databases[key]
        except KeyError:
            raise ConfigError(f"database {key!r} is not set up: run `bidboard init`") from None

    def data_sources(self) -> dict[str, str]:
        return {key: ids.data_source_id for key, ids in self.databases.items()}


def workspace_path(data_dir: Path) -> Path:
    return data_dir / "notion.json"


def load_workspace(data_dir: Path, base_url: str) -> Workspace:
    path = workspace_path(data_dir)
    if not path.exists():
        raise ConfigError(f"{path} does not exist: run `bidboard init --parent-page ID` first")
    try:
        workspace = Workspace.model_validate_json(path.read_text())
    except ValidationError as error:
        raise ConfigError(f"{path} is not a bidboard workspace file: {error}") from None
    if workspace.notion_base_url != base_url:
        raise ConfigError(
            f"{path} was written for {workspace.notion_base_url}, not {base_url}: "
            "run `bidboard init` for this Notion"
        )
    return workspace


def save_workspace(data_dir: Path, workspace: Workspace) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = workspace_path(data_dir)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(workspace.model_dump(), indent=2) + "\n")
    os.replace(temporary, path)  # never a half-written file
    return path
