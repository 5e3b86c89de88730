"""A toy corridor for planning tests, with every number chosen for hand computation.

A (CN terminal) → D (KZ terminal) by two corridors (see netfactory.two_corridor_network):

North  A-B-C-D: running 2 + 1 + 4 = 7 h; tariffs 100 + 10 + 190 = 300 USD/FEU;
       crossing B-C capped at 1 train/day (= 88 TEU/day at 88 TEU per train).
South  A-E-F-D: running 2 + 1 + 3 = 6 h; tariffs 200 + 10 + 290 = 500 USD/FEU;
       crossing E-F capped at 0.5 train/day (= 44 TEU/day).

Each crossing: clearance 2 h + handover 1 h + transshipment of 44 boxes by 2 cranes at
20 lifts/h (1.1 h) = 4.1 h mean dwell. Value of time 48 USD/TEU-day = 2 USD/TEU-h.
Generalised cost per TEU: north 300/2 + 2 × (7 + 4.1) = 172.2; south 500/2 + 2 × (6 +
4.1) = 270.2. Sea (a fake router): 500 USD/FEU, 10 days → 250 + 480 = 730 USD/TEU.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from netfactory import two_corridor_network
from landbridge.planning.modes import SeaLeg

VOT = 48.0
COST_NORTH = 300 / 2 + 2 * (7 + 4.1)
COST_SOUTH = 500 / 2 + 2 * (6 + 4.1)
COST_SEA = 500 / 2 + 48 * 10


def toy_network(dirpath: Path, north_cap=1.0, south_cap=0.5) -> Path:
    return two_corridor_network(
        dirpath, tariffs={"A-B": 100, "B-C": 10, "C-D": 190, "A-E": 200, "E-F": 10, "F-D": 290},
        crossing_caps={"B-C": north_cap, "E-F": south_cap})


def toy_scenario(dirpath: Path, teu_per_week=1000.0, **extra) -> Path:
    """Scenario file next to a toy network in ``dirpath/net``; returns its path."""
    toy_network(dirpath / "net")
    data = {
        "name": "toy", "start_date": "2025-01-06", "horizon_days": 14, "network": "net",
        "seed": 7, "train": {"teu_per_train": 88},
        "value_of_time_usd_per_teu_day": VOT,
        "planning_max_utilization": 1.0,  # hand-solved values use the full capacity
        "demand": [{"origin": "A", "destination": "D", "teu_per_week": teu_per_week}],
    }
    data.update(extra)
    p = dirpath / "toy.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False))
    return p


class FakeSea:
    """Sea alternative at a fixed price and time (or none)."""

    def __init__(self, usd_per_feu=500.0, days=10.0, available=True):
        self.leg = SeaLeg("CNXXX", "EUXXX", 10000.0, 0.0, days, usd_per_feu, 100.0) \
            if available else None

    def sea_leg(self, network, origin, destination):
        return self.leg
