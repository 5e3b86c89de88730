"""Seaports and ferry terminals as SimPy components: room for waiting trains, customs
teams and rail↔ship handling positions, all working only in the port's open hours.

A :class:`PortTerminal` serves every ferry route and both directions that touch its
node (a port's linkspans and customs teams are shared, as they are on the quay).
:class:`PortTerminals` builds one per port of the network for a replication; the
ferry components (:mod:`landbridge.simulation.ferry`) drive trains through them.

Durations follow :class:`~landbridge.network.model.PortHandling`:
``setup_h + wagons / units_per_h`` per train on one handling position, and a
``clearance_h`` draw per train for customs, both multiplied by any
``duration_scale`` window on the port's node and counted in open hours only (closed
hours and closure windows of the node hold the work where it stands).
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterator, Mapping, Protocol

import numpy as np
import simpy

from landbridge.network.model import Network, Port
from landbridge.simulation.availability import Availability

__all__ = ["PortTerminal", "PortTerminals", "DisruptionsView", "Recorder"]

_EPS = 1e-9


class DisruptionsView(Protocol):
    """The part of the simulation's Disruptions value object that ports and ferries use."""

    def closures(self, target_type: str, target_id: str) -> list[tuple[float, float]]: ...

    def is_closed(self, target_type: str, target_id: str, t_h: float) -> bool: ...

    def factor(self, kind: str, target_type: str, target_id: str, t_h: float) -> float: ...


Recorder = Callable[[object, str, str, "str | None"], None]
"""``record(train, event, node, where)``: appends one event-log row."""


class PortTerminal:
    """One port for one replication.

    Parameters
    ----------
    env : simpy.Environment
        The replication's environment.
    port : Port
        The port record (handling, customs, hours, storage).
    rng : numpy.random.Generator
        The port's own random stream (setup and clearance draws), keyed by its name.
    disruptions : DisruptionsView
        Closure windows of ``("node", port.node)`` hold handling and customs;
        ``duration_scale`` windows on the node lengthen them.
    clock_start : datetime
        UTC time of simulation hour 0 (for the local operating hours).
    record : callable
        ``record(train, event, node, where)``; port events use ``where = port.node``.
    """

    def __init__(self, env: simpy.Environment, port: Port, rng: np.random.Generator,
                 disruptions: DisruptionsView, clock_start: datetime, record: Recorder):
        self.env = env
        self.port = port
        self.node = port.node
        self.rng = rng
        self.disruptions = disruptions
        self.record = record
        self.avail = Availability(port.operating_hours, port.timezone, clock_start,
                                  disruptions.closures("node", port.node))
        self.storage = simpy.Resource(env, port.storage_trains)
        self.teams = simpy.Resource(env, port.customs_teams)
        self.positions = simpy.Resource(env, port.handling.positions)

    # ------------------------------------------------------------------ open time
    def work(self, hours: float) -> Iterator[simpy.Event]:
        """Spend ``hours`` of open time at the port (closed hours and closures hold
        the work); with ``hours = 0``, wait until the port is open."""
        avail = self.avail
        remaining = hours
        while True:
            now = self.env.now
            t0 = avail.next_open(now)
            if t0 > now + _EPS:
                yield self.env.timeout(t0 - now)
            if remaining <= _EPS:
                return
            now = self.env.now
            run = min(remaining, avail.open_until(now) - now)
            yield self.env.timeout(run)
            remaining -= run

    def _duration_factor(self) -> float:
        return self.disruptions.factor("duration_scale", "node", self.node, self.env.now)

    # ------------------------------------------------------------------ stages
    def enter(self, train) -> Iterator[simpy.Event]:
        """Wait for room in the port's rail yard (``storage_trains``); returns the
        storage request, which the caller releases with :meth:`leave` once the train
        is aboard. A train that finds the yard full waits outside (``port_full``)."""
        train.state = "waiting"
        train.node = self.node
        self.record(train, "port_arrive", self.node, self.node)
        req = self.storage.request()
        if not req.triggered:
            self.record(train, "port_full", self.node, self.node)
        yield req
        return req

    def leave(self, req: simpy.Event) -> None:
        """Free the yard place taken by :meth:`enter`."""
        self.storage.release(req)

    def clear(self, train) -> Iterator[simpy.Event]:
        """Customs/border control by one of the port's teams (``clearance_h``)."""
        with self.teams.request() as team:
            yield team
            yield from self.work(0.0)
            self.record(train, "customs_start", self.node, self.node)
            hours = self.port.clearance_h.sample(self.rng) * self._duration_factor()
            yield from self.work(hours)
        self.record(train, "customs_cleared", self.node, self.node)

    def handle(self, train, loading: bool) -> Iterator[simpy.Event]:
        """Roll the train's wagons on (``loading``) or off the ship, or lift its boxes,
        on one handling position: ``setup_h + containers / units_per_h`` open hours."""
        start, end = ("load_start", "loaded") if loading else ("unload_start", "unloaded")
        h = self.port.handling
        with self.positions.request() as pos:
            yield pos
            yield from self.work(0.0)
            self.record(train, start, self.node, self.node)
            hours = h.duration_h(train.containers, h.setup_h.sample(self.rng))
            yield from self.work(hours * self._duration_factor())
        self.record(train, end, self.node, self.node)


class PortTerminals:
    """Every port of ``network`` for one replication, keyed by node id.

    Parameters
    ----------
    env, disruptions, clock_start, record
        As for :class:`PortTerminal`.
    network : Network
        Its ``ports`` are built (none when the network has no ``ports.yaml``).
    rng_for : callable
        ``rng_for(name) -> numpy.random.Generator``: the replication's keyed streams;
        port ``X`` draws from ``rng_for("port:X")``.
    """

    def __init__(self, env: simpy.Environment, network: Network,
                 rng_for: Callable[[str], np.random.Generator], disruptions: DisruptionsView,
                 clock_start: datetime, record: Recorder):
        self._ports: dict[str, PortTerminal] = {
            node: PortTerminal(env, port, rng_for(f"port:{node}"), disruptions, clock_start,
                               record)
            for node, port in sorted(network.ports.items())}

    def get(self, node: str) -> PortTerminal | None:
        """The terminal at ``node``; ``None`` when the network gives no port there
        (then the port takes no time)."""
        return self._ports.get(node)

    @property
    def terminals(self) -> Mapping[str, PortTerminal]:
        """All terminals by node id (read-only view)."""
        return dict(self._ports)
