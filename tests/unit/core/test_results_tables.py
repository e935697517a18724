import numpy as np
import pandas as pd
import pytest

from analysis.results import round_significant, rounded, save_table, warnings_markdown


def frame():
    return pd.DataFrame({
        "term": ["leader_visit_lag", "log_distance"],
        "estimate": [0.123456789, -1234.56789],
        "p": [1.23456789e-12, np.nan],
        "n_obs": [100, 100],
        "note": ["separated: 50% & more", ""],
    })


def test_round_significant():
    assert round_significant(0.123456789) == 0.123457
    assert round_significant(-1234.56789) == -1234.57
    assert round_significant(1.23456789e-12) == 1.23457e-12
    assert np.isnan(round_significant(np.nan)) and round_significant(0.0) == 0.0


def test_save_table_writes_three_formats(tmp_path):
    paths = save_table(frame(), "activity_logit", tmp_path / "tables")
    assert {p.name for p in paths.values()} == {"activity_logit.csv", "activity_logit.tex", "activity_logit.html"}
    csv = (tmp_path / "tables" / "activity_logit.csv").read_text(encoding="utf-8")
    assert csv.splitlines()[1] == "leader_visit_lag,0.123457,1.23457e-12,100,separated: 50% & more"
    assert csv.splitlines()[2] == "log_distance,-1234.57,,100,"
    tex = paths["tex"].read_text(encoding="utf-8")
    assert r"leader\_visit\_lag" in tex and r"50\% \& more" in tex and r"\toprule" in tex
    html = paths["html"].read_text(encoding="utf-8")
    assert "<table" in html and "leader_visit_lag" in html and "&amp; more" in html
    back = pd.read_csv(paths["csv"])
    assert back["estimate"].tolist() == pytest.approx([0.123457, -1234.57])


def test_identical_runs_give_identical_bytes(tmp_path):
    a = save_table(frame(), "t", tmp_path / "a")
    noisy = frame().assign(estimate=lambda d: d["estimate"] + 1e-12)  # below 6 significant digits
    b = save_table(noisy, "t", tmp_path / "b")
    for kind in ("csv", "tex", "html"):
        assert a[kind].read_bytes() == b[kind].read_bytes(), kind


def test_no_temporary_files_left_and_bad_names_refused(tmp_path):
    save_table(frame(), "t", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.html", "t.tex"]
    with pytest.raises(ValueError, match="plain file stem"):
        save_table(frame(), "../t", tmp_path)


def test_rounded_leaves_non_floats_alone():
    out = rounded(frame())
    assert out["n_obs"].tolist() == [100, 100] and out["note"].tolist() == frame()["note"].tolist()


def test_warnings_markdown():
    assert "No warnings" in warnings_markdown([])
    md = warnings_markdown(["Too few events.", "Only 12 relationships."])
    assert md.count("\n- ") == 2 and "Too few events." in md
