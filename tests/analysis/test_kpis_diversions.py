"""Diversions as KPIs (run totals and the per-corridor table) and trains counted by
train id in the transit tables, on hand-built corridors with hand-computed values."""

import pandas as pd
import pytest
from netfactory import link, node, two_corridor_network, write

from landbridge.analysis.kpis import diversions, replication_kpis, summarize
from landbridge.analysis.stats import t975
from landbridge.network import load_network
from landbridge.scenario import compile_scenario, parse_scenario
from landbridge.simulation import simulate_replication


def _kpis(net, replication=0, **kw):
    data = {"name": "t", "start_date": "2025-01-01", "horizon_days": 10, "seed": 1,
            "approach_holding_trains": 1000,
            "running_time_factor": {"kind": "fixed", "value": 1.0}, **kw}
    compiled = compile_scenario(parse_scenario(data), net)
    result = simulate_replication(compiled, replication)
    return replication_kpis(result, compiled), result, compiled


#: A→D every 4 h by the north corridor (crossing B-C), closed from day 1 to day 4; the
#: south corridor (E-F) is the alternative. See tests/simulation/test_rerouting.py for
#: the timeline: the trains held at A from 28 h to 68 h, 11 of 88 TEU, are diverted.
_REROUTED = dict(
    horizon_days=8, approach_holding_trains=1, line_storage_km_per_train=1e5,
    rerouting={"max_wait_h": 24, "cost_usd_per_teu": 100},
    services=[{"id": "S", "origin": "A", "destination": "D", "route": ["A", "B", "D"],
               "departures_per_week": 42}])
_CLOSURE = [{"kind": "closure", "target": "B-C", "window": {"start_day": 1, "end_day": 4}}]


def test_a_closure_longer_than_max_wait_gives_diversion_kpis(tmp_path):
    net = load_network(two_corridor_network(tmp_path / "n"))
    k, result, compiled = _kpis(net, disruptions=_CLOSURE, **_REROUTED)
    run = k.run.iloc[0]
    teu_per_train = compiled.services[0].teu_per_train
    assert teu_per_train == 88
    assert run.diverted_trains == 11
    assert run.diverted_teu == 11 * teu_per_train
    assert run.diversion_cost_usd == pytest.approx(11 * 88 * 100)
    # the table: from the closed corridor to the alternative, westbound (D lies west of A)
    table = k.diversions.drop(columns="rep").to_dict("records")
    assert table == [dict(from_corridor="B-C", to_corridor="E-F", direction="westbound",
                          diverted_trains=11.0, diverted_teu=968.0,
                          diversion_cost_usd=96_800.0)]
    # the diverted trains arrive by the south corridor
    ev = result.events.to_pandas()
    moved = set(ev.train[ev.event == "divert"])
    dl = ev[ev.event == "deliver"]
    assert set(dl.corridor[dl.train.isin(moved)]) == {"E-F"}
    # conservation: delivered + running + waiting at crossings + held/unshipped +
    # buffered = dispatched (48 trains of 88 TEU over 8 days)
    assert run.teu_dispatched == 48 * 88
    assert run.teu_dispatched == pytest.approx(
        run.teu_delivered + run.in_transit_teu + run.waiting_at_crossings_teu
        + run.held_teu + run.in_buffers_teu)
    assert run.undelivered_teu == pytest.approx(run.backlog_teu + run.in_transit_teu)


def test_replications_without_a_diversion_count_as_zero_in_the_mean(tmp_path):
    """Replication 0 diverts 11 trains; replication 1 (no closure) none, yet has the
    row (the policy allows B-C → E-F): mean 5.5, half-width t(0.975, 1) · s / √2 with
    s = 11 / √2, i.e. t(0.975, 1) · 5.5."""
    net = load_network(two_corridor_network(tmp_path / "n"))
    k0, _, _ = _kpis(net, disruptions=_CLOSURE, **_REROUTED)
    k1, _, _ = _kpis(net, replication=1, **_REROUTED)
    assert k1.diversions.diverted_trains.tolist() == [0.0]
    assert k1.run.diverted_trains.iloc[0] == 0
    s = summarize([k0, k1])
    row = s.diversions.iloc[0]
    assert (row.from_corridor, row.to_corridor, row.replications) == ("B-C", "E-F", 2)
    assert row.diverted_trains == pytest.approx(5.5)
    assert row.diverted_trains_ci95 == pytest.approx(t975(1) * 5.5)
    assert row.diverted_teu == pytest.approx(5.5 * 88)
    assert s.run.diversion_cost_usd.iloc[0] == pytest.approx(5.5 * 88 * 100)


def test_without_a_policy_the_diversions_table_is_empty(tmp_path):
    net = load_network(two_corridor_network(tmp_path / "n"))
    kw = {k: v for k, v in _REROUTED.items() if k != "rerouting"}
    k, _, _ = _kpis(net, disruptions=_CLOSURE, **kw)
    assert k.diversions.empty and list(k.diversions.columns)[1:4] == [
        "from_corridor", "to_corridor", "direction"]
    assert (k.run.diverted_trains.iloc[0], k.run.diversion_cost_usd.iloc[0]) == (0, 0)
    assert summarize([k]).diversions.empty


