"""The published report and the per-year reviews, run end to end on the default (small) data.

The notebooks are executed with papermill into a temporary out dir, after the panel, the
model tables and the manifest they read are written there as the runner would; then
rendered with ``render_notebook_html``.
"""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from analysis.data.load import load_validated
from analysis.describe import registry as figure_registry
from analysis.io import write_json, write_parquet
from analysis.models import registry as model_registry
from analysis.panel.build import build_panel
from analysis.paths import DEFAULT_DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, ProjectPaths
from analysis.pipeline.manifest import build_manifest
from analysis.pipeline.params import defaults
from analysis.pipeline.render import render_notebook_html
from analysis.report import SECTIONS
from analysis.report.tidy import load_model_tables
from analysis.results import save_table, update_numbers

STDERR_OUTPUT = 'data-mime-type="application/vnd.jupyter.stderr"'  # an output block, not the page's CSS rule
# notebook 50 (power) and the multiverse of notebook 30 are not run by this fixture, nor the external
# chapter (notebooks 60 and 65 draw only when data/external exists)
NOT_DRAWN_HERE = {"power", "multiverse_leader_visit_lag", "multiverse_exchange_lag", "multiverse_cooperation_lag",
                  "partnership_degree_distribution", "china_partners", "partnership_distance", "german_establishments"}


def execute(name: str, paths: ProjectPaths, **params) -> Path:
    out = paths.executed / (f"{name}_{params['year']}.ipynb" if "year" in params else f"{name}.ipynb")
    pm.execute_notebook(str(NOTEBOOKS_DIR / f"{name}.ipynb"), str(out), kernel_name="python3",
                        parameters={"data_dir": str(paths.data_dir), "out_dir": str(paths.out_dir), **params},
                        cwd=str(PROJECT_ROOT), progress_bar=False, start_timeout=120)
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> ProjectPaths:
    paths = ProjectPaths.from_params(DEFAULT_DATA_DIR, tmp_path_factory.mktemp("out"))
    paths.ensure_output_dirs()
    raw = load_validated(paths)
    panel = build_panel(raw)
    write_parquet(paths.panel, panel)
    for key, result in model_registry.fit_all(panel, raw.relationships).items():
        save_table(result.table, key, paths.tables)
        update_numbers(paths.numbers, key, result.numbers)
    years = sorted(int(y) for y in raw.events["year"].unique())
    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores: two kernels at a time
        list(pool.map(lambda n: execute(n, paths), ["20_describe", "40_delegation_network"]))
        executed = list(pool.map(lambda y: (y, execute("25_year_review", paths, year=y)), years))
    for year, nb in executed:
        render_notebook_html(nb, paths.out_dir / f"reports/years/{year}.html")
    now = datetime.now(timezone.utc)
    # what the runner writes before the report: a first run, so nothing to compare with
    write_json(paths.manifest, build_manifest(data_dir=paths.data_dir, out_dir=paths.out_dir, params=defaults(),
                                              notebooks=[], started=now, finished=now, status="running",
                                              history={"previous": None}))
    render_notebook_html(execute("90_report", paths), paths.report_html)
    return paths


@pytest.fixture(scope="module")
def page(run) -> str:
    return run.report_html.read_text(encoding="utf-8")


def test_every_figure_is_a_registered_one_written_as_png_and_svg(run):
    years = sorted(int(y) for y in load_validated(run).events["year"].unique())
    stems = [stem for name, spec in figure_registry.FIGURES.items() if name not in NOT_DRAWN_HERE
             for stem in ([spec.stem(y) for y in years] if spec.per_year else [name])]
    for stem in stems:
        assert (run.figures / f"{stem}.png").stat().st_size > 10_000, stem
        assert (run.figures / f"{stem}.svg").exists(), stem
    assert {p.stem for p in run.figures.glob("*.png")} == set(stems)


