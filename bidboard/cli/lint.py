"""``bidboard lint-draft PATH [--json]``: the compliance findings of a draft, each with where
it is (span) and what to change (fix). Portfolio links are allowed on BIDBOARD_PORTFOLIO_HOSTS."""

from __future__ import annotations

import json
from pathlib import Path

from bidboard.drafting.lint import LintContext, lint_draft
from bidboard.errors import ConfigError


def run_lint(
    path: Path, as_json: bool, job_post: Path | None = None, portfolio_hosts: tuple[str, ...] = ()
) -> int:
    try:
        text = path.read_text()
        context = LintContext(
            job_text=job_post.read_text() if job_post else "",
            portfolio_hosts=list(portfolio_hosts),
        )
    except OSError as error:
        raise ConfigError(f"{error.filename}: {error.strerror}") from None
    report = lint_draft(text, context)
    if as_json:
        print(
            json.dumps(
                [
                    f.model_dump(include={"code", "message", "start", "end", "severity", "fix"})
                    for f in report.findings
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for finding in report.findings:
            excerpt = text[finding.start : finding.end].replace("\n", " ")
            excerpt = excerpt if len(excerpt) <= 60 else excerpt[:57] + "..."
            print(
                f"{finding.severity:<7} {finding.code:<15} {finding.start}-{finding.end}  "
                f"{finding.message}"
                + (f"  [{excerpt}]" if finding.code not in ("LENGTH", "NEAR_DUPLICATE") else "")
            )
            if finding.fix:
                print(f"{'':<24}fix: {finding.fix}")
        errors = len(report.errors())
        print(
            f"{errors} error(s), {len(report.findings) - errors} warning(s); "
            f"fingerprint {report.fingerprint}"
        )
    return 1 if not report.ok else 0
