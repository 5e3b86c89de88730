"""Capacity planning: static capacity, LP assignment (HiGHS through scipy), duals,
investment ranking, disruption costing and the rail/sea/air mode comparison."""

from landbridge.planning.assignment import (
    Adjustments,
    Assignment,
    Commodity,
    ConstraintRow,
    PathFlow,
    SeaFlow,
    candidate_routes,
    solve_assignment,
    weekly_demand,
)
from landbridge.planning.capacity import Stage
from landbridge.planning.compare import ModeComparison, ModeOption, compare_modes
from landbridge.planning.context import PlanningContext, planning_context
from landbridge.planning.disruptions import DisruptionCost, cost_disruptions
from landbridge.planning.investments import InvestmentResult, SimCheck, rank_investments
from landbridge.planning.lp import HighsSolver, LpProblem, LpSolution, LpSolver
from landbridge.planning.modes import (
    ModeFactors,
    PortSeaRouter,
    SeaLeg,
    SeaRouter,
    load_mode_factors,
)
from landbridge.planning.plan import CapacityLine, PlanResult, capacity_report, plan, plan_scenario
from landbridge.planning.routecache import RouteCache, default_route_cache

__all__ = [
    "Adjustments", "Assignment", "CapacityLine", "Commodity", "ConstraintRow",
    "DisruptionCost", "HighsSolver", "InvestmentResult", "LpProblem", "LpSolution", "LpSolver",
    "ModeComparison", "ModeFactors", "ModeOption", "PathFlow", "PlanResult", "PlanningContext",
    "PortSeaRouter", "RouteCache", "SeaFlow", "SeaLeg", "SeaRouter", "SimCheck", "Stage",
    "candidate_routes", "capacity_report", "compare_modes", "cost_disruptions",
    "default_route_cache", "load_mode_factors", "plan", "plan_scenario", "planning_context",
    "rank_investments", "solve_assignment", "weekly_demand",
]
