"""Writing a simulated raw-data folder: cities.csv, relationships.csv, the events (one CSV
per year, or one streamed Parquet file), SOURCES.yaml and truth.json."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.contract import CITY_COLUMNS, EVENT_COLUMNS, RELATIONSHIP_COLUMNS
from analysis.io import atomic_path, write_csv, write_json, write_text
from analysis.sim.dataset import SimulatedData, planted_truth
from analysis.sim.events import iter_event_blocks
from analysis.sim.network import simulate_network
from analysis.sim.settings import DEFAULT_EFFECTS, DEFAULT_RATES, LAST_YEAR, merge_settings
from analysis.sim.windows import covers_yaml

SOURCES_YAML = """simulated:
  title: Simulated data with planted effects (analysis.sim.simulate)
  publisher: analysis.sim.simulate
  date: '{date}'
  licence: CC0-1.0
  note: 'generated with seed {seed}; true coefficients in truth.json'
"""


def write_dataset(sim: SimulatedData, out_dir: str | Path, fmt: str = "csv") -> Path:
    """Write cities.csv, relationships.csv, events (events/YYYY.csv, or one events.parquet),
    SOURCES.yaml and truth.json under ``out_dir``."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    out = Path(out_dir)
    write_tables(sim.cities, sim.relationships, sim.truth, out)
    if sim.windows is not None:  # the source says what it watched
        text = SOURCES_YAML.format(date=sim.truth["last_year"], seed=sim.truth["seed"]) + covers_yaml(sim.windows)
        write_text(out / "SOURCES.yaml", text)
    if fmt == "csv":
        for year, frame in sim.events.groupby("year", sort=True):
            write_csv(out / "events" / f"{year}.csv", frame[EVENT_COLUMNS])
    else:
        write_parquet_blocks([sim.events], out / "events.parquet")
    return out


def write_simulated(n_relationships: int, n_years: int, seed: int, out_dir: str | Path,
                    effects: dict[str, float] | None = None, last_year: int = LAST_YEAR,
                    rates: dict[str, float] | None = None) -> Path:
    """Stream a large simulated dataset to ``out_dir/events.parquet`` block by block
    (never the whole event log in memory); same seed, same rows as ``simulate_dataset``
    (event ids are per block here)."""
    effects = merge_settings(DEFAULT_EFFECTS, effects, "effects")
    rates = merge_settings(DEFAULT_RATES, rates, "rates")
    cities, relationships = simulate_network(n_relationships, n_years, seed, last_year, rates)
    out = Path(out_dir)
    blocks = iter_event_blocks(cities, relationships, n_years, seed, effects, rates, last_year)
    write_parquet_blocks((b.drop(columns="_sort") for b in blocks), out / "events.parquet", add_ids=True)
    rel = relationships.drop(columns="_has_status").assign(status="", status_as_of=pd.NA)[RELATIONSHIP_COLUMNS]
    write_tables(cities[CITY_COLUMNS], rel, planted_truth(n_relationships, n_years, seed, effects, rates, last_year), out)
    return out


def write_tables(cities: pd.DataFrame, relationships: pd.DataFrame, truth: dict, out: Path) -> None:
    """Everything but the events: cities.csv, relationships.csv, SOURCES.yaml, truth.json."""
    write_csv(out / "cities.csv", cities[CITY_COLUMNS])
    write_csv(out / "relationships.csv", relationships[RELATIONSHIP_COLUMNS])
    write_text(out / "SOURCES.yaml", SOURCES_YAML.format(date=truth["last_year"], seed=truth["seed"]))
    write_json(out / "truth.json", truth)


def write_parquet_blocks(blocks, target: Path, add_ids: bool = False) -> None:
    """Event blocks appended to one Parquet file (``add_ids``: number the events across blocks)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    next_id = 1
    with atomic_path(target, suffix=".parquet") as tmp:
        try:
            for block in blocks:
                if add_ids:
                    block = block.copy()
                    block.insert(0, "event_id", [f"SIM-E{i:09d}" for i in range(next_id, next_id + len(block))])
                    next_id += len(block)
                table = pa.Table.from_pandas(block[["year", *EVENT_COLUMNS]], preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()
