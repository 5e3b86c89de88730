"""Results: run directories (Parquet, JSON, CSV) and the DuckDB results store."""

from landbridge.store.rundir import default_run_dir, kpis_to_json, read_kpis_json, write_run_dir

__all__ = ["default_run_dir", "kpis_to_json", "read_kpis_json", "write_run_dir"]
