"""The approach gate's projection (ApproachGate._fits) against the fluid loop it
short-cuts: the same verdict on random states, including states built to land exactly
on the limit (whole-hour arrival times and a rate of 1/2 train an hour), where the
bounds must leave the decision to the loop."""

import bisect

import numpy as np
import simpy

from landbridge.simulation.approach import OBSERVED_H, ApproachGate


def _loop(etas, queued, room, now, run_h, start, rate):
    """The projection written as the plain fluid loop (the definition)."""
    eta = now + run_h
    k = bisect.bisect_right(etas, eta)
    q = float(queued)
    t = start if start > now else now
    for e in etas[:k]:
        if e > t:
            q -= rate * (e - t)
            if q < 0.0:
                q = 0.0
            t = e
        q += 1.0
    if eta > t:
        q -= rate * (eta - t)
    return q + 1.0 <= room + 1e-9


def _gate(now, room, rate, reopen, etas, queued, accepted):
    env = simpy.Environment(initial_time=now)
    gate = ApproachGate(env, room, lambda t: rate, lambda t: reopen)
    gate._accepted.extend([now] * accepted)  # accepted in the last OBSERVED_H hours
    gate._etas = list(etas)
    gate.queue = queued
    return gate


def _rate(rate, queued, now, accepted):
    """The rate the gate projects with: while trains are queued, at most what it has
    accepted over the last OBSERVED_H hours."""
    if queued:
        return min(rate, accepted / (min(OBSERVED_H, now) or 1.0))
    return rate


def test_projection_equals_the_fluid_loop():
    rng = np.random.default_rng(13)
    verdicts = {True: 0, False: 0}
    for case in range(20000):
        room = int(rng.integers(1, 15))
        queued = int(rng.integers(0, room + 3))
        n = int(rng.integers(0, 40))
        if case % 3 == 0:  # whole hours, 1/2 train an hour: values land on the limit
            now = float(rng.integers(48, 2000))
            rate, accepted = 0.5, int(rng.choice([0, 24, 100]))
            etas = sorted(now + float(x) for x in rng.integers(-3, 60, size=n))
            run_h = float(rng.integers(0, 70))
        else:
            now = float(rng.uniform(0, 2000))
            rate = float(rng.choice([0.0, rng.uniform(0.01, 3.0)]))
            accepted = int(rng.integers(0, 100))
            etas = sorted(now + float(x) for x in rng.uniform(-3, 60, size=n))
            run_h = float(rng.uniform(0, 70))
        reopen = now + (float(rng.integers(1, 20)) if case % 5 == 0 else 0.0)
        gate = _gate(now, room, rate, reopen, etas, queued, accepted)
        want = _loop(etas, queued, room, now, run_h, reopen,
                     _rate(rate, queued, now, accepted))
        assert gate._fits(run_h) == want, (case, etas, queued, room, now, run_h, rate)
        verdicts[want] += 1
    assert min(verdicts.values()) > 2000  # both verdicts well exercised


def test_a_queue_landing_exactly_on_the_limit():
    # one queued, trains due at +2 h and +4 h, 1/2 train an hour (24 accepted in the
    # last 48 h), the new train due at +4 h: 1 - 1 + 1 = 1 at +2, 1 - 1 + 1 = 1 at +4;
    # with the new train 2 <= room 2: fits; with room 1 it does not
    etas = [102.0, 104.0]
    for room, want in ((2, True), (1, False)):
        assert _loop(etas, 1, room, 100.0, 4.0, 100.0, 0.5) is want
        assert _gate(100.0, room, 0.5, 100.0, etas, 1, 24)._fits(4.0) is want
