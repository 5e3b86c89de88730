"""The approach room of a border crossing side: how many trains may be sent towards it.

A train may start towards a crossing only if, by the projection below, the queue of
trains waiting to be accepted there (on the approach sidings and the standing room
of the line leading to it) would never exceed the room — counting the trains already
on their way. Otherwise it is held where it stands, first come first served, and
sent when the projection allows it: railways meter trains towards a congested border
this way rather than letting them pile up on the line.

Projection (a deterministic fluid queue): from the queue now, trains join it at their
expected arrival times (now + uncontended running time when they were sent) and
leave it at the crossing's current capacity in trains/day — zero while the crossing is
closed or its yard is full of trains that cannot move on (back-pressure), otherwise
its static capacity scaled by the disruption windows in force.
"""

from __future__ import annotations

import bisect
from collections import deque
from typing import Callable, Iterator

import simpy

__all__ = ["ApproachGate"]


class ApproachGate:
    """Admission of trains towards one crossing side.

    Parameters
    ----------
    env : simpy.Environment
    room_trains : int
        Trains that may wait to be accepted (>= 1).
    rate_per_h : callable
        ``rate_per_h(t)`` → trains the crossing accepts per hour at ``t`` (0 when it
        cannot accept).
    reopen_h : callable
        ``reopen_h(t)`` → when a closure in force at ``t`` ends (``t`` when open).
    wake_times : iterable of float
        Times at which the capacity changes (window boundaries): held trains are
        reconsidered then.
    """

    def __init__(self, env: simpy.Environment, room_trains: int,
                 rate_per_h: Callable[[float], float], reopen_h: Callable[[float], float],
                 wake_times=()):
        self.env = env
        self.room = max(1, int(room_trains))
        self.queue = 0  # arrived, not yet accepted
        self._etas: list[float] = []  # expected arrivals of the trains on their way
        self._held: deque = deque()  # (train, run_h, event)
        self._rate = rate_per_h
        self._reopen = reopen_h
        wake = sorted({t for t in wake_times if t > 0})
        if wake:
            env.process(self._wake(wake))

    @property
    def held(self) -> int:
        """Trains held for this crossing now."""
        return len(self._held)

    def _fits(self, run_h: float) -> bool:
        etas = self._etas
        room = self.room
        if self.queue + len(etas) < room:
            return True  # even if nothing is accepted meanwhile
        now = self.env.now
        eta = now + run_h
        start = self._reopen(now)  # nothing is accepted before a closure ends
        rate = self._rate(now)
        # fluid queue: trains join at their arrival times, leave at ``rate`` from ``start``
        k = bisect.bisect_right(etas, eta)
        q = float(self.queue)
        t = start if start > now else now
        for e in etas[:k]:
            if e > t:
                q -= rate * (e - t)
                if q < 0.0:
                    q = 0.0
                t = e
            q += 1.0
        # the candidate, then every train due after it, must find room
        limit = room + 1e-9
        for e in (eta, *etas[k:]):
            if e > t:
                q -= rate * (e - t)
                if q < 0.0:
                    q = 0.0
                t = e
            q += 1.0
            if q > limit:
                return False
        return True

    def request(self, train, run_h: float) -> simpy.Event | None:
        """Ask to send ``train`` on a run of ``run_h`` hours towards the crossing.
        Returns ``None`` when it may go now (its place is taken), else an event that
        succeeds when it may go."""
        if not self._held and self._fits(run_h):
            self._admit(train, run_h)
            return None
        ev = self.env.event()
        self._held.append((train, run_h, ev))
        return ev

    def cancel(self, ev: simpy.Event) -> None:
        """Withdraw a held request (the train was diverted)."""
        for i, item in enumerate(self._held):
            if item[2] is ev:
                del self._held[i]
                break
        self.release_held()

    def _admit(self, train, run_h: float) -> None:
        eta = self.env.now + run_h
        train.eta_h = eta
        bisect.insort(self._etas, eta)

    def arrived(self, train) -> None:
        """``train`` reached the crossing: from on its way to the queue."""
        i = bisect.bisect_left(self._etas, train.eta_h)
        del self._etas[i]
        self.queue += 1

    def accepted(self) -> None:
        """A queued train got its yard track."""
        self.queue -= 1
        self.release_held()

    def release_held(self) -> None:
        """Send held trains, oldest first, while the projection allows."""
        held = self._held
        while held and self._fits(held[0][1]):
            train, run_h, ev = held.popleft()
            self._admit(train, run_h)
            ev.succeed()

    def _wake(self, times: list[float]) -> Iterator[simpy.Event]:
        for t in times:
            if t > self.env.now:
                yield self.env.timeout(t - self.env.now)
            self.release_held()