def test_the_corridor_left_is_that_of_the_trains_row_before_the_divert_row():
    """Train ids repeat across replications: only replication 1's T1 was diverted."""
    plan = type("P", (), dict(id="S", origin="A", destination="D",
                              route=type("R", (), dict(corridor=("N",)))()))()
    nodes = {"A": type("N", (), dict(lon=80.0))(), "D": type("N", (), dict(lon=76.0))()}
    compiled = type("C", (), dict(services=(plan,), network=type("W", (), dict(
        nodes=nodes))()))()

    def row(rep, seq, train, event, corridor, teu=88.0):
        return dict(replication=rep, seq=seq, train=train, service="S", event=event,
                    node="A", crossing="", time_h=float(seq), teu=teu, corridor=corridor)

    ev = pd.DataFrame([row(0, 0, "T1", "dispatch", "N"), row(0, 1, "T1", "held", "N"),
                       row(1, 0, "T1", "dispatch", "N"), row(1, 1, "T2", "dispatch", "N"),
                       row(1, 2, "T1", "held", "N"), row(1, 3, "T2", "held", "N"),
                       row(1, 4, "T1", "divert", "S2"), row(1, 5, "T2", "released", "N")])
    d = diversions(ev, compiled)
    assert d[["replication", "train", "from_corridor", "to_corridor", "direction",
              "teu"]].to_dict("records") == [dict(replication=1, train="T1",
                                                  from_corridor="N", to_corridor="S2",
                                                  direction="westbound", teu=88.0)]


def test_od_trains_count_trains_not_the_lots_they_carry(tmp_path):
    """S1 (44 boxes) leaves A at 0 h, S2 (44 boxes) at 5 h, both A → D; M → D takes 43
    wagons. At M (1 h later) 43 of S1's boxes leave on R-M-0001 (at D at 2 h); the
    leftover S1 box and 42 of S2's leave at 6 h on R-M-0002 (at D at 7 h). Three lots
    are delivered on two trains: the pair counts 2 trains, S1 2, S2 1; transit over
    lots: (2 + 7 + 2) h / 3."""
    nodes = [node("A", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("M", "KZ", 71, 45, gauge=1520),
             node("D", "KZ", 72, 45, kind="terminal", gauge=1520)]
    links = [link("A-M", "A", "M", 10, running_time_h=1.0, gauge=1520, cap=1000),
             link("M-D", "M", "D", 10, running_time_h=1.0, gauge=1520, cap=1000,
                  max_train_wagons=43)]
    net = load_network(write(tmp_path / "n", nodes, links, []))
    k, result, _ = _kpis(net, horizon_days=1, services=[
        {"id": f"S{i}", "origin": "A", "destination": "D", "weekdays": ["wed"],
         "times": [t], "teu_per_train": 88} for i, t in ((1, "05:00"), (2, "10:00"))])
    ev = result.events.to_pandas()
    assert (ev.event == "deliver").sum() == 3
    assert sorted(set(ev.train[ev.event == "deliver"])) == ["R-M-0001", "R-M-0002"]
    od = k.od.iloc[0]
    assert (od.origin, od.destination, od.trains, od.teu_delivered) == ("A", "D", 2, 172)
    assert od.transit_mean_d == pytest.approx((2 + 7 + 2) / 3 / 24)
    assert k.services.set_index("service").trains.to_dict() == {"S1": 2, "S2": 1}
    assert k.corridors.trains.tolist() == [2]
    assert k.run.trains_delivered.iloc[0] == od.trains


def test_a_diverted_train_leaves_the_trains_held_at_origin(tmp_path):
    """The timeline of tests/simulation/test_rerouting.py: the 11 trains held at A from
    28 h to 68 h are diverted at once (held and diverted at the same instant: day 1–2
    maxima 1, means 0); those of 72, 76, ..., 92 h wait for the reopening at 96 h:
    day 3 mean (24 + 20 + 16 + 12 + 8 + 4) / 24 = 3.5, maximum 6. From day 6 nothing
    is held (a diverted train counted as held would leave 11 there), as the log says:
    held − released − diverted rows at A."""
    net = load_network(two_corridor_network(tmp_path / "n"))
    k, result, _ = _kpis(net, disruptions=_CLOSURE, **_REROUTED)
    day = k.throughput_by_day
    assert day.held_origin_max_trains.tolist()[:4] == [0.0, 1.0, 1.0, 6.0]
    assert day.held_origin_mean_trains.tolist()[:4] == pytest.approx([0, 0, 0, 3.5])
    assert day.held_origin_max_trains.tolist()[6:] == [0.0, 0.0]
    assert day.held_origin_mean_trains.tolist()[5:] == [0.0] * 3
    ev = result.events.to_pandas()
    n = ev[ev.node == "A"].event.value_counts()
    assert (n["held"], n["released"], n["divert"]) == (24, 13, 11)
    assert n["held"] - n["released"] - n["divert"] == day.held_origin_max_trains.iloc[-1]
