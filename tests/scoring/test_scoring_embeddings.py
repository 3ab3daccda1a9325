"""Portfolio fit by OpenAI embeddings, through the real openai SDK (injected httpx transport),
cached by content hash so a text is embedded once."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from pathlib import Path

import httpx2
import pytest
from pydantic import SecretStr

from bidboard.ai.client import build_openai_client
from bidboard.ai.embeddings import OpenAIEmbedder, embedding_index
from bidboard.alerts.alert import JobAlert
from bidboard.errors import BidboardError, EgressRefused, OpenAIFailed
from bidboard.loaders import load_portfolio_file, load_searches
from bidboard.scoring.portfolio import SAMPLE_PATH
from bidboard.scoring.score import Portfolio, score_job
from bidboard.scoring.searches import EXAMPLE_PATH
from bidboard.scoring.words import tokens
from bidboard.settings import Settings
from tests.support.pipeline import airflow_job


def fake_embedding(text: str, dims: int = 64) -> list[float]:
    """Bag of words hashed into ``dims`` buckets: similar texts get similar vectors."""
    vector = [0.0] * dims
    for token in tokens(text):
        vector[int(hashlib.md5(token.encode()).hexdigest(), 16) % dims] += 1.0  # noqa: S324
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


class EmbeddingsServer:
    def __init__(self, fail: int = 0) -> None:
        self.requests: list[list[str]] = []
        self.fail = fail

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url.path == "/v1/embeddings"
        assert request.headers["authorization"] == "Bearer sk-test-canary"
        if self.fail:
            self.fail -= 1
            return httpx2.Response(503, json={"error": {"message": "overloaded"}})
        body = json.loads(request.content)
        texts = body["input"]
        self.requests.append(texts)
        return httpx2.Response(
            200,
            json={
                "object": "list",
                "model": body["model"],
                "data": [
                    {"object": "embedding", "index": i, "embedding": fake_embedding(t)}
                    for i, t in enumerate(texts)
                ],
                "usage": {"prompt_tokens": 10, "total_tokens": 10},
            },
        )


def settings(tmp_path: Path) -> Settings:
    return Settings(openai_api_key=SecretStr("sk-test-canary"), data_dir=tmp_path)


def test_embeddings_rank_the_portfolio_and_are_cached(tmp_path: Path) -> None:
    server = EmbeddingsServer()
    client = build_openai_client(settings(tmp_path), transport=httpx2.MockTransport(server))
    items = load_portfolio_file(SAMPLE_PATH)
    portfolio = Portfolio.build(
        items, embeddings=embedding_index([i.text() for i in items if i.active], client, tmp_path)
    )
    job = airflow_job()
    score = score_job(job, load_searches(EXAMPLE_PATH), portfolio.prepare([job]))
    assert score.portfolio_matches[0].name == "Airflow data pipelines on AWS"
    first = len(server.requests)
    assert first == 2  # the portfolio in one batch, then the job
    # a second run embeds nothing it has seen: the portfolio and the job come from the cache
    again = Portfolio.build(
        items, embeddings=embedding_index([i.text() for i in items if i.active], client, tmp_path)
    )
    score_job(job, load_searches(EXAMPLE_PATH), again.prepare([job]))
    assert len(server.requests) == first


def alert(i: int, title: str, skills: list[str]) -> JobAlert:
    key = f"~01aa{i:014d}"
    return JobAlert(
        job_key=key,
        url=f"https://www.upwork.com/jobs/{key}",
        title=title,
        skills=skills,
        description=f"We need help with {title.lower()}.",
        source="email",
        source_ref="t",
        received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
    )


def test_a_batch_is_embedded_once_and_scoring_reads_only_the_vectors_given(
    tmp_path: Path,
) -> None:
    server = EmbeddingsServer()
    client = build_openai_client(settings(tmp_path), transport=httpx2.MockTransport(server))
    items = [i for i in load_portfolio_file(SAMPLE_PATH) if i.active]
    index = embedding_index([i.text() for i in items], client, tmp_path)
    portfolio = Portfolio.build(items, embeddings=index)
    jobs = [
        alert(1, "Airflow pipelines on AWS", ["Apache Airflow", "AWS"]),
        alert(2, "Notion dashboard for a sales team", ["Notion"]),
        alert(3, "FastAPI backend for a mobile app", ["Python", "FastAPI"]),
    ]
    searches = load_searches(EXAMPLE_PATH)
    with pytest.raises(ValueError, match="prepared"):  # never a request from score_job
        score_job(jobs[0], searches, portfolio)
    assert len(server.requests) == 1  # the portfolio
    prepared = portfolio.prepare(jobs)
    assert len(server.requests) == 2 and len(server.requests[1]) == 3  # the batch, in one request
    index.cache.close()  # scoring reads no cache (a closed SQLite connection would raise) ...
    scores = [score_job(job, searches, prepared) for job in jobs]
    assert len(server.requests) == 2  # ... and calls no one
    # the figures are the cosine of the embeddings, as before the batch was embedded at once
    for job, score in zip(jobs, scores, strict=True):
        skills = " ".join(job.skills)
        text = f"{job.title}\n{job.title}\n{skills}\n{skills}\n{job.description}"
        query = fake_embedding(text)
        cosines = {
            item.name: sum(a * b for a, b in zip(query, fake_embedding(item.text()), strict=True))
            for item in items
        }
        top = score.portfolio_matches[0]
        assert top.name == max(cosines, key=lambda name: cosines[name])
        assert top.similarity == round(cosines[top.name], 4)
    with pytest.raises(KeyError, match="prepare the batch"):  # a job outside the batch
        score_job(alert(4, "Rust compiler work", ["Rust"]), searches, prepared)


def test_the_sdk_retries_overload_then_errors_are_bidboard_errors(tmp_path: Path) -> None:
    server = EmbeddingsServer(fail=1)
    client = build_openai_client(settings(tmp_path), transport=httpx2.MockTransport(server))
    assert len(OpenAIEmbedder(client).embed(["hello"])) == 1  # one 503, retried by the SDK
    always = EmbeddingsServer(fail=99)
    failing = build_openai_client(
        settings(tmp_path), transport=httpx2.MockTransport(always), max_retries=0
    )
    with pytest.raises(OpenAIFailed, match="OpenAI embeddings failed"):
        OpenAIEmbedder(failing).embed(["hello"])


def test_an_openai_compatible_base_url_on_upwork_is_refused(tmp_path: Path) -> None:
    bad = Settings(
        openai_api_key=SecretStr("sk-x"),
        openai_base_url="https://www.upwork.com/v1",
        data_dir=tmp_path,
    )
    client = build_openai_client(
        bad, transport=httpx2.MockTransport(EmbeddingsServer()), max_retries=0
    )
    with pytest.raises(BidboardError) as caught:
        OpenAIEmbedder(client).embed(["x"])
    cause: BaseException | None = caught.value
    while cause is not None and not isinstance(cause, EgressRefused):
        cause = cause.__cause__
    assert isinstance(cause, EgressRefused), repr(caught.value)


def test_an_egress_refusal_is_never_a_silent_fallback_to_tfidf(tmp_path: Path) -> None:
    """TF-IDF stands in when OpenAI fails, not when the egress guard refuses the call: that
    refusal reaches the caller."""
    bad = Settings(
        openai_api_key=SecretStr("sk-x"),
        openai_base_url="https://www.upwork.com/v1",
        data_dir=tmp_path,
    )
    server = EmbeddingsServer()
    client = build_openai_client(bad, transport=httpx2.MockTransport(server), max_retries=0)
    with pytest.raises(EgressRefused):
        embedding_index(["Django marketplace MVP"], client, tmp_path)
    assert server.requests == []
