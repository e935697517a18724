"""End to end on a copy of the default data: one complete run (notebooks in parallel on two workers,
each keeping its kernel), what it publishes (the report, the year pages, the Word report, and the
report as a browser shows it), a no-op rerun, identical bytes and notebook outputs from a sequential
forced rerun in one kept kernel, and a new year of events that reruns exactly what reads it (issue 6).

The two runs compared give each kernel a different history (in parallel each kernel runs about half
the notebooks, in its own order; one by one a single kernel runs them all), so state one notebook left
in a kernel would show as a difference. That a kept kernel shows what a fresh one shows is checked
directly in tests/unit/pipeline/test_kernels.py.

The complete run (module fixture) is left as it is; every test that runs again works on its own
copy of it, so each test stands alone. How long a no-op run takes is measured in bench/, not here.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.data.load import load_validated
from analysis.describe import registry as figure_registry
from analysis.models import registry as model_registry
from analysis.paths import DEFAULT_DATA_DIR, ProjectPaths
from analysis.pipeline.render import render_notebook_html
from analysis.report import SECTIONS
from analysis.report.figure_list import CHAPTER_FIGURES
from analysis.report.tidy import load_model_tables
from tests.integration.browser import looks_drawn, needs_chromium, screenshot
from tests.integration.runs import manifest, run_cli, statuses

pytestmark = [pytest.mark.costly(150), pytest.mark.skipif(not (DEFAULT_DATA_DIR / "relationships.csv").exists(),
                                reason="default dataset not present")]


def snapshot_bytes(out: Path) -> dict[str, bytes]:
    files = sorted((out / "results/tables").glob("*.csv")) + [out / "results/numbers.json"]
    figures = sorted((out / "results/figures").glob("*.png")) + sorted((out / "results/figures").glob("*.svg"))
    assert figures, "the run saved no figure"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files + figures if p.name != "what_changed.csv"}


def executed_outputs(out: Path, ran_in: tuple[Path, Path]) -> dict[str, str]:
    """Every executed notebook's cell counters and outputs (not the report's: it states the run's times),
    less what differs between any two runs: the folders the run was given (``ran_in``: raw, out),
    object addresses, pandas Styler's random table ids."""
    views = {}
    for path in sorted((out / "reports/executed").glob("*.ipynb")):
        if not path.name.startswith("90_"):
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            text = json.dumps([[c.get("execution_count"), c.get("outputs")] for c in cells if c["cell_type"] == "code"])
            for folder, name in zip(ran_in, ("RAW", "OUT")):
                text = text.replace(str(folder), name)
            views[path.name] = re.sub(r"T_[0-9a-f]{5}", "T_", re.sub(r" at 0x[0-9a-f]+", " at 0x", text))
    return views


NEW_YEAR = """event_id,date,date_end,origin,destination,kind,leader_rank,topics,delegates,amount_cny,count,relationship_id,source,note
test-2025-01,2025-03-12,,{a},{b},visit,top,economy;industry,12,,1,{rid},test_new_year,added by the new-year test
test-2025-02,2025-06,,{b},{a},agreement,senior,industry,,,1,{rid},test_new_year,added by the new-year test
"""


