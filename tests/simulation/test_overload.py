"""Bounded queues: overload is held back to the origin and the limiting element named."""

import numpy as np
import pytest
from netfactory import crossing, link, node, write

from landbridge.network import load_network
from mini import run


def _chain(tmp_path, last_cap):
    """O -1 h- X1a =X1= X1b -1 h- X2a =X2= X2b -1 h- X3a =X3= X3b -1 h- D.

    X1 and X2 clear a train in 0.5 h with 4 teams and have 2 yard tracks (static
    capacity 96 trains/day: yard 2 × 24 / 0.5); X3 accepts at most ``last_cap``
    trains/day."""
    nodes = [node("O", "KZ", 60, 45, kind="terminal", gauge=1520)]
    countries = {1: ("KZ", "RU"), 2: ("RU", "KZ"), 3: ("KZ", "RU")}
    for i in (1, 2, 3):
        a, b = countries[i]
        nodes += [node(f"X{i}a", a, 60 + 2 * i, 45, kind="border_station", gauge=1520),
                  node(f"X{i}b", b, 60.5 + 2 * i, 45, kind="border_station", gauge=1520)]
    nodes.append(node("D", "RU", 70, 45, kind="terminal", gauge=1520))
    seq = ["O", "X1a", "X1b", "X2a", "X2b", "X3a", "X3b", "D"]
    links = [link(f"{a}-{b}", a, b, 50, running_time_h=1.0 if i % 2 == 0 else 0.1,
                  gauge=1520, cap=1000) for i, (a, b) in enumerate(zip(seq, seq[1:]))]
    cr = [crossing(f"X{i}", f"X{i}a", f"X{i}b", f"X{i}a-X{i}b", receiving_yard_tracks=2,
                   inspection_teams=4, clearance_h={"kind": "fixed", "value": 0.5},
                   handover_h={"kind": "fixed", "value": 0.0},
                   **({"max_trains_per_day": last_cap} if i == 3 else {}))
          for i in (1, 2, 3)]
    return load_network(write(tmp_path / "n", nodes, links, cr))


def _queue_max(ev, cid):
    """Most trains at once that had arrived at ``cid`` and not yet got a yard track."""
    sub = ev[ev.crossing == cid]
    steps = np.concatenate([np.column_stack([sub[sub.event == "arrive"].time_h, np.ones(
        (sub.event == "arrive").sum())]), np.column_stack([sub[sub.event == "yard_in"].time_h,
                                                          -np.ones((sub.event == "yard_in").sum())])])
    order = np.lexsort((steps[:, 1], steps[:, 0]))  # at equal times, leave before join
    return int(np.cumsum(steps[order, 1]).max())


def test_overload_is_held_at_the_origin_and_the_last_crossing_named(tmp_path):
    net = _chain(tmp_path, last_cap=6)
    room = 2  # approach sidings; the lines store no train (1e5 km per train)
    result, compiled = run(net, horizon_days=10, approach_holding_trains=room,
                           line_storage_km_per_train=1e5, services=[
                               {"id": "S", "origin": "O", "destination": "D",
                                "departures_per_week": 84, "teu_per_train": 2}])
    ev = result.events.to_pandas()
    # the middle crossing never queues more than its physical room
    assert _queue_max(ev, "X2") <= room
    assert _queue_max(ev, "X1") <= room
    # the overload is held at the origin: 11.9 trains/day offered, 6 accepted by X3
    held = ev[ev.event == "held"]
    assert (held.node == "O").any()
    e = result.end
    assert e.unshipped_at_origin_teu > 0
    # X3 accepted at most 6 trains/day: 10 days → at most 61 trains delivered
    assert e.trains_delivered <= 61
    # conservation, with unshipped boxes at the origin
    assert e.dispatched_teu == e.delivered_teu + e.in_transit_teu + e.waiting_at_crossings_teu \
        + e.held_teu + e.in_buffers_teu + e.unshipped_at_origin_teu
    (c,) = e.corridors
    assert c.limiting_id == "X3" and c.limiting_kind == "crossing"
    assert c.limiting_element == "Crossing X3 acceptance"
    # every 2 h from 08:00 Almaty (03:00 UTC): 119 departures in 10 days
    assert c.demand_trains_per_day == pytest.approx(11.9) and c.capacity_trains_per_day == 6.0
    assert c.overloaded
    assert c.sentence == (
        f"Eastbound via X1 > X2 > X3: scheduled demand 11.9 trains/day exceeds the capacity of its "
        f"limiting element, Crossing X3 acceptance, 6.0 trains/day; "
        f"{e.unshipped_at_origin_teu:,.0f} TEU unshipped at origins at the end.")
    assert e.overload_sentences == (c.sentence,)


def test_demand_below_capacity_is_not_overloaded(tmp_path):
    net = _chain(tmp_path, last_cap=24)
    result, _ = run(net, horizon_days=5, approach_holding_trains=2,
                    line_storage_km_per_train=1e5, services=[
                        {"id": "S", "origin": "O", "destination": "D",
                         "departures_per_week": 84, "teu_per_train": 2}])
    (c,) = result.end.corridors
    assert c.limiting_id == "X3" and c.utilization == pytest.approx(59 / 5 / 24)  # 59 departures in 5 days
    assert not c.overloaded
    assert c.sentence is None and result.end.overload_sentences == ()
    assert result.end.unshipped_at_origin_teu == 0


