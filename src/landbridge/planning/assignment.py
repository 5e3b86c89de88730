"""Path-based multi-commodity LP: weekly demand over the k best routes, sea fallback.

Formulation (a path-flow multi-commodity flow problem; R. K. Ahuja, T. L. Magnanti and
J. B. Orlin, *Network Flows*, Prentice Hall 1993, ch. 17):

* one *commodity* per origin → destination pair (and train size) with demand
  ``d_c`` TEU/week, from the scenario's ``demand`` (TEU/week) and ``services``
  (departures/week × TEU per train);
* variables ``x_p`` ≥ 0, TEU/week on candidate route ``p`` of commodity ``c`` (k
  corridors, see :func:`candidate_routes`, and the scenario's own route), and ``s_c``
  ≥ 0, TEU/week sent by sea (when a sea alternative exists);
* ``Σ_p x_p + s_c = d_c`` for every commodity;
* for every stage of every element a path uses (see :mod:`.capacity`), per direction:
  ``Σ_p a_p x_p ≤ K`` with ``K`` the stage capacity in TEU/day at the reference train and
  ``a_p = (u_p / teu_p) / (u_ref / teu_ref) / 7`` (``u`` the stage's resource hours per
  train, :func:`.capacity.usage_h`), so a row's dual is in USD/week per extra TEU/day;
* minimise generalised cost ``Σ c_p x_p + Σ c_sea s_c`` in USD/week with
  ``c = tariff / 2 + value_of_time × transit_days`` per TEU (tariffs are per FEU).

Transit time of a path: running times + each rail crossing's mean service time
(clearance, handover, transshipment of the train; no queueing) + at each ferry half the
sailing interval (the mean wait of a random arrival at a regular service).

An infeasible programme (no sea alternative and too little capacity) is diagnosed with
the elastic programme ``min Σ u_c`` (``u_c`` unmet demand): the rows with a non-zero dual
there are the constraints involved (a Farkas certificate of infeasibility).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
from scipy import sparse

from landbridge.errors import InfeasiblePlanError, NoRouteError, Problem, ScenarioError, UnknownNameError
from landbridge.network.model import Mode, Network
from landbridge.network.routing import Route, find_routes, route_from_nodes
from landbridge.planning.capacity import Stage, crossing_stages, link_stages, usage_h
from landbridge.planning.lp import HighsSolver, LpProblem, LpSolver
from landbridge.planning.modes import ModeFactors, SeaLeg, link_tariff_usd_per_feu
from landbridge.scenario.schema import Scenario

__all__ = ["Commodity", "Adjustments", "PathFlow", "SeaFlow", "ConstraintRow", "Assignment",
           "PathTemplate", "path_templates", "weekly_demand", "candidate_routes", "path_metrics",
           "solve_assignment", "TEU_PER_FEU"]

TEU_PER_FEU = 2.0
FALLBACK_MARGIN_USD_PER_TEU = 1.0
"""In ``fallback`` sea mode a diverted TEU costs at least this much more than the
commodity's dearest rail candidate, so rail is strictly preferred (a modelling choice)."""
_TOL = 1e-7


@dataclass(frozen=True)
class Commodity:
    """Weekly demand from ``origin`` to ``destination`` (node ids) in trains of
    ``teu_per_train`` TEU / ``containers`` boxes; ``sources`` names the scenario items
    (``demand[0]``, ``services[2]``); ``routes`` holds their own fixed routes."""

    origin: str
    destination: str
    teu_per_week: float
    teu_per_train: float
    containers: int
    sources: tuple[str, ...]
    routes: tuple[Route, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.origin}→{self.destination}"


@dataclass(frozen=True)
class Adjustments:
    """Temporary changes for disruption costing: capacity factors (0 = closed) and
    duration factors (service or running time ×) keyed by ``(element_type, id)`` where
    element_type is ``crossing`` or ``link``; a capacity factor for one side of a
    crossing is keyed ``("crossing", id, direction)`` (``a_to_b``/``b_to_a``)."""

    capacity: Mapping[tuple[str, ...], float] = field(default_factory=dict)
    duration: Mapping[tuple[str, str], float] = field(default_factory=dict)


