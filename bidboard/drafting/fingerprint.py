"""SimHash fingerprints of drafts: near-duplicates have fingerprints a few bits apart, so a new
draft is compared with recent ones through the fingerprints on the cards, never their text."""

from __future__ import annotations

import hashlib
import re

_WORD = re.compile(r"[a-z0-9]+")
BITS = 64


def _shingles(text: str, size: int = 3) -> list[str]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def simhash(text: str) -> str:
    """A 64-bit SimHash over word 3-grams, as 16 hex digits."""
    weights = [0] * BITS
    for shingle in _shingles(text):
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(BITS):
            weights[bit] += 1 if value >> bit & 1 else -1
    fingerprint = sum(1 << bit for bit in range(BITS) if weights[bit] > 0)
    return f"{fingerprint:016x}"


def distance(a: str, b: str) -> int:
    """Bits that differ between two fingerprints (0 = the same text, as far as SimHash sees)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
