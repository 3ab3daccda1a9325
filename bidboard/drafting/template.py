"""The template drafter: the default when no OpenAI key is configured.

A draft, as the client reads it:

1. **Opening**: the client's problem in the words of their post, turned to face them ("you
   need ..."), never the title pasted back; then the hook: the portfolio item that fits, or
   the first step when none does. Both sit in the first 200 characters, the part Upwork shows
   beside the freelancer's name.
2. **Experience**: a portfolio item is cited only when it fits (:mod:`bidboard.drafting.fit`:
   above ``FIT_THRESHOLD``, sharing skills with the post), and the draft says what matches
   (the shared skills, what it was, its outcome). With no fitting item, an honest line from
   the snippet library instead of a forced citation.
3. **Approach**: steps built from what the post itself asks for, then how the work is paid
   (milestones, or hours).
4. **Questions**: two, drawn from the post where it gives something to ask about.
5. **Closing**: one concrete next step in Upwork Messages.

Every slot has several variants in the snippet library (Opening, Bridge, Experience, Approach,
Closing); the variant is chosen from the job key, so a draft is the same every time for a job,
and ``draft(request, avoid=...)`` tries other variants until the draft is further than the
near-duplicate threshold from the fingerprints it is given (the board's recent drafts).
Screening questions get an answer each (``Draft.answers``), from the portfolio and the
library's Answer snippets, in the order asked.

This module assembles the draft from the snippet library; the sections' wording is in
:mod:`bidboard.drafting.sections`, the kinds of work and their words in
:mod:`bidboard.drafting.domains`, the reading of the post in :mod:`bidboard.drafting.post`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

from bidboard.drafting.domains import ARTIFACTS, STEPS, domain
from bidboard.drafting.draft import Draft, DraftRequest, ScreeningAnswer, Snippet
from bidboard.drafting.fingerprint import distance, simhash
from bidboard.drafting.fit import fitting_items
from bidboard.drafting.lint import NEAR_DUPLICATE_BITS, Finding, forbidden, title_runs
from bidboard.drafting.phrasing import join
from bidboard.drafting.post import deliverables, need
from bidboard.drafting.questions import screening_questions
from bidboard.drafting.sections import (
    after_colon,
    as_sentence,
    capital,
    choose,
    client_questions,
    gerund,
    item_name,
    lower_first,
    need_from_skills,
    plan_steps,
    same_words,
    with_skill,
)

SAMPLE_PATH = Path(__file__).with_name("snippets.sample.json")
VARIANTS = 12  # tries at a draft far enough from the recent ones
HOOK_CHARS = 180  # the opening sentence ends by here, so the proof starts within 200
_FIELD = re.compile(r"\{(\w+)\}")


_FACING = re.compile(r"\byou|\byour", re.IGNORECASE)
_CITING = frozenset({"portfolio", "summary", "outcome", "Outcome", "matched"})
FIELDS = frozenset(
    {"need", "Need", "first", "first_ing", "artifact", "signature", "steps"}
    | {"portfolio", "summary", "outcome", "Outcome", "matched"}
)


def _usable(snippet: Snippet) -> bool:
    """A snippet whose fields this drafter fills. Older libraries used {title} (the job title
    pasted back) and {skills} ("I have delivered Django, React, Stripe projects", a claim made
    whether or not the portfolio shows it): such a snippet is left out, and the sample library
    fills its kind."""
    return all(field in FIELDS for field in _FIELD.findall(snippet.text))


def _cites(snippet: Snippet) -> bool:
    """Whether a snippet cites a portfolio item (used only when one fits)."""
    return bool(set(_FIELD.findall(snippet.text)) & _CITING)


def parse_snippets(text: str) -> list[Snippet]:
    """The snippets in JSON ``text`` (a list, as ``snippets.sample.json`` holds them)."""
    return [Snippet.model_validate(s) for s in json.loads(text)]


class TemplateDrafter:
    name = "template"

    def __init__(self, snippets: list[Snippet], defaults: Sequence[Snippet] | None = None) -> None:
        """``snippets``: the library to draft from (the agency's, or the sample library);
        ``defaults`` fill a kind it lacks (give the sample library with the agency's; when not
        given, ``snippets`` are their own defaults)."""
        self.snippets = [s for s in snippets if s.active and _usable(s)]
        self.defaults = list(snippets if defaults is None else defaults)

    def _kind(self, kind: str, fit: bool | None = None) -> list[Snippet]:
        """The library's snippets of ``kind``; ``fit`` picks those that cite a portfolio item
        (True) or those that do not (False). The sample library fills a kind the agency's
        library lacks."""
        for library in (self.snippets, self.defaults):
            options = [s for s in library if s.kind.lower() == kind.lower()]
            if fit is not None:
                options = [s for s in options if _cites(s) == fit]
            if options:
                return options
        return []

    def _pick(self, kind: str, seed: str, fit: bool | None = None) -> str:
        options = self._kind(kind, fit)
        if not options:
            return ""
        digest = hashlib.sha256(f"{seed}:{kind}:{fit}".encode()).digest()
        return options[int.from_bytes(digest[:4], "big") % len(options)].text

    def draft(self, request: DraftRequest, avoid: Sequence[str] = ()) -> Draft:
        """The draft for ``request``: the first variant that does not paste the job title, has
        nothing the linter forbids (a safety net: what it quotes is checked already) and,
        with ``avoid`` (fingerprints of recent drafts), is further than the near-duplicate
        threshold from all of them; else the best of the variants tried."""
        best: tuple[tuple[bool, int], Draft] | None = None
        for variant in range(VARIANTS):
            draft = self._compose(request, variant)
            clean = not title_runs(request.job.title, draft.text) and not forbidden(draft.text)
            fingerprint = simhash(draft.text)
            nearest = min((distance(fingerprint, old) for old in avoid), default=64)
            if clean and nearest > NEAR_DUPLICATE_BITS:
                return draft
            rank = (clean, nearest)
            if best is None or rank > best[0]:
                best = (rank, draft)
        assert best is not None
        return best[1]

    def revise(
        self, request: DraftRequest, findings: Sequence[Finding], previous: str
    ) -> Draft | None:
        """None: the template drafter has no second try (:meth:`draft` already tried its
        variants against the linter)."""
        return None

    def _compose(self, request: DraftRequest, variant: int) -> Draft:
        job = request.job
        seed = f"{job.job_key}:{variant}" if variant else job.job_key
        kind = domain(request)
        fits = fitting_items(request)
        steps_found = deliverables(job)
        frame = self._pick("Opening", seed)
        room = HOOK_CHARS - len(_FIELD.sub("", frame))  # the problem, then the proof, by 200
        opener = need(job, room) or ""
        if opener and not _FACING.search(opener) and not _FACING.search(_FIELD.sub("", frame)):
            frame = "From what you describe, {need}."  # a problem said in the post's words
        if steps_found and same_words(steps_found[0], opener):
            steps_found = steps_found[1:]
        starts = [with_skill(step, job) for step in STEPS[kind][0]]
        first = steps_found[0] if steps_found else choose(starts, seed, "first")
        values = {
            "need": opener or need_from_skills(request),
            "first": first,
            "first_ing": gerund(first),
            "artifact": choose(ARTIFACTS[kind], seed, "artifact"),
            "signature": request.signature,
        }
        values["Need"] = capital(values["need"])
        if fits:
            item, shared = fits[0]
            name = item_name(item)
            if title_runs(job.title, name):
                name = f"a {join(item.skills[:2])} project of mine"
            values.update(
                portfolio=name,
                summary=as_sentence(after_colon(item.summary, item)) if item.summary else "",
                outcome=as_sentence(lower_first(item.outcome)) if item.outcome else "",
                Outcome=as_sentence(item.outcome) if item.outcome else "",
                matched=join(shared[:4]),
            )

        def fill(text: str) -> str:
            return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), text).strip()

        opening = " ".join(
            p
            for p in (
                fill(frame),
                fill(self._pick("Bridge", seed, fit=bool(fits))),
            )
            if p
        )
        experience = fill(self._pick("Experience", seed, fit=bool(fits)))
        if len(fits) > 1:
            other, shared = fits[1]
            experience += f" I also built {item_name(other)}, with {join(shared[:3])}."
        values["steps"] = plan_steps(request, steps_found[1:], first, seed, kind)
        approach = fill(self._pick("Approach", seed))
        closing = fill(self._pick("Closing", seed)) or (
            "Happy to talk it through here in Upwork Messages."
        )
        if request.signature:
            closing = f"{closing}\n\n{request.signature}"
        draft = Draft(
            opening=opening,
            experience=experience,
            approach=approach,
            questions=client_questions(request, seed, opener),
            closing=closing,
            drafted_by=self.name,
        )
        return draft.model_copy(update={"answers": self.answers(request, draft, values)})

    def answers(
        self, request: DraftRequest, draft: Draft, values: dict[str, str]
    ) -> list[ScreeningAnswer]:
        from bidboard.drafting.answers import answer_question

        fits = fitting_items(request)
        return [
            ScreeningAnswer(
                question=q,
                answer=answer_question(q, request, fits, self._kind("Answer"), draft, values),
            )
            for q in screening_questions(request.job)
        ]


__all__ = ["SAMPLE_PATH", "TemplateDrafter", "parse_snippets"]
