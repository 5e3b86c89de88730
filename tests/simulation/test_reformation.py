"""Re-formation by consolidation where the train-length limit drops."""

import pytest
from netfactory import link, node, write

from landbridge.network import load_network
from mini import run


def _net(tmp_path):
    """A1 -1 h- M, A2 -1 h- M; M -1 h- D takes trains of at most 43 wagons."""
    nodes = [node("A1", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("A2", "KZ", 70, 46, kind="terminal", gauge=1520),
             node("M", "KZ", 71, 45, gauge=1520),
             node("D", "KZ", 72, 45, kind="terminal", gauge=1520)]
    links = [link("A1-M", "A1", "M", 10, running_time_h=1.0, gauge=1520, cap=1000),
             link("A2-M", "A2", "M", 10, running_time_h=1.0, gauge=1520, cap=1000),
             link("M-D", "M", "D", 10, running_time_h=1.0, gauge=1520, cap=1000,
                  max_train_wagons=43)]
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
