"""Benchmark: `plan` on the bundled default scenario, k = 5, one core, no simulation.

Run: .venv/bin/python benchmarks/bench_plan.py [--repeat 5] [--k 5]
Target (issue 5): under 1 s per plan on one core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--scenario", default=None)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from landbridge.planning import plan, planning_context
    from landbridge.scenario import compile_scenario, load_scenario

    sc, path = load_scenario(args.scenario)
    compiled = compile_scenario(sc, file=path)
    plan(compiled, args.k)  # warm caches (mode factors, imports)
    runs, ctx_t, lp_t = [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = plan(compiled, args.k)
        runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ctx = planning_context(compiled, args.k)
        ctx_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ctx.solve()
        lp_t.append(time.perf_counter() - t0)
    a = res.assignment
    print(f"scenario {sc.name}: {len(a.commodities)} commodities, {len(a.paths)} paths, "
          f"{len(a.rows)} capacity rows, {len(res.investments)} investments, "
          f"{len(res.disruptions)} disruptions")
    print(f"plan (k={args.k}, no simulation): median {statistics.median(runs):.3f} s, "
          f"min {min(runs):.3f} s over {args.repeat} runs")
    print(f"  routes + sea legs: median {statistics.median(ctx_t):.3f} s; "
          f"one LP build + HiGHS solve: median {statistics.median(lp_t):.3f} s")


if __name__ == "__main__":
    main()
