"""Back-pressure: trains held upstream of a congested crossing, released fairly."""

import pytest
from netfactory import crossing, link, node, write

from landbridge.network import load_network
from mini import run


def _net(tmp_path):
    """N (near, 0.5 h) and F (far, 19.5 h to S, then 0.5 h) both feed B =B-C= C. One team
    clears a train in 1 h, so the crossing's static capacity is 24 trains/day; the
    receiving yard has two tracks, trains beyond them wait on the approach. Far trains
    take their place in B's room at S (the first node of their last link)."""
    nodes = [node("N", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("F", "KZ", 60, 45, kind="terminal", gauge=1520),
             node("S", "KZ", 70.5, 45, gauge=1520),
             node("B", "KZ", 71, 45, kind="border_station", gauge=1520),
             node("C", "RU", 72, 45, kind="border_station", gauge=1520)]
    links = [link("N-B", "N", "B", 10, running_time_h=0.5, gauge=1520, cap=1000),
             link("F-S", "F", "S", 975, running_time_h=19.5, gauge=1520, cap=1000),
             link("S-B", "S", "B", 25, running_time_h=0.5, gauge=1520, cap=1000),
             link("B-C", "B", "C", 1, running_time_h=0.01, gauge=1520, cap=1000)]
    cr = [crossing("B-C", "B", "C", "B-C", receiving_yard_tracks=2, inspection_teams=1,
                   clearance_h={"kind": "fixed", "value": 1.0},
                   handover_h={"kind": "fixed", "value": 0.0})]
    return load_network(write(tmp_path / "n", nodes, links, cr))


def test_held_trains_are_released_fairly_without_overfilling_the_approach(tmp_path):
    """Closed for day 1: trains from both origins are held, released oldest first at
    each place, none while the crossing is closed, and the trains waiting to be accepted
    never exceed the room (2 approach sidings; no line storage): a train takes its place
    at its origin (near) or at S (far) and gives it back when it gets a yard track.

    (Before issue 9, held trains were metered out at one per hour whatever their
    distance, first held first released across origins; then a train was sent as soon
    as the projected queue at its arrival had room, and trains already on their way
    when it closed could overfill the approach; now the room is a pool of places.)"""
    net = _net(tmp_path)
    result, compiled = run(
        net, horizon_days=6, approach_holding_trains=2, line_storage_km_per_train=1e5,
        services=[{"id": "NEAR", "origin": "N", "destination": "C", "departures_per_week": 42,
                   "teu_per_train": 2},
                  {"id": "FAR", "origin": "F", "destination": "C", "departures_per_week": 42,
                   "teu_per_train": 2}],
        disruptions=[{"kind": "closure", "target": "B-C",
                      "window": {"start_day": 1, "end_day": 2}}])
    ev = result.events.to_pandas()
    held = ev[ev.event == "held"].sort_values("seq")
    released = ev[ev.event == "released"].set_index(["train", "node"]).time_h
    # both origins are held: the near one is not starved, the far one not favoured
    assert set(held.service) == {"NEAR", "FAR"} and {"N", "F"} <= set(held.node)
    # every held train was released, none while closed, and at each place first held
    # first released (trains held at different places go when their own turn comes)
    order = released.loc[list(zip(held.train, held.node))].to_numpy()
    assert len(order) == len(held)
    for place in set(held.node):
        here = held[held.node == place]
        own = released.loc[list(zip(here.train, here.node))].to_numpy()
        assert (own[1:] - own[:-1] >= 0).all()
    assert not ((order > 24 + 1e-9) & (order < 48 - 1e-9)).any()  # closed: day 1
    # the queue waiting to be accepted never exceeds the room, at any arrival
    p = ev[ev.crossing == "B-C"].pivot_table(index="train", columns="event", values="time_h",
                                            aggfunc="first")
    t = p.arrive.dropna().sort_values()
    queue = max(((p.arrive <= x) & (p.yard_in > x)).sum() for x in t)
    assert queue == 2
    # no train is held for ever and conservation holds at the end
    e = result.end
    assert e.held_teu == 0 and e.unshipped_at_origin_teu == 0
    assert e.dispatched_teu == e.delivered_teu + e.in_transit_teu \
        + e.waiting_at_crossings_teu + e.in_buffers_teu


def test_a_closure_fills_the_room_and_no_more(tmp_path):
    net = _net(tmp_path)
    result, _ = run(
        net, horizon_days=4, approach_holding_trains=3, line_storage_km_per_train=1e5,
        services=[{"id": "NEAR", "origin": "N", "destination": "C", "departures_per_week": 168,
                   "teu_per_train": 2}],
        disruptions=[{"kind": "closure", "target": "B-C",
                      "window": {"start_day": 1, "end_day": 2}}])
    ev = result.events.to_pandas()
    p = ev[ev.crossing == "B-C"].pivot_table(index="train", columns="event", values="time_h",
                                            aggfunc="first")
    # queue just before reopening: trains arrived and not yet in clearance
    at = 47.9
    queue = ((p.arrive <= at) & ((p.clearance_start > at) | p.clearance_start.isna())).sum()
    # hourly trains, 0.5 h run: the room (3 places, taken at the origin) is full; no
    # train is accepted while closed, so those on the yard's 2 tracks keep their places
    # (a day of trains would be waiting otherwise)
    assert queue == 3
    assert (ev.event == "held").sum() > 0
