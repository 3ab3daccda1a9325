"""Builders for the whole-run tests (reliability, races, poison, sources failing alone): alert
payloads, settings for an emulator on loopback and the Dovecot mailbox, and the board's keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bidboard.cli.localserver import BackgroundServer
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.workspace import load_workspace
from bidboard.runtime import notion_from_settings
from bidboard.settings import Settings
from tests.support.imap_server import PASSWORD, USER


def job(i: int) -> dict[str, Any]:
    stacks = (
        ("FastAPI backend", ["Python", "FastAPI", "PostgreSQL"]),
        ("Airflow pipeline", ["Python", "Airflow"]),
        ("Logo design", ["Illustrator"]),
    )
    title, skills = stacks[i % len(stacks)]
    return {
        "url": f"https://www.upwork.com/jobs/~01{0x5EED0000 + i:016x}",
        "title": f"{title} {i}",
        "description": f"We need a {title.lower()}. " * 4,
        "skills": skills,
        "budget_type": "hourly",
        "budget_min": 40,
        "budget_max": 70,
        "client_payment_verified": True,
        "client_rating": 4.8,
    }


def key_of(alert: dict[str, Any]) -> str:
    return str(alert["url"]).rsplit("/", 1)[1]


def board_keys(settings: Settings) -> list[str]:
    notion = notion_from_settings(settings.model_copy(update={"notion_rate_limit": 1000}))
    try:
        workspace = load_workspace(settings.data_dir, settings.notion_base_url)
        gateway = BoardGateway(notion, workspace)
        return [c.card.job_key for c in gateway.iter_cards(properties=["Job key"])]
    finally:
        notion.close()


def settings_for(server: BackgroundServer, data_dir: Path, **extra: Any) -> Settings:
    return Settings(
        notion_token=SecretStr("race-test"),
        notion_base_url=server.url,
        notion_rate_limit=1000,
        data_dir=data_dir,
        daily_draft_cap=100_000,
        **extra,
    )


def mailbox(dovecot: Any, folder: str, processed: str, **extra: Any) -> dict[str, Any]:
    """The settings of the Dovecot test mailbox (STARTTLS on loopback) and its folders."""
    return {
        "imap_host": "127.0.0.1",
        "imap_port": dovecot.imap_port,
        "imap_security": "starttls",
        "imap_user": USER,
        "imap_password": SecretStr(PASSWORD),
        "imap_folder": folder,
        "imap_processed_folder": processed,
        "imap_ca_file": dovecot.ca_file,
        **extra,
    }