def test_report_holds_every_section_and_no_error(page):
    assert '<meta charset="utf-8"' in page.lower()
    for heading in SECTIONS:
        assert f">{heading}<" in page, heading  # the heading is an element's whole text
    assert "Traceback" not in page
    assert STDERR_OUTPUT not in page
    assert not re.search(r"\b\w*Error\b:", page)
    assert "This is the first run" in page  # the manifest names no previous snapshot


def test_the_stderr_check_can_fail(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import warnings")
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n")]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "bad.ipynb")
    assert STDERR_OUTPUT in render_notebook_html(tmp_path / "bad.ipynb", tmp_path / "bad.html").read_text("utf-8")


def test_figures_are_numbered_in_registry_order_with_their_captions(page):
    shown = [name for name, spec in figure_registry.FIGURES.items() if name not in NOT_DRAWN_HERE and not spec.per_year]
    for number, name in enumerate(shown, 1):
        caption = html.escape(figure_registry.get(name).caption, quote=False)
        assert f"<strong>Figure {number}.</strong> {caption}" in page, name
        assert f"results/figures/{name}.png" in page
    assert f"<strong>Figure {len(shown) + 1}.</strong>" not in page


def test_report_embeds_images_and_needs_no_network(page):
    whole_run = [n for n, spec in figure_registry.FIGURES.items() if not spec.per_year]  # per-year: the year pages
    assert page.count("data:image/png;base64,") >= len(whole_run) - len(NOT_DRAWN_HERE)
    assert not re.search(r"<script[^>]+src=", page)  # no script fetched from a CDN
    assert "data:font/woff;base64," in page  # Chinese glyphs travel with the page
    assert "巴中市" in page  # Chinese text survives as UTF-8


def test_report_has_a_section_per_model_headed_by_its_registry_title(run, page):
    tables = load_model_tables(run.tables)
    assert set(tables) == set(model_registry.REGISTRY)
    for name, table in tables.items():
        title = html.escape(model_registry.get(name).title, quote=False)
        assert re.search(rf"<h3 [^>]*>{re.escape(title)} \(<code>{name}</code>\)", page), name
        first = table.dropna(subset=["estimate"])
        if len(first):
            assert html.escape(str(first.iloc[0]["label"]), quote=False) in page


def test_report_colophon_shows_commit_hashes_versions_parameters(run, page):
    from analysis.report.colophon import read_manifest

    manifest = read_manifest(run.manifest)
    assert f"git commit <code>{manifest['git']['commit'] or 'unknown (not a git checkout)'}</code>" in page
    hashes = manifest["inputs"]["sha256"]
    assert len(hashes) >= 3 and all(h in page for h in hashes.values())  # one per raw input
    assert "statsmodels" in page and "typology_ratio" in page


def test_one_year_review_per_year_present(run):
    raw = load_validated(run)
    years = sorted(int(y) for y in raw.events["year"].unique())
    files = sorted(p.stem for p in (run.out_dir / "reports/years").glob("*.html"))
    assert files == [str(y) for y in years]
    last = (run.out_dir / f"reports/years/{years[-1]}.html").read_text(encoding="utf-8")
    assert f"{years[-1]}年" in last and "Traceback" not in last
    assert "Relationships active this year" in last and "Most active partners" in last


def test_word_report_holds_the_sections_tables_figures_and_chinese(run):
    from docx import Document

    from analysis.pipeline.docx import CJK_FONT, render_notebook_docx

    out = render_notebook_docx(run.executed / "90_report.ipynb", run.reports / "report.docx")
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for heading in SECTIONS:
        assert heading in headings, heading
    assert len(doc.tables) >= len(model_registry.REGISTRY)  # a model table each, as real Word tables
    assert all(len(t.rows) >= 2 for t in doc.tables)
    shown = len([p for p in run.figures.glob("*.png") if figure_registry.for_file(p.stem)[1] is None])
    assert len(doc.inline_shapes) == shown  # every figure of the report, embedded
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert re.search(r"[\u4e00-\u9fff]", text)  # Chinese text is there
    assert f'w:eastAsia="{CJK_FONT}"' in doc.styles.element.xml
