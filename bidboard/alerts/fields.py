"""Reading the fields of a job from labelled lines, the way alerts print them.

Upwork changes its emails without notice, so everything here is label-driven and tolerant:
a value that cannot be read becomes ``None`` with a warning, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

JOB_URL = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*upwork\.com/(?:[a-z]{2}/)?(?:jobs|freelance-jobs/apply|ab/proposals/job"
    r"|nx/[a-z/-]*?details)/(?:[^\s\"'<>~]*?_)?(~0[0-9a-zA-Z]{8,40})[^\s\"'<>]*",
    re.IGNORECASE,
)
_MONEY = re.compile(r"\$\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM])?")
_RANGE = re.compile(
    r"\$\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM])?\s*(?:-|\u2013|\u2014|to)\s*\$?\s*([0-9][0-9,]*(?:\.[0-9]+)?)"
    r"\s*([kKmM])?"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_MORE = re.compile(r"^\+\s*\d+\s*(more)?$", re.IGNORECASE)
_EXPERIENCE = {
    "entry": "Entry",
    "entry level": "Entry",
    "intermediate": "Intermediate",
    "expert": "Expert",
}


def canonical_url(key: str) -> str:
    return f"https://www.upwork.com/jobs/{key}"


def job_keys(text: str) -> list[str]:
    """Job keys of the job links in ``text``, in order, without repeats."""
    return list(dict.fromkeys(m.group(1) for m in JOB_URL.finditer(text)))


def money(text: str) -> float | None:
    """``$1,500.00`` → 1500.0, ``$79K`` → 79000.0, ``$1.2M`` → 1200000.0."""
    match = _MONEY.search(text)
    return _amount(match.group(1), match.group(2)) if match else None


def _amount(number: str, suffix: str | None) -> float:
    value = float(number.replace(",", ""))
    if suffix:
        value *= 1_000 if suffix.lower() == "k" else 1_000_000
    return round(value, 2)


def budget(text: str) -> tuple[float | None, float | None]:
    """A range ``$40.00 - $60.00`` or a single ``$1,500``; ``$0.00`` means not given."""
    match = _RANGE.search(text)
    low: float | None
    high: float | None
    if match:
        low = _amount(match.group(1), match.group(2))
        high = _amount(match.group(3), match.group(4))
    else:
        single = money(text)
        low = high = single
    low = low if low else None
    high = high if high else None
    return low, high


def posted(text: str, reference: datetime | None) -> datetime | None:
    """``Aug 26`` (the year from ``reference``, the email's date), ``December 18, 2022 12:55
    UTC``, ``2026-11-24T10:00:00Z``, ``3 hours ago``."""
    text = text.strip().rstrip(".")
    reference = reference or datetime.now(UTC)
    ago = re.match(r"^(\d+)\s+(minute|hour|day)s?\s+ago$", text, re.IGNORECASE)
    if ago:
        unit = {"minute": "minutes", "hour": "hours", "day": "days"}[ago.group(2).lower()]
        return reference - timedelta(**{unit: int(ago.group(1))})
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        pass
    match = re.match(
        r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?"
        r"(?:,?\s+(\d{1,2}):(\d{2})(?:\s*(AM|PM))?)?(?:\s*(UTC|GMT))?$",
        text,
        re.IGNORECASE,
    )
    if not match:
        try:
            parsed = parsedate_to_datetime(text)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except (TypeError, ValueError, IndexError):
            return None
    month = _MONTHS.get(match.group(1)[:3].lower())
    if month is None:
        return None
    day = int(match.group(2))
    hour, minute = int(match.group(4) or 0), int(match.group(5) or 0)
    if match.group(6):
        hour = hour % 12 + (12 if match.group(6).upper() == "PM" else 0)
    tz = reference.tzinfo or UTC
    year = int(match.group(3)) if match.group(3) else reference.year
    try:
        value = datetime(year, month, day, hour, minute, tzinfo=UTC if match.group(7) else tz)
    except ValueError:
        return None
    if not match.group(3) and value.date() > reference.date() + timedelta(days=1):
        try:  # "Dec 31" in an email of Jan 2 was posted last year
            value = value.replace(year=year - 1)
        except ValueError:
            return None
    return value


def skills(text: str) -> list[str]:
    """``Python, Django, +3 more`` → ``["Python", "Django"]``."""
    parts = re.split(r"\s*[,;|•·]\s*", text.strip())
    return [p for p in (part.strip() for part in parts) if p and not _MORE.match(p)]


def experience(text: str) -> str | None:
    cleaned = re.sub(r"\s*\(.*\)$", "", text.strip()).lower()
    cleaned = re.sub(r"\s+level$", "", cleaned)
    return _EXPERIENCE.get(cleaned) or _EXPERIENCE.get(cleaned + " level")


def rating(text: str) -> float | None:
    match = re.search(r"([0-5](?:\.\d{1,2})?)", text)
    if not match:
        return None
    value = float(match.group(1))
    return value if 0 <= value <= 5 else None


@dataclass
class JobFields:
    """What labels gave for one job; the parser turns it into a ``JobAlert``."""

    title: str = ""
    description_lines: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def set(self, name: str, value: Any, raw: str) -> None:
        if value is None or value == []:
            self.warnings.append(f"could not read {name} from {raw[:80]!r}")
            return
        self.values.setdefault(name, value)

    def alert_values(self) -> dict[str, Any]:
        """The values for a ``JobAlert``: without the reader's own bookkeeping."""
        return {
            k: v
            for k, v in self.values.items()
            if k not in ("_collect_skills", "location_requirement")
        }


_LABELS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?:hourly(?: range| rate)?)\s*:?\s*(.*)$", re.I), "hourly"),
    (re.compile(r"^(?:fixed[- ]price|fixed|budget)\s*:?\s*(.*)$", re.I), "fixed"),
    (re.compile(r"^posted(?: on| at)?\s*:?\s*(.+)$", re.I), "posted"),
    (re.compile(r"^(?:skills?|tags)\s*:?\s*(.*)$", re.I), "skills"),
    (re.compile(r"^(?:experience(?: level)?|level|expertise)\s*:?\s*(.+)$", re.I), "experience"),
    (re.compile(r"^((?:entry|intermediate|expert)(?: level)?)$", re.I), "experience"),
    (
        re.compile(
            r"^(?:est(?:imated|\.)?\s*(?:time|duration)|duration|project length)\s*:?\s*"
            r"(.+)$",
            re.I,
        ),
        "duration",
    ),
    (
        re.compile(r"^payment(?: method)?\s*(?:is\s*)?(verified|unverified|not verified)$", re.I),
        "payment",
    ),
    (re.compile(r"^(?:client )?rating\s*:?\s*(.+)$", re.I), "rating"),
    (re.compile(r"^([0-5]\.\d{1,2})\s*(?:stars?|of 5(?: stars)?)$", re.I), "rating"),
    (re.compile(r"^(\$[0-9][0-9,.]*\s*[kKmM]?)\+?\s*(?:total\s*)?spent$", re.I), "spent"),
    (re.compile(r"^(?:total )?spent\s*:?\s*(.+)$", re.I), "spent"),
    (re.compile(r"^location requirement\s*:?\s*(.+)$", re.I), "location_requirement"),
    (re.compile(r"^(?:country\s*:?|(?:client )?location\s*:)\s*(.+)$", re.I), "country"),
    (re.compile(r"^category\s*:?\s*(.+)$", re.I), "category"),
]
_CLIENT_HINT = re.compile(r"payment|spent|rating|reviews?", re.I)
_SEPARATORS = re.compile(r"\s+[|•·]\s+|\s*[|•·]\s*(?=\S)")


