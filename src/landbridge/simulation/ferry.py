"""A ferry route in one direction as a SimPy component: departure port, sailings,
voyage, arrival port.

:meth:`FerryCrossing.carry` takes a train through, in order:

1. **departure port** — wait for room in the port's yard, customs clearance by one
   of the port's teams (open hours only), then wait to be called aboard;
2. **boarding** — the vessel calls waiting trains first come, first served while
   they fit its remaining capacity (wagons and TEU per sailing, scaled by any
   ``capacity_scale`` window on the link); each called train is rolled or lifted
   aboard on one of the port's handling positions;
3. **sailing**, by the link's ``departure_rule``:

   * ``timetable`` — departures every ``168 / sailings_per_week`` hours from hour 0;
     boarding for a departure stops at its time, and the vessel waits for loads in
     progress;
   * ``when_loaded`` — a vessel berths at most every ``168 / sailings_per_week``
     hours; it sails as soon as ``min_load_fraction`` of its capacity is aboard, or
     the next train does not fit, or ``max_wait_h`` after its first load began;

   A vessel ready to sail stays while the link or the departure port is closed, and
   is weather-bound with the link's probability for the month
   (``weather_cancellation_by_month``, one draw from the ferry's own stream per
   attempt): a timetabled sailing then waits for the next departure, an unscheduled
   one tries again ``weather_retry_h`` later (24 h when not given); boarding goes on
   meanwhile while there is room;
4. **voyage** — ``running_time_h`` times any ``duration_scale`` window on the link;
5. **arrival port** — unloading in boarding order on a handling position, then
   customs.

A port without a record in the network (no ``ports.yaml``) takes no time.

**Background traffic.** The rail ferries also carry tank wagons, other wagons and
trucks that are not the scenario's container trains. A link's
``background_wagons_by_month`` (wagons per calendar month in each direction) arrive
at the departure port one wagon at a time as a Poisson process whose rate is that
month's wagons / hours of the month (piecewise constant; exact at month changes by
memorylessness), drawn from the ferry's background stream
(``ferry-background:<link>:<direction>``, separate from the weather draws). A
background wagon joins the same first-come-first-served queue as the ready trains and
takes one wagon slot (no TEU) on the sailing that calls it: a train behind it finds
the vessel that much fuller, and when the vessel is then full for the train, it sails
without it. Background wagons take no port yard room, customs or handling time (their
terminals are not modelled); they are counted (``background_arrived`` =
``background_carried`` + waiting + aboard a vessel not yet sailed).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterator

import numpy as np
import simpy

from landbridge.errors import Problem, ScenarioError
from landbridge.network.loader import LINKS_FILE
from landbridge.network.model import DepartureRule, Mode, Network
from landbridge.simulation.port import DisruptionsView, PortTerminal, PortTerminals, Recorder

__all__ = ["FerryCrossing", "BackgroundWagon", "DEFAULT_WEATHER_RETRY_H",
           "CAPACITY_RECHECK_H"]

DEFAULT_WEATHER_RETRY_H = 24.0
"""Hours before a weather-bound unscheduled ferry tries again, when the link gives none."""
CAPACITY_RECHECK_H = 1.0
"""While a ``capacity_scale`` window leaves a waiting train no room on an empty
vessel, the vessel looks again this many hours later."""

_EPS = 1e-9
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class BackgroundWagon:
    """One wagon of the ferry's other traffic (not a container train): it takes one
    wagon slot and no TEU. ``arrive_h`` is when it reached the departure port."""

    arrive_h: float
    containers: int = 1  # wagon slots taken (the name the boarding check reads)
    teu: float = 0.0


@dataclass
class _Sailing:
    """One vessel departure being loaded (mutable simulation state)."""

    wagons_free: float
    teu_free: float
    aboard: list = field(default_factory=list)
    loading: int = 0  # trains called aboard whose loading has not finished
    first_load_h: float | None = None
    arrived: simpy.Event | None = None
    background: int = 0  # background wagons aboard

    @property
    def loaded(self) -> bool:
        """Anything aboard: a train or a background wagon."""
        return bool(self.aboard) or self.background > 0


class FerryCrossing:
    """The ferry link ``link_id`` sailed in ``direction`` (``"fwd"``: from its
    ``from_node`` to its ``to_node``; ``"rev"``: back).

    Parameters
    ----------
    env : simpy.Environment
        The replication's environment.
    network : Network
        The (compiled) network holding the link and its ports.
    link_id : str
        A ferry link.
    direction : {"fwd", "rev"}
        Direction of travel relative to the link's from/to nodes.
    rng : numpy.random.Generator
        This ferry's own stream (weather draws), e.g. ``rng_for("ferry:KUR-ALAT:fwd")``.
    disruptions : DisruptionsView
        ``closures("link", link_id)`` and closures of the departure port's node stop
        sailings; ``capacity_scale``/``duration_scale`` windows on the link scale the
        capacity per sailing and the voyage time.
    record : callable
        ``record(train, event, node, where)``; ferry events use ``where = link_id``.
    ports : PortTerminals
        The replication's ports (shared by all ferry routes).
    clock_start : datetime
        UTC time of simulation hour 0 (the calendar month of a weather draw).
    teu_per_container : float
        TEU per container (2 for FEU), to turn the TEU capacity into containers.
    background_rng : numpy.random.Generator, optional
        The stream of the background wagons' arrivals, e.g.
        ``rng_for("ferry-background:KUR-ALAT:fwd")``; needed when the link has
        ``background_wagons_by_month`` with any wagons (else none arrive).

    Raises
    ------
    ValueError
        When ``link_id`` is not a ferry link or ``direction`` is not fwd/rev.
    ScenarioError
        When a sailing cannot carry one container (issue 14: such a ferry would strand
        every train); the message names the link and its capacity fields.
    """

    def __init__(self, env: simpy.Environment, network: Network, link_id: str, direction: str,
                 rng: np.random.Generator, disruptions: DisruptionsView, record: Recorder, *,
                 ports: PortTerminals, clock_start: datetime, teu_per_container: float,
                 background_rng: np.random.Generator | None = None):
        link = network.links[link_id]
        if link.mode is not Mode.ferry:
            raise ValueError(f"link {link_id!r} is a {link.mode.value} link, not a ferry")
        if direction not in ("fwd", "rev"):
            raise ValueError(f"direction must be 'fwd' or 'rev', got {direction!r}")
        self.env = env
        self.link = link
        self.link_id = link_id
        self.direction = direction
        self.rng = rng
        self.disruptions = disruptions
        self.record = record
        self.clock_start = clock_start
        self.teu_per_container = teu_per_container
        self.origin, self.destination = ((link.from_node, link.to_node) if direction == "fwd"
                                         else (link.to_node, link.from_node))
        self.port_from: PortTerminal | None = ports.get(self.origin)
        self.port_to: PortTerminal | None = ports.get(self.destination)
        self.wagons_per_sailing = float(link.capacity_wagons_per_sailing or math.inf)
        self.teu_per_sailing = float(link.capacity_teu_per_sailing or math.inf)
        self.containers_per_sailing = min(
            self.wagons_per_sailing, math.floor(self.teu_per_sailing / teu_per_container + _EPS))
        if self.containers_per_sailing < 1:
            raise ScenarioError([Problem(
                LINKS_FILE, link_id, "capacity_teu_per_sailing",
                f"a sailing carries {link.capacity_teu_per_sailing:g} TEU and "
                f"{link.capacity_wagons_per_sailing or 'any number of'} wagons: less than one "
                f"container of {teu_per_container:g} TEU; no train could ever board")])
        assert link.sailings_per_week is not None
        self.interval_h = 168.0 / link.sailings_per_week
        self.rule = link.ferry_rule
        self.retry_h = link.weather_retry_h or DEFAULT_WEATHER_RETRY_H
        self._ready: deque[tuple[object, simpy.Event | None]] = deque()
        self._wake = env.event()
        self.sailings = 0
        self.cancellations = 0
        self.background_arrived = 0
        self.background_carried = 0
        self.background_rng = background_rng
        self._current: _Sailing | None = None  # the vessel at the berth, not yet sailed
        env.process(self._vessels())
        months = link.background_wagons_by_month
        if months is not None and any(w > 0 for w in months):
            if background_rng is None:
                raise ValueError(f"ferry {link_id!r} has background traffic but no "
                                 "background_rng was given")
            env.process(self._background(months))

    # ------------------------------------------------------------------ the train's side
    def carry(self, train) -> Iterator[simpy.Event]:
        """Take ``train`` (attributes ``id``, ``containers``, ``teu``, ``state``,
        ``node``) from the departure port to the arrival port; returns a generator to
        ``yield from`` in the train's process. When it is exhausted the train stands
        at the arrival port, cleared, with ``state = "running"``.

        Raises
        ------
        ScenarioError
            At the call (not inside the process) when the train is longer than a
            sailing takes: it must be re-formed first.
        """
        if train.containers > self.containers_per_sailing + _EPS or \
                train.teu > self.teu_per_sailing + _EPS:
            raise ScenarioError([Problem(
                LINKS_FILE, self.link_id, "capacity_wagons_per_sailing",
                f"train {train.id} of {train.containers} containers ({train.teu:g} TEU) is "
                f"longer than a sailing takes ({self.containers_per_sailing:g} containers); "
                "trains must be re-formed before the ferry")])
        return self._carry(train)

    def _carry(self, train) -> Iterator[simpy.Event]:
        env = self.env
        train.state = "waiting"
        train.node = self.origin
        port = self.port_from
        slot = None
        if port is not None:
            slot = yield from port.enter(train)
            yield from port.clear(train)
        else:
            self.record(train, "port_arrive", self.origin, self.origin)
        called = env.event()
        self._ready.append((train, called))
        self.record(train, "ferry_wait", self.origin, self.link_id)
        self._poke()
        sailing: _Sailing = yield called
        if port is not None:
            yield from port.handle(train, loading=True)
            port.leave(slot)
        sailing.loading -= 1
        self._poke()
        arrived = sailing.arrived
        assert arrived is not None
        yield arrived
        train.node = self.destination
        train.state = "waiting"
        self.record(train, "ferry_arrive", self.destination, self.link_id)
        port = self.port_to
        if port is not None:
            yield from port.handle(train, loading=False)
            yield from port.clear(train)
        train.state = "running"
        self.record(train, "port_depart", self.destination, self.destination)

    # ------------------------------------------------------------------ background wagons
    def add_background(self, wagons: int = 1) -> None:
        """``wagons`` background wagons reach the departure port now and join the
        queue behind everything already waiting (also used by tests to place
        background wagons at exact times)."""
        if wagons < 0:
            raise ValueError(f"wagons must be >= 0, got {wagons}")
        for _ in range(wagons):
            self._ready.append((BackgroundWagon(self.env.now), None))
            self.background_arrived += 1
        if wagons:
            self._poke()

    @property
    def background_waiting(self) -> int:
        """Background wagons waiting at the departure port (not yet called aboard)."""
        return sum(1 for item, _ in self._ready if isinstance(item, BackgroundWagon))

    @property
    def background_aboard(self) -> int:
        """Background wagons aboard the vessel at the berth (not yet sailed)."""
        return self._current.background if self._current is not None else 0

    def _month_bounds(self, t: float) -> tuple[int, float]:
        """Calendar month (1–12) at simulation hour ``t`` and the hour it ends."""
        when = self.clock_start + timedelta(hours=t)
        nxt = (datetime(when.year + 1, 1, 1, tzinfo=when.tzinfo) if when.month == 12
               else datetime(when.year, when.month + 1, 1, tzinfo=when.tzinfo))
        return when.month, (nxt - self.clock_start).total_seconds() / 3600.0

    def _background(self, by_month: tuple[float, ...]) -> Iterator[simpy.Event]:
        """Poisson arrivals of single background wagons at the month's rate."""
        env = self.env
        rng = self.background_rng
        assert rng is not None
        while True:
            month, end_h = self._month_bounds(env.now)
            rate_per_h = by_month[month - 1] / (24.0 * _DAYS_IN_MONTH[month - 1])
            if rate_per_h <= 0.0:
                yield env.timeout(max(end_h - env.now, _EPS))
                continue
            gap_h = float(rng.exponential(1.0 / rate_per_h))
            if env.now + gap_h >= end_h:
                # memoryless: start afresh at the month's end with the next month's rate
                yield env.timeout(max(end_h - env.now, _EPS))
                continue
            yield env.timeout(gap_h)
            self.add_background(1)

    # ------------------------------------------------------------------ the vessels' side
    def _poke(self) -> None:
        if not self._wake.triggered:
            self._wake.succeed()

    def _wait(self, hours: float | None) -> Iterator[simpy.Event]:
        """Sleep until poked (a train became ready or finished loading) or ``hours``."""
        events = [self._wake]
        if hours is not None:
            events.append(self.env.timeout(max(hours, 0.0)))
        yield self.env.any_of(events)
        if self._wake.triggered:
            self._wake = self.env.event()

    def _new_sailing(self) -> _Sailing:
        return _Sailing(wagons_free=self.wagons_per_sailing, teu_free=self.teu_per_sailing,
                        arrived=self.env.event())

    def _call_aboard(self, s: _Sailing) -> bool:
        """Call ready trains aboard, first come first served, while they fit; return
        True when the head of the queue does not fit (the vessel is full for it)."""
        scale = self.disruptions.factor("capacity_scale", "link", self.link_id, self.env.now)
        while self._ready:
            train, called = self._ready[0]
            used_w = self.wagons_per_sailing - s.wagons_free
            used_t = self.teu_per_sailing - s.teu_free
            if (used_w + train.containers > self.wagons_per_sailing * scale + _EPS
                    or used_t + train.teu > self.teu_per_sailing * scale + _EPS):
                return True
            self._ready.popleft()
            s.wagons_free -= train.containers
            s.teu_free -= train.teu
            if s.first_load_h is None:
                s.first_load_h = self.env.now
            if called is None:  # a background wagon: aboard at once, no port stages
                s.background += 1
                continue
            s.aboard.append(train)
            s.loading += 1
            self.record(train, "ferry_board", self.origin, self.link_id)
            called.succeed(s)
        return False

    def _loaded_enough(self, s: _Sailing) -> bool:
        frac = (self.link.min_load_fraction or 1.0) * self.disruptions.factor(
            "capacity_scale", "link", self.link_id, self.env.now)
        used_w = self.wagons_per_sailing - s.wagons_free
        used_t = self.teu_per_sailing - s.teu_free
        return (used_w >= frac * self.wagons_per_sailing - _EPS
                or used_t >= frac * self.teu_per_sailing - _EPS)

    def _closed_until(self, t: float) -> float:
        """End of the closure (of the link or the departure port) covering ``t``, or ``t``."""
        windows = (list(self.disruptions.closures("link", self.link_id))
                   + list(self.disruptions.closures("node", self.origin)))
        moved = True
        while moved:
            moved = False
            for s, e in windows:
                if s <= t < e:
                    t = e
                    moved = True
        return t

    def _weather_bound(self) -> bool:
        month = (self.clock_start + timedelta(hours=self.env.now)).month
        p = self.link.cancellation_probability(month)
        return p > 0.0 and float(self.rng.random()) < p

    def _next_slot(self, t: float) -> float:
        """First timetable departure at or after ``t``."""
        k = math.ceil(t / self.interval_h - _EPS)
        return k * self.interval_h

    def _slot_after(self, t: float) -> float:
        """First timetable departure strictly after ``t``."""
        return (math.floor(t / self.interval_h + _EPS) + 1) * self.interval_h

    def _vessels(self) -> Iterator[simpy.Event]:
        """Load, hold and dispatch one vessel after another in this direction."""
        env = self.env
        timetable = self.rule is DepartureRule.timetable
        berth_h = 0.0  # when_loaded: the next vessel is at the berth from this hour
        depart_h = self._next_slot(env.now) if timetable else None
        while True:
            if not timetable and berth_h > env.now:
                yield env.timeout(berth_h - env.now)
            s = self._current = self._new_sailing()
            while True:  # one vessel until it sails
                full = False
                ready_to_go = False
                if timetable:
                    assert depart_h is not None
                    if env.now < depart_h - _EPS:
                        full = self._call_aboard(s)
                        if not full:
                            yield from self._wait(depart_h - env.now)
                            continue
                    ready_to_go = True
                else:
                    full = self._call_aboard(s)
                    if s.loaded and (full or self._loaded_enough(s)):
                        ready_to_go = True
                    elif s.first_load_h is not None and \
                            env.now >= s.first_load_h + self.link.max_wait_h - _EPS:
                        ready_to_go = True
                    elif full and not s.loaded:
                        # a capacity window leaves no room for the head train: look again
                        yield from self._wait(CAPACITY_RECHECK_H)
                        continue
                    else:
                        limit = None if s.first_load_h is None else (
                            s.first_load_h + self.link.max_wait_h - env.now)
                        yield from self._wait(limit)
                        continue
                if timetable and full and env.now < depart_h - _EPS:
                    # full before the departure time: wait for it, loads go on
                    yield from self._wait(depart_h - env.now)
                    continue
                # loads in progress finish before the vessel leaves
                while s.loading > 0:
                    yield from self._wait(None)
                if timetable and not s.loaded:
                    depart_h = self._slot_after(env.now)
                    continue  # nothing to carry: this departure leaves empty
                t_open = self._closed_until(env.now)
                if t_open > env.now + _EPS:
                    if timetable:
                        depart_h = self._next_slot(t_open)
                    else:
                        yield env.timeout(t_open - env.now)
                    continue
                if self._weather_bound():
                    self.cancellations += 1
                    for tr in s.aboard:
                        self.record(tr, "ferry_cancel", self.origin, self.link_id)
                    if timetable:
                        depart_h = self._slot_after(env.now)
                    else:
                        # boarding may go on meanwhile; the retry clock is the vessel's
                        retry_at = env.now + self.retry_h
                        while env.now < retry_at - _EPS:
                            self._call_aboard(s)
                            yield from self._wait(retry_at - env.now)
                        while s.loading > 0:
                            yield from self._wait(None)
                        # fall through to sail checks again at the top
                        s.first_load_h = -math.inf  # ready to go as soon as checks pass
                    continue
                break
            self._sail(s)
            if timetable:
                depart_h = self._slot_after(env.now)
            else:
                berth_h = env.now + self.interval_h

    def _sail(self, s: _Sailing) -> None:
        env = self.env
        self.sailings += 1
        self.background_carried += s.background
        self._current = None
        for tr in s.aboard:
            tr.state = "running"
            self.record(tr, "ferry_sail", self.origin, self.link_id)
        voyage_h = self.link.base_running_time_h * self.disruptions.factor(
            "duration_scale", "link", self.link_id, env.now)
        arrived = s.arrived
        assert arrived is not None
        env.process(self._voyage(voyage_h, arrived))

    def _voyage(self, hours: float, arrived: simpy.Event) -> Iterator[simpy.Event]:
        yield self.env.timeout(hours)
        arrived.succeed()
