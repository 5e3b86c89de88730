"""Disruption costing: LP re-route and fluid-queue hold, by hand."""

import pytest

from landbridge.planning import plan
from landbridge.scenario import compile_scenario, load_scenario
from toy import COST_NORTH, COST_SEA, COST_SOUTH, FakeSea, toy_scenario


def run(tmp_path, disruptions, **kw):
    sc, path = load_scenario(str(toy_scenario(tmp_path, teu_per_week=500.0,
                                              disruptions=disruptions)))
    return plan(compile_scenario(sc, file=path), sea_router=FakeSea(), **kw)


def test_closure_costs_equal_hand_computation(tmp_path):
    res = run(tmp_path, [{"kind": "closure", "target": "B-C",
                          "window": {"start_day": 3, "end_day": 5}}])
    (d,) = res.disruptions
    assert (d.start_day, d.end_day, d.window_days) == (3, 5, 2)
    # base: all 500 TEU/week north (71.43 TEU/day of 88). Closed: south takes 308, sea 192
    assert d.affected_teu_per_week == pytest.approx(500)
    assert d.rerouted_teu_per_week == pytest.approx(308)
    assert d.diverted_to_sea_teu_per_week == pytest.approx(192)
    extra = 308 * (COST_SOUTH - COST_NORTH) + 192 * (COST_SEA - COST_NORTH)
    assert d.extra_cost_usd_per_week == pytest.approx(extra)
    assert d.reroute_cost_usd == pytest.approx(extra * 2 / 7)
    # hold: backlog 2 days × 500/7, cleared at the spare 88 - 500/7 TEU/day
    rate = 500 / 7
    backlog = 2 * rate
    clear = backlog / (88 - rate)
    assert d.backlog_teu == pytest.approx(backlog)
    assert d.backlog_clear_days == pytest.approx(clear)
    assert d.delay_teu_days == pytest.approx(backlog * (2 + clear) / 2)
    assert d.hold_cost_usd == pytest.approx(48 * backlog * (2 + clear) / 2)


def test_capacity_scale_above_load_leaves_no_backlog(tmp_path):
    res = run(tmp_path, [{"kind": "capacity_scale", "target": "B-C", "factor": 0.9,
                          "window": {"start_day": 1, "end_day": 2}}])
    (d,) = res.disruptions
    assert d.backlog_teu == 0 and d.backlog_clear_days == 0
    assert d.extra_cost_usd_per_week == 0   # 79.2 TEU/day still above 71.4


def test_random_failure_is_costed_at_its_availability(tmp_path):
    # available 70 % of the time: B-C carries 0.7 × 88 = 61.6 TEU/day, the rest goes south
    res = run(tmp_path, [{"kind": "random_failure", "target": "B-C", "mtbf_h": 70,
                          "mttr_h": 30}])
    (d,) = res.disruptions
    assert d.window_days is None and d.hold_cost_usd is None
    moved = 500 - 7 * 61.6
    assert d.rerouted_teu_per_week == pytest.approx(moved)
    assert d.extra_cost_usd_per_week == pytest.approx(moved * (COST_SOUTH - COST_NORTH))


def test_simulation_confirms_a_closure(tmp_path):
    # the scenario's trains run the fastest (south) route: close E-F for two days
    res = run(tmp_path, [{"kind": "closure", "target": "E-F",
                          "window": {"start_day": 2, "end_day": 4}}],
              simulate=True, sim_replications=2, sim_days=10, investments=False)
    sim = res.disruptions[0].simulation
    assert sim is not None and sim.replications == 2
    assert sim.delivered_shortfall_teu >= 0
