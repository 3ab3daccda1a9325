"""Reading the fields of a job from labelled lines, the way alerts print them.

Upwork changes its emails without notice, so everything here is label-driven and tolerant:
a value that cannot be read becomes ``None`` with a warning, never an exception. A line is a
label only when it reads as one: ``Label: value`` with a colon, or a value from a closed
vocabulary (``Expert``, ``Payment verified``, ``4.9 stars``, ``$100 spent``). Free text that
merely starts with a label word ("Experience designing apps…", "Skills and Qualifications")
stays description.

Job keys and job URLs are ``bidboard.alerts.jobkey``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

_NUMBER = r"([0-9][0-9,'\u2019]*(?:\.[0-9]+)?)"
_MONEY = re.compile(r"\$\s*" + _NUMBER + r"\s*([kKmM])?|" + _NUMBER + r"\s*([kKmM])?\s*USD\b")
_RANGE = re.compile(
    r"\$?\s*"
    + _NUMBER
    + r"\s*([kKmM])?\s*(?:USD\s*)?(?:-|\u2013|\u2014|to)\s*\$?\s*"
    + _NUMBER
    + r"\s*([kKmM])?"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+(?=[A-Za-z])", re.I)
MORE = re.compile(r"^\+\s*\d+\s*(?:more)?$", re.IGNORECASE)
RULE = re.compile(r"^[-=_\u2014\u2013*]{3,}$")
_EXPERIENCE = {
    "entry": "Entry",
    "entry level": "Entry",
    "intermediate": "Intermediate",
    "expert": "Expert",
}


def money(text: str) -> float | None:
    """``$1,500.00`` → 1500.0, ``$79K`` → 79000.0, ``$1.2M`` → 1200000.0, ``38'295 USD`` →
    38295.0."""
    match = _MONEY.search(text)
    if not match:
        return None
    if match.group(1) is not None:
        return _amount(match.group(1), match.group(2))
    return _amount(match.group(3), match.group(4))


def _amount(number: str, suffix: str | None) -> float:
    value = float(re.sub(r"[,'\u2019]", "", number))
    if suffix:
        value *= 1_000 if suffix.lower() == "k" else 1_000_000
    return round(value, 2)


def budget(text: str) -> tuple[float | None, float | None]:
    """A range ``$40.00 - $60.00`` or ``25 - 47 USD``, or a single ``$1,500`` / ``500 USD``;
    ``$0.00`` means not given."""
    match = _RANGE.search(text)
    low: float | None
    high: float | None
    if match and ("$" in text or "USD" in text):
        low = _amount(match.group(1), match.group(2))
        high = _amount(match.group(3), match.group(4))
    else:
        single = money(text)
        low = high = single
    low = low if low else None
    high = high if high else None
    return low, high


def posted(text: str, reference: datetime) -> datetime | None:
    """``Aug 26`` and ``Fri, Sep 04`` (the year from ``reference``, the email's date),
    ``December 18, 2022 12:55 UTC``, ``Jul 6, 2026 16:12``, ``2026-11-24T10:00:00Z``,
    ``3 hours ago``."""
    text = text.strip().rstrip(".")
    ago = re.match(r"^(\d{1,4})\s+(minute|hour|day)s?\s+ago$", text, re.IGNORECASE)
    if ago:
        unit = {"minute": "minutes", "hour": "hours", "day": "days"}[ago.group(2).lower()]
        return reference - timedelta(**{unit: int(ago.group(1))})
    if re.fullmatch(r"(?:just now|moments? ago|less than a minute ago)", text, re.IGNORECASE):
        return reference
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        pass
    match = re.match(
        r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?"
        r"(?:,?\s+(\d{1,2}):(\d{2})(?:\s*(AM|PM))?)?(?:\s*(UTC|GMT))?$",
        _WEEKDAY.sub("", text),
        re.IGNORECASE,
    )
    if not match:
        try:
            parsed = parsedate_to_datetime(text)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except (TypeError, ValueError, IndexError, OverflowError):
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
    return [p for p in (part.strip() for part in parts) if p and not MORE.match(p)]


def experience(text: str) -> str | None:
    cleaned = re.sub(r"\s*\(.*\)$", "", text.strip()).lower()
    cleaned = re.sub(r"\s+level$", "", cleaned)
    return _EXPERIENCE.get(cleaned) or _EXPERIENCE.get(cleaned + " level")


def rating(text: str) -> float | None:
    match = re.search(r"(?<![\d.])([0-5](?:\.\d{1,2})?)(?![\d])", text)
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
    #: a ``Skills:`` line without a value: the skills follow, one a line
    collecting_skills: bool = False
    #: an ``Hourly`` / ``Fixed-price`` line without an amount: the next line has it
    pending_budget: str | None = None
    #: a client fact was read: bare ratings and a bare country line are the client's now
    client_zone: bool = False
    #: what labels gave that a ``JobAlert`` has no field for (kept for the record)
    notes: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: Any, raw: str) -> None:
        if value is None or value == []:
            self.warnings.append(f"could not read {name} from {raw[:80]!r}")
            return
        self.values.setdefault(name, value)

    def alert_values(self) -> dict[str, Any]:
        """The values for a ``JobAlert``."""
        return dict(self.values)


def _label(words: str) -> re.Pattern[str]:
    """``Words: value`` (the colon is what makes a label of free text)."""
    return re.compile(rf"^(?:{words})\s*(?P<colon>:)\s*(?P<value>.*)$", re.IGNORECASE)


def _amount_label(words: str) -> re.Pattern[str]:
    """``Words: $1``, ``Words $1`` and a bare ``Words`` line (the amount on the next line)."""
    return re.compile(
        rf"^(?:{words})(?:\s*(?P<colon>:)\s*|\s+(?=\$)|\s*$)(?P<value>.*)$", re.IGNORECASE
    )


_RATING = r"(?P<value>[0-5](?:\.\d{1,2})?)"
_LABELS: list[tuple[re.Pattern[str], str]] = [
    (_amount_label(r"hourly(?: range| rate)?"), "hourly"),
    (_amount_label(r"fixed[- ]price|fixed|budget"), "fixed"),
    (
        re.compile(
            r"^(?:posted|published)(?: on| at)?(?:\s*(?P<colon>:)\s*|\s+)(?P<value>.+)$", re.I
        ),
        "posted",
    ),
    (_label(r"skills?|tags"), "skills"),
    (_label(r"experience(?: level)?|expertise(?: level)?|level"), "experience"),
    (re.compile(r"^(?P<value>(?:entry|intermediate|expert)(?: level)?)$", re.I), "experience"),
    (
        _label(r"est(?:imated|\.)?\s*(?:time|duration)|duration|project length"),
        "duration",
    ),
    (
        re.compile(
            r"^payment(?: method)?\s*(?:is\s*)?(?P<value>verified|unverified|not verified)$", re.I
        ),
        "payment",
    ),
    (
        re.compile(
            r"^(?:client )?rating\s*:?\s*" + _RATING + r"(?:\s*(?:stars?|/\s*5|of 5.*))?$", re.I
        ),
        "rating",
    ),
    (re.compile(r"^" + _RATING + r"\s*(?:stars?|of 5(?: stars)?)$", re.I), "rating"),
    (re.compile(r"^(?P<value>\$[0-9][0-9,.]*\s*[kKmM]?)\+?\s*(?:total\s*)?spent$", re.I), "spent"),
    (_label(r"(?:total )?spent"), "spent"),
    (_label(r"location requirement"), "location_requirement"),
    (_label(r"country|(?:client )?location"), "country"),
    (_label(r"category"), "category"),
    (_label(r"proposals"), "proposals"),
]
_CLIENT_HINT = re.compile(r"payment|spent|rating|reviews?|stars?", re.I)
_SEPARATORS = re.compile(r"\s+[|•·]\s+|\s*[|•·]\s*(?=\S)")
_BARE_COUNTRY = re.compile(r"[A-Za-z][A-Za-z .'()-]{1,55}")
_BARE_RATING = re.compile(r"[0-5]\.\d{1,2}")
_BARE_AMOUNT = re.compile(
    r"\$?\s*[0-9][0-9,.'\u2019]*\s*[kKmM]?(?:\s*(?:-|\u2013|to)\s*\S+)?(?:\s*USD)?"
)


def fragments(line: str) -> list[str]:
    """A line such as ``Payment verified · 4.9 stars · $79K spent · Germany``, in pieces."""
    return [f.strip() for f in _SEPARATORS.split(line) if f.strip()]


def _read_labelled(
    name: str, value: str, colon: bool, fragment: str, job: JobFields, reference: datetime
) -> bool:
    if name in ("hourly", "fixed"):
        if not value:  # "Hourly" alone: the amount is on the next line
            job.values.setdefault("budget_type", name)
            job.pending_budget = name
            return True
        low, high = budget(value)
        if low is None and high is None and not re.search(r"\$?\s*0(?:\.0+)?\b", value):
            if not colon:
                return False
            job.warnings.append(f"could not read the budget from {fragment[:80]!r}")
        job.values.setdefault("budget_type", name)
        job.values.setdefault("budget_min", low)
        job.values.setdefault("budget_max", high)
    elif name == "posted":
        when = posted(value, reference)
        if when is None and not colon:
            return False
        job.set("posted_at", when, fragment)
    elif name == "skills":
        found = skills(value)
        if not found:  # "Skills:" then one a line: Upwork's own block, over any list before it
            job.values["skills"] = []
            job.collecting_skills = True
        else:
            job.values.setdefault("skills", found)
    elif name == "experience":
        level = experience(value)
        if level is None:
            return False  # "Experience: 5 years of Django" is the client's text
        job.values.setdefault("experience_level", level)
    elif name == "duration":
        job.values.setdefault("duration", value)
    elif name == "payment":
        job.values.setdefault("client_payment_verified", value.lower() == "verified")
        job.client_zone = True
    elif name == "rating":
        job.set("client_rating", rating(value), fragment)
        job.client_zone = True
    elif name == "spent":
        amount = money(value)
        if amount is None and not colon:
            return False
        job.set("client_spend_usd", amount, fragment)
        job.client_zone = True
    elif name == "country":
        job.values.setdefault("client_country", value)
    elif name == "category":
        job.values.setdefault("category", value)
    else:  # a label bidboard keeps no field for: not description all the same
        job.notes.setdefault(name, value)
    return True


def read_label(fragment: str, job: JobFields, reference: datetime, client_line: bool) -> bool:
    """Record the field ``fragment`` names; return whether it was a label."""
    for pattern, name in _LABELS:
        match = pattern.match(fragment)
        if not match:
            continue
        pending, collecting = job.pending_budget, job.collecting_skills
        job.pending_budget, job.collecting_skills = None, False
        if _read_labelled(
            name,
            match.group("value").strip(),
            bool(match.groupdict().get("colon")),
            fragment,
            job,
            reference,
        ):
            return True
        job.pending_budget, job.collecting_skills = pending, collecting
    if client_line and _BARE_COUNTRY.fullmatch(fragment):
        job.values["client_country"] = fragment  # the client line is Upwork's, and wins
        return True
    return False


def read_bare(line: str, job: JobFields) -> bool:
    """A line that is only a value, read from what came before it: the amount after an
    ``Hourly`` line, and a bare rating or country after a client fact."""
    if job.pending_budget and _BARE_AMOUNT.fullmatch(line):
        job.pending_budget = None
        low, high = budget(line if "$" in line or "USD" in line else f"${line}")
        job.values.setdefault("budget_min", low)
        job.values.setdefault("budget_max", high)
        return True
    job.pending_budget = None
    if job.client_zone and _BARE_RATING.fullmatch(line):
        job.values.setdefault("client_rating", float(line))
        return True
    if job.client_zone and "client_country" not in job.values and _BARE_COUNTRY.fullmatch(line):
        job.values["client_country"] = line
        return True
    return False


def read_line(line: str, job: JobFields, reference: datetime) -> bool:
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
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