@dataclass(frozen=True)
class PathFlow:
    """A candidate route of commodity ``commodity`` (index) and its flow."""

    commodity: int
    route: Route
    tariff_usd_per_feu: float
    transit_h: float
    cost_usd_per_teu: float
    teu_per_week: float


@dataclass(frozen=True)
class SeaFlow:
    """The sea alternative of a commodity (``leg`` None: none exists)."""

    commodity: int
    leg: SeaLeg | None
    cost_usd_per_teu: float | None
    teu_per_week: float


@dataclass(frozen=True)
class ConstraintRow:
    """A capacity constraint after solving: ``load_teu_per_day`` (row activity, TEU/day
    at the reference train), ``capacity_teu_per_day``, ``dual_usd_per_week_per_teu_day``
    (≥ 0: what one more TEU/day of capacity saves per week)."""

    stage: Stage
    capacity_teu_per_day: float
    load_teu_per_day: float
    dual_usd_per_week_per_teu_day: float

    @property
    def utilization(self) -> float | None:
        if self.capacity_teu_per_day <= 0:
            return None if self.load_teu_per_day <= _TOL else float("inf")
        return self.load_teu_per_day / self.capacity_teu_per_day

    @property
    def binding(self) -> bool:
        """At capacity with some load, or with a positive dual."""
        full = self.capacity_teu_per_day - self.load_teu_per_day <= _TOL * max(
            1.0, self.capacity_teu_per_day)
        return (full and self.load_teu_per_day > 0) or self.dual_usd_per_week_per_teu_day > 1e-9


@dataclass(frozen=True)
class Assignment:
    """Optimal flows of one LP: per path, per sea alternative, per constraint row."""

    commodities: tuple[Commodity, ...]
    paths: tuple[PathFlow, ...]
    sea: tuple[SeaFlow, ...]
    rows: tuple[ConstraintRow, ...]
    objective_usd_per_week: float
    marginal_cost_usd_per_teu: tuple[float, ...]

    @property
    def demand_teu_per_week(self) -> float:
        return sum(c.teu_per_week for c in self.commodities)

    @property
    def rail_teu_per_week(self) -> float:
        return sum(p.teu_per_week for p in self.paths)

    @property
    def sea_teu_per_week(self) -> float:
        return sum(s.teu_per_week for s in self.sea)

    def binding_rows(self) -> list[ConstraintRow]:
        """Binding rows, largest dual first (ties by name)."""
        return sorted((r for r in self.rows if r.binding),
                      key=lambda r: (-r.dual_usd_per_week_per_teu_day, r.stage.key))


# ----------------------------------------------------------------------------- demand

def weekly_demand(scenario: Scenario, network: Network, service_routes: Sequence[Route] = (),
                  file: str = "<scenario>") -> list[Commodity]:
    """Weekly demand per origin → destination and train size from ``scenario``.

    ``services`` count departures/week (``departures_per_week``, or weekdays × times)
    × TEU per train; ``demand`` its ``teu_per_week``. ``service_routes`` are the
    compiled routes of services then demand entries, in scenario order (optional).

    Raises
    ------
    ScenarioError
        When an origin or destination names no node (every problem).
    """
    problems: list[Problem] = []
    groups: dict[tuple, dict] = {}
    items = [(f"services[{i}]", s, (s.departures_per_week if s.departures_per_week is not None
                                    else len(s.weekdays or []) * len(s.times)))
             for i, s in enumerate(scenario.services)]
    items += [(f"demand[{i}]", d, None) for i, d in enumerate(scenario.demand)]
    for n, (path, spec, per_week) in enumerate(items):
        ids = []
        for fld in ("origin", "destination"):
            try:
                ids.append(network.resolve(getattr(spec, fld)))
            except UnknownNameError as exc:
                problems.append(Problem(file, f"{path}.{fld}", "", str(exc)))
        if len(ids) != 2:
            continue
        teu = spec.teu_per_train or scenario.train.teu_per_train
        weekly = spec.teu_per_week if per_week is None else per_week * teu
        key = (ids[0], ids[1], teu)
        g = groups.setdefault(key, {"teu": 0.0, "sources": [], "routes": []})
        g["teu"] += weekly
        g["sources"].append(path)
        if spec.route != "fastest" and n < len(service_routes):
            g["routes"].append(service_routes[n])
    if problems:
        raise ScenarioError(problems)
    return [Commodity(o, d, g["teu"], teu, scenario.train.containers(teu), tuple(g["sources"]),
                      tuple(g["routes"]))
            for (o, d, teu), g in sorted(groups.items())]


