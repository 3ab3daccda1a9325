"""Strong-match notifications through apprise, received by a real HTTP server on loopback;
failures are reported and never raised; destinations pass the egress policy."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr

from bidboard.batch import JobOutcome
from bidboard.cli.localserver import free_port
from bidboard.notify import message, notify_strong_matches, strong_matches
from bidboard.settings import Settings


class Receiver:
    """A webhook endpoint: keeps what it is sent, answers ``status``."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                outer.posts.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def outcome(score: int, title: str = "FastAPI backend", created: bool = True) -> JobOutcome:
    return JobOutcome(
        job_key=f"~01{score:016d}",
        title=title,
        score=score,
        verdict="shortlist",
        stage="Drafted",
        url=f"http://127.0.0.1:8765/p/card-{score}",
        created=created,
    )


def settings(urls: str | None, **extra: Any) -> Settings:
    return Settings(notify_urls=SecretStr(urls) if urls else None, **extra)


def test_a_strong_match_is_posted_with_a_link_to_its_card(receiver: Receiver) -> None:
    outcomes = [outcome(91), outcome(70, "Weak one"), outcome(95, "Old", created=False)]
    report = notify_strong_matches(
        outcomes, settings(f"json://127.0.0.1:{receiver.port}/hook", notify_min_score=80)
    )
    assert (report.matches, report.sent, report.errors) == (1, 1, [])
    [post] = receiver.posts
    assert post["path"] == "/hook"
    assert post["body"]["title"] == "Strong match (91): FastAPI backend"
    assert "[FastAPI backend](http://127.0.0.1:8765/p/card-91)" in post["body"]["message"]
    assert "submit it yourself on Upwork" in post["body"]["message"]


def test_several_matches_make_one_message_best_first() -> None:
    chosen = strong_matches([outcome(81, "a"), outcome(99, "b"), outcome(85, "c")], 80)
    assert [o.score for o in chosen] == [99, 85, 81]
    title, body = message(chosen)
    assert title == "3 strong matches on the board"
    assert body.index("**99**") < body.index("**81**")


def test_nothing_to_say_sends_nothing(receiver: Receiver) -> None:
    url = f"json://127.0.0.1:{receiver.port}/hook"
    assert notify_strong_matches([outcome(50)], settings(url)).sent == 0
    assert notify_strong_matches([], settings(url)).sent == 0
    assert receiver.posts == []


@pytest.mark.parametrize("status", [500, 404])
def test_a_receiver_that_fails_is_reported_not_raised(receiver: Receiver, status: int) -> None:
    receiver.status = status
    report = notify_strong_matches(
        [outcome(90)], settings(f"json://127.0.0.1:{receiver.port}/hook")
    )
    assert report.sent == 0
    assert report.errors == ["a notification service did not accept the message"]


def test_an_unreachable_receiver_is_reported_not_raised() -> None:
    report = notify_strong_matches([outcome(90)], settings(f"json://127.0.0.1:{free_port()}/x"))
    assert report.sent == 0 and report.errors


def test_destinations_pass_the_egress_policy() -> None:
    secret_token = "xoxb-canary-0000"
    report = notify_strong_matches(
        [outcome(90)],
        settings(
            f"json://www.upwork.com/{secret_token} "
            "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ not-a-url://x"
        ),
    )
    assert report.sent == 0
    joined = " ".join(report.errors)
    assert "never contacts Upwork" in joined
    assert "hooks.slack.com: host not allowed" in joined  # until listed in allowed hosts
    assert "not a URL apprise knows" in joined
    assert secret_token not in joined and "TIiajkdnlazkcOXrIdevi7FQ" not in joined


def test_the_flow_summary_mentions_the_notifications() -> None:
    from bidboard.notify import NotifyReport

    text = NotifyReport(matches=2, sent=0, errors=["a notification service did not"]).summary()
    assert "strong matches: 2, notifications sent: 0" in text
    assert NotifyReport().summary() == ""


def test_a_prefect_notification_block(receiver: Receiver, prefect_harness: None) -> None:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    CustomWebhookNotificationBlock(
        name="bidboard-test",
        url=f"http://127.0.0.1:{receiver.port}/prefect",
        json_data={"title": "{{subject}}", "text": "{{body}}"},
    ).save("bidboard-test", overwrite=True)
    report = notify_strong_matches(
        [outcome(88)], Settings(notify_block="custom-webhook/bidboard-test")
    )
    assert (report.sent, report.errors) == (1, [])
    [post] = receiver.posts
    assert post["path"] == "/prefect"
    assert post["body"]["title"] == "Strong match (88): FastAPI backend"
    assert "http://127.0.0.1:8765/p/card-88" in post["body"]["text"]
    broken = notify_strong_matches([outcome(88)], Settings(notify_block="custom-webhook/nope"))
    assert broken.sent == 0 and "custom-webhook/nope" in broken.errors[0]


def test_apprise_logs_never_show_the_url(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    token = "tok-9f8e7d6c5b4a"
    notify_strong_matches([outcome(90)], settings(f"json://127.0.0.1:{receiver.port}/{token}"))
    assert receiver.posts  # it was sent
    assert "apprise" in caplog.text  # apprise did log about it at DEBUG ...
    assert token not in caplog.text  # ... without the token


def test_a_failing_block_is_logged_with_its_traceback_never_its_secret(
    receiver: Receiver, prefect_harness: None, caplog: pytest.LogCaptureFixture
) -> None:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    receiver.status = 500
    token = "blk-5e4d3c2b1a09"
    CustomWebhookNotificationBlock(
        name="bidboard-failing",
        url=f"http://127.0.0.1:{receiver.port}/{token}",
        json_data={"title": "{{subject}}", "text": "{{body}}"},
    ).save("bidboard-failing", overwrite=True)
    report = notify_strong_matches(
        [outcome(88)], Settings(notify_block="custom-webhook/bidboard-failing")
    )
    assert receiver.posts and report.sent == 0  # tried, refused, reported, not raised
    assert report.errors == [
        "Prefect block 'custom-webhook/bidboard-failing' failed: HTTPStatusError"
    ]
    told = [r for r in caplog.records if r.name == "bidboard.notify" and r.exc_text]
    assert told and "Traceback" in told[0].exc_text and "HTTPStatusError" in told[0].exc_text
    assert token not in caplog.text and token not in told[0].exc_text
