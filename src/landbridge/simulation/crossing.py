"""One direction of a rail border crossing point (BCP) as a SimPy component.

A train arriving at the crossing waits for a receiving-yard track (first come, first
served; none is given while the crossing is closed), is accepted within the agreed
trains/day cap, is inspected by one of the border/customs teams, handed over
(locomotive and crew), transshipped where the gauge breaks, and crosses the border
link. It keeps its yard track after departure until it may move on (back-pressure).

Work is done only while the crossing is open (local operating hours, no closure).

Capacity windows (``capacity_scale``) at a crossing with an agreed cap scale the cap
(trains accepted per day, e.g. the 2021 Alashankou limit of 5–6 of 16 trains/day); at
a crossing without a cap they scale its service rate: every service time is divided
by the factor, so the teams and tracks pass that share of their trains, first come,
first served. ``duration_scale`` windows multiply the service times.

The approach gate (:attr:`CrossingSide.gate`, :mod:`~landbridge.simulation.approach`)
decides when a train may be sent towards this side, so that the trains waiting to be
accepted never need more than the physical room: approach sidings and the standing
room of the line leading to it.

**Event count.** The teams and the transshipment tracks are first come, first served
queues whose service time is known when service starts, so a train's start and end at
each stage follow from the times its servers become free (Kiefer and Wolfowitz,
*Trans. AMS* 78, 1955: customer n starts at ``max(arrival, earliest free server)``):
the side keeps those times instead of SimPy resources, and a train is woken only where
the order of trains can change — when it gets a yard track (it may wait for one), at
the end of handover (trains reach the tracks in the order they finish handover, not in
the order they came) and at departure. The rows in between (``clearance_start``,
``cleared``, ``handed_over``, ``transship_start``, ``transshipped``) are logged with
their own times when they become known; the event log orders rows by time. A train's
clearance and handover durations are drawn, in that order, when it gets its yard
track (the side's stream; trains are accepted in the order they start clearance).
"""

from __future__ import annotations

from collections import deque
from heapq import heapreplace
from typing import Iterator

import numpy as np
import simpy

from landbridge.network.distributions import Fixed
from landbridge.network.model import BorderCrossing
from landbridge.simulation.approach import ApproachGate
from landbridge.simulation.availability import Availability
from landbridge.simulation.disruptions import Disruptions
from landbridge.simulation.eventlog import EventLog
from landbridge.simulation.kinds import TrainState
from landbridge.simulation.line import batched_sampler
from landbridge.simulation.train import Train

__all__ = ["CrossingSide"]

_EPS = 1e-9


