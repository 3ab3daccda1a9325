"""The template drafter's sections in words: the opening need when the post says none, the
plan's steps and how the work is paid, the two questions for the client; and the small
wording helpers they and the assembly (:mod:`bidboard.drafting.template`) share. A choice
among variants is made from a seed (the job key and the variant), so a draft is the same every
time for a job.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from bidboard.alerts.alert import JobAlert
from bidboard.drafting.domains import STEPS
from bidboard.drafting.draft import DraftRequest
from bidboard.drafting.lint import forbidden, words
from bidboard.drafting.phrasing import cut, join, second_person
from bidboard.drafting.post import (
    ABOUT_FREELANCER,
    ACTION,
    GREETING,
    WORTH_ASKING,
    sentences,
    usable,
)
from bidboard.scoring.portfolio import PortfolioItem

_ASKS = (
    "what does done look like for you there?",
    "how is that handled today?",
    "could you tell me a little more about that?",
)

_DEADLINE = re.compile(
    r"\b(?:\d+ (?:hours?|days?)|deadline|asap|urgent|by (?:monday|tuesday|"
    r"wednesday|thursday|friday|tomorrow|the end))\b",
    re.IGNORECASE,
)

_WANTS = re.compile(
    r"\b(?:need|needs|want|wants|must|should|require|requires|goal|looking)\b", re.IGNORECASE
)


def _ask(quote: str, seed: str) -> str:
    """The follow-up that suits what the quoted sentence says."""
    if _DEADLINE.search(quote):
        return "is that a firm date, and is there room for one round of changes?"
    if _WANTS.search(quote):
        return choose(_ASKS[:1] + _ASKS[2:], seed, quote)
    return choose(_ASKS[1:], seed, quote)


def choose(options: Sequence[str], seed: str, salt: str) -> str:
    digest = hashlib.sha256(f"{seed}:{salt}".encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """First letter lowered unless the word is an acronym or a name ("AWS", "iOS")."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1:2].isupper() or any(c.isdigit() for c in first)):
        return text
    return text[:1].lower() + text[1:]


def with_skill(step: str, job: JobAlert) -> str:
    """A generic step naming the first of the job's skills that its post names too
    ("review your current Laravel setup"), or none ("review your current setup")."""
    said = " " + " ".join(words(f"{job.title} {job.description or ''}")) + " "
    named = [
        s for s in job.skills if f" {' '.join(words(s))} " in said and not forbidden(f"the {s}")
    ]
    if named:
        return step.replace("{skill}", named[0])
    return step.replace("{skill} ", "").replace("which  pieces", "which pieces")


def same_words(a: str, b: str) -> bool:
    """Whether two phrases say mostly the same words."""
    said = set(words(a))
    return bool(said) and len(said & set(words(b))) > len(said) * 0.6


def item_name(item: PortfolioItem) -> str:
    """A portfolio item's name inside a sentence: "the query tuning for a B2B SaaS", but
    "the Django marketplace MVP" (a first word that is one of its skills keeps its capital)."""
    first = item.name.split(" ", 1)[0].lower()
    if any(first in words(skill) for skill in item.skills):
        return f"the {item.name}"
    return f"the {lower_first(item.name)}"


def after_colon(text: str, item: PortfolioItem) -> str:
    """An item's summary after "The work:": "moved four legacy PHP sites", but "Laravel and
    Vue.js SaaS" and "FastAPI backend" keep their capitals."""
    first = text.split(" ", 1)[0]
    if any(first.lower() in words(skill) for skill in item.skills):
        return text
    return lower_first(text)


def as_sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _ing(verb: str) -> str:
    low = verb.lower()
    if low.endswith("ie"):
        return low[:-2] + "ying"
    if low.endswith("e") and not low.endswith(("ee", "ye", "oe")):
        return low[:-1] + "ing"
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnprt]", low) and len(low) <= 4:
        return low + low[-1] + "ing"
    return low + "ing"


_VERBS = frozenset(
    re.findall(
        r"\w+",
        "list write read agree ship keep cut collect refine hand map take send report revise "
        "deliver confirm share show tell review build test",
    )
)


