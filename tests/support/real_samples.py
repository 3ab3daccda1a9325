"""Where the real alert samples are: ``../shared/alerts/real/`` beside the project root.

They were published by people outside the project and are never copied into it. Without them a
test is skipped with the reason said, except on CI (``CI=true``), where their absence fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.paths import SHARED

REAL = SHARED / "alerts" / "real"


def real_sample(name: str) -> Path:
    """The path of a real sample, such as ``corpus-1/04-vollna-alert-email.eml``."""
    if not REAL.is_dir():
        message = f"the real alert samples are not here ({REAL} is absent)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {message}: CI must have ../shared beside the checkout")
        pytest.skip(message)
    path = REAL / name
    assert path.is_file(), f"{path} is missing from the real samples"
    return path