@pytest.fixture(scope="module")
def full_run(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """raw and out of one complete first run (notebooks in parallel); tests read it and never change it."""
    root = tmp_path_factory.mktemp("pipeline")
    raw, out = root / "raw", root / "out"
    shutil.copytree(DEFAULT_DATA_DIR, raw)
    result = run_cli("--data-dir", str(raw), "--out", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    return raw, out, result


@pytest.fixture(scope="module")
def run(full_run) -> ProjectPaths:
    return ProjectPaths.from_params(*full_run[:2])


@pytest.fixture
def rerun_copy(full_run, tmp_path) -> tuple[Path, Path]:
    """A copy of the full run's raw and out folders to run again in (paths are not in the cache keys)."""
    raw, out, _ = full_run
    shutil.copytree(raw, tmp_path / "raw")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "raw", tmp_path / "out"


def test_full_run_writes_the_panel_numbers_and_report(full_run):
    _, out, result = full_run
    assert (out / "reports/report.html").exists()
    assert (out / "reports/report.docx").stat().st_size > 10_000  # the Word report beside it
    assert (out / "data/processed/panel.parquet").exists()
    assert "activity_logit" in json.loads((out / "results/numbers.json").read_text())
    m = manifest(out)
    assert m["status"] == "ok" and m["history"]["previous"] is None  # a first run
    assert set(statuses(out).values()) == {"ok"}
    assert result.stdout.count("done in") == len(statuses(out))
    changed = pd.read_csv(out / "results/tables/what_changed.csv")
    assert len(changed) and set(changed["status"]) == {"new term"}


def test_no_op_rerun_skips_every_notebook_including_the_report(rerun_copy):
    raw, out = rerun_copy
    report_before = (out / "reports/report.html").read_bytes()
    changed_before = (out / "results/tables/what_changed.csv").read_bytes()
    noop = run_cli("--data-dir", str(raw), "--out", str(out))
    assert noop.returncode == 0, noop.stdout + noop.stderr
    assert set(statuses(out).values()) == {"skipped"}, statuses(out)
    assert noop.stdout.count("skipped: unchanged") == len(statuses(out))
    assert (out / "reports/report.html").read_bytes() == report_before
    assert (out / "results/tables/what_changed.csv").read_bytes() == changed_before
    assert manifest(out)["history"]["previous"] is None  # the comparison the report shows still stands


def test_forced_sequential_rerun_writes_the_bytes_of_the_parallel_run_and_compares_with_it(full_run, rerun_copy):
    """In parallel on two kernels, then one by one in one kernel: same tables, figures and outputs."""
    raw, out = rerun_copy
    before, outputs_before = snapshot_bytes(out), executed_outputs(out, ran_in=full_run[:2])
    assert before and len(outputs_before) > 10
    forced = run_cli("--data-dir", str(raw), "--out", str(out), "--force", "--jobs", "1")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert set(statuses(out).values()) == {"ok"}
    assert snapshot_bytes(out) == before, "one by one or in parallel, same inputs must give identical bytes"
    assert executed_outputs(out, ran_in=(raw, out)) == outputs_before, "a kernel's history must not change what it shows"
    kept = sorted((out / "results/history").glob("*.json"))
    assert [p.read_bytes() for p in kept] == [(full_run[1] / "results/numbers.json").read_bytes()]
    assert manifest(out)["history"]["previous"] == kept[-1].name
    assert set(pd.read_csv(out / "results/tables/what_changed.csv")["status"]) == {"unchanged"}


def test_new_year_reruns_what_reads_events_and_reports_changes(rerun_copy):
    raw, out = rerun_copy
    rels = pd.read_csv(raw / "relationships.csv", dtype=str, keep_default_na=False)
    rel = rels.iloc[0]
    (raw / "SOURCES.yaml").write_text(
        (raw / "SOURCES.yaml").read_text(encoding="utf-8")
        + "\ntest_new_year:\n  title: rows added by the new-year test\n  publisher: test suite\n"
          "  date: '2025'\n  licence: CC0\n  note: synthetic\n", encoding="utf-8")
    (raw / "events" / "2025.csv").write_text(
        NEW_YEAR.format(a=rel.city_a, b=rel.city_b, rid=rel.relationship_id), encoding="utf-8")
    numbers_before = (out / "results/numbers.json").read_bytes()

    result = run_cli("--data-dir", str(raw), "--out", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    st = statuses(out)
    panel = pd.read_parquet(out / "data/processed/panel.parquet")
    assert panel["year"].max() == 2025
    assert st["25_year_review[2025]"] == "ok" and (out / "reports/years/2025.html").exists()
    # every notebook that reads the events or the panel reran (the power analysis takes its activity
    # rate from the panel); those that read only the external data did not
    for name, status in st.items():
        expected = "skipped" if name.startswith(("60_", "65_")) else "ok"
        assert status == expected, (name, status)
    kept = sorted((out / "results/history").glob("*.json"))
    assert kept and kept[-1].read_bytes() == numbers_before  # the previous run's numbers are kept
    assert manifest(out)["history"]["previous"] == kept[-1].name
    changed = pd.read_csv(out / "results/tables/what_changed.csv")
    logit_terms = set(json.loads((out / "results/numbers.json").read_text())["activity_logit"]["terms"])
    assert logit_terms <= set(changed.loc[changed["model"] == "activity_logit", "term"])
    assert (changed["status"] == "changed").any()
    assert "what changed" in (out / "reports/report.html").read_text(encoding="utf-8").lower()


# What the complete run publishes: the report, the year pages, the Word report

STDERR_OUTPUT = 'data-mime-type="application/vnd.jupyter.stderr"'  # an output block, not the page's CSS rule
# the external chapter (notebooks 60 and 65) draws only when <out>/data/external exists: not in a test run
NOT_DRAWN_HERE = {"partnership_degree_distribution", "china_partners", "partnership_distance", "german_establishments"}


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


@needs_chromium
def test_report_opens_in_a_browser_without_console_errors_and_renders(run, tmp_path):
    pixels, errors = screenshot(run.report_html, tmp_path)
    assert errors == [], "\n".join(errors)
    assert pixels.shape[:2] == (2000, 1280) and looks_drawn(pixels)


def test_the_stderr_check_can_fail(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import warnings")
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n")]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "bad.ipynb")
    assert STDERR_OUTPUT in render_notebook_html(tmp_path / "bad.ipynb", tmp_path / "bad.html").read_text("utf-8")


def test_figures_are_numbered_in_registry_order_with_their_captions(run, page):
    """The main figures are numbered in registry order; a chapter's own figures (robustness) appear in it, unnumbered."""
    chapter_prefixes = tuple(p for prefixes in CHAPTER_FIGURES.values() for p in prefixes)
    drawn = [name for name, spec in figure_registry.FIGURES.items() if name not in NOT_DRAWN_HERE and not spec.per_year]
    shown = [name for name in drawn if not name.startswith(chapter_prefixes)]
    for number, name in enumerate(shown, 1):
        caption = html.escape(figure_registry.get(name).caption, quote=False)
        assert f"<strong>Figure {number}.</strong> {caption}" in page, name
        assert f"results/figures/{name}.png" in page
    assert f"<strong>Figure {len(shown) + 1}.</strong>" not in page
    in_chapters = [name for name in drawn if name.startswith(chapter_prefixes)]
    assert in_chapters
    robustness = page.split(">Robustness<", 1)[1]
    assert all(html.escape(figure_registry.get(n).caption, quote=False) in robustness for n in in_chapters)


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

    from analysis.pipeline.docx import CJK_FONT

    doc = Document(str(run.reports / "report.docx"))  # written by the run beside report.html
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
