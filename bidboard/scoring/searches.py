"""Saved searches, from a YAML file the user edits. A bad file is an error that names the file,
the line and the field. :func:`parse_searches` reads the text; the file is read at the edge
(:func:`bidboard.loaders.load_searches`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bidboard.errors import ConfigError

EXAMPLE_PATH = Path(__file__).with_name("searches.example.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Include(_Strict):
    any: list[str] = Field(default_factory=list)
    all: list[str] = Field(default_factory=list)


class Budget(_Strict):
    fixed_min: float | None = Field(default=None, ge=0)
    hourly_min: float | None = Field(default=None, ge=0)


class ClientFilter(_Strict):
    payment_verified: bool = False
    min_rating: float | None = Field(default=None, ge=0, le=5)
    min_spend: float | None = Field(default=None, ge=0)
    countries_allowed: list[str] = Field(default_factory=list)
    countries_denied: list[str] = Field(default_factory=list)


class SavedSearch(_Strict):
    name: str = Field(min_length=1)
    saved_search: str | None = Field(default=None, description="Written on the card.")
    include: Include = Field(default_factory=Include)
    exclude: list[str] = Field(default_factory=list)
    budget: Budget = Field(default_factory=Budget)
    client: ClientFilter = Field(default_factory=ClientFilter)
    experience: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_terms(self) -> SavedSearch:
        if not self.include.any and not self.include.all:
            raise ValueError("a search needs include.any or include.all terms")
        return self

    @property
    def card_value(self) -> str:
        return self.saved_search or self.name


class Thresholds(_Strict):
    shortlist: float = Field(default=60, ge=0, le=100)
    review: float = Field(default=35, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.review > self.shortlist:  # inverted: nothing would ever be "review"
            raise ValueError(
                f"review ({self.review:g}) must not be above shortlist ({self.shortlist:g})"
            )
        return self


class SearchConfig(_Strict):
    searches: list[SavedSearch] = Field(min_length=1)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    synonyms: dict[str, str] = Field(default_factory=dict)
    weights: dict[str, float] = Field(
        default_factory=dict, description="Points per unit by reason kind (bidboard tune)."
    )

    @model_validator(mode="after")
    def _known_kinds(self) -> SearchConfig:
        from bidboard.scoring.weights import KINDS

        unknown = sorted(set(self.weights) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown reason kind(s) {unknown}: known are {sorted(KINDS)}")
        return self


def _line_of(root: yaml.Node | None, location: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``location`` (or of its nearest parent)."""
    node, line = root, root.start_mark.line + 1 if root is not None else None
    for key in location:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


def parse_searches(text: str, source: str = "<searches>") -> SearchConfig:
    """The saved searches in YAML ``text`` (pure); a bad text is a ``ConfigError`` that names
    ``source`` (the file), the line and the field."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise ConfigError(f"{where}: not valid YAML: {getattr(error, 'problem', error)}") from None
    try:
        return SearchConfig.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            location = tuple(p for p in item["loc"] if p != "__root__")
            line = _line_of(root, location)
            field = ".".join(str(p) for p in location) or "(top level)"
            problems.append(f"{source}:{line or '?'}: {field}: {item['msg']}")
        raise ConfigError("invalid saved searches\n  " + "\n  ".join(problems)) from None
