"""Saying a client's words back: "we need" turned to face them ("you need"), cut at a clause
boundary and never mid-word, lists joined as people write them. Pure functions over text.
"""

from __future__ import annotations

import html
import re

# client ("we", "I") becomes "you"; the freelancer the post addressed ("you") becomes "I"
_SWAP = {
    "we're": "you're",
    "we are": "you are",
    "we were": "you were",
    "we've": "you've",
    "we'd": "you'd",
    "we'll": "you'll",
    "i'm": "you're",
    "i am": "you are",
    "i was": "you were",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "we": "you",
    "i": "you",
    "us": "you",
    "me": "you",
    "our": "your",
    "my": "your",
    "ours": "yours",
    "mine": "yours",
    "myself": "yourself",
    "ourselves": "yourselves",
    "you're": "I'm",
    "you are": "I am",
    "you were": "I was",
    "you've": "I've",
    "you'd": "I'd",
    "you'll": "I'll",
    "your": "my",
    "yours": "mine",
    "yourself": "myself",
    "u": "I",
    "im": "you're",
}

_SWAP_RE = re.compile(
    r"\b(?:"
    + "|".join(re.escape(k).replace("'", "['\u2019]") for k in sorted(_SWAP, key=len, reverse=True))
    + r"|you)\b",
    re.IGNORECASE,
)

_OBJECT_BEFORE = re.compile(
    r"\b(?:to|for|with|need|needs|want|wants|help|let|ask|give|send|pay|hire|contact|see|"
    r"tell|show|from|about|by|than|invite|expect|require|allow|assist|guide|like|as)\s*$",
    re.IGNORECASE,
)

_CLAUSE = re.compile(
    r"\s*(?:;|:|\s[-\u2013\u2014]\s|\(|,\s*(?=(?:and|but|so|which|who|where|as|because|"
    r"while|since|although|though|with|including|e\.g\.|such as|etc)\b)|,|\s(?=(?:so that|"
    r"because|since|as well as|in order to|which|where|while|although|though|but|so|to|who|"
    r"that|for|with|and)\b))"
)


def unescape(text: str) -> str:
    """Text with HTML entities decoded (feeds often encode them twice) and markdown marks
    dropped, on one line per line."""
    for _ in range(3):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    text = text.replace("\u200b", "").replace("**", "").replace("__", "")
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def second_person(text: str) -> str:
    """``text`` as said back to its writer: "we need" -> "you need", "you will" -> "I will"."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        key = word.lower().replace("\u2019", "'")
        if key == "you":
            before = text[max(0, match.start() - 20) : match.start()]
            new = "me" if _OBJECT_BEFORE.search(before) else "I"
        else:
            new = _SWAP[key]
        if not new.startswith("I"):
            new = new.lower()
        if not text[: match.start()].strip() or text[: match.start()].rstrip()[-1] in ".!?":
            new = new[0].upper() + new[1:]
        return new

    return _SWAP_RE.sub(swap, text)


def cut(text: str, limit: int, strict: bool = False) -> str:
    """``text`` up to ``limit`` characters, cut at the last clause boundary that fits (or at a
    word when no clause fits; with ``strict``, "" then), without trailing punctuation."""
    text = text.strip()
    if len(text) > limit:
        ends = [m.start() for m in _CLAUSE.finditer(text) if 20 <= m.start() <= limit]
        if ends:
            text = text[: ends[-1]]
        elif strict:
            return ""
        else:
            text = text[:limit].rsplit(" ", 1)[0]
            text = re.sub(
                r"\s+\b(?:and|or|the|a|an|of|to|for|with|in|on|at|by|that|your|my)$", "", text
            )
    text = re.sub(r"[\s,;:\-\u2013\u2014(]+$", "", text)
    text = text.rstrip(".!?")
    if strict and (_DANGLING.search(text) or re.search(r"\bin order$", text)):
        return ""
    opened = text.count("(") - text.count(")")
    if opened > 0:
        text = text[: text.rindex("(")].rstrip(" ,;:")
    return text


def cuts(text: str, limit: int) -> list[str]:
    """Every way to cut ``text`` at a clause boundary within ``limit``, longest first."""
    text = text.strip()
    options = [text] if len(text) <= limit else []
    ends = [m.start() for m in _CLAUSE.finditer(text) if 20 <= m.start() <= limit]
    options += [text[:end] for end in reversed(ends)]
    found = []
    for option in options:
        done = cut(option, limit, strict=True)
        if done and done not in found:
            found.append(done)
    return found


def article(noun: str) -> str:
    first = noun.split()[0].lower() if noun.split() else ""
    if first in ("a", "an", "the", "some", "someone", "somebody", "one", "two", "three", "your"):
        return noun
    if first.endswith("s") and not first.endswith("ss"):
        return noun  # plural: "developers"
    return ("an " if first[:1] in "aeiou" else "a ") + noun


_DANGLING = re.compile(
    r"\b(?:one|someone|somebody|looking|seeking|want|wants|need|needs|will|would|be|is|are|"
    r"was|to|the|a|an|of|and|or|with|for|specifically|"
    r"who|that|can|could|must|should|have|has|been|this|as|by|in|on|at|from|\d+)$",
    re.IGNORECASE,
)

_PRAISE = re.compile(
    r"\b(?:(?:highly|very|extremely|truly|really) )?(?:skilled|experienced|talented|motivated|"
    r"seasoned|qualified|competent|passionate|dedicated|reliable|creative|professional|"
    r"enthusiastic|young)(?:,? and |, | )(?=\w)",
    re.IGNORECASE,
)


def plain(clause: str) -> str:
    """A need without the praise of the person wanted: "a highly skilled and experienced
    WordPress Specialist to manage ..." -> "a WordPress Specialist to manage ..."."""
    for _ in range(3):
        clause = _PRAISE.sub("", clause)
    return re.sub(
        r"\b(a|an) (\w)",
        lambda m: (
            ("an " if m.group(2).lower() in "aeiou" else "a ") + m.group(2)
            if m.group(1).islower()
            else m.group(0)
        ),
        clause,
    )


def join(items: list[str], word: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
