"""The template drafter: the default when no OpenAI key is configured.

It composes a draft from the agency's snippet library and the matched portfolio items. It is
deterministic for a given job (variants are chosen by the job key), specific to the job (its
title, skills, budget type, and questions drawn from its description), and never the same text
for two different jobs.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from .model import Draft, DraftRequest, Snippet

SAMPLE_PATH = Path(__file__).with_name("snippets.sample.json")
_FIELD = re.compile(r"\{(title|skills|skill|budget|portfolio|outcome|signature|problem)\}")
_SENTENCE = re.compile(r"[^.!?\n]{12,240}[.!?]")
_NEEDS = re.compile(
    r"\b(?:need|needs|want|wants|looking for|require|requires|must|should|"
    r"integrat\w*|migrat\w*|deadline|existing|current)\b",
    re.IGNORECASE,
)


def load_snippets(path: Path = SAMPLE_PATH) -> list[Snippet]:
    return [Snippet.model_validate(s) for s in json.loads(path.read_text())]


def _pick(options: list[Snippet], seed: str, salt: str) -> Snippet | None:
    if not options:
        return None
    digest = hashlib.sha256(f"{seed}:{salt}".encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def _questions(request: DraftRequest) -> list[str]:
    """Two or three questions about this job: from what its description says it needs."""
    job = request.job
    questions: list[str] = []
    for sentence in _SENTENCE.findall(job.description or ""):
        sentence = sentence.strip()
        if sentence.endswith("?"):
            continue
        if _NEEDS.search(sentence) and len(questions) < 2:
            subject = re.sub(
                r"^(?:we|i|you)\s+(?:need|want|are looking for|require)\s+",
                "",
                sentence.rstrip(".!"),
                flags=re.IGNORECASE,
            )
            questions.append(
                f"You mention \u201c{subject[:120]}\u201d: what does done look like for you there?"
            )
    skills = [s for s in job.skills[:3]]
    if skills and len(questions) < 3:
        questions.append(
            f"Is there an existing {skills[0]} codebase or setup I would build on, "
            "and can I see it once we talk here on Upwork?"
        )
    if job.budget_type == "hourly" and len(questions) < 3:
        questions.append("How many hours a week do you expect, and is there a deadline?")
    elif job.budget_type == "fixed" and len(questions) < 3:
        questions.append("Which milestones would you like the fixed price split into?")
    if len(questions) < 2:
        questions.append("Who will I work with day to day, and how do you like progress reported?")
    return questions[:3]


class TemplateDrafter:
    name = "template"

    def __init__(self, snippets: list[Snippet]) -> None:
        self.snippets = [s for s in snippets if s.active]

    def _kind(self, kind: str, skills: set[str]) -> list[Snippet]:
        options = [s for s in self.snippets if s.kind.lower() == kind.lower()]
        matching = [s for s in options if {k.lower() for k in s.skills} & skills]
        return matching or [s for s in options if not s.skills] or options

    def draft(self, request: DraftRequest) -> Draft:
        job = request.job
        skills = {s.lower() for s in job.skills}
        best = request.portfolio[0] if request.portfolio else None
        values = {
            "title": job.title.strip().rstrip("."),
            "skills": ", ".join(job.skills[:4]) or "this stack",
            "skill": job.skills[0] if job.skills else "this",
            "budget": "hourly"
            if job.budget_type == "hourly"
            else "fixed-price"
            if job.budget_type == "fixed"
            else "this",
            "portfolio": best.name if best else "similar projects",
            "outcome": (
                best.outcome.rstrip(".")
                if best and best.outcome
                else "the result the client needed"
            ),
            "signature": request.signature,
            "problem": job.title.strip().rstrip(".").lower(),
        }

        def fill(snippet: Snippet | None, fallback: str) -> str:
            text = snippet.text if snippet else fallback
            return _FIELD.sub(lambda m: values[m.group(1)], text)

        seed = job.job_key
        opening = fill(
            _pick(self._kind("Opening", skills), seed, "opening"),
            "Hi, I read your post about {title} and it is work I do every week.",
        )
        experience_parts = []
        for item in request.portfolio[:2]:
            line = f"I built \u201c{item.name}\u201d"
            if item.summary:
                line += f": {item.summary.rstrip('.')}"
            if item.outcome:
                line += f". {item.outcome.rstrip('.')}"
            experience_parts.append(line + ".")
        experience = fill(
            _pick(self._kind("Experience", skills), seed, "experience"),
            "I have shipped {skills} work like this before.",
        )
        if experience_parts:
            experience = experience + " " + " ".join(experience_parts)
        approach = fill(
            _pick(self._kind("Approach", skills), seed, "approach"),
            "For {title}, I would start with a short call here on Upwork, agree on "
            "the first milestone, and deliver in small reviewed steps.",
        )
        closing = fill(
            _pick(self._kind("Closing", skills), seed, "closing"),
            "Happy to talk it through here on Upwork.",
        )
        if request.signature:
            closing = f"{closing}\n\n{request.signature}"
        return Draft(
            opening=opening,
            experience=experience,
            approach=approach,
            questions=_questions(request),
            closing=closing,
            drafted_by=self.name,
        )
