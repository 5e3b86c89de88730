"""The library workflow on the two-corridor test network: a Scenario object in, a run
directory, a store row and a report out; identical reruns reused; a baseline given as
a scenario paired with the run; the delay headline; the stringline command."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "store"))

from lb_runs import scenario_dict  # noqa: E402
from netfactory import two_corridor_network  # noqa: E402

from landbridge.errors import UsageError  # noqa: E402
from landbridge.scenario import parse_scenario  # noqa: E402
from landbridge.workflow import delay_headline, run_scenario  # noqa: E402


@pytest.fixture()
def base(tmp_path):
    two_corridor_network(tmp_path / "net")
    data = scenario_dict(name="plain", days=4.0, replications=2)
    (tmp_path / "plain.yaml").write_text(yaml.safe_dump(data))
    return tmp_path


def test_scenario_object_run_recorded_reported_and_reused(base):
    data = scenario_dict(name="plain", days=4.0, replications=2)
    data["network"] = str(base / "net")
    sc = parse_scenario(data, "<scenario>")
    kw = dict(runs_root=base / "runs", store=base / "s.duckdb")
    first = run_scenario(sc, **kw)
    assert not first.reused and first.run_id == first.run_dir.name
    assert (first.run_dir / "report.html").is_file() and first.report is not None
    # 4 days, north 2/day + south 1/day: 12 trains dispatched per replication
    assert first.summary.run.trains_dispatched.iloc[0] == 12
    again = run_scenario(sc, **kw)
    assert again.reused and again.run_id == first.run_id and again.run is None
    assert any("identical to the stored run" in n for n in again.notes)
    forced = run_scenario(sc, reuse=False, report=False, **kw)
    assert not forced.reused and forced.run_id.endswith("-2")


def test_library_errors_name_parameters_not_flags(base):
    with pytest.raises(UsageError) as e:
        run_scenario(str(base / "plain.yaml"), workers=0)
    assert e.value.problems[0].item == "workers"
    with pytest.raises(UsageError) as e:
        run_scenario(str(base / "plain.yaml"), horizon_days=-1)
    assert e.value.problems[0].item == "horizon_days"


def test_baseline_scenario_is_run_paired_and_headlined(base):
    closed = scenario_dict(name="closed", days=4.0, replications=2, disruptions=[
        {"kind": "closure", "target": "B-C", "window": {"start_day": 0.5, "end_day": 2.0}}])
    (base / "closed.yaml").write_text(yaml.safe_dump(closed))
    out = run_scenario(str(base / "closed.yaml"), baseline=str(base / "plain.yaml"),
                       runs_root=base / "runs", store=base / "s.duckdb")
    assert out.baseline_dir is not None and out.baseline_dir.name.startswith("plain-")
    head = delay_headline(out.run_dir, out.baseline_dir)
    assert head.summary.replications == 2
    assert "TEU delayed by more than 1 day" in head.lines[0]
    html = out.report.read_text(encoding="utf-8")
    assert 'id="headline"' in html and "TEU delayed" in html


def test_plot_stringline_command(base):
    from landbridge.cli import app

    out = run_scenario(str(base / "plain.yaml"), runs_root=base / "runs",
                       store=base / "s.duckdb", report=False)
    corridor = out.summary.services.corridor.iloc[0]
    target = base / "sl.html"
    res = CliRunner().invoke(app, ["plot", "stringline", str(out.run_dir), "--corridor",
                                   corridor, "--out", str(target), "--store",
                                   str(base / "s.duckdb")])
    assert res.exit_code == 0, res.output
    assert target.is_file() and "Plotly.newPlot" in target.read_text(encoding="utf-8")
    bad = CliRunner().invoke(app, ["plot", "stringline", str(out.run_dir), "--corridor",
                                   "NOPE", "--store", str(base / "s.duckdb")])
    assert bad.exit_code == 2 and "no service" in bad.output


def test_an_unknown_stored_baseline_is_refused_before_the_run(base):
    # it simulated, wrote and recorded the run, and only then said 'no run'
    data = scenario_dict(name="plain", days=4.0, replications=2)
    data["network"] = str(base / "net")
    sc = parse_scenario(data, "<scenario>")
    kw = dict(runs_root=base / "runs", store=base / "s.duckdb")
    run_scenario(sc, report=False, **kw)  # a store with one run
    with pytest.raises(UsageError) as e:
        run_scenario(sc, reuse=False, baseline="nosuch", **kw)
    p = e.value.problems[0]
    assert (p.item, p.message) == ("baseline", "no run 'nosuch' in the results store "
                                   "(`landbridge runs list` shows the runs).")
    assert len([d for d in (base / "runs").iterdir() if d.is_dir()]) == 1  # none written


def test_a_foreign_store_file_is_refused_before_the_run(base):
    # checked from the file's first bytes (no DuckDB open before the simulation):
    # nothing is simulated or written
    from landbridge.errors import StoreError

    (base / "notes.duckdb").write_text("these are my notes, not a database\n")
    with pytest.raises(StoreError, match="not a DuckDB database file"):
        run_scenario(str(base / "plain.yaml"), out_dir=base / "out",
                     store=base / "notes.duckdb")
    assert not (base / "out").exists()
    (base / "dir.duckdb").mkdir()
    with pytest.raises(StoreError, match="is a directory"):
        run_scenario(str(base / "plain.yaml"), out_dir=base / "out2", store=base / "dir.duckdb")
    assert not (base / "out2").exists()
    # a real store passes the check and records the run
    ok = run_scenario(str(base / "plain.yaml"), out_dir=base / "out3",
                      store=base / "s.duckdb", report=False)
    again = run_scenario(str(base / "plain.yaml"), out_dir=base / "out4",
                         store=base / "s.duckdb", report=False)
    assert ok.run_id and again.run_id and ok.run_id != again.run_id
