"""``bidboard alerts parse``, ``bidboard alerts quarantine`` and ``bidboard webhook``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .alerts.files import parse_file
from .alerts.model import JobAlert, ParseOutcome, Quarantined
from .alerts.store import StateStore
from .errors import ConfigError
from .settings import Settings


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
        f"{alert.job_key}  {_budget(alert):<18} {alert.title[:60]:<60}  [{alert.source}] {skills}"
    )


def run_parse(paths: list[Path], as_json: bool) -> int:
    outcome = ParseOutcome()
    for path in paths:
        if not path.is_file():
            outcome.quarantined.append(_missing(path))
            continue
        outcome.extend(parse_file(path))
    if as_json:
        print(
            json.dumps(
                [a.model_dump(mode="json") for a in outcome.alerts], indent=2, ensure_ascii=False
            )
        )
    else:
        for alert in outcome.alerts:
            print(_line(alert))
        print(
            f"{len(outcome.alerts)} jobs from {len(paths)} files; "
            f"{len(outcome.quarantined)} quarantined, {len(outcome.skipped)} skipped"
        )
    for item in outcome.quarantined:
        print(f"quarantined {item.source_ref}: {item.reason}", file=sys.stderr)
    for skipped in outcome.skipped:
        print(f"skipped {skipped.source_ref}: {skipped.reason}", file=sys.stderr)
    return 1 if outcome.quarantined else 0


def _missing(path: Path) -> Quarantined:
    return Quarantined(f"file:{path}", "no such file")


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

    from .alerts.webhook import create_webhook_app

    if settings.webhook_secret is None:
        raise ConfigError("BIDBOARD_WEBHOOK_SECRET is not set: the receiver needs a secret")
    store = StateStore.in_data_dir(settings.data_dir)
    try:
        app = create_webhook_app(store, settings.webhook_secret, settings.webhook_max_bytes)
    except ValueError as error:
        raise ConfigError(f"BIDBOARD_WEBHOOK_SECRET: {error}") from None
    print(f"Webhook receiver on http://{host}:{port}/alerts (spool: {store.path})", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0
