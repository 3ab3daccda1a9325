"""Screening questions: the questions a client asks every applicant to answer.

On Upwork they are answered in their own step of the proposal form, so a draft answers each one
apart from the cover letter, in the order asked. They reach bidboard three ways:

* given one a line (the ``add_job`` flow's ``screening_questions``, ``bidboard draft
  --questions FILE``), kept on the job as ``extra["screening_questions"]`` (a JSON alert may
  carry the same field);
* under a heading in pasted text ("Screening questions:", "Questions:", "Please answer the
  following questions"), one a line;
* as numbered questions at the end of a post ("2) What approach will you follow?").

Pure functions over text; nothing here does I/O.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from bidboard.alerts.alert import JobAlert

if TYPE_CHECKING:
    from bidboard.drafting.draft import Draft

EXTRA_KEY = "screening_questions"
MAX_QUESTIONS = 10

_HEADING = re.compile(
    r"^\W*(?:(?:upwork\s+)?screening\s+questions?|questions?\s+(?:for|to)\s+(?:applicants|"
    r"freelancers|candidates|you)|questions?|please\s+answer\s+(?:the\s+following|these|this|"
    r"all|the)(?:\s+\w+){0,4}|answer\s+(?:the\s+following|these)(?:\s+\w+){0,4}|"
    r"in\s+your\s+proposal,?\s+(?:please\s+)?answer(?:\s+\w+){0,4})\s*[:\-\u2013]?\s*$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\(?(\d{1,2})\s*[).:\-]\s*(.+)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa\u2013]|\(?[a-z]\))\s+", re.IGNORECASE)
_ASKS = re.compile(
    r"^(?:describe|list|include|tell|share|explain|provide|please|give|attach|send|mention|"
    r"outline|walk|do|does|did|are|is|have|has|what|how|why|when|which|who|where|can|could|"
    r"would|will)\b",
    re.IGNORECASE,
)


def _asks(question: str) -> bool:
    return question.endswith("?") or bool(_ASKS.match(question))


def clean_question(line: str) -> str:
    """A question without its number or bullet, on one line."""
    text = " ".join(line.split())
    numbered = _NUMBERED.match(text)
    if numbered:
        text = numbered.group(2)
    return _BULLET.sub("", text).strip()


def parse_question_lines(text: str) -> list[str]:
    """Questions given one a line (numbers and bullets dropped, blank lines skipped)."""
    questions = [clean_question(line) for line in text.splitlines()]
    return list(dict.fromkeys(q for q in questions if len(q) >= 3))[:MAX_QUESTIONS]


def _under_heading(lines: list[str]) -> tuple[int, list[str]] | None:
    for index, line in enumerate(lines):
        if _HEADING.match(line):
            questions: list[str] = []
            for after in lines[index + 1 :]:
                question = clean_question(after)
                if not question and not questions:
                    continue
                if not question or not (_asks(question) or _NUMBERED.match(after)):
                    break
                questions.append(question)
            if questions:
                return index, questions
    return None


def _numbered_at_end(lines: list[str]) -> tuple[int, list[str]] | None:
    """The run of numbered lines that ends the post, when at least one of them asks."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and _NUMBERED.match(lines[start - 1]):
        start -= 1
    block = [clean_question(line) for line in lines[start:end]]
    asked = [q for q in block if q.endswith("?")]
    if not asked:
        return None
    first = start + block.index(asked[0])
    return first, asked


def split_screening_questions(text: str) -> tuple[str, list[str]]:
    """The post without its screening questions, and the questions in the order asked."""
    lines = text.splitlines()
    found = _under_heading(lines) or _numbered_at_end(lines)
    if found is None:
        return text, []
    index, questions = found
    if _HEADING.match(lines[index]) or not questions:
        body = lines[:index]
    else:  # numbered questions: keep the numbered lines that are not questions
        body = lines[:index] + [
            line for line in lines[index:] if not clean_question(line).endswith("?")
        ]
    return "\n".join(body).strip(), questions[:MAX_QUESTIONS]


def screening_questions(job: JobAlert) -> list[str]:
    """The job's screening questions: those given with it, else those found in its post."""
    given = job.extra.get(EXTRA_KEY)
    if isinstance(given, str):
        return parse_question_lines(given)
    if isinstance(given, list):
        return parse_question_lines("\n".join(str(q) for q in given))
    return split_screening_questions(job.description or "")[1]


def post_body(job: JobAlert) -> str:
    """The job's description without the screening questions found in it."""
    return split_screening_questions(job.description or "")[0]


def with_questions(job: JobAlert, questions: list[str]) -> JobAlert:
    """``job`` carrying ``questions`` (after any it already had), for the drafters."""
    merged = list(dict.fromkeys([*screening_questions(job), *questions]))[:MAX_QUESTIONS]
    if not merged:
        return job
    return job.model_copy(update={"extra": {**job.extra, EXTRA_KEY: merged}})


def screening_state(
    job: JobAlert, draft: Draft
) -> Literal["Answered", "Not answered", "None asked"]:
    """Whether the draft answers every screening question the job asked (the card's
    ``Screening questions``; a person who submits without them can change it on the card)."""
    asked = screening_questions(job)
    if not asked:
        return "None asked"
    answered = [a for a in draft.answers if a.answer.strip()]
    return "Answered" if len(answered) >= len(asked) else "Not answered"
