"""A tiny corridor, base scenario and sweep file for the sweep tests (seconds to run)."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from netfactory import two_corridor_network

from landbridge.runners.sweep import sweep_replication


def write_tiny(dirpath: Path, replications: int = 3, grid: dict | None = None,
               **sweep_fields) -> Path:
    """Network (two corridors A→D, crossings B-C and E-F), a 10-day scenario with
    random clearance at B-C, and a 2 × 2 sweep over B-C's teams and clearance mean."""
    dirpath.mkdir(parents=True, exist_ok=True)
    two_corridor_network(dirpath / "net")
    scenario = {"name": "tiny", "start_date": "2025-01-01", "horizon_days": 10,
                "warmup_days": 1, "seed": 7, "network": "net",
                "demand": [{"origin": "A", "destination": "D", "teu_per_week": 1500,
                            "route": ["A", "B", "D"]}],
                "overrides": {"crossings": {"B-C": {
                    "clearance_h": {"kind": "exponential", "mean": 3.0}}}}}
    (dirpath / "base.yaml").write_text(yaml.safe_dump(scenario, sort_keys=False))
    sweep = {"name": "tiny", "scenario": "base.yaml", "replications": replications,
             "grid": grid or {"crossings.B-C.inspection_teams": [1, 2],
                              "crossings.B-C.clearance_h.mean": [2.0, 4.0]}}
    sweep.update(sweep_fields)
    path = dirpath / "sweep.yaml"
    path.write_text(yaml.safe_dump(sweep, sort_keys=False))
    return path


def raising_task(compiled, point, replication):
    """Replication 2 of point 1 raises; the others run normally."""
    if (point, replication) == (1, 2):
        raise RuntimeError("injected failure")
    return sweep_replication(compiled, point, replication)


def dying_task(compiled, point, replication):
    """Point 1, replication 1 kills its worker process (as the OOM killer would)."""
    if (point, replication) == (1, 1):
        os._exit(17)
    return sweep_replication(compiled, point, replication)
