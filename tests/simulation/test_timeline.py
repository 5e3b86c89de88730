"""Exact, hand-computed event timelines on tiny corridors."""

import pytest
from netfactory import link, node, write

from landbridge.network import load_network
from mini import crossing_times, one_crossing_network, run

TRANSSHIP = {"tracks": 1, "cranes_per_track": 2, "lifts_per_crane_h": 20.0, "setup_h": 0.5}


def test_three_node_corridor_timeline(tmp_path):
    """A -100 km @ 50 km/h (2 h, headway 0.5 h)- B =gauge break= C (destination).

    Crossing: 1 team, clearance 2 h, handover 0.5 h, 1 transshipment track with
    2 cranes × 20 lifts/h + 0.5 h set-up: 41 boxes → 41/40 + 0.5 = 1.525 h; the border
    link itself 10 km @ 20 km/h = 0.5 h. Departures 08:00 and 08:15 Almaty time
    (UTC+5) = hours 3.00 and 3.25 of the clock; the second train must keep the 0.5 h
    headway behind the first, so it enters A–B at 3.5.
    """
    net = one_crossing_network(
        tmp_path / "n", gauge_break=True, transshipment=TRANSSHIP,
        clearance_h={"kind": "fixed", "value": 2.0}, handover_h={"kind": "fixed", "value": 0.5})
    # replace the tiny links with the ones of this test
    import json
    links = json.loads((tmp_path / "n" / "links.geojson").read_text())["features"]
    links[0]["properties"].update(length_km=100, speed_kmh=50, capacity_trains_per_day=48)
    links[0]["properties"].pop("running_time_h")
    links[1]["properties"].update(length_km=10, speed_kmh=20)
    links[1]["properties"].pop("running_time_h")
    (tmp_path / "n" / "links.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": links}))
    net = load_network(tmp_path / "n")
    result, _ = run(net, horizon_days=2, services=[
        {"id": "S", "origin": "A", "destination": "C", "weekdays": ["wed"],
         "times": ["08:00", "08:15"], "teu_per_train": 82}])
    ev = result.events.to_pandas()
    got = [(r.train, r.event, round(r.time_h, 6)) for r in ev.itertuples()]
    t1, t2 = "S-0001", "S-0002"
    expected = [
        (t1, "dispatch", 3.0), (t2, "dispatch", 3.25),
        (t1, "arrive", 5.0), (t1, "yard_in", 5.0), (t1, "clearance_start", 5.0),
        (t2, "arrive", 5.5), (t2, "yard_in", 5.5),
        (t1, "cleared", 7.0), (t2, "clearance_start", 7.0),
        (t1, "handed_over", 7.5), (t1, "transship_start", 7.5),
        (t1, "transshipped", 9.025), (t2, "cleared", 9.0),
        (t2, "handed_over", 9.5), (t2, "transship_start", 9.5),
        (t1, "depart", 9.525), (t1, "deliver", 9.525),
        (t2, "transshipped", 11.025), (t2, "depart", 11.525), (t2, "deliver", 11.525),
    ]
    assert sorted(got, key=lambda x: (x[2], x[0])) == sorted(expected, key=lambda x: (x[2], x[0]))
    # recording order never goes back in time
    assert ev.time_h.is_monotonic_increasing


def test_closure_window_and_backlog_clearance(tmp_path):
    """Trains arrive every 4 h (0.01, 4.01, ...); one team clears a train in 1 h; the
    crossing is closed from hour 10 to hour 34 (2025-01-01 10:00 to 01-02 10:00 UTC).

    Six trains (12.01 ... 32.01) queue; from 34 they start at 1 per hour: 34 ... 39,
    then the arrivals of 36.01 and 40.01 start at 40 and 41; the queue is empty again
    when the 41-h train finishes at 42, and the 44.01 arrival starts at once.
    """
    net = one_crossing_network(tmp_path / "n")
    result, _ = run(net, horizon_days=2.5, services=[
        {"id": "S", "origin": "A", "destination": "C", "departures_per_week": 42,
         "times": ["05:00"], "teu_per_train": 2}],
        disruptions=[{"kind": "closure", "target": "B-C",
                      "window": {"start": "2025-01-01T10:00:00Z", "end": "2025-01-02T10:00:00Z"}}])
    p = crossing_times(result).sort_values("arrive")
    starts = [round(x, 6) for x in p.clearance_start.dropna()]
    assert starts[:13] == [0.01, 4.01, 8.01, 34, 35, 36, 37, 38, 39, 40, 41, 44.01, 48.01]
    assert not any(10 <= s < 34 for s in starts)


def test_operating_hours_hold_work_in_local_time(tmp_path):
    """Open 08:00–20:00 Asia/Almaty (UTC+5) = 03:00–15:00 UTC. A train arriving at
    0.01 h waits for 3.0; 13 h of clearance: 12 h until 15.0, paused overnight,
    the last hour from 27.0 to 28.0."""
    net = one_crossing_network(tmp_path / "n", hours={"open_h": 8, "close_h": 20},
                               clearance_h={"kind": "fixed", "value": 13.0})
    result, _ = run(net, horizon_days=3, services=[
        {"id": "S", "origin": "A", "destination": "C", "weekdays": ["wed"],
         "times": ["05:00"], "teu_per_train": 2}])
    p = crossing_times(result)
    row = p.loc["S-0001"]
    assert row.clearance_start == pytest.approx(3.0)
    assert row.cleared == pytest.approx(28.0)


def test_operating_hours_follow_daylight_saving(tmp_path):
    """Europe/Warsaw, open from 08:00: 07:00 UTC on Sat 29 Mar 2025 (CET), 06:00 UTC on
    Mon 31 Mar (CEST, summer time began 30 Mar 01:00 UTC)."""
    net = one_crossing_network(tmp_path / "n", hours={"open_h": 8, "close_h": 20},
                               tz="Europe/Warsaw")
    result, _ = run(net, start_date="2025-03-29", horizon_days=3, services=[
        {"id": "S", "origin": "A", "destination": "C", "weekdays": ["sat", "mon"],
         "times": ["05:00"], "teu_per_train": 2}])
    p = crossing_times(result).sort_values("arrive")
    assert list(p.clearance_start.round(6)) == [7.0, 54.0]


def test_reformation_conserves_containers(tmp_path):
    """44-box trains meet a section that takes 43 wagons: after 10 trains, 440 boxes
    formed floor(440/43) = 10 onward trains of 43 and 10 boxes wait at B."""
    nodes = [node("A", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("B", "KZ", 71, 45, gauge=1520), node("C", "KZ", 72, 45, kind="terminal", gauge=1520)]
    links = [link("A-B", "A", "B", 10, running_time_h=1.0, gauge=1520, cap=1000),
             link("B-C", "B", "C", 10, running_time_h=1.0, gauge=1520, cap=1000, max_train_wagons=43)]
    net = load_network(write(tmp_path / "n", nodes, links, []))
    result, _ = run(net, horizon_days=10, services=[
        {"id": "S", "origin": "A", "destination": "C", "departures_per_week": 7,
         "teu_per_train": 88}])
    end = result.end
    assert end.trains_dispatched == 10
    assert end.dispatched_teu == 10 * 88
    assert end.in_buffers_teu == 10 * 2  # 10 boxes of 2 TEU wait at B
    assert end.trains_delivered == 10
    assert end.delivered_teu == 10 * 43 * 2
    assert end.dispatched_teu == end.delivered_teu + end.in_buffers_teu + end.in_transit_teu
    ev = result.events.to_pandas()
    assert (ev.event == "reform_in").sum() == 10
    assert (ev.event == "reform_out").sum() == 10
