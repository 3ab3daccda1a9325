"""The template drafter: the default when no OpenAI key is configured.

A draft, as the client reads it:

1. **Opening**: the client's problem in the words of their post, turned to face them ("you
   need ..."), never the title pasted back; then the hook: the portfolio item that fits, or
   the first step when none does. Both sit in the first 200 characters, the part Upwork shows
   beside the freelancer's name.
2. **Experience**: a portfolio item is cited only when it fits above ``FIT_THRESHOLD`` and
   shares at least one skill with the post, and the draft says what matches (the shared
   skills, what it was, its outcome). With no fitting item, an honest line from the snippet
   library instead of a forced citation.
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
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

from bidboard.alerts.alert import JobAlert
from bidboard.drafting.draft import Draft, DraftRequest, ScreeningAnswer, Snippet
from bidboard.drafting.fingerprint import distance, simhash
from bidboard.drafting.lint import NEAR_DUPLICATE_BITS, Finding, forbidden, title_runs, words
from bidboard.drafting.post import (
    ABOUT_FREELANCER,
    ACTION,
    GREETING,
    WORTH_ASKING,
    cut,
    deliverables,
    join,
    need,
    second_person,
    sentences,
    unescape,
    usable,
)
from bidboard.drafting.questions import screening_questions
from bidboard.scoring.portfolio import PortfolioItem

SAMPLE_PATH = Path(__file__).with_name("snippets.sample.json")
FIT_THRESHOLD = 0.2  # portfolio similarity (0-1) from which an item may be cited...
FIT_ONE_SKILL = 0.3  # ...with two shared skills, or one shared skill from this similarity
VARIANTS = 12  # tries at a draft far enough from the recent ones
HOOK_CHARS = 180  # the opening sentence ends by here, so the proof starts within 200
_FIELD = re.compile(r"\{(\w+)\}")

_DOMAINS: dict[str, tuple[str, ...]] = {
    "video": (
        "video",
        "youtube",
        "reels",
        "premiere",
        "after effects",
        "animation",
        "animator",
        "motion graphics",
        "podcast",
        "footage",
        "tiktok",
        "film",
    ),
    "design": (
        "design",
        "designer",
        "logo",
        "figma",
        "mockup",
        "illustration",
        "ui/ux",
        "branding",
        "graphic",
    ),
    "writing": (
        "writer",
        "writing",
        "copywriting",
        "content writing",
        "article",
        "blog",
        "wordsmith",
        "storyteller",
        "technical writing",
        "elearning",
        "course",
    ),
    "sales": ("sales", "lead generation", "cold calling", "marketing", "seo", "social media"),
    "admin": ("administrative", "assistant", "virtual assistant", "data entry", "coordinator"),
}
_ARTIFACTS: dict[str, tuple[str, ...]] = {
    "video": (
        "one raw recording and an edit you like",
        "a sample clip and an example of the style you want",
        "the footage for the first video and your brand fonts",
    ),
    "design": (
        "your brand assets and one design you admire",
        "the screens or sketches you have so far",
    ),
    "writing": ("a piece whose tone you like", "an outline or a past piece you were happy with"),
    "sales": ("a short description of your offer and who buys it", "how leads reach you today"),
    "admin": ("a list of the tasks for the first week", "how the work is tracked today"),
    "software": (
        "a short screen recording of where things stand",
        "read access to the code or a few screenshots of it",
        "the list of features that matter most to you",
        "whatever specification or notes you already have",
    ),
}
# generic steps per kind of work: ways to start, then ways to go on (for posts that list none)
_STEPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "video": (
        (
            "edit one short test piece in the style you want",
            "cut a thirty-second sample from your footage",
        ),
        (
            "agree on the cut, captions and music with you before the full batch",
            "keep a shared list of every revision so nothing gets lost",
            "deliver in the formats and sizes each platform needs",
        ),
    ),
    "design": (
        ("sketch two directions for the first screen", "collect the references you like"),
        (
            "refine the one you pick with your feedback",
            "hand over the files in the formats your team uses",
        ),
    ),
    "writing": (
        ("write a short sample in the voice you want", "agree on an outline with you"),
        ("revise once with your notes", "deliver each piece ready to publish"),
    ),
    "sales": (
        ("map your offer and your best customers in a one-page brief",),
        (
            "agree on the weekly numbers we both watch",
            "report what worked and what did not each week",
        ),
    ),
    "admin": (
        ("take over one routine task and document how I handle it",),
        ("agree on the tools and the hours with you", "send a short end-of-day summary"),
    ),
    "software": (
        (
            "review your current {skill} setup and write down the first milestone",
            "set up a working copy and confirm the scope with you in writing",
            "read through what exists and list what I would change first",
            "write down with you what the first release must do",
        ),
        (
            "build the smallest piece that proves the approach, end to end",
            "write tests around the parts that must not break",
            "ship each change to a staging copy before it reaches your users",
            "agree with you which {skill} pieces come first",
            "document each step so your team can carry it on",
        ),
    ),
}
_ASKS = (
    "what does done look like for you there?",
    "how is that handled today?",
    "could you tell me a little more about that?",
)


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
        return _choose(_ASKS[:1] + _ASKS[2:], seed, quote)
    return _choose(_ASKS[1:], seed, quote)


def load_snippets(path: Path = SAMPLE_PATH) -> list[Snippet]:
    return [Snippet.model_validate(s) for s in json.loads(path.read_text())]


def _choose(options: Sequence[str], seed: str, salt: str) -> str:
    digest = hashlib.sha256(f"{seed}:{salt}".encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    """First letter lowered unless the word is an acronym or a name ("AWS", "iOS")."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1:2].isupper() or any(c.isdigit() for c in first)):
        return text
    return text[:1].lower() + text[1:]


