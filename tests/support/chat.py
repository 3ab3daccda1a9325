"""The OpenAI side of the tests: chat completions as an OpenAI-compatible server answers them."""

from __future__ import annotations

import json
from typing import Any

import httpx2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


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


class ChatServer:
    """An OpenAI-compatible chat completions endpoint, answering from a script."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url.path.endswith("/chat/completions")
        self.requests.append(json.loads(request.content))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, int):
            return httpx2.Response(
                answer,
                json={"error": {"message": "busy", "type": "x"}},
                headers={"retry-after": "0"},
            )
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        if isinstance(answer, dict):
            message["content"] = json.dumps(answer)
        elif answer.startswith("REFUSE:"):
            message["refusal"] = answer[7:]
        else:
            message["content"] = answer  # malformed output
        return httpx2.Response(
            200,
            json={
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 1,
                "model": "gpt-4o-mini",
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 812, "completion_tokens": 301, "total_tokens": 1113},
            },
        )


GOOD = {
    "hook": "Your dispatch team loses hours to a dashboard that cannot keep up with 40k "
    "shipments a day; I rebuilt one like it for a 3PL.",
    "body": "That logistics dashboard ran on FastAPI and PostgreSQL, the stack your post "
    "names, and it cut manual reporting from 6 hours a week to none. First I would profile "
    "the slowest queries, then add the indexes and caching they need, then rebuild the two "
    "views your team uses most, shipping each step for your review so you can see the gain "
    "before the next one starts. Every change goes to a staging copy first, with the numbers "
    "before and after, so nothing reaches your dispatchers untested. I would keep the existing "
    "exports working throughout, since your team depends on them every morning, and write "
    "down each change in the repository so your own developers can carry it on later.",
    "questions": ["Which report is slowest today?", "Is the data in one database?"],
    "closing": "If you share a screen recording of the slow view in Upwork Messages, I will "
    "reply with a first milestone the same day.",
    "answers": [],
}


def echo_server() -> Starlette:
    """Refuses every call, quoting the key it was given (as a careless proxy would)."""

    async def refuse(request: Request) -> JSONResponse:
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        message = f"Incorrect API key provided: {key}. You can find your API key at …"
        return JSONResponse(
            {"error": {"message": message, "type": "invalid_request_error", "code": key}}, 401
        )

    return Starlette(routes=[Route("/v1/{path:path}", refuse, methods=["POST"])])
