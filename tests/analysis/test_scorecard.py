"""`landbridge validate`: the observations table, the simulated figure per row kind, the
verdicts, the summary line and the exit code."""

import json

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from netfactory import link, node, write

from landbridge.analysis.validation import (
    ObservationsError,
    _section_days,
    load_observations,
)
from landbridge.cli import app
from landbridge.scenario import bundled_scenarios

runner = CliRunner()


def _tiny(tmp_path):
    """One 1,000 km line at 50 km/h between two terminals: every train takes 20 h
    (running-time factor fixed at 1), no crossing on the way."""
    net = write(tmp_path / "net",
                [node("A", "KZ", 70, 45, kind="terminal", gauge=1520),
                 node("B", "KZ", 72, 45, kind="terminal", gauge=1520)],
                [link("A-B", "A", "B", 1000, speed=50, gauge=1520)], [])
    sc = {"name": "tiny", "start_date": "2021-01-01", "horizon_days": 20, "seed": 1,
          "network": str(net), "running_time_factor": {"kind": "fixed", "value": 1.0},
          "demand": [{"origin": "A", "destination": "B", "teu_per_week": 88 * 7,
                      "source": "test"}]}
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(sc, sort_keys=False))
    return path


def _table(tmp_path, scenario, rows):
    base = {"scenario": str(scenario), "year": 2021, "kind": "od_transit_days",
            "origin": "A", "destination": "B", "statistic": "transit_mean_d",
            "unit": "days", "source": "hand computation (test)"}
    f = tmp_path / "obs.yaml"
    f.write_text(yaml.safe_dump({"observations": [{**base, **r} for r in rows]},
                                sort_keys=False))
    return f


def test_one_row_inside_one_outside_exits_1_and_says_which(tmp_path):
    """20 h = 0.83 days: inside [0.5, 1.5], outside [5, 6]; the summary counts each role
    apart and a miss exits 1 with the scorecard printed."""
    sc = _tiny(tmp_path)
    obs = _table(tmp_path, sc, [
        {"id": "near", "role": "calibration", "range": [0.5, 1.5]},
        {"id": "far", "role": "validation", "range": [5, 6], "miss_cause": "test cause"}])
    res = runner.invoke(app, ["validate", "--observations", str(obs), "-r", "2"])
    assert res.exit_code == 1, res.output
    assert "summary: calibration 1/1 inside · validation 0/1 inside" in res.output
    assert "miss far: test cause" in res.output
    page = tmp_path / "card.html"
    res = runner.invoke(app, ["validate", "--observations", str(obs), "-r", "2", "--json",
                              "--html", str(page)])
    assert res.exit_code == 1
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "miss: test cause" in text
    assert "calibration 1/1 inside · validation 0/1 inside" in text
    data = json.loads(res.stdout)
    rows = {r["id"]: r for r in data["rows"]}
    assert rows["near"]["verdict"] == "inside" and rows["far"]["verdict"] == "outside"
    assert rows["near"]["simulated"] == pytest.approx(20 / 24, rel=1e-6)
    assert data["summary"] == {"calibration": {"inside": 1, "rows": 1},
                               "validation": {"inside": 0, "rows": 1}}


def test_all_inside_exits_0(tmp_path):
    sc = _tiny(tmp_path)
    obs = _table(tmp_path, sc, [{"id": "near", "role": "validation", "value": 0.8333,
                                 "tolerance_pct": 1}])
    res = runner.invoke(app, ["validate", "--observations", str(obs), "-r", "1"])
    assert res.exit_code == 0, res.output
    assert "validation 1/1 inside" in res.output


def test_bad_table_lists_every_problem_and_exits_2(tmp_path):
    f = tmp_path / "obs.yaml"
    f.write_text(yaml.safe_dump({"observations": [
        {"id": "a", "scenario": "cre-2021", "year": 2021, "role": "guess",
         "kind": "od_transit_days", "origin": "CQ", "destination": "DUI",
         "statistic": "transit_mean_d", "range": [18, 12], "unit": "days", "source": "x"},
        {"id": "a", "scenario": "cre-2021", "year": 2021, "role": "validation",
         "kind": "crossing_trains_per_day", "value": 3, "tolerance_pct": 5,
         "unit": "trains/day"}]}))
    with pytest.raises(ObservationsError) as e:
        load_observations(f)
    msgs = [f"{p.item}.{p.field}" for p in e.value.problems]
    assert {"a.role", "a.range", "a.id", "a.source", "a.crossings", "a.direction"} <= set(msgs)
    res = runner.invoke(app, ["validate", "--observations", str(f)])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_section_transit_by_hand():
    """Train T1 leaves the first crossing at 10 h and reaches the second at 130 h (5 days);
    T2 leaves at 0 h and arrives at 72 h (3 days); T3 never arrives: mean 4 days."""
    ev = pd.DataFrame([
        ("T1", "depart", "X1", 10.0), ("T1", "arrive", "X2", 130.0),
        ("T2", "depart", "X1", 0.0), ("T2", "arrive", "X2", 72.0),
        ("T3", "depart", "X1", 5.0), ("T4", "arrive", "X2", 50.0)],
        columns=["train", "event", "crossing", "time_h"])
    assert _section_days(ev, ["X1"], ["X2"]) == pytest.approx(4.0)


def test_bundled_table_names_bundled_scenarios_and_sourced_years():
    """Every bundled row belongs to a bundled year scenario and cites a year in its source."""
    import re

    rows = load_observations()
    assert {o.scenario for o in rows} <= set(bundled_scenarios())
    for o in rows:
        assert re.search(r"\b(19|20)\d\d\b", o.source), o.id
        assert o.low <= o.high
    roles = {o.role for o in rows}
    assert roles == {"calibration", "validation"}
