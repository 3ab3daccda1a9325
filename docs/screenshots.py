"""``python -m docs.screenshots`` (or ``make screenshots``): the README's pictures, made again.

Runs ``bidboard demo`` into a fresh data directory, serves its emulator, and photographs with
Debian's Chromium (headless, never a downloaded browser): the Pipeline board, a drafted card, the
Review queue, a week's metrics page with the charts of its database, the reply rate by speed to
lead chart and the "What gets replies" page. PNGs in ``docs/``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from bidboard.cli import demo
from bidboard.cli.localserver import BackgroundServer, free_port
from bidboard.notion.workspace import Workspace, workspace_path
from bidboard.settings import Settings
from notion_emulator import EmulatorConfig, create_app

DOCS = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _first(page: Any, selector: str) -> str:
    href = page.locator(selector).first.get_attribute("href")
    if not href:
        raise SystemExit(f"nothing matches {selector}")
    return str(href)


def _insights_page(url: str) -> str:
    """The "What gets replies" page's id, found as bidboard finds pages: by search."""
    from notion_client import Client

    from bidboard.notion.insights_page import TITLE

    client = Client(auth="screenshots", base_url=url)
    found: Any = client.search(query=TITLE, filter={"property": "object", "value": "page"})
    for result in found["results"]:
        if TITLE in str(result.get("properties", {})):
            return str(result["id"])
    raise SystemExit(f"no page named {TITLE}")


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        settings = Settings(data_dir=data)
        if demo.main(settings, serve=False, port=free_port()) != 0:
            return 1
        workspace = Workspace.model_validate_json(workspace_path(data).read_text())
        app = create_app(EmulatorConfig(db=str(data / "emulator.sqlite3"), rate_limit=0))
        with BackgroundServer(app) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            jobs = workspace.ids("jobs")
            weekly = workspace.ids("weekly_metrics")
            shots = []

            def shoot(name: str, url: str, full: bool = False) -> None:
                page.goto(url)
                path = DOCS / f"{name}.png"
                page.screenshot(path=str(path), full_page=full)
                shots.append(path)

            board = f"{server.url}/board/{jobs.data_source_id}"
            # the top of the board, as a screen shows it: the sample history's 40 lost cards
            # would make a full page five screens tall
            page.set_viewport_size({"width": 1440, "height": 1200})
            shoot("board", f"{board}?v={jobs.views['Pipeline']}")
            page.set_viewport_size({"width": 1440, "height": 900})
            shoot("review-queue", f"{board}?v={jobs.views['Review queue']}")
            page.goto(f"{board}?v={jobs.views['Review queue']}")
            card = _first(page, "table.data tbody a")
            page.set_viewport_size({"width": 1100, "height": 900})
            shoot("drafted-card", f"{server.url}{card}", full=True)
            page.goto(f"{server.url}/board/{weekly.data_source_id}")
            week = _first(page, "table.data tbody a")
            shoot("weekly-metrics", f"{server.url}{week}", full=True)
            page.set_viewport_size({"width": 1440, "height": 900})
            shoot("weeks-table", f"{server.url}/board/{weekly.data_source_id}")
            page.set_viewport_size({"width": 1100, "height": 900})
            shoot("speed-to-lead", f"{board}?v={jobs.views['Reply rate by speed to lead']}")
            shoot("what-gets-replies", f"{server.url}/page/{_insights_page(server.url)}", full=True)
            browser.close()
        app.store.close()
    for path in shots:
        print(f"wrote {path.relative_to(DOCS.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
