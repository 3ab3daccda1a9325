"""A local server that speaks the Notion REST API: bidboard's offline default and test peer.

``create_app()`` builds an ASGI app for in-process use; ``python -m notion_emulator`` serves it.

Where each concern lives (``tests/test_emulator_layout.py`` keeps every module under 420
lines and the imports between them free of cycles):

- ``app`` the emulator (its config, routes, pages and test handles); ``cli`` the command line;
  ``transport`` in-process httpx transports; ``walkthrough`` a scripted tour with the real SDK.
- ``gate`` what stands before every ``/v1`` request: auth, version, rate limit, faults, stats;
  ``budget`` the Free plan's lifetime block limit.
- ``api/`` the REST endpoints, a module per resource (``users``, ``search``, ``databases``,
  ``data_sources`` with query, ``pages``, ``blocks``, ``views``); ``api/routes`` maps paths to
  them; ``api/common`` the request context, pagination, lookups and shared error bodies.
- ``properties`` data source schemas; ``page_values`` page property values; ``query`` filters
  and sorts; ``blocks`` and ``richtext`` block and rich text validation; ``render`` objects as
  each API version answers them; ``errors`` Notion's error bodies; ``ids``; ``store`` (SQLite).
- ``board`` the HTML pages for people (Jinja2 ``templates/``), ``board_data`` what they show,
  ``look`` how values read, ``charts`` chart views as inline SVG.
"""

from .app import Emulator, EmulatorConfig, create_app

__all__ = ["Emulator", "EmulatorConfig", "create_app"]
