"""Tell a person when a strong match lands on the board: Slack, Telegram, email and the rest
through apprise (shipped with Prefect) or a Prefect notification block. Never a hand-written
client, and never a reason for an ingest run to fail: every failure of a destination (what
apprise, HTTP, a Prefect block or the egress policy raise: :data:`NOTIFY_ERRORS`) is reported
and logged with its traceback, its secrets blanked. Anything else is a bug, and is raised.

Where notifications go is secret (webhook URLs and bot tokens are credentials), so the URLs come
from ``BIDBOARD_NOTIFY_URLS`` (a secret setting) or a Prefect block, and are never logged. Each
destination's host must pass bidboard's egress policy, like every other HTTP call: loopback, or
a host listed in ``BIDBOARD_ALLOWED_HOSTS``; upwork.com never.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from bidboard.batch import JobOutcome
from bidboard.egress import EgressPolicy
from bidboard.errors import BidboardError, ConfigError, EgressRefused
from bidboard.settings import Settings

logger = logging.getLogger(__name__)

#: What a destination can raise: our own refusals (egress, config), the network (OSError, which
#: includes requests' errors that apprise's plugins let through), HTTP (httpx, Prefect's API
#: client), a block or value that cannot be loaded (ValueError, pydantic's ValidationError).
NOTIFY_ERRORS: tuple[type[Exception], ...] = (
    BidboardError,
    OSError,
    ValueError,
    httpx.HTTPError,
    httpx.InvalidURL,
)


def _block_errors() -> tuple[type[Exception], ...]:
    """:data:`NOTIFY_ERRORS` and what a Prefect notification block raises (imported only when
    a block is configured)."""
    from prefect.blocks.abstract import NotificationError
    from prefect.exceptions import PrefectException

    return (*NOTIFY_ERRORS, NotificationError, PrefectException)


@dataclass
class NotifyReport:
    matches: int = 0
    sent: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Markdown lines for a run's summary artifact."""
        if not self.matches:
            return ""
        lines = ["", "## Notifications", ""]
        lines.append(f"- strong matches: {self.matches}, notifications sent: {self.sent}")
        lines += [f"- notification problem: {e}" for e in self.errors]
        return "\n".join(lines) + "\n"


def strong_matches(outcomes: Iterable[JobOutcome], min_score: float) -> list[JobOutcome]:
    """New cards scoring ``min_score`` or more, best first."""
    chosen = [o for o in outcomes if o.created and o.score >= min_score]
    return sorted(chosen, key=lambda o: -o.score)


def message(matches: list[JobOutcome]) -> tuple[str, str]:
    """(title, markdown body) of one notification for a batch of strong matches."""
    if len(matches) == 1:
        title = f"Strong match ({matches[0].score}): {matches[0].title[:80]}"
    else:
        title = f"{len(matches)} strong matches on the board"
    lines = []
    for o in matches[:10]:
        link = f"[{o.title[:100]}]({o.url})" if o.url else o.title[:100]
        lines.append(f"- **{o.score}** {link} ({o.stage})")
    if len(matches) > 10:
        lines.append(f"- and {len(matches) - 10} more on the board")
    lines.append("")
    lines.append("Review the draft, then submit it yourself on Upwork.")
    return title, "\n".join(lines)


