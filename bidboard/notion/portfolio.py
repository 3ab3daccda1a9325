"""The portfolio for a run: read from the Notion Portfolio database, cached locally.

The cache (``<data dir>/portfolio.json``) is rewritten after every successful read; when Notion
cannot be reached, the run scores against the cache and says so.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bidboard.drafting.draft import Snippet
from bidboard.errors import NotionError
from bidboard.loaders import load_portfolio_file, save_portfolio_file
from bidboard.notion.client import Notion
from bidboard.notion.workspace import Workspace
from bidboard.schema.codecs import decode_value
from bidboard.schema.databases import PORTFOLIO, SNIPPETS
from bidboard.scoring.portfolio import PortfolioItem

logger = logging.getLogger(__name__)


def cache_path(data_dir: Path) -> Path:
    return data_dir / "portfolio.json"


def _item(page: dict[str, Any]) -> PortfolioItem:
    props = page.get("properties", {})

    def value(name: str) -> Any:
        return decode_value(PORTFOLIO.property(name), props.get(name))

    return PortfolioItem(
        page_id=page["id"],
        name=value("Name") or "(untitled)",
        summary=value("Summary") or "",
        skills=value("Skills") or [],
        upwork_url=value("Upwork URL"),
        outcome=value("Outcome") or "",
        active=bool(value("Active")),
    )


def read_portfolio(notion: Notion, workspace: Workspace) -> list[PortfolioItem]:
    source = workspace.ids(PORTFOLIO.key).data_source_id
    return [
        _item(page)
        for page in notion.paginate("read portfolio", notion.client.data_sources.query, source)
    ]


def portfolio_for_run(notion: Notion, workspace: Workspace, data_dir: Path) -> list[PortfolioItem]:
    try:
        items = read_portfolio(notion, workspace)
    except NotionError as error:
        path = cache_path(data_dir)
        if not path.exists():
            # Notion's failure, not the settings': a watch retries it, a flow run fails
            raise NotionError(
                f"the portfolio cannot be read from Notion ({error}) and there "
                f"is no cached copy in {path}",
                status=error.status,
                code=error.code,
            ) from error
        logger.warning("portfolio read from the local cache error=%s", error)
        return load_portfolio_file(path)
    save_portfolio_file(cache_path(data_dir), items)
    return items


def read_snippets(notion: Notion, workspace: Workspace) -> list[Snippet]:
    """The agency's snippet library from the Snippets database."""
    source = workspace.ids(SNIPPETS.key).data_source_id
    snippets: list[Snippet] = []
    for page in notion.paginate("read snippets", notion.client.data_sources.query, source):
        props = page.get("properties", {})

        def value(name: str, props: dict[str, Any] = props) -> Any:
            return decode_value(SNIPPETS.property(name), props.get(name))

        if value("Text") and value("Kind"):
            snippets.append(
                Snippet(
                    name=value("Name") or "",
                    kind=value("Kind"),
                    text=value("Text"),
                    skills=value("Skills") or [],
                    active=bool(value("Active")),
                )
            )
    return snippets
