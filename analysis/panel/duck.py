"""Where the panel's SQL reads from and runs in duckdb: event files (CSV or Parquet, read in place),
the in-memory connection, the views the SQL of :mod:`analysis.panel.sql` names, and the run."""

from __future__ import annotations

import glob as _glob
import os
from pathlib import Path
from typing import Sequence

import pandas as pd

from analysis.panel.sql import EVENT_COLUMNS, YEAR_RANGE_SQL


# --------------------------------------------------------------------------- sources

def expand_files(paths: str | os.PathLike | Sequence[str | os.PathLike]) -> list[str]:
    """Sorted list of files from a path, a glob or a list of either; error if none exist."""
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files: list[str] = []
    for item in items:
        text = str(item)
        if "://" in text:  # remote storage (s3a://, hdfs://): left to the engine to list
            files.append(text)
            continue
        matches = sorted(_glob.glob(text)) if any(ch in text for ch in "*?[") else [text]
        files.extend(m for m in matches if Path(m).is_file())
    if not files:
        raise FileNotFoundError(f"no event files found at {paths!r}")
    return files


def file_format(files: Sequence[str]) -> str:
    suffixes = {Path(f).suffix.lower() for f in files}
    if suffixes <= {".parquet", ".pq"}:
        return "parquet"
    if suffixes <= {".csv"}:
        return "csv"
    raise ValueError(f"event files must be all Parquet or all CSV, got suffixes {sorted(suffixes)}")


# --------------------------------------------------------------------------- duckdb

def duckdb_connection(threads: int | None = None, memory_limit: str | None = None):
    """An in-memory duckdb connection sized for this machine (spills to a temp dir)."""
    import duckdb
    import tempfile

    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads or os.cpu_count() or 1)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    # insertion order is irrelevant (the query sorts); dropping it lets big scans stream
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/duckdb_spill'")
    return con


def _duckdb_file_view(con, files: list[str]) -> None:
    fmt = file_format(files)
    listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    if fmt == "parquet":
        source = f"read_parquet({listing}, union_by_name = true)"
    else:
        source = f"read_csv({listing}, header = true, all_varchar = true, union_by_name = true)"
    columns = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    if "year" in columns:
        year = "year"
    elif "date" in columns:
        year = "CAST(SUBSTR(CAST(date AS STRING), 1, 4) AS INT)"
    else:
        raise ValueError(f"event files {files[:3]}...: need a 'year' or a 'date' column")
    missing = [c for c in EVENT_COLUMNS if c not in columns and c != "year"]
    if missing:
        raise ValueError(f"event files {files[:3]}...: missing column(s) {', '.join(missing)}")
    count = "CAST(NULLIF(CAST(count AS STRING), '') AS BIGINT)" if fmt == "csv" else "count"
    # plain column references where possible, so the SQL's filters reach the Parquet reader
    con.execute(
        f"""CREATE OR REPLACE VIEW ev_src AS SELECT {year} AS year, origin, destination, kind,
        leader_rank, {count} AS count, relationship_id FROM {source}"""
    )


def register_events_duckdb(con, events: pd.DataFrame | list[str]) -> None:
    """Events as the view ``ev_src``: a DataFrame, or Parquet/CSV files read in place."""
    if isinstance(events, pd.DataFrame):
        con.register("ev_src", events)
    else:
        _duckdb_file_view(con, events)


def register_tables_duckdb(con, rel: pd.DataFrame, units: pd.DataFrame, cty: pd.DataFrame, years: pd.DataFrame,
                           obs: pd.DataFrame) -> None:
    con.register("rel", rel)
    con.register("units", units)
    con.register("cty", cty)
    con.register("yrs", years)
    con.register("obs", obs)


def run_duckdb(con, sql: str) -> pd.DataFrame:
    # via Arrow: about twice as fast as .df() for the panel's string columns
    return con.sql(sql).to_arrow_table().to_pandas()


def year_range_duckdb(con) -> tuple[int | None, int | None]:
    lo, hi = con.execute(YEAR_RANGE_SQL).fetchall()[0]
    return (None if lo is None else int(lo), None if hi is None else int(hi))