def fragments(line: str) -> list[str]:
    """A line such as ``Payment verified · Rating 4.75 · $79K spent · Germany``, in pieces."""
    return [f.strip() for f in _SEPARATORS.split(line) if f.strip()]


def read_label(
    fragment: str, job: JobFields, reference: datetime | None, client_line: bool
) -> bool:
    """Record the field ``fragment`` names; return whether it was a label."""
    for pattern, name in _LABELS:
        match = pattern.match(fragment)
        if not match:
            continue
        value = match.group(1).strip()
        if name in ("hourly", "fixed"):
            job.values.setdefault("budget_type", name)
            low, high = budget(value)
            if low is None and high is None and not re.search(r"\$\s*0", value):
                job.warnings.append(f"could not read the budget from {fragment[:80]!r}")
            job.values.setdefault("budget_min", low)
            job.values.setdefault("budget_max", high)
        elif name == "posted":
            job.set("posted_at", posted(value, reference), fragment)
        elif name == "skills":
            if value:
                job.values.setdefault("skills", skills(value))
            else:
                job.values.setdefault("skills", [])
                job.values["_collect_skills"] = True
        elif name == "experience":
            job.set("experience_level", experience(value), fragment)
        elif name == "duration":
            job.values.setdefault("duration", value)
        elif name == "payment":
            job.values.setdefault("client_payment_verified", value.lower() == "verified")
        elif name == "rating":
            job.set("client_rating", rating(value), fragment)
        elif name == "spent":
            job.set("client_spend_usd", money(value), fragment)
        elif name == "country":
            job.values.setdefault("client_country", value)
        elif name == "category":
            job.values.setdefault("category", value)
        elif name == "location_requirement":
            job.values.setdefault("location_requirement", value)
        return True
    if client_line and re.fullmatch(r"[A-Za-z][A-Za-z .'()-]{1,55}", fragment):
        job.values.setdefault("client_country", fragment)  # the bare country of a client line
        return True
    return False


def read_line(line: str, job: JobFields, reference: datetime | None) -> bool:
    """Read every labelled fragment of ``line``; return whether the line was labels."""
    parts = fragments(line)
    if len(parts) > 1:
        client = bool(_CLIENT_HINT.search(line))
        read = [read_label(p, job, reference, client) for p in parts]
        return all(read) or sum(read) >= 2
    return read_label(line.strip(), job, reference, False)


def parse_date_header(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
