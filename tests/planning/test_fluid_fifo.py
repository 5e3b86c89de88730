"""The fluid model's FIFO split between services at a queued element, by hand.

Two westbound services, each one train of 2 TEU an hour, cross B-C, which accepts 48
trains a day (4 TEU/h: exactly their load, so no queue). A ``capacity_scale`` of 0.25
on days 1–2 leaves 12 trains a day (1 TEU/h): the queue grows by 4 − 1 = 3 TEU an hour
to 72 TEU at the window's end and stays there (the capacity equals the load again).
Both services arrive in the same steps in equal amounts, so first in, first out gives
each half of what leaves: 2 TEU/h before the window, 0.5 TEU/h in it, 2 TEU/h from its
end to the horizon (day 3, when the trains stop) and then 2 TEU/h for the 72/4 = 18 h
that work the queue off: 36 TEU each. Every TEU leaves once, and no service's cumulative
departures run ahead of its arrivals.
"""

import numpy as np
import pytest
from directed_net import directed_net

from landbridge.planning.fluid import run_fluid
from landbridge.scenario import compile_scenario, parse_scenario

KEY = ("crossing", "B-C", "a_to_b")


def _run(tmp_path, disruptions):
    svc = [{"id": s, "origin": "A", "destination": "D", "departures_per_week": 168,
            "teu_per_train": 2} for s in ("W1", "W2")]
    sc = parse_scenario({"name": "t", "start_date": "2025-01-01", "horizon_days": 3,
                         "seed": 1, "approach_holding_trains": 1000,
                         "running_time_factor": {"kind": "fixed", "value": 1.0},
                         "services": svc, "disruptions": disruptions})
    net = directed_net(tmp_path / "n", max_trains_per_day=48.0, inspection_teams=10)
    return run_fluid(compile_scenario(sc, net))


def _departures(run, n):
    """Each service's departures from B-C as they reach C-D (delayed by the free-flow
    time between them, whole steps), TEU per hourly step."""
    out = []
    for idx, teu in run.memo[KEY][2]:
        x = np.zeros(n)
        x[idx] = teu
        out.append(x)
    return out


def test_fifo_split_of_a_queue_by_hand(tmp_path):
    cut = {"kind": "capacity_scale", "target": "B-C", "factor": 0.25,
           "window": {"start_day": 1, "end_day": 2}}
    run = _run(tmp_path, [cut])
    q = run.queues[KEY]
    n = len(q)
    # no queue before the window; 3 TEU more each hour of it; 72 TEU after it (to the
    # horizon, 72 h, where the trains stop coming and the queue is worked off)
    assert q[:24].max() == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(q[24:48], 3.0 * np.arange(1, 25), atol=1e-6)
    np.testing.assert_allclose(q[48:72], 72.0, atol=1e-6)
    w1, w2 = _departures(run, n)
    np.testing.assert_allclose(w1, w2, atol=1e-6)  # equal shares, first in first out
    arrivals = np.zeros(n)
    idx, teu = run.memo[KEY][1][0]
    arrivals[idx] = teu
    a0 = int(idx[0])  # the first train (the timetable's first departure hour)
    np.testing.assert_allclose(arrivals[a0:72], 2.0)
    # departures as they reach C-D: k whole hours of free flow after leaving B-C
    k = int(np.flatnonzero(w1)[0]) - a0
    dep = w1[k:]
    np.testing.assert_allclose(dep[a0:24], 2.0, atol=1e-6)
    np.testing.assert_allclose(dep[24:48], 0.5, atol=1e-6)
    np.testing.assert_allclose(dep[48:72], 2.0, atol=1e-6)
    # after the horizon (72 h) the 72 TEU leave at 4 TEU/h: 18 h, 36 TEU each
    np.testing.assert_allclose(dep[72:90], 2.0, atol=1e-6)
    assert dep[90:].sum() == pytest.approx(0.0, abs=1e-6)
    assert w1.sum() == pytest.approx(arrivals.sum(), abs=1e-6)  # every TEU once
    # no service's cumulative departures run ahead of its arrivals
    assert (np.cumsum(dep) <= np.cumsum(arrivals)[:len(dep)] + 1e-9).all()


def test_no_queue_without_the_window(tmp_path):
    run = _run(tmp_path, [])
    assert not run.queues[KEY].any()
    w1, w2 = _departures(run, len(run.queues[KEY]))
    idx, teu = run.memo[KEY][1][0]
    k = int(np.flatnonzero(w1)[0]) - int(idx[0])
    np.testing.assert_allclose(w1[k + idx], teu)  # each train leaves as it came
    assert w1.sum() == pytest.approx(teu.sum())
