"""``bidboard watch``: ingest as soon as an alert email arrives (IMAP IDLE), not on the next
5-minute schedule. Replies drop quickly after a job's first hour, so minutes matter.

One IMAP connection only waits in IDLE (RFC 2177) on the alerts folder; when the server announces
new mail, or every ``idle_seconds`` anyway (servers end IDLE after 30 minutes; a quiet mailbox is
polled as a safety net), a normal ingest run reads every configured source, exactly as the
``ingest_alerts`` flow does. A dropped connection is opened again. Ctrl-C stops it.

A run that fails (Notion down, the IMAP server gone, another error) is logged and tried again
after a back-off that doubles from ``backoff`` seconds up to ``max_backoff``; the watch goes on.
Only bad settings (:class:`~bidboard.errors.ConfigError`) end it.
"""

from __future__ import annotations

import imaplib
import logging
import time
from collections.abc import Callable
from dataclasses import replace

from bidboard.errors import AlertError, ConfigError
from bidboard.inbox.imap import Idler, ImapSource
from bidboard.ingest import IngestResult
from bidboard.notify import notify_strong_matches
from bidboard.redact import redact_text
from bidboard.runtime import imap_config, opened
from bidboard.settings import Settings

logger = logging.getLogger(__name__)


def ingest_once(settings: Settings) -> IngestResult:
    """One ingest run over every configured source (what the ingest_alerts flow does)."""
    with opened(settings) as runtime:
        result = runtime.ingest()
    notify_strong_matches(result.batch.outcomes, settings)
    return result


def _pause(seconds: float, keep_going: Callable[[], bool]) -> None:
    """Sleep ``seconds``, or less if ``keep_going()`` turns false."""
    deadline = time.monotonic() + seconds
    while keep_going() and time.monotonic() < deadline:
        time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


def watch(
    settings: Settings,
    *,
    idle_seconds: float = 540,
    keep_going: Callable[[], bool] = lambda: True,
    on_run: Callable[[IngestResult], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    backoff: float = 2.0,
    max_backoff: float = 300.0,
) -> None:
    """Ingest now, then after every new mail (or ``idle_seconds`` of quiet), until
    ``keep_going()`` is false or Ctrl-C. A failed run is logged (``on_error`` is told) and
    retried after a growing back-off; a ``ConfigError`` ends the watch."""
    mailbox = imap_config(settings)
    if mailbox is None:
        raise ConfigError("bidboard watch needs BIDBOARD_IMAP_HOST, _USER and _PASSWORD")
    # this connection only waits; the ingest run moves the messages
    config = replace(mailbox, processed_folder=None, quarantine_folder=None)
    from bidboard.state import StateStore

    store = StateStore(":memory:")  # the idler keeps no state
    idler = Idler(config, ImapSource(config, store))
    try:
        delay = backoff
        while keep_going():
            try:
                result = ingest_once(settings)
            except ConfigError:
                raise  # bad settings: no retry can help
            except Exception as error:
                logger.warning(
                    "watch ingest failed, retrying error_type=%s error=%s retry_in=%.1fs",
                    type(error).__name__,
                    redact_text(str(error), settings),
                    delay,
                )
                if on_error is not None:
                    on_error(error)
                idler.drop()
                _pause(delay, keep_going)
                delay = min(max_backoff, delay * 2)
                continue
            delay = backoff
            if result.busy:  # another writer held the lease: try again soon, not after IDLE
                logger.info("watch ingest waits for the write lease reason=%s", result.busy)
                _pause(backoff, keep_going)
                continue
            created = sum(1 for o in result.batch.outcomes if o.created)
            logger.info("watch ingest read=%d created=%d", result.read, created)
            if on_run is not None:
                on_run(result)
            try:
                idler.wait(idle_seconds)  # new mail or a quiet spell: ingest either way
            except ConfigError:
                raise
            except (TimeoutError, imaplib.IMAP4.error, OSError, AlertError) as error:
                logger.warning("IMAP IDLE connection lost, reconnecting error=%s", error)
                idler.drop()
                _pause(1, keep_going)
    finally:
        idler.drop()
        store.close()
