"""Answers to screening questions, grounded in the portfolio and the snippet library.

Each answer starts from the question's own subject, so it reads as an answer to that question
and not as a paste: a question about past work cites the fitting portfolio item (or says
plainly that none fits), one about the approach gives the draft's plan, one about price,
timing, availability, links or what the client must provide uses the library's Answer snippet
whose trigger words (its Skills) the question contains. Nothing is claimed that the portfolio
does not show.
"""

from __future__ import annotations

import re

from bidboard.drafting.draft import Draft, DraftRequest, Snippet
from bidboard.drafting.phrasing import cut, join, second_person
from bidboard.scoring.portfolio import PortfolioItem

_FIELD = re.compile(r"\{(\w+)\}")
_YES_NO_ASKED = re.compile(
    r"^(?:do|does|did|have|has|are|is|can|could|will|would)\s+you\b", re.IGNORECASE
)
_EXPERIENCE = re.compile(
    r"\b(?:experience|experienced|similar|done this|done before|worked on|worked with|built|"
    r"examples?|past work|previous work|portfolio|past projects?|previous projects?|"
    r"projects like|samples? of|case stud|have you ever|track record|background|familiar)\b",
    re.IGNORECASE,
)
_APPROACH = re.compile(
    r"\b(?:approach|how would you|how will you|how do you|process|steps|plan|methodology|"
    r"strategy|handle|tackle|go about|perform this)\b",
    re.IGNORECASE,
)
_WHY = re.compile(r"\bwhy\b.*\b(?:you|fit|hire|choose|select)\b", re.IGNORECASE)
_THEIR_QUESTIONS = re.compile(r"\bquestions? (?:do )?you have\b|\bany questions\b", re.IGNORECASE)
_TOOLS = re.compile(
    r"\b(?:frameworks?|tools?|stack|technolog\w*|languages?|libraries|software do you|"
    r"which \w+ do you use|what \w+ do you use)\b",
    re.IGNORECASE,
)
_YES_NO = re.compile(
    r"^(?:please\s+)?(do|does|did|can|could|would|will|have|has|are|is|am)\s+I\s+(.+)$",
    re.IGNORECASE,
)
_ASK_VERB = re.compile(
    r"^(?:please\s+)?(?:describe|tell (?:me|you) about|list|share|explain|include|provide|give|"
    r"outline|walk (?:me|you) through)\s+(.+)$",
    re.IGNORECASE,
)


def topic(question: str, limit: int = 80) -> str:
    """The subject of a question, said by the one answering it: "Do you have experience with
    Laravel Nova?" -> "my experience with Laravel Nova"; "Can you start this week?" ->
    "whether I can start this week"; "What approach will you follow?" -> "what approach I
    will follow"."""
    text = second_person(" ".join(question.split())).strip().rstrip("?.!: ")
    yes_no = _YES_NO.match(text)
    asked = _ASK_VERB.match(text)
    if yes_no:
        aux, rest = yes_no.group(1).lower(), yes_no.group(2)
        if aux in ("do", "does", "did") and rest.lower().startswith("have "):
            rest = re.sub(r"^(?:any|an?|the)\s+", "", rest[5:], flags=re.IGNORECASE)
            text = f"my {rest}"
        else:
            aux = {"are": "am", "is": "am", "does": "do", "has": "have"}.get(aux, aux)
            text = f"whether I {rest}" if aux in ("do", "did") else f"whether I {aux} {rest}"
    elif asked:
        text = asked.group(1)
    else:
        text = re.sub(r"^what all\b", "what", text, flags=re.IGNORECASE)
        inverted = re.match(
            r"^((?:what|which|how)(?: \w+)?|when|where|why)\s+(will|would|can|could|should|is|"
            r"are|does|do)\s+(this|it|that|the \w+|these|they|you)\s+(\w+)(.*)$",
            text,
            re.IGNORECASE,
        )
        if inverted:  # "how much would this cost" -> "how much this would cost"
            wh, aux, subject, verb, rest = inverted.groups()
            if aux.lower() in ("does", "do"):
                verb = verb + "s" if aux.lower() == "does" and not verb.endswith("s") else verb
                text = f"{wh} {subject} {verb}{rest}"
            else:
                text = f"{wh} {subject} {aux} {verb}{rest}"
        wh = re.match(
            r"^((?:what|which|how)(?: \w+)?|when|where|who)\s+(will|would|can|do|did|"
            r"should|could)\s+I\s+(.+)$",
            text,
            re.IGNORECASE,
        )
        if wh and wh.group(2).lower() in ("do", "did"):
            text = f"{wh.group(1)} I {wh.group(3)}"
        elif wh:
            text = f"{wh.group(1)} I {wh.group(2)} {wh.group(3)}"
        text = re.sub(r"^what(?:'s| is| are) (my|your)\b", r"\1", text, flags=re.IGNORECASE)
        text = re.sub(r"^what all\b", "what", text, flags=re.IGNORECASE)
    text = text[:1].lower() + text[1:] if not text.startswith("I ") else text
    return cut(text, limit) or question.strip().rstrip("?")


