"""The published report and the per-year reviews, run end to end on the default (small) data.

The notebooks are executed with papermill into a temporary out dir, after the panel and
the model tables they read are built there; then rendered with ``render_notebook_html``.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from analysis.report import build as report
from analysis.paths import DEFAULT_DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, ProjectPaths
from analysis.pipeline.render import render_notebook_html

pm = pytest.importorskip("papermill")
rawdata = pytest.importorskip("analysis.data.files")
panel_mod = pytest.importorskip("analysis.panel.build")
models = pytest.importorskip("analysis.models.fit")

from analysis.io import write_parquet  # noqa: E402
from analysis.results import update_numbers  # noqa: E402
from analysis.results import save_table  # noqa: E402


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
    raw = rawdata.load_raw(paths.data_dir)
    panel = panel_mod.build_panel(raw)
    write_parquet(paths.panel, panel)
    for key, result in models.fit_all(panel, raw.relationships).items():
        save_table(result.table, key, paths.tables)
        update_numbers(paths.numbers, key, result.numbers)
    years = sorted(int(y) for y in raw.events["year"].unique())
    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores: two kernels at a time
        list(pool.map(lambda n: execute(n, paths), ["20_describe", "40_delegation_network"]))
        executed = list(pool.map(lambda y: (y, execute("25_year_review", paths, year=y)), years))
    for year, nb in executed:
        render_notebook_html(nb, paths.out_dir / f"reports/years/{year}.html")
    render_notebook_html(execute("90_report", paths), paths.report_html)
    return paths


def test_figures_are_written_as_png_and_svg(run):
    for name in report.FIGURE_ORDER:
        assert (run.figures / f"{name}.png").stat().st_size > 10_000, name
        assert (run.figures / f"{name}.svg").exists(), name


def test_report_holds_every_section_and_no_error(run):
    html = run.report_html.read_text(encoding="utf-8")
    assert '<meta charset="utf-8"' in html.lower()
    for heading in report.SECTIONS:
        assert f">{heading}<" in html or f">{heading}</" in html or heading in html, heading
    assert "Traceback" not in html
    assert "jp-RenderedText" not in html or 'data-mime-type="application/vnd.jupyter.stderr"' not in html
    assert not re.search(r"\b\w*Error\b:", html)
    assert "This is the first run" in html  # no what_changed.csv in this out dir


def test_report_embeds_images_and_needs_no_network(run):
    html = run.report_html.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= len(report.FIGURE_ORDER)
    assert not re.search(r"<script[^>]+src=", html)  # no script fetched from a CDN
    assert "data:font/woff;base64," in html  # Chinese glyphs travel with the page
    assert "巴中市" in html  # Chinese text survives as UTF-8


def test_report_reads_each_model_table_from_its_numbers(run):
    html = run.report_html.read_text(encoding="utf-8")
    tables = report.load_model_tables(run.tables)
    assert "activity_logit" in tables
    for name, table in tables.items():
        assert f"<h3" in html and name in html
        first = table.dropna(subset=["estimate"])
        if len(first):
            assert first.iloc[0]["label"] in html or first.iloc[0]["term"] in html


def test_report_colophon_shows_commit_hashes_versions_parameters(run):
    html = run.report_html.read_text(encoding="utf-8")
    assert "git commit" in html
    sha = re.findall(r"\b[0-9a-f]{64}\b", html)
    assert len(sha) >= 3  # one per raw input
    assert "statsmodels" in html and "typology_ratio" in html


def test_one_year_review_per_year_present(run):
    raw = rawdata.load_raw(run.data_dir)
    years = sorted(int(y) for y in raw.events["year"].unique())
    files = sorted(p.stem for p in (run.out_dir / "reports/years").glob("*.html"))
    assert files == [str(y) for y in years]
    last = (run.out_dir / f"reports/years/{years[-1]}.html").read_text(encoding="utf-8")
    assert f"{years[-1]}年" in last and "Traceback" not in last
    assert "Relationships active this year" in last and "Most active partners" in last


# ------------------------------------------------------------------ readings on hand-made tables
def tidy(**over):
    row = dict(model="activity_logit", term="leader_visit_lag", label="top-leader visit last year",
               estimate=0.9, ratio=2.46, se=0.3, ci_low=0.31, ci_high=1.49, ratio_ci_low=1.36, ratio_ci_high=4.44,
               p=0.003, n_obs=400, n_relationships=50, fit="logit, maximum likelihood", note="")
    row.update(over)
    return pd.DataFrame([row])


def test_reading_follows_the_numbers():
    text = report.read_model_table(tidy())
    assert "odds ratio 2.46" in text and "1.36 to 4.44" in text and "p = 0.003" in text
    assert "rise" in text and "400 observations" in text and "50 relationships" in text
    lower = report.read_model_table(tidy(estimate=-0.9, ratio=0.41, ratio_ci_low=0.23, ratio_ci_high=0.74,
                                         ci_low=-1.49, ci_high=-0.31))
    assert "fall" in lower and "0.41" in lower
    null = report.read_model_table(tidy(ratio_ci_low=0.5, ratio_ci_high=3.0, p=0.4))
    assert "cannot tell" in null and "rise" not in null


def test_reading_uses_coefficient_ci_when_no_ratio_ci():
    t = tidy().drop(columns=["ratio_ci_low", "ratio_ci_high"])
    assert "1.36 to 4.44" in report.read_model_table(t)


def test_reading_lists_model_warnings_once():
    w = "Too few events per parameter"
    t = pd.concat([tidy(note=w), tidy(term="age", label="age", note=f"separated | {w}")])
    text = report.read_model_table(t, {"activity_logit": {"warnings": [w]}})
    assert text.count(w) == 1 and "Note: separated" in text


def test_ratio_name_by_model():
    assert report.ratio_name("event_counts", "negative binomial (NB2)") == "rate ratio"
    assert report.ratio_name("time_to_dormancy", "Cox proportional hazards") == "hazard ratio"
    assert report.ratio_name("transitions", "transition proportions") is None


def test_colophon_from_a_manifest():
    c = report.colophon({"git": {"commit": "abc123", "dirty": True}, "inputs": {"sha256": {"a.csv": "f" * 64}},
                         "environment": {"python": "3.11", "packages": {"pandas": "3.1"}},
                         "parameters": {"power_years": [5, 10], "start_year": None}})
    assert "abc123" in c["text"] and "dirty" in c["text"]
    assert c["inputs"].iloc[0]["sha256"] == "f" * 64
    assert dict(zip(c["parameters"]["parameter"], c["parameters"]["value"])) == {"power_years": "5, 10",
                                                                                "start_year": "null"}


def test_what_changed_none_on_first_run_then_compares_with_kept_numbers(tmp_path):
    from analysis.io import write_json
    from analysis.paths import ProjectPaths

    paths = ProjectPaths(tmp_path / "raw", tmp_path / "out")
    write_json(paths.numbers, {"activity_logit": {"terms": {"age": {"coef": 0.1, "se": 0.2}}, "n_obs": 5}})
    assert report.what_changed(paths) is None  # nothing kept yet: a first run
    write_json(paths.history / "20260101T000000Z_000000000000.json",
               {"activity_logit": {"terms": {"age": {"coef": 0.3, "se": 0.2}}, "n_obs": 4}})
    table, against = report.what_changed(paths)
    assert against == "20260101T000000Z_000000000000.json"
    assert table.loc[0, "estimate_previous"] == 0.3 and table.loc[0, "estimate_new"] == 0.1
    assert (paths.tables / "what_changed.csv").exists()


# ------------------------------------------------------------------ display tables
def test_display_table_is_compact_with_ratio_and_interval_in_one_cell():
    t = pd.concat([tidy(term="Intercept", label="intercept (baseline log-odds)", estimate=0.4, ratio=1.49,
                        ratio_ci_low=0.01, ratio_ci_high=297.3, p=0.88),
                   tidy(estimate=0.6955, ratio=2.0048, ratio_ci_low=0.2358, ratio_ci_high=17.041, p=0.5241)])
    shown = report.display_table(t)
    assert list(shown.columns) == ["Term", "Variable", "Estimate", "SE", "Odds ratio [95% CI]", "p"]
    assert shown.index.tolist() == [0, 1]
    row = shown.iloc[1]
    assert row["Term"] == "top-leader visit last year" and row["Variable"] == "leader_visit_lag"
    assert row["Odds ratio [95% CI]"] == "2.00 [0.24, 17.04]" and row["p"] == "0.524" and row["Estimate"] == "0.70"
    assert shown.iloc[0]["Odds ratio [95% CI]"] == "—"  # exp(intercept) is baseline odds, not a ratio
    html = report.styled_model_table(shown).to_html()
    assert "<small><code>leader_visit_lag</code></small>" in html and "n_obs" not in html and "fit" not in html


def test_display_table_shows_two_way_se_only_when_computed():
    t = tidy(se_twoway=0.41, p_twoway=0.02)
    assert "SE (two-way)" in report.display_table(t).columns
    assert report.display_table(t).iloc[0]["SE (two-way)"] == "0.41"
    assert "SE (two-way)" not in report.display_table(tidy(se_twoway=float("nan"))).columns


def test_intercept_label_follows_the_model():
    counts = tidy(model="event_counts", term="Intercept", label="intercept (baseline log-odds)",
                  fit="negative binomial (NB2)")
    assert report.display_table(counts).iloc[0]["Term"] == "intercept (baseline log rate)"
    logit = tidy(term="Intercept", label="intercept (baseline log-odds)")
    assert report.display_table(logit).iloc[0]["Term"] == "intercept (baseline log-odds)"


def test_notes_are_listed_once_below_the_table_with_marks():
    w = "Too few events per parameter"
    t = pd.concat([tidy(note=w), tidy(term="age", label="age", note=f"separated: penalised | {w}"),
                   tidy(term="intl", label="international", estimate=float("nan"), note=f"not estimated: infinite | {w}")])
    shown = report.display_table(t, model_warnings=[w])
    assert shown["Term"].tolist() == ["top-leader visit last year", "age †", "international ‡"]
    assert shown.iloc[2]["Estimate"] == "not estimated"
    notes = report.table_notes(t, [w])
    assert notes == ["† age — separated: penalised.", "‡ international — not estimated: infinite.", f"⚠ {w}"]
    # without numbers.json the model-wide warning is found as the note every row shares
    assert report.table_notes(t)[-1] == f"⚠ {w}"


def test_table_caption_gives_n_and_fit_once():
    cap = report.table_caption(pd.concat([tidy(), tidy(term="age")]))
    assert cap.count("400 observations") == 1 and "50 relationships" in cap and "maximum likelihood" in cap


def test_model_section_reading_does_not_repeat_table_notes():
    w = "Too few events per parameter"
    t = pd.concat([tidy(note=w), tidy(term="age", label="age", note=f"separated: penalised | {w}")])
    parts = report.model_section("activity_logit", t, {"activity_logit": {"warnings": [w]}})
    text = "\n".join(p for p in parts if isinstance(p, str))
    assert text.count(w) == 1 and text.count("separated: penalised") == 1
    assert parts[0].startswith("### ") and "activity_logit" in parts[0]


def test_formatting_of_numbers():
    assert report.fmt_number(0.000778) == "0.00078" and report.fmt_number(4873780.0) == "4,873,780"
    assert report.fmt_p(0.0004) == "<0.001" and report.fmt_number(float("nan")) == "—"


# ------------------------------------------------------------------ data summary and caveats
@pytest.fixture(scope="module")
def raw():
    return rawdata.load_raw(DEFAULT_DATA_DIR)


def test_data_summary_tables_have_no_index_and_named_countries(raw):
    s = report.data_summary(raw)
    for key in ("relationships_by_kind_status", "events_by_year_kind", "cities_by_country"):
        assert isinstance(s[key].index, pd.RangeIndex), key
        assert "<th" not in report.styled_table(s[key]).to_html().split("</thead>")[1], key  # no index cells
    by_country = s["cities_by_country"]
    assert by_country["cities"].is_monotonic_decreasing
    assert by_country["cities"].sum() == len(set(raw.relationships["city_a"]) | set(raw.relationships["city_b"])
                                             | set(raw.events["origin"].dropna()) | set(raw.events["destination"].dropna()))
    assert "China" in set(by_country["country"]) and "CN" in set(by_country["ISO code"])
    assert report.country_name("DE") == "Germany" and report.country_name("XX") == "XX"


def test_caveats_say_what_the_data_are_and_can_support(raw):
    numbers = {"activity_logit": {"penalised": True, "events_per_parameter": 1.3, "n_relationships": 54,
                                  "fit": "logit, Firth"},
               "time_to_dormancy": {"events_per_parameter": 2.2, "n_relationships": 11, "fit": "Cox, robust SEs"}}
    power = pd.DataFrame({"relationships": [50, 200], "years": [10, 10], "effect": [0.5, 0.5], "power": [0.28, 0.84]})
    text = "\n".join(report.caveats(raw, numbers, power=power))
    n_docs = len(raw.sources)
    assert f"transcribed from {n_docs} documents" in text and "small case dataset" in text.lower()
    assert "quiet year may be an unreported year" in text.lower()
    for key in raw.sources:  # each source's own window
        assert key in text
    assert "Aggregates" in text and "Firth" in text and "`activity_logit`" in text
    assert "11 relationships" in text  # few clusters
    assert "cannot support" in text and "28%" in text and "200 relationships" in text
    windows = report.source_windows(raw)
    assert windows["event_records"].sum() == len(raw.events)


def test_figure_width_keeps_one_scale(tmp_path):
    from PIL import Image

    for name, inches in (("single", 3.6), ("double", 7.4)):
        Image.new("RGB", (int(inches * 300), 300), "white").save(tmp_path / f"{name}.png")
    single, double = report.figure_width(tmp_path / "single.png"), report.figure_width(tmp_path / "double.png")
    assert double == report.FIGURE_MAX_WIDTH_PX and 0.4 < single / double < 0.6
