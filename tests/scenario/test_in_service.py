"""Links and crossings with ``in_service_from``: left out of a scenario that starts earlier."""

import json

import pytest
import yaml
from netfactory import two_corridor_network

from landbridge.errors import NetworkError, ScenarioError
from landbridge.network import load_network
from landbridge.scenario import compile_scenario, load_scenario

SCENARIO = {"name": "t", "start_date": "2025-01-01", "horizon_days": 10, "network": "n",
            "services": [{"id": "S", "origin": "A", "destination": "D",
                          "departures_per_week": 7}]}


def _net(tmp_path, opened="2026-01-01"):
    """The two-corridor test network with the south crossing E-F in service from ``opened``."""
    base = two_corridor_network(tmp_path / "n")
    doc = yaml.safe_load((base / "crossings.yaml").read_text())
    for c in doc["crossings"]:
        if c["id"] == "E-F":
            c["in_service_from"] = opened
    (base / "crossings.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return base


def _compile(tmp_path, **changes):
    data = json.loads(json.dumps(SCENARIO))
    data.update(changes)
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    sc, p = load_scenario(f)
    return compile_scenario(sc, file=p)


def test_a_crossing_not_yet_open_is_left_out_with_its_link(tmp_path):
    _net(tmp_path)
    # South (A-E-F-D) runs 6 h, north (A-B-C-D) 7 h: the faster south corridor is taken
    # only once its crossing is in service.
    before = _compile(tmp_path)
    assert before.services[0].route.nodes == ("A", "B", "C", "D")
    assert "E-F" not in before.network.crossings and "E-F" not in before.network.links
    assert before.notes[0] == ("not in service on the start date 2025-01-01, so left out: "
                               "crossing E-F (in service from 2026-01-01)")
    after = _compile(tmp_path, start_date="2026-01-01")  # the opening day itself counts
    assert after.services[0].route.nodes == ("A", "E", "F", "D")
    assert after.notes == ()


def test_an_override_can_put_it_in_service(tmp_path):
    _net(tmp_path)
    c = _compile(tmp_path, overrides={"crossings": {"E-F": {"in_service_from": None}}})
    assert c.services[0].route.nodes == ("A", "E", "F", "D")


def test_a_disruption_on_it_names_the_date(tmp_path):
    _net(tmp_path)
    with pytest.raises(ScenarioError) as info:
        _compile(tmp_path, disruptions=[{"kind": "closure", "target": "E-F",
                                         "window": {"start_day": 1, "end_day": 2}}])
    got = {p.item: p.message for p in info.value.problems}
    assert got["disruptions[0].target"] == (
        "E-F is not in service until 2026-01-01 (its in_service_from), after the "
        "scenario's start_date 2025-01-01")


def test_a_route_pinned_through_its_station_goes_round(tmp_path):
    """Pinned nodes are waypoints: E is still reached (from A), but never over E-F."""
    _net(tmp_path)
    c = _compile(tmp_path, services=[{"id": "S", "origin": "A", "destination": "D",
                                      "route": ["A", "E", "D"], "departures_per_week": 7}])
    nodes = c.services[0].route.nodes
    assert "E" in nodes and ("E", "F") not in zip(nodes, nodes[1:])


@pytest.mark.parametrize("value", ["2026", "1 Jan 2026", 2026])
def test_a_malformed_date_names_file_item_and_field(tmp_path, value):
    base = _net(tmp_path, opened=value)
    with pytest.raises(NetworkError) as info:
        load_network(base)
    [p] = [p for p in info.value.problems if p.item == "E-F"]
    assert p.file.endswith("crossings.yaml") and p.field == "in_service_from"
    assert "expected a date written YYYY-MM-DD" in p.message


def test_bundled_year_scenarios_leave_out_what_opened_later():
    """Moiynty–Kyzylzhar (MOI-ZHZ) planned for 2026, taken from 2027-01-01; the first
    container train over Svislach–Siemianówka in Nov 2021 (links.geojson / crossings.yaml
    sources)."""
    got = {}
    for name in ("cre-2019", "cre-2021", "cre-2024"):
        sc, path = load_scenario(name)
        net = compile_scenario(sc, file=path).network
        got[name] = ("MOI-ZHZ" in net.links, "SVL-SIE" in net.crossings,
                     "SVL-SIE" in net.links)
    assert got == {"cre-2019": (False, False, False), "cre-2021": (False, False, False),
                   "cre-2024": (False, True, True)}
    whole = load_network(None)  # the network files themselves keep everything
    assert "MOI-ZHZ" in whole.links and "SVL-SIE" in whole.crossings
