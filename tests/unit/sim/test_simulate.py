"""The simulator: same seed same bytes, the raw-data contract, and planted effects that
the panel plus a plain logit get back."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.sim import simulate
from analysis.panel.build import PanelInputs, build_panel, build_panel_from_files


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def with_prefectures(cities: pd.DataFrame) -> pd.DataFrame:
    return cities.assign(prefecture_id=np.where(cities["level"] == "prefecture", cities["city_id"], None))


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    simulate.write_dataset(simulate.simulate_dataset(60, 6, seed=11), tmp_path / "a")
    assert simulate.main(["--relationships", "60", "--years", "6", "--seed", "11", "--out", str(tmp_path / "b")]) == 0
    simulate.write_dataset(simulate.simulate_dataset(60, 6, seed=12), tmp_path / "c")
    a, b, c = digests(tmp_path / "a"), digests(tmp_path / "b"), digests(tmp_path / "c")
    assert a == b
    assert a["events/2024.csv"] != c["events/2024.csv"]


def test_files_follow_the_raw_data_contract(tmp_path):
    sim = simulate.simulate_dataset(80, 5, seed=3)
    out = simulate.write_dataset(sim, tmp_path)
    cities = pd.read_csv(out / "cities.csv", keep_default_na=False)
    rels = pd.read_csv(out / "relationships.csv", keep_default_na=False)
    assert list(cities.columns) == ["city_id", "name_zh", "name_en", "country", "province", "level", "lat", "lon", "population"]
    assert list(rels.columns) == ["relationship_id", "city_a", "city_b", "kind", "established", "ended", "status",
                                  "status_as_of", "source", "note"]
    assert (cities["city_id"].str.fullmatch(r"[A-Z]{2}-SIM\d{6}").all()
            and (cities["city_id"].str[:2] == cities["country"]).all())
    assert (cities["country"] != "CN").any() and (cities["country"] == "CN").any()
    assert set(rels["city_a"]) | set(rels["city_b"]) <= set(cities["city_id"])
    assert set(rels["status"]) <= {"", "active", "dormant", "ended"}
    years = sorted(int(p.stem) for p in (out / "events").glob("*.csv"))
    assert years == [2020, 2021, 2022, 2023, 2024]
    for year in years:
        ev = pd.read_csv(out / "events" / f"{year}.csv", dtype=str, keep_default_na=False)
        assert list(ev.columns) == simulate.EVENT_COLUMNS
        assert ev["date"].str.startswith(str(year)).all()        # every date falls in its file's year
        assert ev["date"].str.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?").all()
        assert set(ev["kind"]) <= {"visit", "agreement", "project", "cadre_exchange", "training", "promotion", "meeting", "other"}
        assert set(ev["leader_rank"]) <= {"top", "senior", "official", "none"}
        assert (ev["count"].astype(int) >= 1).all()
        assert set(ev["origin"]) | set(ev["destination"]) <= set(cities["city_id"])
        assert set(ev["relationship_id"]) - {""} <= set(rels["relationship_id"])
    sources = yaml.safe_load((out / "SOURCES.yaml").read_text(encoding="utf-8"))
    assert "simulated" in sources and sources["simulated"]["title"]
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert truth["coefficients"] == simulate.DEFAULT_EFFECTS


def test_drivers_vary_and_their_lags_are_informative():
    sim = simulate.simulate_dataset(300, 6, seed=4)
    panel = build_panel(PanelInputs(with_prefectures(sim.cities), sim.relationships, sim.events))
    active = panel[panel["active"] == 1]
    for col in ["leader_visit", "cooperation"]:
        assert 0.2 < active[col].mean() < 0.6
    assert active["exchange_count"].std() > 0.5
    # with a leader visit last year, more relationships stay active
    lagged = panel.dropna(subset=["leader_visit_lag"])
    rates = lagged.groupby("leader_visit_lag")["active"].mean()
    assert rates[1.0] > rates[0.0] + 0.1


def test_unknown_effect_names_are_refused():
    with pytest.raises(ValueError, match="leader_lag"):
        simulate.simulate_dataset(10, 3, seed=1, effects={"leader_lag": 1.0})


def test_streamed_parquet_gives_the_same_panel(tmp_path):
    sim = simulate.simulate_dataset(120, 5, seed=9)
    simulate.write_simulated(120, 5, seed=9, out_dir=tmp_path)
    streamed = pd.read_parquet(tmp_path / "events.parquet")
    assert len(streamed) == len(sim.events)
    cities = with_prefectures(sim.cities)
    a = build_panel(PanelInputs(cities, sim.relationships, sim.events))
    b = build_panel_from_files(tmp_path / "events.parquet", sim.relationships, cities)
    pd.testing.assert_frame_equal(a, b)


def test_planted_coefficients_are_recovered_by_a_plain_logit():
    import statsmodels.api as sm

    sim = simulate.simulate_dataset(3000, 12, seed=2024)
    panel = build_panel(PanelInputs(with_prefectures(sim.cities), sim.relationships, sim.events))
    d = panel.dropna(subset=["leader_visit_lag"])
    terms = ["leader_visit_lag", "exchange_lag", "cooperation_lag", "log_distance", "age", "international"]
    fit = sm.Logit(d["active"], sm.add_constant(d[terms])).fit(disp=0)
    truth = sim.truth["coefficients"]
    for term in terms:
        z = (fit.params[term] - truth[term]) / fit.bse[term]
        assert abs(z) < 3.5, f"{term}: estimate {fit.params[term]:.3f}, truth {truth[term]}, z {z:.2f}"


def test_bench_event_log_has_the_columns_the_panel_reads(tmp_path):
    cities, rels = simulate.bench_network(200, 5, seed=1)
    path = simulate.write_event_log(tmp_path / "ev.parquet", 5000, cities, rels, n_years=5, seed=1, chunk_rows=1500)
    ev = pd.read_parquet(path)
    assert len(ev) == 5000
    assert {"year", "origin", "destination", "kind", "leader_rank", "count", "relationship_id"} <= set(ev.columns)
    assert 0.4 < ev["relationship_id"].isna().mean() < 0.6  # half matched by id, half by pair
    assert ev["origin"].astype(str).str.contains("-C1").any()  # some events come from a county
    panel = build_panel_from_files(path, rels, cities)
    assert panel["events"].sum() == ev["count"].sum()  # every event reaches exactly one relationship


def test_written_files_pass_the_loader_and_give_the_same_panel(tmp_path):
    from analysis.data.files import load_raw

    sim = simulate.simulate_dataset(150, 6, seed=8)
    raw = load_raw(simulate.write_dataset(sim, tmp_path))  # raises with every problem if the contract is broken
    from_files = build_panel(raw)
    in_memory = build_panel(PanelInputs(raw.cities, sim.relationships, sim.events))
    pd.testing.assert_frame_equal(from_files, in_memory)
