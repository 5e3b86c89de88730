"""A ``capacity_scale`` with a ``direction`` limits one side of a crossing only (the 2021
Alashankou cut counted trains handed over into Kazakhstan, not trains into China)."""

import pytest
from directed_net import SERVICES, cut, directed_net, directed_scenario

from landbridge.errors import ScenarioError
from landbridge.scenario import compile_scenario, parse_scenario
from landbridge.simulation import simulate_replication


def _starts(result, service):
    """Clearance start times (h) at B-C of the trains of ``service``, sorted."""
    ev = result.events.to_pandas()
    ev = ev[(ev.crossing == "B-C") & (ev.event == "clearance_start")
            & ev.train.astype(str).str.startswith(service)]
    return sorted(ev.time_h.round(9).tolist())


def _in_window(times):
    return sum(24.0 <= t < 48.0 for t in times)


def _run(net, disruptions):
    return simulate_replication(compile_scenario(directed_scenario(disruptions), net))


def test_directed_cut_caps_westbound_and_leaves_eastbound_alone(tmp_path):
    net = directed_net(tmp_path / "n")
    base = _run(net, [])
    west_cut = _run(net, [cut("a_to_b")])
    both_cut = _run(net, [cut()])
    # without a cut every hourly train starts clearance in the window: 24 each way
    assert _in_window(_starts(base, "W")) == 24
    assert _in_window(_starts(base, "E")) == 24
    # a_to_b (station a B -> station b C: westbound here) gets 24 × 0.25 = 6 a day (+1
    # for the train accepted at the window's edge); eastbound runs exactly as without
    assert _in_window(_starts(west_cut, "W")) in (6, 7)
    assert _starts(west_cut, "E") == _starts(base, "E")
    # the same window without a direction caps both sides
    assert _in_window(_starts(both_cut, "W")) in (6, 7)
    assert _in_window(_starts(both_cut, "E")) in (6, 7)


def test_directed_cut_on_the_other_side(tmp_path):
    net = directed_net(tmp_path / "n")
    base = _run(net, [])
    east_cut = _run(net, [cut("b_to_a")])
    assert _starts(east_cut, "W") == _starts(base, "W")
    assert _in_window(_starts(east_cut, "E")) in (6, 7)


def test_a_direction_on_a_link_is_refused_naming_the_field(tmp_path):
    net = directed_net(tmp_path / "n")
    with pytest.raises(ScenarioError) as exc:
        compile_scenario(directed_scenario([{**cut("a_to_b"), "target": "A-B"}]), net)
    text = str(exc.value)
    assert "disruptions[0]" in text and "direction" in text and "A-B is a link" in text


def test_a_direction_other_than_the_two_sides_is_refused():
    with pytest.raises(ScenarioError) as exc:
        parse_scenario({"name": "t", "start_date": "2025-01-01", "horizon_days": 3,
                        "services": SERVICES, "disruptions": [cut("westbound")]})
    assert "direction" in str(exc.value)
