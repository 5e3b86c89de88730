"""`landbridge simulate` reports diversions; the report, `runs compare` and the delay
against a baseline carry them."""

from __future__ import annotations

import json

import yaml
from netfactory import two_corridor_network
from typer.testing import CliRunner

from landbridge.cli import app

runner = CliRunner()


def _ok(args):
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return res.output


def _scenario(name, closure):
    """A→D every 4 h by crossing B-C, closed from day 1 to day 4 when ``closure``;
    the rerouting policy diverts the trains held at A from 28 h to 68 h (11 trains of
    88 TEU, see tests/simulation/test_rerouting.py) to E-F at 100 USD/TEU."""
    return {"name": name, "start_date": "2025-01-01", "horizon_days": 8, "seed": 1,
            "replications": 1, "network": "net", "approach_holding_trains": 1,
            "line_storage_km_per_train": 1e5,
            "running_time_factor": {"kind": "fixed", "value": 1.0},
            "rerouting": {"max_wait_h": 24, "cost_usd_per_teu": 100},
            "services": [{"id": "S", "origin": "A", "destination": "D",
                          "route": ["A", "B", "D"], "departures_per_week": 42}],
            "disruptions": [{"kind": "closure", "target": "B-C", "window": {
                "start_day": 1, "end_day": 4}}] if closure else []}


def test_simulate_prints_the_diversions_and_the_report_shows_them(tmp_path):
    two_corridor_network(tmp_path / "net")
    for name, closure in (("open", False), ("closed", True)):
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(_scenario(name, closure)))
    store = str(tmp_path / "s.duckdb")
    text = _ok(["simulate", str(tmp_path / "closed.yaml"), "--out", str(tmp_path / "run"),
                "--store", store, "--report", "--baseline", str(tmp_path / "open.yaml")])
    line = ("Diverted by the rerouting policy: 11 trains, 968 TEU, cost 96,800 USD "
            "(B-C → E-F westbound 11 trains, 968 TEU).")
    assert line in " ".join(text.split())
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert 'id="kpi-diversions"' in html and "diversion cost usd (USD)" in html

    runs = json.loads(_ok(["runs", "list", "--store", store, "--json"]))
    assert sorted(r["scenario_name"] for r in runs) == ["closed", "open"]
    # the baseline run (no closure) diverts nothing and prints no line
    assert "Diverted" not in _ok(["simulate", str(tmp_path / "open.yaml"), "--store", store,
                                  "--out", str(tmp_path / "run-open")])
    cmp = json.loads(_ok(["runs", "compare", "open", "closed", "--store", store, "--all",
                          "--json"]))
    assert cmp["delay"] is not None  # same seed, start and replications: a headline
    got = {r["kpi"]: (r["a"], r["b"], r["delta"]) for r in cmp["rows"]
           if r["table"] == "run"}
    assert got["diverted_trains"] == (0, 11, 11)
    assert got["diversion_cost_usd"] == (0, 96_800, 96_800)