def gerund(phrase: str) -> str:
    """ "edit and compile the videos" -> "editing and compiling the videos"."""
    verb, _, rest = phrase.partition(" ")

    def also(match: re.Match[str]) -> str:
        return f"{match.group(1)} {_ing(match.group(2))}"

    rest = re.sub(
        r"\b(and|or|then)\s+(\w+)\b",
        lambda m: also(m) if ACTION.match(m.group(2)) or m.group(2) in _VERBS else m.group(0),
        rest,
    )
    return f"{_ing(verb)} {rest}".strip()


def need_from_skills(request: DraftRequest) -> str:
    job = request.job
    area = (job.category or "").split(">")[-1].strip().lower()
    known = set(words(area))
    chosen: list[str] = []
    for skill in job.skills:
        said = set(words(skill))
        if not said & known and usable(skill + " x x x", job) and len(chosen) < 3:
            chosen.append(skill)
            known |= said
    skills = join(chosen)
    if area and skills:
        return f"you need someone for {area}, with {skills}"
    if skills:
        return f"you need someone who knows {skills}"
    if area:
        return f"you need someone for {area}"
    return "you need someone to take this work off your hands"


def plan_steps(request: DraftRequest, found: list[str], first: str, seed: str, kind: str) -> str:
    job = request.job
    steps = list(found[:2])
    starts, thens = ([with_skill(step, job) for step in pool] for pool in STEPS[kind])
    if not found:
        others = [step for step in starts if step != first]
        steps += [choose(others, seed, "start")] if others else []
    thens = [step for step in thens if step not in steps]
    while len(steps) < 2 and thens:
        pick = choose(thens, seed, f"then {len(steps)}")
        steps.append(pick)
        thens.remove(pick)
    if job.budget_type == "fixed":
        steps.append(
            choose(
                (
                    "split the fixed price into milestones you approve one at a time",
                    "tie each payment milestone to something you can see working",
                ),
                seed,
                "pay",
            )
        )
    elif job.budget_type == "hourly":
        steps.append(
            choose(
                (
                    "log every hour in Upwork's work diary with a short note on what it bought",
                    "keep the hours in Upwork's work diary, with a weekly summary of the work",
                ),
                seed,
                "pay",
            )
        )
    else:
        steps.append("show you each piece for review before starting the next")
    shape = choose(
        (
            "first {0}, then {1}, and finally {2}",
            "{0}; then {1}; and {2}",
            "start by {g0}, go on to {1}, and {2}",
            "{0}, after that {1}, and {2}",
        ),
        seed,
        "shape",
    )
    return shape.format(*steps, g0=gerund(steps[0]))


def client_questions(request: DraftRequest, seed: str, need_said: str) -> list[str]:
    """Two questions, from what the post says where it gives something to ask about."""
    job = request.job
    questions: list[str] = []
    opener = set(words(need_said))
    for sentence in sentences(job)[:10]:
        if sentence.rstrip().endswith("?"):
            continue  # the client's own question: answered, not asked back
        quote = cut(GREETING.sub("", sentence), 80, strict=True)
        said = set(words(second_person(quote)))
        if (
            len(quote.split()) < 4
            or len(said & opener) > len(said) / 2
            or not WORTH_ASKING.search(quote)
            or ABOUT_FREELANCER.search(quote)
            or not usable(quote, job)
        ):
            continue
        ask = _ask(quote, seed)
        questions.append(f"You mention \u201c{quote}\u201d: {ask}")
        break
    follow_up = {
        "hourly": (
            "How many hours a week do you expect, and is there a deadline?",
            "Roughly how many hours a week did you have in mind?",
            "Is there a date this has to be live by, and a weekly budget of hours?",
        ),
        "fixed": (
            "Is there a date the first version has to be ready by?",
            "When would you like the finished work in your hands?",
            "Which part would you want delivered first if we split it into milestones?",
        ),
    }.get(
        job.budget_type or "",
        (
            "Is this a one-off job, or do you expect more like it later?",
            "What would make you call this job a success?",
            "Is there a deadline I should plan around?",
        ),
    )
    questions.append(choose(follow_up, seed, "follow-up"))
    if len(questions) < 2:
        questions.insert(
            0,
            choose(
                (
                    "Who will I work with day to day, and how do you like progress reported?",
                    "What have you tried so far, and what did not work?",
                    "Is there anything already in place that I should build on?",
                ),
                seed,
                "opening question",
            ),
        )
    return questions[:2]
