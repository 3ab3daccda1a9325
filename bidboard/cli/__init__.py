"""The ``bidboard`` command."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bidboard.errors import BidboardError
from bidboard.logs import configure_logging


def _iso_week(text: str) -> str:
    from bidboard.metrics import IsoWeek

    try:
        return IsoWeek.parse(text).label
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _aware_datetime(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {error}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


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
    alerts = commands.add_parser("alerts", help="read alert files; list the quarantine")
    alert_commands = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    from bidboard.cli.alerts import PARSE_EXIT_CODES

    parse = alert_commands.add_parser(
        "parse",
        help="parse .eml/.mbox/.xml/.rss/.atom/.json files (no side effects)",
        epilog=PARSE_EXIT_CODES,
    )
    parse.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parse.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object {"alerts": [...], "quarantined": [...], "skipped": [...]}',
    )
    parse.add_argument(
        "--received-at",
        type=_aware_datetime,
        default=None,
        metavar="ISO-TIME",
        help="the moment of receipt of files that carry no date of their own (feeds, JSON, "
        "an email without a Date header; default: the file's modification time); relative "
        'dates such as "Posted 2 hours ago" count from it',
    )
    quarantine = alert_commands.add_parser(
        "quarantine", help="list alerts that could not be used, and why"
    )
    quarantine.add_argument("--json", action="store_true", help="print as JSON")

    score = commands.add_parser(
        "score", help="score alert files against the saved searches and portfolio (no writes)"
    )
    score.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    score.add_argument("--json", action="store_true", help="print the scores as JSON")

    draft = commands.add_parser(
        "draft", help="draft proposals for alert files, with answers and findings (no writes)"
    )
    draft.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    draft.add_argument("--json", action="store_true", help="print the drafts as JSON")
    draft.add_argument(
        "--questions",
        type=Path,
        default=None,
        metavar="FILE",
        help="screening questions, one a line, for every job in the run",
    )

    lint = commands.add_parser("lint-draft", help="check a draft for compliance problems")
    lint.add_argument("path", type=Path, metavar="PATH", help="a text file holding the draft")
    lint.add_argument(
        "--job",
        type=Path,
        default=None,
        metavar="FILE",
        help="the job post, to catch instructions hidden in it",
    )
    lint.add_argument("--json", action="store_true", help="print the findings as JSON")

    serving = commands.add_parser(
        "serve", help="serve every Prefect deployment (and a local Prefect server if none is set)"
    )
    serving.add_argument("--port", type=int, default=4200, help="local Prefect server port")
    serving.add_argument(
        "--emulator-port", type=int, default=8765, help="emulator port when no Notion token is set"
    )
    watching = commands.add_parser(
        "watch", help="ingest as soon as an alert email arrives (IMAP IDLE)"
    )
    watching.add_argument(
        "--idle-seconds", type=float, default=540, help="ingest anyway after this much quiet"
    )
    commands.add_parser("sync", help="board sync: stamp the stage changes people made")
    metrics = commands.add_parser("metrics", help="print a week's pipeline metrics")
    metrics.add_argument(
        "--week",
        default=None,
        type=_iso_week,
        metavar="YYYY-Www",
        help="ISO week, e.g. 2026-W47 (default: the last complete week)",
    )
    metrics.add_argument("--json", action="store_true", help="print the rollup as JSON")
    metrics.add_argument(
        "--publish",
        action="store_true",
        help="also write the week's row and page in Weekly metrics",
    )

    from bidboard.cli.insights import add_commands

    add_commands(commands)

    webhook = commands.add_parser("webhook", help="serve the JSON alert webhook receiver")
    webhook.add_argument("--host", default="127.0.0.1")
    webhook.add_argument("--port", type=int, default=8787)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # the demo prints its own summary; its library logs stay quiet unless asked for
    configure_logging(
        os.environ.get("BIDBOARD_LOG_LEVEL", "WARNING" if args.command == "demo" else "INFO")
    )
    try:
        if args.command == "emulator":
            from notion_emulator.cli import run

            run(args)
            return 0
        if args.command == "alerts":
            from bidboard.cli import alerts as alerts_commands

            if args.alerts_command == "parse":
                return alerts_commands.run_parse(args.paths, args.json, args.received_at)
            from bidboard.settings import load_settings

            return alerts_commands.run_quarantine(load_settings(), args.json)
        if args.command == "score":
            from bidboard.cli.score import run_score
            from bidboard.settings import load_settings

            return run_score(load_settings(), args.paths, args.json)
        if args.command == "draft":
            from bidboard.cli.draft import run_draft
            from bidboard.settings import load_settings

            return run_draft(load_settings(), args.paths, args.json, args.questions)
        if args.command == "lint-draft":
            from bidboard.cli.lint import run_lint
            from bidboard.settings import load_settings

            return run_lint(args.path, args.json, args.job, load_settings().portfolio_hosts)
        if args.command == "webhook":
            from bidboard.cli import alerts as alerts_commands
            from bidboard.settings import load_settings

            return alerts_commands.run_webhook(load_settings(), args.host, args.port)
        if args.command == "serve":
            from bidboard.cli import serve as serving
            from bidboard.settings import load_settings

            return serving.main(load_settings(), port=args.port, emulator_port=args.emulator_port)
        if args.command == "watch":
            from bidboard.cli.watch import watch
            from bidboard.settings import load_settings

            with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it stops
                watch(load_settings(), idle_seconds=args.idle_seconds)
            return 0
        if args.command in ("sync", "metrics"):
            from bidboard.cli import board
            from bidboard.cli.offline import offline
            from bidboard.settings import load_settings

            with offline(load_settings()) as settings:  # no token: the demo's emulator
                if args.command == "sync":
                    return board.run_sync_command(settings)
                return board.run_metrics_command(settings, args.week, args.json, args.publish)
        if args.command in ("insights", "tune"):
            from bidboard.cli.insights import run_insights_command, run_tune_command
            from bidboard.cli.offline import offline
            from bidboard.settings import load_settings

            with offline(load_settings()) as settings:  # no token: the demo's emulator
                if args.command == "insights":
                    return run_insights_command(settings, args.json)
                return run_tune_command(settings, args.json, args.apply)
        if args.command in ("init", "verify", "migrate"):
            from bidboard.cli import schema as schema_commands
            from bidboard.cli.offline import offline
            from bidboard.settings import load_settings

            with offline(load_settings()) as settings:  # no token: the demo's emulator
                if args.command == "init":
                    return schema_commands.run_init(settings, args.parent_page)
                if args.command == "verify":
                    return schema_commands.run_verify(settings)
                return schema_commands.run_migrate(settings, args.force)
        if args.command == "demo":
            from bidboard.cli import demo
            from bidboard.settings import load_settings

            return demo.main(load_settings(), serve=args.serve, port=args.port)
    except BidboardError as error:
        print(f"bidboard: error: {error}", file=sys.stderr)
        return 2
    return 1  # pragma: no cover - argparse rejects unknown commands
