"""The assignment LP on the toy corridor (tests/planning/toy.py): hand-solved optimum,
hand-computed duals, an infeasible case naming its constraints."""

import json

import pytest

from landbridge.errors import InfeasiblePlanError, ScenarioError
from landbridge.planning import plan, planning_context
from landbridge.scenario import compile_scenario, load_scenario
from toy import COST_NORTH, COST_SEA, COST_SOUTH, FakeSea, toy_scenario


def compiled(tmp_path, **kw):
    sc, path = load_scenario(str(toy_scenario(tmp_path, **kw)))
    return compile_scenario(sc, file=path)


def test_hand_costs():
    assert COST_NORTH == pytest.approx(172.2)
    assert COST_SOUTH == pytest.approx(270.2)
    assert COST_SEA == pytest.approx(730.0)


def test_optimum_and_duals_equal_hand_solution(tmp_path):
    # cheapest first: north up to 88 TEU/day = 616 TEU/week, then south up to 44 TEU/day =
    # 308 TEU/week, the remaining 1000 - 924 = 76 TEU/week by sea.
    ctx = planning_context(compiled(tmp_path), 5, sea_router=FakeSea())
    a = ctx.solve()
    flows = {p.route.crossings: p.teu_per_week for p in a.paths}
    assert flows == {("B-C",): pytest.approx(616.0), ("E-F",): pytest.approx(308.0)}
    assert a.sea_teu_per_week == pytest.approx(76.0)
    assert a.objective_usd_per_week == pytest.approx(616 * COST_NORTH + 308 * COST_SOUTH
                                                     + 76 * COST_SEA)
    # dual of a crossing row: one more TEU/day (7 TEU/week) moved from sea to that route
    duals = {r.stage.key: r.dual_usd_per_week_per_teu_day for r in a.binding_rows()}
    assert duals == {
        "crossing B-C a_to_b: max trains/day": pytest.approx(7 * (COST_SEA - COST_NORTH)),
        "crossing E-F a_to_b: max trains/day": pytest.approx(7 * (COST_SEA - COST_SOUTH)),
    }
    # the marginal TEU goes by sea
    assert a.marginal_cost_usd_per_teu == (pytest.approx(COST_SEA),)


def test_transit_time_is_running_plus_mean_dwell(tmp_path):
    ctx = planning_context(compiled(tmp_path), 5, sea_router=FakeSea())
    a = ctx.solve()
    times = {p.route.crossings: p.transit_h for p in a.paths}
    assert times == {("B-C",): pytest.approx(7 + 4.1), ("E-F",): pytest.approx(6 + 4.1)}


def test_no_sea_needed_when_capacity_suffices(tmp_path):
    a = planning_context(compiled(tmp_path, teu_per_week=500), sea_router=FakeSea()).solve()
    assert a.sea_teu_per_week == 0
    assert {p.route.crossings: p.teu_per_week for p in a.paths} == {
        ("B-C",): pytest.approx(500), ("E-F",): 0}
    assert a.binding_rows() == []


def test_sea_as_free_choice_takes_everything_when_cheaper(tmp_path):
    cheap = FakeSea(usd_per_feu=100, days=1)  # 50 + 48 = 98 USD/TEU < 172.2
    a = planning_context(compiled(tmp_path), sea_router=cheap, sea_mode="choice").solve()
    assert a.sea_teu_per_week == pytest.approx(1000)
    b = planning_context(compiled(tmp_path), sea_router=cheap).solve()  # fallback mode
    assert b.sea_teu_per_week == pytest.approx(76)


def test_infeasible_names_the_constraints(tmp_path):
    ctx = planning_context(compiled(tmp_path), sea_router=FakeSea(available=False))
    with pytest.raises(InfeasiblePlanError) as exc:
        ctx.solve()
    names = exc.value.constraints
    assert any(n.startswith("crossing B-C a_to_b: max trains/day") for n in names)
    assert any(n.startswith("crossing E-F a_to_b: max trains/day") for n in names)
    assert any(n.startswith("demand A→D") and "76.0 TEU/week cannot be carried" in n
               for n in names)
    assert not any(n.startswith("section") for n in names)  # lines are far from full


def test_unknown_demand_node_is_a_scenario_error(tmp_path):
    from landbridge.scenario import parse_scenario
    from landbridge.planning import weekly_demand

    c = compiled(tmp_path)
    bad = parse_scenario({**c.scenario.model_dump(mode="json"),
                          "demand": [{"origin": "A", "destination": "Zulu", "teu_per_week": 5}]})
    with pytest.raises(ScenarioError) as exc:
        weekly_demand(bad, c.network)
    assert exc.value.problems[0].item == "demand[0].destination"


def test_plan_is_json_and_deterministic(tmp_path):
    c = compiled(tmp_path)
    one = json.dumps(plan(c, sea_router=FakeSea()).to_dict(), allow_nan=False)
    two = json.dumps(plan(c, sea_router=FakeSea()).to_dict(), allow_nan=False)
    assert one == two
    tables = plan(c, sea_router=FakeSea()).to_tables()
    assert set(tables) == {"plan_summary", "plan_routes", "plan_sea", "plan_capacity",
                           "plan_constraints", "plan_investments", "plan_disruptions"}
    assert tables["plan_routes"].teu_per_week.sum() == pytest.approx(924)


def test_utilization_ceiling_scales_every_capacity(tmp_path):
    # at 75 % of each capacity: north 0.75 × 616 = 462, south 0.75 × 308 = 231 TEU/week,
    # the remaining 1000 - 693 = 307 TEU/week by sea; reported capacity is the usable one
    ctx = planning_context(compiled(tmp_path, planning_max_utilization=0.75), 5,
                           sea_router=FakeSea())
    a = ctx.solve()
    flows = {p.route.crossings: p.teu_per_week for p in a.paths}
    assert flows == {("B-C",): pytest.approx(462.0), ("E-F",): pytest.approx(231.0)}
    assert a.sea_teu_per_week == pytest.approx(307.0)
    caps = {r.stage.key: r.capacity_teu_per_day for r in a.binding_rows()}
    assert caps["crossing B-C a_to_b: max trains/day"] == pytest.approx(0.75 * 88)
