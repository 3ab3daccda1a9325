"""Reading a job post the way a person replying to it would: what the client needs, in their
words turned to face them ("we need" becomes "you need"), and the concrete things they list.

Everything quoted from the post is cut at a sentence or clause boundary, never mid-word. Pure
functions over text.
"""

from __future__ import annotations

import re

from bidboard.alerts.alert import JobAlert
from bidboard.drafting.lint import LintContext, forbidden, title_runs, words
from bidboard.drafting.phrasing import article, cut, cuts, plain, second_person, unescape
from bidboard.drafting.questions import post_body

# a link (a bare domain is the linter's to find: it knows "ASP.NET" and ".NET" are not ones)
_URLISH = re.compile(r"https?://|www\.|\b[a-z0-9-]+\.(?:com|io|org)\b", re.IGNORECASE)
_SPLIT = re.compile(r"(?<=[.!?])[\"\u201d)]?\s+(?=[\"\u201c(]?[A-Z0-9*])")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa\u2013>]+|\d{1,2}\s*[.)\-:]|\(?[a-z]\))\s*")
_LABEL = re.compile(r"^\W*(?:[\w&()/-]+\s*){1,4}:\s*$")
GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|day))\b[^.!?,]{0,20}[,.!]?\s*",
    re.IGNORECASE,
)

# a sentence about the freelancer wanted, not the work: nothing to ask the client about
ABOUT_FREELANCER = re.compile(
    r"^(?:have|has|be|being|are you|do you)\b|\(must\)|\b(?:ideal candidate|the candidate|"
    r"candidates?|applicants?|you must|you should|team player|someone who is|"
    r"before (?:responding|applying|you apply|bidding)|in your (?:proposal|reply|response)|"
    r"skilled individual|"
    r"must have|must be|should have|should be able|experience (?:in|with)|years of|"
    r"fluent|proposal|apply|hire|hiring)\b",
    re.IGNORECASE,
)

# a sentence worth asking about: it says what is needed, what exists, or a constraint
WORTH_ASKING = re.compile(
    r"\b(?:need|needs|want|wants|looking for|require|requires|must|should|integrat\w*|"
    r"migrat\w*|deadline|existing|current|currently|already|have|has|using|built|running|"
    r"work off|goal|important|main)\b",
    re.IGNORECASE,
)


