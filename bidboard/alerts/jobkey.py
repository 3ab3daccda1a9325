"""Upwork job keys and job URLs, read from text without ever requesting a URL.

Every URL is percent-decoded (repeatedly, a bounded number of rounds) before a job key is
looked for: Upwork's feeds write the tilde as ``%7E`` and alert services wrap the Upwork URL
in redirects that encode it two or three times. An alert that carries no key at all gets a
derived one (``~derived-`` + 16 hex digits) from its title, budget and day.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from urllib.parse import unquote

#: Upwork's domains (and oDesk's, its old name): bidboard never requests a URL on them, and a
#: link there in a draft is the job's own, not an outside one.
UPWORK_DOMAINS = ("upwork.com", "upwork.co", "upworkcdn.com", "odesk.com")


def is_upwork_host(host: str) -> bool:
    """Whether ``host`` is Upwork's (or one of its subdomains): the one answer the egress guard,
    the feed source and the draft linter all use."""
    host = host.lower().strip(".").removeprefix("www.")
    return any(host == domain or host.endswith("." + domain) for domain in UPWORK_DOMAINS)


#: Upwork job keys: ``~02`` + 19 digits today, ``~01`` + 16 hex digits (18 tolerated) before.
KEY = r"~(?:01[0-9a-fA-F]{16,18}|02[0-9]{19})(?![0-9A-Za-z])"
#: A key bidboard made itself for an alert that carries no real one (see ``derived_key``).
DERIVED_PREFIX = "~derived-"
DERIVED_KEY = r"~derived-[0-9a-f]{16}"
#: What ``JobAlert.job_key`` accepts.
JOB_KEY_PATTERN = r"^(?:~01[0-9a-f]{16,18}|~02[0-9]{19}|~derived-[0-9a-f]{16})$"
_HOST = r"https?://(?:[a-z0-9-]+\.)*upwork\.com/(?:[a-z]{2}/)?"
JOB_URL = re.compile(
    _HOST + r"(?:jobs|freelance-jobs/apply|ab/proposals/job|nx/[a-z/-]*?details)/"
    r"(?:[^\s\"'<>~]*?_)?(" + KEY + r")[^\s\"'<>]*",
    re.IGNORECASE,
)
#: A job link whose key is not a key (a publisher's placeholder, a truncated link).
ODD_JOB_URL = re.compile(_HOST + r"jobs/[^\s\"'<>~]*~[0-9A-Za-z]+[^\s\"'<>]*", re.IGNORECASE)
#: Upwork's click-tracking redirect: never followed, only shown to the person.
TRACKING_URL = re.compile(r"https?://link\.t\.upwork\.com/ls/click\?upn=[^\s\"'<>]+", re.I)
DECODE_ROUNDS = 4


def unquote_deep(text: str, rounds: int = DECODE_ROUNDS) -> str:
    """``text`` percent-decoded until it stops changing, at most ``rounds`` times."""
    for _ in range(rounds):
        if "%" not in text:
            break
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def canonical_url(key: str) -> str:
    return f"https://www.upwork.com/jobs/{key}"


def job_keys(text: str) -> list[str]:
    """Job keys of the job links in ``text`` (decoded first), in order, without repeats."""
    decoded = unquote_deep(text)
    return list(dict.fromkeys(m.group(1).lower() for m in JOB_URL.finditer(decoded)))


def is_derived(key: str) -> bool:
    return key.startswith(DERIVED_PREFIX)


def normalised_title(title: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", title.casefold()).split())


def derived_key(
    title: str,
    budget_type: str | None,
    budget_min: float | None,
    budget_max: float | None,
    posted_on: date,
) -> str:
    """A stable key for a job whose alert carries no real one: a hash of its normalised title,
    its budget and the day it was posted. The prefix marks it as derived wherever it shows."""
    basis = "|".join(
        (
            normalised_title(title),
            budget_type or "",
            f"{budget_min or 0:.2f}",
            f"{budget_max or 0:.2f}",
            posted_on.isoformat(),
        )
    )
    return DERIVED_PREFIX + hashlib.sha256(basis.encode()).hexdigest()[:16]
