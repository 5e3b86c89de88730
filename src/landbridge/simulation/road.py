"""Road border posts: truck flows through the lanes of a post, hour by hour.

A year of Nur Zholy alone is ~400,000 trucks; simulating each truck as a SimPy process
would cost more than the whole rail corridor. Trucks are therefore counted per hour:
arrivals in an hour are Poisson with mean ``trucks_per_day / 24``; the post serves at
most ``lanes / mean processing time`` trucks per open hour (and at most
``max_trucks_per_day / 24`` per hour where a daily cap applies, e.g. an electronic-queue
quota, spread over the open hours), first come first served. The mean wait follows from Little's law,
``W = L / λ`` (J. D. C. Little, *Operations Research* 9(3), 1961), over each day.
This is a discrete-time fluid queue: exact in the mean for the heavy-traffic queue the
posts have, blind to the within-hour variability of processing times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping

import numpy as np

from landbridge.simulation.availability import Availability
from landbridge.simulation.disruptions import Disruptions

if TYPE_CHECKING:  # pragma: no cover
    from landbridge.scenario.compile import CompiledScenario

__all__ = ["RoadDay", "road_post_days"]


@dataclass
class RoadDay:
    """One day at one road post and direction. ``lane_hours_open``: lane-hours
    available, i.e. lanes × open hours × the capacity_scale factor in force (a measure
    that cuts a post to 50 of 1,200 trucks/day leaves 1/24 of its lane-hours)."""

    crossing: str
    direction: str
    day: int
    arrived_trucks: float
    processed_trucks: float
    queue_end_trucks: float
    queue_max_trucks: float
    truck_hours_waiting: float
    lane_hours_busy: float
    lane_hours_open: float


def road_post_days(compiled: "CompiledScenario", availability: Mapping[str, Availability],
                   disruptions: Disruptions, rng_for: Callable[[str], np.random.Generator]
                   ) -> list[RoadDay]:
    """Every road flow's days, computed outside the event loop (road posts do not
    interact with trains): a pure function of its arguments.

    Parameters
    ----------
    compiled : CompiledScenario
        Its ``scenario.road_flows`` on its ``network``.
    availability : mapping of crossing id to Availability
    disruptions : Disruptions
    rng_for : callable
        Stream by name; a flow draws its arrivals from ``road:<crossing>:<direction>``.

    Returns
    -------
    list of RoadDay
        One per post, direction and simulated day, in flow order.
    """
    days: list[RoadDay] = []
    sc = compiled.scenario
    for f in sc.road_flows:
        c = compiled.network.crossings[f.crossing]
        days.extend(_post(c, f.direction, f.trucks_per_day, sc.horizon_h,
                          availability[c.id], disruptions,
                          rng_for(f"road:{c.id}:{f.direction}")))
    return days


def _post(c, direction: str, trucks_per_day: float, horizon_h: float, avail: Availability,
          dis: Disruptions, rng: np.random.Generator) -> list[RoadDay]:
    assert c.lanes is not None and c.truck_processing_h is not None
    cid = c.id
    n_hours = int(math.ceil(horizon_h))
    arrivals = rng.poisson(trucks_per_day / 24.0, size=n_hours).astype(float)
    proc_h = c.truck_processing_h.mean()
    cap_open_h = (c.max_trucks_per_day / c.operating_hours.hours_per_day
                  if c.max_trucks_per_day is not None else math.inf)

    def lane_rate(dur_f: float) -> float:  # trucks per open hour; instantaneous service
        return c.lanes / (proc_h * dur_f) if proc_h * dur_f > 0 else math.inf

    n_days = n_hours // 24  # a last partial day is not reported
    const_rate = min(lane_rate(1.0), cap_open_h)
    if avail.always_open and not any(
            dis.has(kind, "crossing", cid, direction)
            for kind in ("duration_scale", "capacity_scale")):
        rates = [const_rate] * n_hours
        is_open = np.ones(n_hours, dtype=bool)
        dur_f = cap_f = np.ones(n_hours)
    else:
        # per hour, element by element the same arithmetic as one hour at a time
        t = np.arange(n_hours, dtype=float)
        is_open = np.ones(n_hours, dtype=bool) if avail.always_open \
            else avail.open_at_hours(n_hours)
        dur_f = _factors(dis, "duration_scale", cid, direction, t)
        cap_f = _factors(dis, "capacity_scale", cid, direction, t)
        work_h = proc_h * dur_f
        with np.errstate(divide="ignore"):
            lane = np.where(work_h > 0, c.lanes / np.where(work_h > 0, work_h, 1.0), math.inf)
        rate = np.where(cap_open_h < lane, cap_open_h, lane) * cap_f
        rates = np.where(is_open, rate, 0.0).tolist()
    # the hourly fluid queue (sequential: each hour starts from the last one's queue)
    served_h = [0.0] * n_hours
    queue_h = [0.0] * n_hours
    queue = 0.0
    for hour, a in enumerate(arrivals.tolist()):
        before = queue + a
        rate = rates[hour]
        served = before if before < rate else rate
        queue = before - served
        served_h[hour] = served
        queue_h[hour] = queue
    m = n_days * 24
    served = np.array(served_h[:m])
    queue_a = np.array(queue_h[:m])
    before = np.asarray(arrivals[:m])
    before = np.concatenate(([0.0], queue_a[:-1])) + before if m else before
    shape = (n_days, 24)
    # sums over each day's hours in hour order (cumsum adds left to right, as the
    # running totals did), so the same floating-point values
    busy = served * proc_h * dur_f[:m]
    open_lanes = np.where(is_open[:m], c.lanes * cap_f[:m], 0.0)
    sums = [np.cumsum(x.reshape(shape), axis=1)[:, -1] if m else np.zeros(0)
            for x in (arrivals[:m], served, (before + queue_a) / 2.0, busy, open_lanes)]
    qmax = np.maximum(queue_a.reshape(shape).max(axis=1), 0.0) if m else np.zeros(0)
    qend = queue_a.reshape(shape)[:, -1] if m else np.zeros(0)
    cols = [x.tolist() for x in (sums[0], sums[1], qend, qmax, *sums[2:])]
    return [RoadDay(cid, direction, d, *vals) for d, vals in enumerate(zip(*cols))]


def _factors(dis: Disruptions, kind: str, cid: str, direction: str,
             t: np.ndarray) -> np.ndarray:
    """:meth:`Disruptions.factor` at every time of ``t``: the windows' factors
    multiplied in the same order."""
    f = np.ones(len(t))
    for s, e, k in dis.windows(kind, "crossing", cid, direction):
        m = (s <= t) & (t < e)
        f[m] = f[m] * k
    return f
