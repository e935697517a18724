"""The ordered-logit design on German rows: decades, neighbours, continents, ids for the dyads."""

import numpy as np
import pandas as pd

from analysis.external import depth


def german(n=60, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    iso = rng.choice(["FR", "PL", "US", "CN", "IT"], n)
    continent = {"FR": "Europa", "PL": "Europa", "IT": "Europa", "US": "Amerika", "CN": "Asien"}
    return pd.DataFrame({
        "dataset": "twin_towns_de", "relationship_id": [f"DE{i:05d}" for i in range(n)],
        "tier": rng.choice(["contact", "friendship", "partnership"], n),
        "distance_km": rng.uniform(100, 9000, n), "population_a": rng.uniform(1e4, 1e6, n),
        "population_b": np.where(rng.random(n) < 0.3, np.nan, rng.uniform(1e4, 1e6, n)),
        "iso_b": iso, "continent_b": [continent[i] for i in iso],
        "established": pd.array(rng.integers(1950, 2015, n), dtype="Int64"),
        "city_a": rng.choice(["DE-1", "DE-2", ""], n), "city_b": "", "name_a": "Town", "name_b": [f"P{i}" for i in range(n)],
        "country_b": "X"})


def test_decades_group_the_years():
    got = depth.decade(pd.Series([1913, 1959, 1960, 1999, 2000, 2014, None]))
    assert got.tolist()[:6] == ["before 1960", "before 1960", "1960s", "1990s", "2000-2014", "2000-2014"]
    assert pd.isna(got.iloc[6])


def test_design_has_one_column_per_term_and_names_unresolved_sides():
    rows = german(200)
    design, terms = depth.depth_design(rows)
    assert {"log_distance", "neighbouring_country", "decade_1960s", "continent_asia", "continent_americas"} <= set(terms)
    assert (design["neighbouring_country"] == rows["iso_b"].isin(["FR", "PL"]).astype(float)).all()
    assert design["city_a"].str.len().gt(0).all() and design["city_b"].str.startswith("X:").all()


def test_the_model_without_population_keeps_the_rows_without_it():
    with_pop, _ = depth.partnership_depth(german(300, 1))
    without, _ = depth.partnership_depth(german(300, 1), with_population=False)
    assert without.numbers["n_obs"] == 300 > with_pop.numbers["n_obs"]
    assert "log_population_partner" not in set(without.table["term"])


def test_establishments_by_decade_counts_rows():
    table = depth.establishments_by_decade(german())
    assert table.drop(columns="decade").to_numpy().sum() == 60
