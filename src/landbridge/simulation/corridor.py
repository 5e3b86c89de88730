"""The SimPy model of block trains moving through the corridor.

One :class:`CorridorModel` is one replication: all its state (the SimPy environment,
the random streams, the resources of every crossing) is built in the constructor and
nothing is attached to the environment or kept in globals.

A train's route is cut into *segments* (see :func:`segments_of`):

* a **run**: consecutive ordinary links, one timeout for the whole run. Line-section
  capacity is enforced by path reservation: entering each link no earlier than the
  previous train in the same direction plus the minimum headway (24 h / trains per
  day). Each link's running time is ``length_km / speed_kmh`` times a factor drawn
  from the scenario's ``running_time_factor``.
* a **crossing**: the border crossing point process — approach, acceptance (agreed
  trains/day cap), receiving-yard track, border/customs control by an inspection
  team, locomotive/crew handover, transshipment at a gauge break, departure. Work is
  done only while the crossing is open (local operating hours, no closure).
* a **ferry**: wait at the port for the next sailing (timetable from sailings per
  week) with room, sail, arrive.

Congestion propagates backwards: before starting a run towards a crossing, a train
asks whether that crossing's approach is full (``approach_holding_trains`` trains
already waiting for its receiving yard). If so it is held where it stands — at the
origin terminal, or still occupying the receiving-yard track of the previous crossing,
which in turn fills that yard.

Where the next segment accepts shorter trains (``max_train_wagons``, or a ferry's
wagons per sailing), the train's containers are put into a first-in first-out buffer
at that node and onward trains of the new maximum length are formed; leftover
containers wait for the next train of the same service.

Same-time events run in the order they were scheduled (SimPy's event id), and every
process is started in a fixed order (departure time, then service id), so a
replication is a pure function of its scenario and seed.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import simpy

from landbridge.errors import InvariantError
from landbridge.network.capacity import crossing_capacity
from landbridge.network.model import BorderCrossing, Link, Mode, Network
from landbridge.scenario.compile import CompiledScenario, ServicePlan
from landbridge.simulation.availability import Availability
from landbridge.simulation.eventlog import EventLog

__all__ = ["CorridorModel", "Segment", "segments_of", "EndState"]

_EPS = 1e-9


@dataclass(frozen=True)
class Segment:
    """A piece of a route: ``kind`` is ``run``, ``crossing`` or ``ferry``; ``links`` the
    link ids (a crossing or ferry has one); ``nodes`` the nodes passed, from the start
    node to the end node; ``direction`` is ``a_to_b``/``b_to_a`` for a crossing,
    ``fwd``/``rev`` (relative to the link's from/to) otherwise; ``max_containers`` the
    longest train the segment takes (``None``: no limit)."""

    kind: str
    links: tuple[str, ...]
    nodes: tuple[str, ...]
    directions: tuple[str, ...]
    crossing: str | None = None
    max_containers: int | None = None


def segments_of(network: Network, plan: ServicePlan, teu_per_container: float) -> list[Segment]:
    """Cut ``plan.route`` into runs, crossings and ferry crossings."""
    segs: list[Segment] = []
    run_links: list[str] = []
    run_nodes: list[str] = []
    run_dirs: list[str] = []

    def flush() -> None:
        if run_links:
            limits = [network.links[lid].max_train_wagons for lid in run_links]
            lim = min((x for x in limits if x is not None), default=None)
            segs.append(Segment("run", tuple(run_links), tuple(run_nodes), tuple(run_dirs),
                                max_containers=lim))
            run_links.clear()
            run_nodes.clear()
            run_dirs.clear()

    for leg in plan.route.legs:
        link = network.links[leg.link]
        direction = "fwd" if leg.from_node == link.from_node else "rev"
        crossing = network.crossing_on_link(link.id)
        if crossing is not None and crossing.mode == "rail":
            flush()
            cdir = "a_to_b" if leg.from_node == crossing.station_a else "b_to_a"
            segs.append(Segment("crossing", (link.id,), (leg.from_node, leg.to_node),
                                (direction,), crossing=crossing.id,
                                max_containers=link.max_train_wagons))
        elif link.mode is Mode.ferry:
            flush()
            cap = link.capacity_wagons_per_sailing
            if link.capacity_teu_per_sailing is not None:
                teu_cap = int(link.capacity_teu_per_sailing // teu_per_container)
                cap = teu_cap if cap is None else min(cap, teu_cap)
            segs.append(Segment("ferry", (link.id,), (leg.from_node, leg.to_node), (direction,),
                                max_containers=cap))
        else:
            if not run_nodes:
                run_nodes.append(leg.from_node)
            run_links.append(link.id)
            run_nodes.append(leg.to_node)
            run_dirs.append(direction)
    flush()
    return segs


@dataclass
class Train:
    """A train in the model (mutable simulation state, not a record)."""

    id: str
    service: ServicePlan
    containers: int
    teu: float
    dispatch_h: float
    segment: int = 0
    node: str = ""
    state: str = "running"  # running, waiting, held, delivered, reformed
    held_yard: "simpy.resources.resource.Request | None" = None
    held_resource: "simpy.Resource | None" = None


@dataclass
class _CrossingSide:
    """Resources of one direction of one crossing."""

    crossing: BorderCrossing
    direction: str
    yard: simpy.Resource
    teams: simpy.Resource
    tracks: simpy.Resource | None
    waiting: int = 0  # trains arrived, not yet in the yard
    next_accept_h: float = 0.0
    hold_limit: int = 1 << 30  # queue length from which trains are held upstream
    held: deque = field(default_factory=deque)  # FIFO of the held trains' release events
    metering: bool = False  # a dispatcher process is releasing held trains


@dataclass
class EndState:
    """TEU accounting at the end of a replication (conservation is checked on it)."""

    dispatched_teu: float
    delivered_teu: float
    in_transit_teu: float
    waiting_at_crossings_teu: float
    held_teu: float
    in_buffers_teu: float
    trains_dispatched: int
    trains_delivered: int


class CorridorModel:
    """One replication of the corridor.

    Parameters
    ----------
    compiled : CompiledScenario
        The scenario compiled against its network.
    replication : int
        Replication index (recorded in the event log).
    rng_seed : numpy.random.SeedSequence
        This replication's seed sequence; child streams are spawned from it for
        running times, each crossing's service times, failures and road posts.

    Use :meth:`run` once; then read :attr:`log`, :attr:`road` and :meth:`end_state`.
    """

    def __init__(self, compiled: CompiledScenario, replication: int,
                 rng_seed: np.random.SeedSequence):
        sc = compiled.scenario
        self.compiled = compiled
        self.network = compiled.network
        self.scenario = sc
        self.env = simpy.Environment()
        self.log = EventLog(replication)
        self._rows = self.log.rows  # the hot path appends here directly
        streams = rng_seed.spawn(5)
        self.rng_run = np.random.default_rng(streams[0])
        crossing_ids = sorted(self.network.crossings)
        cross_seeds = streams[1].spawn(max(len(crossing_ids), 1))
        self.rng_cross = {cid: np.random.default_rng(s) for cid, s in zip(crossing_ids, cross_seeds)}
        self.rng_fail = np.random.default_rng(streams[2])
        self.rng_road = np.random.default_rng(streams[3])
        self.rng_dispatch = np.random.default_rng(streams[4])
        self.teu_per_container = sc.train.teu_per_container
        self.clock_start = sc.start_datetime()

        # disruption windows by target
        self.closures: dict[tuple[str, str], list[tuple[float, float]]] = {}
        self.scales: dict[tuple[str, str, str], list[tuple[float, float, float]]] = {}
        for w in compiled.windows:
            targets = self._expand_target(w.target_type, w.target)
            for ttype, tid in targets:
                if w.kind == "closure":
                    self.closures.setdefault((ttype, tid), []).append((w.start_h, w.end_h))
                else:
                    self.scales.setdefault((w.kind, ttype, tid), []).append(
                        (w.start_h, w.end_h, w.factor))
        for ttype, tid, mtbf, mttr in compiled.failures:
            for t2, i2 in self._expand_target(ttype, tid):
                self.closures.setdefault((t2, i2), []).extend(
                    self._failure_windows(mtbf, mttr, sc.horizon_h))

        # crossings: availability and per-direction resources
        self.avail: dict[str, Availability] = {}
        self.sides: dict[tuple[str, str], _CrossingSide] = {}
        for cid in crossing_ids:
            c = self.network.crossings[cid]
            self.avail[cid] = Availability(c.operating_hours, c.timezone, self.clock_start,
                                           self.closures.get(("crossing", cid), []))
            if c.mode != "rail":
                continue
            for d in ("a_to_b", "b_to_a"):
                self.sides[(cid, d)] = _CrossingSide(
                    crossing=c, direction=d,
                    yard=simpy.Resource(self.env, c.receiving_yard_tracks or 1),
                    teams=simpy.Resource(self.env, c.inspection_teams or 1),
                    tracks=simpy.Resource(self.env, c.transshipment.tracks)
                    if c.transshipment else None)
        self.link_avail: dict[str, list[tuple[float, float]]] = {
            tid: sorted(v) for (ttype, tid), v in self.closures.items() if ttype == "link"}
        self.next_free: dict[tuple[str, str], float] = {}
        self.ferry_queues: dict[tuple[str, str], list[tuple[Train, simpy.Event]]] = {}
        self.buffers: dict[tuple[str, str, int], list[list]] = {}  # FIFO [containers, dispatch_h]
        self.trains: dict[str, Train] = {}
        self.child_count: dict[str, int] = {}
        self.dispatched_teu = 0.0
        self.delivered_teu = 0.0
        self.trains_dispatched = 0
        self.trains_delivered = 0
        self.segments = {p.id: segments_of(self.network, p, self.teu_per_container)
                         for p in compiled.services}
        self._rt_factor = sc.running_time_factor.sampler(self.rng_run)
        scaled_links = {tid for (_, ttype, tid) in self.scales if ttype == "link"}
        self._run_links = {}
        for segs in self.segments.values():
            for seg in segs:
                if seg.kind == "run":
                    self._run_links[seg.links, seg.directions] = tuple(
                        (lid, (lid, d), self.network.links[lid].base_running_time_h,
                         self.network.links[lid].min_headway_h, lid in scaled_links)
                        for lid, d in zip(seg.links, seg.directions))
        # one hold limit per crossing side, the same for every train (fair dispatch):
        # the approach sidings plus the storage of the shortest line leading to it
        for segs in self.segments.values():
            for a, b in zip(segs, segs[1:]):
                if a.kind == "run" and b.kind == "crossing":
                    km = sum(self.network.links[lid].length_km for lid in a.links)
                    side = self._side(b)
                    side.hold_limit = min(side.hold_limit, sc.approach_holding_trains
                                          + int(km // sc.line_storage_km_per_train))
        # static capacity of the stages (trains/day per direction), without the cap
        self._stage_cap = {}
        for cid in crossing_ids:
            if self.network.crossings[cid].mode == "rail":
                stages = crossing_capacity(self.network.crossings[cid]).stages
                self._stage_cap[cid] = min(v for k, v in stages.items()
                                           if k != "max trains/day")
        from landbridge.simulation.road import RoadPosts

        self.road = RoadPosts(self, compiled)

    # ------------------------------------------------------------------ set-up helpers
    def _expand_target(self, ttype: str, tid: str) -> list[tuple[str, str]]:
        """A node closure closes the crossings at that node, the links touching it and
        (for a terminal) its dispatches."""
        if ttype != "node":
            return [(ttype, tid)]
        out = [("node", tid)]
        for c in self.network.crossings.values():
            if tid in (c.station_a, c.station_b):
                out.append(("crossing", c.id))
        for link in self.network.links.values():
            if tid in (link.from_node, link.to_node):
                out.append(("link", link.id))
        return out

    def _failure_windows(self, mtbf: float, mttr: float, horizon: float
                         ) -> list[tuple[float, float]]:
        out = []
        t = 0.0
        while True:
            t += float(self.rng_fail.exponential(mtbf))
            if t >= horizon:
                return out
            d = float(self.rng_fail.exponential(mttr))
            out.append((t, t + d))
            t += d

    def _factor(self, kind: str, ttype: str, tid: str, t: float) -> float:
        f = 1.0
        for s, e, k in self.scales.get((kind, ttype, tid), ()):
            if s <= t < e:
                f *= k
        return f

    # ------------------------------------------------------------------ running
    def run(self, on_progress=None) -> None:
        """Start every departure and the road posts, then run to the horizon.

        ``on_progress(fraction)`` (optional) is called 50 times as simulated time
        advances; the run is stepped in the same chunks with or without it, and the
        chunk boundaries trigger no model event, so results do not depend on it."""
        starts = []
        for plan in self.compiled.services:
            times = list(plan.departures_h)
            if plan.poisson_per_h > 0:
                t = float(self.rng_dispatch.exponential(1.0 / plan.poisson_per_h))
                while t < self.scenario.horizon_h:
                    times.append(t)
                    t += float(self.rng_dispatch.exponential(1.0 / plan.poisson_per_h))
            for i, t in enumerate(times):
                starts.append((t, plan.id, i, plan))
        starts.sort(key=lambda x: (x[0], x[1], x[2]))
        self.env.process(self._dispatcher(starts))
        self.road.start()
        chunks = 50
        for k in range(1, chunks + 1):
            self.env.run(until=self.scenario.horizon_h * k / chunks)
            if on_progress is not None:
                on_progress(k / chunks)

    def _dispatcher(self, starts) -> Iterator[simpy.Event]:
        terminal_closures = {tid: v for (tt, tid), v in self.closures.items() if tt == "node"}
        for t, sid, i, plan in starts:
            if t > self.env.now:
                yield self.env.timeout(t - self.env.now)
            for s, e in sorted(terminal_closures.get(plan.origin, ())):
                if s <= self.env.now < e:
                    yield self.env.timeout(e - self.env.now)
            tr = Train(id=f"{sid}-{i + 1:04d}", service=plan,
                       containers=plan.containers_per_train,
                       teu=plan.containers_per_train * self.teu_per_container,
                       dispatch_h=self.env.now, node=plan.origin)
            self.trains[tr.id] = tr
            self.dispatched_teu += tr.teu
            self.trains_dispatched += 1
            self._rec(tr, "dispatch", plan.origin)
            self.env.process(self._train(tr))

    def _rec(self, tr: Train, event: str, node: str, crossing: str = "") -> None:
        self._rows.append((tr.id, tr.service.id, event, node, crossing, self.env.now, tr.teu,
                           tr.dispatch_h))

    def _train(self, tr: Train) -> Iterator[simpy.Event]:
        segs = self.segments[tr.service.id]
        while tr.segment < len(segs):
            seg = segs[tr.segment]
            if seg.max_containers is not None and tr.containers > seg.max_containers:
                self._reform(tr, seg)
                return
            if seg.kind == "run":
                nxt = segs[tr.segment + 1] if tr.segment + 1 < len(segs) else None
                if nxt is not None and nxt.kind == "crossing":
                    yield from self._wait_for_approach(tr, seg, nxt)
                self._release_held(tr)
                yield from self._run(tr, seg)
            elif seg.kind == "crossing":
                self._release_held(tr)
                yield from self._cross(tr, seg)
                if tr.segment + 1 == len(segs) or segs[tr.segment + 1].kind != "run":
                    self._release_held(tr)
            else:
                self._release_held(tr)
                yield from self._ferry(tr, seg)
            tr.segment += 1
            tr.node = seg.nodes[-1]
        self._release_held(tr)
        tr.state = "delivered"
        self.delivered_teu += tr.teu
        self.trains_delivered += 1
        del self.trains[tr.id]
        self._rec(tr, "deliver", tr.node)

    def _release_held(self, tr: Train) -> None:
        if tr.held_yard is not None:
            assert tr.held_resource is not None
            tr.held_resource.release(tr.held_yard)
            tr.held_yard = None
            tr.held_resource = None

    # ------------------------------------------------------------------ line running
    def _run(self, tr: Train, seg: Segment) -> Iterator[simpy.Event]:
        now = self.env.now
        # closures: start late enough that no link of the run is closed when reached
        t = now
        for _ in range(10000 if self.link_avail else 0):
            offset = 0.0
            moved = False
            for lid in seg.links:
                rt = self.network.links[lid].base_running_time_h
                for s, e in self.link_avail.get(lid, ()):
                    if s < t + offset + rt and e > t + offset:
                        t = e - offset
                        moved = True
                        break
                if moved:
                    break
                offset += rt
            if not moved:
                break
        if t > now:
            tr.state = "held"
            self._rec(tr, "held", tr.node)
            yield self.env.timeout(t - now)
            self._rec(tr, "released", tr.node)
        tr.state = "running"
        t = self.env.now
        next_free = self.next_free
        draw = self._rt_factor
        for lid, key, base_h, headway_h, scaled in self._run_links[seg.links, seg.directions]:
            entry = max(t, next_free.get(key, -math.inf))
            if scaled:
                next_free[key] = entry + headway_h / self._factor(
                    "capacity_scale", "link", lid, entry)
                t = entry + base_h * draw() * self._factor("duration_scale", "link", lid, entry)
            else:
                next_free[key] = entry + headway_h
                t = entry + base_h * draw()
        yield self.env.timeout(t - self.env.now)

    # ------------------------------------------------------------------ crossings
    def _side(self, seg: Segment) -> _CrossingSide:
        c = self.network.crossings[seg.crossing]
        d = "a_to_b" if seg.nodes[0] == c.station_a else "b_to_a"
        return self.sides[(c.id, d)]

    def _wait_for_approach(self, tr: Train, run: Segment, nxt: Segment
                           ) -> Iterator[simpy.Event]:
        """Hold ``tr`` before ``run`` while crossing ``nxt`` is congested: the trains
        waiting for its yard fill the approach sidings (``approach_holding_trains``)
        and the storage of the shortest line leading to it (one train per
        ``line_storage_km_per_train``), or other trains are already held for it.

        Held trains are released first come, first served, by a dispatcher process
        (:meth:`_meter`) at the crossing's current static capacity in trains/day — the
        way the railways meter trains towards a congested border instead of letting
        them all go at once; while any train is held, later ones queue behind it."""
        side = self._side(nxt)
        if side.held or side.waiting >= side.hold_limit:
            tr.state = "held"
            self._rec(tr, "held", tr.node, side.crossing.id)
            release = self.env.event()
            side.held.append(release)
            if not side.metering:
                side.metering = True
                self.env.process(self._meter(side))
            yield release
            tr.state = "running"
            self._rec(tr, "released", tr.node, side.crossing.id)

    def _meter(self, side: _CrossingSide) -> Iterator[simpy.Event]:
        """Release held trains one by one at the crossing's current capacity
        (:meth:`_capacity_per_day`), oldest first."""
        cid = side.crossing.id
        avail = self.avail[cid]
        while side.held:
            closed = avail.closed_in(self.env.now, self.env.now + 1e-9)
            if closed is not None:  # nothing is released towards a closed crossing
                yield self.env.timeout(closed[1] - self.env.now)
                continue
            side.held.popleft().succeed()
            yield self.env.timeout(24.0 / max(self._capacity_per_day(cid, self.env.now), 0.1))
        side.metering = False

    def _acceptance_cap(self, cid: str, t: float) -> float | None:
        """Trains/day the crossing accepts at time ``t``: the agreed cap, scaled by any
        capacity window (a window on a crossing without a cap scales its stages'
        static capacity); ``None`` when nothing caps acceptance."""
        cap = self.network.crossings[cid].max_trains_per_day
        scale = self._factor("capacity_scale", "crossing", cid, t)
        if scale != 1.0:
            cap = (cap or self._stage_cap[cid]) * scale
        return cap

    def _capacity_per_day(self, cid: str, t: float) -> float:
        """Static capacity (trains/day) at ``t``: the stages, slowed by service-time
        windows, and the acceptance cap."""
        stages = self._stage_cap[cid] / self._factor("duration_scale", "crossing", cid, t)
        cap = self._acceptance_cap(cid, t)
        return stages if cap is None else min(stages, cap)

    def _work(self, cid: str, hours: float) -> Iterator[simpy.Event]:
        """Spend ``hours`` of open time at crossing ``cid`` (closed hours hold work)."""
        avail = self.avail[cid]
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

    def _cross(self, tr: Train, seg: Segment) -> Iterator[simpy.Event]:
        side = self._side(seg)
        c = side.crossing
        cid = c.id
        rng = self.rng_cross[cid]
        here = seg.nodes[0]
        tr.state = "waiting"
        tr.node = here
        self._rec(tr, "arrive", here, cid)
        side.waiting += 1
        yard_req = side.yard.request()
        yield yard_req
        # acceptance cap (agreed trains/day, scaled by capacity windows at acceptance)
        t_acc = max(self.env.now, side.next_accept_h)
        cap = self._acceptance_cap(cid, t_acc)
        if cap is not None:
            side.next_accept_h = t_acc + 24.0 / cap
            if t_acc > self.env.now:
                yield self.env.timeout(t_acc - self.env.now)
        side.waiting -= 1
        self._rec(tr, "yard_in", here, cid)
        dur_f = self._factor("duration_scale", "crossing", cid, self.env.now)
        if self.avail[cid].always_open:
            yield from self._cross_always_open(tr, side, here, rng, dur_f)
        else:
            yield from self._cross_with_hours(tr, side, here, rng, dur_f)
        # cross the border link itself
        link = self.network.links[seg.links[0]]
        yield self.env.timeout(link.base_running_time_h)
        tr.node = seg.nodes[-1]
        tr.state = "running"
        self._rec(tr, "depart", tr.node, cid)
        # keep the yard track until the train may start its next run (back-pressure)
        tr.held_yard = yard_req
        tr.held_resource = side.yard

    def _cross_always_open(self, tr: Train, side: _CrossingSide, here: str, rng,
                           dur_f: float) -> Iterator[simpy.Event]:
        """Control, handover, transshipment at a crossing that never closes."""
        c = side.crossing
        cid = c.id
        env = self.env
        with side.teams.request() as team:
            yield team
            self._rec(tr, "clearance_start", here, cid)
            yield env.timeout(c.clearance_h.sample(rng) * dur_f)
        self._rec(tr, "cleared", here, cid)
        h = c.handover_h.sample(rng) * dur_f
        if h > 0:
            yield env.timeout(h)
        self._rec(tr, "handed_over", here, cid)
        if c.transshipment is not None and side.tracks is not None:
            with side.tracks.request() as track:
                yield track
                self._rec(tr, "transship_start", here, cid)
                yield env.timeout(c.transshipment.duration_h(tr.containers) * dur_f)
            self._rec(tr, "transshipped", here, cid)

    def _cross_with_hours(self, tr: Train, side: _CrossingSide, here: str, rng,
                          dur_f: float) -> Iterator[simpy.Event]:
        """Control, handover, transshipment where closed hours or closures hold work."""
        c = side.crossing
        cid = c.id
        # border / customs control
        with side.teams.request() as team:
            yield team
            yield from self._work(cid, 0.0)  # wait for opening before starting
            self._rec(tr, "clearance_start", here, cid)
            assert c.clearance_h is not None
            yield from self._work(cid, c.clearance_h.sample(rng) * dur_f)
        self._rec(tr, "cleared", here, cid)
        yield from self._work(cid, c.handover_h.sample(rng) * dur_f)
        self._rec(tr, "handed_over", here, cid)
        if c.transshipment is not None and side.tracks is not None:
            with side.tracks.request() as track:
                yield track
                yield from self._work(cid, 0.0)
                self._rec(tr, "transship_start", here, cid)
                yield from self._work(cid, c.transshipment.duration_h(tr.containers) * dur_f)
            self._rec(tr, "transshipped", here, cid)

    # ------------------------------------------------------------------ ferries
    def _ferry(self, tr: Train, seg: Segment) -> Iterator[simpy.Event]:
        lid, d = seg.links[0], seg.directions[0]
        key = (lid, d)
        if key not in self.ferry_queues:
            self.ferry_queues[key] = []
            self.env.process(self._sailings(lid, d))
        ev = self.env.event()
        tr.state = "waiting"
        tr.node = seg.nodes[0]
        self._rec(tr, "ferry_wait", tr.node)
        self.ferry_queues[key].append((tr, ev))
        yield ev
        self._rec(tr, "ferry_sail", tr.node)
        tr.state = "running"
        link = self.network.links[lid]
        yield self.env.timeout(link.base_running_time_h
                               * self._factor("duration_scale", "link", lid, self.env.now))
        tr.node = seg.nodes[-1]
        self._rec(tr, "ferry_arrive", tr.node)

    def _sailings(self, lid: str, d: str) -> Iterator[simpy.Event]:
        """Sail every 168 / sailings_per_week hours from hour 0; board trains FIFO while
        they fit (wagons and TEU per sailing)."""
        link = self.network.links[lid]
        assert link.sailings_per_week is not None
        interval = 168.0 / link.sailings_per_week
        queue = self.ferry_queues[(lid, d)]
        k = math.ceil(self.env.now / interval - _EPS)
        while True:
            t = k * interval
            if t > self.env.now:
                yield self.env.timeout(t - self.env.now)
            k += 1
            if any(s <= self.env.now < e for s, e in self.link_avail.get(lid, ())):
                continue
            scale = self._factor("capacity_scale", "link", lid, self.env.now)
            wagons = (link.capacity_wagons_per_sailing or math.inf) * scale
            teu = (link.capacity_teu_per_sailing or math.inf) * scale
            while queue and queue[0][0].containers <= wagons + _EPS and queue[0][0].teu <= teu + _EPS:
                tr, ev = queue.pop(0)
                wagons -= tr.containers
                teu -= tr.teu
                ev.succeed()

    # ------------------------------------------------------------------ re-formation
    def _reform(self, tr: Train, seg: Segment) -> None:
        """Put ``tr``'s containers into the buffer at its node; form as many full
        onward trains of ``seg.max_containers`` as the buffer holds."""
        assert seg.max_containers is not None
        key = (tr.service.id, tr.node, tr.segment)
        buf = self.buffers.setdefault(key, [])
        buf.append([tr.containers, tr.dispatch_h])
        self._rec(tr, "reform_in", tr.node)
        self._release_held(tr)
        tr.state = "reformed"
        del self.trains[tr.id]
        limit = seg.max_containers
        while sum(chunk[0] for chunk in buf) >= limit:
            need = limit
            dispatch_h = buf[0][1]
            while need:
                take = min(need, buf[0][0])
                buf[0][0] -= take
                need -= take
                if buf[0][0] == 0:
                    buf.pop(0)
            n = self.child_count.get(tr.service.id, 0) + 1
            self.child_count[tr.service.id] = n
            child = Train(id=f"{tr.service.id}-r{n:04d}", service=tr.service, containers=limit,
                          teu=limit * self.teu_per_container, dispatch_h=dispatch_h,
                          segment=tr.segment, node=tr.node)
            self.trains[child.id] = child
            self._rec(child, "reform_out", child.node)
            self.env.process(self._train(child))

    # ------------------------------------------------------------------ accounting
    def end_state(self) -> EndState:
        """TEU by state at the end; raises :class:`InvariantError` when dispatched TEU
        differ from delivered + in transit + waiting + held + buffered."""
        by_state = {"waiting": 0.0, "held": 0.0}
        in_transit = 0.0
        for tr in self.trains.values():
            if tr.state in by_state:
                by_state[tr.state] += tr.teu
            else:
                in_transit += tr.teu
        waiting, held = by_state["waiting"], by_state["held"]
        buffered = sum(c[0] for buf in self.buffers.values() for c in buf) * self.teu_per_container
        total = self.delivered_teu + in_transit + waiting + held + buffered
        if abs(total - self.dispatched_teu) > 1e-6 * max(1.0, self.dispatched_teu):
            raise InvariantError(
                f"TEU not conserved: dispatched {self.dispatched_teu:.3f} ≠ delivered "
                f"{self.delivered_teu:.3f} + in transit {in_transit:.3f} + waiting "
                f"{waiting:.3f} + held {held:.3f} + buffered {buffered:.3f}")
        return EndState(dispatched_teu=self.dispatched_teu, delivered_teu=self.delivered_teu,
                        in_transit_teu=in_transit, waiting_at_crossings_teu=waiting,
                        held_teu=held, in_buffers_teu=buffered,
                        trains_dispatched=self.trains_dispatched,
                        trains_delivered=self.trains_delivered)
