"""Benchmark: whole commands as a user runs them, side by side in one run (issue 13).

Run on demand (not part of the tests):

    .venv/bin/python benchmarks/bench_commands.py [--repeat 5] [--quick]

Every figure is a whole process (interpreter start, imports, work, writing), timed from
outside with ``time.perf_counter`` around ``subprocess.run``; peak memory is the child's
``ru_maxrss`` read with ``os.wait4``. Each case is run ``--repeat`` times and the median
is printed, with the child's CPU time (user + system; steadier than wall time on a
shared machine) and the load average at the start. Children run with bytecode caching
on (in a private ``PYTHONPYCACHEPREFIX``; ``PYTHONDONTWRITEBYTECODE`` dropped) after one
warm-up run, as an installed package runs. The reference for the simulate target is a bare SimPy M/M/3 queue of
200,000 customers run as a whole process on the same machine in the same run, so the
ratio does not depend on how fast or busy the machine is.

Targets (issue 13):

=====================================================  ===========================
what                                                   target
=====================================================  ===========================
``landbridge simulate`` (default, 365 days)            <= 1.5 x bare SimPy M/M/3 200k, <= 300 MB
``landbridge --help``                                  <= 0.3 s
a command-line error (``--out`` exists, not empty)     <= 0.5 s
``landbridge plan --no-sim``                           <= 1.5 s
landbridge M/M/2 crossing (about 14,000 trains)        faster than ciw 3.2.7 on the same queue
replications on 2 workers vs 1                         >= 1.8 x
=====================================================  ===========================
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
LANDBRIDGE = str(BIN / "landbridge")
PY = sys.executable

# The M/M/c queue used for the engine comparison: lambda = 1.5 trains/h, mu = 1/h per
# team, 2 teams, 400 days (about 14,400 trains); Erlang C mean wait 1.2857 h.
LAMBDA_PER_H, MU_PER_H, TEAMS, HORIZON_H = 1.5, 1.0, 2, 24 * 400

_SIMPY_MM3 = r"""
import numpy as np, simpy
rng = np.random.default_rng(3)
env = simpy.Environment()
servers = simpy.Resource(env, 3)
n = [0]
def customer():
    with servers.request() as req:
        yield req
        yield env.timeout(rng.exponential(1.0))
def source():
    for _ in range(200_000):
        yield env.timeout(rng.exponential(1 / 2.5))
        env.process(customer())
env.process(source())
env.run()
"""

_ENGINE = r"""
import json, sys, time, tempfile
from pathlib import Path
LAMBDA_PER_H, MU_PER_H, TEAMS, HORIZON_H = {lam}, {mu}, {teams}, {horizon}
which = sys.argv[1]
if which == "ciw":
    import ciw
    N = ciw.create_network(arrival_distributions=[ciw.dists.Exponential(LAMBDA_PER_H)],
                           service_distributions=[ciw.dists.Exponential(MU_PER_H)],
                           number_of_servers=[TEAMS])
    ciw.seed(3)
    sim = ciw.Simulation(N)
    t0, c0 = time.perf_counter(), time.process_time()
    sim.simulate_until_max_time(HORIZON_H)
    recs = sim.get_all_records()  # its results, as landbridge's event table is timed
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({{"wall_s": wall, "cpu_s": cpu, "customers": len(recs),
                      "mean_wait_h": sum(r.waiting_time for r in recs) / len(recs)}}))
else:
    sys.path[:0] = ["tests", "tests/simulation"]
    from mini import one_crossing_network, scenario
    from landbridge.scenario import compile_scenario
    from landbridge.simulation import simulate_replication
    net = one_crossing_network(Path(tempfile.mkdtemp()) / "n", inspection_teams=TEAMS,
                               clearance_h={{"kind": "exponential", "mean": 1 / MU_PER_H}})
    compiled = compile_scenario(scenario(horizon_days=HORIZON_H / 24, seed=3, services=[
        {{"id": "S", "origin": "A", "destination": "C",
          "departures_per_week": LAMBDA_PER_H * 168, "arrival_process": "poisson",
          "teu_per_train": 2}}]), net)
    t0, c0 = time.perf_counter(), time.process_time()
    r = simulate_replication(compiled)  # the model, then its event table
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({{"wall_s": wall, "cpu_s": cpu, "customers": r.end.trains_dispatched}}))
"""


# The child's environment is a user's: bytecode cached. (Some shells here set
# PYTHONDONTWRITEBYTECODE=1, which makes every process recompile every module it
# imports: +1-3 s per command.) The caches go to a private prefix, not into the tree.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_ENV.update(COLUMNS="160", PYTHONPYCACHEPREFIX=os.environ.get(
    "PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "landbridge-bench-pycache")))
_CPU: list[float] = []  # CPU seconds (user + system) of each child, in run order


def _run_rss(argv: list[str], cwd: Path = ROOT, ok_codes=(0,)) -> tuple[float, float, str]:
    """Run ``argv`` as a whole process; return (wall s, peak RSS MB, stdout).

    The child is reaped with ``os.wait4`` so its own peak RSS is read."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as errf:
        p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=errf, env=_ENV)
        out = p.stdout.read()  # stderr goes to a file, so neither pipe can fill up
        _, status, ru = os.wait4(p.pid, 0)
        errf.seek(0)
        err = errf.read()
    wall = time.perf_counter() - t0
    _CPU.append(ru.ru_utime + ru.ru_stime)
    code = os.waitstatus_to_exitcode(status)
    p.returncode = code
    if code not in ok_codes:
        raise RuntimeError(f"{' '.join(argv)} exited {code}: {err.decode()[-2000:]}")
    return wall, ru.ru_maxrss / 1024, out.decode()