def _trigger(question: str, snippet: Snippet) -> bool:
    low = f" {question.lower()} "
    return any(
        re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", low) for word in snippet.skills
    )


def _fill(text: str, values: dict[str, str]) -> str:
    return _FIELD.sub(lambda m: values.get(m.group(1), ""), text).strip()


def _item_name(item: PortfolioItem) -> str:
    first = item.name.split(" ", 1)[0]
    if first.lower() in (w for skill in item.skills for w in skill.lower().split()):
        return f"the {item.name}"
    return f"the {first[:1].lower()}{item.name[1:]}"


def _proof(fits: list[tuple[PortfolioItem, list[str]]]) -> str:
    """The fitting item, what matches and its outcome, as sentences."""
    item, shared = fits[0]
    answer = f"The closest project I can show is {_item_name(item)}, with {join(shared)}."
    if item.summary:
        answer += f" What it was: {item.summary.rstrip('.')}."
    if item.outcome:
        answer += f" The result: {item.outcome[0].lower() + item.outcome[1:]}".rstrip(".") + "."
    if item.upwork_url:
        answer += f" It is on my Upwork profile: {item.upwork_url}"
    return answer


def _no_proof(request: DraftRequest) -> str:
    skills = join(request.job.skills[:2])
    area = f" with {skills}" if skills else ""
    return (
        f"My portfolio has no project that matches this one closely{area}, and I would rather "
        "say so than stretch one. I would suggest a small paid first milestone so you can "
        "judge the work itself."
    )


def _experience(
    subject: str, fits: list[tuple[PortfolioItem, list[str]]], request: DraftRequest
) -> str:
    return f"On {subject}: {_lower_first(_proof(fits) if fits else _no_proof(request))}"


def _lower_first(text: str) -> str:
    return text if re.match(r"I\b", text) else text[:1].lower() + text[1:]


def _shown(request: DraftRequest) -> list[str]:
    """Every skill the matched portfolio items show."""
    return list(dict.fromkeys(s for item in request.portfolio for s in item.skills))


def answer_question(
    question: str,
    request: DraftRequest,
    fits: list[tuple[PortfolioItem, list[str]]],
    answers: list[Snippet],
    draft: Draft,
    values: dict[str, str],
) -> str:
    """A drafted answer to one screening question that refers to it."""
    subject = topic(question)
    experience = _EXPERIENCE.search(question)
    for snippet in answers:
        if _trigger(question, snippet) and not experience:
            return _about(_fill(snippet.text, values), subject)
    if _THEIR_QUESTIONS.search(question):
        asked = " ".join(q for q in draft.questions)
        return f"On {subject}: two, mainly. {asked}"
    if _WHY.search(question):
        reason = (
            f"you need {values['need'][9:]}"
            if values.get("need", "").startswith("you need ")
            else "of what your post asks for"
        )
        first = values.get("first_ing", "agreeing the first milestone")
        proof = _proof(fits) if fits else _no_proof(request)
        return f"On {subject}: because {reason}, and I would start by {first}. {proof}"
    if _TOOLS.search(question):
        shown = _shown(request)
        if fits:
            return f"On {subject}: {join(fits[0][1])}, in the work I can show. {_proof(fits)}"
        if shown:
            return (
                f"On {subject}: the work I can show uses {join(shown[:4])}; I would not claim "
                "more than that for this job."
            )
        return f"On {subject}: {_lower_first(_no_proof(request))}"
    if experience:
        return _experience(subject, fits, request)
    if _APPROACH.search(question):
        steps = values.get("steps", "agree on the first milestone, then deliver it for review")
        return f"On {subject}: I would {steps}."
    if _YES_NO_ASKED.match(question):
        known = {w.lower() for s in _shown(request) for w in s.split()}
        named = [w for w in re.findall(r"[A-Z][\w.+#-]+", question[1:]) if w.lower() in known]
        if named and fits:
            return f"On {subject}: yes, it is in the work I can show. {_proof(fits)}"
        return (
            f"On {subject}: it is not something my portfolio shows, so I will not claim it; tell "
            "me in Upwork Messages how your project uses it and I will say plainly what I can "
            "take on."
        )
    return (
        f"On {subject}: I would rather answer that with your details in front of me. As a "
        f"first step I would {values.get('first', 'confirm the scope')}, and we can settle it "
        "then in Upwork Messages."
    )


def _about(text: str, subject: str) -> str:
    """An Answer snippet said about the question's subject: "On <subject>: <snippet>"."""
    if not re.match(r"I\b", text):
        text = text[:1].lower() + text[1:]
    return f"On {subject}: {text}"
