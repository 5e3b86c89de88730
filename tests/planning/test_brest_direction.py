"""Why `plan default --no-sim` shows more eastbound than westbound load at Brest.

Not a direction mix-up: Alashankou and Khorgos bind westbound, and the LP (sea only for
what rail cannot carry) sends the overflow by sea. Only China→Europe commodities have a sea
alternative that pays, so the whole overflow is westbound Europe-bound boxes, which then do
not reach Brest. The simulation has no sea overflow (trains wait at their origins), so there
westbound exceeds eastbound, as published (ERAI 2021: 409,458 W / 208,722 E TEU)."""

import pytest

from landbridge.planning.plan import plan
from landbridge.scenario import compile_scenario, load_scenario
from landbridge.scenario.whatif import demand_direction


@pytest.fixture(scope="module")
def default_plan():
    sc, path = load_scenario("default")
    return plan(compile_scenario(sc, file=path), investments=False, disruptions=False)


def test_the_sea_overflow_is_westbound_and_explains_brest(default_plan):
    r = default_plan
    net = r.network
    lines = {(c.element, c.direction): c for c in r.capacity if c.element_type == "crossing"}
    west = lines[("BRE-MAL", "a_to_b")].load_teu_per_day    # Brest → Małaszewicze
    east = lines[("BRE-MAL", "b_to_a")].load_teu_per_day
    sea = {"westbound": 0.0, "eastbound": 0.0}
    for f in r.assignment.sea:
        c = r.assignment.commodities[f.commodity]
        sea[demand_direction(net.nodes[c.origin].lon, net.nodes[c.destination].lon)] += \
            f.teu_per_week
    assert sea["eastbound"] == 0.0
    assert east > west                          # what the plan table shows
    assert west + sea["westbound"] / 7 > east   # with the overflow back on rail: westbound larger
    # the binding rows are the westbound Kazakh crossings the overflow comes from
    binding = {(b.stage.element, b.stage.direction) for b in r.assignment.rows if b.binding}
    assert {("ASK-DST", "a_to_b"), ("KHG-ALT", "a_to_b")} <= binding
