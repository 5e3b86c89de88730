"""Small simulated runs for the store and report tests (two-corridor test network)."""

from __future__ import annotations

from pathlib import Path

import yaml

from netfactory import two_corridor_network

#: North service A→B→C→D twice a day, south service A→E→F→D once a day, 88 TEU trains.
SERVICES = [
    {"id": "N", "origin": "A", "destination": "D", "route": ["A", "B", "D"],
     "departures_per_week": 14},
    {"id": "S", "origin": "A", "destination": "D", "route": ["A", "E", "D"],
     "departures_per_week": 7},
]


def scenario_dict(name="tiny", days=5.0, replications=2, seed=11, **extra) -> dict:
    d = {"name": name, "start_date": "2024-01-01", "horizon_days": days,
         "replications": replications, "seed": seed, "network": "net", "services": SERVICES}
    d.update(extra)
    return d


def make_run(base: Path, out_name: str = "run", **kw) -> Path:
    """Simulate the scenario (``scenario_dict(**kw)``) and write its run directory."""
    from landbridge.runners import run_replications
    from landbridge.scenario import compile_scenario, parse_scenario
    from landbridge.store import write_run_dir

    base.mkdir(parents=True, exist_ok=True)
    if not (base / "net").exists():
        two_corridor_network(base / "net")
    data = scenario_dict(**kw)
    file = base / f"{data['name']}.yaml"
    file.write_text(yaml.safe_dump(data))
    compiled = compile_scenario(parse_scenario(data, str(file)), file=file)
    run = run_replications(compiled)
    return write_run_dir(run, base / out_name)
