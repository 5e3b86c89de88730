"""`landbridge runs ...` and `landbridge report` through the command line."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from landbridge.cli import app

runner = CliRunner()


def _ok(args):
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return res.output


def test_add_list_show_compare_export_delete(tmp_path, run_dir, run_dir_b):
    store = str(tmp_path / "s.duckdb")
    _ok(["runs", "add", str(run_dir), "--store", store])
    _ok(["runs", "add", str(run_dir_b), "--store", store])
    runs = json.loads(_ok(["runs", "list", "--store", store, "--json"]))
    assert [r["scenario_name"] for r in runs] == ["tiny", "busy"]
    a, b = runs[0]["run_id"], runs[1]["run_id"]
    shown = json.loads(_ok(["runs", "show", "tiny", "--store", store, "--json"]))
    assert shown["run_id"] == a and shown["kpis"]["run"][0]["trains_dispatched"] == 15
    cmp = json.loads(_ok(["runs", "compare", "tiny", "busy", "--store", store, "--json"]))
    row = next(r for r in cmp["rows"] if r["kpi"] == "trains_dispatched")
    assert (cmp["a"], cmp["b"], row["delta"]) == (a, b, 10.0)
    text = _ok(["runs", "compare", a, b, "--store", store])
    assert "trains_delivered" in text and "Welch" in text
    _ok(["runs", "export", a, "--format", "parquet", "--out", str(tmp_path / "x"),
         "--store", store])
    assert (tmp_path / "x" / "kpis_od.parquet").is_file()
    out = _ok(["runs", "delete", b, "--store", store])
    assert "kept" in out and run_dir_b.is_dir()
    assert [r["run_id"] for r in json.loads(_ok(["runs", "list", "--store", store, "--json"]))] == [a]


def test_report_command_from_store_and_from_directory(tmp_path, run_dir, run_dir_b):
    store = str(tmp_path / "s.duckdb")
    _ok(["runs", "add", str(run_dir), "--store", store])
    _ok(["runs", "add", str(run_dir_b), "--store", store])
    html = tmp_path / "r.html"
    _ok(["report", "busy", "--baseline", "tiny", "--out", str(html), "--store", store])
    text = html.read_text()
    assert 'id="deltas"' in text and "busy" in text
    html2 = tmp_path / "r2.html"
    _ok(["report", str(run_dir), "--out", str(html2), "--store", str(tmp_path / "none.duckdb")])
    assert 'id="deltas"' not in html2.read_text()


def test_errors_are_messages_with_exit_codes(tmp_path, run_dir):
    res = runner.invoke(app, ["runs", "list", "--store", str(tmp_path / "missing.duckdb")])
    assert res.exit_code == 4 and "no results store" in res.output
    store = str(tmp_path / "s.duckdb")
    _ok(["runs", "add", str(run_dir), "--store", store])
    res = runner.invoke(app, ["runs", "show", "nosuchrun", "--store", store])
    assert res.exit_code == 2 and "no run 'nosuchrun'" in res.output
    res = runner.invoke(app, ["runs", "export", "tiny", "--format", "xlsx", "--store", store])
    assert res.exit_code == 2 and "expected csv or parquet" in res.output
    bad = tmp_path / "bad.duckdb"
    bad.write_text("garbage")
    res = runner.invoke(app, ["runs", "list", "--store", str(bad)])
    assert res.exit_code == 4 and "Traceback" not in res.output


def test_simulate_records_the_run_and_writes_the_report(tmp_path):
    import yaml
    from lb_runs import scenario_dict
    from netfactory import two_corridor_network

    two_corridor_network(tmp_path / "net")
    file = tmp_path / "tiny.yaml"
    file.write_text(yaml.safe_dump(scenario_dict(days=3.0, replications=1)))
    store = tmp_path / "db" / "s.duckdb"
    out = json.loads(_ok(["simulate", str(file), "--out", str(tmp_path / "run"),
                          "--store", str(store), "--report", "--json"]))
    assert out["store"] == str(store)
    assert out["report"] == str(tmp_path / "run" / "report.html")
    assert (tmp_path / "run" / "report.html").stat().st_size > 1_000_000  # plotly.js inline
    runs = json.loads(_ok(["runs", "list", "--store", str(store), "--json"]))
    assert [r["run_id"] for r in runs] == [out["run_id"]]
    assert runs[0]["replications"] == 1 and runs[0]["horizon_days"] == 3.0
