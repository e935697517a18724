"""Discovering notebooks and reading what each declares (parameters and metadata)."""

from pathlib import Path

import pytest

from analysis.pipeline.notebooks import discover, read_spec, select

from tests.conftest import make_notebook


def test_read_spec_takes_parameters_and_metadata(tmp_path: Path):
    path = make_notebook(tmp_path / "25_review.ipynb", 'out_dir = "."\nyear = None  # the last year\nratio = 3.0',
                         ["print(year)"], reads=["raw/**", "out/results/numbers.json"], per_year=True,
                         html="reports/years/{year}.html", report=True, writes=["out/results/figures/y_{year}.*"])
    spec = read_spec(path)
    assert spec.writes == ("out/results/figures/y_{year}.*",)
    assert spec.name == "25_review"
    assert spec.parameters == {"out_dir": ".", "year": None, "ratio": 3.0}
    assert spec.reads == ("raw/**", "out/results/numbers.json")
    assert spec.per_year and spec.report and spec.html == "reports/years/{year}.html"
    assert spec.parameters_cell_index == 1  # after the title cell
    assert spec.code == ('out_dir = "."\nyear = None  # the last year\nratio = 3.0', "print(year)")


def test_metadata_defaults(tmp_path: Path):
    spec = read_spec(make_notebook(tmp_path / "10_x.ipynb", "a = 1", []))
    assert spec.reads == () and not spec.per_year and not spec.report and spec.html is None
    assert spec.writes is None  # not declared: the runner keeps it in NN order


def test_a_notebook_without_a_parameters_cell_is_refused(tmp_path: Path):
    import nbformat as nbf

    nb = nbf.v4.new_notebook()
    nb.cells = [nbf.v4.new_code_cell("x = 1")]
    path = tmp_path / "10_bare.ipynb"
    nbf.write(nb, path)
    with pytest.raises(ValueError, match="10_bare.ipynb: no cell tagged 'parameters'"):
        read_spec(path)


def test_discover_keeps_pipeline_notebooks_in_number_order(tmp_path: Path):
    for name in ("20_b.ipynb", "00_a.ipynb", "scratch.ipynb", "90_report.ipynb", "1_short.ipynb"):
        make_notebook(tmp_path / name, "a = 1", [])
    assert [s.name for s in discover(tmp_path)] == ["00_a", "20_b", "90_report"]


def test_select_by_number_stem_or_file_name(tmp_path: Path):
    for name in ("00_a.ipynb", "20_b.ipynb", "90_report.ipynb"):
        make_notebook(tmp_path / name, "a = 1", [])
    specs = discover(tmp_path)
    assert select(specs, None) == specs
    picked = select(specs, ["90_report.ipynb", "00", "20_b"])
    assert [s.name for s in picked] == ["00_a", "20_b", "90_report"]  # pipeline order, not the order asked
    with pytest.raises(KeyError, match="unknown notebook.*55.*known: 00_a, 20_b, 90_report"):
        select(specs, ["55"])


def test_every_project_notebook_declares_its_writes_and_they_form_a_graph():
    """Each notebook says what it writes; the graph has no cycle and no file with two writers."""
    from analysis.paths import DEFAULT_DATA_DIR
    from analysis.pipeline.graph import dependencies
    from analysis.pipeline.jobs import plan_jobs

    specs = discover()
    assert [s.name for s in specs if s.writes is None] == []
    for spec in specs:
        assert all(w.startswith("out/") for w in spec.writes), spec.name
    dependencies(plan_jobs(specs, DEFAULT_DATA_DIR))  # raises GraphError naming the problem


def test_the_models_notebook_declares_a_table_and_numbers_for_every_registered_model():
    from analysis.models.registry import REGISTRY
    from analysis.pipeline.graph import targets_overlap

    (spec,) = [s for s in discover() if s.name.startswith("30_")]
    for name in REGISTRY:
        for target in (f"out/results/tables/{name}.csv", f"out/results/numbers.json#{name}"):
            assert any(targets_overlap(target, w) for w in spec.writes), f"{spec.path.name} does not declare {target}"
