"""Writers of one workspace at the same time: two ingesters on one Dovecot mailbox and one alerts
folder, two ``metrics --publish``, two ``init``. The write lease makes them take turns; nothing is
made twice and nothing is lost. The lease is a file lock that dies with its holder, even by
SIGKILL, and a Prefect global concurrency limit across machines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from bidboard.cli.localserver import BackgroundServer
from bidboard.cli.watch import ingest_once
from bidboard.errors import LeaseBusy
from bidboard.lease import write_lease
from bidboard.notion.workspace import load_workspace
from bidboard.runtime import notion_from_settings
from bidboard.settings import Settings
from notion_emulator.app import Emulator
from tests.support.builders import alert_email, init_workspace
from tests.support.paths import ROOT
from tests.support.runs import board_keys, job, key_of, mailbox, settings_for

SOAK = bool(os.environ.get("BIDBOARD_SOAK"))


def at_once(*calls: Callable[[], object]) -> list[BaseException]:
    """Run the calls in threads released together; the errors they raised."""
    start, errors = threading.Barrier(len(calls)), list[BaseException]()

    def run(call: Callable[[], object]) -> None:
        start.wait()
        try:
            call()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


def no_errors(errors: list[BaseException]) -> None:
    assert not errors, "".join(traceback.format_exception(errors[0]))


def race_figures(keys: list[str], wanted: set[str]) -> tuple[int, int]:
    """(duplicate cards, lost jobs)."""
    return len(keys) - len(set(keys)), len(wanted - set(keys))


@pytest.mark.slow
def test_two_ingesters_on_one_mailbox_and_one_folder_make_each_card_once(
    dovecot: Any, emulator_server: tuple[Emulator, BackgroundServer], tmp_path: Path
) -> None:
    _app, server = emulator_server
    folder, processed = f"race-{uuid.uuid4().hex[:6]}", f"race-done-{uuid.uuid4().hex[:6]}"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings = settings_for(
        server, tmp_path / "data", alerts_dir=inbox, **mailbox(dovecot, folder, processed)
    )
    init_workspace(settings)
    dovecot.deliver(folder)
    rounds, wanted = (50 if SOAK else 20), set[str]()
    started = time.monotonic()
    for round_ in range(rounds):  # new mail and a new file, then both ingesters at once
        mails = []
        for i in range(round_ * 3, round_ * 3 + 3):
            key = f"~01{0xACE50000 + i:016x}"
            mails.append(alert_email(key, f"FastAPI backend {i}"))
            wanted.add(key)
        dovecot.deliver(folder, *mails)
        jobs = [job(1000 + round_ * 3 + n) for n in range(3)]
        (inbox / f"round-{round_:03d}.json").write_text(json.dumps(jobs))
        wanted |= {key_of(j) for j in jobs}
        errors = at_once(lambda: ingest_once(settings), lambda: ingest_once(settings))
        no_errors(errors)
    keys = board_keys(settings)
    duplicates, lost = race_figures(keys, wanted)
    print(
        f"\nrace_rounds={rounds} race_jobs={len(wanted)} race_duplicate_cards={duplicates} "
        f"race_lost={lost} race_seconds={time.monotonic() - started:.1f}"
    )
    assert duplicates == 0 and lost == 0
    assert dovecot.subjects(folder) == []  # every message moved, once
    assert len(set(dovecot.subjects(processed))) == rounds * 3


def week_rows(settings: Settings, label: str) -> int:
    from bidboard.schema.databases import WEEKLY_METRICS

    notion = notion_from_settings(settings)
    try:
        source = load_workspace(settings.data_dir, settings.notion_base_url).ids(WEEKLY_METRICS.key)
        found = notion.call(
            "rows",
            notion.client.data_sources.query,
            source.data_source_id,
            safe=True,
            filter={"property": "Week", "title": {"equals": label}},
        )
        return len(found["results"])
    finally:
        notion.close()


def test_two_metrics_publish_make_one_row(
    emulator_server: tuple[Emulator, BackgroundServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bidboard.cli.board import run_metrics_command
    from bidboard.metrics import IsoWeek

    _app, server = emulator_server
    settings = settings_for(server, tmp_path / "data")
    init_workspace(settings)
    rows = []
    for n in range(3):  # a new week each round: the first publish of a week is the race
        label = IsoWeek.of(datetime(2026, 6, 1 + 7 * n, tzinfo=UTC), settings.tz).label
        errors = at_once(
            *[lambda label=label: run_metrics_command(settings, label, False, True)] * 2
        )
        no_errors(errors)
        rows.append(week_rows(settings, label))
    capsys.readouterr()
    assert rows == [1, 1, 1]


def test_two_inits_make_one_set_of_databases(
    emulator_server: tuple[Emulator, BackgroundServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bidboard.cli import schema as schema_commands

    _app, server = emulator_server
    notion = notion_from_settings(settings_for(server, tmp_path))
    sets = []
    try:
        root = notion.call("root", notion.client.search, safe=True, query="bidboard")
        for n in range(3):  # a new parent page and data dir each round: a first init, twice
            settings = settings_for(server, tmp_path / f"data-{n}")
            parent = notion.call(
                "parent",
                notion.client.pages.create,
                safe=False,
                parent={"type": "page_id", "page_id": root["results"][0]["id"]},
                properties={"title": {"title": [{"text": {"content": f"agency {n}"}}]}},
            )
            init = partial(schema_commands.run_init, settings, parent["id"])
            no_errors(at_once(init, init))
            children = notion.call(
                "children",
                notion.client.blocks.children.list,
                parent["id"],
                safe=True,
                page_size=100,
            )["results"]
            sets.append(
                sorted(
                    b["child_database"]["title"] for b in children if b["type"] == "child_database"
                )
            )
    finally:
        notion.close()
    capsys.readouterr()
    assert sets == [["Jobs", "Portfolio", "Snippets", "Weekly metrics"]] * 3


HOLD = (
    "import sys, time; from pathlib import Path; from bidboard.settings import Settings; "
    "from bidboard.lease import write_lease\n"
    "with write_lease(Settings(data_dir=Path(sys.argv[1])), 'holder'):\n"
    "    print('held', flush=True); time.sleep(60)"
)


def test_the_lease_waits_bounded_names_its_holder_and_dies_with_it(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", write_lease_wait=0.5)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(settings.data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if not k.startswith("BIDBOARD_")},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        with (
            pytest.raises(LeaseBusy, match=rf"pid {holder.pid} \(holder") as busy,
            write_lease(settings, "ingest"),
        ):
            pytest.fail("two writers held the lease")
        assert "waited 0s" in str(busy.value) or "waited 1s" in str(busy.value)
        holder.kill()  # SIGKILL: the operating system frees the lock
        holder.wait()
        with write_lease(settings, "ingest", wait=5):
            pass
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_a_busy_lease_skips_the_ingest_run_with_a_log_line(
    emulator_server: tuple[Emulator, BackgroundServer],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _app, server = emulator_server
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.json").write_text(json.dumps([job(1)]))
    settings = settings_for(server, tmp_path / "data", alerts_dir=inbox, write_lease_wait=0.2)
    init_workspace(settings)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with write_lease(settings, "metrics --publish"):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(10)
        result = ingest_once(settings)
    finally:
        release.set()
        thread.join()
    assert result.read == 0 and result.busy and board_keys(settings) == []
    assert "ingest skipped" in caplog.text and "metrics --publish" in caplog.text
    assert ingest_once(settings).read == 1  # the next run reads what waited


def test_a_prefect_global_concurrency_limit_is_the_lease_across_machines(
    prefect_harness: None, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    name = f"bidboard-writes-{uuid.uuid4().hex[:6]}"
    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
    # two machines: their own data dirs (their own file locks), one Prefect server
    one = Settings(data_dir=tmp_path / "one", write_lease_limit=name, write_lease_wait=1)
    two = Settings(data_dir=tmp_path / "two", write_lease_limit=name, write_lease_wait=1)
    with (
        write_lease(one, "ingest"),
        pytest.raises(LeaseBusy, match=name),
        write_lease(two, "ingest"),
    ):
        pytest.fail("two machines held the lease")
    with write_lease(two, "ingest"):
        pass
    # a lease named after the rate limit, missing: the first writer creates it (limit 1)
    made = f"pace-{uuid.uuid4().hex[:6]}"
    three = Settings(data_dir=tmp_path / "three", notion_global_limit=made, write_lease_wait=1)
    four = Settings(data_dir=tmp_path / "four", notion_global_limit=made, write_lease_wait=1)
    with (
        write_lease(three, "ingest"),
        pytest.raises(LeaseBusy, match=f"{made}-writes"),
        write_lease(four, "ingest"),
    ):
        pytest.fail("two machines held the created lease")
    with get_client(sync_client=True) as client:
        assert client.read_global_concurrency_limit_by_name(f"{made}-writes").limit == 1


def test_a_message_another_client_moved_first_counts_as_done(dovecot: Any, tmp_path: Path) -> None:
    from bidboard.inbox.imap import ImapSource
    from bidboard.runtime import imap_config
    from bidboard.state import StateStore

    folder, processed = f"gone-{uuid.uuid4().hex[:6]}", f"gone-done-{uuid.uuid4().hex[:6]}"
    dovecot.deliver(folder, alert_email("~01ace5ffff00000001", "FastAPI backend gone"))
    settings = Settings(data_dir=tmp_path, **mailbox(dovecot, folder, processed))
    config = imap_config(settings)
    assert config is not None
    stores = [StateStore(tmp_path / "a.sqlite3"), StateStore(tmp_path / "b.sqlite3")]
    first, second = (ImapSource(config, store) for store in stores)
    try:
        [raw] = list(first.fetch())
        [again] = list(second.fetch())
        second.done(again)  # the other client moves it first
        first.done(raw)  # the message has left the folder: done, not an error
        assert dovecot.subjects(folder) == []
        assert dovecot.subjects(processed) == ["New job alert: FastAPI backend gone"]
    finally:
        for source in (first, second):
            source.close()
        for store in stores:
            store.close()
