"""Disruption costing: what a closure or capacity loss costs, from the LP and the
simulation.

For every disruption of the scenario (a closure, a capacity or duration scaling in a
window; a random failure as its long-run availability ``MTBF / (MTBF + MTTR)``):

*Re-route* (LP, per week while it lasts): the LP is solved with the target's capacity
× factor (0 closed; ÷ factor for service times × factor at a crossing; a node closure
closes every link at the node). Reported: TEU/week moved to other routes, TEU/week sent
to sea, extra generalised cost USD/week and over the window.

*Hold* (fluid queue, D. P. Gaver, "Diffusion approximations and models for certain
congestion problems", J. Appl. Prob. 5, 1968; G. F. Newell, *Applications of Queueing
Theory*, 2nd ed., 1982, ch. 2): traffic keeps its routes and queues. With base load
``r`` and capacity ``K`` (TEU/day) of the tightest stage, capacity ``f·K`` during a
window of ``W`` days: backlog ``B = max(0, r − f·K) · W``; it clears at the spare rate
``K − r`` in ``T = B / (K − r)`` days (never if ``r ≥ K``); delay ``B · (W + T) / 2``
TEU-days (the triangle under the queue), costed at the value of time.

The simulation check (optional) runs the scenario with and without the disruption on
the same seeds and reports the delivered-TEU shortfall and the day the cumulative
deliveries of the disrupted run catch up (within one train) after the window.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from landbridge.errors import InfeasiblePlanError
from landbridge.planning.assignment import Adjustments, Assignment
from landbridge.planning.context import PlanningContext
from landbridge.planning.simcheck import RepOutcome, ci95_halfwidth, shorten, simulate_outcomes
from landbridge.scenario.compile import WindowEffect
from landbridge.scenario.schema import RandomFailure

__all__ = ["DisruptionCost", "DisruptionSim", "cost_disruptions", "simulate_disruptions"]


@dataclass(frozen=True)
class DisruptionSim:
    """Simulated effect (base − disrupted, paired replications): delivered TEU lost
    over the horizon with its 95 % CI, and the day (from the scenario start) when the
    disrupted run's cumulative deliveries are back within one train of the base run
    (None: not within the horizon)."""

    replications: int
    days: float
    delivered_shortfall_teu: float
    delivered_shortfall_ci95: float | None
    backlog_cleared_day: float | None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class DisruptionCost:
    """Cost of one disruption (see the module docstring). ``window_days`` is None for
    a random failure (a permanent long-run loss, costed per week only)."""

    index: int
    kind: str
    target_type: str
    target: str
    factor: float
    start_day: float | None
    end_day: float | None
    window_days: float | None
    affected_teu_per_week: float
    rerouted_teu_per_week: float | None
    diverted_to_sea_teu_per_week: float | None
    extra_cost_usd_per_week: float | None
    reroute_cost_usd: float | None
    reroute_note: str | None
    backlog_teu: float
    backlog_clear_days: float | None
    delay_teu_days: float
    hold_cost_usd: float | None
    simulation: DisruptionSim | None = None

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["simulation"] = self.simulation.to_dict() if self.simulation else None
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in d.items()}


def _adjustments(ctx: PlanningContext, kind: str, ttype: str, target: str,
                 factor: float) -> Adjustments:
    cap: dict[tuple[str, str], float] = {}
    dur: dict[tuple[str, str], float] = {}
    keys = [(ttype, target)]
    if ttype == "node":
        keys = [("link", lid) for lid, lk in ctx.network.links.items()
                if target in (lk.from_node, lk.to_node)]
    for key in keys:
        if kind == "closure":
            cap[key] = 0.0
        elif kind == "capacity_scale":
            cap[key] = factor
        elif kind == "duration_scale":
            dur[key] = factor
    return Adjustments(cap, dur)


def _element_keys(ctx: PlanningContext, ttype: str, target: str) -> set[tuple[str, str]]:
    if ttype == "crossing":
        return {("crossing", target), ("road_post", target)}
    if ttype == "link":
        return {("section", target), ("ferry", target)}
    return {(t, lid) for lid, lk in ctx.network.links.items()
            if target in (lk.from_node, lk.to_node) for t in ("section", "ferry")}


def _hold(ctx: PlanningContext, base: Assignment, ttype: str, target: str, kind: str,
          factor: float, window_days: float | None):
    """(affected TEU/week, backlog TEU, clear days, delay TEU-days) of the fluid model."""
    keys = _element_keys(ctx, ttype, target)
    tight: dict[tuple, tuple[float, float]] = {}
    for r in base.rows:
        st = r.stage
        if (st.element_type, st.element) not in keys:
            continue
        g = (st.element_type, st.element, st.direction)
        util = r.load_teu_per_day / r.capacity_teu_per_day if r.capacity_teu_per_day else 0.0
        old = tight.get(g)
        if old is None or util > (old[0] / old[1] if old[1] else 0.0):
            tight[g] = (r.load_teu_per_day, r.capacity_teu_per_day)
    f = {"closure": 0.0, "capacity_scale": factor}.get(kind, 1.0)
    if kind == "duration_scale" and ttype != "link":
        f = 1.0 / factor
    affected = backlog = delay = clear = 0.0
    for load, usable in tight.values():
        cap = usable / ctx.max_utilization  # a queue is worked off at full capacity
        affected += 7.0 * load
        if window_days is None:
            continue
        b = max(0.0, load - f * cap) * window_days
        if b <= 0:
            continue
        spare = cap - load
        t = b / spare if spare > 1e-9 else math.inf
        backlog += b
        delay += b * (window_days + t) / 2.0
        clear = max(clear, t)
    never = math.isinf(clear)
    return affected, backlog, (None if never else clear), delay, never


def cost_disruptions(ctx: PlanningContext, base: Assignment) -> list[DisruptionCost]:
    """Cost every disruption of the scenario (in scenario order)."""
    sc = ctx.compiled.scenario
    vot = sc.value_of_time_usd_per_teu_day
    windows = list(ctx.compiled.windows)
    failures = list(ctx.compiled.failures)
    out: list[DisruptionCost] = []
    for i, d in enumerate(sc.disruptions):
        if isinstance(d, RandomFailure):
            ttype, target, mtbf, mttr = failures.pop(0)
            kind, factor, start, end, wdays = "capacity_scale", mtbf / (mtbf + mttr), None, None, None
            label_kind = "random_failure"
        else:
            w: WindowEffect = windows.pop(0)
            ttype, target, kind, factor = w.target_type, w.target, w.kind, w.factor
            start, end = w.start_h / 24.0, w.end_h / 24.0
            wdays = end - start
            label_kind = kind
        adj = _adjustments(ctx, kind, ttype, target, factor)
        note = None
        try:
            a = ctx.solve(adjust=adj)
            rerouted = sum(max(0.0, p.teu_per_week - q.teu_per_week)
                           for p, q in zip(a.paths, base.paths))
            sea = a.sea_teu_per_week - base.sea_teu_per_week
            extra = a.objective_usd_per_week - base.objective_usd_per_week
            reroute_cost = extra * wdays / 7.0 if wdays is not None else None
        except InfeasiblePlanError as exc:
            rerouted = sea = extra = reroute_cost = None
            note = str(exc)
        affected, backlog, clear, delay, never = _hold(ctx, base, ttype, target, kind, factor, wdays)
        hold_cost = (None if never else vot * delay) if wdays is not None else None
        out.append(DisruptionCost(
            i, label_kind, ttype, target, factor, start, end, wdays, affected,
            _r(rerouted), _r(sea), _r(extra), _r(reroute_cost), note, backlog,
            None if never else clear, delay, hold_cost))
    return out


def _r(v: float | None) -> float | None:
    return None if v is None else (0.0 if abs(v) < 1e-6 else float(v))


def _cleared_day(base: list[RepOutcome], dis: list[RepOutcome], end_day: float,
                 tolerance_teu: float) -> float | None:
    b = np.mean([np.cumsum(o.delivered_by_day_teu) for o in base], axis=0)
    d = np.mean([np.cumsum(o.delivered_by_day_teu) for o in dis], axis=0)
    for day in range(int(math.ceil(end_day)), len(b)):
        if b[day] - d[day] <= tolerance_teu:
            return float(day + 1)  # end of that day
    return None


def simulate_disruptions(ctx: PlanningContext, costs: list[DisruptionCost],
                         replications: int = 3, days: float | None = None,
                         executor: cf.Executor | None = None) -> list[DisruptionCost]:
    """Attach a :class:`DisruptionSim` to each windowed disruption that starts within
    the simulated horizon (the scenario as is vs. without that disruption)."""
    compiled = shorten(ctx.compiled, days)
    horizon = compiled.scenario.horizon_days
    windows = list(ctx.compiled.windows)
    sim_base = None
    out = []
    for c in costs:
        if c.window_days is None or c.start_day is None or c.start_day >= horizon:
            out.append(c)
            continue
        w = next(x for x in windows if x.target == c.target and abs(x.start_h / 24 - c.start_day) < 1e-9)
        if sim_base is None:
            sim_base = simulate_outcomes(compiled, replications, executor)
        without = dataclasses.replace(compiled, windows=tuple(x for x in compiled.windows if x != w))
        clean = simulate_outcomes(without, replications, executor)
        diff = [a.delivered_teu - b.delivered_teu for a, b in zip(clean, sim_base)]
        cleared = _cleared_day(clean, sim_base, c.end_day or 0.0, ctx.ref_teu_per_train)
        out.append(dataclasses.replace(c, simulation=DisruptionSim(
            replications, horizon, sum(diff) / len(diff), ci95_halfwidth(diff), cleared)))
    return out
