"""Settings: defaults, environment variables, the OpenAI key fallback, secrets kept secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bidboard.errors import ConfigError
from bidboard.settings import Settings, load_settings


def test_defaults() -> None:
    settings = load_settings(env_file=None)
    assert settings.notion_base_url == "https://api.notion.com"
    assert settings.notion_version == "2026-03-11"
    assert settings.data_dir == Path(".bidboard")
    assert settings.notion_token is None and settings.openai_api_key is None
    assert settings.timezone == "UTC"


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIDBOARD_NOTION_TOKEN", "ntn_canary_123")
    monkeypatch.setenv("BIDBOARD_NOTION_BASE_URL", "http://127.0.0.1:8765/")
    monkeypatch.setenv("BIDBOARD_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("BIDBOARD_DATA_DIR", "/tmp/bb")
    settings = load_settings(env_file=None)
    assert settings.notion_token is not None
    assert settings.notion_token.get_secret_value() == "ntn_canary_123"
    assert settings.notion_base_url == "http://127.0.0.1:8765"
    assert settings.tz.key == "Europe/Berlin"
    assert settings.data_dir == Path("/tmp/bb")


def test_openai_key_falls_back_to_openai_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fallback")
    key = load_settings(env_file=None).openai_api_key
    assert key is not None and key.get_secret_value() == "sk-fallback"
    monkeypatch.setenv("BIDBOARD_OPENAI_API_KEY", "sk-preferred")
    key = load_settings(env_file=None).openai_api_key
    assert key is not None and key.get_secret_value() == "sk-preferred"


def test_env_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / "bidboard.env"
    env.write_text("BIDBOARD_OPENAI_MODEL=gpt-test\n")
    assert load_settings(env_file=env).openai_model == "gpt-test"


def test_secrets_never_print() -> None:
    settings = Settings(notion_token="ntn_canary_secret", openai_api_key="sk-canary-secret")
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert "canary" not in shown


def test_bad_values_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIDBOARD_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("BIDBOARD_NOTION_RATE_LIMIT", "-1")
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None)
    assert "BIDBOARD_TIMEZONE" in str(caught.value) and "Mars/Olympus" in str(caught.value)
    assert "BIDBOARD_NOTION_RATE_LIMIT" in str(caught.value)
