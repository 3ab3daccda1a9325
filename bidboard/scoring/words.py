"""Words for matching: lowercase tokens with synonyms folded together (js → javascript)."""

from __future__ import annotations

import re
from functools import lru_cache

SYNONYMS: dict[str, str] = {
    "js": "javascript",
    "ecmascript": "javascript",
    "ts": "typescript",
    "node": "nodejs",
    "node.js": "nodejs",
    "reactjs": "react",
    "react.js": "react",
    "vuejs": "vue",
    "vue.js": "vue",
    "nextjs": "next.js",
    "angularjs": "angular",
    "postgres": "postgresql",
    "psql": "postgresql",
    "pg": "postgresql",
    "mongo": "mongodb",
    "k8s": "kubernetes",
    "golang": "go",
    "py": "python",
    "python3": "python",
    "gcp": "google-cloud",
    "amazon-web-services": "aws",
    "tf": "terraform",
    "wp": "wordpress",
    "woo": "woocommerce",
    "ml": "machine-learning",
    "llm": "llms",
    "openai-api": "openai",
    "chatgpt": "openai",
    "gpt": "openai",
    "rest": "api",
    "restful": "api",
    "apis": "api",
    "scraping": "scraper",
    "scrape": "scraper",
    "webscraping": "scraper",
    "dashboards": "dashboard",
    "websites": "website",
    "apps": "app",
    "ios": "ios",
    "android": "android",
}
_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*(?:[.-][a-z0-9+#]+)*")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "for",
        "from",
        "has",
        "have",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "need",
        "needs",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "up",
        "us",
        "we",
        "will",
        "with",
        "you",
        "your",
        "looking",
        "looking",
        "for",
        "want",
        "who",
        "would",
        "should",
        "project",
        "work",
        "job",
        "help",
        "also",
        "more",
        "than",
    ]
)


def normalise(token: str) -> str:
    return SYNONYMS.get(token, token)


@lru_cache(maxsize=65_536)
def tokens(text: str) -> tuple[str, ...]:
    """Normalised tokens of ``text``, stopwords removed, in order."""
    return tuple(
        normalise(t.rstrip(".")) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS
    )


def term(text: str) -> tuple[str, ...]:
    """A search term as a token sequence ("data entry" → ("data", "entry"))."""
    return tuple(normalise(t) for t in _TOKEN.findall(text.lower()))


def contains(haystack: tuple[str, ...], needle: tuple[str, ...], words: frozenset[str]) -> bool:
    """Whether the token sequence ``needle`` occurs in ``haystack``."""
    if not needle:
        return False
    if len(needle) == 1:
        return needle[0] in words
    if needle[0] not in words:
        return False
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))
