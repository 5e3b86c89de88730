"""Investment ranking on the toy corridor equals a hand computation."""

import pytest

from landbridge.errors import ScenarioError
from landbridge.planning import plan
from landbridge.scenario import compile_scenario, load_scenario
from toy import COST_SEA, COST_SOUTH, FakeSea, toy_scenario

INVESTMENTS = [
    {"id": "cap-EF", "name": "E-F to 1.5 trains/day", "cost_usd": 1_000_000,
     "policies": [{"kind": "add_resources", "crossing": "E-F", "max_trains_per_day": 1.5}]},
    {"id": "predecl-BC", "name": "pre-declaration at B-C", "cost_usd": 100_000,
     "policies": [{"kind": "pre_declaration", "crossing": "B-C", "clearance_factor": 0.5}]},
    {"id": "24h-BC", "name": "24/7 at B-C", "cost_usd": 50_000,
     "policies": [{"kind": "operate_24h", "crossing": "B-C"}]},
]


def compiled(tmp_path, **kw):
    sc, path = load_scenario(str(toy_scenario(tmp_path, investments=INVESTMENTS, **kw)))
    return compile_scenario(sc, file=path)


def test_ranking_equals_hand_computation(tmp_path):
    res = plan(compiled(tmp_path), sea_router=FakeSea())
    by_id = {r.id: r for r in res.investments}
    # E-F cap 1.5 trains/day = 132 TEU/day: south takes the 76 TEU/week sea overflow
    cap = by_id["cap-EF"]
    assert cap.throughput_gain_teu_per_week == pytest.approx(76)
    assert cap.saving_usd_per_week == pytest.approx(76 * (COST_SEA - COST_SOUTH))
    assert cap.saving_usd_per_year_per_usd == pytest.approx(52 * 76 * (730 - 270.2) / 1e6)
    assert cap.payback_years == pytest.approx(1e6 / (52 * 76 * (730 - 270.2)))
    # clearance 2 h -> 1 h at B-C: 1 h less on the 616 TEU/week of the north route
    pre = by_id["predecl-BC"]
    assert pre.throughput_gain_teu_per_week == 0
    assert pre.saving_usd_per_week == pytest.approx(616 * 2.0 * 1.0)   # 2 USD/TEU-h
    # already open 24 h: nothing changes
    h24 = by_id["24h-BC"]
    assert h24.saving_usd_per_week == 0 and h24.payback_years is None
    assert [r.id for r in res.investments] == ["cap-EF", "predecl-BC", "24h-BC"]
    assert [r.rank_saving for r in res.investments] == [1, 2, 3]
    assert (cap.rank_throughput, pre.rank_throughput, h24.rank_throughput) == (1, 2, 3)


def test_simulation_check_of_top_investments(tmp_path):
    # the simulated trains take the fastest (south) route, capped at 44 TEU/day = 308/week
    # against 1000 TEU/week: raising the cap to 132 TEU/day delivers more in simulation too
    res = plan(compiled(tmp_path), sea_router=FakeSea(), simulate=True,
               sim_replications=2, sim_days=14, sim_top=1)
    top, *rest = res.investments
    assert top.id == "cap-EF"
    assert top.simulation is not None and all(r.simulation is None for r in rest)
    sim = top.simulation
    assert sim.replications == 2 and sim.days == 14
    assert sim.delivered_gain_teu_per_week > 0
    assert sim.delivered_gain_ci95 is not None


def test_investment_that_does_not_fit_is_a_scenario_error(tmp_path):
    bad = [{"id": "x", "name": "x", "cost_usd": 1,
            "policies": [{"kind": "operate_24h", "crossing": "Q-Q"}]}]
    with pytest.raises(ScenarioError) as exc:
        sc, path = load_scenario(str(toy_scenario(tmp_path, investments=bad)))
        compile_scenario(sc, file=path)
    assert "investments[0].policies[0].crossing" in str(exc.value)


