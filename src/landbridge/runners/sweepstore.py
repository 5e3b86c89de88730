"""Record the points of a sweep in the results store (DuckDB), each as one run.

When a point has all its replications, its summary is written as a run directory
``<sweep>/runs/p000/`` (the layout of :func:`landbridge.store.write_run_dir`: manifest,
scenario, KPI tables with CIs) and recorded with
:meth:`landbridge.store.ResultsStore.record`, so ``landbridge runs ...`` lists, compares
and exports sweep points like any simulation. Sweeps keep no event logs (only KPIs
travel back from the workers), so ``events.parquet`` of a point is empty (the event-log
schema, no rows). Recording is idempotent: a point recorded before keeps its run id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from landbridge.analysis.kpis import Kpis, summarize
from landbridge.runners.replications import build_manifest
from landbridge.runners.sweepdir import finished_replications, read_rep
from landbridge.scenario.compile import CompiledScenario
from landbridge.simulation.eventlog import SCHEMA

__all__ = ["point_run_dir", "record_point"]


@dataclass(frozen=True)
class _PointRun:
    """What :func:`~landbridge.store.write_run_dir` reads of a run."""

    compiled: CompiledScenario
    summary: Kpis
    manifest: dict

    def events(self) -> pa.Table:
        return SCHEMA.empty_table()


def point_run_dir(out: Path, point: int) -> Path:
    return Path(out) / "runs" / f"p{point:03d}"


def record_point(plan, out: str | Path, point: int, store: str | Path | None = None
                 ) -> str | None:
    """Write point ``point``'s run directory (once) and record it in ``store``.

    Returns
    -------
    str or None
        The run id, or ``None`` while the point still misses replications.

    Raises
    ------
    StoreError
        The store is locked past its timeout, damaged or of another format.
    """
    from landbridge.store import ResultsStore, write_run_dir

    out = Path(out)
    reps = sorted(r for (p, r) in finished_replications(out)
                  if p == point and r < plan.replications)
    if len(reps) < plan.replications:
        return None
    pt = plan.points[point]
    target = point_run_dir(out, point)
    if not (target / "manifest.json").exists():
        per = [read_rep(out, point, r)["kpis"] for r in reps]
        manifest = build_manifest(pt.compiled, plan.replications)
        manifest.update(seed_scheme=f"numpy.random.SeedSequence(seed, spawn_key=({point}, "
                                    "replication))",
                        sweep_name=plan.sweep.name, sweep_point=point, sweep_params=pt.params,
                        sweep_dir=str(out), events="not kept in sweeps",
                        # recorded under the sweep point's name, so that the base
                        # scenario's name keeps meaning the plain scenario in the store
                        scenario_name=f"{plan.sweep.name}.p{point:03d}",
                        base_scenario=pt.compiled.scenario.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_run_dir(_PointRun(pt.compiled, summarize(per), manifest), target, overwrite=True)
    return ResultsStore(store).record(target)
