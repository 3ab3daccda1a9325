"""The only wiring: the real adapters built from settings, the configured alert sources, a run's
pipeline config, and what a flow run or a command holds open (:class:`Runtime`).

Every entry point (the flows, ``bidboard demo``, ``bidboard watch``, the commands) builds its
Notion, OpenAI and mailbox clients here; the core never does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

import httpx

from bidboard.ai.client import build_openai_client
from bidboard.ai.drafter import OpenAIDrafter
from bidboard.ai.embeddings import embedding_index
from bidboard.alerts.alert import JobAlert
from bidboard.batch import BatchReport
from bidboard.drafting.template import TemplateDrafter
from bidboard.errors import LeaseBusy
from bidboard.inbox.imap import ImapConfig, ImapSource
from bidboard.inbox.sources import AlertSource, FeedSource, FolderSource, SpoolSource
from bidboard.ingest import IngestResult, held_by, run_ingest
from bidboard.lease import write_lease
from bidboard.loaders import load_searches, load_snippets
from bidboard.notion.card import card_content
from bidboard.notion.client import Notion, build_notion_client
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.portfolio import portfolio_for_run, read_snippets
from bidboard.notion.workspace import Workspace, load_workspace
from bidboard.pipeline import PipelineConfig, process_alerts
from bidboard.redact import settings_secrets
from bidboard.scoring.portfolio import PortfolioItem
from bidboard.scoring.score import Portfolio
from bidboard.scoring.searches import EXAMPLE_PATH
from bidboard.settings import Settings
from bidboard.state import StateStore

logger = logging.getLogger(__name__)


# -- adapters -------------------------------------------------------------------------------


def notion_from_settings(
    settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> Notion:
    return Notion(build_notion_client(settings, transport=transport))


def portfolio_matcher(
    settings: Settings, items: list[PortfolioItem], resources: ExitStack
) -> Portfolio:
    """Portfolio fit by OpenAI embeddings when a key is configured (the portfolio embedded now,
    each batch before it is scored), else TF-IDF. The OpenAI client and the embedding cache are
    closed with ``resources``."""
    if settings.openai_api_key is None:
        return Portfolio.build(items)
    active = [i for i in items if i.active]
    client = build_openai_client(settings)
    resources.callback(client.close)
    index = embedding_index(
        [i.text() for i in active], client, settings.data_dir, settings.openai_embedding_model
    )
    resources.callback(index.cache.close)
    return Portfolio.build(active, embeddings=index)


def workspace_from_settings(settings: Settings) -> Workspace:
    return load_workspace(settings.data_dir, settings.notion_base_url)


# -- alert sources --------------------------------------------------------------------------


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


# -- saved searches ------------------------------------------------------------------------


def saved_search_choices(settings: Settings, default: str | None) -> list[str]:
    """The form's choices for ``saved_search``: "every saved search" (the default), then the
    name of each search in the searches file, as the card would show it."""
    names = [s.card_value for s in load_searches(settings.searches_file or EXAMPLE_PATH).searches]
    return list(dict.fromkeys([*([default] if default else []), *names]))


# -- a run's pipeline config ------------------------------------------------------------------


def configured_drafter(
    settings: Settings, template: TemplateDrafter, resources: ExitStack
) -> OpenAIDrafter | TemplateDrafter:
    """The drafter the settings ask for: OpenAI (its client closed with ``resources``) when a
    key is set, otherwise ``template``."""
    if settings.openai_api_key is None:
        return template
    client = build_openai_client(
        settings, max_retries=settings.openai_max_retries, timeout=settings.openai_timeout
    )
    resources.callback(client.close)
    return OpenAIDrafter(client, settings.openai_model, settings.portfolio_hosts)


def pipeline_config(settings: Settings, notion: Notion, workspace: Workspace) -> PipelineConfig:
    """Searches, portfolio, snippets and drafter for a run, from settings and Notion. Close it
    (``config.close()``) when the run ends: it may hold OpenAI clients."""
    items = portfolio_for_run(notion, workspace, settings.data_dir)
    sample = load_snippets()  # fills a kind the agency's library lacks
    template = TemplateDrafter(read_snippets(notion, workspace) or sample, sample)
    resources = ExitStack()
    drafter = configured_drafter(settings, template, resources)
    return PipelineConfig(
        resources=resources,
        searches=load_searches(settings.searches_file or EXAMPLE_PATH),
        portfolio=portfolio_matcher(settings, items, resources),
        portfolio_items=items,
        drafter=drafter,
        template=template,
        card_page=card_content,
        daily_cap=settings.daily_draft_cap,
        timezone=settings.timezone,
        voice=settings.agency_voice,
        signature=settings.agency_signature,
        portfolio_hosts=settings.portfolio_hosts,
    )


# -- what a run holds open ------------------------------------------------------------------


@dataclass
class Runtime:
    settings: Settings
    notion: Notion
    workspace: Workspace
    gateway: BoardGateway
    store: StateStore
    resources: ExitStack = field(default_factory=ExitStack)

    def pipeline_config(self) -> PipelineConfig:
        """The run's pipeline config, closed (its OpenAI clients too) with the runtime."""
        config = pipeline_config(self.settings, self.notion, self.workspace)
        self.resources.callback(config.close)
        return config

    def put_on_board(self, alerts: list[JobAlert], role: str) -> BatchReport:
        """The one way jobs that did not come through :meth:`ingest` (a job pasted by hand)
        reach the board: under the write lease, with the run's pipeline config, and every job the
        daily cap holds back remembered for ``draft_pending``."""
        with write_lease(self.settings, role):
            return process_alerts(alerts, self.gateway, self.pipeline_config(), held_by(self.store))

    def ingest(self) -> IngestResult:
        """One ingest run over every configured source, holding the workspace's write lease;
        the sources are closed after it (IMAP logs out, feeds close their clients). When another
        process holds the lease past ``BIDBOARD_WRITE_LEASE_WAIT``, the run reads nothing and
        says so (``result.busy``): the next run reads what is waiting."""
        sources = sources_from_settings(self.settings, self.store)
        try:  # the pipeline config (two reads of Notion) only if an alert arrived
            with write_lease(self.settings, "ingest"):  # a skipped run reads nothing at all
                return run_ingest(sources, self.gateway, self.pipeline_config, self.store)
        except LeaseBusy as busy:
            logger.warning("ingest skipped, nothing read or written reason=%s", busy)
            return IngestResult(batch=BatchReport(), busy=str(busy))
        finally:
            for source in sources:
                source.close()


@contextmanager
def opened(settings: Settings) -> Iterator[Runtime]:
    settings_secrets(settings)  # known to the log filter from now on (bidboard.redact)
    workspace = workspace_from_settings(settings)
    notion = notion_from_settings(settings)
    store = StateStore.in_data_dir(settings.data_dir)
    runtime = Runtime(settings, notion, workspace, BoardGateway(notion, workspace), store)
    try:
        yield runtime
    finally:
        runtime.resources.close()
        store.close()
        notion.close()
