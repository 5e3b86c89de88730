"""The report charts' disruption shading and map label placement (hand-computed)."""

from __future__ import annotations

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
             items=["C × 0.5", "D × 1.25"]),
    ]


def test_charts_shade_each_merged_window_once_and_name_groups_in_the_legend():
    for fig in (queue_figure(_run(DISRUPTIONS)), throughput_figure(_run(DISRUPTIONS))):
        assert len(fig.layout.shapes) == 3
        assert not fig.layout.annotations  # no text on the chart per window
        names = [t.name for t in fig.data if isinstance(t, go.Scatter)]
        assert names == ["shaded, closed: A, B",
                         "shaded, capacity or service times scaled: C × 0.5, D × 1.25"]


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
    assert [w["items"] for w in wins] == [["C a_to_b × 0.5"]]
