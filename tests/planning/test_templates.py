"""Path templates reused across LP solves give the same answer as building afresh."""

import pytest

from landbridge.planning import planning_context
from landbridge.planning.assignment import Adjustments, solve_assignment
from landbridge.scenario import compile_scenario, load_scenario
from landbridge.scenario.compile import apply_policies
from landbridge.scenario.schema import PreDeclaration
from toy import COST_NORTH, FakeSea, toy_scenario


def fresh(ctx, network, adjust=None):
    sc = ctx.compiled.scenario
    return solve_assignment(network, ctx.commodities, ctx.routes, ctx.sea,
                            sc.value_of_time_usd_per_teu_day, ctx.factors,
                            ctx.ref_teu_per_train, ctx.ref_containers, adjust, ctx.solver,
                            ctx.sea_mode, ctx.max_utilization)


def test_reused_templates_equal_a_fresh_build(tmp_path):
    sc, path = load_scenario(str(toy_scenario(tmp_path, teu_per_week=500.0)))
    c = compile_scenario(sc, file=path)
    ctx = planning_context(c, sea_router=FakeSea())
    base = ctx.solve()
    # all 500 TEU/week north at 172.2 USD/TEU (tests/planning/toy.py)
    assert base.objective_usd_per_week == pytest.approx(500 * COST_NORTH)
    slow = Adjustments({}, {("crossing", "B-C"): 2.0})
    assert ctx.solve(adjust=slow).objective_usd_per_week == pytest.approx(
        fresh(ctx, c.network, slow).objective_usd_per_week)
    # clearance halved at B-C: the variant network replaces only that crossing
    faster = apply_policies(c.network, [PreDeclaration(kind="pre_declaration", crossing="B-C",
                                                       clearance_factor=0.5)])
    got = ctx.solve(network=faster).objective_usd_per_week
    assert got == pytest.approx(fresh(ctx, faster).objective_usd_per_week)
    # 2 h clearance → 1 h: one hour less at 2 USD/TEU-h on all 500 TEU/week
    assert got == pytest.approx(500 * (COST_NORTH - 2.0))
