"""Portfolio items: what the agency has done, to match jobs against.

:func:`parse_portfolio` reads JSON text; the files are read and written at the edge
(:mod:`bidboard.loaders`).
"""

from __future__ import annotations

import json
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
    """The portfolio items in JSON ``text`` (a list of items, as
    :func:`bidboard.loaders.save_portfolio_file` writes them)."""
    return [PortfolioItem.model_validate(item) for item in json.loads(text)]
