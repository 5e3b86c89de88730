"""Benchmark: one simulated year of the bundled `default` scenario, and the same M/M/c
queue in landbridge, bare SimPy and ciw.

Run on demand (not part of the tests):  .venv/bin/python benchmarks/bench_simulate.py

Targets (issue 3): one year of `default` in <= 2 s and <= 300 MB on one core; issue 9:
no slower per simulated train than before the component rebuild (1.86 s for 7,210 trains,
0.26 ms/train; `ms_per_train`).
Peak memory is measured in a fresh child process (ru_maxrss), so each figure is the
whole process: interpreter, libraries and model.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import sys
import time

LAMBDA_PER_H, MU_PER_H, TEAMS, HORIZON_H = 1.5, 1.0, 2, 24 * 400


def _default_year(q):
    import pandas  # noqa: F401 - imported up front: pyarrow loads it on first use (~1 s)
    import pyarrow  # noqa: F401

    from landbridge.scenario import compile_scenario, load_scenario
    from landbridge.simulation import simulate_replication
    from landbridge.simulation.corridor import CorridorModel
    from landbridge.simulation.run import replication_seed

    sc, path = load_scenario("default")
    compiled = compile_scenario(sc, file=path)
    t0 = time.perf_counter()
    model = CorridorModel(compiled, 0, replication_seed(sc.seed, 0))
    model.run()
    t_run = time.perf_counter() - t0
    r = simulate_replication(compiled)  # the same again, with the end check and the table
    wall = time.perf_counter() - t0 - t_run
    q.put({"case": "landbridge default, 365 days", "model_run_s": t_run,
           "replication_with_event_table_s": wall, "events": r.n_events,
           "events_per_s": r.n_events / t_run, "trains": r.end.trains_dispatched,
           "ms_per_train": 1000 * t_run / max(r.end.trains_dispatched, 1),
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def _mmc_landbridge(q):
    import tempfile
    from pathlib import Path

    sys.path.insert(0, "tests")
    sys.path.insert(0, "tests/simulation")
    from mini import one_crossing_network, run

    net = one_crossing_network(Path(tempfile.mkdtemp()) / "n", inspection_teams=TEAMS,
                               clearance_h={"kind": "exponential", "mean": 1 / MU_PER_H})
    t0 = time.perf_counter()
    r, _ = run(net, horizon_days=HORIZON_H / 24, seed=3, services=[
        {"id": "S", "origin": "A", "destination": "C", "departures_per_week": LAMBDA_PER_H * 168,
         "arrival_process": "poisson", "teu_per_train": 2}])
    wall = time.perf_counter() - t0
    ev = r.events.to_pandas()
    p = ev[ev.crossing == "B-C"].pivot_table(index="train", columns="event", values="time_h",
                                             aggfunc="first")
    q.put({"case": "M/M/2 in landbridge", "wall_s": wall, "customers": int(len(p)),
           "mean_wait_h": float((p.clearance_start - p.arrive).mean()),
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def _mmc_simpy(q):
    import numpy as np
    import simpy

    rng = np.random.default_rng(3)
    env = simpy.Environment()
    teams = simpy.Resource(env, TEAMS)
    waits = []

    def customer():
        t = env.now
        with teams.request() as req:
            yield req
            waits.append(env.now - t)
            yield env.timeout(rng.exponential(1 / MU_PER_H))

    def source():
        while True:
            yield env.timeout(rng.exponential(1 / LAMBDA_PER_H))
            env.process(customer())

    env.process(source())
    t0 = time.perf_counter()
    env.run(until=HORIZON_H)
    wall = time.perf_counter() - t0
    q.put({"case": "M/M/2 in bare SimPy", "wall_s": wall, "customers": len(waits),
           "mean_wait_h": float(np.mean(waits)),
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def _mmc_ciw(q):
    import ciw

    N = ciw.create_network(arrival_distributions=[ciw.dists.Exponential(LAMBDA_PER_H)],
                           service_distributions=[ciw.dists.Exponential(MU_PER_H)],
                           number_of_servers=[TEAMS])
    ciw.seed(3)
    sim = ciw.Simulation(N)
    t0 = time.perf_counter()
    sim.simulate_until_max_time(HORIZON_H)
    wall = time.perf_counter() - t0
    recs = sim.get_all_records()
    q.put({"case": "M/M/2 in ciw", "wall_s": wall, "customers": len(recs),
           "mean_wait_h": sum(r.waiting_time for r in recs) / len(recs),
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def main() -> None:
    ctx = mp.get_context("spawn")
    results = []
    for fn in (_default_year, _mmc_landbridge, _mmc_simpy, _mmc_ciw):
        q = ctx.Queue()
        p = ctx.Process(target=fn, args=(q,))
        p.start()
        results.append(q.get())
        p.join()
    from math import factorial

    a = LAMBDA_PER_H / MU_PER_H
    rho = a / TEAMS
    p0 = 1 / (sum(a**n / factorial(n) for n in range(TEAMS)) + a**TEAMS / (factorial(TEAMS) * (1 - rho)))
    wq = a**TEAMS / (factorial(TEAMS) * (1 - rho)) * p0 / (TEAMS * MU_PER_H - LAMBDA_PER_H)
    for r in results:
        print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()}))
    print(json.dumps({"case": "M/M/2 Erlang C", "mean_wait_h": round(wq, 4)}))


if __name__ == "__main__":
    main()
