"""One ``Settings`` object, read from ``BIDBOARD_*`` environment variables (and ``.env``).

Tokens are ``SecretStr``: they never print, log or serialise in clear.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from bidboard.errors import ConfigError

NOTION_API_VERSION = "2026-03-11"
_NOTION_ID = re.compile(
    r"([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})"
)


def notion_page_id(value: str) -> str:
    """A Notion page id from what a person pastes: the id (with or without dashes) or the
    page's URL (``https://www.notion.so/Team/Bidboard-1f2e…?pvs=4``)."""
    text = value.strip()
    if "/" in text or "?" in text or "#" in text:
        path = text.split("?", 1)[0].split("#", 1)[0].rstrip("/")
        found = _NOTION_ID.findall(path.rsplit("/", 1)[-1].lower())
        if not found:
            raise ValueError(f"no Notion page id in {value!r}")
        parts = found[-1]
    else:
        match = _NOTION_ID.fullmatch(text.lower())
        if match is None:
            return text  # the emulator's and tests' ids are checked by Notion itself
        parts = match.groups()
    return "-".join(parts)


def _list_setting(value: Any) -> Any:
    """A list setting from the environment: a JSON list, or what a person types, comma (or
    space) separated: ``BIDBOARD_FEEDS=https://a.example/rss,https://b.example/rss``."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except ValueError:
            raise ValueError(f"not a JSON list: {text[:80]!r}") from None
    return [item.strip() for item in re.split(r"[,\s]+", text) if item.strip()]


ListSetting = Annotated[tuple[str, ...], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BIDBOARD_",
        extra="ignore",
        populate_by_name=True,
        frozen=True,
    )

    notion_token: SecretStr | None = Field(
        default=None, description="Notion integration token (internal integration secret)."
    )
    notion_base_url: str = Field(
        default="https://api.notion.com",
        description="Notion API base URL; the local emulator's URL for offline use.",
    )
    notion_version: str = Field(
        default=NOTION_API_VERSION, description="Notion-Version header sent on every request."
    )
    notion_parent_page_id: str | None = Field(
        default=None, description="Notion page under which `bidboard init` creates databases."
    )
    notion_rate_limit: float = Field(
        default=3.0, gt=0, description="Requests per second bidboard paces itself to."
    )
    notion_global_limit: str | None = Field(
        default=None,
        description="Name of a Prefect global concurrency limit that paces Notion calls across "
        "workers (scale-out); unset: each process paces itself to notion_rate_limit.",
    )
    write_lease_wait: float = Field(
        default=60.0,
        ge=0,
        description="Seconds a writer waits for the workspace's write lease (another ingest, "
        "init or metrics run holds it) before it skips, with a log line.",
    )
    write_lease_limit: str | None = Field(
        default=None,
        description="Prefect global concurrency limit (limit 1) used as the write lease across "
        "machines; default `<notion_global_limit>-writes` when that is set.",
    )
    data_dir: Path = Field(
        default=Path(".bidboard"),
        description="Local state: config, caches, quarantine, emulator data.",
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "BIDBOARD_OPENAI_API_KEY", "OPENAI_API_KEY", "openai_api_key"
        ),
        description="OpenAI key; falls back to OPENAI_API_KEY. Unset: template drafter.",
    )
    openai_base_url: str | None = Field(
        default=None, description="Any OpenAI-compatible endpoint (Azure, Ollama, vLLM)."
    )
    openai_model: str = Field(default="gpt-4o-mini", description="Model used for drafting.")
    openai_timeout: float = Field(default=60.0, gt=0, description="OpenAI call timeout (s).")
    openai_max_retries: int = Field(default=2, ge=0, description="openai SDK retries.")
    daily_draft_cap: int = Field(default=25, ge=0, description="Drafts a day at most.")
    agency_voice: str = Field(
        default="friendly, direct, specific", description="The voice drafts are written in."
    )
    agency_signature: str = Field(default="", description="Signature ending every draft.")
    openai_embedding_model: str = Field(
        default="text-embedding-3-small",
        description="Embedding model for portfolio fit (used when a key is set).",
    )
    timezone: str = Field(
        default="UTC", description="The agency's timezone (IANA name) for weeks and schedules."
    )
    searches_file: Path | None = Field(
        default=None, description="YAML file of saved searches (a commented example ships)."
    )
    alerts_dir: Path | None = Field(
        default=None, description="Folder of .eml/.mbox (and feed/JSON) alert files to read."
    )
    imap_host: str | None = Field(default=None, description="IMAP server of the alert mailbox.")
    imap_port: int | None = Field(default=None, description="IMAP port (993 ssl, 143 starttls).")
    imap_security: Literal["ssl", "starttls", "none"] = Field(
        default="ssl", description="ssl, starttls, or none (loopback only)."
    )
    imap_user: str | None = Field(default=None, description="IMAP login.")
    imap_password: SecretStr | None = Field(default=None, description="IMAP password.")
    imap_folder: str = Field(default="INBOX", description="Folder the alerts arrive in.")
    imap_processed_folder: str = Field(
        default="bidboard-processed", description="Where a message goes once its cards exist."
    )
    imap_quarantine_folder: str = Field(
        default="bidboard-quarantine", description="Where an unusable message goes."
    )
    imap_ca_file: str | None = Field(default=None, description="CA bundle for the IMAP server.")
    feeds: ListSetting = Field(
        default=(),
        description='Third-party alert feeds, "URL" or "Name=URL", comma separated or a JSON list.',
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Shared secret of the webhook receiver (16+ characters)."
    )
    webhook_max_bytes: int = Field(
        default=1024 * 1024, gt=0, description="Largest webhook body accepted."
    )
    notify_urls: SecretStr | None = Field(
        default=None,
        description="apprise URLs (space or comma separated) told of strong matches: "
        "slack://…, tgram://…, mailtos://…, json://…",
    )
    notify_block: str | None = Field(
        default=None,
        description="A Prefect notification block told of strong matches, as "
        "'<block type>/<name>' (e.g. 'slack-webhook/agency').",
    )
    notify_min_score: float = Field(
        default=80, ge=0, le=100, description="The score from which a new job is notified."
    )
    allowed_hosts: ListSetting = Field(
        default=(),
        description="Extra hosts bidboard's HTTP clients may reach, besides Notion and OpenAI "
        "(comma separated or a JSON list).",
    )
    portfolio_hosts: tuple[str, ...] = Field(
        default=(),
        description="Hosts a draft may link to for portfolio work (e.g. github.com, "
        "behance.net); contact channels stay forbidden.",
    )

    @field_validator("feeds", "allowed_hosts", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _list_setting(value)

    @field_validator("notion_parent_page_id")
    @classmethod
    def _page_id(cls, value: str | None) -> str | None:
        return notion_page_id(value) if value else value

    @model_validator(mode="after")
    def _complete_mailbox(self) -> Settings:
        """A mailbox is configured whole or not at all: half of one is a mistake, never a
        silently skipped source."""
        given = {
            "BIDBOARD_IMAP_HOST": self.imap_host,
            "BIDBOARD_IMAP_USER": self.imap_user,
            "BIDBOARD_IMAP_PASSWORD": self.imap_password,
        }
        missing = [name for name, value in given.items() if not value]
        if 0 < len(missing) < len(given):
            raise ValueError(
                f"the IMAP mailbox is incomplete: {', '.join(missing)} not set "
                "(set all three, or none)"
            )
        return self

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA timezone {value!r}") from None
        return value

    @field_validator("notion_base_url", "openai_base_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Settings from the environment (and ``env_file`` when it exists), or a ``ConfigError``
    that names every bad variable."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as error:
        problems = "; ".join(
            f"BIDBOARD_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            if e["loc"]
            else e["msg"].removeprefix("Value error, ")
            for e in error.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None
    except SettingsError as error:  # a value pydantic-settings could not even decode
        raise ConfigError(f"invalid settings: {error}") from None
