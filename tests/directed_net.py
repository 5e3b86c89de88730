"""A two-terminal corridor through one capped crossing, with trains both ways, for the
tests of a ``capacity_scale`` on one side of a crossing (simulation and planner)."""

from pathlib import Path

from netfactory import crossing, link, node, write

from landbridge.network import load_network
from landbridge.scenario import parse_scenario

# one train an hour each way (2 TEU each)
SERVICES = [{"id": "W", "origin": "A", "destination": "D", "departures_per_week": 168,
             "teu_per_train": 2},
            {"id": "E", "origin": "D", "destination": "A", "departures_per_week": 168,
             "teu_per_train": 2}]


def directed_net(dirpath: Path, max_trains_per_day: float = 24.0,
                 inspection_teams: int = 1):
    """A (KZ terminal) - B (KZ border) = B-C crossing = C (RU border) - D (RU terminal).
    The crossing accepts ``max_trains_per_day`` (default 24) trains a day per direction;
    ``inspection_teams`` (default 1) 0.1 h clearance teams per side, no handover, so
    only the cap can hold a train."""
    nodes = [node("A", "KZ", 70, 45, kind="terminal", gauge=1520),
             node("B", "KZ", 71, 45, kind="border_station", gauge=1520),
             node("C", "RU", 72, 45, kind="border_station", gauge=1520),
             node("D", "RU", 73, 45, kind="terminal", gauge=1520)]
    links = [link("A-B", "A", "B", 1, running_time_h=0.01, gauge=1520, cap=100000),
             link("B-C", "B", "C", 1, running_time_h=0.01, gauge=1520, cap=100000),
             link("C-D", "C", "D", 1, running_time_h=0.01, gauge=1520, cap=100000)]
    bcp = crossing("B-C", "B", "C", "B-C", receiving_yard_tracks=1000,
                   inspection_teams=inspection_teams, max_trains_per_day=max_trains_per_day,
                   clearance_h={"kind": "fixed", "value": 0.1},
                   handover_h={"kind": "fixed", "value": 0.0})
    return load_network(write(dirpath, nodes, links, [bcp]))


def cut(direction=None):
    """A cut to 6 trains a day (factor 0.25) from day 1 to day 2, on ``direction``
    (None: both sides)."""
    d = {"kind": "capacity_scale", "target": "B-C", "factor": 0.25,
         "window": {"start_day": 1, "end_day": 2}}
    if direction is not None:
        d["direction"] = direction
    return d


def directed_scenario(disruptions):
    """Three days from 2025-01-01, both services, fixed running times."""
    return parse_scenario({"name": "t", "start_date": "2025-01-01", "horizon_days": 3,
                           "seed": 1, "approach_holding_trains": 1000,
                           "running_time_factor": {"kind": "fixed", "value": 1.0},
                           "services": SERVICES, "disruptions": disruptions})
