"""The approach room of a border crossing side: how many trains may be sent towards it.

A train may start towards a crossing only if, by the projection below, the queue of
trains waiting to be accepted there when it arrives (on the approach sidings and the
standing room of the line leading to it) leaves room for it — counting the trains
already on their way. Otherwise it is held where it stands and sent when the
projection allows it: railways meter trains towards a congested border this way
rather than letting them pile up on the line. Trains held at one place (the same run
towards the crossing) go first come, first served; a train held elsewhere, nearer or
farther, may go before them when its own arrival finds room (each terminal's
dispatcher asks for itself).

Projection (a deterministic fluid queue): from the queue now, trains join it at their
expected arrival times (now + uncontended running time when they were sent) and
leave it at the crossing's current rate — none while it is closed; its static capacity
scaled by the disruption windows in force while it is not saturated; and while trains
wait there (or did in the last :data:`OBSERVED_H` hours), or trains that have passed
wait in its yard for room further on (back-pressure), no more than it has actually
accepted over the last :data:`OBSERVED_H` hours (a crossing throttled from downstream
passes less than its capacity).

**The room is a pool of places** (issue 9): the projection only meters trains from far
away; the bound is kept by construction. The room is :attr:`ApproachGate.room` places.
A train takes a place when it starts on the last link towards the crossing — where it
leaves its holding point (:meth:`request` with ``place=True``) when its run is that one
link, else at the link's first node, its staging node (:meth:`take`), after a metered
send (``place=False``) — and gives it back when it is accepted (:meth:`accepted`). A
train that finds no free place waits where it is, first come, first served. So the
trains waiting to be accepted never outnumber the room. A train holds one place at a
time: it gives this crossing's back when it is accepted here, before it can ask for
the next one (which it does from this crossing's yard, kept meanwhile), so places are
taken in route order and no cycle of waits can form.

Why not from the holding point for every run: a place held for the whole run is a
place held while running — a train from Xi'an runs about five days towards Khorgos,
whose room is 12 — and the crossings could no longer be fed at their capacity (the
default year then carried Chongqing → Duisburg in 138 days instead of 14).
"""

from __future__ import annotations

import bisect
from collections import deque
from typing import Callable, Iterator

import simpy

__all__ = ["ApproachGate", "OBSERVED_H"]

OBSERVED_H = 48.0
"""Hours over which a saturated crossing's recent acceptance rate is measured."""

