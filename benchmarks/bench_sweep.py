"""Benchmark: sweep replications per second serially, on a 2-process pool and on a
Dask LocalCluster of 2 single-threaded worker processes.

Workload: the bundled ``dostyk-tracks`` sweep (bundled default scenario, the full
corridor) shortened to ``--days`` simulated days and ``--reps`` replications per point
(4 points). The same sweep runs on each executor into a fresh directory; the per-point
summaries must be byte-identical. Replications per second are counted from the first
submission to the last replication saved (``run``), and for the whole call including
the summary (``total``).

    .venv/bin/python benchmarks/bench_sweep.py [--days 45] [--reps 4] [--workers 2]
                                               [--repeat 3] [--json]

On a shared machine the other load (``load_avg_1min`` in the output) dominates the
numbers: use ``--repeat`` and read the best run of each executor.

Run on demand (not part of the test suite).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from landbridge.runners import load_sweep, open_executor, plan_sweep, run_sweep


def _plan(days: float, reps: int):
    sweep, path = load_sweep("dostyk-tracks")
    data = sweep.model_dump(mode="json", by_alias=True)
    data["replications"] = reps
    data["set"] = {**data["set"], "horizon_days": days}
    from landbridge.runners import parse_sweep

    return plan_sweep(parse_sweep(data, str(path)), str(path))


def _one(plan, label: str, workers: int, scheduler: str | None, root: Path) -> dict:
    out = root / label
    n = len(plan.tasks())
    with open_executor(workers, scheduler) as info:
        if info.kind == "dask":  # warm the workers (imports) outside the timing
            list(cf.as_completed([info.executor.submit(sum, [1, 2]) for _ in range(info.slots)]))
        marks: list[float] = []
        t0, c0 = time.perf_counter(), time.process_time()
        run_sweep(plan, out, info.executor, slots=info.slots, write_report=False,
                  on_done=lambda p, r, ok: marks.append(time.perf_counter()))
        t1, c1 = time.perf_counter(), time.process_time()
    run_s, total_s = marks[-1] - t0, t1 - t0
    summary = (out / "summary.json").read_bytes()
    shutil.rmtree(out)
    return {"executor": label, "kind": info.kind, "replications": n,
            "run_s": round(run_s, 2), "total_s": round(total_s, 2),
            "parent_cpu_s": round(c1 - c0, 2), "load_avg_1min": round(os.getloadavg()[0], 2),
            "reps_per_s": round(n / run_s, 3), "reps_per_s_total": round(n / total_s, 3),
            "summary": summary}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=45.0, help="simulated days per replication")
    ap.add_argument("--reps", type=int, default=4, help="replications per point (4 points)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1,
                    help="run each executor this many times, interleaved; report the best")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    plan = _plan(args.days, args.reps)
    root = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    modes = [("serial", 1, None), (f"process-pool-{args.workers}", args.workers, None),
             (f"dask-localcluster-{args.workers}", args.workers, "local")]
    runs: dict[str, list[dict]] = {m[0]: [] for m in modes}
    try:
        for i in range(args.repeat):
            for label, w, sched in modes:
                runs[label].append(_one(plan, label, w, sched, root / str(i)))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    same = len({r["summary"] for rs in runs.values() for r in rs}) == 1
    rows = []
    for label, rs in runs.items():
        best = dict(max(rs, key=lambda r: r["reps_per_s"]))
        best.pop("summary")
        best["all_reps_per_s"] = [r["reps_per_s"] for r in rs]
        rows.append(best)
    base = rows[0]["reps_per_s"]
    for r in rows:
        r["speedup"] = round(r["reps_per_s"] / base, 2)
    result = {"machine": f"{platform.machine()} {platform.python_version()}",
              "days": args.days, "points": len(plan.points), "reps_per_point": args.reps,
              "identical_summaries": same, "results": rows}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"dostyk-tracks, {args.days:g} days, {len(plan.points)} points × {args.reps} reps; "
          f"identical summaries: {same}")
    for r in rows:
        print(f"  {r['executor']:<22} {r['reps_per_s']:6.2f} reps/s (run {r['run_s']:.1f} s, "
              f"total {r['total_s']:.1f} s, parent CPU {r['parent_cpu_s']:.1f} s, "
              f"load {r['load_avg_1min']:.1f})  speed-up {r['speedup']:.2f}×  "
              f"all: {r['all_reps_per_s']}")


if __name__ == "__main__":
    main()
