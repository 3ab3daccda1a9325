"""What people really type into settings: a feed URL instead of a JSON list, half a mailbox,
inverted score thresholds, a Notion page URL for the parent page. Each is accepted the way a
person means it, or refused with the setting named, never a traceback, never a silent skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from bidboard.cli import main
from bidboard.errors import ConfigError
from bidboard.loaders import load_searches
from bidboard.scoring.searches import EXAMPLE_PATH
from bidboard.settings import load_settings


def test_a_list_setting_takes_a_plain_url_or_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BIDBOARD_FEEDS", "https://alerts.example/rss")
    assert load_settings(env_file=None).feeds == ("https://alerts.example/rss",)
    monkeypatch.setenv("BIDBOARD_FEEDS", "Shopify=https://a.example/rss, https://b.example/rss")
    assert load_settings(env_file=None).feeds == (
        "Shopify=https://a.example/rss",
        "https://b.example/rss",
    )
    monkeypatch.setenv("BIDBOARD_FEEDS", '["https://c.example/rss"]')  # JSON, as before
    assert load_settings(env_file=None).feeds == ("https://c.example/rss",)
    monkeypatch.setenv("BIDBOARD_ALLOWED_HOSTS", "hooks.slack.com")
    assert load_settings(env_file=None).allowed_hosts == ("hooks.slack.com",)


def test_a_list_setting_that_cannot_be_read_is_a_named_error_in_every_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BIDBOARD_ALLOWED_HOSTS", '["hooks.slack.com"')  # a bracket missing
    with pytest.raises(ConfigError, match="BIDBOARD_ALLOWED_HOSTS"):
        load_settings(env_file=None)
    for command in (["sync"], ["verify"], ["metrics"], ["alerts", "quarantine"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.startswith("bidboard: error: invalid settings: BIDBOARD_ALLOWED_HOSTS")
        assert "Traceback" not in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "given",
    [
        {"BIDBOARD_IMAP_HOST": "imap.example.com", "BIDBOARD_IMAP_USER": "alerts"},
        {"BIDBOARD_IMAP_HOST": "imap.example.com", "BIDBOARD_IMAP_PASSWORD": "app-password"},
        {"BIDBOARD_IMAP_USER": "alerts"},
    ],
)
def test_half_a_mailbox_is_a_settings_error(
    given: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match="IMAP mailbox is incomplete") as error:
        load_settings(env_file=None)
    missing = {"BIDBOARD_IMAP_HOST", "BIDBOARD_IMAP_USER", "BIDBOARD_IMAP_PASSWORD"} - set(given)
    assert all(name in str(error.value) for name in missing)
    assert "app-password" not in str(error.value)
    assert main(["sync"]) == 2  # the flows and every command: the same rule
    assert "IMAP mailbox is incomplete" in capsys.readouterr().err


def test_inverted_score_thresholds_are_refused(tmp_path: Path) -> None:
    text = EXAMPLE_PATH.read_text()
    assert "thresholds:" in text
    inverted = tmp_path / "searches.yaml"
    inverted.write_text(
        text.split("thresholds:")[0] + "thresholds:\n  shortlist: 40\n  review: 70\n"
    )
    with pytest.raises(ConfigError, match=r"review \(70\) must not be above shortlist \(40\)"):
        load_searches(inverted)


def test_a_notion_page_url_is_taken_as_the_parent_page_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bidboard.settings import notion_page_id

    url = "https://www.notion.so/acme/Bidboard-1f2e3d4c5b6a79881234567890abcdef?pvs=4"
    wanted = "1f2e3d4c-5b6a-7988-1234-567890abcdef"
    assert notion_page_id(url) == wanted
    assert notion_page_id("1f2e3d4c5b6a79881234567890abcdef") == wanted
    assert notion_page_id(wanted) == wanted
    monkeypatch.setenv("BIDBOARD_NOTION_PARENT_PAGE_ID", url)
    assert load_settings(env_file=None).notion_parent_page_id == wanted
    with pytest.raises(ValueError, match="no Notion page id"):
        notion_page_id("https://www.notion.so/acme/just-a-title")


def test_init_under_a_page_given_by_its_url(
    live_server: tuple[object, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pydantic import SecretStr

    from bidboard.cli import schema as schema_commands
    from bidboard.runtime import notion_from_settings
    from bidboard.settings import Settings

    server = live_server[0]
    settings = Settings(
        notion_token=SecretStr("url-test"),
        notion_base_url=server.url,  # type: ignore[attr-defined]
        notion_rate_limit=1000,
        data_dir=tmp_path,
    )
    notion = notion_from_settings(settings)
    try:
        root = notion.call("root", notion.client.search, safe=True, query="bidboard")
        page = str(root["results"][0]["id"])
        url = f"https://www.notion.so/acme/bidboard-{page.replace('-', '')}?pvs=4"
        assert schema_commands.run_init(settings, url, notion) == 0
    finally:
        notion.close()
    assert "Jobs: created" in capsys.readouterr().out