def _refused(tmp_path, policies, **kw):
    inv = [{"id": "x", "name": "x", "cost_usd": 1, "policies": policies}]
    with pytest.raises(ScenarioError) as exc:
        sc, path = load_scenario(str(toy_scenario(tmp_path, investments=inv, **kw)))
        compile_scenario(sc, file=path)
    (p,) = exc.value.problems
    return p


def test_an_investment_that_lowers_a_cap_is_refused_naming_the_current_value(tmp_path):
    # E-F is capped at 0.5 train/day (toy.py); 'max_trains_per_day' SETS the cap
    p = _refused(tmp_path, [{"kind": "operate_24h", "crossing": "B-C"},
                            {"kind": "add_resources", "crossing": "E-F",
                             "max_trains_per_day": 0.4}])
    assert p.file.endswith("toy.yaml")
    assert (p.item, p.field) == ("investments[0].policies[1]", "max_trains_per_day")
    assert "0.4 is below crossing E-F's current 0.5 trains/day" in p.message


def test_lower_line_capacity_and_speed_and_a_contactless_handover_are_refused(tmp_path):
    # toy links carry 48 trains/day; E-F runs at 10 km/h
    p = _refused(tmp_path, [{"kind": "line_capacity", "link": "E-F",
                             "capacity_trains_per_day": 30}])
    assert (p.item, p.field) == ("investments[0].policies[0]", "capacity_trains_per_day")
    assert "current 48 trains/day" in p.message
    p = _refused(tmp_path, [{"kind": "line_capacity", "link": "E-F",
                             "capacity_trains_per_day": 60, "speed_kmh": 5}])
    assert p.field == "speed_kmh" and "current 10 km/h" in p.message
    p = _refused(tmp_path, [{"kind": "contactless_handover", "crossing": "B-C",
                             "extra_handover_h": 2}])
    assert p.field == "kind" and "lengthens the handover at B-C by 2 h" in p.message


def test_a_cap_on_an_uncapped_crossing_is_refused_an_equal_or_higher_one_accepted(tmp_path):
    # toy_scenario writes its own network: B-C uncapped here
    from toy import toy_network

    inv = [{"id": "x", "name": "x", "cost_usd": 1, "policies": [
        {"kind": "add_resources", "crossing": "B-C", "max_trains_per_day": 5}]}]
    path = toy_scenario(tmp_path, investments=inv)
    toy_network(tmp_path / "net", north_cap=None)
    with pytest.raises(ScenarioError) as exc:
        sc, p = load_scenario(str(path))
        compile_scenario(sc, file=p)
    assert "would put a cap on crossing B-C, which has none" in str(exc.value)
    ok = [{"id": "same", "name": "x", "cost_usd": 1, "policies": [
        {"kind": "add_resources", "crossing": "E-F", "max_trains_per_day": 0.5}]}]
    sc, p = load_scenario(str(toy_scenario(tmp_path, investments=ok)))
    res = plan(compile_scenario(sc, file=p), sea_router=FakeSea())
    assert res.investments[0].throughput_gain_teu_per_week == 0


def test_the_khorgos_cap_what_if_is_refused_in_the_what_if_file(tmp_path):
    # the fresh-user case: cre-2024 sets Khorgos's cap to 20 trains/day (overrides)
    w = tmp_path / "khg16.yaml"
    w.write_text("base: cre-2024\nname: khg16\ninvestments+:\n"
                 "  - {id: khorgos-cap, name: Khorgos cap 16, cost_usd: 5000000,\n"
                 "     policies: [{kind: add_resources, crossing: KHG-ALT, "
                 "max_trains_per_day: 16}]}\n")
    with pytest.raises(ScenarioError) as exc:
        sc, path = load_scenario(str(w))
        compile_scenario(sc, file=path)
    (p,) = exc.value.problems
    assert p.file == str(w)
    assert (p.item, p.field) == ("investments+[0].policies[0]", "max_trains_per_day")
    assert "below crossing KHG-ALT's current 20 trains/day" in p.message
