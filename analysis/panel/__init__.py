"""The relationship-year panel: one SQL text for duckdb and Spark, a pandas check, summaries."""
