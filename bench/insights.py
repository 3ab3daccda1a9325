"""``bidboard insights`` and ``tune`` over a large board: Notion requests, seconds, peak memory.

How: a synthetic history (``bidboard.synthetic``: every card a submitted proposal with score
reasons, replied or lost) is seeded in process into an SQLite file, as bidboard and a person
would write it. The emulator then serves that file from its own process and a separate Python
process reads the whole board through the real adapter stack over HTTP, once for the insights
(streamed: only counters are kept) and once for ``tune`` (which keeps one small example a card),
so its peak RSS (``VmHWM``) is theirs alone. Requests are counted at the emulator. Time at Notion's
3 requests a second is requests / 3 (printed as ``derived``). Prints ``name=value`` lines.

    python -m bench.insights [--sizes 50000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from bench.emulator_process import emulator_process, new_board, stats
from bench.rollup import peak_rss_mb
from bidboard.notion.client import Notion, build_notion_client
from bidboard.notion.gateway import BoardGateway
from bidboard.settings import Settings
from bidboard.synthetic import history, put_on_board


def seed(size: int, data_dir: Path) -> tuple[Path, float]:
    started = time.perf_counter()
    with new_board(data_dir) as (notion, workspace, _):
        put_on_board(BoardGateway(notion, workspace), notion, history(size, seed=1))
    return data_dir / "emulator.sqlite3", time.perf_counter() - started


def measure(url: str, data_dir: str) -> None:
    """In its own process: the insights, then tune, each from one read of the board."""
    from bidboard.insights import insights
    from bidboard.notion.history import history_cards
    from bidboard.notion.workspace import Workspace
    from bidboard.tune import tune

    settings = Settings(
        notion_token=SecretStr("bench"),
        notion_base_url=url,
        notion_rate_limit=1e9,
        data_dir=Path(data_dir),
    )
    raw = json.loads((Path(data_dir) / "notion.json").read_text())
    raw["notion_base_url"] = url
    workspace = Workspace.model_validate(raw)
    notion = Notion(build_notion_client(settings))
    gateway = BoardGateway(notion, workspace)
    started = time.perf_counter()
    report = insights(history_cards(gateway))
    insights_seconds = time.perf_counter() - started
    insights_rss = peak_rss_mb()
    started = time.perf_counter()
    cards = list(history_cards(gateway))
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    tuned = tune(cards, cap=25)
    tune_seconds = time.perf_counter() - started
    notion.close()
    print(
        json.dumps(
            {
                "proposals": report.proposals,
                "insights_seconds": insights_seconds,
                "insights_peak_rss_mb": insights_rss,
                "tune_read_seconds": read_seconds,
                "tune_fit_seconds": tune_seconds,
                "peak_rss_mb": peak_rss_mb(),
                "tuned": bool(tuned.points),
            }
        )
    )


def run_size(size: int, workdir: Path) -> None:
    data_dir = workdir / f"board-{size}"
    data_dir.mkdir()
    db, seed_seconds = seed(size, data_dir)
    with emulator_process("--db", str(db), "--rate-limit", "0") as url:
        before = stats(url)["total"]
        out = subprocess.run(
            [sys.executable, "-m", "bench.insights", "--measure", url, str(data_dir)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        requests = stats(url)["total"] - before
    label = f"insights_{size // 1000}k"
    each = requests // 2  # one read for the insights, one for tune
    print(f"{label}_cards={size}")
    print(f"{label}_proposals={result['proposals']}")
    print(f"{label}_notion_requests={each}")
    print(f"{label}_seconds={result['insights_seconds']:.2f}")
    print(f"{label}_seconds_at_3rps={each / 3:.1f} (derived: requests / 3)")
    print(f"{label}_peak_rss_mb={result['insights_peak_rss_mb']:.1f}")
    print(f"tune_{size // 1000}k_read_seconds={result['tune_read_seconds']:.2f}")
    print(f"tune_{size // 1000}k_fit_seconds={result['tune_fit_seconds']:.2f}")
    print(f"tune_{size // 1000}k_peak_rss_mb={result['peak_rss_mb']:.1f}")
    print(f"tune_{size // 1000}k_proposed_weights={result['tuned']}")
    print(f"{label}_seed_seconds={seed_seconds:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="50000")
    parser.add_argument("--measure", nargs=2, metavar=("URL", "DATA_DIR"))
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], args.measure[1])
        return
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            run_size(size, Path(tmp))


if __name__ == "__main__":
    main()
