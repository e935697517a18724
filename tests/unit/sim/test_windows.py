"""``simulate --windows``: each relationship watched for a window, only its events recorded, the windows
written as ``covers``; the planted effects are recovered on watched years and missed when every year is
treated as watched (issue 10)."""

import numpy as np
import pandas as pd
import pytest

from analysis.data.windows import observed_years, read_covers
from analysis.models.binary import activity_logit_pooled
from analysis.models.observed import observed_rows
from analysis.panel.build import PanelInputs, build_panel
from analysis.sim.dataset import simulate_dataset
from analysis.sim.windows import draw_windows, watched_through_windows
from analysis.sim.write import write_dataset

DRIVERS = ("leader_visit_lag", "exchange_lag", "cooperation_lag")


def test_windows_lie_inside_each_relationship_and_keep_only_their_events():
    sim = simulate_dataset(200, 8, seed=2)
    watched = watched_through_windows(sim, seed=2)
    w = watched.windows.set_index("relationship_id")
    rel = sim.relationships.set_index("relationship_id")
    assert (w["last"] >= w["first"]).all()
    assert (w["first"] >= np.maximum(rel["established"].astype(float), 2017)).all()
    assert (w["last"] <= rel["ended"].astype(float).fillna(2024)).all()
    # the same events were drawn (the windows have their own random stream); only some are recorded
    assert set(watched.events["event_id"]) < set(sim.events["event_id"])
    pair = {frozenset((a, b)): r for r, a, b in sim.relationships[["relationship_id", "city_a", "city_b"]].itertuples(index=False)}
    rid = [n or pair[frozenset((o, d))] for n, o, d in watched.events[["relationship_id", "origin", "destination"]].itertuples(index=False)]
    years = watched.events["year"].to_numpy()
    assert ((years >= w.loc[rid, "first"].to_numpy()) & (years <= w.loc[rid, "last"].to_numpy())).all()
    again = draw_windows(sim.relationships, 2017, 2024, seed=2)
    pd.testing.assert_frame_equal(again, watched.windows)  # seeded


@pytest.fixture(scope="module")
def watched_folder(tmp_path_factory):
    sim = watched_through_windows(simulate_dataset(1500, 10, seed=4), seed=4)
    folder = write_dataset(sim, tmp_path_factory.mktemp("windows") / "raw")
    return sim, folder


def _drivers(sim, observed):
    cities = sim.cities.assign(prefecture_id=sim.cities["city_id"])
    panel = build_panel(PanelInputs(cities, sim.relationships, sim.events, observed))
    rows, _ = observed_rows(panel)
    terms = activity_logit_pooled(rows).numbers["terms"]
    truth = sim.truth["coefficients"]
    return {d: (terms[d]["coef"], (terms[d]["coef"] - truth[d]) / terms[d]["se"]) for d in DRIVERS}


def test_planted_effects_recovered_on_watched_years_and_missed_when_every_year_counts(watched_folder):
    sim, folder = watched_folder
    # the covers written to SOURCES.yaml give back exactly the windows drawn
    blocks, problems = read_covers(folder)
    assert problems == [] and "covers:" in (folder / "SOURCES.yaml").read_text(encoding="utf-8")
    cities = sim.cities.assign(prefecture_id=sim.cities["city_id"])
    obs = observed_years(blocks, sim.relationships, cities)
    expected = sorted((r, y) for r, lo, hi in sim.windows.itertuples(index=False) for y in range(lo, hi + 1))
    assert sorted(zip(obs["relationship_id"], obs["year"])) == expected

    watched = _drivers(sim, obs)
    assert all(abs(z) < 3 for _, z in watched.values()), watched
    # the same folder with its covers dropped: unwatched years coded inactive
    everything = _drivers(sim, None)
    assert everything["exchange_lag"][1] > 3, everything  # biased upwards, far outside the interval
    assert everything["exchange_lag"][0] - watched["exchange_lag"][0] > 0.15


def test_cli_option_writes_covers_and_refuses_parquet(tmp_path, capsys):
    from analysis.sim.cli import main

    assert main(["--relationships", "30", "--years", "4", "--seed", "1", "--out", str(tmp_path / "a"), "--windows"]) == 0
    blocks, problems = read_covers(tmp_path / "a")
    assert problems == [] and blocks and all(b.relationships and b.years for b in blocks)
    assert main(["--relationships", "30", "--years", "4", "--out", str(tmp_path / "b"), "--windows", "--format", "parquet"]) == 2
    assert "--format csv" in capsys.readouterr().out
