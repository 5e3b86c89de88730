"""Static capacity of a crossing, by hand."""

import pytest

from landbridge.network import load_network
from landbridge.planning.capacity import crossing_stages, usage_h
from landbridge.planning import plan
from landbridge.scenario import compile_scenario, load_scenario
from netfactory import TRANSSHIP, crossing, link, node, write
from toy import FakeSea, toy_scenario


def test_crossing_stages_equal_hand_computation(tmp_path):
    # 4 yard tracks, 2 teams, clearance 2 h, handover 1 h, 1 transshipment track with
    # 2 cranes × 20 lifts/h; open 06–18 (12 h/day); train of 44 boxes (88 TEU)
    nodes = [node("A", "CN", 80, 44, kind="border_station"),
             node("B", "KZ", 80.1, 44, kind="border_station", gauge=1520)]
    links = [link("A-B", "A", "B", 10, speed=10, gauge=1520)]
    cx = [crossing("A-B", "A", "B", "A-B", transshipment=TRANSSHIP,
                   operating_hours={"open_h": 6, "close_h": 18})]
    net = load_network(write(tmp_path / "n", nodes, links, cx))
    st = {s.stage: s for s in crossing_stages(net, "A-B", 44, 2.0) if s.direction == "a_to_b"}
    transship_h = 44 / (2 * 20)                     # 1.1 h
    assert st["inspection teams"].units_per_day == pytest.approx(2 * 12 / 2.0)   # 12
    assert st["transshipment"].units_per_day == pytest.approx(1 * 12 / transship_h)
    # yard held for the whole dwell, stretched by closed hours: 4 × 24 / (4.1 × 24/12)
    assert st["receiving yard"].units_per_day == pytest.approx(4 * 24 / (4.1 * 2))
    assert st["transshipment"].teu_per_day == pytest.approx(12 / 1.1 * 88)
    assert st["transshipment"].key == "crossing A-B a_to_b: transshipment"
    assert usage_h(net, st["transshipment"], 22) == pytest.approx(22 / 40)


def test_capacity_report_names_binding_element_and_utilization(tmp_path):
    sc, path = load_scenario(str(toy_scenario(tmp_path)))
    res = plan(compile_scenario(sc, file=path), sea_router=FakeSea())
    lines = {(c.element, c.direction): c for c in res.capacity}
    north = lines[("B-C", "a_to_b")]
    assert north.binding_stage == "max trains/day"
    assert north.capacity_units_per_day == 1.0 and north.capacity_teu_per_day == 88.0
    assert north.utilization == pytest.approx(1.0)
    assert north.stages["transshipment"] == pytest.approx(24 / 1.1)
    assert lines[("B-C", "b_to_a")].utilization == 0
    section = lines[("A-B", "fwd")]
    assert section.element_type == "section"
    assert section.utilization == pytest.approx(88 / (48 * 88))
