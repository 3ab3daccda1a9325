"""Alert-to-card latency: an alert email delivered into a real IMAP server (Dovecot on loopback)
→ its card, with its draft, readable through the Notion API.

How: `bidboard watch` (IMAP IDLE, the same ingest as the flow) runs against Dovecot and the
emulator limited to Notion's 3 requests a second. Alerts (each a distinct, shortlisted job) are
appended to the mailbox one every 1-3 seconds (seeded random gaps); a poller with its own token
(its own rate bucket) asks the API every 0.5 s which of the delivered jobs have a drafted card.
Latency = first poll that sees the card minus the end of the APPEND. Prints ``name=value`` lines.

    python -m bench.latency [--alerts 60]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from pydantic import SecretStr

from bidboard.cli import schema as schema_commands
from bidboard.cli.localserver import BackgroundServer
from bidboard.cli.watch import watch
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.workspace import load_workspace
from bidboard.runtime import notion_from_settings
from bidboard.settings import Settings
from notion_emulator import EmulatorConfig, create_app


def alert(i: int) -> tuple[str, bytes]:
    from tests.support.builders import alert_email

    key = f"~01{0xBE7C0000 + i:016x}"
    return key, alert_email(key, f"FastAPI backend number {i}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=60)
    args = parser.parse_args()
    from tests.support.imap_server import PASSWORD, USER, Dovecot, why_unavailable

    reason = why_unavailable()
    if reason:
        print(f"latency_skipped={reason}")
        return
    dovecot = Dovecot()
    dovecot.start()
    app = create_app(EmulatorConfig(rate_limit=3.0, burst=3))
    rng = random.Random(7)
    try:
        with BackgroundServer(app) as server, tempfile.TemporaryDirectory() as tmp:
            folder = "INBOX"
            settings = Settings(
                notion_token=SecretStr("latency-bench"),
                notion_base_url=server.url,
                notion_rate_limit=3,
                data_dir=Path(tmp),
                daily_draft_cap=10_000,
                imap_host="127.0.0.1",
                imap_port=dovecot.imap_port,
                imap_security="starttls",
                imap_user=USER,
                imap_password=SecretStr(PASSWORD),
                imap_folder=folder,
                imap_ca_file=dovecot.ca_file,
            )
            notion = notion_from_settings(settings)
            root = notion.call("root", notion.client.search, safe=True, query="bidboard")
            notion.close()
            with contextlib.redirect_stdout(io.StringIO()):
                schema_commands.run_init(settings, root["results"][0]["id"])
            running = threading.Event()
            running.set()
            watcher = threading.Thread(
                target=watch,
                args=(settings,),
                kwargs={"idle_seconds": 60, "keep_going": running.is_set},
                daemon=True,
            )
            watcher.start()
            poll_settings = settings.model_copy(
                update={"notion_token": SecretStr("latency-poller"), "notion_rate_limit": 3}
            )
            poller = BoardGateway(
                notion_from_settings(poll_settings),
                load_workspace(settings.data_dir, settings.notion_base_url),
            )
            sent: dict[str, float] = {}
            seen: dict[str, float] = {}
            stop_polling = threading.Event()

            def poll() -> None:
                while not stop_polling.is_set():
                    waiting = [k for k in sent if k not in seen]
                    if waiting:
                        found = poller.find_cards(waiting)
                        now = time.monotonic()
                        for key, ref in found.items():
                            if ref.stage is not None and ref.stage.value != "New":
                                seen.setdefault(key, now)
                    time.sleep(0.5)

            polling = threading.Thread(target=poll, daemon=True)
            polling.start()
            time.sleep(3)  # the watcher's first (empty) run is over, it waits in IDLE
            started = time.monotonic()
            for i in range(args.alerts):
                key, body = alert(i)
                dovecot.deliver(folder, body)
                sent[key] = time.monotonic()
                time.sleep(rng.uniform(1, 3))
            deadline = time.monotonic() + 300
            while len(seen) < len(sent) and time.monotonic() < deadline:
                time.sleep(0.5)
            wall = time.monotonic() - started
            stop_polling.set()
            running.clear()
            dovecot.deliver(folder, b"Subject: stop\r\n\r\nend of the benchmark\r\n")
            polling.join(timeout=30)
            watcher.join(timeout=60)
            poller.notion.close()
            latencies = [seen[k] - sent[k] for k in seen]
            bidboard_requests = app.gate.stats.as_dict()["total"]
    finally:
        app.store.close()
        dovecot.destroy()
    print(f"latency_alerts_delivered={len(sent)}")
    print(f"latency_cards_with_draft={len(seen)}")
    print(f"latency_p50_seconds={statistics.median(latencies):.1f}")
    print(f"latency_p95_seconds={percentile(latencies, 0.95):.1f}")
    print(f"latency_max_seconds={max(latencies):.1f}")
    print(f"latency_wall_seconds={wall:.1f}")
    print(f"latency_emulator_requests={bidboard_requests} (both tokens)")
    print("latency_trigger=IMAP IDLE (bidboard watch), notion limit 3 rps")


if __name__ == "__main__":
    main()