def _median(fn, repeat: int) -> dict:
    walls, rsss, cpus, last = [], [], [], ""
    for _ in range(repeat):
        w, r, last = fn()
        walls.append(w)
        rsss.append(r)
        cpus.append(_CPU[-1])
    return {"wall_s": statistics.median(walls), "min_s": min(walls),
            "cpu_s": statistics.median(cpus), "peak_rss_mb": max(rsss), "runs": repeat,
            "out": last}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs per case (median)")
    ap.add_argument("--quick", action="store_true", help="one run per case")
    ap.add_argument("--scenario", default="default", help="scenario to simulate")
    args = ap.parse_args()
    repeat = 1 if args.quick else args.repeat
    tmp = Path(tempfile.mkdtemp(prefix="lb-bench-"))
    rows: list[dict] = []
    # warm the bytecode caches (a first run compiles every module once)
    _run_rss([LANDBRIDGE, "simulate", args.scenario, "--days", "1", "--out",
              str(tmp / "warm"), "--store", str(tmp / "warm.duckdb")])
    _run_rss([PY, "-c", "import ciw, simpy"])
    print(json.dumps({"load_average": os.getloadavg()}), flush=True)

    def row(what, res, target, ok):
        res = {k: v for k, v in res.items() if k != "out"}
        rows.append({"what": what, **{k: (round(v, 3) if isinstance(v, float) else v)
                                      for k, v in res.items()}, "target": target,
                     "met": ok})
        print(json.dumps(rows[-1]), flush=True)

    # reference: bare SimPy M/M/3 with 200,000 customers, whole process
    simpy_ref = _median(lambda: _run_rss([PY, "-c", _SIMPY_MM3]), repeat)
    row("bare SimPy M/M/3, 200,000 customers (reference)", simpy_ref, "-", None)

    counter = iter(range(10**6))

    def simulate():
        out = tmp / f"sim{next(counter)}"
        return _run_rss([LANDBRIDGE, "simulate", args.scenario, "--out", str(out),
                         "--store", str(tmp / "bench.duckdb")])

    sim = _median(simulate, repeat)
    ratio = sim["wall_s"] / simpy_ref["wall_s"]
    row(f"landbridge simulate {args.scenario} (365 days), whole process",
        {**sim, "x_simpy_ref": ratio}, "<= 1.5 x reference, <= 300 MB",
        ratio <= 1.5 and sim["peak_rss_mb"] <= 300)

    hlp = _median(lambda: _run_rss([LANDBRIDGE, "--help"]), repeat)
    row("landbridge --help", hlp, "<= 0.3 s", hlp["wall_s"] <= 0.3)

    busy = tmp / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("not ours\n")
    err = _median(lambda: _run_rss([LANDBRIDGE, "simulate", "--out", str(busy)],
                                   ok_codes=(1, 2)), repeat)
    row("command-line error (--out exists and is not empty)", err, "<= 0.5 s",
        err["wall_s"] <= 0.5)

    # one run first: a returning user's candidate corridors are in the route cache
    # (~/.cache/landbridge); the first plan of a network searches them first
    _run_rss([LANDBRIDGE, "plan", args.scenario, "--no-sim"])
    plan = _median(lambda: _run_rss([LANDBRIDGE, "plan", args.scenario, "--no-sim"]), repeat)
    row(f"landbridge plan {args.scenario} --no-sim, whole process (route cache warm)", plan,
        "<= 1.5 s",
        plan["wall_s"] <= 1.5)

    code = _ENGINE.format(lam=LAMBDA_PER_H, mu=MU_PER_H, teams=TEAMS, horizon=HORIZON_H)
    engines: dict[str, list] = {"landbridge": [], "ciw": []}
    for _ in range(repeat):  # interleaved
        for which in engines:
            _, _, out = _run_rss([PY, "-c", code, which])
            engines[which].append(json.loads(out.strip().splitlines()[-1]))
    cpu = {w: statistics.median(r["cpu_s"] for r in rs) for w, rs in engines.items()}
    engines = {w: statistics.median(r["wall_s"] for r in rs) for w, rs in engines.items()}
    row("M/M/2 crossing, ~14,400 trains: landbridge vs ciw 3.2.7 (simulation and its "
        "results: event table / records)",
        {"landbridge_s": engines["landbridge"], "ciw_s": engines["ciw"],
         "landbridge_cpu_s": cpu["landbridge"], "ciw_cpu_s": cpu["ciw"]},
        "landbridge faster than ciw", engines["landbridge"] < engines["ciw"])

    reps = {}
    for workers in (1, 2):
        def go(workers=workers):
            out = tmp / f"rep{workers}-{next(counter)}"
            return _run_rss([LANDBRIDGE, "simulate", args.scenario, "-r", "4", "--workers",
                             str(workers), "--out", str(out),
                             "--store", str(tmp / "bench.duckdb")])
        reps[workers] = _median(go, max(1, min(repeat, 3)))["wall_s"]
    speedup = reps[1] / reps[2]
    row(f"4 replications of {args.scenario}: 1 worker vs 2 workers (whole process)",
        {"one_worker_s": reps[1], "two_workers_s": reps[2], "speedup": speedup},
        ">= 1.8 x", speedup >= 1.8)

    print("\n| what | measured | target | met |\n|---|---|---|---|")
    for r in rows:
        meas = ", ".join(f"{k} {v}" for k, v in r.items()
                         if k not in ("what", "target", "met", "runs"))
        met = "" if r["met"] is None else ("yes" if r["met"] else "no")
        print(f"| {r['what']} | {meas} | {r['target']} | {met} |")


if __name__ == "__main__":
    main()
