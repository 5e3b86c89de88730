"""Per-service and per-corridor transit KPIs and daily step statistics, by hand."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from landbridge.analysis.kpis import (corridor_label, daily_step_stats, deliveries,
                                      transit_stats)


def _plan(sid, o, d, corridor):
    return SimpleNamespace(id=sid, origin=o, destination=d,
                           route=SimpleNamespace(corridor=tuple(corridor)))


COMPILED = SimpleNamespace(services=(
    _plan("N", "CQ", "DUI", ["ASK-DST", "BRE-MAL"]),
    _plan("M", "CQ", "DUI", ["KHG-ALT", "KUR-ALAT", "AKH-KARS"])))


def _deliver(rep, svc, dispatch_h, transit_d, teu):
    """One train's delivery (each a train of its own: ``trains`` counts train ids)."""
    return dict(replication=rep, seq=0, train=f"{svc}-{dispatch_h:g}", service=svc,
                event="deliver", node="DUI",
                crossing="", time_h=dispatch_h + 24 * transit_d, teu=teu,
                dispatch_h=dispatch_h)


def test_one_od_pair_two_corridors_kept_apart():
    ev = pd.DataFrame([_deliver(0, "N", 0, 14, 80), _deliver(0, "N", 24, 16, 80),
                       _deliver(0, "M", 0, 20, 40), _deliver(0, "M", 24, 30, 40),
                       _deliver(0, "M", 48, 22, 40)])
    d = deliveries(ev, COMPILED)
    assert set(d.corridor) == {"ASK-DST > BRE-MAL", "KHG-ALT > KUR-ALAT > AKH-KARS"}
    by_cor = transit_stats(d, ["corridor"]).set_index("corridor")
    north = by_cor.loc["ASK-DST > BRE-MAL"]
    assert (north.trains, north.teu_delivered, north.transit_mean_d) == (2, 160.0, 15.0)
    middle = by_cor.loc["KHG-ALT > KUR-ALAT > AKH-KARS"]
    assert middle.transit_mean_d == pytest.approx(24.0)
    assert middle.transit_p50_d == pytest.approx(22.0)
    # pandas' linear quantile of (20, 22, 30) at 0.95: 22 + 0.9 · 8
    assert middle.transit_p95_d == pytest.approx(29.2)
    od = transit_stats(d, ["origin", "destination"]).iloc[0]
    assert (od.trains, od.transit_mean_d) == (5, pytest.approx((14 + 16 + 20 + 30 + 22) / 5))


def test_corridor_column_of_the_log_wins():
    ev = pd.DataFrame([_deliver(0, "N", 0, 14, 80)]).assign(corridor="ASK-DST > KGS-MUK")
    assert list(deliveries(ev, COMPILED).corridor) == ["ASK-DST > KGS-MUK"]
    assert corridor_label(()) == ""


def test_daily_step_stats_by_hand():
    # +1 at 6 h, +1 at 12 h, −1 at 30 h, −1 at 36 h: day 0 mean (6·1 + 12·2)/24 = 1.25,
    # max 2; day 1: 2 until 30 h, 1 until 36 h, 0 after: (6·2 + 6·1)/24 = 0.75, max 2
    peak, mean = daily_step_stats(np.array([6.0, 12.0, 30.0, 36.0]),
                                  np.array([1.0, 2.0, 1.0, 0.0]), 3)
    assert list(peak) == [2.0, 2.0, 0.0]
    assert mean == pytest.approx([1.25, 0.75, 0.0])


def test_road_binding_limit_by_hand():
    from landbridge.analysis.kpis import _road_binding

    # 100 trucks/day arrive; 10 lane-hours open a day; 0.1 lane-hours per truck:
    # the lanes pass 100 a day in opening hours
    g = pd.DataFrame(dict(arrived_trucks=[100.0] * 10, processed_trucks=[95.0] * 10,
                          lane_hours_busy=[9.5] * 10, lane_hours_open=[10.0] * 10))
    assert _road_binding(g, 50.0, 2) == "quota"      # 50 < 100: the quota binds
    assert _road_binding(g, None, 2) == "hours"      # 2 lanes × 24 h pass 480 a day
    assert _road_binding(g.assign(arrived_trucks=10.0), None, 2) == "none"  # 10 % of 100
    slow = g.assign(lane_hours_busy=47.5)            # 0.5 lane-hours per truck
    assert _road_binding(slow, None, 1) == "lanes"   # 1 lane × 24 h / 0.5 h = 48 < 80