class CrossingSide:
    """Resources and process of one crossing in one direction.

    Parameters
    ----------
    env : simpy.Environment
    crossing : BorderCrossing
    direction : {"a_to_b", "b_to_a"}
    rng : numpy.random.Generator
        This side's own stream (``crossing:<id>:<direction>``).
    disruptions : Disruptions
    availability : Availability
        Operating hours and closures of the crossing.
    record : callable
        ``record(train, event, node, where, time_h=None)``: ``time_h`` logs a row whose
        time is known ahead (default: now).
    border_run_h : float
        Running time over the border link.
    room_trains : int
        Trains that may wait to be accepted (approach sidings + line storage, >= 1).
    capacity_per_day : float
        Static capacity of the side (trains/day), for the approach projection.
    log : EventLog
        The replication's event log: the side appends its own rows to its columns,
        as ``record`` would.
    """

    def __init__(self, env: simpy.Environment, crossing: BorderCrossing, direction: str,
                 rng: np.random.Generator, disruptions: Disruptions,
                 availability: Availability, record, border_run_h: float, room_trains: int,
                 capacity_per_day: float, log: EventLog):
        c = crossing
        self.env = env
        self.crossing = c
        self.id = c.id
        self.target = ("crossing", c.id)
        self.direction = direction
        self.entry = c.station_a if direction == "a_to_b" else c.station_b
        self.exit = c.station_b if direction == "a_to_b" else c.station_a
        self.yard_free = c.receiving_yard_tracks or 1  # yard tracks nobody holds
        self._yard_waiting: deque[simpy.Event] = deque()  # trains waiting for one, in order
        # when each inspection team / transshipment track is next free (a heap)
        self._teams_free_h = [0.0] * (c.inspection_teams or 1)
        self._tracks_free_h = [0.0] * c.transshipment.tracks if c.transshipment else None
        self.blocked = 0  # yard tracks kept by departed trains waiting for room further on
        self._dis = disruptions
        self._avail = availability
        self._record = record
        # this side's rows go straight to the event log's columns (as ``record`` would
        # write them): the side's node and crossing id bound once
        self._cols = log.extenders()
        self._here = {n: (self.entry,) * n for n in (2, 4, 5)}
        self._cid = {n: (c.id,) * n for n in (2, 4, 5)}
        self._cap = c.max_trains_per_day
        self._tracks_run = c.transshipment.duration_h if c.transshipment else None
        self._border_run_h = border_run_h
        self._always_open = availability.always_open  # hours and closures are fixed
        self._next_accept_h = 0.0
        assert c.clearance_h is not None
        # clearance drawn ahead in batches where nothing else draws from this side's
        # stream (a fixed handover): the same values in the same order
        self._clearance = batched_sampler(c.clearance_h, rng) \
            if isinstance(c.handover_h, Fixed) else c.clearance_h.sampler(rng)
        self._handover = c.handover_h.sampler(rng)
        self._closures = bool(disruptions.closures("crossing", c.id))
        self._scaled = (disruptions.has("capacity_scale", "crossing", c.id, direction)
                        or disruptions.has("duration_scale", "crossing", c.id, direction))
        self._capacity_per_h = min(capacity_per_day, 1e9) / 24.0
        wake = [t for w in disruptions.closures("crossing", c.id) for t in w]
        for kind in ("capacity_scale", "duration_scale"):
            wake += [t for s, e, _ in disruptions.windows(kind, "crossing", c.id, direction)
                     for t in (s, e)]
        self.gate = ApproachGate(env, room_trains, self._rate_per_h,
                                 lambda t: disruptions.closed_until("crossing", c.id, t), wake,
                                 blocked=lambda: self.blocked > 0)

    def _rate_per_h(self, t: float) -> float:
        """Trains per hour the side can accept at ``t``, ignoring closures (the gate
        handles them): its static capacity, scaled by the windows in force (the gate
        lowers it to the observed rate while the side is saturated or blocked)."""
        rate = self._capacity_per_h
        if not self._scaled:
            return rate
        return rate * self._dis.factor("capacity_scale", "crossing", self.id, t,
                                       self.direction) \
            / self._dis.factor("duration_scale", "crossing", self.id, t, self.direction)

    def release_yard(self) -> None:
        """A departed train that kept its yard track moves on: the track goes to the
        train that has waited longest for one, if any."""
        self.blocked -= 1
        if self._yard_waiting:
            self._yard_waiting.popleft().succeed()
        else:
            self.yard_free += 1
        self.gate.release_held()

    # ------------------------------------------------------------------ helpers
    def _service_factor(self, t: float) -> float:
        """Multiplier of service times at ``t``: duration windows, and capacity
        windows where no agreed cap exists (service rate scaling)."""
        if not self._scaled:
            return 1.0
        f = self._dis.factor("duration_scale", "crossing", self.id, t, self.direction)
        if self.crossing.max_trains_per_day is None:
            f /= self._dis.factor("capacity_scale", "crossing", self.id, t, self.direction)
        return f

    def _acceptance_cap(self, t: float) -> float | None:
        cap = self.crossing.max_trains_per_day
        if cap is None:
            return None
        if self._scaled:
            cap *= self._dis.factor("capacity_scale", "crossing", self.id, t, self.direction)
        return cap

    def _work_end(self, t: float, hours: float) -> float:
        """When ``hours`` of open time here, started at ``t``, are done (closed hours and
        closures hold work; with ``hours = 0``, when the side is next open). The times
        are summed as consecutive SimPy timeouts would be."""
        avail = self._avail
        remaining = hours
        while True:
            t0 = avail.next_open(t)
            if t0 > t + _EPS:
                t = t + (t0 - t)
            if remaining <= _EPS:
                return t
            run = min(remaining, avail.open_until(t) - t)
            t = t + run
            remaining -= run

    # ------------------------------------------------------------------ process
    def pass_through(self, train: Train) -> Iterator[simpy.Event]:
        """Take ``train`` from arrival to departure on the far side (a process body).
        On return the train keeps its yard track (``train.yard`` is this side)."""
        env = self.env
        labels, events, nodes, crossings, times = self._cols
        cid = self.id
        here = self.entry
        train.state = TrainState.waiting
        train.node = here
        now = env.now
        gate = self.gate
        gate.arrived(train)
        if self.yard_free and not self._closures and self._cap is None:
            # accepted on arrival: arrive and yard_in now, then the rows known ahead
            self.yard_free -= 1
            train.admission = None
            gate.accepted()
            f = self._service_factor(now) if self._scaled else 1.0
            on_arrival = True
        else:
            lab = train.label
            labels((lab,))
            events(("arrive",))
            nodes((here,))
            crossings((cid,))
            times((now,))
            if self.yard_free:
                self.yard_free -= 1
            else:  # wait for a yard track, first come first served (release_yard)
                ev = env.event()
                self._yard_waiting.append(ev)
                yield ev
            if self._closures:  # no train is received while the crossing is closed
                until = self._dis.closed_until("crossing", cid, env.now)
                if until > env.now:
                    yield env.timeout(until - env.now)
            cap = self._acceptance_cap(max(env.now, self._next_accept_h))
            if cap is not None:
                t_acc = max(env.now, self._next_accept_h)
                self._next_accept_h = t_acc + 24.0 / cap
                if t_acc > env.now:
                    yield env.timeout(t_acc - env.now)
            train.admission = None
            now = env.now
            gate.accepted()
            f = self._service_factor(now) if self._scaled else 1.0
            on_arrival = False
        # border/customs control: the first team free, first come first served
        teams = self._teams_free_h
        start = teams[0] if teams[0] > now else now
        if self._always_open:
            end = start + self._clearance() * f
            h = self._handover() * f
            done = end + h if h > 0 else end
        else:
            start = self._work_end(start, 0.0)  # wait for opening before starting
            end = self._work_end(start, self._clearance() * f)
            done = self._work_end(end, self._handover() * f)
        heapreplace(teams, end)
        lab = train.label
        if on_arrival:  # arrive, yard_in, clearance_start, cleared, handed_over
            labels((lab, lab, lab, lab, lab))
            events(_ACCEPTED_ROWS)
            nodes(self._here[5])
            crossings(self._cid[5])
            times((now, now, start, end, done))
        else:
            labels((lab, lab, lab, lab))
            events(_YARD_ROWS)
            nodes(self._here[4])
            crossings(self._cid[4])
            times((now, start, end, done))
        tracks = self._tracks_free_h
        if tracks is not None:
            # trains reach the tracks in the order they finish handover: wake then
            if done > now:
                yield env.timeout(done - now)
            start = tracks[0] if tracks[0] > done else done
            hours = self._tracks_run(train.containers) * f
            if self._always_open:
                end = start + hours
            else:
                start = self._work_end(start, 0.0)
                end = self._work_end(start, hours)
            heapreplace(tracks, end)
            lab = train.label
            labels((lab, lab))
            events(_TRANSSHIP_ROWS)
            nodes(self._here[2])
            crossings(self._cid[2])
            times((start, end))
            done = end
        now = env.now
        yield env.timeout(done + self._border_run_h - now)
        out = train.node = self.exit
        train.state = TrainState.running
        labels((train.label,))
        events(("depart",))
        nodes((out,))
        crossings((cid,))
        times((env.now,))
        self.blocked += 1
        train.yard = self


_ACCEPTED_ROWS = ("arrive", "yard_in", "clearance_start", "cleared", "handed_over")
_YARD_ROWS = _ACCEPTED_ROWS[1:]
_TRANSSHIP_ROWS = ("transship_start", "transshipped")
