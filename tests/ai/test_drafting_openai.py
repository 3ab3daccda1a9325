"""The OpenAI drafter under the template drafter's rules, through the real openai SDK against a
local OpenAI-compatible server (Starlette on loopback): structured hook, body, questions,
closing and one answer per screening question; the same linter, with every finding fed back
once, where it is and what to change."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bidboard.ai.client import build_openai_client
from bidboard.ai.drafter import OpenAIDrafter
from bidboard.cli.localserver import BackgroundServer
from bidboard.drafting.compose import draft_job
from bidboard.drafting.draft import DraftRequest
from bidboard.drafting.lint import LintContext
from bidboard.drafting.questions import with_questions
from bidboard.drafting.template import TemplateDrafter
from bidboard.loaders import load_portfolio_file, load_searches, load_snippets
from bidboard.models import Stage
from bidboard.scoring.portfolio import SAMPLE_PATH
from bidboard.scoring.score import Portfolio, score_job
from bidboard.scoring.searches import EXAMPLE_PATH
from bidboard.settings import Settings
from tests.support.chat import GOOD
from tests.support.pipeline import all_jobs

ITEMS = load_portfolio_file(SAMPLE_PATH)
BY_ID = {item.page_id: item for item in ITEMS}
TEMPLATE = TemplateDrafter(load_snippets())
QUESTIONS = ["Describe your recent experience with similar projects", "Can you start this week?"]


class Model:
    """What the local server answers: the next scripted draft, with an answer for each
    screening question it finds in the prompt unless told otherwise."""

    def __init__(self, *drafts: dict[str, Any]) -> None:
        self.drafts = list(drafts)
        self.requests: list[dict[str, Any]] = []

    async def __call__(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        draft = dict(self.drafts.pop(0))
        prompt = body["messages"][1]["content"]
        asked = re.findall(r"^\d+\. (.+)$", prompt.split("<screening_questions>")[1], re.M)
        if not draft.get("answers"):
            draft["answers"] = [
                {"question": q, "answer": f"On {q.lower().rstrip('?')}: yes, see above."}
                for q in asked
            ]
        message = {"role": "assistant", "content": json.dumps(draft), "refusal": None}
        return JSONResponse(
            {
                "id": "chatcmpl-local",
                "object": "chat.completion",
                "created": 1,
                "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 900, "completion_tokens": 350, "total_tokens": 1250},
            }
        )


@pytest.fixture
def served() -> Iterator[Any]:
    def start(model: Model, tmp_path: Path, hosts: tuple[str, ...] = ()) -> OpenAIDrafter:
        async def chat(request: Request) -> JSONResponse:
            return await model(request)

        app = Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"])])
        server = BackgroundServer(app)
        server.__enter__()
        started.append(server)
        settings = Settings(
            openai_api_key=SecretStr("sk-local"),
            openai_base_url=f"{server.url}/v1",
            data_dir=tmp_path,
        )
        client = build_openai_client(settings, max_retries=0, timeout=10)
        clients.append(client)
        return OpenAIDrafter(client, "gpt-4o-mini", hosts)

    started: list[Any] = []
    clients: list[Any] = []
    yield start
    for client in clients:
        client.close()
    for server in started:
        server.__exit__(None, None, None)


def request_for(questions: list[str] = QUESTIONS) -> DraftRequest:
    job = with_questions(all_jobs()[0], questions)
    score = score_job(job, load_searches(EXAMPLE_PATH), Portfolio.build(ITEMS))
    return DraftRequest(
        job=job, score=score, portfolio=[BY_ID[m.page_id] for m in score.portfolio_matches]
    )


def run(drafter: OpenAIDrafter, request: DraftRequest, **context: Any) -> Any:
    job = request.job
    return draft_job(
        request,
        drafter,
        TEMPLATE,
        LintContext(job_text=job.description or "", job_title=job.title, **context),
    )


def test_one_answer_per_screening_question_in_the_order_asked(served: Any, tmp_path: Path) -> None:
    model = Model(GOOD)
    result = run(served(model, tmp_path), request_for())
    assert result.stage is Stage.DRAFTED and result.attempts == 1
    assert result.report.findings == []
    assert result.draft.drafted_by == "openai:gpt-4o-mini"
    assert [a.question for a in result.draft.answers] == QUESTIONS
    assert all(a.answer.startswith("On ") for a in result.draft.answers)
    sent = model.requests[0]
    schema = json.dumps(sent["response_format"])
    for field in ("hook", "body", "questions", "closing", "answers"):
        assert f'"{field}"' in schema
    system, user = (m["content"] for m in sent["messages"][:2])
    rules = " ".join(system.split())
    assert "200 characters" in rules and "four or more words of the job title" in rules
    assert "caught my eye" in rules and "150 to 300 words" in rules
    assert "Upwork Messages" in rules and "one answer each, in the order asked" in rules
    inside = user[user.index("<screening_questions>") : user.index("</screening_questions>")]
    assert "1. Describe your recent experience" in inside and "2. Can you start" in inside


def test_only_the_portfolio_items_that_fit_are_offered(served: Any, tmp_path: Path) -> None:
    model = Model(GOOD)
    run(served(model, tmp_path), request_for())
    user = model.requests[0]["messages"][1]["content"]
    offered = json.loads(user.split("Matched portfolio items that fit (JSON): ")[1].split("\n")[0])
    assert [p["name"] for p in offered] == ["Logistics dashboard for a 3PL"]
    assert offered[0]["skills_shared_with_the_post"] == ["Python", "FastAPI", "PostgreSQL"]


def test_a_missing_answer_falls_back_to_the_template(served: Any, tmp_path: Path) -> None:
    short = dict(GOOD, answers=[{"question": QUESTIONS[0], "answer": "Yes."}])
    result = run(served(Model(short), tmp_path), request_for())
    assert result.draft.drafted_by == "template"
    assert "answered 1 of 2 screening questions" in result.draft.note
    assert [a.question for a in result.draft.answers] == QUESTIONS


def test_a_stock_opener_is_fed_back_with_where_and_what_to_change(
    served: Any, tmp_path: Path
) -> None:
    stock = dict(GOOD, hook="I came across your job and it caught my eye. " + GOOD["hook"])
    model = Model(stock, GOOD)
    result = run(served(model, tmp_path), request_for([]))
    assert result.attempts == 2 and result.report.findings == []
    feedback = model.requests[1]["messages"][-1]["content"]
    assert "GENERIC" in feedback and "at 0-" in feedback
    assert "open on the client's problem" in feedback and "write it again" in feedback


def test_portfolio_hosts_are_in_the_rules_and_pass_the_linter(served: Any, tmp_path: Path) -> None:
    linked = dict(
        GOOD, closing=GOOD["closing"] + " The import code is at github.com/northwind/depot."
    )
    model = Model(linked)
    result = run(
        served(model, tmp_path, ("github.com",)), request_for([]), portfolio_hosts=["github.com"]
    )
    assert result.attempts == 1 and result.report.findings == []
    assert "github.com/northwind/depot" in result.draft.text
    assert "portfolio work on these hosts: github.com" in model.requests[0]["messages"][0][
        "content"
    ].replace("\n", " ")