class _Redact(logging.Filter):
    """Blanks the secret parts of notification URLs in apprise's and urllib3's log records (at
    DEBUG they log every URL they load and post to, tokens included)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def learn(self, url: str) -> None:
        parts = urlsplit(url)
        pieces = {url, parts.netloc, parts.username or "", parts.password or ""}
        if parts.hostname and "." not in parts.hostname:  # slack://TOKEN/…, tgram://TOKEN/…
            pieces.add(parts.hostname)
        pieces.update(parts.path.split("/"))
        pieces.update(v for pair in parts.query.split("&") for v in pair.split("=")[1:])
        self.secrets.update(p for p in pieces if len(p) >= 4)

    def blank(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.blank(record.getMessage()), None
        if record.exc_info:  # a traceback names the URL it failed on
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = self.blank(text), None
        return True


_REDACT = _Redact()
# apprise posts through requests/urllib3; bidboard.notify logs the failures' tracebacks
for _name in ("apprise", "urllib3.connectionpool", __name__):
    logging.getLogger(_name).addFilter(_REDACT)


def _host(target: Any) -> str:
    """Where an apprise destination really connects to."""
    for attr in ("notify_url", "webhook_url"):
        value = getattr(target, attr, None)
        if isinstance(value, str) and value.startswith("http"):
            return urlsplit(value).hostname or ""
    return str(getattr(target, "smtp_host", None) or getattr(target, "host", None) or "")


def _apprise_targets(urls: str, policy: EgressPolicy) -> tuple[Any, list[str]]:
    import apprise

    bundle = apprise.Apprise()
    problems = []
    for number, url in enumerate(u for u in urls.replace(",", " ").split() if u):
        _REDACT.learn(url)
        target = apprise.Apprise.instantiate(url)
        if target is None:  # never echo the URL: it holds a token
            problems.append(f"notification URL #{number + 1} is not a URL apprise knows")
            continue
        try:
            policy.check(httpx.URL(f"https://{_host(target)}/"))
        except EgressRefused as error:
            problems.append(f"notification URL #{number + 1}: {error}")
            continue
        bundle.add(target)
    return bundle, problems


def notify_strong_matches(outcomes: Iterable[JobOutcome], settings: Settings) -> NotifyReport:
    """Send one message for the batch's strong matches; never raises."""
    report = NotifyReport()
    matches = strong_matches(outcomes, settings.notify_min_score)
    report.matches = len(matches)
    if not matches or (settings.notify_urls is None and settings.notify_block is None):
        return report
    title, body = message(matches)
    policy = EgressPolicy.for_urls(
        [settings.notion_base_url, settings.openai_base_url], settings.allowed_hosts
    )
    told: list[str] = []  # logged already, with their tracebacks
    if settings.notify_urls is not None:
        try:
            bundle, problems = _apprise_targets(settings.notify_urls.get_secret_value(), policy)
            report.errors += problems
            if len(bundle):
                import apprise

                if bundle.notify(title=title, body=body, body_format=apprise.NotifyFormat.MARKDOWN):
                    report.sent += len(bundle)
                else:
                    report.errors.append("a notification service did not accept the message")
        except NOTIFY_ERRORS as error:  # never its text in the report: it may hold a token
            report.errors.append(f"notification failed: {type(error).__name__}")
            logger.warning("notification problem=%s", report.errors[-1], exc_info=True)
            told.append(report.errors[-1])
    if settings.notify_block is not None:
        try:
            _notify_block(settings.notify_block, title, body, policy)
            report.sent += 1
        except _block_errors() as error:
            said = str(error) if isinstance(error, BidboardError) else type(error).__name__
            report.errors.append(f"Prefect block {settings.notify_block!r} failed: {said}")
            logger.warning("notification problem=%s", report.errors[-1], exc_info=True)
            told.append(report.errors[-1])
    for problem in report.errors:
        if problem not in told:
            logger.warning("notification problem=%s", problem)
    return report


def _notify_block(name: str, title: str, body: str, policy: EgressPolicy) -> None:
    from prefect.blocks.abstract import NotificationBlock
    from prefect.blocks.core import Block
    from prefect.utilities.asyncutils import run_coro_as_sync

    block = Block.load(name)
    if not isinstance(block, NotificationBlock):
        raise ConfigError(f"{name!r} is not a notification block (Slack, Teams, webhook …)")
    url = getattr(block, "url", None)
    if url is not None:
        secret = url.get_secret_value() if hasattr(url, "get_secret_value") else str(url)
        _REDACT.learn(secret)
        policy.check(httpx.URL(secret))
    sent: Any = block.notify(body, subject=title)  # sync or async, depending on the block
    if inspect.iscoroutine(sent):
        run_coro_as_sync(sent)
