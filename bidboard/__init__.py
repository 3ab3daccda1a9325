"""bidboard: Upwork job alerts in, scored jobs with drafts on a Notion board out; a person decides
and sends. Where each concern lives:

- ``errors``, ``settings``, ``models``: the vocabulary (the one exception tree, the one Settings,
  stages and cards); ``logs``, ``redact``: logging and the secret filter.
- ``pipeline``, ``sync``, ``metrics``, ``insights``, ``tune``: the decisions (what becomes a card
  and in which stage, what people did on the board, the weekly figures, what gets replies). They
  ask the board by intent (``board``: the ``Board`` protocol the gateway answers, and
  ``CardRef``) and build no Notion JSON. The pipeline's other rooms: ``dedupe`` (the jobs already
  on the board), ``batch`` (what a batch did), ``held_back`` (drafting what the cap held back).
- ``alerts/``: parsers, raw alert to ``JobAlert`` (emails, feeds, JSON, a pasted post); pure.
- ``scoring/``: score, saved searches, similarity, weights; pure.
- ``drafting/``: proposal drafts from the template, the post reader, the compliance linter; pure.
- ``schema/``: the Notion databases and views as data, and the codecs; no I/O.
- ``notion/``: the Notion adapter: the client, the board gateway, card and page content, the
  metrics and insights pages, bootstrap (init/verify/migrate), the workspace file.
- ``ai/``: the OpenAI adapter: the client, the OpenAI drafter, the embeddings and their cache.
- ``inbox/``: the alert sources: folder, IMAP (with IDLE), feeds, the webhook and its spool.
- ``egress``: the HTTP guard every client goes through (never an Upwork host); ``notify``: apprise
  notifications; ``state``: local state (seen alerts, spool, quarantine, watermarks); ``lease``:
  one writer per workspace; ``loaders``: the files a person edits (searches, portfolio, snippets).
- ``runtime``: the only wiring: adapters from settings, the sources, a run's pipeline config, what
  a run holds open. ``ingest`` and ``routines`` are the runs a flow or command makes over it;
  ``summaries`` is what a run tells people in the Prefect UI.
- ``cli/``: the ``bidboard`` command, one module per command group (demo, serve, watch, ...).

The Prefect flows are in the top-level ``flows`` package, the Notion emulator in
``notion_emulator``.
"""
