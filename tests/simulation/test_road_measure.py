"""Road posts under a capacity measure: utilisation counts the lane-hours the measure
leaves, and the binding limit names the measure (hand-computed hourly fluid queue)."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from landbridge.analysis.kpis import _road_binding
from landbridge.simulation.disruptions import Disruptions
from landbridge.simulation.road import road_post_days


def _days(scales):
    """Post P: 2 lanes, 0.5 h a truck (4 trucks/h), open 24 h, no quota; exactly 2
    trucks arrive every hour for 3 days."""
    post = SimpleNamespace(id="P", lanes=2, truck_processing_h=SimpleNamespace(mean=lambda: 0.5),
                           max_trucks_per_day=None,
                           operating_hours=SimpleNamespace(hours_per_day=24.0))
    compiled = SimpleNamespace(
        scenario=SimpleNamespace(horizon_h=72.0, road_flows=[SimpleNamespace(
            crossing="P", direction="a_to_b", trucks_per_day=48.0)]),
        network=SimpleNamespace(crossings={"P": post}))
    rng = SimpleNamespace(poisson=lambda lam, size: np.full(size, 2.0))
    return road_post_days(compiled, {"P": SimpleNamespace(always_open=True)},
                          Disruptions(scales=scales), lambda name: rng)


def test_a_capacity_measure_leaves_fewer_lane_hours_and_is_named():
    # × 0.25 for the first 48 h: 1 truck/h served, the queue grows 1 an hour to 48;
    # then 4/h: 2 arrive, 2 more leave the queue each hour, empty after 23 h
    days = _days({("capacity_scale", "crossing", "P"): ((0.0, 48.0, 0.25),)})
    assert [d.processed_trucks for d in days] == [24.0, 24.0, 96.0]
    assert [d.queue_end_trucks for d in days] == [24.0, 48.0, 0.0]
    # lane-hours available: 2 lanes × 24 h × 0.25, then × 1; busy: 0.5 h a truck
    assert [d.lane_hours_open for d in days] == [12.0, 12.0, 48.0]
    assert [d.lane_hours_busy for d in days] == [12.0, 12.0, 48.0]  # 100 % busy
    g = pd.DataFrame([d.__dict__ for d in days])
    # 48 a day arrive; 2 × 24 / 0.5 = 96 a day without the measure: the measure binds
    assert _road_binding(g, None, 2, 24.0) == "measure"
    assert _road_binding(g, None, 2) == "hours"  # without the opening hours: not judged


def test_without_a_measure_the_post_keeps_up():
    days = _days({})
    assert [d.processed_trucks for d in days] == [48.0] * 3
    assert [d.lane_hours_open for d in days] == [48.0] * 3
    g = pd.DataFrame([d.__dict__ for d in days])
    assert g.lane_hours_busy.sum() / g.lane_hours_open.sum() == pytest.approx(0.5)
    assert _road_binding(g, None, 2, 24.0) == "none"  # 48 < 0.8 × 96