# ----------------------------------------------------------------------------- routes

def candidate_routes(network: Network, commodity: Commodity, k: int = 5,
                     found: Sequence[Route] | None = None) -> list[Route]:
    """Candidate routes of ``commodity``: the ``k`` best routes distinct by their border
    crossings (:func:`~landbridge.network.find_routes` with ``distinct="crossings"``:
    each alternative avoids a crossing of the faster ones, so every bottleneck gets
    its bypass; ``found``: those routes already found, e.g. from a
    :class:`~landbridge.planning.routecache.RouteCache`) and the commodity's own fixed
    routes.

    Raises
    ------
    NoRouteError
        When origin and destination are not connected by rail or ferry.
    """
    routes = list(found) if found is not None else find_routes(
        network, commodity.origin, commodity.destination, k=k,
        containers=commodity.containers, distinct="crossings")
    seen = {r.links for r in routes}
    for r in commodity.routes:
        if r.links not in seen:
            routes.append(r)
            seen.add(r.links)
    return routes


def path_metrics(network: Network, route: Route, containers: int, factors: ModeFactors,
                 adjust: Adjustments | None = None) -> tuple[float, float]:
    """(tariff USD/FEU, transit hours) of ``route`` on ``network`` for a train of
    ``containers`` boxes: running times, mean crossing service times, half the sailing
    interval at ferries; ``adjust.duration`` factors scale link or crossing times."""
    dur = adjust.duration if adjust else {}
    tariff = 0.0
    hours = 0.0
    for leg in route.legs:
        link = network.links[leg.link]
        tariff += link_tariff_usd_per_feu(network, link, factors)
        hours += link.base_running_time_h * dur.get(("link", link.id), 1.0)
        if link.mode is Mode.ferry and link.sailings_per_week:
            hours += 0.5 * 168.0 / link.sailings_per_week
        c = network.crossing_on_link(link.id)
        if c is not None and c.mode == "rail":
            hours += c.mean_dwell_h(containers) * dur.get(("crossing", c.id), 1.0)
    return tariff, hours


# ----------------------------------------------------------------------------- LP

@dataclass(frozen=True)
class PathTemplate:
    """What the LP needs of one candidate route that does not change with
    :class:`Adjustments`: its commodity index, the route, its tariff (USD/FEU), its
    transit hours and each link's and crossing's share of them (keyed like
    ``Adjustments.duration``, so a duration factor ``f`` adds ``(f − 1) × share``), and
    its capacity-row coefficients (stage, TEU/day of the stage per TEU/week)."""

    commodity: int
    route: Route
    tariff_usd_per_feu: float
    transit_h: float
    duration_share_h: Mapping[tuple[str, str], float]
    coefficients: tuple[tuple[Stage, float], ...]
    rows: tuple[tuple[str, Stage, float], ...] = field(init=False, repr=False, compare=False)
    """The coefficients summed per constraint row: (``Stage.key``, the row's first stage,
    coefficient), in first-use order; what :func:`solve_assignment` reads per solve."""
    via: str = field(init=False, repr=False, compare=False)
    """The route's crossings joined by ``/`` (``-``: none), for the LP's variable name."""

    def __post_init__(self) -> None:
        acc: dict[str, list] = {}
        for st, coef in self.coefficients:
            key = st.key
            entry = acc.get(key)
            if entry is None:
                acc[key] = [st, 0.0 + coef]
            else:
                entry[1] = entry[1] + coef
        object.__setattr__(self, "rows", tuple((k, st, v) for k, (st, v) in acc.items()))
        object.__setattr__(self, "via", "/".join(self.route.crossings) or "-")

    def hours(self, adjust: Adjustments | None) -> float:
        """Transit hours with ``adjust``'s duration factors."""
        if adjust is None or not adjust.duration:
            return self.transit_h
        return self.transit_h + sum((f - 1.0) * self.duration_share_h.get(k, 0.0)
                                    for k, f in adjust.duration.items())


