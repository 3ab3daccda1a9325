"""Rich text: validate what clients send, answer what Notion answers."""

from __future__ import annotations

from typing import Any

from .errors import body_invalid

MAX_TEXT_LENGTH = 2000
MAX_URL_LENGTH = 2000  # the request-limits table: any URL
MAX_EQUATION_LENGTH = 1000  # the request-limits table: an equation's expression
MAX_ARRAY_LENGTH = 100
_ANNOTATIONS = ("bold", "italic", "strikethrough", "underline", "code")
COLORS = (
    "default",
    "gray",
    "brown",
    "orange",
    "yellow",
    "green",
    "blue",
    "purple",
    "pink",
    "red",
)
_TEXT_COLORS = COLORS + tuple(f"{c}_background" for c in COLORS if c != "default")


def _annotations(raw: Any, path: str) -> dict[str, Any]:
    result: dict[str, Any] = {name: False for name in _ANNOTATIONS}
    result["color"] = "default"
    if raw is None:
        return result
    if not isinstance(raw, dict):
        raise body_invalid(path, "should be an object", raw)
    for key, value in raw.items():
        if key in _ANNOTATIONS:
            if not isinstance(value, bool):
                raise body_invalid(f"{path}.{key}", "should be a boolean", value)
            result[key] = value
        elif key == "color":
            if value not in _TEXT_COLORS:
                raise body_invalid(f"{path}.color", "should be a valid color", value)
            result["color"] = value
        else:
            raise body_invalid(f"{path}.{key}", "should be not present", value)
    return result


def rich_text_item(raw: Any, path: str) -> dict[str, Any]:
    """Normalise one rich text item sent by a client into Notion's response form."""
    if not isinstance(raw, dict):
        raise body_invalid(path, "should be an object", raw)
    kind = raw.get("type", "text" if "text" in raw else raw.get("type"))
    annotations = _annotations(raw.get("annotations"), f"{path}.annotations")
    if kind == "text":
        text = raw.get("text")
        if not isinstance(text, dict):
            raise body_invalid(f"{path}.text", "should be defined", text)
        content = text.get("content")
        if not isinstance(content, str):
            raise body_invalid(f"{path}.text.content", "should be a string", content)
        if len(content) > MAX_TEXT_LENGTH:
            raise body_invalid(
                f"{path}.text.content.length",
                f"should be ≤ `{MAX_TEXT_LENGTH}`",
                len(content),
            )
        link = text.get("link")
        url: str | None = None
        if link is not None:
            if not isinstance(link, dict) or not isinstance(link.get("url"), str):
                raise body_invalid(f"{path}.text.link", "should be an object with a url", link)
            url = link["url"]
            if len(url) > MAX_URL_LENGTH:
                raise body_invalid(
                    f"{path}.text.link.url.length", f"should be ≤ `{MAX_URL_LENGTH}`", len(url)
                )
        return {
            "type": "text",
            "text": {"content": content, "link": {"url": url} if url else None},
            "annotations": annotations,
            "plain_text": content,
            "href": url,
        }
    if kind == "equation":
        equation = raw.get("equation")
        if not isinstance(equation, dict) or not isinstance(equation.get("expression"), str):
            raise body_invalid(f"{path}.equation.expression", "should be a string", equation)
        expression = equation["expression"]
        if len(expression) > MAX_EQUATION_LENGTH:
            raise body_invalid(
                f"{path}.equation.expression.length",
                f"should be ≤ `{MAX_EQUATION_LENGTH}`",
                len(expression),
            )
        return {
            "type": "equation",
            "equation": {"expression": expression},
            "annotations": annotations,
            "plain_text": expression,
            "href": None,
        }
    raise body_invalid(f"{path}.type", "should be `text` or `equation`", kind)


def rich_text_array(raw: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise body_invalid(path, "should be an array", raw)
    if len(raw) > MAX_ARRAY_LENGTH:
        raise body_invalid(f"{path}.length", f"should be ≤ `{MAX_ARRAY_LENGTH}`", len(raw))
    return [rich_text_item(item, f"{path}[{i}]") for i, item in enumerate(raw)]


def plain_text(items: list[dict[str, Any]]) -> str:
    return "".join(str(item.get("plain_text", "")) for item in items)


def text_items(content: str) -> list[dict[str, Any]]:
    """Response-form rich text for a plain string (used for titles the emulator makes)."""
    return [rich_text_item({"type": "text", "text": {"content": content}}, "text")]
