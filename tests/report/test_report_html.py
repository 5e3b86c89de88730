"""The HTML report: derived data (hand-computed) and a self-contained page."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

from landbridge.report import (build_report, crossing_waits, link_utilization, load_run,
                               transit_times, write_report)


def test_link_utilization_is_timetable_load_over_capacity(report_runs):
    busy, plain = report_runs
    # plain: N (A-B-C-D) 2 trains/day, S (A-E-F-D) 1/day; every link 48 trains/day
    u = link_utilization(load_run(plain)).set_index("link")
    for link, tpd in {"A-B": 2, "B-C": 2, "C-D": 2, "A-E": 1, "E-F": 1, "F-D": 1}.items():
        assert u.trains_per_day[link] == pytest.approx(tpd)
        assert u.trains_per_day_ba[link] == 0
        assert u.utilization[link] == pytest.approx(tpd / 48)
    ub = link_utilization(load_run(busy)).set_index("link")
    assert ub.utilization["B-C"] == pytest.approx(4 / 48)


def test_transit_times_reproduce_the_od_kpis(report_runs):
    busy, _ = report_runs
    run = load_run(busy)
    tt = transit_times(run)
    od = run.tables["od"].iloc[0]
    assert set(tt.od) == {"Alpha → Delta"}
    assert len(tt) == od.trains * run.replications
    # the KPI is the mean over replications of each replication's mean
    per_rep = tt.groupby("replication").transit_d.mean()
    assert per_rep.mean() == pytest.approx(od.transit_mean_d, abs=1e-6)
    # lower bound: running 7 h (north) / 6 h (south) + min dwell 2 + 1 + 41/40 h
    assert tt.transit_d.min() * 24 >= 6 + 2 + 1 + 41 / 40 - 1e-6 - 0.15 * 6


def test_crossing_waits_are_trains_weighted(report_runs):
    busy, _ = report_runs
    run = load_run(busy)
    w = crossing_waits(run).set_index("crossing")
    cx = run.tables["crossings"]
    bc = cx[cx.crossing == "B-C"]
    want = (bc.wait_mean_h.fillna(0) * bc.trains_per_day).sum() / bc.trains_per_day.sum()
    assert w.wait_mean_h["B-C"] == pytest.approx(want)
    assert w.trains_per_day["B-C"] == pytest.approx(4.0)


def test_page_is_self_contained_and_complete(report_runs):
    busy, plain = report_runs
    html = build_report(load_run(busy), load_run(plain))
    for section in ('id="map"', 'id="chart-queue"', 'id="chart-transit"',
                    'id="chart-throughput"', 'id="kpi-od"', 'id="kpi-crossings"',
                    'id="scenario-table"', 'id="manifest-table"', 'id="deltas"'):
        assert section in html, section
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "cdn.plot.ly/plotly" not in html.split("<script>", 3)[-1][:200]
    geo = html.index("window.PlotlyGeoAssets")
    assert geo < html.index("Plotly.newPlot")
    from plotly.offline import get_plotlyjs

    assert geo < html.index(get_plotlyjs()[:200])  # geometry defined before plotly.js runs
    topo = html[geo:html.index("</script>", geo)]
    assert '"world_110m"' in topo and '"countries"' in topo
    # the deltas: trains dispatched 15 -> 25 (north service doubled)
    assert ">+10<" in html


def test_report_is_deterministic_and_atomic(report_runs, tmp_path):
    busy, plain = report_runs
    a = write_report(busy, tmp_path / "a.html", baseline_dir=plain)
    b = write_report(busy, tmp_path / "b.html", baseline_dir=plain)
    assert a.read_bytes() == b.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html"]


def test_old_run_dir_without_network_still_reports(report_runs, tmp_path):
    busy, _ = report_runs
    old = shutil.copytree(busy, tmp_path / "old")
    (old / "network.json").unlink()
    html = build_report(load_run(old))
    assert "no network.json" in html and 'id="kpi-od"' in html


def test_missing_run_dir_is_a_store_error(tmp_path):
    from landbridge.errors import StoreError

    with pytest.raises(StoreError, match="does not exist"):
        load_run(tmp_path / "gone")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "manifest.json").write_text(json.dumps({}))
    with pytest.raises(StoreError, match="scenario.json: missing"):
        load_run(tmp_path / "half")


