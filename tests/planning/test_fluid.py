"""The fluid queue of disruption costing, against hand computation.

One element, arrival rate λ, capacity μ > λ (TEU/day); a closure of W days: the backlog
grows at λ to λW at the reopening and is worked off at μ − λ, so it clears
T = λW/(μ − λ) days later; the delay is the triangle λW(W + T)/2 TEU-days. A capacity
scale f < λ/μ: it grows at λ − fμ instead (Newell 1982, ch. 2).
"""

import numpy as np
import pytest

from landbridge.planning.fluid import FluidRun, fluid_backlog, fluid_queue

DAYS = 60
H = DAYS * 24


def hourly(rate_per_day: float) -> np.ndarray:
    return np.full(H, rate_per_day / 24.0)


def capacity(mu: float, start_d: float, end_d: float, factor: float) -> np.ndarray:
    c = hourly(mu)
    c[int(start_d * 24):int(end_d * 24)] *= factor
    return c


def backlog(lam, mu, start_d, end_d, factor):
    fq = fluid_queue(hourly(lam), capacity(mu, start_d, end_d, factor))
    base = fluid_queue(hourly(lam), hourly(mu))
    key = ("crossing", "X", "a_to_b")
    run = FluidRun(1.0, {key: fq.queue}, {key: "X"})
    clean = FluidRun(1.0, {key: base.queue}, {key: "X"})
    return fq, fluid_backlog(run, clean, end_d * 24.0, H)


def test_closure_of_one_crossing():
    lam, mu, w = 100.0, 300.0, 10.0          # closed days 10–20
    fq, b = backlog(lam, mu, 10.0, 20.0, 0.0)
    peak = lam * w                           # 1,000 TEU at the reopening
    clear = w * lam / (mu - lam)             # 5 days after it
    assert b.peak_backlog_teu == pytest.approx(peak)
    assert b.peak_day == pytest.approx(20.0)
    assert b.cleared_day == pytest.approx(20.0 + clear, abs=1 / 24)
    assert b.delay_teu_days == pytest.approx(peak * (w + clear) / 2, rel=2e-3)
    assert b.binding == "X"
    # nothing passes while closed; the spare 200 TEU/day afterwards
    assert fq.departures[10 * 24:20 * 24].sum() == pytest.approx(0.0, abs=1e-6)
    assert fq.departures[20 * 24:21 * 24].sum() == pytest.approx(300.0)


def test_capacity_scale_window():
    lam, mu, f, w = 100.0, 150.0, 0.4, 10.0  # 60 TEU/day for days 5–15
    _, b = backlog(lam, mu, 5.0, 15.0, f)
    peak = (lam - f * mu) * w                # 400 TEU
    clear = peak / (mu - lam)                # 8 days
    assert b.peak_backlog_teu == pytest.approx(peak)
    assert b.cleared_day == pytest.approx(15.0 + clear, abs=1 / 24)
    assert b.delay_teu_days == pytest.approx(peak * (w + clear) / 2, rel=2e-3)


def test_capacity_scale_above_the_load_leaves_no_queue():
    _, b = backlog(100.0, 150.0, 5.0, 15.0, 0.8)  # 120 ≥ 100
    assert b.peak_backlog_teu == 0.0 and b.cleared_day is None and b.binding is None


def test_queue_that_never_clears_within_the_horizon():
    # a closure of 50 days at λ = 100, μ = 150: 5,000 TEU need 100 days of spare capacity
    _, b = backlog(100.0, 150.0, 5.0, 55.0, 0.0)
    assert b.peak_backlog_teu == pytest.approx(5000.0)
    assert b.cleared_day is None


def test_lindley_recursion_by_hand():
    fq = fluid_queue(np.array([5.0, 0.0, 4.0, 1.0]), np.array([2.0, 2.0, 2.0, 2.0]))
    assert fq.queue.tolist() == [3.0, 1.0, 3.0, 2.0]
    assert fq.departures.tolist() == [2.0, 2.0, 2.0, 2.0]


def test_bad_arrays_are_refused():
    with pytest.raises(ValueError, match="one length"):
        fluid_queue(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="non-negative"):
        fluid_queue(np.array([-1.0]), np.array([1.0]))
