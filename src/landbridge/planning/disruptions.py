"""Disruption costing: what a closure or capacity loss costs, from the LP, a fluid
queue model of the scenario's own routing, and the simulation.

For every disruption of the scenario (a closure, a capacity or duration scaling in a
window; a random failure as its long-run availability ``MTBF / (MTBF + MTTR)``):

*Re-route* (LP, per week while it lasts): the LP is solved with the target's capacity
× factor (0 closed; ÷ factor for service times × factor at a crossing; a node closure
closes every link at the node). Reported: TEU/week moved to other routes, TEU/week sent
to sea, extra generalised cost USD/week and over the window. This is what the corridor
could do if traffic were re-assigned optimally.

*Hold* (fluid queue, :mod:`.fluid`): the scenario's own services keep their own routes,
as the simulator runs them, and queue where capacity falls short (G. F. Newell,
*Applications of Queueing Theory*, 1982, ch. 2; C. F. Daganzo's cumulative curves).
The backlog is the fluid model with every window minus the model without this one (the
other disruptions stay in both, as in the simulation check): its peak in TEU and when,
the TEU-days of delay (``∫ backlog dt``, costed at the value of time), the day it has
cleared (back within one reference train) and the element whose queue grows most.

*Simulation check* (optional): the scenario with and without the disruption on the
same seeds (common random numbers), over the window with a lead-in (the longest
transit, so trains are on the network when it starts) and the fluid clearance time
after it; the backlog is the difference of cumulative deliveries (road posts: of the
post's queue), ``B(t) = D_without(t) − D_with(t)``, averaged over the replications:
its peak, TEU-days and the day it is back within one train. :func:`agreement` says in
one line whether the two backlogs agree within a factor of 1.5 and, where they cannot
by construction, why.
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
from landbridge.planning.fluid import FluidBacklog, fluid_backlog, run_fluid
from landbridge.scenario.compile import CompiledScenario, WindowEffect
from landbridge.scenario.schema import RandomFailure

__all__ = ["DisruptionCost", "DisruptionSim", "cost_disruptions", "simulate_disruptions",
           "agreement", "AGREE_FACTOR"]

AGREE_FACTOR = 1.5
"""The fluid and simulated backlogs *agree* when neither exceeds the other by more
than this factor, or both are below :data:`NEGLIGIBLE_TEU`."""
NEGLIGIBLE_TEU = 100.0
"""A backlog below about one block train (88 TEU at the bundled reference train)."""


@dataclass(frozen=True)
class DisruptionSim:
    """Simulated effect of one disruption (paired replications, with − without).

    ``start_day``/``days``: the simulated period (days from the scenario start, and
    its length); ``cut`` true when it was cut short of the fluid clearance;
    ``delivered_shortfall_teu`` (± ``delivered_shortfall_ci95``) TEU delivered less
    over the period; ``peak_backlog_teu`` (± ``peak_backlog_ci95``, over the
    replications' own peaks) the peak of the mean backlog ``D_without − D_with`` and
    ``peak_day`` when; ``delay_teu_days`` its integral; ``backlog_cleared_day`` the
    first day after the window when it is back within one train (None: not in the
    period). Days count from the scenario start; the backlog is seen at delivery (road
    posts: at the post), so its dates trail the fluid model's by the remaining transit."""

    replications: int
    start_day: float
    days: float
    cut: bool
    delivered_shortfall_teu: float
    delivered_shortfall_ci95: float | None
    peak_backlog_teu: float
    peak_backlog_ci95: float | None
    peak_day: float | None
    delay_teu_days: float
    backlog_cleared_day: float | None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class DisruptionCost:
    """Cost of one disruption (see the module docstring). ``window_days`` is None for
    a random failure (a permanent long-run loss, costed per week only, no backlog).

    ``affected_teu_per_week``: the scenario's own traffic through the target (its
    services on their routes; road posts: road flows). LP columns: ``rerouted_…``,
    ``diverted_to_sea_…``, ``extra_cost_…``, ``reroute_cost_usd`` (over the window),
    ``reroute_note`` (why the LP had no answer). Fluid columns: ``backlog_teu`` (peak),
    ``backlog_peak_day``, ``backlog_cleared_day`` (days from the scenario start; None:
    not within the horizon), ``backlog_clear_days`` (after the window's end),
    ``delay_teu_days``, ``hold_cost_usd`` (delay × value of time), ``binding_element``.
    """

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
    backlog_peak_day: float | None
    backlog_cleared_day: float | None
    backlog_clear_days: float | None
    delay_teu_days: float
    hold_cost_usd: float | None
    binding_element: str | None
    simulation: DisruptionSim | None = None

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["simulation"] = self.simulation.to_dict() if self.simulation else None
        d["agreement"] = agreement(self)
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in d.items()}


