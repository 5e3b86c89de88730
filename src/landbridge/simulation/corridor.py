"""The SimPy model of block trains moving through the corridor: the assembler.

One :class:`CorridorModel` is one replication. Its constructor builds every
component (nothing is attached to the environment or kept in globals) and starts
nothing; :meth:`CorridorModel.run` starts the dispatchers and runs to the horizon.

Components, each owning its SimPy process and its random stream keyed by a stable
name (:mod:`~landbridge.simulation.streams`):

* :class:`~landbridge.simulation.line.LineChain` — line sections, first come first
  served at the section (stream ``line:<first link>:<direction>``);
* :class:`~landbridge.simulation.crossing.CrossingSide` — a border crossing point in
  one direction (``crossing:<id>:<direction>``);
* :class:`~landbridge.simulation.ferry.FerryCrossing` and
  :class:`~landbridge.simulation.port.PortTerminals` — ferries and their ports;
* :class:`~landbridge.simulation.reformation.ReformationPoint` — consolidation where
  the train-length limit drops;
* :class:`~landbridge.simulation.disruptions.Disruptions` — closures and scalings;
* the dispatcher of each service (``dispatch:<service>``) and the journey of each
  train (this module); road posts (:func:`~landbridge.simulation.road.road_post_days`);
  the end-of-run accounting (:mod:`~landbridge.simulation.accounting`).

**Bounded queues.** Trains wait only where there is room. A crossing side's room
(:class:`~landbridge.simulation.approach.ApproachGate` ``room``) is its approach sidings
plus the standing room of the shortest line leading to it, at one train per
``line_storage_km_per_train`` (a ferry's adds the port's rail yard). It is a pool of
places: a train takes one when it starts on the last link towards the crossing and
gives it back when it gets a yard track (at a ferry: when it boards), so the queue
waiting to be accepted never exceeds the room. A run of one link takes its place where
it starts; a longer run is first sent by the gate's projection of the queue (which
meters far trains) and takes its place at the first node of its last link, its
*staging* node. While no place (or no projected room) is free a train is held where it
stands, first come first served: at its origin terminal (its boxes are *unshipped*), at
a re-formation point, in the yard of the crossing it has just passed, which it keeps
occupied, or at its staging node (held on the way), so congestion propagates backwards
to the origin. A train holds at most one place, taken only after it has left the
previous crossing's queue, so places are taken in route order and cannot deadlock.

**Rerouting.** With a scenario ``rerouting`` policy, a train held at its origin whose
expected wait exceeds ``max_wait_h`` (the crossing it waits for is closed for longer,
or it has waited that long) is diverted to the next of its service's alternative
corridors that avoids that crossing and whose projected wait (its approach gate's
:meth:`~landbridge.simulation.approach.ApproachGate.projected_wait_h`) is shorter
than the expected remaining wait where it is held (the closure's rest or that gate's
projection for it, the longer), at ``cost_usd_per_teu``; when none is, it waits on
and is reconsidered every ``max_wait_h`` hours. A diversion ends the train's hold
(its ``divert`` row).

Same-time events run in the order they were scheduled (SimPy's event id), and
processes are started in a fixed order (departure time, then service id), so a
replication is a pure function of its scenario and seed.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import simpy

from landbridge.errors import InvariantError
from landbridge.scenario.compile import CompiledScenario, ServicePlan
from landbridge.simulation.accounting import EndState, corridor_loads, side_capacity
from landbridge.simulation.availability import Availability
from landbridge.simulation.crossing import CrossingSide
from landbridge.simulation.disruptions import Disruptions
from landbridge.simulation.eventlog import EventLog
from landbridge.simulation.ferry import FerryCrossing
from landbridge.simulation.ferrystop import FerryStop
from landbridge.simulation.kinds import SegmentKind, TrainState
from landbridge.simulation.line import LineChain, batched_sampler, section_key
from landbridge.simulation.port import PortTerminals
from landbridge.simulation.reformation import ReformationPoint
from landbridge.simulation.road import RoadDay, road_post_days
from landbridge.simulation.segments import (Piece, Segment, ServiceRoute, corridor_label,
                                            ferry_containers_per_sailing, pieces_of,
                                            segments_of)
from landbridge.simulation.streams import Streams
from landbridge.simulation.train import Lot, Train

__all__ = ["CorridorModel", "EndState", "Segment", "segments_of"]

_RUN, _CROSSING, _RUNNING = SegmentKind.run, SegmentKind.crossing, TrainState.running


class CorridorModel:
    """One replication of the corridor.

    Parameters
    ----------
    compiled : CompiledScenario
        The scenario compiled against its network.
    replication : int
        Replication index (recorded in the event log).
    rng_seed : numpy.random.SeedSequence
        This replication's seed sequence; every component's stream is derived from it
        and the component's name.

    Use :meth:`run` once; then read :attr:`log`, :attr:`road_days` and :meth:`end_state`.
    """

    def __init__(self, compiled: CompiledScenario, replication: int,
                 rng_seed: np.random.SeedSequence):
        sc = compiled.scenario
        net = compiled.network
        self.compiled = compiled
        self.network = net
        self.scenario = sc
        self.env = simpy.Environment()
        self.log = EventLog(replication, sc.horizon_h)
        self._log = self.log.appenders()  # the hot path appends to the columns directly
        self.streams = Streams(rng_seed)
        self.tpc = sc.train.teu_per_container
        self.clock_start = sc.start_datetime()
        self.disruptions = Disruptions.build(net, compiled.windows, compiled.failures,
                                             sc.horizon_h, self.streams)
        self.avail = {cid: Availability(c.operating_hours, c.timezone, self.clock_start,
                                        list(self.disruptions.closures("crossing", cid)))
                      for cid, c in sorted(net.crossings.items())}

        # every route a train may take: the services' own and their alternatives
        self.routes: dict[str, ServiceRoute] = {}
        self.alternatives: dict[str, tuple[ServiceRoute, ...]] = {}
        for plan in compiled.services:
            self.routes[plan.id] = self._service_route(plan, plan.route)
            self.alternatives[plan.id] = tuple(
                self._service_route(plan, r) for r in plan.alternatives)
        all_routes = [*self.routes.values(), *(a for alts in self.alternatives.values()
                                               for a in alts)]
        self.trains: dict[str, Train] = {}
        self.dispatched_teu = 0.0
        self.delivered_teu = 0.0
        self.trains_dispatched = 0
        self.trains_delivered = 0
        self.delivered_by_corridor: dict[tuple[str, str], float] = {}
        self.diverted_trains = 0
        self.diverted_teu = 0.0
        self.road_days: list[RoadDay] = []
        self._rerouting = sc.rerouting

        self.sides = self._build_sides(all_routes)
        self._chains: dict[tuple, LineChain] = {}
        self._line_state: dict = {}
        self._build_chains(all_routes)
        self.ports = PortTerminals(self.env, net, self.streams, self.disruptions,
                                   self.clock_start, self._rec)
        self._ferry_stops: dict[tuple[str, str], FerryStop] = {}
        self._ferry_rooms = self._ferry_storage(all_routes)
        self.reformation: dict[str, ReformationPoint] = {}
        self._steps: dict[tuple, tuple] = {}
        for sr in all_routes:
            for piece in sr.pieces:
                if piece.key not in self._steps:
                    self._steps[piece.key] = self._plan_piece(piece)

    # ------------------------------------------------------------------ set-up
    def _service_route(self, plan: ServicePlan, route) -> ServiceRoute:
        segs = segments_of(self.network, route, self.tpc)
        nodes = self.network.nodes
        return ServiceRoute(
            service=plan.id, origin=plan.origin, destination=plan.destination, route=route,
            pieces=pieces_of(segs, plan.origin, plan.containers_per_train),
            corridor=corridor_label(route),
            direction="westbound" if nodes[plan.destination].lon < nodes[plan.origin].lon
            else "eastbound",
            containers_per_train=plan.containers_per_train)

    def _build_sides(self, routes: list[ServiceRoute]) -> dict[tuple[str, str], CrossingSide]:
        """Crossing sides, each with its approach room (see the module docstring)."""
        net = self.network
        sc = self.scenario
        storage: dict[tuple[str, str], int] = {}
        containers: dict[tuple[str, str], int] = {}
        for sr in routes:
            for piece in sr.pieces:
                segs = piece.segments
                for i, seg in enumerate(segs):
                    if seg.kind is not SegmentKind.crossing:
                        continue
                    key = (seg.crossing, self._side_direction(seg))
                    containers[key] = max(containers.get(key, 0), piece.max_containers)
                    prev = segs[i - 1] if i > 0 else None
                    km = 0.0
                    if prev is not None and prev.kind is SegmentKind.run:
                        km = sum(net.links[lid].length_km for lid in prev.links)
                    room = int(km // sc.line_storage_km_per_train)
                    storage[key] = min(storage.get(key, room), room)
        sides = {}
        for cid, c in sorted(net.crossings.items()):
            if c.mode != "rail":
                continue
            border_h = net.links[c.link].base_running_time_h
            for d in ("a_to_b", "b_to_a"):
                key = (cid, d)
                cap, _ = side_capacity(c, containers.get(key, 44))
                room = sc.approach_holding_trains + storage.get(key, 0)
                sides[key] = CrossingSide(self.env, c, d, self.streams(f"crossing:{cid}:{d}"),
                                          self.disruptions, self.avail[cid], self._rec,
                                          border_h, room, cap, self.log)
        return sides

    def _ferry_storage(self, routes: list[ServiceRoute]) -> dict:
        """Per ferry (link, direction): (line storage of the shortest run leading to it,
        longest train in containers)."""
        net = self.network
        out: dict[tuple[str, str], list] = {}
        for sr in routes:
            for piece in sr.pieces:
                segs = piece.segments
                for i, seg in enumerate(segs):
                    if seg.kind is not SegmentKind.ferry:
                        continue
                    prev = segs[i - 1] if i > 0 else None
                    km = sum(net.links[lid].length_km for lid in prev.links) \
                        if prev is not None and prev.kind is SegmentKind.run else 0.0
                    room = int(km // self.scenario.line_storage_km_per_train)
                    key = (seg.links[0], seg.directions[0])
                    cur = out.setdefault(key, [room, piece.max_containers])
                    cur[0] = min(cur[0], room)
                    cur[1] = max(cur[1], piece.max_containers)
        return out

    @staticmethod
    def _staging(segs, i: int) -> int:
        """Index in run ``segs[i]``'s links of its last link when the run leads to a
        crossing or ferry and has more than one link: the train takes its place in the
        room at that link's first node (its staging node); else 0."""
        nxt = segs[i + 1] if i + 1 < len(segs) else None
        if nxt is None or nxt.kind is SegmentKind.run:
            return 0
        return len(segs[i].links) - 1

    def _side_direction(self, seg: Segment) -> str:
        c = self.network.crossings[seg.crossing]
        return "a_to_b" if seg.nodes[0] == c.station_a else "b_to_a"

    def _build_chains(self, routes: list[ServiceRoute]) -> None:
        """Group each run's links into chains (see :mod:`~landbridge.simulation.line`):
        a new chain starts where other trains join (the trains using a link are not all
        coming from the previous link) and at every single-track link."""
        users: dict[tuple[str, str], set] = {}
        runs = []
        net = self.network
        for sr in routes:
            for piece in sr.pieces:
                for i, seg in enumerate(piece.segments):
                    if seg.kind is SegmentKind.run:
                        runs.append((seg, self._staging(piece.segments, i)))
                        for lid, d in zip(seg.links, seg.directions):
                            users.setdefault(section_key(net, lid, d), set()).add(piece.key)
        self._users = users
        draw = self.scenario.running_time_factor
        for seg, split in runs:
            for chain in self._chain_keys(seg, split):
                if chain not in self._chains:
                    lid, d = chain[0]
                    self._chains[chain] = LineChain(
                        self.env, net, list(chain), self._line_state,
                        batched_sampler(draw, self.streams(f"line:{lid}:{d}")), self.disruptions,
                        self._rec)

    def _chain_keys(self, seg: Segment, split: int = 0) -> list[tuple]:
        """Chains of run ``seg``; a chain also starts at link ``split`` (a staging node,
        where a train may be held)."""
        net = self.network
        users = self._users
        out: list[list] = []
        prev = None
        for i, (lid, d) in enumerate(zip(seg.links, seg.directions)):
            key = section_key(net, lid, d)
            single = key[1] == "both"
            if prev is None or single or prev[1] or not users[key] <= users[prev[0]] \
                    or (split and i == split):
                out.append([])
            out[-1].append((lid, d))
            prev = (key, single)
        return [tuple(c) for c in out]

    def _plan_piece(self, piece: Piece) -> tuple:
        """Per step: (kind, chains or side or ferry stop, side whose room it enters,
        end node, hours, place) with ``place`` 1: the train takes its place in the
        side's room when it is let go at the start of the step; 0: it is only metered
        there (it takes its place at the next step); 2: it takes its place at the start
        of the step (the staging node of a run longer than the side's approach zone)."""
        steps = []
        segs = piece.segments
        links = self.network.links
        for i, seg in enumerate(segs):
            if seg.kind is SegmentKind.run:
                nxt = segs[i + 1] if i + 1 < len(segs) else None
                side = None
                if nxt is not None and nxt.kind is SegmentKind.crossing:
                    side = self.sides[(nxt.crossing, self._side_direction(nxt))]
                elif nxt is not None and nxt.kind is SegmentKind.ferry:
                    side = self._ferry_stop(nxt.links[0], nxt.directions[0])
                split = self._staging(segs, i)
                chains = [self._chains[c] for c in self._chain_keys(seg, split)]
                run_h = sum(links[lid].base_running_time_h for lid in seg.links)
                if not split:
                    steps.append((SegmentKind.run, tuple(chains), side, seg.nodes[-1], run_h,
                                  1))
                    continue
                # the last link is a chain of its own (_chain_keys splits there)
                steps.append((SegmentKind.run, tuple(chains[:-1]), side, seg.nodes[split],
                              run_h, 0))
                steps.append((SegmentKind.run, (chains[-1],), side, seg.nodes[-1],
                              links[seg.links[-1]].base_running_time_h, 2))
            elif seg.kind is SegmentKind.crossing:
                side = self.sides[(seg.crossing, self._side_direction(seg))]
                steps.append((SegmentKind.crossing, side, side, seg.nodes[-1], 0.0, 1))
            else:
                stop = self._ferry_stop(seg.links[0], seg.directions[0])
                steps.append((SegmentKind.ferry, stop, stop, seg.nodes[-1], 0.0, 1))
        return tuple(steps)

    def _ferry_stop(self, link_id: str, direction: str) -> FerryStop:
        """The ferry route ``link_id`` in ``direction`` with its approach gate: room for
        the approach sidings, the departure port's rail yard and the shortest line
        leading to it; it passes sailings × trains per sailing."""
        key = (link_id, direction)
        stop = self._ferry_stops.get(key)
        if stop is None:
            net = self.network
            link = net.links[link_id]
            storage, containers = self._ferry_rooms.get(key, (0, 1))
            port = link.from_node if direction == "fwd" else link.to_node
            port_room = net.ports[port].storage_trains if port in net.ports else 0
            per_sailing = ferry_containers_per_sailing(link, self.tpc) or containers
            trains_per_h = (link.sailings_per_week or 0.0) / 168.0 * max(
                1, per_sailing // max(containers, 1))
            ferry = FerryCrossing(
                self.env, net, link_id, direction, self.streams(f"ferry:{link_id}:{direction}"),
                self.disruptions, None, ports=self.ports, clock_start=self.clock_start,
                teu_per_container=self.tpc,
                background_rng=self.streams(f"ferry-background:{link_id}:{direction}"))
            stop = self._ferry_stops[key] = FerryStop(
                self.env, ferry, self.scenario.approach_holding_trains + storage + port_room,
                trains_per_h, self.disruptions, self._rec)
        return stop

    def _point(self, node: str) -> ReformationPoint:
        p = self.reformation.get(node)
        if p is None:
            policy = self.scenario.reformation
            p = self.reformation[node] = ReformationPoint(
                self.env, node, self.tpc, self._rec, self._launch,
                max_hold_h=policy.max_hold_h_at(node) if policy is not None else None)
        return p

    # ------------------------------------------------------------------ running
    def run(self, on_progress=None) -> None:
        """Start every service's dispatcher, compute the road posts, run to the horizon.

        ``on_progress(fraction)`` (optional) is called 50 times as simulated time
        advances; the run is stepped in the same chunks with or without it, and the
        chunk boundaries trigger no model event, so results do not depend on it."""
        horizon = self.scenario.horizon_h
        starts = []
        for plan in self.compiled.services:
            times = list(plan.departures_h)
            if plan.poisson_per_h > 0:
                # the gaps drawn in blocks (the stream has no other draw: the same
                # values in the same order as one at a time)
                rng = self.streams(f"dispatch:{plan.id}")
                scale = 1.0 / plan.poisson_per_h
                block = int(horizon * plan.poisson_per_h * 1.05) + 64
                t = None
                while t is None or t < horizon:
                    for gap in rng.exponential(scale, block).tolist():
                        t = gap if t is None else t + gap
                        if not t < horizon:
                            break
                        times.append(t)
            for i, t in enumerate(times):
                starts.append((t, plan.id, i, plan))
        starts.sort(key=lambda x: (x[0], x[1], x[2]))
        self.env.process(self._dispatcher(starts))
        self.road_days = road_post_days(self.compiled, self.avail, self.disruptions,
                                        self.streams)
        chunks = 50
        for k in range(1, chunks + 1):
            self.env.run(until=horizon * k / chunks)
            if on_progress is not None:
                on_progress(k / chunks)

    def _dispatcher(self, starts) -> Iterator[simpy.Event]:
        dis = self.disruptions
        env = self.env
        closed_origins = {p.origin for p in self.compiled.services
                          if dis.closures("node", p.origin)}
        for t, sid, i, plan in starts:
            if t > env.now:
                yield env.timeout(t - env.now)
            now = env.now
            if plan.origin in closed_origins:
                until = dis.closed_until("node", plan.origin, now)
                if until > now:  # a closed terminal dispatches nothing until it reopens;
                    # the train waits in a process of its own, so the other origins'
                    # departures are not held up (same-origin trains keep their order)
                    env.process(self._dispatch_at(until, sid, i, plan))
                    continue
            self._dispatch(sid, i, plan)

    def _dispatch_at(self, until: float, sid: str, i: int, plan) -> Iterator[simpy.Event]:
        """Dispatch a train of a closed origin when the origin reopens (``until``, h)."""
        yield self.env.timeout(until - self.env.now)
        self._dispatch(sid, i, plan)

    def _dispatch(self, sid: str, i: int, plan) -> None:
        """Dispatch the ``i``-th train of service ``sid`` now."""
        now = self.env.now
        route = self.routes[sid]
        lot = Lot(route, i + 1, now, plan.containers_per_train)
        tr = Train(id=f"{sid}-{i + 1:04d}", lots=[lot], piece=route.pieces[0],
                   node=plan.origin, teu_per_container=self.tpc, at_origin=True)
        self.trains[tr.id] = tr
        self.dispatched_teu += tr.teu
        self.trains_dispatched += 1
        self._rec(tr, "dispatch", plan.origin)
        self.env.process(self._journey(tr))

    def _launch(self, train: Train) -> None:
        """Start an onward train formed at a re-formation point."""
        self.trains[train.id] = train
        self.env.process(self._journey(train))

    def _rec(self, tr: Train, event: str, node: str, where: str | None = "",
             time_h: float | None = None) -> None:
        """Log ``event`` of ``tr`` now, or at ``time_h`` when a component knows it
        ahead (the log orders rows by time)."""
        label, ev, at, crossing, when = self._log
        label(tr.label)
        ev(event)
        at(node)
        crossing(where or "")
        when(self.env.now if time_h is None else time_h)

    def _journey(self, tr: Train) -> Iterator[simpy.Event]:
        """A train's process: its piece, segment by segment; then delivery or
        re-formation."""
        env = self.env
        timeout = env.timeout
        while True:
            steps = self._steps[tr.piece.key]
            n = len(steps)
            while tr.seg < n:
                kind, what, side, end, run_h, place = steps[tr.seg]
                if place == 2:
                    ev = side.gate.take(tr, run_h)
                    if ev is not None:
                        yield from self._hold(tr, side, ev)
                elif side is not None and tr.admission is None:
                    admitted = yield from self._admit(tr, side, run_h, place)
                    if not admitted:  # diverted: start again on the new route
                        break
                if tr.yard is not None:
                    tr.release_yard()
                tr.at_origin = False
                if kind is _RUN:
                    tr.state = _RUNNING
                    for chain in what:
                        if chain.closed:
                            yield from chain.traverse(tr)
                        else:
                            now = env.now
                            yield timeout(chain.exit_h(now) - now)
                    tr.node = end
                elif kind is _CROSSING:
                    yield from what.pass_through(tr)
                else:
                    yield from what.carry(tr)
                tr.seg += 1
            else:
                break
        tr.release_yard()
        del self.trains[tr.id]
        if tr.piece.final:
            self._deliver(tr)
        else:
            self._point(tr.piece.end).receive(tr)

    def _deliver(self, tr: Train) -> None:
        tr.state = TrainState.delivered
        now = self.env.now
        label, ev, at, crossing, when = self._log
        tpc = self.tpc
        for lot in tr.lots:
            r = lot.route
            teu = lot.containers * tpc
            label((tr.id, r.service, teu, lot.dispatch_h, r.corridor, lot.departure))
            ev("deliver")
            at(tr.node)
            crossing("")
            when(now)
            key = (r.corridor, r.direction)
            self.delivered_by_corridor[key] = self.delivered_by_corridor.get(key, 0.0) + teu
        self.delivered_teu += tr.teu
        self.trains_delivered += 1

    def _hold(self, tr: Train, side, ev: simpy.Event) -> Iterator[simpy.Event]:
        """``tr`` waits at its staging node for a place in ``side``'s room."""
        tr.state = TrainState.held
        self._rec(tr, "held", tr.node, side.id)
        yield ev
        self._rec(tr, "released", tr.node, side.id)
        tr.state = TrainState.running

    def _admit(self, tr: Train, side, run_h: float, place: int) -> Iterator[simpy.Event]:
        """Wait until the approach gate of ``side`` (a crossing side or a ferry stop)
        lets ``tr`` go (held where it stands meanwhile), taking its place in the room
        when ``place``; returns False when the train was diverted instead."""
        gate = side.gate
        ev = gate.request(tr, run_h, bool(place))
        if ev is not None:
            tr.state = TrainState.unshipped if tr.at_origin else TrainState.held
            self._rec(tr, "held", tr.node, side.id)
            policy = self._rerouting
            if policy is not None and tr.at_origin and not tr.diverted \
                    and self.alternatives.get(tr.service):
                env = self.env
                reopen = self.disruptions.closed_until(*side.target, env.now)
                if reopen - env.now <= policy.max_wait_h:
                    yield ev | env.timeout(policy.max_wait_h)
                while not ev.triggered:  # reconsidered every max_wait_h hours
                    here_h = max(reopen - env.now, gate.projected_wait_h(run_h, ev))
                    alt = self._alternative(tr, side, here_h)
                    if alt is not None:
                        gate.cancel(ev)
                        self._divert(tr, side, alt)
                        return False
                    yield ev | env.timeout(policy.max_wait_h)
            yield ev
            self._rec(tr, "released", tr.node, side.id)
        tr.admission = gate
        tr.state = TrainState.running
        return True

    def _alternative(self, tr: Train, avoid, here_h: float) -> ServiceRoute | None:
        """The first of ``tr``'s alternatives that avoids ``avoid``, whose first
        crossing is open and whose projected wait at the origin (the approach gate of
        the first crossing or ferry on its way) is shorter than ``here_h``, the
        expected remaining wait where it is held; None when there is none."""
        now = self.env.now
        for alt in self.alternatives[tr.service]:
            if avoid.id in alt.route.crossings or avoid.id in alt.route.links:
                continue
            first = alt.route.crossings[:1]
            if first and self.disruptions.is_closed("crossing", first[0], now):
                continue
            wait_h = next((gated.gate.projected_wait_h(run_h) for _, _, gated, _, run_h, _
                           in self._steps[alt.pieces[0].key] if gated is not None), 0.0)
            if wait_h < here_h:
                return alt
        return None

    def _divert(self, tr: Train, avoided, alt: ServiceRoute) -> None:
        for lot in tr.lots:
            lot.route = alt
            lot.piece = 0
        tr.piece = alt.pieces[0]
        tr.seg = 0
        tr.diverted = True
        tr.relabel()
        tr.state = TrainState.unshipped
        self.diverted_trains += 1
        self.diverted_teu += tr.teu
        self._rec(tr, "divert", tr.node, avoided.id)

    # ------------------------------------------------------------------ accounting
    def end_state(self) -> EndState:
        """TEU by state at the end, per-corridor loads and re-formation figures.

        Raises
        ------
        InvariantError
            When dispatched TEU differ from delivered + in transit + waiting + held +
            buffered + unshipped at the origin.
        """
        by_state = {s: 0.0 for s in TrainState}
        for tr in self.trains.values():
            by_state[TrainState(tr.state)] += tr.teu
        waiting = by_state[TrainState.waiting]
        held = by_state[TrainState.held]
        unshipped = by_state[TrainState.unshipped]
        in_transit = by_state[TrainState.running]
        buffered = sum(p.containers_waiting for p in self.reformation.values()) * self.tpc
        total = self.delivered_teu + in_transit + waiting + held + buffered + unshipped
        if abs(total - self.dispatched_teu) > 1e-6 * max(1.0, self.dispatched_teu):
            raise InvariantError(
                f"TEU not conserved: dispatched {self.dispatched_teu:.3f} ≠ delivered "
                f"{self.delivered_teu:.3f} + in transit {in_transit:.3f} + waiting "
                f"{waiting:.3f} + held {held:.3f} + buffered {buffered:.3f} + unshipped "
                f"{unshipped:.3f}")
        corridors = corridor_loads(self)
        cost = self._rerouting.cost_usd_per_teu * self.diverted_teu if self._rerouting else 0.0
        return EndState(
            dispatched_teu=self.dispatched_teu, delivered_teu=self.delivered_teu,
            in_transit_teu=in_transit, waiting_at_crossings_teu=waiting, held_teu=held,
            in_buffers_teu=buffered, trains_dispatched=self.trains_dispatched,
            trains_delivered=self.trains_delivered, unshipped_at_origin_teu=unshipped,
            diverted_trains=self.diverted_trains, diverted_teu=self.diverted_teu,
            diversion_cost_usd=cost, corridors=corridors,
            reformation=tuple(p.stat() for _, p in sorted(self.reformation.items())),
            overload_sentences=tuple(c.sentence for c in corridors if c.sentence))

