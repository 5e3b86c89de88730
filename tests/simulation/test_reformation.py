"""Re-formation by consolidation where the train-length limit drops."""

import pytest
from netfactory import link, node, write

from landbridge.network import load_network
from mini import run


def _net(tmp_path, max_train_wagons=43):
    """A1 -1 h- M, A2 -1 h- M; M -1 h- D takes trains of at most ``max_train_wagons``
    wagons."""
    nodes = [node("A1", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("A2", "KZ", 70, 46, kind="terminal", gauge=1520),
             node("M", "KZ", 71, 45, gauge=1520),
             node("D", "KZ", 72, 45, kind="terminal", gauge=1520)]
    links = [link("A1-M", "A1", "M", 10, running_time_h=1.0, gauge=1520, cap=1000),
             link("A2-M", "A2", "M", 10, running_time_h=1.0, gauge=1520, cap=1000),
             link("M-D", "M", "D", 10, running_time_h=1.0, gauge=1520, cap=1000,
                  max_train_wagons=max_train_wagons)]
    return load_network(write(tmp_path / "n", nodes, links, []))


def test_boxes_of_two_services_consolidate(tmp_path):
    """S1 (44 boxes) leaves A1 at 0 h, S2 (44 boxes) leaves A2 at 5 h; both reach M an
    hour later. At 1 h, 43 of S1's boxes leave on the first onward train (at D at 2 h);
    1 box waits. At 6 h the buffer holds 1 + 44 = 45: the second onward train takes the
    S1 box and 42 S2 boxes (at D at 7 h); 2 S2 boxes are left. Leftover dwell at M:
    one box for 5 h, the others none: mean 5 / 86 h per box, largest 5 h."""
    result, _ = run(_net(tmp_path), horizon_days=1, services=[
        {"id": "S1", "origin": "A1", "destination": "D", "weekdays": ["wed"],
         "times": ["05:00"], "teu_per_train": 88},
        {"id": "S2", "origin": "A2", "destination": "D", "weekdays": ["wed"],
         "times": ["10:00"], "teu_per_train": 88}])
    ev = result.events.to_pandas()
    dl = ev[ev.event == "deliver"]
    got = sorted((r.train, r.service, round(r.time_h, 6), r.teu, r.dispatch_h)
                 for r in dl.itertuples())
    assert got == [("R-M-0001", "S1", 2.0, 86.0, 0.0), ("R-M-0002", "S1", 7.0, 2.0, 0.0),
                   ("R-M-0002", "S2", 7.0, 84.0, 5.0)]
    e = result.end
    assert e.dispatched_teu == 176 and e.delivered_teu == 172 and e.in_buffers_teu == 4
    assert e.dispatched_teu == e.delivered_teu + e.in_buffers_teu + e.in_transit_teu
    (m,) = e.reformation
    assert m.node == "M" and m.teu_in == 176 and m.teu_out == 172 and m.teu_left == 4
    assert m.dwell_mean_h == pytest.approx(5 / 86)
    assert m.dwell_max_h == pytest.approx(5.0)
    assert (ev.event == "reform_in").sum() == 2 and (ev.event == "reform_out").sum() == 2


def test_tightest_formation_runs_the_shortest_train_from_the_origin(tmp_path):
    """``formation: tightest``: trains of 43 boxes (86 TEU) from A1, no re-formation."""
    result, compiled = run(_net(tmp_path), horizon_days=1, services=[
        {"id": "S1", "origin": "A1", "destination": "D", "weekdays": ["wed"],
         "times": ["05:00"], "teu_per_train": 88, "formation": "tightest"}])
    (plan,) = compiled.services
    assert plan.containers_per_train == 43 and plan.teu_per_train == 86
    ev = result.events.to_pandas()
    assert not ev.event.isin(["reform_in", "reform_out"]).any()
    assert ev[ev.event == "deliver"].time_h.tolist() == [2.0]


S1_71 = {"id": "S1", "origin": "A1", "destination": "D", "weekdays": ["wed"],
         "times": ["05:00"], "teu_per_train": 142}


def _deliveries(result):
    ev = result.events.to_pandas()
    dl = ev[ev.event == "deliver"]
    return ev, sorted((r.train, r.service, round(r.time_h, 6), r.teu) for r in dl.itertuples())


@pytest.mark.parametrize("policy", [{"max_hold_h": 24.0}, {"nodes": {"M": 24.0}},
                                    {"max_hold_h": 1.0, "nodes": {"M": 24.0}}])
def test_a_partial_train_leaves_when_the_oldest_box_has_waited_max_hold_h(tmp_path, policy):
    """S1 (71 boxes) reaches M at 1 h: 41 leave at once (at D at 2 h), 30 wait. With
    max_hold_h 24 (for all points, or M's own value, which overrides the general one)
    the 30 leave as a short train at 1 + 24 = 25 h (at D at 26 h). Dwell at M: 30 boxes
    for 24 h out of 71: mean 30·24/71 h, largest 24 h; nothing left."""
    result, _ = run(_net(tmp_path, 41), horizon_days=2, services=[S1_71],
                    reformation=policy)
    ev, got = _deliveries(result)
    assert got == [("R-M-0001", "S1", 2.0, 82.0), ("R-M-0002", "S1", 26.0, 60.0)]
    out = ev[ev.event == "reform_out"]
    assert out.time_h.tolist() == [1.0, 25.0] and out.teu.tolist() == [82.0, 60.0]
    e = result.end
    assert e.dispatched_teu == e.delivered_teu == 142 and e.in_buffers_teu == 0
    (m,) = e.reformation
    assert m.teu_in == m.teu_out == 142 and m.teu_left == 0 and m.trains_partial == 1
    assert m.dwell_mean_h == pytest.approx(30 * 24 / 71)
    assert m.dwell_max_h == pytest.approx(24.0)


def test_without_the_policy_the_leftover_waits_for_a_full_train(tmp_path):
    """No ``reformation`` policy: the 30 boxes are still at M at the horizon (48 h)."""
    result, _ = run(_net(tmp_path, 41), horizon_days=2, services=[S1_71])
    _, got = _deliveries(result)
    assert got == [("R-M-0001", "S1", 2.0, 82.0)]
    (m,) = result.end.reformation
    assert m.teu_left == 60 and m.trains_partial == 0


def test_a_full_train_before_the_deadline_leaves_no_empty_train(tmp_path):
    """S2 (52 boxes, longer than 41: re-formed) reaches M at 6 h: with S1's 30 the
    buffer holds 82, two full trains leave at 6 h (at D at 7 h) and the buffer is
    empty; the timer set for 25 h then finds nothing: no empty or duplicate train.
    (The second train enters M-D one headway later, 24 h / 1000 trains = 0.024 h.)
    Dwell at M: S1's 30 boxes for 5 h out of 123."""
    result, _ = run(_net(tmp_path, 41), horizon_days=2, reformation={"max_hold_h": 24.0},
                    services=[S1_71, {"id": "S2", "origin": "A2", "destination": "D",
                                      "weekdays": ["wed"], "times": ["10:00"],
                                      "teu_per_train": 104}])
    ev, got = _deliveries(result)
    assert got == [("R-M-0001", "S1", 2.0, 82.0), ("R-M-0002", "S1", 7.0, 60.0),
                   ("R-M-0002", "S2", 7.0, 22.0), ("R-M-0003", "S2", 7.024, 82.0)]
    assert ev[ev.event == "reform_out"].time_h.tolist() == [1.0, 6.0, 6.0]
    (m,) = result.end.reformation
    assert m.trains_partial == 0 and m.teu_left == 0 and m.teu_out == 246
    assert m.dwell_mean_h == pytest.approx(30 * 5 / 123)


def test_the_timer_is_re_armed_for_the_new_oldest_box(tmp_path):
    """S2 (44 boxes) reaches M at 6 h: a full train of S1's 30 + 11 of S2 leaves at 6 h;
    33 S2 boxes wait from 6 h. The timer set for 25 h (S1's boxes, gone) sleeps on to
    6 + 24 = 30 h and sends the 33 then (at D at 31 h). Conservation: 230 TEU in, out."""
    result, _ = run(_net(tmp_path, 41), horizon_days=2, reformation={"max_hold_h": 24.0},
                    services=[S1_71, {"id": "S2", "origin": "A2", "destination": "D",
                                      "weekdays": ["wed"], "times": ["10:00"],
                                      "teu_per_train": 88}])
    ev, got = _deliveries(result)
    assert got == [("R-M-0001", "S1", 2.0, 82.0), ("R-M-0002", "S1", 7.0, 60.0),
                   ("R-M-0002", "S2", 7.0, 22.0), ("R-M-0003", "S2", 31.0, 66.0)]
    assert ev[ev.event == "reform_out"].time_h.tolist() == [1.0, 6.0, 30.0]
    e = result.end
    assert e.dispatched_teu == e.delivered_teu == 230 and e.in_buffers_teu == 0
    (m,) = e.reformation
    assert m.trains_partial == 1 and m.teu_in == m.teu_out == 230
    assert m.dwell_max_h == pytest.approx(24.0)
    assert m.dwell_mean_h == pytest.approx((30 * 5 + 33 * 24) / 115)


def test_an_unknown_reformation_node_is_named(tmp_path):
    from landbridge.errors import ScenarioError

    with pytest.raises(ScenarioError) as exc:
        run(_net(tmp_path, 41), horizon_days=2, services=[S1_71],
            reformation={"nodes": {"MX": 24.0}})
    (p,) = exc.value.problems
    assert p.item == "reformation.nodes.MX" and "MX" in p.message


@pytest.mark.parametrize("policy, field", [({"max_hold_h": 0.0}, "max_hold_h"),
                                           ({"max_hold_h": -5.0}, "max_hold_h"),
                                           ({"nodes": {"M": 0.0}}, "nodes"),
                                           ({"max_hold": 24.0}, "max_hold")])
def test_a_bad_holding_limit_is_refused(policy, field):
    from landbridge.errors import ScenarioError

    from mini import scenario

    with pytest.raises(ScenarioError) as exc:
        scenario(reformation=policy)
    assert any(field in f"{p.item} {p.field} {p.message}" for p in exc.value.problems)
