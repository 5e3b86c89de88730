"""`landbridge sweep`: thin CLI over run_sweep; clear errors, exit codes, resume."""

from __future__ import annotations

import json

import pytest

from tinysweep import write_tiny
from typer.testing import CliRunner

from landbridge.cli import app
from landbridge.store import ResultsStore

runner = CliRunner()


def test_sweep_command_runs_resumes_and_refuses_to_overwrite(tmp_path):
    path = write_tiny(tmp_path, replications=2,
                      grid={"crossings.B-C.clearance_h.mean": [2.0, 4.0]})
    out = tmp_path / "out"
    store = tmp_path / "store.duckdb"
    r = runner.invoke(app, ["sweep", str(path), "--workers", "1", "--out", str(out), "--json",
                            "--store", str(store)])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["ran"] == 4 and doc["skipped"] == 0 and doc["failures"] == []
    # each completed point is one run in the results store, with the point's KPIs
    runs = ResultsStore(store).runs()
    assert sorted(runs.run_id) == sorted(doc["store_runs"].values()) and len(runs) == 2
    run_kpis = ResultsStore(store).kpis(doc["store_runs"]["1"], "run")
    assert run_kpis.teu_delivered.iloc[0] == pytest.approx(
        doc["points"][1]["teu_delivered"], rel=1e-6)
    assert [p["replications"] for p in doc["points"]] == [2, 2]
    assert [p["crossings.B-C.clearance_h.mean"] for p in doc["points"]] == [2.0, 4.0]
    assert (out / "sweep.html").stat().st_size > 100_000  # plotly.js is embedded

    r = runner.invoke(app, ["sweep", str(path), "--workers", "1", "--out", str(out),
                            "--no-store"])
    assert r.exit_code == 2 and "pass --resume" in r.output

    r = runner.invoke(app, ["sweep", str(path), "-w", "1", "--out", str(out), "--resume",
                            "--store", str(store)])
    assert r.exit_code == 0, r.output
    assert "0 replications run now, 4 found finished" in " ".join(r.stdout.split())
    assert len(ResultsStore(store).runs()) == 2  # recording again changes nothing


def test_bad_sweep_file_names_file_and_field(tmp_path):
    path = write_tiny(tmp_path, grid={"crossings.B-C.clearance_h.mean": [2.0]},
                      replications=0, colour="red")
    r = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "o"), "--no-store"])
    assert r.exit_code == 2
    assert f"{path}: replications: Input should be greater than or equal to 1" in r.output
    assert f"{path}: colour: unknown field" in r.output
    assert "Traceback" not in r.output
    assert not (tmp_path / "o").exists()


def test_unknown_sweep_name(tmp_path):
    r = runner.invoke(app, ["sweep", "no-such-sweep"])
    assert r.exit_code == 2 and "dostyk-tracks" in r.output
