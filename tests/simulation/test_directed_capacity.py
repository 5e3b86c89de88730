"""A ``capacity_scale`` with a ``direction`` limits one side of a crossing only (the 2021
Alashankou cut counted trains handed over into Kazakhstan, not trains into China)."""

import pytest
from netfactory import crossing, link, node, write

from landbridge.errors import ScenarioError
from landbridge.network import load_network
from landbridge.scenario import compile_scenario
from landbridge.simulation import simulate_replication

from mini import scenario


def _net(tmp_path):
    """A (KZ terminal) - B (KZ border) = B-C crossing = C (RU border) - D (RU terminal).
    The crossing accepts 24 trains a day per direction; one 0.1 h clearance team per
    side, no handover, so only the cap can hold a train."""
    nodes = [node("A", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("B", "KZ", 71, 45, kind="border_station", gauge=1520),
             node("C", "RU", 72, 45, kind="border_station", gauge=1520),
             node("D", "RU", 73, 45, kind="terminal", gauge=1520)]
    links = [link("A-B", "A", "B", 1, running_time_h=0.01, gauge=1520, cap=100000),
             link("B-C", "B", "C", 1, running_time_h=0.01, gauge=1520, cap=100000),
             link("C-D", "C", "D", 1, running_time_h=0.01, gauge=1520, cap=100000)]
    bcp = crossing("B-C", "B", "C", "B-C", receiving_yard_tracks=1000, inspection_teams=1,
                   max_trains_per_day=24.0, clearance_h={"kind": "fixed", "value": 0.1},
                   handover_h={"kind": "fixed", "value": 0.0})
    return load_network(write(tmp_path / "n", nodes, links, [bcp]))


# one train an hour each way; a cut to 6 trains a day (factor 0.25) on day 1 to day 2
_SERVICES = [{"id": "W", "origin": "A", "destination": "D", "departures_per_week": 168,
              "teu_per_train": 2},
             {"id": "E", "origin": "D", "destination": "A", "departures_per_week": 168,
              "teu_per_train": 2}]


def _cut(direction=None):
    d = {"kind": "capacity_scale", "target": "B-C", "factor": 0.25,
         "window": {"start_day": 1, "end_day": 2}}
    if direction is not None:
        d["direction"] = direction
    return d


def _starts(result, service):
    """Clearance start times (h) at B-C of the trains of ``service``, sorted."""
    ev = result.events.to_pandas()
    ev = ev[(ev.crossing == "B-C") & (ev.event == "clearance_start")
            & ev.train.astype(str).str.startswith(service)]
    return sorted(ev.time_h.round(9).tolist())


def _in_window(times):
    return sum(24.0 <= t < 48.0 for t in times)


def _run(net, disruptions):
    sc = scenario(horizon_days=3, services=_SERVICES, disruptions=disruptions)
    return simulate_replication(compile_scenario(sc, net))


def test_directed_cut_caps_westbound_and_leaves_eastbound_alone(tmp_path):
    net = _net(tmp_path)
    base = _run(net, [])
    west_cut = _run(net, [_cut("a_to_b")])
    both_cut = _run(net, [_cut()])
    # without a cut every hourly train starts clearance in the window: 24 each way
    assert _in_window(_starts(base, "W")) == 24
    assert _in_window(_starts(base, "E")) == 24
    # a_to_b (station a B -> station b C: westbound here) gets 24 × 0.25 = 6 a day (±1
    # for the train accepted at the window's edge); eastbound runs exactly as without
    assert _in_window(_starts(west_cut, "W")) in (6, 7)
    assert _starts(west_cut, "E") == _starts(base, "E")
    # the same window without a direction caps both sides
    assert _in_window(_starts(both_cut, "W")) in (6, 7)
    assert _in_window(_starts(both_cut, "E")) in (6, 7)


def test_directed_cut_on_the_other_side(tmp_path):
    net = _net(tmp_path)
    base = _run(net, [])
    east_cut = _run(net, [_cut("b_to_a")])
    assert _starts(east_cut, "W") == _starts(base, "W")
    assert _in_window(_starts(east_cut, "E")) in (6, 7)


def test_a_direction_on_a_link_is_refused_naming_the_field(tmp_path):
    net = _net(tmp_path)
    d = {**_cut("a_to_b"), "target": "A-B"}
    with pytest.raises(ScenarioError) as exc:
        compile_scenario(scenario(horizon_days=3, services=_SERVICES, disruptions=[d]), net)
    text = str(exc.value)
    assert "disruptions[0]" in text and "direction" in text and "A-B is a link" in text


def test_a_direction_other_than_the_two_sides_is_refused():
    with pytest.raises(ScenarioError) as exc:
        scenario(horizon_days=3, services=_SERVICES, disruptions=[_cut("westbound")])
    assert "direction" in str(exc.value)
