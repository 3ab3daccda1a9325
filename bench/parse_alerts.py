"""Parse throughput: 10,000 alert emails.

How: the ``.eml`` and ``.mbox`` samples of tests/fixtures/alerts (single alerts, digests of 5,
HTML-only, text-only, forwarded, latin-1/cp1252, broken HTML, not-alerts) are repeated with
unique job keys until there are N emails, held in memory, then parsed one by one with
``parse_upwork_alert_email``. Only parsing is timed. Prints ``name=value`` lines.

    python -m bench.parse_alerts [--emails 10000]
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import UTC, datetime
from pathlib import Path

from bidboard.alerts.email_parser import parse_upwork_alert_email, split_mbox

#: when the alerts came (an email without a Date header takes it)
RECEIVED = datetime(2026, 3, 2, 9, tzinfo=UTC)
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "alerts"


def corpus(count: int) -> list[bytes]:
    samples: list[bytes] = []
    for path in sorted(FIXTURES.iterdir()):
        if path.suffix == ".eml":
            samples.append(path.read_bytes())
        elif path.suffix == ".mbox":
            samples += split_mbox(path.read_bytes())
    emails = []
    for i in range(count):
        sample = samples[i % len(samples)]
        emails.append(sample.replace(b"~01a1b2c3d4e5f600", f"~01{i:014x}".encode()))
    return emails


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=10_000)
    args = parser.parse_args()
    emails = corpus(args.emails)
    size = sum(len(e) for e in emails)
    jobs = quarantined = skipped = 0
    started = time.perf_counter()
    for index, content in enumerate(emails):
        outcome = parse_upwork_alert_email(content, f"bench:{index}", RECEIVED)
        jobs += len(outcome.alerts)
        quarantined += len(outcome.quarantined)
        skipped += len(outcome.skipped)
    seconds = time.perf_counter() - started
    print(f"emails={len(emails)}")
    print(f"megabytes={size / 1e6:.1f}")
    print(f"jobs={jobs} quarantined={quarantined} skipped={skipped}")
    print(f"parse_seconds={seconds:.2f}")
    print(f"emails_per_second={len(emails) / seconds:.0f}")
    print(f"ms_per_email={seconds / len(emails) * 1000:.3f}")
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
