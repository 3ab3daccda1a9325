"""The vocabulary of schema declarations: plain, frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field

PROPERTY_TYPES = frozenset(
    {
        "title",
        "rich_text",
        "number",
        "select",
        "multi_select",
        "status",
        "checkbox",
        "date",
        "url",
        "email",
        "phone_number",
        "relation",
        "people",
        "files",
        "created_time",
        "last_edited_time",
        "unique_id",
    }
)


@dataclass(frozen=True)
class Option:
    name: str
    color: str = "default"


@dataclass(frozen=True)
class PropertySpec:
    """One property: its Notion name and type, and the JobCard field it carries, if any."""

    name: str
    type: str
    field: str | None = None
    options: tuple[Option, ...] = ()
    number_format: str = "number"
    relation_to: str | None = None  # key of the DatabaseSpec a relation points to

    def __post_init__(self) -> None:
        if self.type not in PROPERTY_TYPES:
            raise ValueError(f"property {self.name!r}: unknown Notion type {self.type!r}")
        if self.options and self.type not in ("select", "multi_select", "status"):
            raise ValueError(f"property {self.name!r}: options on a {self.type} property")
        if (self.type == "relation") != (self.relation_to is not None):
            raise ValueError(f"property {self.name!r}: relations, and only they, name a target")


@dataclass(frozen=True)
class DatabaseSpec:
    key: str  # stable identifier used in the local config ("jobs", "portfolio", …)
    title: str
    properties: tuple[PropertySpec, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        titles = [p for p in self.properties if p.type == "title"]
        if len(titles) != 1:
            raise ValueError(f"database {self.title!r}: needs exactly one title property")
        names = [p.name for p in self.properties]
        if len(set(names)) != len(names):
            raise ValueError(f"database {self.title!r}: duplicate property names")

    def property(self, name: str) -> PropertySpec:
        for spec in self.properties:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.title} has no property {name!r}")

    def by_field(self) -> dict[str, PropertySpec]:
        return {p.field: p for p in self.properties if p.field is not None}
