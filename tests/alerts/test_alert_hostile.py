"""Hostile and broken input never crashes a parser: it is parsed or set aside with a reason."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from email.mime.text import MIMEText

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bidboard.alerts.alert import ParseOutcome
from bidboard.alerts.email_parser import parse_mbox, parse_upwork_alert_email
from bidboard.alerts.feed_parser import parse_feed
from bidboard.alerts.json_alerts import parse_json_alerts
from bidboard.alerts.manual import parse_pasted_job

#: when the alerts came (an email's own Date header wins)
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=UTC)

KEY = "~01deadbeefcafe0001"
URL = f"https://www.upwork.com/jobs/{KEY}"


def alert_email(body: str, kind: str = "plain", charset: str = "utf-8") -> bytes:
    message = MIMEText(body, kind, charset)
    message["From"] = "Upwork <donotreply@upwork.com>"
    message["Subject"] = "New job alert: hostile"
    message["Date"] = "Wed, 26 Aug 2026 09:15:00 +0000"
    return message.as_bytes()


def assert_sane(outcome: ParseOutcome) -> None:
    assert isinstance(outcome, ParseOutcome)
    for alert in outcome.alerts:
        assert alert.job_key.startswith("~0") and alert.url.endswith(alert.job_key)
    for item in outcome.quarantined:
        assert item.reason


def test_5_mb_bodies_are_read_in_bounded_time() -> None:
    filler = ("lorem ipsum dolor sit amet " * 40 + "\n") * 4600  # ~5 MB
    for kind in ("plain", "html"):
        body = (
            f"Title\n{URL}\nHourly: $10.00 - $20.00\n{filler}"
            if kind == "plain"
            else f"<a href='{URL}'>Title</a><p>Hourly: $10.00 - $20.00</p><div>{filler}</div>" * 1
        )
        started = time.perf_counter()
        outcome = parse_upwork_alert_email(alert_email(body, kind), "big", RECEIVED)
        assert time.perf_counter() - started < 10
        assert [a.job_key for a in outcome.alerts] == [KEY]


def test_pathological_html_is_linear() -> None:
    body = "<script" * 200_000 + f"<a href='{URL}'>x</a>" + "<a " * 100_000 + "<!--" * 50_000
    started = time.perf_counter()
    outcome = parse_upwork_alert_email(alert_email(body, "html"), "tags", RECEIVED)
    assert time.perf_counter() - started < 10
    assert_sane(outcome)


def test_deeply_nested_multiparts() -> None:
    depth = 500
    boundaries = [f"b{i}" for i in range(depth)]
    parts = [f"Content-Type: multipart/mixed; boundary={b}\r\n\r\n--{b}\r\n" for b in boundaries]
    inner = f"Content-Type: text/plain\r\n\r\nTitle\r\n{URL}\r\n"
    closing = "".join(f"\r\n--{b}--\r\n" for b in reversed(boundaries))
    raw = (
        "From: donotreply@upwork.com\r\nSubject: New job alert: deep\r\n"
        "MIME-Version: 1.0\r\n" + "".join(parts) + inner + closing
    ).encode()
    outcome = parse_upwork_alert_email(raw, "deep", RECEIVED)
    assert_sane(outcome)
    assert outcome.alerts or outcome.quarantined  # read, or set aside with a reason
    if not outcome.alerts:
        assert "nested" in outcome.quarantined[0].reason or outcome.warnings


@pytest.mark.parametrize("charset", ["x-unknown-charset", "utf-7", "utf-16", "iso-2022-jp"])
def test_wrong_or_odd_charsets(charset: str) -> None:
    raw = (
        f"From: donotreply@upwork.com\r\nSubject: New job alert: x\r\nContent-Type: text/"
        f"plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\nTitl\xe9\r\n"
        f"{URL}\r\n"
    ).encode("latin-1")
    outcome = parse_upwork_alert_email(raw, "charset", RECEIVED)
    assert [a.job_key for a in outcome.alerts] == [KEY]


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\r\n\r\n",
        b"From: donotreply@upwork.com\r\n\r\n",
        b"\x00\x01\x02\xff" * 100,
        b"Subject: New job alert: x\r\nContent-Type: multipart/alternative\r\n\r\nno boundary",
        b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n--x--',
        b"Content-Transfer-Encoding: base64\r\nFrom: donotreply@upwork.com\r\n\r\n!!!not base64",
    ],
)
def test_broken_and_empty_mails(raw: bytes) -> None:
    assert_sane(parse_upwork_alert_email(raw, "broken", RECEIVED))


def test_emoji_and_right_to_left_text() -> None:
    title = "تطوير تطبيق 🚀 — אפליקציה"
    outcome = parse_upwork_alert_email(
        alert_email(f"{title}\n{URL}\nFixed-price: $500\nنحتاج مطور 👩‍💻"), "rtl", RECEIVED
    )
    assert outcome.alerts[0].title == title
    assert outcome.alerts[0].description == "نحتاج مطور 👩‍💻"


def test_xml_entity_bomb_and_external_entities_are_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'
            for i in range(10)
        )
        + "]><rss><channel><item><title>&lol9;</title></item></channel></rss>"
    ).encode()
    outcome = parse_feed(bomb, "bomb", received_at=RECEIVED)
    assert outcome.alerts == [] and "not a readable feed" in outcome.quarantined[0].reason
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><item><title>&x;</title></item></channel></rss>"
    )
    assert parse_feed(xxe, "xxe", received_at=RECEIVED).quarantined


def test_json_with_wrong_types_names_the_field() -> None:
    outcome = parse_json_alerts(
        json.dumps(
            [
                {"url": URL, "budget_min": "lots", "client_rating": 9},
                {"url": URL, "skills": "python"},
                42,
                {"url": 5},
            ]
        ).encode(),
        "json",
        RECEIVED,
    )
    reasons = [q.reason for q in outcome.quarantined]
    assert "budget_min" in reasons[0] and "client_rating" in reasons[0]
    assert "skills" in reasons[1]
    assert "not a JSON object" in reasons[2]
    assert len(reasons) == 4 and outcome.alerts == []


def test_100_000_character_description() -> None:
    text = "word " * 20_000
    outcome = parse_pasted_job(URL, f"A title\n{text}", RECEIVED)
    assert len(outcome.alerts[0].description or "") >= 99_000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_no_bytes_crash_the_email_parser(raw: bytes) -> None:
    assert_sane(parse_upwork_alert_email(raw, "fuzz", RECEIVED))
    assert_sane(parse_mbox(raw, "fuzz", RECEIVED))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_no_text_crashes_the_email_parser_around_a_job_link(text: str) -> None:
    outcome = parse_upwork_alert_email(alert_email(f"{text}\n{URL}\n{text}"), "fuzz", RECEIVED)
    assert_sane(outcome)
    assert [a.job_key for a in outcome.alerts] == [KEY]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_no_bytes_crash_the_feed_and_json_parsers(raw: bytes) -> None:
    assert_sane(parse_feed(raw, "fuzz", received_at=RECEIVED))
    assert_sane(parse_json_alerts(raw, "fuzz", RECEIVED))


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_no_json_value_crashes_the_json_parser(value: object) -> None:
    assert_sane(parse_json_alerts(json.dumps(value).encode(), "fuzz", RECEIVED))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.text(max_size=2000))
def test_no_paste_crashes_the_manual_parser(url: str, text: str) -> None:
    assert_sane(parse_pasted_job(url, text, RECEIVED))


def test_a_title_line_with_nothing_visible_gives_way_to_the_subject() -> None:
    """Hypothesis found it: a soft hyphen alone before the job link was taken for the title,
    and the job was quarantined for an invisible title although its subject names it."""
    outcome = parse_upwork_alert_email(alert_email(f"\xad\n{URL}\n\xad"), "fuzz", RECEIVED)
    assert [(a.job_key, a.title) for a in outcome.alerts] == [(KEY, "hostile")]
