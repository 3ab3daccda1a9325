"""Where the tests find the project and its data, wherever a test module sits."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
#: synthetic alert files (our own; variants, never the only evidence)
FIXTURES = ROOT / "tests" / "fixtures" / "alerts"
VARIANTS = ROOT / "tests" / "fixtures" / "variants"
#: the sample mailbox ``bidboard demo`` reads
MAILBOX = ROOT / "bidboard" / "samples" / "mailbox"
#: ``../shared`` beside the project: the real samples and the Notion description
SHARED = ROOT.parent / "shared"