def _with_skill(step: str, job: JobAlert) -> str:
    """A generic step naming the first of the job's skills that its post names too
    ("review your current Laravel setup"), or none ("review your current setup")."""
    said = " " + " ".join(words(f"{job.title} {job.description or ''}")) + " "
    named = [
        s for s in job.skills if f" {' '.join(words(s))} " in said and not forbidden(f"the {s}")
    ]
    if named:
        return step.replace("{skill}", named[0])
    return step.replace("{skill} ", "").replace("which  pieces", "which pieces")


def _same(a: str, b: str) -> bool:
    """Whether two phrases say mostly the same words."""
    said = set(words(a))
    return bool(said) and len(said & set(words(b))) > len(said) * 0.6


def _name(item: PortfolioItem) -> str:
    """A portfolio item's name inside a sentence: "the query tuning for a B2B SaaS", but
    "the Django marketplace MVP" (a first word that is one of its skills keeps its capital)."""
    first = item.name.split(" ", 1)[0].lower()
    if any(first in words(skill) for skill in item.skills):
        return f"the {item.name}"
    return f"the {_lower(item.name)}"


def _after_colon(text: str, item: PortfolioItem) -> str:
    """An item's summary after "The work:": "moved four legacy PHP sites", but "Laravel and
    Vue.js SaaS" and "FastAPI backend" keep their capitals."""
    first = text.split(" ", 1)[0]
    if any(first.lower() in words(skill) for skill in item.skills):
        return text
    return _lower(text)


def _sentence(text: str) -> str:
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


_SOFTWARE = re.compile(
    r"\b(?:dev|development|developer|software|engineering|programming|web|mobile|cms|"
    r"ecommerce|devops|qa|testing|systems|security|data|automation|scripting|ai|"
    r"information|desktop|game)\b",
    re.IGNORECASE,
)


_CATEGORIES: tuple[tuple[str, str], ...] = (
    (r"video(?! game)|animation|audio|cartoon|motion graphics|film|photo", "video"),
    (r"sales|marketing|lead gen|business development|seo", "sales"),
    (r"writing|content|translation|copy|editing & proofreading|elearning", "writing"),
    (r"administrative|virtual assist|customer service|data entry|project management", "admin"),
    (r"design(?!.*dev)|ui/ux|graphic|illustration|logo", "design"),
)


def domain(request: DraftRequest) -> str:
    """What kind of work the job is, for the wording of first steps and next steps: from its
    category first ("Sales & Business Development" is sales, "Mobile Design" design, a Java
    job listing "Architecture Design" software), then its title and skills."""
    job = request.job
    category = (job.category or "").lower()
    for pattern, name in _CATEGORIES:
        if category and re.search(pattern, category):
            return name
    if category and _SOFTWARE.search(category):
        return "software"
    text = " ".join([job.title, *job.skills]).lower()
    for name, hints in _DOMAINS.items():
        if any(h in text for h in hints):
            return name
    return "software"


