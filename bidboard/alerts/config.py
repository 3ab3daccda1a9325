"""Building the configured alert sources from settings."""

from __future__ import annotations

from bidboard.inbox.sources import (
    AlertSource,
    FeedSource,
    FolderSource,
    ImapConfig,
    ImapSource,
    SpoolSource,
)
from bidboard.settings import Settings
from bidboard.state import StateStore


def feed_entries(settings: Settings) -> list[tuple[str | None, str]]:
    """``"Name=URL"`` or ``"URL"`` entries as (saved search name, URL)."""
    entries: list[tuple[str | None, str]] = []
    for entry in settings.feeds:
        name, sep, url = entry.partition("=")
        if sep and not name.startswith("http"):
            entries.append((name.strip() or None, url.strip()))
        else:
            entries.append((None, entry.strip()))
    return entries


def imap_config(settings: Settings) -> ImapConfig | None:
    """The mailbox of the settings, or None when none is configured."""
    if not (settings.imap_host and settings.imap_user and settings.imap_password):
        return None
    return ImapConfig(
        host=settings.imap_host,
        port=settings.imap_port,
        security=settings.imap_security,
        user=settings.imap_user,
        password=settings.imap_password,
        folder=settings.imap_folder,
        processed_folder=settings.imap_processed_folder,
        quarantine_folder=settings.imap_quarantine_folder,
        ca_file=settings.imap_ca_file,
    )


def sources_from_settings(settings: Settings, store: StateStore) -> list[AlertSource]:
    """Every configured source, and always the webhook spool (alerts the receiver accepted)."""
    sources: list[AlertSource] = [SpoolSource(store)]
    if settings.alerts_dir is not None:
        sources.append(FolderSource(settings.alerts_dir, store))
    mailbox = imap_config(settings)
    if mailbox is not None:
        sources.append(ImapSource(mailbox, store))
    for name, url in feed_entries(settings):
        sources.append(
            FeedSource(url, store, saved_search=name, allowed_hosts=settings.allowed_hosts)
        )
    return sources