def path_templates(network: Network, commodities: Sequence[Commodity],
                   routes: Sequence[Sequence[Route]], factors: ModeFactors,
                   ref_teu_per_train: float, ref_containers: int,
                   reuse: Sequence[PathTemplate] | None = None,
                   changed: set[tuple[str, str]] | None = None) -> tuple[PathTemplate, ...]:
    """:class:`PathTemplate` of every candidate route, commodity by commodity (the order
    of the LP's variables); build once per network and reuse for every adjustment.

    ``reuse``/``changed``: templates of the same commodities and routes on another
    network, and the ``("crossing", id)``/``("link", id)`` elements that differ between
    the two: a route passing none of them keeps its template (a pure saving)."""
    teu_per_container = ref_teu_per_train / ref_containers
    stage_cache: dict = {}
    legs: dict = {}   # per (link, boxes): what path_metrics adds up, computed once
    coef_of: dict = {}  # per (stage, boxes, TEU per train): the row coefficient
    # the links that are, or carry a crossing that is, in ``changed``
    touched = frozenset(lid for lid in network.links
                        if _touched(network, lid, changed)) if changed else frozenset()
    out: list[PathTemplate] = []
    n = 0
    for ci, (com, rts) in enumerate(zip(commodities, routes)):
        for route in rts:
            old = reuse[n] if reuse is not None else None
            n += 1
            if old is not None and changed is not None and touched.isdisjoint(route.links):
                out.append(old)
                continue
            # path_metrics(network, route, com.containers, factors), with each link's
            # figures computed once per call (the same sums in the same order)
            tariff = 0.0
            hours = 0.0
            share: dict[tuple[str, str], float] = {}
            for leg in route.legs:
                fig = legs.get((leg.link, com.containers))
                if fig is None:
                    fig = legs[(leg.link, com.containers)] = _leg_figures(
                        network, leg.link, com.containers, factors)
                link_tariff, run_h, wait_h, cid, dwell_h = fig
                tariff += link_tariff
                hours += run_h
                if wait_h is not None:
                    hours += wait_h
                key = ("link", leg.link)
                share[key] = share.get(key, 0.0) + run_h
                if cid is not None:
                    hours += dwell_h
                    key = ("crossing", cid)
                    share[key] = share.get(key, 0.0) + dwell_h
            coefs: list[tuple[Stage, float]] = []
            for st in _leg_stages(network, route, ref_containers, teu_per_container, stage_cache):
                ck = (id(st), com.containers, com.teu_per_train)
                coef = coef_of.get(ck)
                if coef is None:
                    ref_use = usage_h(network, st, ref_containers) / ref_teu_per_train
                    use = usage_h(network, st, com.containers) / com.teu_per_train
                    coef = coef_of[ck] = (use / ref_use if st.unit != "TEU/day" else 1.0) / 7.0
                coefs.append((st, coef))
            out.append(PathTemplate(ci, route, tariff, hours, share, tuple(coefs)))
    return tuple(out)


def _touched(network: Network, link_id: str, changed: set[tuple[str, str]]) -> bool:
    """Whether ``("link", link_id)`` or the crossing on that link is in ``changed``."""
    c = network.crossing_on_link(link_id)
    return ("link", link_id) in changed or (c is not None and ("crossing", c.id) in changed)


def _leg_figures(network: Network, link_id: str, containers: int, factors: ModeFactors
                 ) -> tuple[float, float, float | None, str | None, float]:
    """What :func:`path_metrics` adds for one link without adjustments: (tariff USD/FEU,
    running hours, half the sailing interval of a ferry or None, the rail crossing on
    the link or None, its mean dwell hours)."""
    link = network.links[link_id]
    wait = (0.5 * 168.0 / link.sailings_per_week
            if link.mode is Mode.ferry and link.sailings_per_week else None)
    c = network.crossing_on_link(link.id)
    rail = c is not None and c.mode == "rail"
    return (link_tariff_usd_per_feu(network, link, factors), link.base_running_time_h, wait,
            c.id if rail else None, c.mean_dwell_h(containers) if rail else 0.0)


