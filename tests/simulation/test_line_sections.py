"""Line sections first come, first served at the section: hand-computed timelines."""

import pytest
from netfactory import link, node, write

from landbridge.network import load_network
from mini import run


def _deliveries(result):
    ev = result.events.to_pandas()
    return ev[ev.event == "deliver"].set_index("service").time_h.round(6).to_dict()


def test_nearer_train_goes_first_onto_a_shared_section(tmp_path):
    """FAR leaves F at 0 h and reaches the junction J after 10 h; NEAR leaves N at 1 h
    and reaches J at 2 h. The shared double-track section J–D takes 2 h and 2 trains/day
    per direction (12 h headway). First come at the section: NEAR enters at 2, arrives
    at 4; FAR must keep the headway behind it, enters at 14, arrives at 16. (Reserving
    sections at dispatch would have made NEAR wait for FAR until 22.)"""
    nodes = [node("F", "KZ", 60, 45, kind="terminal", gauge=1520),
             node("N", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("J", "KZ", 71, 45, gauge=1520),
             node("D", "KZ", 72, 45, kind="terminal", gauge=1520)]
    links = [link("F-J", "F", "J", 500, running_time_h=10.0, gauge=1520, cap=1000),
             link("N-J", "N", "J", 50, running_time_h=1.0, gauge=1520, cap=1000),
             link("J-D", "J", "D", 100, running_time_h=2.0, gauge=1520, cap=2)]
    net = load_network(write(tmp_path / "n", nodes, links, []))
    # 05:00 and 06:00 Almaty time (UTC+5) on Wed 1 Jan 2025 are hours 0 and 1
    result, _ = run(net, horizon_days=2, services=[
        {"id": "FAR", "origin": "F", "destination": "D", "weekdays": ["wed"],
         "times": ["05:00"], "teu_per_train": 2},
        {"id": "NEAR", "origin": "N", "destination": "D", "weekdays": ["wed"],
         "times": ["06:00"], "teu_per_train": 2}])
    assert _deliveries(result) == {"NEAR": 4.0, "FAR": 16.0}


@pytest.mark.parametrize("tracks, expected_ba", [(1, 4.0), (2, 3.0)])
def test_single_track_section_is_shared_by_both_directions(tmp_path, tracks, expected_ba):
    """A–B takes 1 h and 4 trains/day. AB leaves A at 0 h (arrives 1); BA leaves B at
    2 h. On single track, 4 train pairs/day: both directions share one headway of
    24 / (2 × 4) = 3 h, so BA enters at 0 + 3 = 3 and arrives at 4. On double track
    (6 h headway per direction) it enters at once and arrives at 3."""
    nodes = [node("A", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("B", "KZ", 71, 45, kind="terminal", gauge=1520)]
    links = [link("A-B", "A", "B", 50, running_time_h=1.0, gauge=1520, cap=4, tracks=tracks)]
    net = load_network(write(tmp_path / "n", nodes, links, []))
    result, _ = run(net, horizon_days=1, services=[
        {"id": "AB", "origin": "A", "destination": "B", "weekdays": ["wed"],
         "times": ["05:00"], "teu_per_train": 2},
        {"id": "BA", "origin": "B", "destination": "A", "weekdays": ["wed"],
         "times": ["07:00"], "teu_per_train": 2}])
    assert _deliveries(result) == {"AB": 1.0, "BA": expected_ba}


def test_a_closed_section_holds_trains_until_it_reopens(tmp_path):
    """A–B (1 h) is closed from 0 to 5 h: the train leaving at 0 h waits at A for the
    reopening and arrives at 6 h."""
    nodes = [node("A", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("B", "KZ", 71, 45, kind="terminal", gauge=1520)]
    links = [link("A-B", "A", "B", 50, running_time_h=1.0, gauge=1520, cap=100)]
    net = load_network(write(tmp_path / "n", nodes, links, []))
    result, _ = run(net, horizon_days=1, services=[
        {"id": "AB", "origin": "A", "destination": "B", "weekdays": ["wed"],
         "times": ["05:00"], "teu_per_train": 2}],
        disruptions=[{"kind": "closure", "target": "A-B",
                      "window": {"start_day": 0, "end_day": 5 / 24}}])
    assert _deliveries(result) == {"AB": 6.0}


def test_a_closed_origin_holds_only_its_own_departures(tmp_path):
    """Terminal A is closed from 0 to 5 h. A's train due at 0 h is dispatched when A
    reopens (5 h) and arrives at C at 6 h; B's train due at 1 h is not held up by A's
    closure: it leaves B at 1 h and arrives at 2 h (one dispatcher used to wait for A's
    reopening before dispatching anything later, so B's train left at 5 h)."""
    nodes = [node("A", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("B", "KZ", 70.5, 46, kind="terminal", gauge=1520),
             node("C", "KZ", 71, 45, kind="terminal", gauge=1520)]
    links = [link("A-C", "A", "C", 50, running_time_h=1.0, gauge=1520, cap=100),
             link("B-C", "B", "C", 50, running_time_h=1.0, gauge=1520, cap=100)]
    net = load_network(write(tmp_path / "n", nodes, links, []))
    result, _ = run(net, horizon_days=1, services=[
        {"id": "AC", "origin": "A", "destination": "C", "weekdays": ["wed"],
         "times": ["05:00"], "teu_per_train": 2},
        {"id": "BC", "origin": "B", "destination": "C", "weekdays": ["wed"],
         "times": ["06:00"], "teu_per_train": 2}],
        disruptions=[{"kind": "closure", "target": "A",
                      "window": {"start_day": 0, "end_day": 5 / 24}}])
    assert _deliveries(result) == {"AC": 6.0, "BC": 2.0}
    ev = result.events.to_pandas()
    assert ev[ev.event == "dispatch"].set_index("service").time_h.round(6).to_dict() == \
        {"AC": 5.0, "BC": 1.0}
