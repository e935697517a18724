"""Opening a page in headless Chromium (Debian package ``chromium``) from the integration tests:
its console errors and a screenshot."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package 'chromium')")


def chromium(url: str, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp / 'profile'}", "--window-size=1280,2000", *extra, url]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def console_errors(stderr: str) -> list[str]:
    """Lines of Chromium's log that are a console error or an uncaught exception."""
    return [line for line in stderr.splitlines()
            if ("CONSOLE" in line.upper() and "error" in line.lower()) or "Uncaught" in line]


def screenshot(page: Path, tmp: Path) -> tuple[np.ndarray, list[str]]:
    """The page as Chromium draws it (grey levels, 2000 × 1280) and its console errors."""
    from PIL import Image

    shot = tmp / f"{page.stem}.png"
    done = chromium(page.resolve().as_uri(), tmp, f"--screenshot={shot}", "--enable-logging=stderr", "--v=0")
    assert shot.exists(), done.stderr[-2000:]
    return np.asarray(Image.open(shot).convert("L"), dtype=float), console_errors(done.stderr)


def looks_drawn(pixels: np.ndarray) -> bool:
    """Text and figures, not a blank page: contrast and some dark ink."""
    return pixels.std() > 10 and (pixels < 128).mean() > 0.005
