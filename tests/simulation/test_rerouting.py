"""Rerouting policy: held trains divert to another corridor when their wait is too long."""

import pytest
from netfactory import two_corridor_network

from landbridge.network import load_network
from mini import run


def test_a_closure_longer_than_the_threshold_diverts_the_held_trains(tmp_path):
    """Trains A→D every 4 h from 08:00 Shanghai (00:00 UTC) by the north corridor
    (crossing B-C), which is closed from 24 h to 96 h; one train may wait on its
    approach. The 24 h train reaches B at 26 h and waits there. From 28 h every train
    is held at A; while the closure has more than 24 h to run (before 72 h) the held
    trains are diverted at once to the south corridor (E-F): the trains of 28, 32, ...,
    68 h — 11 trains of 88 TEU. Trains held from 72 h wait at most 24 h and stay."""
    net = load_network(two_corridor_network(tmp_path / "n"))
    result, compiled = run(
        net, horizon_days=8, approach_holding_trains=1, line_storage_km_per_train=1e5,
        rerouting={"max_wait_h": 24, "cost_usd_per_teu": 100},
        services=[{"id": "S", "origin": "A", "destination": "D", "route": ["A", "B", "D"],
                   "departures_per_week": 42}],
        disruptions=[{"kind": "closure", "target": "B-C",
                      "window": {"start_day": 1, "end_day": 4}}])
    (plan,) = compiled.services
    assert [r.corridor for r in plan.alternatives] == [("E-F",)]
    ev = result.events.to_pandas()
    div = ev[ev.event == "divert"]
    assert div.time_h.round(6).tolist() == [28.0 + 4 * k for k in range(11)]
    assert (div.crossing == "B-C").all() and (div.corridor == "E-F").all()
    dl = ev[ev.event == "deliver"]
    assert set(dl[dl.train.isin(div.train)].corridor) == {"E-F"}
    assert set(dl[~dl.train.isin(div.train)].corridor) == {"B-C"}
    e = result.end
    assert e.diverted_trains == 11 and e.diverted_teu == 11 * 88
    assert e.diversion_cost_usd == pytest.approx(11 * 88 * 100)
    assert e.dispatched_teu == e.delivered_teu + e.in_transit_teu + e.waiting_at_crossings_teu \
        + e.held_teu + e.in_buffers_teu + e.unshipped_at_origin_teu


def test_without_a_policy_nothing_is_diverted(tmp_path):
    net = load_network(two_corridor_network(tmp_path / "n"))
    result, compiled = run(
        net, horizon_days=8, approach_holding_trains=1, line_storage_km_per_train=1e5,
        services=[{"id": "S", "origin": "A", "destination": "D", "route": ["A", "B", "D"],
                   "departures_per_week": 42}],
        disruptions=[{"kind": "closure", "target": "B-C",
                      "window": {"start_day": 1, "end_day": 4}}])
    assert compiled.services[0].alternatives == ()
    assert result.end.diverted_trains == 0
    ev = result.events.to_pandas()
    assert set(ev[ev.event == "deliver"].corridor) == {"B-C"}


def test_no_diversion_to_a_corridor_with_a_longer_projected_wait(tmp_path):
    """As above, with a second service T (A→D every 4 h by the south corridor, whose
    crossing E-F passes at most 1 train a day). At 28 h, when the first S train is held
    at A with 68 h of closure to run, T has 5 trains held at A behind one waiting at
    E: E-F's projected wait is (5 + 1 + 1 - 1) trains / (1/24 h) - 3 h run = 141 h,
    and grows by 4 × 24 h a day. So no S train is diverted to E-F (without the
    comparison the 11 trains of 28–68 h were). Once B-C reopens (96 h) its queue
    drains fast while E-F's grows: T trains held there longer than 24 h go north."""
    net = load_network(two_corridor_network(tmp_path / "n", crossing_caps={"E-F": 1}))
    result, compiled = run(
        net, horizon_days=8, approach_holding_trains=1, line_storage_km_per_train=1e5,
        rerouting={"max_wait_h": 24, "cost_usd_per_teu": 100},
        services=[{"id": "S", "origin": "A", "destination": "D", "route": ["A", "B", "D"],
                   "departures_per_week": 42},
                  {"id": "T", "origin": "A", "destination": "D", "route": ["A", "E", "D"],
                   "departures_per_week": 42}],
        disruptions=[{"kind": "closure", "target": "B-C",
                      "window": {"start_day": 1, "end_day": 4}}])
    ev = result.events.to_pandas()
    div = ev[ev.event == "divert"]
    assert not (div.corridor == "E-F").any() and set(div.service) == {"T"}
    assert (div.crossing == "E-F").all() and div.time_h.min() == pytest.approx(96.0)
    dl = ev[ev.event == "deliver"]
    assert set(dl[dl.service == "S"].corridor) == {"B-C"}
    e = result.end
    assert e.diverted_trains == len(div)
    assert e.dispatched_teu == pytest.approx(
        e.delivered_teu + e.in_transit_teu + e.waiting_at_crossings_teu + e.held_teu
        + e.in_buffers_teu + e.unshipped_at_origin_teu)