def _adjustments(ctx: PlanningContext, kind: str, ttype: str, target: str,
                 factor: float, direction: str | None = None) -> Adjustments:
    cap: dict[tuple[str, ...], float] = {}
    dur: dict[tuple[str, str], float] = {}
    if direction is not None:  # one side of a crossing (capacity_scale only)
        return Adjustments({(ttype, target, direction): factor}, dur)
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



def _affected_teu_per_week(compiled: CompiledScenario, ttype: str, target: str,
                           direction: str | None = None) -> float:
    """TEU/week of the scenario's own traffic through the target (with ``direction``,
    through that side of a crossing only): services whose route passes it (departures
    in the horizon, or a Poisson service's rate) and, at a road post, its road flows."""
    net = compiled.network
    weeks = compiled.scenario.horizon_days / 7.0
    total = 0.0

    def side(r) -> str:
        c = net.crossings[target]
        return "a_to_b" if r.nodes.index(c.station_a) < r.nodes.index(c.station_b) \
            else "b_to_a"

    for s in compiled.services:
        r = s.route
        hit = ((ttype == "crossing" and target in r.crossings
                and (direction is None or side(r) == direction))
               or (ttype == "link" and target in r.links)
               or (ttype == "node" and target in r.nodes))
        if hit:
            trains = (len(s.departures_h) / weeks if s.departures_h
                      else s.poisson_per_h * 168.0)
            total += trains * s.teu_per_train
    if ttype == "crossing" and net.crossings[target].mode == "road":
        total += sum(7.0 * f.trucks_per_day * f.teu_per_truck
                     for f in compiled.scenario.road_flows
                     if f.crossing == target and direction in (None, f.direction))
    return total


def cost_disruptions(ctx: PlanningContext, base: Assignment) -> list[DisruptionCost]:
    """Cost every disruption of the scenario (in scenario order): LP re-route and the
    fluid backlog on the scenario's own routes (see the module docstring)."""
    compiled = ctx.compiled
    sc = compiled.scenario
    vot = sc.value_of_time_usd_per_teu_day
    windows = list(compiled.windows)
    failures = list(compiled.failures)
    tol = ctx.ref_teu_per_train
    full = run_fluid(compiled) if windows else None
    out: list[DisruptionCost] = []
    wi = fi = 0
    for i, d in enumerate(sc.disruptions):
        fb: FluidBacklog | None = None
        if isinstance(d, RandomFailure):
            ttype, target, mtbf, mttr = failures[fi]
            fi += 1
            kind, factor, start, end, wdays = "capacity_scale", mtbf / (mtbf + mttr), None, None, None
            label_kind = "random_failure"
        else:
            w: WindowEffect = windows[wi]
            ttype, target, kind, factor = w.target_type, w.target, w.kind, w.factor
            start, end = w.start_h / 24.0, w.end_h / 24.0
            wdays = end - start
            label_kind = kind
            assert full is not None
            without = run_fluid(compiled, [x for j, x in enumerate(windows) if j != wi],
                                reuse=full)
            fb = fluid_backlog(full, without, w.end_h, sc.horizon_h)
            wi += 1
        adj = _adjustments(ctx, kind, ttype, target, factor,
                           None if isinstance(d, RandomFailure) else w.direction)
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
        affected = _affected_teu_per_week(
            compiled, ttype, target, None if isinstance(d, RandomFailure) else w.direction)
        if fb is None:
            peak, peak_day, cleared, clear_days, delay, hold, binding = (
                0.0, None, None, None, 0.0, None, None)
        else:
            peak, peak_day, cleared, delay, binding = (
                fb.peak_backlog_teu, fb.peak_day, fb.cleared_day, fb.delay_teu_days, fb.binding)
            if peak <= tol:
                clear_days = 0.0
            elif cleared is not None:
                clear_days = max(0.0, cleared - (end or 0.0))
            else:
                clear_days = None
            hold = vot * delay
        out.append(DisruptionCost(
            i, label_kind, ttype, target, factor, start, end, wdays, affected,
            _r(rerouted), _r(sea), _r(extra), _r(reroute_cost), note, peak, peak_day,
            cleared, clear_days, delay, hold, binding))
    return out