def test_a_ferry_holds_its_overload_at_the_origin(tmp_path):
    """O -1 h- P ~ferry, one sailing a day for one train~ Q -1 h- D, 4 trains a day:
    at most the approach room (2) waits at the port; the rest is held at the origin and
    the ferry is named as the limiting element."""
    nodes = [node("O", "KZ", 50, 44, kind="terminal", gauge=1520),
             node("P", "KZ", 51, 44, kind="seaport", gauge=1520),
             node("Q", "RU", 52, 44, kind="seaport", gauge=1520),
             node("D", "RU", 53, 44, kind="terminal", gauge=1520)]
    links = [link("O-P", "O", "P", 10, running_time_h=1.0, gauge=1520, cap=100),
             link("P-Q", "P", "Q", 300, mode="ferry", running_time_h=20.0,
                  sailings_per_week=7, capacity_wagons_per_sailing=44,
                  capacity_teu_per_sailing=88.0),
             link("Q-D", "Q", "D", 10, running_time_h=1.0, gauge=1520, cap=100)]
    net = load_network(write(tmp_path / "n", nodes, links, []))
    result, _ = run(net, horizon_days=10, approach_holding_trains=2,
                    line_storage_km_per_train=1e5, services=[
                        {"id": "S", "origin": "O", "destination": "D",
                         "departures_per_week": 28, "teu_per_train": 88}])
    ev = result.events.to_pandas()
    arrive = ev[ev.event == "port_arrive"].time_h.to_numpy()
    board = ev[ev.event == "ferry_board"].time_h.to_numpy()
    steps = sorted([(t, 1) for t in arrive] + [(t, -1) for t in board], key=lambda x: (x[0], x[1]))
    assert max(np.cumsum([d for _, d in steps])) <= 2
    e = result.end
    assert e.unshipped_at_origin_teu > 0
    (c,) = e.corridors
    assert c.limiting_kind == "ferry" and c.limiting_id == "P-Q"
    assert c.capacity_trains_per_day == pytest.approx(1.0) and c.overloaded


def test_a_measure_that_builds_a_backlog_is_named_though_the_average_fits(tmp_path):
    """X3 accepts 24 trains/day, cut to × 0.25 (6/day) on days 3–5 of 5: time-averaged
    capacity (3 × 24 + 2 × 6) / 5 = 16.8 trains/day, above the scheduled 59 / 5 = 11.8,
    so not overloaded; but 11.8 > 6 during the cut, so trains are held at the origin at
    the end and the sentence says so, with the measure."""
    net = _chain(tmp_path, last_cap=24)
    result, _ = run(net, horizon_days=5, approach_holding_trains=2,
                    line_storage_km_per_train=1e5, services=[
                        {"id": "S", "origin": "O", "destination": "D",
                         "departures_per_week": 84, "teu_per_train": 2}],
                    disruptions=[{"kind": "capacity_scale", "id": "x3-cut", "target": "X3",
                                  "factor": 0.25,
                                  "window": {"start_day": 3.0, "end_day": 5.0}}])
    (c,) = result.end.corridors
    assert c.capacity_trains_per_day == pytest.approx(16.8)
    assert c.utilization == pytest.approx(11.8 / 16.8)
    assert not c.overloaded
    assert c.capacity_note == ("time-averaged over the run incl. x3-cut × 0.25 from "
                               "2025-01-04 to 2025-01-06; 24.0 trains/day without it")
    uns = result.end.unshipped_at_origin_teu
    assert uns > 0 and c.unshipped_teu == uns
    assert c.sentence == (
        f"Eastbound via X1 > X2 > X3: {uns:,.0f} TEU unshipped at origins at the end "
        f"although its scheduled demand, 11.8 trains/day, fits its limiting element, "
        f"Crossing X3 acceptance, 16.8 trains/day ({c.capacity_note}), on average: a "
        f"backlog built up while the load was above the capacity available.")
    assert result.end.overload_sentences == (c.sentence,)


def test_backlog_summary_names_the_element_holding_most():
    """Hand-built corridor_load rows: two corridors behind one crossing (100 + 50 TEU,
    one row repeated), one behind a line (30 TEU)."""
    from landbridge.simulation.accounting import backlog_summary

    cut = "time-averaged over the run incl. cut × 0.5 from 2021-08-01 to 2021-11-01"
    rows = [dict(corridor="A", direction="westbound", limiting_element="X acceptance",
                 unshipped_teu=100.0, overloaded=0.0, capacity_trains_per_day=9.38,
                 capacity_note=cut),
            dict(corridor="A", direction="westbound", limiting_element="X acceptance",
                 unshipped_teu=100.0, overloaded=0.0),
            dict(corridor="A > B", direction="westbound", limiting_element="X acceptance",
                 unshipped_teu=50.0, overloaded=0.0, capacity_trains_per_day=9.38,
                 capacity_note=cut),
            dict(corridor="C", direction="eastbound", limiting_element="line L",
                 unshipped_teu=30.0, overloaded=0.0, capacity_trains_per_day=24.0,
                 capacity_note="")]
    assert backlog_summary(31008.0, rows) == (
        "No corridor is overloaded on average, but a backlog built up: 31,008 TEU were "
        "still held upstream at the end, 150 TEU of them unshipped at the origins of "
        f"westbound corridors limited by X acceptance, 9.4 trains/day {cut}.")
    rows[3]["overloaded"] = 1.0
    assert backlog_summary(200.0, rows).startswith("A backlog built up: 200 TEU were")
    assert backlog_summary(0.0, rows) is None
