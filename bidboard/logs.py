"""Logging, set up once: ``key=value`` messages on stderr."""

from __future__ import annotations

import logging
import os

from bidboard.redact import RedactFilter

_FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"
_configured = False


def configure_logging(level: str | int | None = None) -> None:
    global _configured
    if _configured:
        return
    chosen = level or os.environ.get("BIDBOARD_LOG_LEVEL", "INFO")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactFilter())  # an echoed key never reaches stderr or serve.log
    root = logging.getLogger("bidboard")
    root.addHandler(handler)
    root.setLevel(chosen)
    for name in ("notion_emulator", "notion_client"):
        library = logging.getLogger(name)
        library.addHandler(handler)
        library.setLevel(logging.WARNING)
        library.propagate = False
    _configured = True
