"""A simulated raw-data folder: the contract's files, loadable, and the same panel streamed or in memory."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.data.contract import EVENT_COLUMNS
from analysis.data.load import load_raw
from analysis.panel.build import PanelInputs, build_panel, build_panel_from_files
from analysis.sim.dataset import simulate_dataset
from analysis.sim.settings import DEFAULT_EFFECTS
from analysis.sim.write import write_dataset, write_simulated


def with_prefectures(cities: pd.DataFrame) -> pd.DataFrame:
    return cities.assign(prefecture_id=np.where(cities["level"] == "prefecture", cities["city_id"], None))


def test_files_follow_the_raw_data_contract(tmp_path):
    sim = simulate_dataset(80, 5, seed=3)
    out = write_dataset(sim, tmp_path)
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
        assert list(ev.columns) == EVENT_COLUMNS
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
    assert truth["coefficients"] == DEFAULT_EFFECTS


def test_written_files_pass_the_loader_and_give_the_same_panel(tmp_path):
    sim = simulate_dataset(150, 6, seed=8)
    raw = load_raw(write_dataset(sim, tmp_path))  # raises with every problem if the contract is broken
    from_files = build_panel(raw)
    in_memory = build_panel(PanelInputs(raw.cities, sim.relationships, sim.events))
    pd.testing.assert_frame_equal(from_files, in_memory)


def test_parquet_format_holds_every_event_in_one_file(tmp_path):
    sim = simulate_dataset(60, 4, seed=2)
    out = write_dataset(sim, tmp_path, fmt="parquet")
    assert not (out / "events").exists()
    ev = pd.read_parquet(out / "events.parquet")
    assert list(ev.columns) == ["year", *EVENT_COLUMNS]
    assert ev["event_id"].tolist() == sim.events["event_id"].tolist()


def test_an_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="fmt must be 'csv' or 'parquet'"):
        write_dataset(simulate_dataset(10, 3, seed=1), tmp_path, fmt="json")


def test_streamed_parquet_gives_the_same_panel(tmp_path):
    sim = simulate_dataset(120, 5, seed=9)
    write_simulated(120, 5, seed=9, out_dir=tmp_path)
    streamed = pd.read_parquet(tmp_path / "events.parquet")
    assert len(streamed) == len(sim.events)
    assert streamed["event_id"].is_unique
    cities = with_prefectures(sim.cities)
    a = build_panel(PanelInputs(cities, sim.relationships, sim.events))
    b = build_panel_from_files(tmp_path / "events.parquet", sim.relationships, cities)
    pd.testing.assert_frame_equal(a, b)
