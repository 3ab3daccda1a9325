"""``lint_draft``: the compliance linter every draft passes before a person sees it.

Upwork suspends accounts for proposals with links outside Upwork, contact details, moves off the
platform and identical proposals; job posts may hide instructions meant for an AI; clients skip
proposals that open with a stock line or paste the job title back at them. Each finding has a
code, a message, the character span in the draft and what to change (``fix``). Matching runs on
a cleaned copy of the text (Unicode compatibility forms folded, zero-width characters dropped,
case folded) with a map back to the original positions, so obfuscation does not hide anything
and the spans point at the draft as written. The patterns themselves are in
:mod:`bidboard.drafting.lint_patterns`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from bidboard.drafting.fingerprint import distance, simhash
from bidboard.drafting.lint_patterns import (
    CONTACT_HOSTS,
    DOMAIN,
    DOT,
    EMAIL,
    GENERIC,
    GREETING,
    HANDLE,
    INJECTION,
    MESSENGER_LINK,
    OFF_PLATFORM,
    PHONE,
    PLACEHOLDER,
    PRODUCT_NAMES,
    QUOTED,
    SHORTENERS,
    STOCK_OPENER,
    URL,
    fold,
    is_upwork,
    on_domain,
    portfolio_host,
)

Code = Literal[
    "EXTERNAL_LINK",
    "CONTACT_INFO",
    "OFF_PLATFORM",
    "PLACEHOLDER",
    "LENGTH",
    "NEAR_DUPLICATE",
    "INJECTION_ECHO",
    "GENERIC",
]
Severity = Literal["error", "warning"]

MAX_CHARS = 5000  # Upwork's limit for a cover letter
MIN_CHARS = 300  # shorter than this says too little to be worth a client's time
MIN_WORDS, MAX_WORDS = 120, 350  # outside this a proposal reads thin or is not read to the end
TITLE_RUN_WORDS = 4  # this many words of the job title in a row read as the title pasted back
NEAR_DUPLICATE_BITS = 8  # 1-5 edited words move 3-6 of 64 bits; distinct drafts 10+

_WORDS = re.compile(r"[a-z0-9]+(?:[.'\u2019][a-z0-9]+)*")  # "5.6.40", "node.js", "don't": one


class Finding(BaseModel):
    code: Code
    message: str
    start: int
    end: int
    severity: Severity = "error"
    fix: str = ""  # what to change

    def describe(self, text: str = "") -> str:
        """What, where (span and excerpt) and what to change, in one line."""
        where = f"at {self.start}-{self.end}"
        excerpt = " ".join(text[self.start : self.end].split()) if text else ""
        if excerpt and self.code not in ("LENGTH", "NEAR_DUPLICATE"):
            excerpt = excerpt if len(excerpt) <= 60 else excerpt[:57] + "..."
            where += f" \u201c{excerpt}\u201d"
        return f"{self.message} ({where})" + (f"; {self.fix}" if self.fix else "")


class RecentDraft(BaseModel):
    """A recent draft, as the board knows it: its fingerprint and the card it is on."""

    fingerprint: str
    card: str = ""  # the card's title and job key


class LintContext(BaseModel):
    """What the linter compares a draft with."""

    job_text: str = ""
    job_title: str = ""
    recent_fingerprints: list[str] = Field(default_factory=list)
    recent: list[RecentDraft] = Field(default_factory=list)
    portfolio_hosts: list[str] = Field(default_factory=list)  # links allowed there
    max_chars: int = MAX_CHARS
    min_chars: int = MIN_CHARS
    min_words: int = MIN_WORDS
    max_words: int = MAX_WORDS


class Report(BaseModel):
    findings: list[Finding]
    fingerprint: str

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def summary(self, text: str = "") -> str:
        return "\n".join(f"{f.code} ({f.severity}): {f.describe(text)}" for f in self.findings)


def words(text: str) -> list[str]:
    """The words of ``text``, case folded, for counting and comparing."""
    return _WORDS.findall(text.lower())


def title_runs(title: str, text: str, run: int = TITLE_RUN_WORDS) -> list[tuple[int, int]]:
    """Spans of ``text`` where ``run`` or more words of ``title`` follow each other as in the
    title (the title pasted back); case and punctuation do not matter."""
    wanted = words(title)
    if len(wanted) < run:
        return []
    grams = {tuple(wanted[i : i + run]) for i in range(len(wanted) - run + 1)}
    found = [(m.start(), m.end(), m.group(0)) for m in _WORDS.finditer(text.lower())]
    spans: list[tuple[int, int]] = []
    for i in range(len(found) - run + 1):
        if tuple(w for _, _, w in found[i : i + run]) in grams:
            start, end = found[i][0], found[i + run - 1][1]
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


def lint_draft(text: str, context: LintContext | None = None) -> Report:
    """Every compliance finding in ``text``; a draft is fit for review when ``report.ok``."""
    context = context or LintContext()
    clean, where = fold(text)
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []
    hosts = context.portfolio_hosts

    def add(
        code: Code,
        match: re.Match[str],
        message: str,
        fix: str,
        severity: Severity = "error",
    ) -> None:
        start, end = match.span()
        if any(s <= start < e or s < end <= e for s, e in taken):
            return  # already reported as something more specific
        taken.append((start, end))
        findings.append(
            Finding(
                code=code,
                message=message,
                start=where[start],
                end=where[end],
                severity=severity,
                fix=fix,
            )
        )

    drop = "remove it: every conversation stays in Upwork Messages"
    for match in MESSENGER_LINK.finditer(clean):
        add(
            "OFF_PLATFORM",
            match,
            f"messenger link {match.group(0)!r} takes the client off Upwork",
            drop,
        )
    for match in EMAIL.finditer(clean):
        add("CONTACT_INFO", match, f"email address {match.group(0)!r}", drop)
    link_fix = (
        "remove it, or link only to a portfolio host the agency lists in "
        "BIDBOARD_PORTFOLIO_HOSTS; Upwork profile and portfolio links are fine"
    )
    for match in URL.finditer(clean):
        host = re.sub(r"^(?:https?://)", "", match.group(0)).split("/")[0]
        if any(host == s or host.endswith("." + s) for s in SHORTENERS):
            add(
                "EXTERNAL_LINK",
                match,
                f"link shortener {match.group(0)!r} hides where it leads",
                "write the full link, on a host the agency allows, or remove it",
            )
        elif on_domain(host, CONTACT_HOSTS):
            add(
                "CONTACT_INFO",
                match,
                f"link to a contact channel: {match.group(0)!r}",
                drop,
            )
        elif not is_upwork(host) and not portfolio_host(host, hosts):
            add("EXTERNAL_LINK", match, f"link outside Upwork: {match.group(0)!r}", link_fix)
    for match in DOMAIN.finditer(clean):
        domain = re.sub(DOT, ".", match.group(0).split("/")[0])
        if domain in PRODUCT_NAMES or is_upwork(domain):
            continue
        if any(domain == s for s in SHORTENERS):
            add(
                "EXTERNAL_LINK",
                match,
                f"link shortener {domain!r} hides where it leads",
                "write the full link, on a host the agency allows, or remove it",
            )
        elif on_domain(domain, CONTACT_HOSTS):
            add("CONTACT_INFO", match, f"contact channel {match.group(0)!r}", drop)
        elif not portfolio_host(domain, hosts):
            add("EXTERNAL_LINK", match, f"web address outside Upwork: {match.group(0)!r}", link_fix)
    for match in HANDLE.finditer(clean):
        add("CONTACT_INFO", match, f"messenger handle {match.group(0)!r}", drop)
    for match in PHONE.finditer(clean):
        digits = re.sub(r"\D", "", match.group(0))
        if 9 <= len(digits) <= 15:
            add("CONTACT_INFO", match, f"phone number {match.group(0).strip()!r}", drop)
    for match in OFF_PLATFORM.finditer(clean):
        add(
            "OFF_PLATFORM",
            match,
            f"moves the conversation or payment off Upwork: {match.group(0)!r}",
            "keep the conversation in Upwork Messages and payment on Upwork contracts",
        )
    for match in PLACEHOLDER.finditer(clean):
        add(
            "PLACEHOLDER",
            match,
            f"leftover placeholder {match.group(0)!r}",
            "replace it with the real detail, or drop the sentence",
        )
    findings += _generic(text, clean, where, context, add)
    findings += _injection_echo(clean, where, context.job_text)
    findings += _length(text, context)
    fingerprint = simhash(text)
    recent = [RecentDraft(fingerprint=f) for f in context.recent_fingerprints] + context.recent
    near = [(distance(fingerprint, old.fingerprint), old) for old in recent]
    near = [(bits, old) for bits, old in near if bits <= NEAR_DUPLICATE_BITS]
    if near:
        bits, old = min(near, key=lambda n: n[0])
        card = f"the card {old.card}" if old.card else "a recent draft"
        findings.append(
            Finding(
                code="NEAR_DUPLICATE",
                message=f"nearly identical to {card} ({bits} of 64 fingerprint bits differ): "
                "identical proposals risk the account",
                start=0,
                end=len(text),
                fix="rewrite the opening and the approach for this client's post",
            )
        )
    findings.sort(key=lambda f: (f.start, f.code))
    return Report(findings=findings, fingerprint=fingerprint)


_Add = Callable[[Code, "re.Match[str]", str, str, Severity], None]


def _generic(
    text: str, clean: str, where: list[int], context: LintContext, add: _Add
) -> list[Finding]:
    """Stock phrases, stock openers and the job title pasted back (warnings: a person decides)."""
    findings: list[Finding] = []
    for match in GENERIC.finditer(clean):
        add(
            "GENERIC",
            match,
            f"generic phrase {match.group(0)!r} reads like a template",
            "say something only this client's post could prompt",
            "warning",
        )
    opening = "open on the client's problem, in the words of their post"
    for match in STOCK_OPENER.finditer(clean):
        add(
            "GENERIC",
            match,
            f"stock opener {match.group(0)!r}: every other proposal says it",
            opening,
            "warning",
        )
    greeting = GREETING.match(clean)
    title = words(context.job_title)
    if greeting and title:
        after = words(clean[greeting.end() : greeting.end() + 200])
        size = min(len(title), 2)
        if after[:size] == title[:size]:
            findings.append(
                Finding(
                    code="GENERIC",
                    message="a greeting followed by the job title: the client's preview shows "
                    "their own title back",
                    start=where[0],
                    end=where[min(len(clean), greeting.end() + len(context.job_title))],
                    severity="warning",
                    fix=opening,
                )
            )
    for start, end in title_runs(context.job_title, text):
        findings.append(
            Finding(
                code="GENERIC",
                message=f"the job title pasted verbatim ({TITLE_RUN_WORDS}+ words of "
                f"\u201c{context.job_title.strip()}\u201d)",
                start=start,
                end=end,
                severity="warning",
                fix="say what the client needs in your own words or theirs from the post",
            )
        )
    return findings


def _length(text: str, context: LintContext) -> list[Finding]:
    length, count = len(text.strip()), len(words(text))
    if length > context.max_chars:
        return [
            Finding(
                code="LENGTH",
                message=f"{length} characters; Upwork allows {context.max_chars}",
                start=context.max_chars,
                end=len(text),
                fix=f"cut it to {context.max_words} words or fewer",
            )
        ]
    if count > context.max_words:
        return [
            Finding(
                code="LENGTH",
                message=f"{count} words: clients read about 200-300",
                start=0,
                end=len(text),
                severity="warning",
                fix=f"cut it to {context.max_words} words or fewer: keep the problem, one "
                "project, the plan and one question",
            )
        ]
    if count < context.min_words or length < context.min_chars:
        return [
            Finding(
                code="LENGTH",
                message=f"only {count} words",
                start=0,
                end=len(text),
                severity="warning",
                fix=f"say what you would do and what you have done like it (at least "
                f"{context.min_words} words)",
            )
        ]
    return []


def forbidden(text: str, context: LintContext | None = None) -> bool:
    """Whether ``text`` (a fragment a drafter means to quote) carries a link, a contact
    detail, an off-platform move, a placeholder or a hidden instruction's phrase."""
    return any(
        f.severity == "error" and f.code != "LENGTH" for f in lint_draft(text, context).findings
    )


def injected_phrases(job_text: str) -> list[str]:
    """Phrases a job post asks the proposal to say, near words that read as instructions."""
    clean, _ = fold(job_text)
    phrases: list[str] = []
    for trigger in INJECTION.finditer(clean):
        window = clean[max(0, trigger.start() - 80) : trigger.end() + 160]
        phrases += [q.strip() for q in QUOTED.findall(window) if len(q.strip()) >= 3]
        word = re.search(r"(?:word|code|keyword)\s*:?\s+([\w-]{3,40})", window)
        if word:
            phrases.append(word.group(1))
    return list(dict.fromkeys(p for p in phrases if p))


def _injection_echo(clean: str, where: list[int], job_text: str) -> list[Finding]:
    findings = []
    for phrase in injected_phrases(job_text):
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", clean):
            findings.append(
                Finding(
                    code="INJECTION_ECHO",
                    start=where[match.start()],
                    end=where[match.end()],
                    message=f"repeats {phrase!r}, which the job post asked for in an instruction "
                    "hidden in its text: a person should decide",
                    fix="remove it unless a person decides the client really asked for it",
                )
            )
    return findings
