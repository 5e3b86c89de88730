"""The public names of the store and report packages are the intended ones."""

import landbridge.report as report
import landbridge.store as store


def test_store_exports():
    assert sorted(store.__all__) == sorted([
        "DEFAULT_STORE", "KPI_TABLES", "ResultsStore", "check_output_dir", "compare_kpis",
        "default_run_dir",
        "kpis_to_json", "network_snapshot", "read_kpis_json", "welch_ci95", "write_run_dir"])
    assert str(store.DEFAULT_STORE) == "runs/landbridge.duckdb"


def test_report_exports():
    # the run report's names (other report modules, e.g. sweeps, may add theirs)
    assert set(report.__all__) >= set([
        "RunData", "build_report", "crossing_waits", "link_utilization", "load_run",
        "transit_times", "write_report"])
