"""Validate Notion traffic against the official OpenAPI description (shared/notion/openapi.json).

The description composes objects with ``allOf`` over members that set
``additionalProperties: false``; taken literally, a JSON Schema validator rejects even real
Notion responses. So, before validating, every ``allOf`` member is relaxed (no
``additionalProperties: false``, ``oneOf`` read as ``anyOf``) and the closed check moves to the
composite as ``unevaluatedProperties: false``. Error schemas omit ``request_id``, which real
bodies (success and error) carry: it is checked to be a UUID and removed before validation.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.support.paths import SHARED

SPEC_PATH = SHARED / "notion" / "openapi.json"
BASE = "urn:notion-openapi"


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _relax(spec: dict[str, Any], node: Any, depth: int = 0) -> Any:
    node = copy.deepcopy(_resolve(spec, node))
    if not isinstance(node, dict) or depth > 6:
        return node
    if node.get("additionalProperties") is False:
        del node["additionalProperties"]
    node.pop("unevaluatedProperties", None)
    if "oneOf" in node:
        node["anyOf"] = node.pop("oneOf")
    for key in ("allOf", "anyOf"):
        if key in node:
            node[key] = [_relax(spec, member, depth + 1) for member in node[key]]
    return node


def _close_composites(spec: dict[str, Any], node: Any) -> Any:
    if isinstance(node, list):
        return [_close_composites(spec, item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _close_composites(spec, v) for k, v in node.items()}
    if "allOf" in out:
        out["allOf"] = [_close_composites(spec, _relax(spec, m)) for m in node["allOf"]]
        out["unevaluatedProperties"] = False
    if set(out.get("properties") or ()) == {"and", "or"} and "required" not in out:
        # A compound filter is "and" or "or" and nothing else; the description leaves it open,
        # so every property filter would also match it and a filter's oneOf never holds.
        out.update(additionalProperties=False, minProperties=1, maxProperties=1)
    return out


def _deepest(error: ValidationError) -> ValidationError:
    """The most specific cause of an ``anyOf``/``oneOf`` failure: the branch that got furthest."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.context or [])))
    return error


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass
class Exchange:
    method: str
    path: str
    request_body: Any
    status: int
    response_body: Any


@dataclass
class Contract:
    spec_path: Path = SPEC_PATH
    checked: set[str] = field(default_factory=set)
    rejected: set[str] = field(default_factory=set)
    _validators: dict[str, Draft202012Validator] = field(default_factory=dict, repr=False)

    @cached_property
    def spec(self) -> dict[str, Any]:
        raw = json.loads(self.spec_path.read_text())
        closed = _close_composites(raw, raw)
        closed["$id"] = BASE
        return dict(closed)

    @cached_property
    def registry(self) -> Registry[Any]:
        resource = Resource.from_contents(self.spec, default_specification=DRAFT202012)
        return Registry().with_resource(BASE, resource)

    @cached_property
    def templates(self) -> list[tuple[re.Pattern[str], str]]:
        routes = []
        for template in self.spec["paths"]:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            routes.append((re.compile(f"^{pattern}$"), template))
        # literal segments win over parameters (/v1/users/me before /v1/users/{user_id})
        routes.sort(key=lambda r: r[1].count("{"))
        return routes

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        for pattern, template in self.templates:
            if pattern.match(path) and method.lower() in self.spec["paths"][template]:
                return template, self.spec["paths"][template][method.lower()]
        raise AssertionError(f"{method} {path} is not an operation of the Notion API")

    def validator(self, pointer: str) -> Draft202012Validator:
        if pointer not in self._validators:
            self._validators[pointer] = Draft202012Validator(
                {"$ref": f"{BASE}#{pointer}"}, registry=self.registry
            )
        return self._validators[pointer]

    def problem(self, pointer: str, instance: Any) -> str | None:
        validator = self.validator(pointer)
        error = best_match(validator.iter_errors(instance))
        if error is None:
            return None
        best = _deepest(error)
        location = "/".join(str(p) for p in best.absolute_path)
        return f"at '{location}': {best.message[:600]}"

    def _validate(self, pointer: str, instance: Any, what: str) -> None:
        problem = self.problem(pointer, instance)
        if problem is not None:
            raise AssertionError(f"{what} does not match the Notion API description {problem}")

    def check(self, exchange: Exchange) -> None:
        template, op = self.operation(exchange.method, exchange.path)
        name = f"{exchange.method.upper()} {template}"
        base = _pointer("", "paths", template, exchange.method.lower())
        if exchange.request_body is not None and "requestBody" in op:
            invalid = self.problem(
                base + "/" + _pointer("requestBody", "content", "application/json", "schema"),
                exchange.request_body,
            )
            if invalid is not None:  # the description rejects it: so must the emulator
                assert exchange.status == 400, (
                    f"{name} accepted a request the description rejects {invalid}"
                )
                self.rejected.add(name)
        body = exchange.response_body
        if isinstance(body, dict):
            request_id = body.get("request_id")
            assert isinstance(request_id, str), f"{name} answered without a request_id"
            uuid.UUID(request_id)
            body = {k: v for k, v in body.items() if k != "request_id"}
            results = body.get("results")
            if isinstance(results, list) and len(results) > 5:
                # Every result of a list is rendered by the same code, and one page costs ~20 ms
                # to validate: check the envelope with its first three and last two results.
                body["results"] = results[:3] + results[-2:]
        status = str(exchange.status)
        assert status in op["responses"], f"{name} answered {status}, not in the description"
        self._validate(
            base + "/" + _pointer("responses", status, "content", "application/json", "schema"),
            body,
            f"{status} response of {name}",
        )
        self.checked.add(f"{name} {status}")