def _matched_skills(item: PortfolioItem, request: DraftRequest) -> list[str]:
    job = request.job
    text = " " + " ".join(words(" ".join([job.title, job.description or "", *job.skills]))) + " "
    return [s for s in item.skills if f" {' '.join(words(s))} " in text]


def fitting_items(request: DraftRequest) -> list[tuple[PortfolioItem, list[str]]]:
    """The portfolio items worth citing, best first, with the skills they share with the post:
    similarity at or above ``FIT_THRESHOLD`` and two shared skills, or one shared skill and a
    similarity at or above ``FIT_ONE_SKILL``; and one of the shared skills named in the post's
    own words, not only in its skill tags."""
    similarity = {m.page_id: m.similarity for m in request.score.portfolio_matches}
    fits = []
    job = request.job
    said = " " + " ".join(words(f"{job.title} {job.description or ''}")) + " "
    for item in request.portfolio:
        shared = _matched_skills(item, request)
        fit = similarity.get(item.page_id, 0.0)
        named = [s for s in shared if f" {' '.join(words(s))} " in said]  # in the post's text
        if (
            fit >= FIT_THRESHOLD
            and (len(shared) >= 2 or (shared and fit >= FIT_ONE_SKILL))
            and named
        ):
            fits.append((item, shared))
    return fits


class TemplateDrafter:
    name = "template"

    def __init__(self, snippets: list[Snippet]) -> None:
        self.snippets = [s for s in snippets if s.active and _usable(s)]
        self.defaults = load_snippets()

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
        if steps_found and _same(steps_found[0], opener):
            steps_found = steps_found[1:]
        starts = [_with_skill(step, job) for step in _STEPS[kind][0]]
        first = steps_found[0] if steps_found else _choose(starts, seed, "first")
        values = {
            "need": opener or self._need_from_skills(request),
            "first": first,
            "first_ing": gerund(first),
            "artifact": _choose(_ARTIFACTS[kind], seed, "artifact"),
            "signature": request.signature,
        }
        values["Need"] = _capital(values["need"])
        if fits:
            item, shared = fits[0]
            name = _name(item)
            if title_runs(job.title, name):
                name = f"a {join(item.skills[:2])} project of mine"
            values.update(
                portfolio=name,
                summary=_sentence(_after_colon(item.summary, item)) if item.summary else "",
                outcome=_sentence(_lower(item.outcome)) if item.outcome else "",
                Outcome=_sentence(item.outcome) if item.outcome else "",
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
            experience += f" I also built {_name(other)}, with {join(shared[:3])}."
        values["steps"] = self._steps(request, steps_found[1:], first, seed, kind)
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
            questions=self._questions(request, seed, opener),
            closing=closing,
            drafted_by=self.name,
        )
        return draft.model_copy(update={"answers": self.answers(request, draft, values)})

    def _need_from_skills(self, request: DraftRequest) -> str:
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

    def _steps(
        self, request: DraftRequest, found: list[str], first: str, seed: str, kind: str
    ) -> str:
        job = request.job
        steps = list(found[:2])
        starts, thens = ([_with_skill(step, job) for step in pool] for pool in _STEPS[kind])
        if not found:
            others = [step for step in starts if step != first]
            steps += [_choose(others, seed, "start")] if others else []
        thens = [step for step in thens if step not in steps]
        while len(steps) < 2 and thens:
            pick = _choose(thens, seed, f"then {len(steps)}")
            steps.append(pick)
            thens.remove(pick)
        if job.budget_type == "fixed":
            steps.append(
                _choose(
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
                _choose(
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
        shape = _choose(
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

    def _questions(self, request: DraftRequest, seed: str, need_said: str) -> list[str]:
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
        questions.append(_choose(follow_up, seed, "follow-up"))
        if len(questions) < 2:
            questions.insert(
                0,
                _choose(
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


__all__ = ["FIT_THRESHOLD", "TemplateDrafter", "load_snippets", "unescape"]
