"""The room of a crossing is a pool of places (issue 9): the queue waiting to be accepted
never exceeds it, whatever the overload, and a train without a place waits where it is."""

import numpy as np
import pytest
from netfactory import crossing, link, node, write

from landbridge.network import load_network
from mini import one_crossing_network, run


def _queue_max(ev, cid, entry):
    """Most trains at once that had arrived at ``cid`` (entering at ``entry``) and not yet
    got a yard track, over every event (at equal times a train leaves before one joins)."""
    sub = ev[(ev.crossing == cid) & (ev.node == entry)]
    t = np.concatenate([sub[sub.event == "arrive"].time_h, sub[sub.event == "yard_in"].time_h])
    d = np.concatenate([np.ones((sub.event == "arrive").sum()),
                        -np.ones((sub.event == "yard_in").sum())])
    order = np.lexsort((d, t))
    return int(np.cumsum(d[order]).max())


def _held_max(ev, node):
    """Most trains held at once at ``node``."""
    hr = ev[ev.event.isin(["held", "released"]) & (ev.node == node)]
    d = np.where(hr.event == "held", 1, -1)
    order = np.lexsort((d, hr.time_h.to_numpy()))
    return int(np.cumsum(d[order]).max())


def _overloaded(tmp_path):
    """N -50 km, 1 h- X1a =X1= X1b -150 km, 2 h- X2a =X2= X2b -1 h- D, and a far origin
    F -1000 km, 12 h- M -50 km, 1 h- X1a (M: the far trains' staging node).

    Room with 2 approach sidings and 100 km of line per standing train: X1 2 + 50 // 100
    = 2 (its shortest line is N's); X2 2 + 150 // 100 = 3. X1 clears with 2 teams in
    ~0.5 h; X2 accepts 4 trains/day, one team, ~2 h, and is closed on day 2."""
    nodes = [node("N", "KZ", 60, 45, kind="terminal", gauge=1520),
             node("F", "KZ", 50, 45, kind="terminal", gauge=1520),
             node("M", "KZ", 59, 45, gauge=1520),
             node("X1a", "KZ", 61, 45, kind="border_station", gauge=1520),
             node("X1b", "RU", 61.5, 45, kind="border_station", gauge=1520),
             node("X2a", "RU", 63, 45, kind="border_station", gauge=1520),
             node("X2b", "KZ", 63.5, 45, kind="border_station", gauge=1520),
             node("D", "KZ", 65, 45, kind="terminal", gauge=1520)]
    links = [link("N-X1a", "N", "X1a", 50, running_time_h=1.0, gauge=1520, cap=1000),
             link("F-M", "F", "M", 1000, running_time_h=12.0, gauge=1520, cap=1000),
             link("M-X1a", "M", "X1a", 50, running_time_h=1.0, gauge=1520, cap=1000),
             link("X1a-X1b", "X1a", "X1b", 5, running_time_h=0.1, gauge=1520, cap=1000),
             link("X1b-X2a", "X1b", "X2a", 150, running_time_h=2.0, gauge=1520, cap=1000),
             link("X2a-X2b", "X2a", "X2b", 5, running_time_h=0.1, gauge=1520, cap=1000),
             link("X2b-D", "X2b", "D", 50, running_time_h=1.0, gauge=1520, cap=1000)]
    cr = [crossing("X1", "X1a", "X1b", "X1a-X1b", receiving_yard_tracks=2, inspection_teams=2,
                   clearance_h={"kind": "exponential", "mean": 0.5},
                   handover_h={"kind": "fixed", "value": 0.0}),
          crossing("X2", "X2a", "X2b", "X2a-X2b", receiving_yard_tracks=2, inspection_teams=1,
                   max_trains_per_day=4, clearance_h={"kind": "exponential", "mean": 2.0},
                   handover_h={"kind": "fixed", "value": 0.0})]
    return load_network(write(tmp_path / "n", nodes, links, cr))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_queues_never_exceed_the_room_under_heavy_overload(tmp_path, seed):
    """24 trains/day offered (12 from each origin) to a chain whose last crossing takes 4
    and closes for a day: at every event the queue at each crossing fits its room, the
    excess is held at the origins, at the far trains' staging node or in X1's yard, and
    every TEU is accounted for."""
    net = _overloaded(tmp_path)
    result, _ = run(net, horizon_days=8, seed=seed, approach_holding_trains=2,
                    line_storage_km_per_train=100,
                    running_time_factor={"kind": "uniform", "low": 0.8, "high": 1.6},
                    services=[{"id": "NEAR", "origin": "N", "destination": "D",
                               "departures_per_week": 84, "teu_per_train": 2},
                              {"id": "FAR", "origin": "F", "destination": "D",
                               "departures_per_week": 84, "teu_per_train": 2}],
                    disruptions=[{"kind": "closure", "target": "X2",
                                  "window": {"start_day": 2, "end_day": 3}}])
    ev = result.events.to_pandas()
    assert _queue_max(ev, "X1", "X1a") <= 2
    assert _queue_max(ev, "X2", "X2a") == 3  # full, never over
    # X2 passes at most 4 a day: trains wait at the origins and in X1's yard; far
    # trains sent by the projection wait at M when X1's places are taken
    held = ev[ev.event == "held"]
    assert set(held.node) == {"N", "F", "M", "X1b"}
    e = result.end
    assert e.unshipped_at_origin_teu > 0
    assert e.trains_delivered <= 4 * 8 + 1
    assert e.dispatched_teu == pytest.approx(
        e.delivered_teu + e.in_transit_teu + e.waiting_at_crossings_teu + e.held_teu
        + e.in_buffers_teu + e.unshipped_at_origin_teu, abs=1e-9)
    # trains: every dispatched train is delivered or still in the model
    assert (ev.event == "deliver").sum() == e.trains_delivered
    assert result.end.trains_dispatched - e.trains_delivered == len(
        set(ev[ev.event == "dispatch"].train) - set(ev[ev.event == "deliver"].train))


