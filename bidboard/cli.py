"""The ``bidboard`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import BidboardError
from .logs import configure_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bidboard",
        description="Upwork alerts in, scored cards and drafts on a Notion board. "
        "Automation prepares; a human decides and sends.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    emulator = commands.add_parser("emulator", help="serve the local Notion API emulator")
    from notion_emulator.cli import add_arguments

    add_arguments(emulator)

    demo = commands.add_parser("demo", help="run the main job on embedded defaults (offline)")
    demo.add_argument("--port", type=int, default=8765, help="emulator port (default 8765)")
    serve = demo.add_mutually_exclusive_group()
    serve.add_argument(
        "--serve",
        dest="serve",
        action="store_true",
        default=None,
        help="keep serving the emulator after the run (default when interactive)",
    )
    serve.add_argument(
        "--no-serve", dest="serve", action="store_false", help="stop the emulator when the run ends"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    try:
        if args.command == "emulator":
            from notion_emulator.cli import run

            run(args)
            return 0
        if args.command == "demo":
            from . import demo
            from .settings import load_settings

            return demo.main(load_settings(), serve=args.serve, port=args.port)
    except BidboardError as error:
        print(f"bidboard: error: {error}", file=sys.stderr)
        return 2
    return 1  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
