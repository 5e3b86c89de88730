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
from typing import TYPE_CHECKING, Iterator

import simpy

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
        for f in self.compiled.scenario.road_flows:
            key = (f.crossing, f.direction)
            self.teu_per_truck[key] = f.teu_per_truck
            self.model.env.process(self._post(f.crossing, f.direction, f.trucks_per_day))

    def _post(self, cid: str, direction: str, trucks_per_day: float) -> Iterator[simpy.Event]:
        m = self.model
        env = m.env
        c = m.network.crossings[cid]
        assert c.lanes is not None and c.truck_processing_h is not None
        avail = m.avail[cid]
        rng = m.rng_road
        queue = 0.0
        day = 0
        acc = dict(arr=0.0, proc=0.0, qmax=0.0, wait=0.0, busy=0.0, open=0.0)
        horizon = m.scenario.horizon_h
        hour = 0
        while hour < horizon:
            t = float(hour)
            arrivals = float(rng.poisson(trucks_per_day / 24.0))
            dur_f = m._factor("duration_scale", "crossing", cid, t)
            cap_f = m._factor("capacity_scale", "crossing", cid, t)
            is_open = avail.next_open(t) <= t + 1e-9
            rate = c.lanes / (c.truck_processing_h.mean() * dur_f) if is_open else 0.0
            if c.max_trucks_per_day is not None and is_open:
                rate = min(rate, c.max_trucks_per_day / c.operating_hours.hours_per_day)
            rate *= cap_f
            before = queue + arrivals
            served = min(before, rate)
            queue = before - served
            acc["arr"] += arrivals
            acc["proc"] += served
            acc["qmax"] = max(acc["qmax"], queue)
            acc["wait"] += (before + queue) / 2.0  # truck-hours in the queue this hour
            acc["busy"] += served * c.truck_processing_h.mean() * dur_f
            acc["open"] += c.lanes if is_open else 0.0
            hour += 1
            yield env.timeout(1.0)
            if hour % 24 == 0:
                self.days.append(RoadDay(cid, direction, day, acc["arr"], acc["proc"], queue,
                                         acc["qmax"], acc["wait"], acc["busy"], acc["open"]))
                day += 1
                acc = dict(arr=0.0, proc=0.0, qmax=0.0, wait=0.0, busy=0.0, open=0.0)
            self.queues[(cid, direction)] = queue