def _leg_stages(network: Network, route: Route, ref_containers: int, teu_per_container: float,
                cache: dict) -> list[Stage]:
    out: list[Stage] = []
    for leg in route.legs:
        known = cache.get(("leg", leg.link, leg.from_node))
        if known is not None:
            out += known
            continue
        start = len(out)
        link = network.links[leg.link]
        c = network.crossing_on_link(link.id)
        if c is not None and c.mode == "rail":
            direction = "a_to_b" if leg.from_node == c.station_a else "b_to_a"
            key = ("crossing", c.id)
            if key not in cache:
                cache[key] = crossing_stages(network, c.id, ref_containers, teu_per_container)
            out += [s for s in cache[key] if s.direction == direction]
        direction = "fwd" if leg.from_node == link.from_node else "rev"
        key = ("link", link.id, direction)
        if key not in cache:
            cache[key] = link_stages(network, link.id, direction, ref_containers,
                                     teu_per_container)
        out += cache[key]
        cache[("leg", leg.link, leg.from_node)] = out[start:]
    return out


def _capacity_factor(stage: Stage, adjust: Adjustments | None) -> float:
    if adjust is None:
        return 1.0
    if stage.element_type in ("crossing", "road_post"):
        f = adjust.capacity.get(("crossing", stage.element), 1.0) \
            * adjust.capacity.get(("crossing", stage.element, stage.direction), 1.0)
        return f / adjust.duration.get(("crossing", stage.element), 1.0)
    return adjust.capacity.get(("link", stage.element), 1.0)


