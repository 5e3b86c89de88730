"""The report's road-post sentence names only the measures whose window overlaps the
run, and writes a capacity measure on a post with a daily quota as the figure it
leaves (hand-built run: 150 days from 1 Jan 2021, a year-long 0.0417 limit on a
1,200 trucks/day post and an August closure outside the run)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from landbridge.report.html import _measures_on, _sentences
from landbridge.report.data import RunData

_DISRUPTIONS = [
    {"kind": "closure", "id": "khorgos-road-aug-2021", "target": "KHR-NZH",
     "window": {"start": "2021-08-01", "end": "2021-09-01"}},
    {"kind": "capacity_scale", "id": "nur-zholy-covid-limit", "target": "KHR-NZH",
     "factor": 0.0417, "window": {"start": "2021-01-01", "end": "2022-01-01"}},
    {"kind": "closure", "id": "other-post", "target": "TC-BKT",
     "window": {"start": "2021-02-01", "end": "2021-02-05"}},
]


def _run(horizon_days: float) -> RunData:
    road = pd.DataFrame([dict(crossing="KHR-NZH", direction="a_to_b",
                              binding_limit="measure", trucks_per_day=49.8,
                              quota_trucks_per_day=1200.0, util_lanes=0.97,
                              queue_end_trucks=1234.0, wait_mean_h=300.0)])
    return RunData(path=Path("."), run_id="r", manifest={"start_date": "2021-01-01",
                                                         "horizon_days": horizon_days},
                   scenario={"disruptions": _DISRUPTIONS}, tables={"road": road},
                   events=pd.DataFrame())


def test_only_measures_overlapping_the_run_are_cited_with_the_resulting_figure():
    # 1,200 × 0.0417 = 50.04 trucks/day; the August closure starts after day 150 (30 May)
    assert _measures_on(_run(150), "KHR-NZH", "a_to_b", 1200.0) == [
        "50 trucks/day under nur-zholy-covid-limit (× 0.0417 of 1,200), "
        "2021-01-01 – 2022-01-01"]
    sentence = [s for s in _sentences(_run(150)) if s.startswith("Road post")]
    assert len(sentence) == 1
    assert "khorgos-road-aug-2021" not in sentence[0]
    assert "50 trucks/day under nur-zholy-covid-limit (× 0.0417 of 1,200)" in sentence[0]


def test_a_measure_inside_the_run_is_cited_and_one_ending_at_the_start_is_not():
    # 240 days reach 29 Aug: the closure (1–31 Aug) overlaps
    assert _measures_on(_run(240), "KHR-NZH", "a_to_b", 1200.0) == [
        "khorgos-road-aug-2021: closed, 2021-08-01 – 2021-09-01",
        "50 trucks/day under nur-zholy-covid-limit (× 0.0417 of 1,200), "
        "2021-01-01 – 2022-01-01"]
    run = _run(30)
    run.manifest["start_date"] = "2021-09-01"  # the closure ended at the run's start
    assert [m.split(":")[0] for m in _measures_on(run, "KHR-NZH", "a_to_b")] == [
        "nur-zholy-covid-limit"]
    # without a quota the factor is all that can be said
    assert _measures_on(run, "KHR-NZH", "a_to_b") == [
        "nur-zholy-covid-limit: capacity × 0.0417, 2021-01-01 – 2022-01-01"]
