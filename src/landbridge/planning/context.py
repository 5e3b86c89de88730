"""What every planning question shares: demand, candidate routes, sea alternatives.

:func:`planning_context` builds it once per scenario (routing is the expensive part);
:meth:`PlanningContext.solve` re-solves the LP on any variant of the network (an
investment applied) or with temporary adjustments (a disruption), with the same
commodities and candidate routes so that results are comparable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from landbridge.errors import NoRouteError, Problem, ScenarioError
from landbridge.network.model import Network
from landbridge.network.routing import Route, find_routes
from landbridge.planning.assignment import (
    Adjustments,
    Assignment,
    Commodity,
    candidate_routes,
    path_templates,
    solve_assignment,
    weekly_demand,
)
from landbridge.planning.lp import HighsSolver, LpSolver
from landbridge.planning.modes import ModeFactors, PortSeaRouter, SeaLeg, SeaRouter, load_mode_factors
from landbridge.planning.routecache import RouteCache
from landbridge.scenario.compile import CompiledScenario

__all__ = ["PlanningContext", "planning_context"]


@dataclass(frozen=True)
class PlanningContext:
    """Inputs of the assignment LP for one compiled scenario (immutable)."""

    compiled: CompiledScenario
    commodities: tuple[Commodity, ...]
    routes: tuple[tuple[Route, ...], ...]
    sea: tuple[SeaLeg | None, ...]
    factors: ModeFactors
    k: int
    solver: LpSolver
    sea_mode: str = "fallback"
    _templates: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def network(self) -> Network:
        return self.compiled.network

    @property
    def max_utilization(self) -> float:
        """Share of each stage's static capacity the LP may use (scenario's
        ``planning_max_utilization``)."""
        return self.compiled.scenario.planning_max_utilization

    @property
    def ref_teu_per_train(self) -> float:
        return self.compiled.scenario.train.teu_per_train

    @property
    def ref_containers(self) -> int:
        sc = self.compiled.scenario
        return sc.train.containers(sc.train.teu_per_train)

    def solve(self, network: Network | None = None,
              adjust: Adjustments | None = None) -> Assignment:
        """Solve the LP on ``network`` (default: the scenario's) with ``adjust``; the
        scenario network's path templates are built once and reused (on a variant
        network, for every route that passes no replaced element)."""
        base = self._templates.get("base")
        if base is None:
            base = self._templates["base"] = path_templates(
                self.network, self.commodities, self.routes, self.factors,
                self.ref_teu_per_train, self.ref_containers)
        templates = base
        if network is not None and network is not self.network:
            # a variant (an investment applied): rebuild only the routes through an
            # element the variant replaced (apply_policies copies only those)
            net0 = self.network
            changed = {("crossing", k) for k, v in network.crossings.items()
                       if net0.crossings.get(k) is not v}
            changed |= {("link", k) for k, v in network.links.items()
                        if net0.links.get(k) is not v}
            same_nodes = len(network.nodes) == len(net0.nodes) and all(
                net0.nodes.get(k) is v for k, v in network.nodes.items())
            templates = path_templates(network, self.commodities, self.routes, self.factors,
                                       self.ref_teu_per_train, self.ref_containers,
                                       base if same_nodes else None, changed)
        return solve_assignment(
            network or self.network, self.commodities, self.routes, self.sea,
            self.compiled.scenario.value_of_time_usd_per_teu_day, self.factors,
            self.ref_teu_per_train, self.ref_containers, adjust, self.solver, self.sea_mode,
            self.max_utilization, templates,
            self._templates.setdefault("lp", {}) if templates is base else None)


def planning_context(compiled: CompiledScenario, k: int = 5, *,
                     sea_router: SeaRouter | None = None, factors: ModeFactors | None = None,
                     solver: LpSolver | None = None,
                     sea_mode: str = "fallback",
                     route_cache: RouteCache | None = None) -> PlanningContext:
    """Weekly demand, candidate routes (see
    :func:`~landbridge.planning.assignment.candidate_routes`; read from and stored in
    ``route_cache`` when given) and sea alternatives.

    Raises
    ------
    ScenarioError
        When a demand or service has no rail route (every such item named).
    ValueError
        When ``k < 1``.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    net = compiled.network
    sc = compiled.scenario
    factors = factors or load_mode_factors()
    sea_router = sea_router or PortSeaRouter(factors)
    commodities = weekly_demand(sc, net, [p.route for p in compiled.services], compiled.file)
    if not commodities:
        raise ScenarioError([Problem(compiled.file, "demand", "",
                                     "nothing to plan: the scenario has no rail demand or "
                                     "services (road flows are not planned)")])
    routes: list[tuple[Route, ...]] = []
    problems: list[Problem] = []
    found: list = [None] * len(commodities)
    if route_cache is not None:
        found = route_cache.routes(
            net, k, [(c.origin, c.destination, c.containers) for c in commodities],
            lambda o, d, n: find_routes(net, o, d, k=k, containers=n, distinct="crossings"))
    for com, pre in zip(commodities, found):
        try:
            if isinstance(pre, Exception):
                raise pre
            routes.append(tuple(candidate_routes(net, com, k, pre)))
        except NoRouteError as exc:
            problems += [Problem(compiled.file, s, "", str(exc)) for s in com.sources]
    if problems:
        raise ScenarioError(problems)
    sea = tuple(sea_router.sea_leg(net, c.origin, c.destination) for c in commodities)
    return PlanningContext(compiled, tuple(commodities), tuple(routes), sea, factors, k,
                           solver or HighsSolver(), sea_mode)
