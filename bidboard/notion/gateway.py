"""The board gateway: the only code that reads and writes job cards in Notion.

Requests are the scarce resource (about 3 a second per integration), so:

* dedupe asks for up to 100 job keys in one ``data_sources.query`` (an ``or`` of equals), and
  reads back only the properties it needs (``filter_properties``);
* a new card is one ``pages.create`` with its properties and its page content, when the
  content fits Notion's limits (100 blocks, 1,000 in all, 500 KB); otherwise the card is created
  with what fits, the rest appended in chunks of 100, and only then is its ``Draft
  fingerprint`` written: a card without it is recognised on the next run and its content
  rewritten, so a crash between two writes never leaves a half card for good;
* a create is never resent blindly: if its answer is lost, the job key is looked up first;
* a write that would set a stage people own raises :class:`HumanStageError` before any
  request is built;
* a write to an existing card reads the card's stage again right before it is sent, and
  raises :class:`HumanStageError` when the card is no longer in a machine-owned stage: a person
  may move it at any time (a stage bidboard does not know, "On hold", is a person's too).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from bidboard.board import CardRef, card_ref, guard_stage, machine_owned
from bidboard.errors import CardError, HumanStageError, NotionError
from bidboard.models import JobCard, Stage, StoredCard
from bidboard.notion import blocks as b
from bidboard.notion import queries as q
from bidboard.notion.client import Notion, is_transient
from bidboard.notion.workspace import Workspace, property_id
from bidboard.schema.codecs import decode_card, encode_card, encode_properties, plain_text
from bidboard.schema.databases import JOBS, MACHINE_FIELDS, STAMP_FIELDS

logger = logging.getLogger(__name__)

MAX_CHILDREN = 100
MAX_BLOCKS = 1000
MAX_BYTES = 450 * 1024  # Notion's limit is 500 KB a request; keep a margin
DEDUPE_BATCH = 100
_STAGES = {stage.value for stage in Stage}


class BoardGateway:
    def __init__(
        self, notion: Notion, workspace: Workspace, *, dedupe_batch: int = DEDUPE_BATCH
    ) -> None:
        self.notion = notion
        self.ids = workspace.ids(JOBS.key)
        self.dedupe_batch = dedupe_batch
        self._warned_missing: set[tuple[str, str]] = set()

    # --- reads -----------------------------------------------------------------------------

    def _ref(self, page: dict[str, Any]) -> CardRef:
        props = page["properties"]
        stage = (props.get("Stage") or {}).get("select")
        stage_name = stage["name"] if stage else None
        return CardRef(
            page_id=page["id"],
            job_key=plain_text((props.get("Job key") or {}).get("rich_text")),
            stage=Stage(stage_name)
            if isinstance(stage_name, str) and stage_name in _STAGES
            else None,
            draft_fingerprint=plain_text((props.get("Draft fingerprint") or {}).get("rich_text")),
            url=page.get("url"),
            stage_name=stage_name if isinstance(stage_name, str) else None,
        )

    def stage_now(self, page_id: str) -> str | None:
        """The card's stage as the board holds it this moment (one request)."""
        page = self.notion.call(
            "read stage",
            self.notion.client.pages.retrieve,
            page_id,
            safe=True,
            filter_properties=self._property_ids(["Stage"]),
        )
        stage = ((page.get("properties") or {}).get("Stage") or {}).get("select")
        return str(stage["name"]) if stage else None

    def guard_unmoved(self, ref: CardRef) -> None:
        """Raise :class:`HumanStageError` if a person has moved the card out of bidboard's
        stages since ``ref`` was read: called right before each write to an existing card."""
        now = self.stage_now(ref.page_id)
        if not machine_owned(now):
            raise HumanStageError(
                f"the card {ref.job_key} is in {now!r} now, where a person put it; "
                "bidboard leaves it there"
            )

    def _query(self, what: str, **query: Any) -> Iterator[dict[str, Any]]:
        """Stream the pages of a query, 100 at a time, following cursors. An error that names
        a property by its id (one the workspace file knows) names it by its name too."""
        try:
            yield from self.notion.paginate(
                what, self.notion.client.data_sources.query, self.ids.data_source_id, **query
            )
        except NotionError as error:
            named = q.name_properties(str(error), self.ids.property_ids)
            if named == str(error):
                raise
            raise NotionError(
                named, status=error.status, code=error.code, request_id=error.request_id
            ) from error

    def _property_ids(self, names: Iterable[str]) -> list[str]:
        """Ids for ``filter_properties``, decoded once: notion-client puts them in httpx
        ``params``, which percent-encodes them again on the wire (see :func:`property_id`)."""
        present = self._on_board(dict.fromkeys(names), "read")
        return [property_id(self.ids.property_ids[n]) if n in self.ids.property_ids else n
                for n in present]  # fmt: skip

    def find_cards(self, keys: Iterable[str]) -> dict[str, CardRef]:
        """Cards already on the board for these job keys, in one query per 100 keys."""
        unique = list(dict.fromkeys(k for k in keys if k))
        found: dict[str, CardRef] = {}
        for start in range(0, len(unique), self.dedupe_batch):
            batch = unique[start : start + self.dedupe_batch]
            for page in self._query(
                "dedupe job keys",
                filter=q.keys_filter(batch),
                filter_properties=self._property_ids(q.DEDUPE_PROPERTIES),
            ):
                ref = self._ref(page)
                found.setdefault(ref.job_key, ref)  # the oldest card wins if a key repeats
        return found

    def iter_cards(
        self,
        *,
        filter: dict[str, Any] | None = None,
        properties: Iterable[str] | None = None,
        sorts: list[dict[str, Any]] | None = None,
    ) -> Iterator[StoredCard]:
        """Every matching card, streamed; with ``properties``, only those are read."""
        query: dict[str, Any] = {}
        if filter is not None:
            query["filter"] = filter
        if sorts is not None:
            query["sorts"] = sorts
        if properties is not None:
            query["filter_properties"] = self._property_ids(properties)
        for page in self._query("read cards", **query):
            yield decode_card(page)

    def cards_drafted_since(self, since: datetime, fields: Iterable[str]) -> Iterator[StoredCard]:
        """The cards drafted at or after ``since`` (``Drafted at``), with only ``fields`` read."""
        return self.iter_cards(
            filter=q.drafted_since_filter(since), properties=q.property_names(fields)
        )

    def cards_edited_since(
        self, since: datetime | None, fields: Iterable[str]
    ) -> Iterator[StoredCard]:
        """The cards edited at or after ``since`` (their ``last_edited_time``; every card when
        None), with only ``fields`` read."""
        flt = None if since is None else q.edited_since_filter(since)
        return self.iter_cards(filter=flt, properties=q.property_names(fields))

    # --- writes ----------------------------------------------------------------------------

    def _split_content(
        self, properties: dict[str, Any], content: list[b.Block]
    ) -> tuple[list[b.Block], list[b.Block]]:
        """The blocks that fit in the create request, and the rest."""
        first: list[b.Block] = []
        used = b.size(properties) + 200
        total = 0
        for i, block in enumerate(content):
            weight, blocks = b.size(block), b.count([block])
            if (
                len(first) >= MAX_CHILDREN
                or used + weight > MAX_BYTES
                or total + blocks > MAX_BLOCKS
            ):
                return first, content[i:]
            first.append(block)
            used, total = used + weight, total + blocks
        return first, []

    def create_card(self, card: JobCard, content: list[b.Block] | None = None) -> CardRef:
        """A new card with its content, in one request when it fits (see the module doc)."""
        guard_stage(card.stage)
        content = content or []
        try:  # CodecError (inf), UnicodeEncodeError (a lone surrogate): this card alone fails
            properties = encode_card(card)
            first, rest = self._split_content(properties, content)
            if rest:  # the fingerprint marks complete content: write it last
                properties = encode_card(card, set(JOBS.by_field()) - {"draft_fingerprint"})
        except ValueError as error:
            raise CardError(f"card {card.job_key} cannot be written: {error}") from error
        page = self._create_once(card.job_key, self._on_board(properties, "written"), first)
        if rest:
            self._append(page.page_id, rest)
            if card.draft_fingerprint:
                self.notion.call(
                    "mark content complete",
                    self.notion.client.pages.update,
                    page.page_id,
                    safe=True,
                    properties=encode_card(card, {"draft_fingerprint"}),
                )
        return CardRef(
            page.page_id,
            card.job_key,
            card.stage,
            card.draft_fingerprint,
            page.url,
            card.stage.value if card.stage else None,
        )

    def _create_once(
        self, job_key: str, properties: dict[str, Any], children: list[b.Block]
    ) -> CardRef:
        attempts = self.notion.attempts
        for attempt in range(1, attempts + 1):
            try:
                page = self.notion.call(
                    "create card",
                    self.notion.client.pages.create,
                    safe=False,
                    parent={"type": "data_source_id", "data_source_id": self.ids.data_source_id},
                    properties=properties,
                    children=children,
                )
                return self._ref(page)
            except NotionError as error:
                if not is_transient(error, safe=True) or attempt == attempts:
                    raise
                landed = self.find_cards([job_key]).get(job_key)
                if landed is not None:  # the answer was lost, the card was not
                    logger.info("create answered with an error but landed job_key=%s", job_key)
                    return landed
                logger.warning("create failed, retrying job_key=%s error=%s", job_key, error.code)
        raise AssertionError("unreachable")  # pragma: no cover

    def _append(self, page_id: str, content: list[b.Block]) -> None:
        for start in range(0, len(content), MAX_CHILDREN):
            self.notion.call(
                "append content",
                self.notion.client.blocks.children.append,
                page_id,
                safe=False,
                children=content[start : start + MAX_CHILDREN],
            )

    def update_card(self, ref: CardRef, values: dict[str, Any]) -> None:
        """Set some fields of a card (by JobCard field name). The card's stage is read again
        first: a card a person has moved meanwhile is not written (:class:`HumanStageError`)."""
        if "stage" in values:
            guard_stage(values["stage"], current=ref.stage_name or ref.stage)
        if not values:
            return
        self.guard_unmoved(ref)
        self.notion.call(
            "update card",
            self.notion.client.pages.update,
            ref.page_id,
            safe=True,
            properties=self._on_board(encode_properties(JOBS, values), "written"),
        )

    def _on_board(self, properties: dict[str, Any], what: str) -> dict[str, Any]:
        """``properties`` without those the board does not have yet: a workspace made by an
        earlier version lacks the newest properties until ``bidboard migrate`` adds them, and
        Notion refuses a read or a write that names one. Cards are still read and written
        (without those), and the run says once which properties wait for ``migrate``."""
        known = self.ids.property_ids
        if not known:
            return properties
        missing = sorted(name for name in properties if name not in known)
        if not missing:
            return properties
        said = {(what, name) for name in missing}
        if not self._warned_missing.issuperset(said):
            self._warned_missing.update(said)
            logger.warning(
                "properties not %s until `bidboard migrate` adds them missing=%s",
                what,
                ",".join(missing),
            )
        return {name: value for name, value in properties.items() if name in known}

    def stamp_card(self, page_id: str, stamps: dict[str, Any]) -> None:
        """Write stage stamps (``submitted_at`` …) and nothing else: board sync's only write."""
        others = set(stamps) - STAMP_FIELDS
        if others:
            raise HumanStageError(f"board sync writes only stage stamps, not {sorted(others)}")
        if stamps:
            self.notion.call(
                "stamp card",
                self.notion.client.pages.update,
                page_id,
                safe=True,
                properties=encode_properties(JOBS, stamps),
            )

    def replace_content(self, ref: CardRef, content: list[b.Block]) -> None:
        """Rewrite a card's content (used to complete a card a crash left half written), unless
        a person has moved the card meanwhile (:class:`HumanStageError`)."""
        self.guard_unmoved(ref)
        self.notion.call(
            "erase content",
            self.notion.client.pages.update,
            ref.page_id,
            safe=True,
            erase_content=True,
        )
        self._append(ref.page_id, content)

    def upsert_card(
        self, card: JobCard, content: list[b.Block] | None = None, existing: CardRef | None = None
    ) -> tuple[CardRef, bool]:
        """Create the card, or bring an existing one up to date; returns (ref, created).

        A card a person has moved into their stages is left exactly as it is. Otherwise only the
        fields bidboard computes are written (never Connects, Bid, Contract value or the stage
        stamps), and the content is rewritten only when a crash left it incomplete (its draft
        fingerprint differs).
        """
        guard_stage(card.stage)
        if existing is None:
            existing = self.find_cards([card.job_key]).get(card.job_key)
        if existing is None:
            return self.create_card(card, content), True
        if not existing.machine_owned:
            return existing, False
        if (
            card.draft_fingerprint
            and content
            and existing.draft_fingerprint != card.draft_fingerprint
        ):
            self.replace_content(existing, content)
        values = {f: getattr(card, f) for f in MACHINE_FIELDS}
        if card.stage is None:
            values.pop("stage")
        self.update_card(existing, values)
        return existing, False

    # --- jobs seen under another key (derived keys) ------------------------------------------

    def cards_near(self, since: datetime, titles: Iterable[str]) -> list[StoredCard]:
        """Cards posted (or received) since ``since`` that are under a derived key or are named
        one of ``titles``: where a job seen before under another key can be. One query per 99
        titles, with only the properties that tell jobs apart."""
        found: dict[str, StoredCard] = {}
        for flt in q.near_filters(since, titles):
            for stored in self.iter_cards(filter=flt, properties=q.IDENTITY_PROPERTIES):
                found[stored.page_id] = stored
        return list(found.values())

    def adopt_key(self, stored: StoredCard, job_key: str, job_url: str) -> CardRef:
        """Give a card under a derived key the job's real key and URL, and nothing else."""
        self.notion.call(
            "adopt job key",
            self.notion.client.pages.update,
            stored.page_id,
            safe=True,
            properties=encode_properties(JOBS, {"job_key": job_key, "job_url": job_url}),
        )
        return replace(card_ref(stored), job_key=job_key)
