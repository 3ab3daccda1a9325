"""``python -m notion_emulator`` and ``bidboard emulator``."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence
from datetime import timedelta

from .app import EmulatorConfig, create_app
from .gate import parse_faults


def build_parser(prog: str = "python -m notion_emulator") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="A local server that speaks the Notion REST API (offline)."
    )
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument(
        "--db",
        default=None,
        help="SQLite file to keep data in across restarts (default: in memory)",
    )
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=3.0,
        metavar="RPS",
        help="average requests per second per token; 0 turns it off (default 3)",
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=3,
        metavar="N",
        help="requests allowed at once before the rate applies (default 3)",
    )
    parser.add_argument(
        "--faults",
        default=None,
        metavar="SPEC",
        help="fault injection, KIND:PROBABILITY,... with kinds 403 (restricted_resource) 409 "
        "413 (the edge's HTML answer) 429 429space (a workspace-level 429 with a long "
        "Retry-After) 500 502 503 504 529 timeout drop lost, e.g. "
        "429:0.1,500:0.02,529:0.01,timeout:0.01",
    )
    parser.add_argument(
        "--token", default=None, help="accept only this bearer token (default: any non-empty token)"
    )
    parser.add_argument(
        "--hang-seconds",
        type=float,
        default=70.0,
        help="how long a `timeout` fault hangs before dropping (default 70)",
    )
    parser.add_argument(
        "--block-limit",
        type=int,
        default=None,
        metavar="N",
        help="enforce a Free workspace's lifetime block limit (Notion's is 1000): the write that "
        "reaches it starts the grace period, after which creating blocks fails (default: none)",
    )
    parser.add_argument(
        "--block-grace-days",
        type=float,
        default=3.0,
        metavar="DAYS",
        help="grace period after the block limit is reached (default 3, as Notion)",
    )
    parser.add_argument(
        "--timezone",
        default=os.environ.get("BIDBOARD_TIMEZONE", "UTC"),
        help="IANA timezone the pages show dates in (default $BIDBOARD_TIMEZONE, else UTC)",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed for fault injection")
    parser.add_argument(
        "--public-url",
        default=None,
        help="base URL written into objects' `url` (default: the request's)",
    )


def run(args: argparse.Namespace) -> None:
    import uvicorn

    try:
        parse_faults(args.faults)
    except ValueError as error:
        raise SystemExit(f"--faults: {error}") from None
    emulator = create_app(
        EmulatorConfig(
            db=args.db,
            rate_limit=args.rate_limit,
            burst=args.burst,
            faults=args.faults,
            token=args.token,
            hang_seconds=args.hang_seconds,
            seed=args.seed,
            public_url=args.public_url,
            block_limit=args.block_limit,
            block_grace=timedelta(days=args.block_grace_days),
            timezone=args.timezone,
        )
    )
    logging.getLogger(__name__).info(
        "notion emulator listening url=http://%s:%s db=%s rate_limit=%s",
        args.host,
        args.port,
        args.db or ":memory:",
        args.rate_limit,
    )
    print(
        f"Notion emulator on http://{args.host}:{args.port}  (board: "
        f"http://{args.host}:{args.port}/ , data: {args.db or 'in memory'})",
        flush=True,
    )
    uvicorn.run(emulator, host=args.host, port=args.port, log_level="warning")


def main(argv: Sequence[str] | None = None) -> None:
    run(build_parser().parse_args(argv))
