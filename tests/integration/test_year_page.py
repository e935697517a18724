"""A per-year review reads like a section of the report: publication tables (no index, no NaN or <NA>,
readable headers, labels, places by name with ids on hover), its figure and a summary from the numbers.

Notebook 25 runs under papermill on the small valid fixture (its panel built here), then is rendered with
``analysis.pipeline.render`` as the runner does."""

from __future__ import annotations

import html
import re
from pathlib import Path

import papermill as pm
import pytest

from analysis.data.load import load_validated
from analysis.io import write_parquet
from analysis.panel.build import build_panel
from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT, ProjectPaths
from analysis.pipeline.render import render_notebook_html
from tests.integration.browser import chromium, looks_drawn, needs_chromium, screenshot

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "valid"
YEAR = 2023


def render_year_page(out_dir: Path, year: int = YEAR, data_dir: Path = FIXTURE) -> Path:
    """Build the panel, run notebook 25 for ``year`` and render ``reports/years/<year>.html`` under ``out_dir``."""
    paths = ProjectPaths.from_params(data_dir, out_dir)
    paths.ensure_output_dirs()
    write_parquet(paths.panel, build_panel(load_validated(paths)))
    executed = paths.executed / f"25_year_review_{year}.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "25_year_review.ipynb"), str(executed), kernel_name="python3",
                        parameters={"data_dir": str(paths.data_dir), "out_dir": str(paths.out_dir), "year": year},
                        cwd=str(PROJECT_ROOT), progress_bar=False, start_timeout=120)
    return render_notebook_html(executed, paths.out_dir / f"reports/years/{year}.html")


def table_problems(page: str) -> list[str]:
    """What makes a rendered table unpublishable: NaN, <NA>, an index column, a blank or code-name header."""
    problems = []
    tables = re.findall(r"<table\b.*?</table>", page, flags=re.S)
    for i, table in enumerate(tables):
        text = html.unescape(re.sub(r"<[^>]+>", " ", table))
        for bad in ("NaN", "<NA>", "None", "…"):
            if re.search(rf"(?<![\w]){re.escape(bad)}(?![\w])", text):
                problems.append(f"table {i}: {bad!r}")
        body = table.split("<tbody", 1)[-1]
        if "<th" in body or "row_heading" in table or 'class="blank' in table:
            problems.append(f"table {i}: an index column")
        headers = [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<th\b.*?</th>", table, re.S)]
        if not headers or any(h == "" or re.fullmatch(r"[a-z_]+", h) for h in headers):
            problems.append(f"table {i}: headers {headers}")
    return problems


@pytest.fixture(scope="module")
def year_page(tmp_path_factory) -> Path:
    return render_year_page(tmp_path_factory.mktemp("year"))


def test_year_page_tables_are_publication_tables(year_page):
    page = year_page.read_text(encoding="utf-8")
    assert len(re.findall(r"<table\b", page)) == 3  # active, events, partners (no relationship was new in 2023)
    assert table_problems(page) == []
    assert "关系 Relationship" in page and "日期 Date" in page and "事件类型 Event" in page
    assert '<span title="CN-511900">巴中市</span>' in page  # a place by name, its id on hover
    assert "巴中市–虹口区" in page and '<span title="visit">考察访问</span>' in page  # a pair; kinds as labels
    assert '<span title="senior">其他领导</span>' in page  # ranks as labels
    assert "white-space: nowrap" in page  # dates stay on one line
    assert "Traceback" not in page and 'data-mime-type="application/vnd.jupyter.stderr"' not in page


def test_year_page_has_its_figure_and_a_summary(year_page):
    page = year_page.read_text(encoding="utf-8")
    assert page.count("<img") == 1 and "data:image/png;base64," in page
    assert (year_page.parents[2] / "results/figures/year_events_by_month_2023.png").exists()
    # the fixture: R1 and R3 have one event each in 2023 (R4 ended in 2020); R1 and R2 were active in 2022
    assert ("In 2023, 2 relationships had at least one recorded event (2 events between them); the most active were "
            "巴中市–虹口区 (友好交流城市) and 巴中市–Dannenberg (友好城市), with 1 event each. That is as many as in "
            "2022 (2 active): 1 became active and 1 fell quiet.") in page


@needs_chromium
def test_year_page_opens_in_a_browser_without_console_errors_and_renders(year_page, tmp_path):
    pixels, errors = screenshot(year_page, tmp_path)
    assert errors == [], "\n".join(errors)
    assert looks_drawn(pixels)  # text, tables and the figure
    dom = chromium(year_page.resolve().as_uri(), tmp_path, "--dump-dom").stdout
    assert "关系 Relationship" in dom and 'title="CN-511900"' in dom and "NaN" not in dom


def test_the_table_check_can_fail():
    raw = ("<table><thead><tr><th></th><th>origin_name</th></tr></thead>"
           "<tbody><tr><th>0</th><td>NaN</td></tr><tr><th>1</th><td>&lt;NA&gt;</td></tr></tbody></table>")
    found = table_problems(raw)
    assert "table 0: 'NaN'" in found and "table 0: '<NA>'" in found and "table 0: an index column" in found
    assert any("headers" in p for p in found)
