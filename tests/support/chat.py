"""The OpenAI side of the tests: chat completions as an OpenAI-compatible server answers them."""

from __future__ import annotations

import json
from typing import Any


def completion(answer: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI chat completion whose message is ``answer`` as JSON (structured output)."""
    message = {"role": "assistant", "content": json.dumps(answer), "refusal": None}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
