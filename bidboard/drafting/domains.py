"""What kind of work a job is (video, design, writing, sales, admin, software), and the words
the template drafter has for each kind: what to ask the client for first (``ARTIFACTS``) and
the generic steps, ways to start and ways to go on, for a post that lists none (``STEPS``).
"""

from __future__ import annotations

import re

from bidboard.drafting.draft import DraftRequest

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

ARTIFACTS: dict[str, tuple[str, ...]] = {
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
STEPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
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
