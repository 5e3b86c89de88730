"""Benchmark: results store and report on the bundled `default` scenario (one year).

Run on demand (not part of the tests):  .venv/bin/python benchmarks/bench_store.py

Measures: recording one run directory into a DuckDB store (one transaction), reading
its KPI tables back, a query over the events view, comparing two runs, and writing the
self-contained HTML report (with a baseline). Prints one JSON line per case.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path


def _timed(label, fn, **extra):
    t0 = time.perf_counter()
    value = fn()
    print(json.dumps({"case": label, "wall_s": round(time.perf_counter() - t0, 3), **extra}))
    return value


def main() -> None:
    from landbridge.runners import run_replications
    from landbridge.scenario import compile_scenario, load_scenario
    from landbridge.store import ResultsStore, write_run_dir
    from landbridge.report import write_report

    sc, path = load_scenario("default")
    compiled = compile_scenario(sc, file=path)
    run = run_replications(compiled, 1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        a = write_run_dir(run, tmp / "a")
        b = write_run_dir(run, tmp / "b")
        store = ResultsStore(tmp / "s.duckdb")
        ra = _timed("record run dir (365 days, 1 replication)", lambda: store.record(a))
        rb = store.record(b)
        _timed("read all KPI tables", lambda: store.kpis(ra))
        n = _timed("count events via the events view",
                   lambda: store.query("SELECT count(*) AS n FROM events").n.iloc[0])
        print(json.dumps({"case": "events in the view", "rows": int(n)}))
        _timed("compare two runs", lambda: store.compare(ra, rb))
        out = _timed("write report.html with baseline",
                     lambda: write_report(a, tmp / "r.html", baseline_dir=b))
        print(json.dumps({"case": "report size", "bytes": out.stat().st_size,
                          "store_bytes": (tmp / "s.duckdb").stat().st_size}))


if __name__ == "__main__":
    main()
