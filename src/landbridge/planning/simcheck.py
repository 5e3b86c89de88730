"""Simulation checks of planning results: replications through an Executor.

Each replication is :func:`landbridge.simulation.simulate_replication` (seed from the
scenario seed and the replication index alone), submitted to a
``concurrent.futures.Executor`` (in process by default), reduced on the worker to a
small :class:`RepOutcome`. Variants of a scenario (an investment, a disruption removed)
run on the same seeds, so differences are paired (common random numbers; A. M. Law,
*Simulation Modeling and Analysis*, 5th ed., 2015, §11.2) and their Student-t 95 %
intervals are narrow.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import math
from dataclasses import dataclass
from typing import Sequence

from datetime import timedelta

import numpy as np

from landbridge.scenario.compile import CompiledScenario
from landbridge.simulation.run import simulate_replication

__all__ = ["RepOutcome", "simulate_outcomes", "shorten", "shift_period", "ci95_halfwidth"]


@dataclass(frozen=True)
class RepOutcome:
    """What a planning check needs from one replication: TEU delivered in the
    statistics window ``[warmup, horizon)``, mean transit days of trains dispatched in
    it (None if none arrived), TEU delivered per simulated day (index = day), and per
    road post the TEU queued at the end of each day (both directions)."""

    replication: int
    delivered_teu: float
    transit_mean_d: float | None
    delivered_by_day_teu: tuple[float, ...]
    road_queue_by_day_teu: dict[str, tuple[float, ...]] = dataclasses.field(default_factory=dict)


def _outcome_task(compiled: CompiledScenario, replication: int) -> RepOutcome:
    res = simulate_replication(compiled, replication)
    ev = res.events
    sc = compiled.scenario
    lo, hi = sc.warmup_h, sc.horizon_h
    event = np.asarray(ev.column("event").to_pylist(), dtype=object)
    t = ev.column("time_h").to_numpy()
    teu = ev.column("teu").to_numpy()
    disp = ev.column("dispatch_h").to_numpy()
    dl = event == "deliver"
    in_win = dl & (t >= lo) & (t < hi)
    tt = dl & (disp >= lo)
    n_days = int(math.ceil(hi / 24.0))
    by_day = np.bincount((t[dl] // 24).astype(int), weights=teu[dl], minlength=n_days)[:n_days]
    tpt: dict[tuple[str, str], float] = {}
    for f in sc.road_flows:
        tpt[(f.crossing, f.direction)] = f.teu_per_truck
    road: dict[str, np.ndarray] = {}
    full_days = int(hi // 24.0)  # road posts record whole days only
    for d in res.road_days:
        q = road.setdefault(d.crossing, np.zeros(full_days))
        if d.day < full_days:
            q[d.day] += d.queue_end_trucks * tpt.get((d.crossing, d.direction), 2.0)
    return RepOutcome(replication, float(teu[in_win].sum()),
                      float(((t[tt] - disp[tt]) / 24.0).mean()) if tt.any() else None,
                      tuple(float(x) for x in by_day),
                      {k: tuple(float(x) for x in v) for k, v in road.items()})


def simulate_outcomes(compiled: CompiledScenario, replications: int,
                      executor: cf.Executor | None = None) -> list[RepOutcome]:
    """Run ``replications`` of ``compiled`` (on ``executor`` if given), in index order.

    Raises
    ------
    InvariantError
        If a replication breaks TEU conservation.
    """
    if executor is None:
        return [_outcome_task(compiled, r) for r in range(replications)]
    futures = [executor.submit(_outcome_task, compiled, r) for r in range(replications)]
    return [f.result() for f in futures]


def shorten(compiled: CompiledScenario, days: float | None) -> CompiledScenario:
    """``compiled`` with a horizon of ``days`` (departures after it dropped; the warm-up
    cut to a quarter of the horizon if it would not fit); unchanged if None or longer."""
    if days is None or days >= compiled.scenario.horizon_days:
        return compiled
    sc = compiled.scenario
    warm = sc.warmup_days if sc.warmup_days < days else days / 4.0
    sc2 = sc.model_copy(update={"horizon_days": days, "warmup_days": warm})
    horizon_h = days * 24.0
    services = tuple(dataclasses.replace(p, departures_h=tuple(x for x in p.departures_h
                                                              if x < horizon_h))
                     for p in compiled.services)
    return dataclasses.replace(compiled, scenario=sc2, services=services)


def shift_period(compiled: CompiledScenario, start_day: int, days: float) -> CompiledScenario:
    """``compiled`` simulated from day ``start_day`` (whole days after its start, so
    local times of day and weekdays stay as they were) for ``days`` days: the start
    date moved, departures and disruption windows moved back by ``24 × start_day``
    hours (departures before the new start or after its end dropped), the warm-up cut
    to a quarter of the period if it would not fit.

    Raises
    ------
    ValueError
        When ``start_day`` is negative or ``days`` not positive.
    """
    if start_day < 0 or not days > 0:
        raise ValueError(f"start_day must be ≥ 0 and days > 0, got {start_day}, {days}")
    if start_day == 0:
        return shorten(compiled, days)
    sc = compiled.scenario
    off = 24.0 * start_day
    days = min(days, sc.horizon_days - start_day)
    warm = sc.warmup_days if sc.warmup_days < days else days / 4.0
    sc2 = sc.model_copy(update={"start_date": sc.start_date + timedelta(days=start_day),
                                "horizon_days": days, "warmup_days": warm})
    end = days * 24.0
    services = tuple(dataclasses.replace(p, departures_h=tuple(
        x - off for x in p.departures_h if off <= x < off + end)) for p in compiled.services)
    windows = tuple(dataclasses.replace(w, start_h=w.start_h - off, end_h=w.end_h - off)
                    for w in compiled.windows if w.end_h > off)
    return dataclasses.replace(compiled, scenario=sc2, services=services, windows=windows)


def ci95_halfwidth(values: Sequence[float]) -> float | None:
    """Half-width of the Student-t 95 % interval of the mean (None for < 2 values)."""
    x = np.asarray(list(values), dtype=float)
    if len(x) < 2:
        return None
    from scipy import stats  # only the simulation checks need it

    return float(stats.t.ppf(0.975, len(x) - 1) * np.std(x, ddof=1) / math.sqrt(len(x)))
