"""The write lease: one bidboard process at a time writes to a workspace.

Dedupe is find-then-create (Notion has no unique constraint), so two writers at once, such as
``bidboard watch`` beside the scheduled ``ingest_alerts``, two demos, two ``metrics --publish``
or two ``init``, would each find nothing and each create. Every writer holds the lease for
the whole of its find-then-write:

* on one machine, a file lock ``<data dir>/write.lock`` (``filelock``; the operating system
  frees it when its holder dies, even by SIGKILL). ``write.lock.holder`` names the holder;
* across machines that share a Prefect server, also a Prefect global concurrency limit of 1
  used as a lease (``BIDBOARD_WRITE_LEASE_LIMIT``, or ``<BIDBOARD_NOTION_GLOBAL_LIMIT>-writes``
  when only the rate limit is set). The first writer that finds it missing creates it with a
  limit of 1 (``prefect gcl create NAME --limit 1`` does the same). A slot a dead worker held
  is freed when its lease expires (5 minutes without renewal).

The second writer waits up to ``BIDBOARD_WRITE_LEASE_WAIT`` seconds, then gives up with
:class:`~bidboard.errors.LeaseBusy` (an ingest run logs it and skips: the next run reads
what it left). It never writes without the lease. The lease is re-entrant within a thread.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from bidboard.errors import ConfigError, LeaseBusy
from bidboard.settings import Settings

logger = logging.getLogger(__name__)
LOCK_FILE = "write.lock"
_held = threading.local()  # the lock files this thread holds, and how deeply


def lease_limit(settings: Settings) -> str | None:
    """The Prefect global concurrency limit used as the lease across machines, if any."""
    if settings.write_lease_limit:
        return settings.write_lease_limit
    if settings.notion_global_limit:
        return f"{settings.notion_global_limit}-writes"
    return None


def holder(data_dir: Path) -> str:
    """Who holds (or last held) the lease of ``data_dir``, as the holder wrote it."""
    try:
        found = json.loads((data_dir / f"{LOCK_FILE}.holder").read_text())
    except (OSError, ValueError):
        return "unknown"
    return f"pid {found.get('pid')} ({found.get('what')}, since {found.get('since')})"


@contextmanager
def write_lease(settings: Settings, what: str, *, wait: float | None = None) -> Iterator[None]:
    """Hold the workspace's write lease for the block; ``what`` names the writer in logs."""
    seconds = settings.write_lease_wait if wait is None else wait
    data_dir = settings.data_dir.resolve()
    depth: dict[Path, int] = _held.__dict__.setdefault("depth", {})
    if depth.get(data_dir):  # this thread holds it already (the demo's ingest inside its run)
        depth[data_dir] += 1
        try:
            yield
        finally:
            depth[data_dir] -= 1
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(data_dir / LOCK_FILE, thread_local=False)
    started = time.monotonic()
    try:
        lock.acquire(timeout=seconds)
    except Timeout:
        raise LeaseBusy(
            f"{what}: another bidboard process is writing to this workspace "
            f"({holder(data_dir)}); waited {seconds:.0f}s for the write lease "
            f"{data_dir / LOCK_FILE}"
        ) from None
    try:
        remaining = max(0.0, seconds - (time.monotonic() - started))
        with _global_lease(settings, what, remaining):
            (data_dir / f"{LOCK_FILE}.holder").write_text(
                json.dumps(
                    {"pid": os.getpid(), "what": what, "since": datetime.now(UTC).isoformat()}
                )
            )
            waited = time.monotonic() - started
            if waited >= 0.5:
                logger.info("write lease taken after waiting what=%s waited=%.1fs", what, waited)
            depth[data_dir] = 1
            try:
                yield
            finally:
                depth[data_dir] = 0
    finally:
        lock.release()


@contextmanager
def _global_lease(settings: Settings, what: str, seconds: float) -> Iterator[None]:
    name = lease_limit(settings)
    if name is None:
        yield
        return
    from prefect.concurrency._asyncio import ConcurrencySlotAcquisitionError
    from prefect.concurrency.sync import concurrency

    with ExitStack() as stack:
        for attempt in (1, 2):
            try:
                stack.enter_context(
                    concurrency(name, occupy=1, timeout_seconds=max(seconds, 0.1), strict=True)
                )
                break
            except TimeoutError:
                raise LeaseBusy(
                    f"{what}: another bidboard worker holds the write lease {name!r} "
                    f"(Prefect global concurrency limit); waited {seconds:.0f}s"
                ) from None
            except ConcurrencySlotAcquisitionError as error:
                if attempt == 2 or not _create_limit(name):
                    raise ConfigError(
                        f"the write lease {name!r} is not a Prefect global concurrency limit "
                        f"and cannot be created: create it with `prefect gcl create {name} "
                        f"--limit 1` ({error})"
                    ) from None
        yield


def _create_limit(name: str) -> bool:
    """Create the lease's global concurrency limit (limit 1); True if it exists now."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, PrefectHTTPStatusError

    with get_client(sync_client=True) as client:
        try:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
            logger.info("write lease created name=%s limit=1", name)
        except ObjectAlreadyExists:
            pass  # another writer created it first
        except PrefectHTTPStatusError as error:
            if error.response.status_code != 409:
                return False
        limit = client.read_global_concurrency_limit_by_name(name)
    if limit.limit != 1:
        raise ConfigError(f"the write lease {name!r} must have a limit of 1, not {limit.limit}")
    return True
