"""Results: run directories (Parquet, JSON, CSV) and the DuckDB results store."""

from landbridge.store.compare import compare_kpis, welch_ci95
from landbridge.store.db import DEFAULT_STORE, KPI_TABLES, ResultsStore
from landbridge.store.rundir import (
    check_output_dir,
    default_run_dir,
    kpis_to_json,
    network_snapshot,
    read_kpis_json,
    write_run_dir,
)

__all__ = ["DEFAULT_STORE", "check_output_dir", "KPI_TABLES", "ResultsStore", "compare_kpis", "default_run_dir",
           "kpis_to_json", "network_snapshot", "read_kpis_json", "welch_ci95", "write_run_dir"]
