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
    init = commands.add_parser("init", help="create or find the Notion databases (idempotent)")
    init.add_argument(
        "--parent-page",
        metavar="ID",
        default=None,
        help="Notion page to create them under (default: BIDBOARD_NOTION_PARENT_PAGE_ID)",
    )
    commands.add_parser("verify", help="report drift between Notion and bidboard's schema")
    migrate = commands.add_parser("migrate", help="add missing properties and options")
    migrate.add_argument(
        "--force",
        action="store_true",
        help="also replace properties of the wrong type (their values go)",
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
        if args.command in ("init", "verify", "migrate"):
            from . import schema_commands
            from .settings import load_settings

            settings = load_settings()
            if args.command == "init":
                return schema_commands.run_init(settings, args.parent_page)
            if args.command == "verify":
                return schema_commands.run_verify(settings)
            return schema_commands.run_migrate(settings, args.force)
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