_COMPANY = re.compile(
    r"^(?:[A-Z][\w&.'-]*\s){1,3}(?:is|are)\s+(?=(?:currently |now |also )?(?:looking for|"
    r"seeking|searching for|hiring|in need of)\b)"
)
_NEEDS = [
    re.compile(
        r"\b(?:you|your [\w-]+(?: [\w-]+)?)(?:'re| are| is)? ?(?:currently |now |also )?"
        r"(?:looking for|looking to hire|searching for|seeking|hiring|in need of|"
        r"interested in|hoping to find|hoping to|looking to|planning to|trying to|aiming to)"
        r" .{6,}",
        re.IGNORECASE,
    ),
    re.compile(
        r"\byou (?:just |really |urgently |only |now |also |currently |basically )?"
        r"(?:need|want|require|would like|'d like|wish|have to|must|intend)\b.{6,}",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:the|this|your) (?:project|goal|task|job|aim|idea|plan|objective|mission)"
        r" (?:is to|involves|will be to|requires|consists of) .{6,}",
        re.IGNORECASE,
    ),
    re.compile(
        r"\byou(?:'re| are| have been) (?:currently |now )?(?:working on|building|developing|"
        r"creating|launching|running|starting|setting up|making|growing|migrating|moving)\b.{6,}",
        re.IGNORECASE,
    ),
]
_SUBJECTLESS = re.compile(
    r"^(?:urgently |urgent:? )?(need|needs|needed|looking for|seeking|want|wanted|require|"
    r"required)\b\s*(.{6,})",
    re.IGNORECASE,
)
_IMPERATIVE = re.compile(
    r"^(develop|build|create|design|make|fix|migrate|edit|write|implement|integrate|set up|"
    r"setup|convert|update|upgrade|configure|automate|redesign|rebuild|refactor|scrape|"
    r"translate|produce|record|animate|optimi[sz]e|improve|connect|deploy|port|add)\b\s*(.{6,})",
    re.IGNORECASE,
)
_NEEDED = re.compile(
    r"^(?P<who>(?!ability|experience|knowledge|skills?)(?:[\w.+#/-]+ ){0,5}?[\w.+#/-]*"
    r"(?<!\bas)(?<!\bif)(?<!\bwhen)(?<!\bbe)) (?:is |are )?(?:needed|wanted|required)\b"
    r"(?P<rest>(?:\s+(?:for|to|with|in|on|who|that)\b.*)?)$",
    re.IGNORECASE,
)
_ABOUT_FREELANCER = re.compile(
    r"^(?:must|should|proven|strong|excellent|good|solid|ability|able|experience|experienced|"
    r"minimum|at least|\d+\+? years|fluent|familiar|knowledge|proficien|expert|bachelor|"
    r"degree|please|only|no |kindly|note|attach|send|apply|i am|i have|i will|i'm|"
    r"preferred|plus|bonus|nice to have|you must|you should|you will|you have|you are)",
    re.IGNORECASE,
)
ACTION = re.compile(
    r"^(?:develop|build|create|design|make|fix|migrate|edit|write|implement|integrate|set up|"
    r"convert|update|upgrade|configure|automate|redesign|rebuild|refactor|scrape|translate|"
    r"produce|record|animate|optimi[sz]e|improve|connect|deploy|add|review|test|maintain|"
    r"manage|splice|compile|cut|sync|import|export|generate|collect|track|handle|support|"
    r"finish|complete|deliver|prepare|research|analy[sz]e|clean|ensure|provide|assist|"
    r"organi[sz]e|place|link|extend|port|replace|remove|modify|customi[sz]e|install|"
    r"debug|rewrite|document|audit|monitor|schedule|publish|post|edit)\b",
    re.IGNORECASE,
)


# "Review and reporting for ...", "Testing of ...": a noun phrase, not something to do
_NOUNISH = re.compile(
    r"^\w+(?:\s+and\s+\w+ing|ing|ment|tion|s)?\s+(?:of|for|and \w+ing)\b|^\w+ing\b", re.IGNORECASE
)


def usable(fragment: str, job: JobAlert) -> bool:
    return _usable(fragment, job.title, job.description or "")


def _lines(job: JobAlert) -> list[str]:
    """The post's lines, with a sentence wrapped over lines joined again."""
    lines: list[str] = []
    for line in (raw.strip() for raw in unescape(post_body(job)).splitlines()):
        if not line:
            continue
        if (
            lines
            and line[:1].islower()
            and lines[-1][-1:] not in ".!?:;"
            and not _BULLET.match(line)
        ):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


_PREFIX = re.compile(r"^(?:[A-Z][\w-]*(?: \w+)?|\d+[.)]):\s+(?=[A-Za-z])")  # "Context: ..."
_ASIDE = re.compile(r"\s*\([^()]{0,80}\)")  # "(my thought process)", "(backend-engineering)"
_ODD = re.compile(r"[{}\[\]<>|]|\u0432\u0402|\u00c3|\u00e2\u20ac")  # braces, mojibake


def sentences(job: JobAlert) -> list[str]:
    """The post's sentences, in order (a bullet or a line is a sentence too)."""
    found: list[str] = []
    for line in _lines(job):
        if _LABEL.match(line):
            continue
        line = _BULLET.sub("", line)
        for sentence in _SPLIT.split(line):
            sentence = _PREFIX.sub("", sentence.strip())
            sentence = _ASIDE.sub("", sentence).strip()
            if sentence and not _URLISH.search(sentence) and not _ODD.search(sentence):
                found.append(sentence)
    return found


def _usable(sentence: str, title: str, job_text: str = "") -> bool:
    """A fragment of the post fit to say back: no link, nothing the linter forbids, not a
    question, not the title again."""
    return (
        not _URLISH.search(sentence)
        and not forbidden(sentence, LintContext(job_text=job_text))
        and not sentence.rstrip().endswith("?")
        and len(sentence.split()) >= 4
        and not title_runs(title, sentence)
    )


