"""The published report opens in headless Chromium without console errors and is not blank."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import papermill as pm
import pytest

from analysis.data.load import load_raw
from analysis.paths import DEFAULT_DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, ProjectPaths
from analysis.pipeline.render import render_notebook_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.costly(30), pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package 'chromium')")]


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    """A report with a Chinese-labelled figure, built without the other notebooks (fast)."""
    import matplotlib

    matplotlib.use("Agg")
    from analysis.describe import figures
    from analysis.describe import tables as describe
    from analysis.describe.registry import save_figure

    paths = ProjectPaths.from_params(DEFAULT_DATA_DIR, tmp_path_factory.mktemp("out"))
    paths.ensure_output_dirs()
    raw = load_raw(paths.data_dir)
    fig = figures.established_by_year_figure(describe.established_by_year(raw.relationships))
    save_figure(fig, "established_by_year", paths.figures)
    executed = paths.executed / "90_report.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "90_report.ipynb"), str(executed), kernel_name="python3",
                        parameters={"data_dir": str(paths.data_dir), "out_dir": str(paths.out_dir)},
                        cwd=str(PROJECT_ROOT), progress_bar=False, start_timeout=120)
    return render_notebook_html(executed, paths.report_html)


def chromium(url: str, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp / 'profile'}", "--window-size=1280,2000", *extra, url]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def test_report_opens_without_console_errors_and_renders(report_html, tmp_path):
    shot = tmp_path / "shot.png"
    done = chromium(report_html.resolve().as_uri(), tmp_path, f"--screenshot={shot}",
                    "--enable-logging=stderr", "--v=0")
    assert shot.exists(), done.stderr[-2000:]
    log = done.stderr.splitlines()
    console = [line for line in log if "CONSOLE" in line.upper() or "Uncaught" in line]
    errors = [line for line in console if "error" in line.lower() or "Uncaught" in line]
    assert not errors, "\n".join(errors)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape[:2] == (2000, 1280)
    assert pixels.std() > 10  # text and figures, not a blank page
    assert (pixels < 128).mean() > 0.005  # some dark ink on the page


def test_console_check_catches_a_script_error(tmp_path):
    # The check above can fail: a page with a throwing script is reported.
    page = tmp_path / "bad.html"
    page.write_text('<html><meta charset="utf-8"><body>x<script>undefinedFunction()</script></body></html>',
                    encoding="utf-8")
    done = chromium(page.as_uri(), tmp_path, f"--screenshot={tmp_path / 'bad.png'}", "--enable-logging=stderr",
                    "--v=0")
    assert "Uncaught" in done.stderr


@pytest.fixture(scope="module")
def year_html(tmp_path_factory) -> Path:
    """A per-year review (notebook 25 on the small valid fixture), rendered as the runner does."""
    from tests.integration.test_year_page import render_year_page

    return render_year_page(tmp_path_factory.mktemp("year"))


def test_year_page_opens_without_console_errors_and_renders(year_html, tmp_path):
    shot = tmp_path / "year.png"
    done = chromium(year_html.resolve().as_uri(), tmp_path, f"--screenshot={shot}", "--enable-logging=stderr", "--v=0")
    assert shot.exists(), done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines()
              if ("CONSOLE" in line.upper() and "error" in line.lower()) or "Uncaught" in line]
    assert not errors, "\n".join(errors)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.std() > 10 and (pixels < 128).mean() > 0.005  # text, tables and the figure, not blank
    dom = chromium(year_html.resolve().as_uri(), tmp_path, "--dump-dom").stdout
    assert "关系 Relationship" in dom and 'title="CN-511900"' in dom and "NaN" not in dom
