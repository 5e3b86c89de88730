"""Routing on hand-made networks: every expected value is computed by hand."""

import json
from datetime import datetime

import pytest

from landbridge.errors import NoRouteError, UnknownNameError
from landbridge.network import Mode, Route, find_routes, load_network
from netfactory import two_corridor_network

DWELL = 2.0 + 1.0 + 41 / 40  # clearance + handover + 41 containers / (2 cranes × 20 lifts/h)


@pytest.fixture
def net(tmp_path):
    return load_network(two_corridor_network(tmp_path / "net"))


def test_fastest_route_is_south(net):
    (r,) = find_routes(net, "A", "D")
    assert r.nodes == ("A", "E", "F", "D")
    assert r.length_km == pytest.approx(460)
    assert r.running_time_h == pytest.approx(6.0)
    assert r.min_transit_time_h == pytest.approx(6.0 + DWELL)
    assert r.crossings == ("E-F",)
    assert r.gauge_breaks == 1
    assert r.countries == ("CN", "KZ")


def test_shortest_route_is_north(net):
    (r,) = find_routes(net, "A", "D", by="distance")
    assert r.nodes == ("A", "B", "C", "D")
    assert r.length_km == pytest.approx(310)
    assert r.running_time_h == pytest.approx(7.0)


def test_k_alternatives_are_distinct_corridors_in_order(net):
    routes = find_routes(net, "A", "D", k=3)
    assert [r.crossings for r in routes] == [("E-F",), ("B-C",)]  # only two exist
    assert routes[0].min_transit_time_h < routes[1].min_transit_time_h


def test_names_match_case_insensitively_and_by_alias(net):
    assert find_routes(net, "alpha", "DELTA")[0].origin == "A"
    assert find_routes(net, "alf", "d")[0].destination == "D"


def test_unknown_name_suggests(net):
    with pytest.raises(UnknownNameError, match="Did you mean Delta"):
        find_routes(net, "A", "Deltta")


def test_no_route_by_road(net):
    with pytest.raises(NoRouteError):
        find_routes(net, "A", "D", modes=(Mode.road,))


def test_timetable_local_times(net):
    (r,) = find_routes(net, "A", "D", depart=datetime(2025, 3, 1, 8, 0))
    # A is in Asia/Shanghai (UTC+8): 08:00 local = 00:00 UTC. First leg 2 h.
    assert r.legs[0].depart == "2025-03-01T08:00+08:00"
    assert r.legs[0].arrive == "2025-03-01T10:00+08:00"
    # Arrival at D (Asia/Almaty, UTC+5 since 2024): 00:00 UTC + 6 h + DWELL.
    total_min = int((6.0 + DWELL) * 60)  # isoformat(timespec="minutes") truncates
    h, m = divmod(total_min, 60)
    assert r.legs[-1].arrive == f"2025-03-01T{5 + h:02d}:{m:02d}+05:00"


def test_json_round_trip(net):
    routes = find_routes(net, "A", "D", k=2, depart=datetime(2025, 3, 1, 8, 0))
    text = json.dumps([r.to_dict() for r in routes])
    back = [Route.from_dict(d) for d in json.loads(text)]
    assert back == routes
