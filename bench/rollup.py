"""The weekly rollup over a large board: Notion requests, seconds and peak memory at 1k, 10k and
50k cards.

How: for each size, a board is seeded in process (the emulator's handlers over an in-process
transport, into an SQLite file), every card received or submitted inside the rollup's window (the
worst case: the filter excludes nothing). Then the emulator serves that file from its own process
(`python -m notion_emulator`) and a separate Python process runs bidboard's rollup of the last
complete week (with the previous week for the change) through the real adapter stack over HTTP,
so its peak RSS (``VmHWM``) is the rollup's alone. Requests are counted at the emulator.
The 10k board is read at Notion's 3 requests a second for real; 1k and 50k are read unpaced and
their time at 3 rps is requests ÷ 3 (printed as ``derived``). Prints ``name=value`` lines.

    python -m bench.rollup [--sizes 1000,10000,50000] [--paced 10000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from bench.emulator_process import emulator_process, new_board, stats
from bidboard.metrics import last_weeks
from bidboard.models import JobCard, Stage
from bidboard.notion.client import Notion, build_notion_client
from bidboard.notion.gateway import BoardGateway
from bidboard.settings import Settings

TZ = "UTC"


def card(i: int, start: datetime) -> tuple[JobCard, Stage | None]:
    """A card received in the two weeks before this one, and the stage a person moved it to."""
    received = start + timedelta(minutes=(i * 7) % (14 * 24 * 60))
    values: dict[str, object] = {
        "job_key": f"~01roll{i:012d}",
        "name": f"Rollup job {i}",
        "received_at": received,
        "score": float(i % 100),
        "saved_search": ("python-api", "scraping", "automation", None)[i % 4],
        "category": ("Web Development", "Data", "Automation")[i % 3],
        "stage": Stage.NEW,
    }
    if i % 5 < 2:
        values.update(drafted_at=received + timedelta(minutes=3 + i % 20), drafted_by="template")
        values["stage"] = Stage.DRAFTED
    if i % 5 == 0:
        values.update(submitted_at=received + timedelta(hours=2), connects=float(8 + i % 9))
        values["stage"] = Stage.SUBMITTED
        if i % 15 == 0:
            values.update(viewed_at=received + timedelta(hours=5), stage=Stage.VIEWED)
        if i % 45 == 0:
            values.update(won_at=received + timedelta(days=1), stage=Stage.WON)
            values["contract_value"] = 1500.0
    moved = values["stage"] if values["stage"] not in (Stage.NEW, Stage.DRAFTED) else None
    if moved is not None:
        values["stage"] = Stage.DRAFTED  # bidboard writes it so; a person moves it on
    return JobCard(**values), moved  # type: ignore[arg-type,return-value]


def seed(size: int, data_dir: Path, now: datetime) -> tuple[Path, float]:
    started = time.perf_counter()
    with new_board(data_dir) as (notion, workspace, settings):
        gateway = BoardGateway(notion, workspace)
        start = last_weeks(now, settings.tz, 2)[0].start(settings.tz)
        for i in range(size):
            made, moved = card(i, start)
            ref = gateway.create_card(made)
            if moved is not None:  # what a person does on the board
                notion.call(
                    "person moves the card",
                    notion.client.pages.update,
                    ref.page_id,
                    safe=True,
                    properties={"Stage": {"select": {"name": moved.value}}},
                )
    return data_dir / "emulator.sqlite3", time.perf_counter() - started


def peak_rss_mb() -> float:
    """This process's own peak RSS (``VmHWM``). Not ``ru_maxrss``: Linux carries that over
    ``fork``/``execve``, so a child would report the seeding parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def measure(url: str, data_dir: str, rate: float) -> None:
    """In its own process: one rollup of last week, over HTTP; prints a JSON line."""
    from bidboard.notion.metrics_pages import rollups_from_board
    from bidboard.notion.workspace import Workspace

    settings = Settings(
        notion_token=SecretStr("bench"),
        notion_base_url=url,
        notion_rate_limit=rate,
        data_dir=Path(data_dir),
        timezone=TZ,
    )
    raw = json.loads((Path(data_dir) / "notion.json").read_text())
    raw["notion_base_url"] = url
    workspace = Workspace.model_validate(raw)
    notion = Notion(build_notion_client(settings))
    now = datetime.now(UTC)
    week = last_weeks(now, settings.tz, 1)
    started = time.perf_counter()
    rollups = rollups_from_board(
        BoardGateway(notion, workspace), week, settings.tz, now=now, shortlist_at=60, names={}
    )
    seconds = time.perf_counter() - started
    notion.close()
    figures = next(iter(rollups.values())).figures
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mb": peak_rss_mb(),
                "alerts": figures["Alerts"],
                "previous_alerts": next(iter(rollups.values())).previous["Alerts"],
                "submitted": figures["Submitted"],
            }
        )
    )


def run_size(size: int, paced: bool, workdir: Path, now: datetime) -> None:
    data_dir = workdir / f"board-{size}"
    data_dir.mkdir()
    db, seed_seconds = seed(size, data_dir, now)
    rate = 3.0 if paced else 1e9
    flags = ("--db", str(db), "--rate-limit", "3" if paced else "0", "--burst", "3")
    with emulator_process(*flags) as url:
        before = stats(url)
        out = subprocess.run(
            [sys.executable, "-m", "bench.rollup", "--measure", url, str(data_dir), str(rate)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        after = stats(url)
    requests = after["total"] - before["total"]
    throttled = after["statuses"].get("429", 0) - before["statuses"].get("429", 0)
    label = f"rollup_{size // 1000}k"
    print(f"{label}_cards={size}")
    print(f"{label}_cards_in_window={result['alerts'] + result['previous_alerts']}")
    print(f"{label}_notion_requests={requests}")
    print(f"{label}_http_429={throttled}")
    print(f"{label}_seconds={result['seconds']:.2f}")
    if paced:
        print(f"{label}_seconds_at_3rps={result['seconds']:.1f} (measured)")
    else:
        print(f"{label}_seconds_at_3rps={requests / 3:.1f} (derived: requests / 3)")
    print(f"{label}_peak_rss_mb={result['peak_rss_mb']:.1f}")
    print(f"{label}_seed_seconds={seed_seconds:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--paced", default="10000", help="sizes read at 3 rps for real")
    parser.add_argument("--measure", nargs=3, metavar=("URL", "DATA_DIR", "RATE"))
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], args.measure[1], float(args.measure[2]))
        return
    paced = {int(s) for s in args.paced.split(",") if s}
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            run_size(size, size in paced, Path(tmp), now)


if __name__ == "__main__":
    main()
