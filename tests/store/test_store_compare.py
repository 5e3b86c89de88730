"""KPI differences with Welch intervals, checked against scipy's Welch t-test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from landbridge.analysis.kpis import ci95_halfwidth
from landbridge.store import ResultsStore, compare_kpis, welch_ci95


def _summary(x: np.ndarray) -> dict:
    return {"x": float(np.mean(x)), "x_ci95": ci95_halfwidth(x), "replications": len(x)}


@pytest.mark.parametrize("na,nb", [(5, 5), (3, 8), (10, 4)])
def test_welch_interval_matches_scipy(na, nb):
    rng = np.random.default_rng(na * 100 + nb)
    xa = rng.normal(10.0, 1.0, na)
    xb = rng.normal(11.0, 3.0, nb)
    res = compare_kpis({"run": pd.DataFrame([_summary(xa)])},
                       {"run": pd.DataFrame([_summary(xb)])})
    row = res.iloc[0]
    ci = stats.ttest_ind(xb, xa, equal_var=False).confidence_interval(0.95)
    assert row.delta == pytest.approx(xb.mean() - xa.mean(), abs=1e-12)
    # t quantiles come from a table (landbridge.analysis.stats): within 0.5 %
    assert row.delta_ci95 == pytest.approx((ci.high - ci.low) / 2, rel=5e-3)
    assert bool(row.significant) == bool(ci.low > 0 or ci.high < 0)


def test_no_interval_with_one_replication_and_zero_without_spread():
    assert welch_ci95(None, 1, 0.5, 5) is None
    assert welch_ci95(0.5, 1, 0.5, 5) is None
    assert welch_ci95(0.0, 3, 0.0, 4) == 0.0


def test_keys_on_one_side_only_and_order():
    a = {"od": pd.DataFrame([{"origin": "A", "destination": "D", "trains": 10.0,
                              "trains_ci95": None, "replications": 1}])}
    b = {"od": pd.DataFrame([{"origin": "A", "destination": "D", "trains": 12.0,
                              "trains_ci95": None, "replications": 1},
                             {"origin": "A", "destination": "E", "trains": 3.0,
                              "trains_ci95": None, "replications": 1}])}
    res = compare_kpis(a, b)
    assert list(res.key) == ["A→D", "A→E"]
    assert res.delta.iloc[0] == 2.0 and pd.isna(res.delta_ci95.iloc[0])
    assert pd.isna(res.a.iloc[1]) and res.b.iloc[1] == 3.0 and pd.isna(res.delta.iloc[1])


def test_store_compare_of_two_runs(tmp_path, run_dir, run_dir_b):
    # run B doubles the north service: 4 + 1 trains a day instead of 2 + 1, over 5 days
    store = ResultsStore(tmp_path / "s.duckdb")
    a, b = store.record(run_dir), store.record(run_dir_b)
    res = store.compare(a, b)
    get = lambda t, k, kpi: res[(res.table == t) & (res.key == k) & (res.kpi == kpi)].iloc[0]  # noqa: E731
    r = get("run", "all", "trains_dispatched")
    assert (r.a, r.b, r.delta) == (15.0, 25.0, 10.0)
    assert r.delta_ci95 == 0.0 and bool(r.significant)  # timetables: no spread
    tpd = get("crossings", "B-C a_to_b", "trains_per_day")
    assert (tpd.a, tpd.b) == (2.0, 4.0)
    assert set(res.table) == {"run", "od", "services", "corridors", "crossings"}  # no road
    same = store.compare(a, a)
    assert (same.delta.dropna() == 0).all()
    assert not same.significant.fillna(False).any()