_MARGIN = 1e-6  # trains: a projection bound this far from the limit decides it exactly


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
    blocked : callable, optional
        ``blocked()`` → whether trains that have passed wait for room further on.
    """

    def __init__(self, env: simpy.Environment, room_trains: int,
                 rate_per_h: Callable[[float], float], reopen_h: Callable[[float], float],
                 wake_times=(), blocked: Callable[[], bool] = lambda: False):
        self.env = env
        self._blocked = blocked
        self._accepted: deque[float] = deque()  # acceptance times, last OBSERVED_H hours
        self._busy_h = float("-inf")  # last time a train arrived to find others waiting
        self.room = max(1, int(room_trains))
        self.free = self.room  # places not taken (a place: in the approach zone or queued)
        self.queue = 0  # arrived, not yet accepted
        self._etas: list[float] = []  # expected arrivals of the trains on their way
        # (run hours, kind) → (seq, train, event), oldest first; kind 0: a metered send
        # (no place yet), 1: a send taking a place, 2: a place at the zone's first node
        # (no empty deque is kept: a place with nobody held has no entry)
        self._held: dict[tuple[float, int], deque] = {}
        self._n_held = 0  # trains in self._held
        self._seq = 0
        self._rate = rate_per_h
        self._reopen = reopen_h
        wake = sorted({t for t in wake_times if t > 0})
        if wake:
            env.process(self._wake(wake))

    @property
    def held(self) -> int:
        """Trains held for this crossing now."""
        return self._n_held

    def _fits(self, run_h: float) -> bool:
        etas = self._etas
        room = self.room
        queued = self.queue
        if queued + len(etas) < room:
            return True  # even if nothing is accepted meanwhile
        now = self.env.now
        eta = now + run_h
        k = bisect.bisect_right(etas, eta)
        if queued + k < room:
            # the projection below adds 1 per train arriving first and only subtracts
            # otherwise, so its queue is at most queued + k (exactly, in floating point)
            return True
        start = self._reopen(now)  # nothing is accepted before a closure ends
        rate = self._rate(now)
        if queued or now - self._busy_h < OBSERVED_H or self._blocked():
            # saturated now or lately: as fast as it has accepted lately
            window = min(OBSERVED_H, now) or 1.0
            observed = len(self._accepted) / window
            if observed < rate:
                rate = observed
        # fluid queue: trains join at their arrival times, leave at ``rate`` from ``start``
        t = start if start > now else now
        if eta > t:
            verdict = self._decided(queued, k, t, eta, rate)
            if verdict is not None:
                return verdict
        # the trains due by ``t`` join before anything leaves (integer sum, exact)
        i = bisect.bisect_right(etas, t, 0, k)
        q = float(queued + i)
        for e in etas[i:k]:
            if e > t:
                q -= rate * (e - t)
                if q < 0.0:
                    q = 0.0
                t = e
            q += 1.0
        if eta > t:
            q -= rate * (eta - t)
        return q + 1.0 <= room + 1e-9

    def _decided(self, queued: int, k: int, t: float, eta: float,
                 rate: float) -> bool | None:
        """The projection's verdict from its closed form, when it is clear of the limit.

        In exact arithmetic the loop of :meth:`_fits` is Lindley's recursion, whose
        queue at ``eta`` is the largest of ``queued + k - rate (eta - t)`` (nothing
        ever cleared) and, for each train ``j`` due after ``t``, ``(k - j) - rate (eta
        - e_j)`` (the queue empty just before it). The loop's rounding moves its value
        by ~1e-13, so a maximum beyond :data:`_MARGIN` of the limit gives the verdict
        the loop would; else None and the loop decides. Scanned from the last train
        due: once the rate clears more than all the trains due, earlier terms are
        below the limit."""
        etas = self._etas
        high = self.room - 1.0 + _MARGIN
        low = self.room - 1.0 - _MARGIN
        best = queued + k - rate * (eta - t)
        if best > high:
            return False
        i = bisect.bisect_right(etas, t, 0, k)
        due = k - i
        for j in range(k - 1, i - 1, -1):
            cleared = rate * (eta - etas[j])
            b = (k - j) - cleared
            if b > best:
                if b > high:
                    return False
                best = b
            if due - cleared < low and best < low:
                return True
        if best < low:
            return True
        return None

    def projected_wait_h(self, run_h: float, ev: simpy.Event | None = None) -> float:
        """Projected hours before a train asking now for a run of ``run_h`` hours
        towards the crossing would be sent (the rerouting policy's estimate).

        The trains ahead of it — queued, on their way, and held (all of them, or with
        ``ev``, the held request of a train already waiting here: those held before
        it) — beyond the room leave at the crossing's rate from the end of a closure in
        force: its capacity then, or while it is saturated its rate observed over the
        last :data:`OBSERVED_H` hours when lower and not zero (a crossing that has just
        reopened has accepted nothing lately). The train is sent ``run_h`` hours
        before the room frees for it. ``inf`` when the crossing cannot accept.

        This is the model's own queue arithmetic (trains ahead over the
        crossing's rate); no published figure goes into it.

        Parameters
        ----------
        run_h : float
            Hours the train's run to the crossing takes.
        ev : simpy.Event, optional
            The held request of a train already waiting here: only the trains
            held before it count as ahead.

        Returns
        -------
        float
            Hours from now, at least 0, or ``inf``. Raises nothing.
        """
        now = self.env.now
        start = max(self._reopen(now), now)
        ahead = self.queue + len(self._etas)
        if ev is None:
            ahead += self._n_held
        else:
            own = next((item[0] for g in self._held.values() for item in g
                        if item[2] is ev), None)
            ahead += sum(1 for g in self._held.values() for item in g
                         if own is None or item[0] < own)
        excess = ahead + 1 - self.room
        if excess <= 0:
            return 0.0
        rate = self._rate(start)
        if start <= now and (self.queue or now - self._busy_h < OBSERVED_H
                             or self._blocked()):
            observed = len(self._accepted) / (min(OBSERVED_H, now) or 1.0)
            if 0.0 < observed < rate:
                rate = observed
        if not rate > 0.0:
            return float("inf")
        return max(0.0, start - now + excess / rate - run_h)

    def _ready(self, run_h: float, kind: int) -> bool:
        if kind == 2:
            return self.free > 0
        if kind == 1 and self.free <= 0:
            return False
        return self._fits(run_h)

    def request(self, train, run_h: float, place: bool = True) -> simpy.Event | None:
        """Ask to send ``train`` on a run of ``run_h`` hours towards the crossing; with
        ``place`` it takes its place in the room now (its whole run is in the approach
        zone), else it takes it later with :meth:`take`. Returns ``None`` when it may
        go now, else an event that succeeds when it may go (first come, first served
        among the trains held at the same place)."""
        return self._ask(train, run_h, 1 if place else 0)

    def take(self, train, zone_h: float) -> simpy.Event | None:
        """``train``, sent earlier with ``place=False``, reached the first node of the
        approach zone (``zone_h`` hours from the crossing): take a place. Returns
        ``None`` when one is free, else an event that succeeds when it has one."""
        return self._ask(train, zone_h, 2)

    def _ask(self, train, run_h: float, kind: int) -> simpy.Event | None:
        key = (run_h, kind)
        group = self._held.get(key)
        if not group and self._ready(run_h, kind):
            self._go(train, run_h, kind)
            return None
        ev = self.env.event()
        if group is None:
            group = self._held[key] = deque()
        self._seq += 1
        group.append((self._seq, train, ev))
        self._n_held += 1
        return ev

    def cancel(self, ev: simpy.Event) -> None:
        """Withdraw a held request (the train was diverted)."""
        for key, group in self._held.items():
            for i, item in enumerate(group):
                if item[2] is ev:
                    del group[i]
                    if not group:
                        del self._held[key]
                    self._n_held -= 1
                    self.release_held()
                    return

    def _go(self, train, run_h: float, kind: int) -> None:
        if kind:
            self.free -= 1
        if kind < 2:  # sent now: on its way until it arrives
            eta = self.env.now + run_h
            train.eta_h = eta
            bisect.insort(self._etas, eta)

    def arrived(self, train) -> None:
        """``train`` reached the crossing: from on its way to the queue."""
        i = bisect.bisect_left(self._etas, train.eta_h)
        del self._etas[i]
        self.queue += 1
        if self.queue > 1:
            self._busy_h = self.env.now

    def accepted(self) -> None:
        """A queued train got its yard track (or boarded its ferry): it gives its place
        back."""
        self.queue -= 1
        self.free += 1
        now = self.env.now
        acc = self._accepted
        acc.append(now)
        while acc[0] < now - OBSERVED_H:
            acc.popleft()
        self.release_held()

    def release_held(self) -> None:
        """Let held trains go while they may: at each place the oldest first, the
        places in the order their oldest train was held."""
        if not self._n_held:
            return
        held = self._held
        ready = self._ready
        while held:
            if len(held) == 1:
                keys = list(held)
            else:
                keys = [key for _, key in sorted((g[0][0], key) for key, g in held.items())]
            for key in keys:
                if ready(*key):
                    group = held[key]
                    _, train, ev = group.popleft()
                    if not group:
                        del held[key]
                    self._n_held -= 1
                    self._go(train, *key)
                    ev.succeed()
                    break
            else:
                return

    def _wake(self, times: list[float]) -> Iterator[simpy.Event]:
        for t in times:
            if t > self.env.now:
                yield self.env.timeout(t - self.env.now)
            self.release_held()