_LEAD = re.compile(
    r"^you(?:'re| are)? (?:currently |now |also )?(?:looking for|searching for|seeking|"
    r"in need of|hiring)\s+",
    re.IGNORECASE,
)
_DETERMINER = re.compile(
    r"^(?:a|an|the|some|someone|somebody|one|two|three|your|my|any|people|help|talented|"
    r"experienced)?\b",
    re.IGNORECASE,
)


def _rephrased(clause: str) -> list[str]:
    """The clause, and the same need said another way (for when the first way repeats the
    job title): "you're looking for X" -> "you need X", "you're after X"."""
    lead = _LEAD.match(clause)
    if not lead:
        return [clause]
    rest = clause[lead.end() :]
    return [clause, f"you need {rest}", f"you're after {rest}"]


def _with_article(clause: str) -> str:
    """ "you're looking for expert MVC developer who" -> "... an expert MVC developer who"."""
    lead = _LEAD.match(clause)
    if not lead:
        return clause
    rest = clause[lead.end() :]
    head = rest.split()[:3]
    if not head or re.match(
        r"^(?:a|an|the|some|someone|somebody|one|two|three|your|my|any|"
        r"people|help|to|more|several|multiple|\d)\b",
        rest,
        re.IGNORECASE,
    ):
        return clause
    if any(w.lower().endswith("s") and not w.lower().endswith("ss") for w in head):
        return clause  # plural: "developers"
    return clause[: lead.end()] + article(rest)


_NOUN_PHRASE = re.compile(r"^(?:a|an)\s+(?!\w+ing\b)\w+(?:\s+\S+){3,}", re.IGNORECASE)
# what is wrong today, in a client's words
_PROBLEM = re.compile(
    r"\b(?:cannot|can't|can\u2019t|doesn't|don't|does not|do not|isn't|broken|breaks|fails?|"
    r"failing|slow|lost|missing|no longer|manual(?:ly)?|by hand|errors?|bugs?|crash\w*|"
    r"takes? (?:hours|days|too long))\b",
    re.IGNORECASE,
)


def _lower_start(text: str) -> str:
    """A sentence start lowered to go after a frame, unless it is a name ("Stripe", "AWS")."""
    first = text.split(" ", 1)[0]
    if first.lower() in (
        "you",
        "you're",
        "your",
        "the",
        "a",
        "an",
        "every",
        "new",
        "each",
        "this",
        "there",
        "it",
        "in",
        "as",
        "since",
        "for",
        "after",
        "currently",
        "right",
        "some",
        "most",
        "many",
    ):
        return text[:1].lower() + text[1:]
    return text


# a need that describes the person wanted, not the work: "a self-starter with sales experience"
_TRAITS = re.compile(
    r"\b(?:who (?:is|has|are)|who's|eager|who can demonstrate|self-starter|detail-oriented|"
    r"team player|"
    r"(?:previous|strong|excellent|proven|solid|extensive) (?:\w+ )?(?:experience|skills|"
    r"communication)|experience (?:in|with) the following|individuals? only|no agencies|"
    r"agencies|freelancers only|ideal candidate|candidates?|individual|fluent|native speaker)\b"
    r"|\bonly$|^if\b|\bI(?:'m| am| have| will| can)\b",  # about the one applying
    re.IGNORECASE,
)
# "you need in order to ...": the verb without its object
_NO_OBJECT = re.compile(
    r"^you(?:'re| are)? (?:\w+ )?(?:need|want|require|looking for)\s+(?:in|on|at|for|from|by|as|so|"
    r"to be|and|or)\b",
    re.IGNORECASE,
)
_FACING = re.compile(r"\byou|\byour", re.IGNORECASE)
# a need that points back at something it does not say: "you want each one to ..."
_ANAPHORA = re.compile(
    r"^you(?:'re| are)? \w+(?: \w+)? (?:each one|both|it|this|that|them|these|those)\b",
    re.IGNORECASE,
)


