"""Builders shared by the emulator tests."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from notion_client import Client
from pydantic import SecretStr

from bidboard.settings import Settings

STAGES = ["New", "Drafted", "Needs attention", "Reviewing", "Submitted", "Won"]


def text(value: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": value}}]


def make_database(notion: Client, parent: str, title: str = "Jobs") -> tuple[str, str]:
    """A database with one property of every type bidboard uses; returns (database, source)."""
    portfolio: Any = notion.databases.create(
        parent={"type": "page_id", "page_id": parent},
        title=text("Portfolio"),
        initial_data_source={"properties": {"Name": {"title": {}}}},
    )
    portfolio_source = portfolio["data_sources"][0]["id"]
    database: Any = notion.databases.create(
        parent={"type": "page_id", "page_id": parent},
        title=text(title),
        initial_data_source={
            "properties": {
                "Name": {"title": {}},
                "Job key": {"rich_text": {}},
                "Job URL": {"url": {}},
                "Score": {"number": {"format": "number"}},
                "Stage": {"select": {"options": [{"name": s, "color": "blue"} for s in STAGES]}},
                "Skills": {"multi_select": {"options": [{"name": "python", "color": "green"}]}},
                "Review": {"status": {}},
                "Payment verified": {"checkbox": {}},
                "Posted at": {"date": {}},
                "Portfolio matches": {
                    "relation": {
                        "data_source_id": portfolio_source,
                        "type": "single_property",
                        "single_property": {},
                    }
                },
                "Card": {"unique_id": {"prefix": "JOB"}},
                "Created": {"created_time": {}},
                "Edited": {"last_edited_time": {}},
            }
        },
    )
    return database["id"], database["data_sources"][0]["id"]


def portfolio_source(notion: Client, database_source: str) -> str:
    source: Any = notion.data_sources.retrieve(database_source)
    return str(source["properties"]["Portfolio matches"]["relation"]["data_source_id"])


def add_job(notion: Client, source: str, name: str, **values: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {"Name": {"title": text(name)}}
    for key, value in values.items():
        properties[key.replace("_", " ")] = value
    page: Any = notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": source}, properties=properties
    )
    return dict(page)


def init_workspace(settings: Settings) -> None:
    """``bidboard init`` under the emulator's root page, as a user would with its page id."""
    from bidboard.cli import schema as schema_commands
    from bidboard.runtime import notion_from_settings

    notion = notion_from_settings(settings)
    try:
        root = notion.call("root", notion.client.search, safe=True, query="bidboard")
        schema_commands.run_init(settings, root["results"][0]["id"], notion)
    finally:
        notion.close()


def alert_email(key: str, title: str) -> bytes:
    """An Upwork job alert email for one shortlisted job (FastAPI, verified client)."""
    message = EmailMessage()
    message["From"] = "Upwork <donotreply@upwork.com>"
    message["To"] = "agency@example.test"
    message["Subject"] = f"New job alert: {title}"
    message.set_content(
        f"{title} for a logistics dashboard\n"
        f"https://www.upwork.com/jobs/{key}?source=job_alert\n\n"
        "Hourly: $40.00 - $60.00\n"
        "We need an experienced developer to build our FastAPI and PostgreSQL backend.\n"
        "Skills: Python, FastAPI, PostgreSQL\n"
        "Expert · Est. time: 1 to 3 months\n"
        "Payment verified · Rating 4.9 · $79K spent · Germany\n\n"
        "You are receiving this email because you set up job alerts on Upwork.\n"
    )
    return message.as_bytes()


def watch_settings(dovecot: Any, notion_url: str, data_dir: Path) -> Settings:
    """Settings of ``bidboard watch`` on the Dovecot test mailbox (STARTTLS on loopback, a
    folder of its own) and an emulator at ``notion_url``."""
    from tests.support.imap_server import PASSWORD, USER

    return Settings(
        notion_token=SecretStr("watch-test-token"),
        notion_base_url=notion_url,
        notion_rate_limit=1000,
        data_dir=data_dir,
        imap_host="127.0.0.1",
        imap_port=dovecot.imap_port,
        imap_security="starttls",
        imap_user=USER,
        imap_password=SecretStr(PASSWORD),
        imap_folder=f"watch-{uuid.uuid4().hex[:8]}",
        imap_ca_file=dovecot.ca_file,
    )