def _r(v: float | None) -> float | None:
    return None if v is None else (0.0 if abs(v) < 1e-6 else float(v))


def _sim_period(ctx: PlanningContext, c: DisruptionCost, max_days: float | None
                ) -> tuple[int, float, bool]:
    """(first day, days, cut) simulated for disruption ``c``: from the longest transit
    (+ 2 days) before the window to the fluid clearance (or the window's end) + 1.5 ×
    the clearance time + the longest transit + 7 days, within the horizon and at most
    ``max_days``."""
    sc = ctx.compiled.scenario
    longest_d = max((s.route.min_transit_time_h for s in ctx.compiled.services),
                    default=0.0) / 24.0
    assert c.start_day is not None and c.end_day is not None
    first = max(0, int(math.floor(c.start_day - longest_d - 2.0)))
    clear = c.backlog_clear_days or 0.0
    last = min(sc.horizon_days, c.end_day + 1.5 * clear + longest_d + 7.0)
    days = last - first
    cut = False
    if max_days is not None and days > max_days:
        days, cut = max_days, True
    return first, days, cut


def _sim_backlog(c: DisruptionCost, base, dis, first: int, tol: float
                 ) -> tuple[float, float | None, float | None, float, float | None]:
    """(peak, CI of the replications' peaks, peak day, TEU-days, cleared day) of the
    backlog ``base − dis`` (cumulative deliveries; road posts: queue ``dis − base``)."""
    road = c.target_type == "crossing" and any(c.target in o.road_queue_by_day_teu
                                               for o in base + dis)
    curves = []
    for b, d in zip(base, dis):
        if road:
            n = max(len(o.road_queue_by_day_teu.get(c.target, ())) for o in (b, d))
            qb = np.asarray(b.road_queue_by_day_teu.get(c.target, (0.0,) * n))
            qd = np.asarray(d.road_queue_by_day_teu.get(c.target, (0.0,) * n))
            curves.append(qd - qb)
        else:
            curves.append(np.cumsum(b.delivered_by_day_teu) - np.cumsum(d.delivered_by_day_teu))
    from landbridge.planning.simcheck import ci95_halfwidth

    mean = np.mean(curves, axis=0)
    pos = np.maximum(mean, 0.0)
    peak = float(pos.max()) if len(pos) else 0.0
    peaks = [float(np.max(np.maximum(x, 0.0))) for x in curves]
    if peak <= tol:
        return peak, ci95_halfwidth(peaks), None, float(pos.sum()), None
    i_peak = int(pos.argmax())
    s0 = max(i_peak, int(math.ceil((c.end_day or 0.0) - first)))
    after = np.flatnonzero(pos[s0:] <= tol)
    cleared = float(first + s0 + int(after[0]) + 1) if len(after) else None
    return peak, ci95_halfwidth(peaks), float(first + i_peak + 1), float(pos.sum()), cleared


