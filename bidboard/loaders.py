"""The files bidboard's pure rooms are given, read (and written) here at the edge: the saved
searches (YAML), the portfolio (the sample, or the local copy ``portfolio sync`` keeps) and the
snippet library's sample. Parsing is the rooms' own (:func:`~bidboard.scoring.searches.
parse_searches`, :func:`~bidboard.scoring.portfolio.parse_portfolio`,
:func:`~bidboard.drafting.template.parse_snippets`); this module only moves text in and out.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from bidboard.drafting.draft import Snippet
from bidboard.drafting.template import SAMPLE_PATH as SNIPPETS_SAMPLE
from bidboard.drafting.template import parse_snippets
from bidboard.errors import ConfigError
from bidboard.scoring.portfolio import PortfolioItem, parse_portfolio
from bidboard.scoring.searches import SearchConfig, parse_searches


def load_searches(path: Path) -> SearchConfig:
    """The saved searches in the file at ``path``; a bad file is a ``ConfigError`` naming the
    file, the line and the field."""
    try:
        text = path.read_text()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the saved searches: {error.strerror}") from None
    return parse_searches(text, str(path))


def load_portfolio_file(path: Path) -> list[PortfolioItem]:
    """The portfolio items in the file at ``path`` (the local copy, or the sample)."""
    return parse_portfolio(path.read_text())


def save_portfolio_file(path: Path, items: list[PortfolioItem]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # a name of its own: two runs may save at once, and each must replace whole
    temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(json.dumps([i.model_dump() for i in items], indent=2) + "\n")
    temporary.replace(path)


def load_snippets(path: Path = SNIPPETS_SAMPLE) -> list[Snippet]:
    """The snippets in the file at ``path`` (the sample library by default)."""
    return parse_snippets(path.read_text())
