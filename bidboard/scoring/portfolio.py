"""Portfolio items: what the agency has done, to match jobs against.

:func:`parse_portfolio` reads JSON text (pure); the file functions at the end,
:func:`load_portfolio_file` and :func:`save_portfolio_file`, are this module's only I/O.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from pydantic import BaseModel, Field


class PortfolioItem(BaseModel):
    page_id: str
    name: str
    summary: str = ""
    skills: list[str] = Field(default_factory=list)
    upwork_url: str | None = None
    outcome: str = ""
    active: bool = True

    def text(self) -> str:
        skills = " ".join(self.skills)
        return f"{self.name}\n{self.name}\n{skills}\n{skills}\n{self.summary}\n{self.outcome}"


SAMPLE_PATH = Path(__file__).with_name("portfolio.sample.json")


def parse_portfolio(text: str) -> list[PortfolioItem]:
    """The portfolio items in JSON ``text`` (a list of items, as :func:`save_portfolio_file`
    writes them)."""
    return [PortfolioItem.model_validate(item) for item in json.loads(text)]


def load_portfolio_file(path: Path) -> list[PortfolioItem]:
    """The portfolio items in the file at ``path`` (the local copy, or the sample)."""
    return parse_portfolio(path.read_text())


def save_portfolio_file(path: Path, items: list[PortfolioItem]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # a name of its own: two runs may save at once, and each must replace whole
    temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(json.dumps([i.model_dump() for i in items], indent=2) + "\n")
    temporary.replace(path)
