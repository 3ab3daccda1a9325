"""``bidboard alerts parse``, ``bidboard alerts quarantine`` and ``bidboard webhook``."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from bidboard.alerts.alert import JobAlert, ParseOutcome, Quarantined, source_label
from bidboard.errors import ConfigError
from bidboard.inbox.files import parse_file
from bidboard.settings import Settings
from bidboard.state import StateStore


def _budget(alert: JobAlert) -> str:
    if alert.budget_type is None:
        return "budget not given"
    low, high = alert.budget_min, alert.budget_max
    if low is None and high is None:
        amount = "not given"
    elif low == high or high is None:
        amount = f"${low:,.0f}"
    else:
        amount = f"${low or 0:,.0f}-{high:,.0f}"
    return f"{alert.budget_type.capitalize()} {amount}"


def _line(alert: JobAlert) -> str:
    skills = ", ".join(alert.skills[:4]) + (" …" if len(alert.skills) > 4 else "")
    return (
        f"{alert.job_key}  {_budget(alert):<18} {alert.title[:60]:<60}  "
        f"[{source_label(alert)}] {skills}"
    )


#: ``bidboard alerts parse`` exit codes (also in its ``--help``).
EXIT_ALL_READ = 0
EXIT_SET_ASIDE = 1  # some input quarantined or refused
EXIT_USAGE = 2  # usage or settings error (argparse's own code too)
EXIT_CRASH = 3  # a bug: bidboard failed on an input; nothing was printed as read
PARSE_EXIT_CODES = (
    "exit codes: 0 every input was read (or skipped as not an alert); 1 some input was "
    "quarantined or refused; 2 usage or settings error; 3 crash (a bug: please report it)"
)


def outcome_json(outcome: ParseOutcome) -> dict[str, list[dict[str, object]]]:
    """The one object ``alerts parse --json`` prints."""
    return {
        "alerts": [a.model_dump(mode="json") for a in outcome.alerts],
        "quarantined": [
            {"source_ref": q.source_ref, "code": q.code, "reason": q.reason, "excerpt": q.excerpt}
            for q in outcome.quarantined
        ],
        "skipped": [
            {"source_ref": s.source_ref, "code": s.code, "reason": s.reason}
            for s in outcome.skipped
        ],
    }


def run_parse(paths: list[Path], as_json: bool, received_at: datetime | None = None) -> int:
    outcome = ParseOutcome()
    try:
        for path in paths:
            if not path.is_file():
                outcome.quarantined.append(_missing(path))
                continue
            outcome.extend(parse_file(path, received_at))
    except Exception as error:  # a parser must never raise: this is a bug, said as one
        print(f"bidboard: crash while parsing alerts: {error!r}", file=sys.stderr)
        return EXIT_CRASH
    if as_json:
        print(json.dumps(outcome_json(outcome), indent=2, ensure_ascii=False))
    else:
        for alert in outcome.alerts:
            print(_line(alert))
        print(
            f"{len(outcome.alerts)} jobs from {len(paths)} files; "
            f"{len(outcome.quarantined)} quarantined, {len(outcome.skipped)} skipped"
        )
    for item in outcome.quarantined:
        print(f"quarantined {item.source_ref}: [{item.code}] {item.reason}", file=sys.stderr)
    for skipped in outcome.skipped:
        print(f"skipped {skipped.source_ref}: [{skipped.code}] {skipped.reason}", file=sys.stderr)
    return EXIT_SET_ASIDE if outcome.quarantined else EXIT_ALL_READ


def _missing(path: Path) -> Quarantined:
    return Quarantined(f"file:{path}", "no such file", code="no_such_file")


def run_quarantine(settings: Settings, as_json: bool) -> int:
    store = StateStore.in_data_dir(settings.data_dir)
    entries = store.quarantined()
    store.close()
    if as_json:
        print(json.dumps([e.__dict__ for e in entries], indent=2, ensure_ascii=False))
        return 0
    if not entries:
        print("Nothing in quarantine.")
    for entry in entries:
        print(f"{entry.at}  {entry.source:<10} {entry.source_ref}\n    {entry.reason}")
    return 0


def run_webhook(settings: Settings, host: str, port: int) -> int:
    import uvicorn

    from bidboard.inbox.webhook import create_webhook_app, webhook_server_config

    if settings.webhook_secret is None:
        raise ConfigError("BIDBOARD_WEBHOOK_SECRET is not set: the receiver needs a secret")
    store = StateStore.in_data_dir(settings.data_dir)
    try:
        app = create_webhook_app(store, settings.webhook_secret, settings.webhook_max_bytes)
    except ValueError as error:
        raise ConfigError(f"BIDBOARD_WEBHOOK_SECRET: {error}") from None
    print(f"Webhook receiver on http://{host}:{port}/alerts (spool: {store.path})", flush=True)
    uvicorn.Server(webhook_server_config(app, host, port)).run()
    return 0