def _fits(clause: str, job: JobAlert) -> bool:
    """A need clause worth opening with: long enough to say something, facing the client,
    about the work (not the person wanted), saying what it points at, and usable."""
    return (
        len(clause.split()) >= 7
        and bool(_FACING.search(clause))
        and not _TRAITS.search(clause)
        and not _ANAPHORA.search(clause)
        and not _NO_OBJECT.search(clause)
        and usable(clause, job)
    )


def need(job: JobAlert, limit: int = 150) -> str | None:
    """What the client needs, as a clause facing them ("you need ..."), from the post; None
    when the post says nothing usable that is not the title again."""
    noun = _NOUN_PHRASE.match(second_person(GREETING.sub("", (sentences(job) or [""])[0])))
    candidates = [GREETING.sub("", s) for s in sentences(job)[:12]]
    for sentence in candidates:
        swapped = _COMPANY.sub("you are ", second_person(sentence))
        for pattern in _NEEDS:
            match = pattern.search(swapped)
            if match:
                options: list[str] = []
                whole = swapped.strip()
                problems: list[str] = []
                if match.start() > 0 and whole[:1].isupper():
                    # the sentence from its start: "The menu breaks on phones ...; you need
                    # both fixed", as long as the cut keeps the need, or says the problem
                    for option in cuts(whole, limit):
                        if len(option) > match.start() + 12:
                            options.append(option)
                        elif _PROBLEM.search(option) and len(option.split()) >= 8:
                            problems.append(option)
                for said in _rephrased(match.group(0)):
                    options += cuts(_with_article(said), limit)
                for clause in map(plain, options):
                    if _fits(clause, job):
                        return _lower_start(clause)
                for clause in problems:
                    if usable(clause, job) and not _TRAITS.search(clause):
                        return _lower_start(clause)
    for sentence in candidates:
        swapped = second_person(sentence)
        found: list[str] = []
        subjectless = _SUBJECTLESS.match(swapped)
        if subjectless:
            verb, rest = subjectless.groups()
            verb = verb.lower()
            lead = "you're looking for" if verb in ("looking for", "seeking") else "you need"
            found.append(f"{lead} {article(rest) if verb != 'need' else rest}")
        if _IMPERATIVE.match(swapped):
            found.append(f"you want someone to {swapped[0].lower()}{swapped[1:]}")
        needed = _NEEDED.match(swapped)
        if needed:
            found.append(f"you need {article(needed['who'])}{needed['rest']}")
        for said in found:
            for clause in map(plain, cuts(said, limit)):
                if _fits(clause, job):
                    return clause
    if noun:
        for clause in cuts(f"you want {noun.group(0)[0].lower()}{noun.group(0)[1:]}", limit):
            if _fits(clause, job):
                return clause
    return None


def deliverables(job: JobAlert, limit: int = 90, most: int = 3) -> list[str]:
    """Concrete things the post asks for, as verb phrases facing the client ("splice and
    compile the videos"), from its bullets first, then its sentences."""
    found: list[str] = []
    lines = _lines(job)
    bullets = [_BULLET.sub("", line) for line in lines if _BULLET.match(line)]
    pool = bullets + sentences(job)
    for raw in pool:
        text = GREETING.sub("", raw)
        text = re.sub(r"^[\w /&-]{2,40}:\s+", "", text)  # "Plugin Updates: Update and ..."
        if (
            _ABOUT_FREELANCER.match(text)
            or ABOUT_FREELANCER.search(text)
            or not ACTION.match(text)
            or _NOUNISH.match(text)
        ):
            continue
        phrase = cut(second_person(text), limit, strict=True)
        if len(phrase.split()) < 3 or not usable(phrase + " x x x", job):
            continue
        phrase = phrase[0].lower() + phrase[1:]
        said = set(words(phrase))
        if not any(len(said & set(words(f))) > len(said) * 0.6 for f in found):
            found.append(phrase)
        if len(found) >= most:
            break
    return found
