"""Tiny corridors for simulation tests."""

from pathlib import Path

from netfactory import crossing, link, node, write

from landbridge.network import load_network
from landbridge.scenario import compile_scenario, parse_scenario
from landbridge.simulation import simulate_replication


def one_crossing_network(dirpath: Path, gauge_break: bool = False, hours=None,
                         tz: str = "Asia/Almaty", **crossing_fields):
    """A (KZ terminal) -run 0.01 h- B (KZ border) =B-C crossing, 0.01 h= C (RU border,
    destination). Links have practically unlimited capacity."""
    gc = 1435 if gauge_break else 1520
    nodes = [node("A", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("B", "KZ", 71, 45, kind="border_station", gauge=1520),
             node("C", "RU", 72, 45, kind="border_station", gauge=gc)]
    links = [link("A-B", "A", "B", 1, running_time_h=0.01, gauge=1520, cap=100000),
             link("B-C", "B", "C", 1, running_time_h=0.01, gauge=gc, cap=100000)]
    fields = dict(receiving_yard_tracks=1000, inspection_teams=1,
                  clearance_h={"kind": "fixed", "value": 1.0},
                  handover_h={"kind": "fixed", "value": 0.0}, timezone=tz)
    if hours is not None:
        fields["operating_hours"] = hours
    fields.update(crossing_fields)
    return load_network(write(dirpath, nodes, links, [crossing("B-C", "B", "C", "B-C", **fields)]))


def scenario(**kw):
    base = {"name": "t", "start_date": "2025-01-01", "horizon_days": 10, "seed": 1,
            "approach_holding_trains": 1000,
            "running_time_factor": {"kind": "fixed", "value": 1.0}}
    base.update(kw)
    return parse_scenario(base)


def run(net, **kw):
    compiled = compile_scenario(scenario(**kw), net)
    return simulate_replication(compiled), compiled


def crossing_times(result, crossing="B-C"):
    """Pivot of crossing events: one row per train, one column per event."""
    ev = result.events.to_pandas()
    return ev[ev.crossing == crossing].pivot_table(index="train", columns="event",
                                                   values="time_h", aggfunc="first")