def simulate_disruptions(ctx: PlanningContext, costs: list[DisruptionCost],
                         replications: int = 3, max_days: float | None = None,
                         executor: cf.Executor | None = None) -> list[DisruptionCost]:
    """Attach a :class:`DisruptionSim` to each windowed disruption that starts within
    the horizon: the scenario as is vs. without that disruption, paired, over the
    period of :func:`_sim_period` (at most ``max_days`` days; None: as needed).

    Raises
    ------
    InvariantError
        If a replication breaks TEU conservation.
    """
    from landbridge.planning.simcheck import ci95_halfwidth, shift_period, simulate_outcomes

    compiled = ctx.compiled
    horizon = compiled.scenario.horizon_days
    windows = list(compiled.windows)
    bases: dict[tuple[int, float], list] = {}
    out = []
    wi = -1
    for c in costs:
        if c.window_days is None:
            out.append(c)
            continue
        wi += 1
        if c.start_day is None or c.start_day >= horizon:
            out.append(c)
            continue
        first, days, cut = _sim_period(ctx, c, max_days)
        period = shift_period(compiled, first, days)
        if (first, days) not in bases:
            bases[(first, days)] = simulate_outcomes(period, replications, executor)
        sim_base = bases[(first, days)]
        without = dataclasses.replace(compiled, windows=tuple(
            x for j, x in enumerate(windows) if j != wi))
        clean = simulate_outcomes(shift_period(without, first, days), replications, executor)
        diff = [a.delivered_teu - b.delivered_teu for a, b in zip(clean, sim_base)]
        peak, peak_ci, peak_day, delay, cleared = _sim_backlog(
            c, clean, sim_base, first, ctx.ref_teu_per_train)
        out.append(dataclasses.replace(c, simulation=DisruptionSim(
            replications, float(first), float(days), cut, sum(diff) / len(diff),
            ci95_halfwidth(diff), peak, peak_ci, peak_day, delay, cleared)))
    return out


def agreement(c: DisruptionCost) -> str | None:
    """One line: do the fluid and simulated backlogs of ``c`` agree (within
    :data:`AGREE_FACTOR`), and if not, why by construction (None without a simulation)."""
    sim = c.simulation
    if sim is None or c.window_days is None:
        return None
    f, s = c.backlog_teu, sim.peak_backlog_teu
    lo, hi = min(f, s), max(f, s)
    if hi < NEGLIGIBLE_TEU or (lo > 0 and hi / lo <= AGREE_FACTOR):
        ratio = f"sim/fluid {s / f:.2f}" if f > 0 and s > 0 else "both near 0"
        return f"agree ({ratio}; peak backlog {f:,.0f} TEU fluid, {s:,.0f} TEU simulated)"
    if sim.cut:
        return (f"differ: the simulation covers days {sim.start_day:g}–"
                f"{sim.start_day + sim.days:g} only, short of the fluid clearance")
    if f < s:
        if c.kind == "duration_scale":
            return ("differ by construction: slower service with capacity still above the "
                    "load queues nothing in the fluid model (no service-time randomness); "
                    "the simulation's queues grow with random clearance times and bunched "
                    "arrivals (Kingman: wait ∝ ρ/(1−ρ))")
        if f <= 1.0:
            return ("differ by construction: the fluid model has no randomness, so capacity "
                    "above the load through the window leaves no queue (utilisation < 1); "
                    "the simulation queues from random service times and bunched trains")
        return ("differ: the simulation's trains also queue from random service times and "
                "bunched arrivals, which the fluid model (no randomness) leaves out")
    return ("differ: the simulation meters held trains towards the crossing and trains "
            "are dispatched one by one, while the fluid model moves a continuous flow "
            "at the exact capacity; at this scale the timing of releases decides")
