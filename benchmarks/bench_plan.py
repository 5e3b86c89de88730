"""Benchmark: `landbridge plan --no-sim`, as whole processes and by phase.

Run: .venv/bin/python benchmarks/bench_plan.py [--scenario pandemic-2021] [--repeat 5]

Prints (issue 13, target: whole process <= 1.5 s):

* the whole process ``landbridge plan SCENARIO --no-sim``, median of ``--repeat`` runs,
  wall time and CPU time (user + system, from ``resource.getrusage`` of the children:
  on a shared machine the CPU time is the steadier figure), with the route cache cold
  (``LANDBRIDGE_NO_CACHE=1``) and warm (a private cache directory, filled by one run
  first);
* in one process, the phases: imports, load + compile, candidate routes, one LP,
  investments, disruptions (fluid model and LP re-solves), medians.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LANDBRIDGE = str(Path(sys.executable).with_name("landbridge"))


def _process(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall s, CPU s) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def whole_process(scenario: str, repeat: int) -> None:
    cmd = [LANDBRIDGE, "plan", scenario, "--no-sim"]
    with tempfile.TemporaryDirectory() as cache:
        for label, extra in (("cold route cache", {"LANDBRIDGE_NO_CACHE": "1"}),
                             ("warm route cache", {"XDG_CACHE_HOME": cache})):
            env = {**os.environ, **extra}
            if "XDG_CACHE_HOME" in extra:
                _process(cmd, env)  # fill the cache
            runs = [_process(cmd, env) for _ in range(repeat)]
            print(f"landbridge plan {scenario} --no-sim, {label}: wall median "
                  f"{statistics.median(r[0] for r in runs):.2f} s (min "
                  f"{min(r[0] for r in runs):.2f}), CPU median "
                  f"{statistics.median(r[1] for r in runs):.2f} s over {repeat} runs "
                  f"(target <= 1.5 s)")


def phases(scenario: str, repeat: int, k: int) -> None:
    t0 = time.perf_counter()
    from landbridge.planning import planning_context
    from landbridge.planning.disruptions import cost_disruptions
    from landbridge.planning.investments import rank_investments
    from landbridge.scenario import compile_scenario, load_scenario

    t_import = time.perf_counter() - t0
    names = ("load + compile", "routes + sea legs", "LP", "investments", "disruptions")
    times: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(repeat):
        t = time.perf_counter()
        sc, path = load_scenario(scenario)
        compiled = compile_scenario(sc, file=path)
        times["load + compile"].append(time.perf_counter() - t)
        t = time.perf_counter()
        ctx = planning_context(compiled, k)
        times["routes + sea legs"].append(time.perf_counter() - t)
        t = time.perf_counter()
        base = ctx.solve()
        times["LP"].append(time.perf_counter() - t)
        t = time.perf_counter()
        rank_investments(ctx, base)
        times["investments"].append(time.perf_counter() - t)
        t = time.perf_counter()
        cost_disruptions(ctx, base)
        times["disruptions"].append(time.perf_counter() - t)
    a = base
    print(f"scenario {sc.name}: {len(a.commodities)} commodities, {len(a.paths)} paths, "
          f"{len(a.rows)} capacity rows, {len(sc.investments)} investments, "
          f"{len(sc.disruptions)} disruptions")
    print(f"  imports (planning, scenario): {t_import:.2f} s")
    for n in names:
        print(f"  {n}: median {statistics.median(times[n]):.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--scenario", default="pandemic-2021")
    ap.add_argument("--no-process", action="store_true", help="Only the in-process phases.")
    args = ap.parse_args()
    if not args.no_process:
        whole_process(args.scenario, args.repeat)
    phases(args.scenario, args.repeat, args.k)


if __name__ == "__main__":
    main()
