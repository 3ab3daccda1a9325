"""``bidboard demo``: dates relative to the day it runs, a labelled sample history written
only on its own emulator, this week's headline; then the README's commands offline."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bidboard import cli
from bidboard.cli import demo, demo_samples
from bidboard.cli.localserver import free_port
from bidboard.inbox.files import parse_file
from bidboard.models import Stage
from bidboard.settings import Settings

NOW = datetime(2027, 1, 5, 10, 0, tzinfo=UTC)  # a Tuesday, just after a year boundary


def test_sample_mailbox_dates_end_before_now_and_keep_their_words(tmp_path: Path) -> None:
    copy = demo_samples.relative_mailbox(demo_samples.SAMPLE_MAILBOX, tmp_path / "mailbox", NOW)
    for original in sorted(demo_samples.SAMPLE_MAILBOX.iterdir()):
        made = copy / original.name
        before, after = original.read_bytes(), made.read_bytes()
        assert len(before.splitlines()) == len(after.splitlines())
        for outcome in (parse_file(made),):
            for alert in outcome.alerts:
                if alert.received_at is not None and made.suffix not in (".json", ".xml"):
                    # (files and feeds carry no receipt time: they are received when read)
                    assert NOW - timedelta(hours=2) <= alert.received_at <= NOW, made.name
                if alert.posted_at is not None:  # a day ("Posted on: Jan 4") or a moment
                    assert NOW - timedelta(days=3) <= alert.posted_at <= NOW, made.name
    year_end = (copy / "13-year-boundary.eml").read_text()
    assert "Posted on: Jan 3" in year_end  # Dec 31 two days before Jan 2, moved with it
    assert "2027" not in (demo_samples.SAMPLE_MAILBOX / "01-single-alert-qp.eml").read_text()
    assert (
        demo_samples.relative_mailbox(demo_samples.SAMPLE_MAILBOX, tmp_path / "mailbox", NOW)
        == copy
    )


def test_history_is_in_the_past_and_moves_forward() -> None:
    cards = demo_samples.history_cards(NOW, ZoneInfo("UTC"))
    assert len(cards) == 20 + demo_samples.PAST_PROPOSALS  # curated, then the older drawn past
    for card in cards:
        assert card.source == "sample" and card.name.startswith("Sample: ")
        stamps = [
            s
            for s in (card.submitted_at, card.viewed_at, card.replied_at, card.won_at, card.lost_at)
            if s is not None
        ]
        assert all(s <= NOW for s in stamps) and stamps == sorted(stamps)
        assert card.stage is not None and card.stage not in (Stage.NEW, Stage.LOW_FIT)
        assert (card.contract_value is not None) == (card.stage == Stage.WON)
    monday = datetime(2027, 1, 4, 9, tzinfo=UTC)  # this week's cards are still on their way
    this_week = [c for c in cards if c.received_at and c.received_at >= monday]
    assert this_week and all(c.stage in (Stage.SUBMITTED, Stage.VIEWED) for c in this_week)


@pytest.mark.slow
def test_demo_then_every_command_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    started = datetime.now(UTC)
    assert demo.main(settings, serve=False, port=free_port()) == 0
    out = capsys.readouterr().out
    history = re.search(r"Sample history: (\d+) cards", out)
    assert history is not None and 55 <= int(history.group(1)) <= 60  # fewer early on a Monday
    assert "What gets replies (created)" in out
    page = re.search(r"What gets replies: (http://\S+/page/(\S+))", out)
    assert page is not None and "Reply rate by speed to lead: http://" in out
    assert "Low fit 5" in out
    headline = re.search(
        r"This week (\d{4}-W\d\d): (\d+) alerts, .* median minutes to draft ([\d.]+)", out
    )
    assert headline is not None, out
    assert int(headline.group(2)) >= 13
    assert float(headline.group(3)) < 120  # minutes, not months
    workspace = json.loads((data / "notion.json").read_text())
    assert workspace["emulator_db"].endswith("emulator.sqlite3")
    assert set(workspace["databases"]["jobs"]["views"]) == {
        "Pipeline", "Review queue", "Cards by stage", "Low fit", "Reply rate by speed to lead"
    }  # fmt: skip

    monkeypatch.setenv("BIDBOARD_DATA_DIR", str(data))  # and no token: the demo's emulator
    for argv in (["verify"], ["sync"], ["metrics", "--json"], ["init"], ["migrate"]):
        assert cli.main(argv) == 0, argv
        printed = capsys.readouterr()
        assert "api.notion.com" not in printed.out + printed.err
        if argv == ["metrics", "--json"]:
            figures = json.loads(printed.out)
            assert figures["figures"]["Alerts"] >= 0
        if argv == ["init"]:
            assert (
                "Jobs views: Pipeline, Review queue, Cards by stage, Low fit, "
                "Reply rate by speed to lead (0 created)" in printed.out
            )

    assert demo.main(settings, serve=False, port=free_port()) == 0
    again = capsys.readouterr().out
    assert "0 messages and files read, 0 new cards" in again
    assert "Sample history" not in again  # written once
    assert "What gets replies (unchanged)" in again  # the same history: nothing rewritten
    assert started <= datetime.now(UTC)


def test_no_history_on_a_configured_workspace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workspace with a token (the user's Notion) never gets sample cards."""
    from notion_emulator import create_app
    from tests.support.notion import make_board

    app = create_app(rate_limit=0)
    board = make_board(app, tmp_path)
    try:
        summary = demo.run(board.settings, board.notion, own_emulator=False)
        assert summary.history == 0
        cards = list(summary.gateway.iter_cards(properties=["Source"]))
        assert cards and all(c.card.source != "sample" for c in cards)
    finally:
        board.notion.close()
        app.store.close()
