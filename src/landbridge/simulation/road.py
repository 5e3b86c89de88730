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
    out: list[RoadDay] = []
    n_hours = int(math.ceil(horizon_h))
    arrivals = rng.poisson(trucks_per_day / 24.0, size=n_hours).astype(float)
    proc_h = c.truck_processing_h.mean()
    cap_open_h = (c.max_trucks_per_day / c.operating_hours.hours_per_day
                  if c.max_trucks_per_day is not None else math.inf)

    def lane_rate(dur_f: float) -> float:  # trucks per open hour; instantaneous service
        return c.lanes / (proc_h * dur_f) if proc_h * dur_f > 0 else math.inf

    queue = 0.0
    acc = [0.0] * 6  # arrived, processed, queue max, truck-hours waiting, busy, open
    constant = avail.always_open and not any(
        dis.has(kind, "crossing", cid, direction) for kind in ("duration_scale", "capacity_scale"))
    const_rate = min(lane_rate(1.0), cap_open_h)
    for hour in range(n_hours):
        if constant:
            is_open, dur_f, rate, cap_f = True, 1.0, const_rate, 1.0
        else:
            t = float(hour)
            is_open = avail.always_open or avail.next_open(t) <= t + 1e-9
            dur_f = dis.factor("duration_scale", "crossing", cid, t, direction)
            cap_f = dis.factor("capacity_scale", "crossing", cid, t, direction)
            if is_open:
                rate = min(lane_rate(dur_f), cap_open_h)
                rate *= cap_f
            else:
                rate = 0.0
        a = arrivals[hour]
        before = queue + a
        served = before if before < rate else rate
        queue = before - served
        acc[0] += a
        acc[1] += served
        if queue > acc[2]:
            acc[2] = queue
        acc[3] += (before + queue) / 2.0  # truck-hours in the queue this hour
        acc[4] += served * proc_h * dur_f
        acc[5] += c.lanes * cap_f if is_open else 0.0  # lane-hours available
        if (hour + 1) % 24 == 0:
            out.append(RoadDay(cid, direction, hour // 24, acc[0], acc[1], queue,
                               acc[2], acc[3], acc[4], acc[5]))
            acc = [0.0] * 6
    return out