def solve_assignment(network: Network, commodities: Sequence[Commodity],
                     routes: Sequence[Sequence[Route]], sea: Sequence[SeaLeg | None],
                     value_of_time_usd_per_teu_day: float, factors: ModeFactors,
                     ref_teu_per_train: float, ref_containers: int,
                     adjust: Adjustments | None = None,
                     solver: LpSolver | None = None, sea_mode: str = "fallback",
                     max_utilization: float = 1.0,
                     templates: Sequence[PathTemplate] | None = None,
                     memo: dict | None = None) -> Assignment:
    """Build and solve the LP (see the module docstring).

    Parameters
    ----------
    network : Network
        Capacities and times are read from it (apply investments before).
    commodities, routes, sea
        Demand, its candidate routes and its sea alternative (None: none), index-aligned.
    value_of_time_usd_per_teu_day : float
    factors : ModeFactors
    ref_teu_per_train, ref_containers
        The reference train at which train capacities are turned into TEU/day.
    adjust : Adjustments, optional
        Capacity and duration factors (disruptions).
    max_utilization : float
        Share (0–1] of each stage's static capacity the flows may use. Queues grow
        without bound as utilization nears 1 (waiting ∝ ρ/(1−ρ), J. F. C. Kingman,
        "The single server queue in heavy traffic", Proc. Camb. Phil. Soc. 57, 1961), so
        planners keep a margin: UIC Code 406 (2nd ed., 2013) recommends occupancy limits
        of about 75–85 %. Reported capacities are the usable ones.
    solver : LpSolver, optional
        Default :class:`HighsSolver`.
    sea_mode : {"fallback", "choice"}
        ``fallback``: the scenario's demand is rail demand; a TEU sent to sea is charged
        the larger of the sea's generalised cost and that of the commodity's dearest
        candidate route plus ``FALLBACK_MARGIN_USD_PER_TEU``, so sea takes only what rail
        cannot carry. ``choice``: sea at
        its own generalised cost (free mode choice).
    templates : sequence of PathTemplate, optional
        :func:`path_templates` of ``network``, ``commodities`` and ``routes`` (built
        here when not given; pass them to re-solve cheaply under other adjustments).
    memo : dict, optional
        Kept by the caller between solves with the same ``templates`` and
        ``commodities`` objects: the LP's columns and rows, which adjustments do not
        change, are built once and kept there (:class:`.context.PlanningContext` passes
        one for its scenario's own templates).

    Returns
    -------
    Assignment

    Raises
    ------
    InfeasiblePlanError
        When the demand cannot be carried (names the capacity rows and the demand rows
        involved) or the programme is unbounded or the solver fails.
    """
    solver = solver or HighsSolver()
    vot = value_of_time_usd_per_teu_day
    if templates is None:
        templates = path_templates(network, commodities, routes, factors, ref_teu_per_train,
                                   ref_containers)
    shape = None
    if memo is not None and memo.get("templates") is templates \
            and memo.get("commodities") is commodities:
        shape = memo["shape"]
    if shape is None:  # the path columns and capacity rows: adjustments change neither
        names: list[str] = []
        rows: dict[str, tuple[Stage, dict[int, float]]] = {}
        eq_paths: list[list[int]] = [[] for _ in commodities]
        rank = [0] * len(commodities)
        for j, tpl in enumerate(templates):
            ci = tpl.commodity
            rank[ci] += 1
            names.append(f"{commodities[ci].label} route {rank[ci]} via {tpl.via}")
            eq_paths[ci].append(j)
            for key, st, coef in tpl.rows:  # coefficients summed per row (one j per template)
                entry = rows.get(key)
                if entry is None:
                    rows[key] = (st, {j: coef})
                else:
                    entry[1][j] = coef
        shape = (tuple(names), rows, tuple(tuple(c) for c in eq_paths))
        if memo is not None:
            memo.update(templates=templates, commodities=commodities, shape=shape)
    names, rows, eq_paths = shape
    var_names: list[str] = list(names)
    eq_cols: list[list[int]] = [list(c) for c in eq_paths]
    cost: list[float] = []
    path_info: list[tuple[int, Route, float, float, float]] = []
    for tpl in templates:
        tariff, hours = tpl.tariff_usd_per_feu, tpl.hours(adjust)
        cpt = tariff / TEU_PER_FEU + vot * hours / 24.0
        cost.append(cpt)
        path_info.append((tpl.commodity, tpl.route, tariff, hours, cpt))
    if sea_mode not in ("fallback", "choice"):
        raise ValueError(f"sea_mode must be 'fallback' or 'choice', got {sea_mode!r}")
    sea_cols: list[int | None] = []
    for ci, (com, leg) in enumerate(zip(commodities, sea)):
        if leg is None:
            sea_cols.append(None)
            continue
        j = len(var_names)
        var_names.append(f"{com.label} by sea {leg.origin_port}→{leg.destination_port}")
        c_sea = leg.usd_per_feu / TEU_PER_FEU + vot * leg.days
        if sea_mode == "fallback":
            c_sea = max([c_sea] + [cost[p] + FALLBACK_MARGIN_USD_PER_TEU for p in eq_cols[ci]])
        cost.append(c_sea)
        eq_cols[ci].append(j)
        sea_cols.append(j)

    kept = _drop_dominated(rows, adjust, max_utilization)
    n = len(var_names)
    ri, ci_, vals = [], [], []
    for i, (st, coefs, rhs) in enumerate(kept):
        cols = sorted(coefs)
        ri += [i] * len(cols)
        ci_ += cols
        vals += map(coefs.__getitem__, cols)
    a_ub = sparse.coo_matrix((vals, (ri, ci_)), shape=(len(kept), n))
    b_ub = np.array([rhs for _, _, rhs in kept], dtype=float)
    er = [ci for ci, cols in enumerate(eq_cols) for _ in cols]
    ec = [j for cols in eq_cols for j in cols]
    a_eq = sparse.coo_matrix((np.ones(len(ec)), (er, ec)), shape=(len(commodities), n))
    b_eq = np.array([c.teu_per_week for c in commodities], dtype=float)
    ub_names = tuple(f"{st.key} (≤ {rhs:,.1f} TEU/day)" for st, _, rhs in kept)
    eq_names = tuple(f"demand {c.label} ({c.teu_per_week:,.1f} TEU/week)" for c in commodities)
    problem = LpProblem(np.asarray(cost), a_ub.tocsr(), b_ub, a_eq.tocsr(), b_eq,
                        tuple(var_names), ub_names, eq_names)
    sol = solver.solve(problem)
    if sol.status == 2:
        raise InfeasiblePlanError(
            "the demand cannot be carried: capacity on every candidate route is too small "
            "and there is no sea alternative (more corridors may exist beyond the k "
            "considered: try a larger --k)", _diagnose(problem, solver))
    if sol.status == 3:
        raise InfeasiblePlanError("the assignment LP is unbounded",
                                  [v for v, c in zip(var_names, cost) if c < 0])
    if sol.status != 0:
        raise InfeasiblePlanError(f"the LP solver failed: {sol.message}")
    x = sol.x
    activity = problem.a_ub @ x if len(kept) else np.zeros(0)
    crow = tuple(ConstraintRow(st, float(rhs), float(activity[i]),
                               max(0.0, -float(sol.ub_marginals[i])))
                 for i, (st, _, rhs) in enumerate(kept))
    paths = tuple(PathFlow(ci, r, tariff, hours, cpt, _clean(x[j]))
                  for j, (ci, r, tariff, hours, cpt) in enumerate(path_info))
    seas = tuple(SeaFlow(ci, sea[ci], None if j is None else cost[j],
                         0.0 if j is None else _clean(x[j]))
                 for ci, j in enumerate(sea_cols))
    return Assignment(tuple(commodities), paths, seas, crow, float(sol.objective),
                      tuple(float(m) for m in sol.eq_marginals))


