"""Disruption costing: LP re-route and fluid-queue hold, by hand."""

import pytest

from landbridge.planning import plan
from landbridge.planning.disruptions import agreement
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
    assert d.affected_teu_per_week == 0  # the scenario's own trains run south
    assert d.rerouted_teu_per_week == pytest.approx(308)
    assert d.diverted_to_sea_teu_per_week == pytest.approx(192)
    extra = 308 * (COST_SOUTH - COST_NORTH) + 192 * (COST_SEA - COST_NORTH)
    assert d.extra_cost_usd_per_week == pytest.approx(extra)
    assert d.reroute_cost_usd == pytest.approx(extra * 2 / 7)
    # hold: the scenario's own trains run the fastest (south) route, which B-C is not on
    assert d.backlog_teu == 0 and d.delay_teu_days == 0 and d.hold_cost_usd == 0
    assert d.backlog_clear_days == 0 and d.binding_element is None


def poisson_run(tmp_path, disruptions, teu_per_week=154.0):
    """22 TEU/day (Poisson, so the fluid model sees a steady rate) on the scenario's
    route A-E-F-D, whose crossing E-F passes 0.5 trains/day = 44 TEU/day."""
    sc, path = load_scenario(str(toy_scenario(
        tmp_path, teu_per_week=teu_per_week, disruptions=disruptions,
        demand=[{"origin": "A", "destination": "D", "teu_per_week": teu_per_week,
                 "arrival_process": "poisson"}])))
    return plan(compile_scenario(sc, file=path), sea_router=FakeSea(), investments=False)


def test_fluid_backlog_of_a_closure_on_the_scenario_route(tmp_path):
    res = poisson_run(tmp_path, [{"kind": "closure", "target": "E-F",
                                  "window": {"start_day": 2, "end_day": 7}}])
    (d,) = res.disruptions
    lam, mu, w = 22.0, 44.0, 5.0
    peak = lam * w                      # 110 TEU at the reopening
    clear = peak / (mu - lam)           # 5 days later
    assert d.affected_teu_per_week == pytest.approx(154.0)
    assert d.backlog_teu == pytest.approx(peak, rel=1e-3)
    assert d.backlog_peak_day == pytest.approx(7.0, abs=1 / 24)
    assert d.backlog_clear_days == pytest.approx(clear, abs=1 / 24)
    assert d.backlog_cleared_day == pytest.approx(7.0 + clear, abs=1 / 24)
    assert d.delay_teu_days == pytest.approx(peak * (w + clear) / 2, rel=5e-3)
    assert d.hold_cost_usd == pytest.approx(48 * d.delay_teu_days)
    assert d.binding_element == "Crossing E-F (E→F)"


def test_fluid_backlog_of_a_capacity_scale_on_the_scenario_route(tmp_path):
    # 0.25 × 44 = 11 TEU/day for 4 days: backlog 44 TEU, cleared 2 days later
    res = poisson_run(tmp_path, [{"kind": "capacity_scale", "target": "E-F", "factor": 0.25,
                                  "window": {"start_day": 2, "end_day": 6}}])
    (d,) = res.disruptions
    assert d.backlog_teu == pytest.approx(44.0, rel=1e-3)
    assert d.backlog_cleared_day == pytest.approx(8.0, abs=1 / 24)
    assert d.delay_teu_days == pytest.approx(44.0 * 6 / 2, rel=5e-3)


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


def test_simulation_check_of_a_closure_reports_both_backlogs(tmp_path):
    sc, path = load_scenario(str(toy_scenario(
        tmp_path, teu_per_week=154.0, horizon_days=20,
        disruptions=[{"kind": "closure", "target": "E-F",
                      "window": {"start_day": 8, "end_day": 13}}],
        demand=[{"origin": "A", "destination": "D", "teu_per_week": 154.0,
                 "arrival_process": "poisson"}])))
    res = plan(compile_scenario(sc, file=path), sea_router=FakeSea(), investments=False,
               simulate=True, sim_replications=2)
    (d,) = res.disruptions
    sim = d.simulation
    assert sim is not None and sim.replications == 2
    # from the longest transit (under a day) + 2 days before the window: day 5 on;
    # to the window's end + 1.5 × the 5-day clearance + transit + 7 days, cut at day 20
    assert sim.start_day == 5 and sim.start_day + sim.days == 20 and not sim.cut
    assert sim.peak_backlog_teu >= 0
    line = agreement(d)
    assert line is not None and ("agree" in line or "differ" in line)
    assert d.to_dict()["agreement"] == line


def test_a_closed_section_after_the_crossing_holds_the_flow_behind_it(tmp_path):
    # F-D (48 trains/day) closed days 2-7: the 22 TEU/day that passed E-F queue at F-D
    # and leave at 48 × 88 / day once it reopens: 110 TEU, cleared within the day
    res = poisson_run(tmp_path, [{"kind": "closure", "target": "F-D",
                                  "window": {"start_day": 2, "end_day": 7}}])
    (d,) = res.disruptions
    assert d.backlog_teu == pytest.approx(110.0, rel=1e-3)
    assert d.binding_element.startswith("Foxtrot–Delta (F→D)")
    clear = 110.0 / (48 * 88 - 22.0)
    assert d.backlog_cleared_day == pytest.approx(7.0 + clear, abs=1 / 24)
