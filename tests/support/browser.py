"""Debian's Chromium for the browser tests, installed when missing and possible (never a
downloaded browser), with the flags the tests run it with."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium() -> Path:
    """Debian's Chromium, installed when missing and possible; otherwise the test skips."""
    if not CHROMIUM.exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, timeout=600)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
            env=env,
            check=False,
            timeout=1200,
        )
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed and cannot be installed here")
    return CHROMIUM
