"""The report charts' disruption shading and map label placement (hand-computed)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from landbridge.report.charts import (label_positions, merged_windows, queue_figure,
                                      throughput_figure)
from landbridge.report.data import RunData


def _run(disruptions, horizon_days=60.0) -> RunData:
    return RunData(path=Path("."), run_id="r", manifest={
        "start_date": "2021-01-01", "horizon_days": horizon_days, "warmup_days": 0.0,
        "replications": 1}, scenario={"disruptions": disruptions}, tables={},
        events=pd.DataFrame(), network=None)


def _w(start, end):
    return {"start": start, "end": end}


DISRUPTIONS = [
    {"kind": "closure", "target": "A", "window": _w("2021-01-10", "2021-01-20")},
    {"kind": "closure", "target": "B", "window": _w("2021-01-15", "2021-01-25")},
    {"kind": "capacity_scale", "target": "C", "factor": 0.5,
     "window": _w("2020-12-01", "2022-01-01")},
    {"kind": "duration_scale", "target": "D", "factor": 1.25,
     "window": _w("2021-01-01", "2022-01-01")},
    {"kind": "closure", "target": "A", "window": _w("2021-02-01", "2021-02-03")},
    {"kind": "closure", "target": "E", "window": _w("2021-04-01", "2021-04-05")},  # after
    {"kind": "random_failure", "target": "F", "mtbf_h": 100, "mttr_h": 5},  # undated
]


def test_windows_merge_per_group_within_the_run():
    wins = merged_windows(_run(DISRUPTIONS))
    assert wins == [
        # A and B overlap: one window, each named once
        dict(group="closure", start="2021-01-10T00:00", end="2021-01-25T00:00",
             items=["A", "B"]),
        dict(group="closure", start="2021-02-01T00:00", end="2021-02-03T00:00",
             items=["A"]),
        # the year-long scalings, clipped to the 60-day run (ends 2021-03-02), are one
        dict(group="scaling", start="2021-01-01T00:00", end="2021-03-02T00:00",
             items=["C capacity × 0.5", "D service time × 1.25"]),
    ]


def test_charts_shade_each_merged_window_once_and_name_groups_in_the_legend():
    for fig in (queue_figure(_run(DISRUPTIONS)), throughput_figure(_run(DISRUPTIONS))):
        assert len(fig.layout.shapes) == 3
        assert not fig.layout.annotations  # no text on the chart per window
        names = [t.name for t in fig.data if isinstance(t, go.Scatter)]
        assert names == ["shaded, closed: A, B",
                         "shaded, scaled: C capacity × 0.5, D service time × 1.25"]


def test_labels_on_one_spot_take_the_free_sides_then_are_left_out():
    # 10 px per degree: 1,000 px over 100° of longitude (the narrower constraint)
    pts = [(50.0, 0.0, "AAAA", 10.0)] * 5 + [(90.0, 0.0, "FAR", 10.0)]
    got = label_positions(pts, (0.0, 100.0), (-10.0, 10.0), width_px=1000, height_px=1000)
    # a 4-letter label is 24 px wide and 12.5 px high, 7 px off the marker's centre:
    # above, below, right, left; the corner spots overlap the ones above and below
    assert got == ["top center", "bottom center", "middle right", "middle left", None,
                   "top center"]


def test_a_label_does_not_cover_another_circle():
    # T (40 px circle) 20 px below S: T's label above would run into S's circle
    pts = [(50.0, -2.0, "T", 40.0), (50.0, 0.0, "SSSS", 6.0)]
    got = label_positions(pts, (0.0, 100.0), (-10.0, 10.0), width_px=1000, height_px=1000)
    assert got == ["bottom center", "top center"]


def test_a_one_side_scaling_names_its_side():
    wins = merged_windows(_run([{"kind": "capacity_scale", "target": "C", "factor": 0.5,
                                 "direction": "a_to_b",
                                 "window": _w("2021-01-10", "2021-01-20")}]))
    assert [w["items"] for w in wins] == [["C a_to_b capacity × 0.5"]]


def test_a_measure_with_an_id_is_named_by_it():
    wins = merged_windows(_run([{"kind": "capacity_scale", "id": "nur-zholy-covid-limit",
                                 "target": "KHR-NZH", "factor": 0.0417,
                                 "window": _w("2021-01-10", "2021-01-20")},
                                {"kind": "closure", "id": "khorgos-road-aug-2021",
                                 "target": "KHR-NZH",
                                 "window": _w("2021-01-12", "2021-01-14")}]))
    assert [w["items"] for w in wins] == [["khorgos-road-aug-2021"],
                                          ["nur-zholy-covid-limit: capacity × 0.0417"]]


def test_transit_plot_keeps_the_pairs_with_most_teu_with_the_axis_on_top():
    from landbridge.report.charts import top_od_pairs, transit_figure

    od = pd.DataFrame(dict(origin=["A", "B", "C", "D"], destination=["Z"] * 4,
                           teu_delivered=[10.0, 300.0, 300.0, 50.0]))
    # deliveries of services SA..SD (origin → Z), dispatched at 0 h, 2 days each
    ev = pd.DataFrame(dict(event=["deliver"] * 4, service=["SA", "SB", "SC", "SD"],
                           time_h=[48.0] * 4, dispatch_h=[0.0] * 4, replication=[0] * 4))
    net = {"nodes": [], "services": [dict(id=f"S{o}", origin=o, destination="Z")
                                     for o in "ABCD"]}
    run = RunData(path=Path("."), run_id="r", manifest={
        "start_date": "2021-01-01", "horizon_days": 10.0, "warmup_days": 0.0,
        "replications": 1}, scenario={}, tables={"od": od}, events=ev, network=net)
    # most TEU first, ties by name: B and C (300), then D (50); A (10) left out
    assert top_od_pairs(run, 3) == (["B → Z", "C → Z", "D → Z"], 4)
    fig = transit_figure(run, top=3)
    (box,) = fig.data
    assert sorted(set(box.y)) == ["B → Z", "C → Z", "D → Z"]
    assert list(fig.layout.yaxis.categoryarray) == ["B → Z", "C → Z", "D → Z"]
    assert fig.layout.xaxis.side == "top"
    assert "the 3 of 4 pairs with the most TEU" in fig.layout.title.text
    assert fig.layout.height == 320  # max(320, 140 + 28 px a pair)


def test_a_corridor_chart_leaves_out_windows_on_other_crossings():
    run = _run([{"kind": "closure", "id": "road", "target": "R",
                 "window": _w("2021-01-10", "2021-01-20")},
                {"kind": "capacity_scale", "id": "cut", "target": "C", "factor": 0.5,
                 "window": _w("2021-01-10", "2021-01-20")},
                {"kind": "closure", "id": "line", "target": "L1",
                 "window": _w("2021-01-12", "2021-01-14")}])
    run = replace(run, network={"crossings": [{"id": "C"}, {"id": "R"}, {"id": "D"}]})
    # R is a crossing off the corridor; L1 (a link) is kept
    assert [w["items"] for w in merged_windows(run, "C > D")] == [
        ["line"], ["cut: capacity × 0.5"]]
    assert [w["items"] for w in merged_windows(run)] == [
        ["road", "line"], ["cut: capacity × 0.5"]]
