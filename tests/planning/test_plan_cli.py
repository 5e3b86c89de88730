"""`landbridge plan` prints the fluid and the simulated backlog and says why they differ."""

import json

from typer.testing import CliRunner

from landbridge.cli import app
from toy import toy_scenario

runner = CliRunner()


def scenario(tmp_path):
    # 22 TEU/day (Poisson) on A-E-F-D; E-F (44 TEU/day) closed days 8-13: the fluid
    # backlog is 22 × 5 = 110 TEU, cleared 110 / 22 = 5 days after the reopening
    return toy_scenario(tmp_path, teu_per_week=154.0, horizon_days=20,
                        disruptions=[{"kind": "closure", "target": "E-F",
                                      "window": {"start_day": 8, "end_day": 13}}],
                        demand=[{"origin": "A", "destination": "D", "teu_per_week": 154.0,
                                 "arrival_process": "poisson"}])


def test_plan_prints_both_backlogs_and_the_agreement_line(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDBRIDGE_NO_CACHE", "1")
    monkeypatch.setenv("COLUMNS", "250")
    res = runner.invoke(app, ["plan", str(scenario(tmp_path)), "--sim-replications", "2",
                              "--sim-top", "0"])
    assert res.exit_code == 0, res.output
    assert "(fluid)" in res.output and "(sim)" in res.output   # column headers
    row = next(line for line in res.output.splitlines() if "closure E-F" in line)
    assert "110" in row and "18" in row          # peak 110 TEU, cleared on day 18
    line = next(x for x in res.output.splitlines() if x.strip().startswith("closure E-F:"))
    assert ("agree" in line) or ("differ" in line)


def test_plan_json_carries_the_agreement(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDBRIDGE_NO_CACHE", "1")
    res = runner.invoke(app, ["plan", str(scenario(tmp_path)), "--no-sim", "--json"])
    assert res.exit_code == 0, res.output
    (d,) = json.loads(res.output)["disruptions"]
    assert abs(d["backlog_teu"] - 110.0) < 0.2 and abs(d["backlog_cleared_day"] - 18.0) < 0.05
    assert d["simulation"] is None and d["agreement"] is None


def test_plan_no_sim_says_the_simulation_was_not_run(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDBRIDGE_NO_CACHE", "1")
    monkeypatch.setenv("COLUMNS", "250")
    res = runner.invoke(app, ["plan", str(scenario(tmp_path)), "--no-sim"])
    assert res.exit_code == 0, res.output
    assert "not run" in res.output and "(--no-sim)" in res.output
