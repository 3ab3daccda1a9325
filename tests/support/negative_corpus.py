"""A corpus of requests generated from the Notion API description, each with Notion's answer.

Start from a valid request for an endpoint (``BASES``) and change one thing at a time:

* every key of every object dropped (``required``);
* every string replaced with ``""`` (``minLength``) and with ``"bogus_value"`` (``enum``,
  ``const``);
* every string stretched past each length limit the description may set (100, 200, 1,000,
  2,000): the first length it rejects gives ``maxLength``; that length is a case (rejected) and
  so is the length one below (accepted), so that the emulator is held to the limit from both
  sides.

The description decides each case: a change it rejects must get ``400 validation_error``, a
length it accepts must be accepted. Where the description and Notion's documentation disagree
the documentation wins (``DOCS``), with the reason. A second table holds the request-limits of
the documentation (developers.notion.com/reference/request-limits) that the description does not
state.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from tests.support.contract import Contract, _deepest, _pointer

LIMITS = (100, 200, 1000, 2000)
KEYWORDS = ("required", "minLength", "maxLength", "enum", "const")
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Case:
    operation: str  # "POST /v1/pages"
    change: str  # what was changed, for the report
    body: Any
    rejected: bool  # Notion's answer: 400 validation_error, or a success
    keyword: str = ""


def _leaves(node: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))


def _set(body: Any, path: Path, value: Any) -> Any:
    out = copy.deepcopy(body)
    target = out
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return out


def _drop(body: Any, path: Path) -> Any:
    out = copy.deepcopy(body)
    target = out
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    return out


def _shown(path: Path) -> str:
    return ".".join(str(p) for p in path) or "(body)"


class Judge:
    """What the description says of one body for one operation."""

    def __init__(self, contract: Contract, method: str, template: str) -> None:
        op = _pointer("", "paths", template, method.lower())
        pointer = op + "/" + _pointer("requestBody", "content", "application/json", "schema")
        self.validator = contract.validator(pointer)

    def verdict(self, body: Any) -> ValidationError | None:
        errors = list(self.validator.iter_errors(body))
        if not errors:
            return None
        best = best_match(errors)
        return _deepest(best) if best is not None else None


def generate(
    contract: Contract,
    operation: str,
    base: Any,
    *,
    skip: Callable[[Path], bool] = lambda path: False,
) -> list[Case]:
    method, template = operation.split(" ", 1)
    judge = Judge(contract, method, template)
    assert judge.verdict(base) is None, f"the base request of {operation} is not valid"
    cases: list[Case] = []

    def add(change: str, body: Any) -> None:
        error = judge.verdict(body)
        keyword = str(error.validator) if error is not None else ""
        if error is not None and keyword not in KEYWORDS:
            return  # a type, pattern or format rule: not what this corpus is about
        cases.append(Case(operation, change, body, error is not None, keyword))

    for path, value in _leaves(base):
        if skip(path):
            continue
        if isinstance(value, dict):
            for key in value:
                if not skip((*path, key)):
                    error = judge.verdict(_drop(base, (*path, key)))
                    if error is not None and error.validator == "required":
                        add(f"drop {_shown((*path, key))}", _drop(base, (*path, key)))
        if not isinstance(value, str) or not path:
            continue
        for replacement, label in (("", "empty"), ("bogus_value", "bogus")):
            mutated = _set(base, path, replacement)
            error = judge.verdict(mutated)
            if error is not None and error.validator in ("minLength", "enum", "const"):
                add(f"{_shown(path)} = {label}", mutated)
        for limit in LIMITS:
            over = _set(base, path, "x" * (limit + 1))
            error = judge.verdict(over)
            if error is not None and error.validator == "maxLength":
                add(f"{_shown(path)} of {limit + 1} characters", over)
                add(f"{_shown(path)} of {limit} characters", _set(base, path, "x" * limit))
                break
    return cases
