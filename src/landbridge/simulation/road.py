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

from dataclasses import dataclass, field
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from landbridge.scenario.compile import CompiledScenario
    from landbridge.simulation.corridor import CorridorModel

__all__ = ["RoadPosts", "RoadDay"]


@dataclass
class RoadDay:
    """One day at one road post and direction."""

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


@dataclass
class RoadPosts:
    """The road posts of one replication; ``days`` collects one :class:`RoadDay` per
    post, direction and day; ``teu_per_truck`` per flow for TEU figures."""

    model: "CorridorModel"
    compiled: "CompiledScenario"
    days: list[RoadDay] = field(default_factory=list)
    queues: dict[tuple[str, str], float] = field(default_factory=dict)
    teu_per_truck: dict[tuple[str, str], float] = field(default_factory=dict)

    def start(self) -> None:
        """Compute every road flow's days (road posts do not interact with trains, so
        they are computed outside the event loop, hour by hour)."""
        for f in self.compiled.scenario.road_flows:
            key = (f.crossing, f.direction)
            self.teu_per_truck[key] = f.teu_per_truck
            self._post(f.crossing, f.direction, f.trucks_per_day)

    def _post(self, cid: str, direction: str, trucks_per_day: float) -> None:
        m = self.model
        c = m.network.crossings[cid]
        assert c.lanes is not None and c.truck_processing_h is not None
        avail = m.avail[cid]
        n_hours = int(math.ceil(m.scenario.horizon_h))
        arrivals = m.rng_road.poisson(trucks_per_day / 24.0, size=n_hours).astype(float)
        proc_h = c.truck_processing_h.mean()
        cap_open_h = (c.max_trucks_per_day / c.operating_hours.hours_per_day
                      if c.max_trucks_per_day is not None else math.inf)
        queue = 0.0
        acc = [0.0] * 6  # arrived, processed, queue max, truck-hours waiting, busy, open
        constant = avail.always_open and not any(
            (kind, "crossing", cid) in m.scales for kind in ("duration_scale", "capacity_scale"))
        const_rate = min(c.lanes / proc_h, cap_open_h)
        for hour in range(n_hours):
            if constant:
                is_open, dur_f, rate = True, 1.0, const_rate
            else:
                t = float(hour)
                is_open = avail.always_open or avail.next_open(t) <= t + 1e-9
                dur_f = m._factor("duration_scale", "crossing", cid, t)
                if is_open:
                    rate = min(c.lanes / (proc_h * dur_f), cap_open_h)
                    rate *= m._factor("capacity_scale", "crossing", cid, t)
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
            acc[5] += c.lanes if is_open else 0.0
            if (hour + 1) % 24 == 0:
                self.days.append(RoadDay(cid, direction, hour // 24, acc[0], acc[1], queue,
                                         acc[2], acc[3], acc[4], acc[5]))
                acc = [0.0] * 6
        self.queues[(cid, direction)] = queue