def _clean(v: float) -> float:
    return 0.0 if abs(v) < 1e-9 else float(v)


def _drop_dominated(rows: dict[str, tuple[Stage, dict[int, float]]],
                    adjust: Adjustments | None, max_utilization: float = 1.0
                    ) -> list[tuple[Stage, dict[int, float], float]]:
    """Keep, among the stages of one element and direction with the same coefficients,
    only the tightest (it is the binding element; the others cannot bind alone)."""
    groups: dict[tuple, list] = {}
    for key in sorted(rows):
        st, coefs = rows[key]
        rhs = st.teu_per_day * _capacity_factor(st, adjust) * max_utilization
        groups.setdefault((st.element_type, st.element, st.direction), []).append((st, coefs, rhs))
    kept: list[tuple[Stage, dict[int, float], float]] = []
    for key in sorted(groups):
        chosen: list[tuple[Stage, dict[int, float], float]] = []
        for st, coefs, rhs in sorted(groups[key], key=lambda t: (t[2], t[0].stage)):
            if any(set(c) == set(coefs) and all(abs(c[j] - coefs[j]) <= 1e-12 * max(1, abs(c[j]))
                                                 for j in c) for _, c, _ in chosen):
                continue
            chosen.append((st, coefs, rhs))
        kept += chosen
    return kept


def _diagnose(problem: LpProblem, solver: LpSolver) -> list[str]:
    """Names of the rows involved in the infeasibility: solve the elastic programme
    (unmet demand ``u`` at unit cost, every other cost 0) and return the capacity rows
    with a non-zero dual and the demand rows left unmet."""
    n, m = len(problem.c), problem.a_eq.shape[0]
    c = np.concatenate([np.zeros(n), np.ones(m)])
    a_ub = sparse.hstack([problem.a_ub, sparse.csr_matrix((problem.a_ub.shape[0], m))]).tocsr()
    a_eq = sparse.hstack([problem.a_eq, sparse.identity(m, format="csr")]).tocsr()
    elastic = LpProblem(c, a_ub, problem.b_ub, a_eq, problem.b_eq,
                        problem.var_names + tuple(f"unmet {e}" for e in problem.eq_names),
                        problem.ub_names, problem.eq_names)
    sol = solver.solve(elastic)
    if sol.status != 0:
        return []
    names = [problem.ub_names[i] for i in np.flatnonzero(np.abs(sol.ub_marginals) > 1e-9)]
    unmet = sol.x[n:]
    names += [f"{problem.eq_names[i]}: {unmet[i]:,.1f} TEU/week cannot be carried"
              for i in np.flatnonzero(unmet > 1e-6)]
    return names