def test_a_second_train_is_held_at_the_origin_until_the_first_is_accepted(tmp_path):
    """A -2 h- B =B-C= C; the room is 1 (one approach siding, no line storage), one yard
    track, one team clearing in 1 h, border link 0.01 h. Departures 08:00 and 08:15
    Almaty (hours 3.00 and 3.25).

    S-0001 takes the only place at 3.00, arrives at 5.00 and gets the yard track at
    once, giving the place back; S-0002, dispatched at 3.25, is held at A until then
    (5.00), arrives at 7.00 — its yard track was freed when S-0001 left at 6.01 (cleared
    6.00 + 0.01 border run)."""
    net = one_crossing_network(tmp_path / "n", receiving_yard_tracks=1)
    import json
    path = tmp_path / "n" / "links.geojson"
    links = json.loads(path.read_text())
    links["features"][0]["properties"]["running_time_h"] = 2.0
    path.write_text(json.dumps(links))
    net = load_network(tmp_path / "n")
    result, _ = run(net, horizon_days=1, approach_holding_trains=1,
                    line_storage_km_per_train=1e5, services=[
                        {"id": "S", "origin": "A", "destination": "C", "weekdays": ["wed"],
                         "times": ["08:00", "08:15"], "teu_per_train": 2}])
    ev = result.events.to_pandas()
    keep = {"dispatch", "held", "released", "arrive", "yard_in", "clearance_start", "depart",
            "deliver"}
    got = sorted((round(r.time_h, 6), r.train, r.event, r.node) for r in ev.itertuples()
                 if r.event in keep)
    t1, t2 = "S-0001", "S-0002"
    expected = sorted([
        (3.0, t1, "dispatch", "A"), (3.25, t2, "dispatch", "A"), (3.25, t2, "held", "A"),
        (5.0, t1, "arrive", "B"), (5.0, t1, "yard_in", "B"), (5.0, t1, "clearance_start", "B"),
        (5.0, t2, "released", "A"),
        (6.01, t1, "depart", "C"), (6.01, t1, "deliver", "C"),
        (7.0, t2, "arrive", "B"), (7.0, t2, "yard_in", "B"), (7.0, t2, "clearance_start", "B"),
        (8.01, t2, "depart", "C"), (8.01, t2, "deliver", "C")])
    assert got == expected
    held = ev[ev.event == "held"]
    assert list(held.crossing) == ["B-C"]
