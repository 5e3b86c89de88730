"""``plan``: the whole capacity-planning answer for one scenario.

Static capacity of every element, the LP assignment of the weekly demand (flows per
route, sea diversion, binding constraints with their duals), the ranking of the
scenario's candidate investments, the cost of its disruptions, and optionally
simulation checks of both. The result is plain data: :meth:`PlanResult.to_dict` (JSON)
and :meth:`PlanResult.to_tables` (pandas, for the results store and the report).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from landbridge.network.model import Network
from landbridge.planning.assignment import Assignment
from landbridge.planning.capacity import crossing_stages, road_post_stages
from landbridge.planning.context import PlanningContext, planning_context
from landbridge.planning.disruptions import DisruptionCost, cost_disruptions, simulate_disruptions
from landbridge.planning.investments import InvestmentResult, rank_investments, simulate_investments
from landbridge.planning.lp import LpSolver
from landbridge.planning.modes import ModeFactors, SeaRouter
from landbridge.planning.routecache import RouteCache
from landbridge.scenario.compile import CompiledScenario
from landbridge.scenario.loader import scenario_hash
from landbridge.scenario.schema import Scenario

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["CapacityLine", "PlanResult", "plan", "plan_scenario", "capacity_report"]


@dataclass(frozen=True)
class CapacityLine:
    """Static capacity of one element in one direction against the LP's load.

    ``stages`` maps every stage to its capacity in ``unit`` per day; ``binding_stage``
    is the LP's binding row of the element if one binds, else the smallest stage;
    ``capacity_units_per_day``/``capacity_teu_per_day`` that stage's capacity;
    ``load_teu_per_day`` the LP flow (road posts: the scenario's road flows);
    ``dual_usd_per_week_per_teu_day`` the sum of the element's row duals.
    """

    element_type: str
    element: str
    name: str
    direction: str
    from_node: str
    to_node: str
    unit: str
    binding_stage: str
    capacity_units_per_day: float
    capacity_teu_per_day: float
    load_teu_per_day: float
    utilization: float | None
    dual_usd_per_week_per_teu_day: float
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.from_node}→{self.to_node}): {self.binding_stage}"


def capacity_report(ctx: PlanningContext, a: Assignment) -> list[CapacityLine]:
    """Every rail crossing and road post (both directions) and every section and
    ferry a candidate route uses, with its binding stage and utilization."""
    net = ctx.network
    tpc = ctx.ref_teu_per_train / ctx.ref_containers
    static: dict[tuple, list] = {}
    for cid in sorted(net.crossings):
        c = net.crossings[cid]
        stages = (crossing_stages(net, cid, ctx.ref_containers, tpc) if c.mode == "rail"
                  else road_post_stages(net, cid))
        for st in stages:
            static.setdefault((st.element_type, st.element, st.direction), []).append(st)
    rows_by: dict[tuple, list] = {}
    for r in a.rows:
        st = r.stage
        g = (st.element_type, st.element, st.direction)
        rows_by.setdefault(g, []).append(r)
        if g not in static or st.element_type in ("section", "ferry"):
            static.setdefault(g, [])
            if st not in static[g]:
                static[g].append(st)
    road_load: dict[tuple, float] = {}
    for f in ctx.compiled.scenario.road_flows:
        key = ("road_post", f.crossing, f.direction)
        road_load[key] = road_load.get(key, 0.0) + f.trucks_per_day * f.teu_per_truck
    out = []
    for g in sorted(static):
        stages = static[g]
        if not stages:
            continue
        smallest = min(stages, key=lambda s: (s.teu_per_day, s.stage))
        lp = rows_by.get(g, [])
        chosen = smallest
        load = 0.0
        dual = sum((r.dual_usd_per_week_per_teu_day for r in lp), 0.0)
        if lp:
            best = max(lp, key=lambda r: ((r.load_teu_per_day / r.capacity_teu_per_day)
                                          if r.capacity_teu_per_day else 0.0, r.binding,
                                          -r.capacity_teu_per_day))
            load = best.load_teu_per_day
            if best.binding:
                chosen = best.stage
        if g[0] == "road_post":
            load = road_load.get(g, 0.0)
        cap = chosen.teu_per_day
        out.append(CapacityLine(
            g[0], g[1], smallest.name, g[2], smallest.from_node, smallest.to_node,
            smallest.unit, chosen.stage, chosen.units_per_day, cap, load,
            load / cap if cap > 0 else None, dual,
            {s.stage: s.units_per_day for s in stages}))
    return out


def _num(v, nd=4):
    if v is None:
        return None
    if isinstance(v, float):
        if not math.isfinite(v):
            return None
        return round(v, nd)
    return v


def _clean(obj):
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return _num(obj)


@dataclass(frozen=True)
class PlanResult:
    """The planning answer for one scenario (see :func:`plan`)."""

    scenario: str
    scenario_hash: str
    k: int
    network: Network
    context: PlanningContext
    assignment: Assignment
    capacity: tuple[CapacityLine, ...]
    investments: tuple[InvestmentResult, ...]
    disruptions: tuple[DisruptionCost, ...]

    # --------------------------------------------------------------- summaries
    def summary(self) -> dict:
        a = self.assignment
        sc = self.context.compiled.scenario
        return _clean({
            "scenario": self.scenario, "scenario_hash": self.scenario_hash, "k": self.k,
            "reference_train_teu": self.context.ref_teu_per_train,
            "reference_train_containers": self.context.ref_containers,
            "value_of_time_usd_per_teu_day": sc.value_of_time_usd_per_teu_day,
            "demand_teu_per_week": a.demand_teu_per_week,
            "rail_teu_per_week": a.rail_teu_per_week,
            "sea_teu_per_week": a.sea_teu_per_week,
            "sea_mode": self.context.sea_mode,
            "generalised_cost_usd_per_week": a.objective_usd_per_week,
        })

    def binding(self) -> list[dict]:
        """Binding capacity constraints, largest dual first."""
        return [_clean({"constraint": r.stage.key, "label": r.stage.label,
                        "element_type": r.stage.element_type, "element": r.stage.element,
                        "direction": r.stage.direction, "stage": r.stage.stage,
                        "capacity_teu_per_day": r.capacity_teu_per_day,
                        "load_teu_per_day": r.load_teu_per_day,
                        "dual_usd_per_week_per_teu_day": r.dual_usd_per_week_per_teu_day})
                for r in self.assignment.binding_rows()]

    # --------------------------------------------------------------- tables
    def to_tables(self) -> dict[str, "pd.DataFrame"]:
        """The result as pandas DataFrames: ``plan_summary``, ``plan_routes``,
        ``plan_sea``, ``plan_capacity``, ``plan_constraints``, ``plan_investments``,
        ``plan_disruptions`` (one row per item, plain columns)."""
        import pandas as pd

        return {k: pd.DataFrame(v) for k, v in self.to_records().items()}

    def to_records(self) -> dict[str, list[dict]]:
        """The tables of :meth:`to_tables` as lists of plain dicts (no pandas)."""
        a = self.assignment
        coms = a.commodities
        routes = []
        rank: dict[int, int] = {}
        for p in a.paths:
            rank[p.commodity] = rank.get(p.commodity, 0) + 1
            c = coms[p.commodity]
            routes.append({
                "origin": c.origin, "destination": c.destination, "teu_per_train": c.teu_per_train,
                "route": rank[p.commodity], "crossings": " ".join(p.route.crossings),
                "nodes": " ".join(p.route.nodes), "length_km": p.route.length_km,
                "transit_h": p.transit_h, "tariff_usd_per_feu": p.tariff_usd_per_feu,
                "cost_usd_per_teu": p.cost_usd_per_teu, "teu_per_week": p.teu_per_week})
        sea = []
        for s in a.sea:
            c = coms[s.commodity]
            leg = s.leg
            sea.append({
                "origin": c.origin, "destination": c.destination, "teu_per_train": c.teu_per_train,
                "demand_teu_per_week": c.teu_per_week,
                "marginal_cost_usd_per_teu": a.marginal_cost_usd_per_teu[s.commodity],
                "sea_available": leg is not None,
                "origin_port": leg.origin_port if leg else None,
                "destination_port": leg.destination_port if leg else None,
                "sea_days": leg.days if leg else None,
                "sea_usd_per_feu": leg.usd_per_feu if leg else None,
                "sea_cost_usd_per_teu": s.cost_usd_per_teu, "sea_teu_per_week": s.teu_per_week})
        cap = [{k: v for k, v in line.__dict__.items() if k != "stages"} |
               {"stages": "; ".join(f"{k}={v:.4g}" for k, v in sorted(line.stages.items()))}
               for line in self.capacity]
        cons = [{"constraint": r.stage.key, "element_type": r.stage.element_type,
                 "element": r.stage.element, "direction": r.stage.direction,
                 "stage": r.stage.stage, "capacity_teu_per_day": r.capacity_teu_per_day,
                 "load_teu_per_day": r.load_teu_per_day, "binding": r.binding,
                 "dual_usd_per_week_per_teu_day": r.dual_usd_per_week_per_teu_day}
                for r in a.rows]
        inv = []
        for r in self.investments:
            d = r.to_dict()
            simd = d.pop("simulation") or {}
            inv.append(d | {f"sim_{k}": v for k, v in simd.items()})
        dis = []
        for r in self.disruptions:
            d = r.to_dict()
            simd = d.pop("simulation") or {}
            dis.append(d | {f"sim_{k}": v for k, v in simd.items()})
        return {
            "plan_summary": [self.summary()],
            "plan_routes": routes,
            "plan_sea": sea,
            "plan_capacity": cap,
            "plan_constraints": cons,
            "plan_investments": inv,
            "plan_disruptions": dis,
        }

    def to_dict(self) -> dict:
        """JSON-ready dict (no NaN/inf: they become null; floats rounded to 4 decimals)."""
        t = self.to_records()
        return _clean({
            "summary": self.summary(),
            "binding": self.binding(),
            "routes": t["plan_routes"],
            "sea": t["plan_sea"],
            "capacity": [line.__dict__ for line in self.capacity],
            "investments": [r.to_dict() for r in self.investments],
            "disruptions": [r.to_dict() for r in self.disruptions],
        })


@contextlib.contextmanager
def _gc_paused():
    """Python's cyclic garbage collector off for the block (and back on after it, if it
    was on). Building and solving the LPs and the fluid model allocates many small
    objects and few reference cycles; the collector's passes over the whole heap
    (imports included) cost ~0.15 s CPU of ``plan default --no-sim`` and free nothing
    that matters (peak RSS the same). Not used around the simulation checks, whose
    SimPy processes do make cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def plan(compiled: CompiledScenario, k: int = 5, *, investments: bool = True,
         disruptions: bool = True, simulate: bool = False, sim_replications: int = 3,
         sim_days: float | None = None, sim_top: int = 3,
         sim_disruption_days: float | None = 180.0,
         executor: cf.Executor | None = None,
         sea_router: SeaRouter | None = None, factors: ModeFactors | None = None,
         solver: LpSolver | None = None, sea_mode: str = "fallback",
         route_cache: RouteCache | None = None) -> PlanResult:
    """Plan capacity for a compiled scenario.

    Parameters
    ----------
    compiled : CompiledScenario
    k : int
        Rail corridors per origin–destination pair.
    investments, disruptions : bool
        Rank the scenario's investments / cost its disruptions.
    simulate : bool
        Check the ``sim_top`` investments (by saving per USD) by simulation,
        ``sim_replications`` paired replications of ``sim_days`` (default: the
        scenario's horizon), and every windowed disruption over its own period (the
        window with a lead-in and the fluid clearance time, at most
        ``sim_disruption_days``; None: no limit), on ``executor``.
    sea_mode : {"fallback", "choice"}
        Sea only for what rail cannot carry (default) or as a free choice (see
        :func:`~landbridge.planning.assignment.solve_assignment`).
    sea_router, factors, solver
        Seams (defaults: :class:`PortSeaRouter`, bundled ``modes.yaml``, HiGHS).
    route_cache : RouteCache, optional
        Where candidate corridors are kept between runs (default: none; the CLI uses
        :func:`~landbridge.planning.routecache.default_route_cache`).

    Returns
    -------
    PlanResult

    Raises
    ------
    ScenarioError
        Bad input (a demand without a rail route, an investment that does not fit).
    InfeasiblePlanError
        When the demand cannot be carried and has no sea alternative (names the
        constraints involved).
    InvariantError
        If a simulation check breaks TEU conservation.
    """
    with _gc_paused():
        ctx = planning_context(compiled, k, sea_router=sea_router, factors=factors,
                               solver=solver, sea_mode=sea_mode, route_cache=route_cache)
        base = ctx.solve()
        ranked = rank_investments(ctx, base) if investments else []
        costs = cost_disruptions(ctx, base) if disruptions else []
    if simulate:
        if ranked:
            ranked = simulate_investments(ctx, ranked, sim_top, sim_replications, sim_days,
                                          executor)
        if costs:
            costs = simulate_disruptions(ctx, costs, sim_replications, sim_disruption_days,
                                         executor)
    with _gc_paused():
        return PlanResult(compiled.scenario.name, scenario_hash(compiled.scenario), k,
                          compiled.network, ctx, base, tuple(capacity_report(ctx, base)),
                          tuple(ranked), tuple(costs))


def plan_scenario(scenario: str | Path | Scenario | None = None, k: int = 5,
                  **kwargs) -> PlanResult:
    """Compile and :func:`plan` a scenario: a :class:`~landbridge.scenario.Scenario`
    object (an in-memory what-if; its ``network``, if relative, is taken from the
    working directory), a file, or a bundled name (None = ``default``).

    Raises
    ------
    TypeError
        When ``scenario`` is none of these (names the type given).
    ScenarioError, InputError
        As :func:`~landbridge.scenario.load_scenario` and
        :func:`~landbridge.scenario.compile_scenario`.
    """
    from landbridge.scenario import compile_scenario, load_scenario

    if isinstance(scenario, Scenario):
        with _gc_paused():
            compiled = compile_scenario(scenario)
        return plan(compiled, k, **kwargs)
    if scenario is not None and not isinstance(scenario, (str, Path)):
        raise TypeError(f"scenario must be a Scenario, a file path or a bundled name, "
                        f"got {type(scenario).__name__}")
    with _gc_paused():
        sc, path = load_scenario(scenario)
        compiled = compile_scenario(sc, file=path)
    return plan(compiled, k, **kwargs)
