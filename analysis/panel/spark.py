"""The panel's SQL on Spark: the session, the views registered under the names the SQL reads, and the run."""

from __future__ import annotations

import os

import pandas as pd

from analysis.panel.duck import file_format
from analysis.panel.sql import YEAR_RANGE_SQL

SPARK_SCHEMAS = {
    "rel": "rel_no INT, relationship_id STRING, city_a STRING, city_b STRING, kind STRING, established INT, "
    "last_year INT, pair_lo STRING, pair_hi STRING, log_distance DOUBLE, international DOUBLE, unit_no INT",
    "units": "unit_no INT, relationship_id STRING, pair_id STRING, relationship_ids STRING, city_a STRING, "
    "city_b STRING, kind STRING, established INT, log_distance DOUBLE, international DOUBLE",
    "cty": "city_id STRING, prefecture_id STRING",
    "yrs": "year INT",
    "obs": "relationship_id STRING, year INT",
    "ev_src": "year INT, origin STRING, destination STRING, kind STRING, leader_rank STRING, "
    "count BIGINT, relationship_id STRING",
}


def spark_session(master: str | None = None):
    """A Spark session (pyspark is an optional extra: ``pip install -r requirements-spark.lock``).

    ``master`` defaults to ``$ANALYSIS_SPARK_MASTER`` or ``local[2]``; point it at a cluster
    (``spark://host:7077``, ``yarn``) to run the same SQL there, or pass your own session
    as ``build_panel(..., engine="spark", spark=session)``.
    """
    from pyspark.sql import SparkSession

    master = master or os.environ.get("ANALYSIS_SPARK_MASTER", "local[2]")
    return (
        SparkSession.builder.master(master)
        .appName("analysis-panel")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def _plain_rows(df: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """Rows of Python scalars with None for missing: independent of pandas/pyarrow versions."""
    out = df[columns].astype(object).where(df[columns].notna(), None)
    return [tuple(None if v is None else (v.item() if hasattr(v, "item") else v) for v in row)
            for row in out.itertuples(index=False, name=None)]


def _spark_frame(spark, frame: pd.DataFrame, name: str):
    schema = SPARK_SCHEMAS[name]
    fields = [c.split() for c in schema.split(", ")]
    columns = [f[0] for f in fields]
    # a year column with a missing value arrives as float (2021.0); Spark's INT refuses floats
    integral = [f[1] in ("INT", "BIGINT") for f in fields]
    rows = [tuple(int(v) if wants_int and isinstance(v, float) and v.is_integer() else v
                  for v, wants_int in zip(row, integral))
            for row in _plain_rows(frame, columns)]
    return spark.createDataFrame(rows, schema=schema)


def register_events_spark(spark, events: pd.DataFrame | list[str]) -> None:
    """Events as the temporary view ``ev_src``: a DataFrame, or Parquet/CSV files read by Spark."""
    if isinstance(events, pd.DataFrame):
        _spark_frame(spark, events, "ev_src").createOrReplaceTempView("ev_src")
        return
    fmt = file_format(events)
    reader = spark.read.parquet(*events) if fmt == "parquet" else spark.read.option("header", True).csv(events)
    reader.createOrReplaceTempView("ev_src_raw")
    year = "CAST(year AS INT)" if "year" in reader.columns else "CAST(SUBSTR(CAST(date AS STRING), 1, 4) AS INT)"
    spark.sql(
        f"""CREATE OR REPLACE TEMPORARY VIEW ev_src AS SELECT {year} AS year, origin, destination,
        kind, leader_rank, CAST(NULLIF(CAST(count AS STRING), '') AS BIGINT) AS count,
        NULLIF(CAST(relationship_id AS STRING), '') AS relationship_id FROM ev_src_raw"""
    )


def register_tables_spark(spark, rel: pd.DataFrame, units: pd.DataFrame, cty: pd.DataFrame, years: pd.DataFrame,
                          obs: pd.DataFrame) -> None:
    for name, frame in {"rel": rel, "units": units, "cty": cty, "yrs": years, "obs": obs}.items():
        _spark_frame(spark, frame, name).createOrReplaceTempView(name)


def year_range_spark(spark) -> tuple[int | None, int | None]:
    row = spark.sql(YEAR_RANGE_SQL).collect()[0]
    return (None if row["lo"] is None else int(row["lo"]), None if row["hi"] is None else int(row["hi"]))


def run_spark(spark, sql: str) -> pd.DataFrame:
    result = spark.sql(sql)
    rows = [r.asDict() for r in result.collect()]
    return pd.DataFrame(rows, columns=result.columns)
