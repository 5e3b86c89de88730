"""Run replications of a compiled scenario.

A replication is fully determined by the scenario and its seed: replication ``r`` of a
scenario with ``seed`` uses ``numpy.random.SeedSequence(seed, spawn_key=(r,))`` (the
``r``-th child of the root sequence), whichever worker runs it and in whatever order.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from landbridge.scenario.compile import CompiledScenario
from landbridge.simulation.accounting import EndState
from landbridge.simulation.corridor import CorridorModel
from landbridge.simulation.road import RoadDay

__all__ = ["ReplicationResult", "simulate_replication", "replication_seed"]


@dataclass(frozen=True)
class ReplicationResult:
    """What one replication produced: the event log (pyarrow Table, see
    :mod:`landbridge.simulation.eventlog`), the road posts' daily records, the TEU
    accounting at the end (conservation already checked) and the seed used. ``events``
    is None in a run that did not keep its logs in memory
    (:func:`landbridge.runners.run_replications` ``keep_events=False``)."""

    replication: int
    seed: int
    spawn_key: tuple[int, ...]
    events: pa.Table | None
    road_days: tuple[RoadDay, ...]
    end: EndState
    n_events: int


def replication_seed(seed: int, *key: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``key`` (e.g. ``(r,)`` or ``(point, r)``)."""
    return np.random.SeedSequence(seed, spawn_key=tuple(key))


def simulate_replication(compiled: CompiledScenario, replication: int = 0,
                         spawn_key: tuple[int, ...] | None = None,
                         on_progress=None) -> ReplicationResult:
    """Simulate one replication of ``compiled`` and check TEU conservation.

    Parameters
    ----------
    compiled : CompiledScenario
    replication : int
        Index recorded in the event log.
    spawn_key : tuple of int, optional
        Seed spawn key; default ``(replication,)``.
    on_progress : callable, optional
        Called with the fraction of simulated time done (0–1), 50 times.

    Raises
    ------
    InvariantError
        If TEU are not conserved at the end of the run (dispatched = delivered + in
        transit + waiting + held + in re-formation buffers + unshipped at the origin).
    """
    key = spawn_key if spawn_key is not None else (replication,)
    # Python's cyclic garbage collector is paused while the model runs: its passes over
    # the growing event log and SimPy's events (~0.15-0.3 s CPU of a default year) free
    # almost nothing; the model's cycles are collected once it has ended
    collecting = gc.isenabled()
    gc.disable()
    try:
        model = CorridorModel(compiled, replication,
                              replication_seed(compiled.scenario.seed, *key))
        model.run(on_progress)
    finally:
        if collecting:
            gc.enable()
    end = model.end_state()
    events = model.log.to_table()
    return ReplicationResult(replication=replication, seed=compiled.scenario.seed,
                             spawn_key=tuple(key), events=events,
                             road_days=tuple(model.road_days), end=end,
                             n_events=events.num_rows)
