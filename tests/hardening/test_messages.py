"""Regression tests for issue 14 items 7 (sweep), 8 and 14: sweep files are read
strictly, a parameter given under two spellings is refused, and errors about a
referenced file (``base:``, ``network:``, a sweep's ``scenario:``) name the file and
field that referred to it."""

from __future__ import annotations

import shutil

import pytest
import yaml

from landbridge.errors import NetworkError, Problem, ScenarioError, SweepError
from landbridge.network import bundled_network_path
from landbridge.runners.sweep import load_sweep_plan
from landbridge.runners.sweepfile import parse_sweep
from landbridge.scenario import compile_scenario, load_scenario

GRID = {"horizon_days": [20.0, 30.0]}


def _sweep_problems(data):
    with pytest.raises(SweepError) as exc:
        parse_sweep(data, "s.yaml")
    return exc.value


def test_sweep_replications_and_seed_must_be_integers():
    err = _sweep_problems({"name": "s", "scenario": "default", "replications": "2",
                           "seed": 1.5, "grid": GRID})
    items = {p.item for p in err.problems}
    assert {"replications", "seed"} <= items
    assert "1 problem" not in str(err) and "in the sweep" in str(err)


@pytest.mark.parametrize("data", [
    {"grid": {"crossings.ASK-DST.inspection_teams": [1, 2],
              "overrides.crossings.ASK-DST.inspection_teams": [3, 4]}},
    {"set": {"links.DST-AKT.capacity_trains_per_day": 30.0},
     "points": [{"overrides.links.DST-AKT.capacity_trains_per_day": 40.0}]},
    {"set": {"horizon_days": 30.0}, "grid": {"horizon_days": [10.0, 20.0]}},
])
def test_one_parameter_under_two_spellings_is_refused(data):
    err = _sweep_problems({"name": "s", "scenario": "default", **data})
    assert "set the same scenario value; give it once" in str(err)


def test_sweep_errors_say_sweep_and_name_the_scenario_field(tmp_path):
    (tmp_path / "broken.yaml").write_text("base: default\nname: b\nhorizon_days: -1\n")
    for ref, expected in (("nothere.yaml", "no scenario file"),
                          ("broken.yaml", "is not a valid scenario")):
        f = tmp_path / "s.yaml"
        f.write_text(yaml.safe_dump({"name": "s", "scenario": ref, "grid": GRID}))
        with pytest.raises(SweepError) as exc:
            load_sweep_plan(f)
        first = exc.value.problems[0]
        assert (first.file, first.item) == (str(f), "scenario") and expected in first.message
        assert "problem in the sweep" in str(exc.value) or "problems in the sweep" in str(exc.value)
    assert any(p.item == "horizon_days" and p.file.endswith("broken.yaml")
               for p in exc.value.problems)


def test_base_error_names_the_referencing_file(tmp_path):
    f = tmp_path / "w.yaml"
    f.write_text("base: nothere.yaml\nname: w\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    p = exc.value.problems[0]
    assert (p.file, p.item) == (str(f), "base") and "nothere.yaml" in p.message


@pytest.mark.parametrize("broken", ["missing", "empty-links"])
def test_network_error_names_the_referencing_file_and_field(tmp_path, broken):
    if broken == "empty-links":
        shutil.copytree(bundled_network_path(), tmp_path / "net")
        (tmp_path / "net" / "links.geojson").write_text(
            '{"type": "FeatureCollection", "features": []}')
    f = tmp_path / "w.yaml"
    f.write_text("base: default\nname: w\nnetwork: net\n")
    sc, path = load_scenario(f)
    with pytest.raises(NetworkError) as exc:
        compile_scenario(sc, file=path)
    first = exc.value.problems[0]
    assert (first.file, first.item) == (str(f), "network") and "'net'" in first.message
    if broken == "empty-links":
        # one problem, not one "unknown link" per crossing
        assert len(exc.value.problems) == 2
        assert exc.value.problems[1].field == "features"


def test_problem_without_item_prints_no_leading_dot():
    assert str(Problem("f.geojson", "", "features", "no features")) == \
        "f.geojson: features: no features"


def test_disconnected_service_is_reported_before_heavy_imports(tmp_path):
    """Item 15: `simulate` reports a service with no route before it loads the
    simulation, pandas, Arrow or DuckDB (checked on the import log, not on a clock)."""
    import json
    import subprocess
    import sys

    from netfactory import node, two_corridor_network

    net = two_corridor_network(tmp_path / "net")
    doc = json.loads((net / "nodes.geojson").read_text())
    doc["features"].append(node("Z", "DE", 10.0, 50.0, kind="terminal"))
    (net / "nodes.geojson").write_text(json.dumps(doc))
    (tmp_path / "dis.yaml").write_text(
        "name: dis\nstart_date: 2025-01-01\nhorizon_days: 30\nnetwork: net\nservices:\n"
        "  - {id: ok, origin: A, destination: D, departures_per_week: 7}\n"
        "  - {id: iso, origin: A, destination: Z, departures_per_week: 2}\n")
    r = subprocess.run([sys.executable, "-X", "importtime", "-c",
                        "from landbridge.cli import main; main()", "simulate", "dis.yaml",
                        "--store", "st.duckdb"], capture_output=True, text=True,
                       cwd=tmp_path, timeout=300)
    assert r.returncode == 2
    assert "services[1].route: no rail/ferry route from Alpha (A) to Node Z (Z)" in r.stderr
    imported = {line.rsplit("|", 1)[1].strip() for line in r.stderr.splitlines()
                if line.startswith("import time:")}
    assert not {"duckdb", "pandas", "pyarrow", "simpy", "landbridge.simulation"} & imported
    assert not (tmp_path / "st.duckdb").exists()
