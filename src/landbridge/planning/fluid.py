"""Fluid (deterministic-queue) model of the scenario's own trains on their own routes.

The disruption costing of :mod:`.disruptions` asks what the simulation asks: the
scenario's trains keep the routes their scenario gives them (as the simulator runs
them), a crossing, section or ferry loses capacity for a while, how large does the
backlog grow, how many TEU-days of delay does it cause, and when has it cleared?

This module answers it with the classical fluid approximation of a queue (G. F.
Newell, *Applications of Queueing Theory*, 2nd ed., Chapman & Hall 1982, ch. 2; the
cumulative-curves method of C. F. Daganzo, *Fundamentals of Transportation and Traffic
Operations*, Pergamon 1997, ch. 2): traffic is a continuous flow; an element passes
at most its capacity ``c(t)`` (TEU/h) and stores the rest. On a grid of ``dt`` hours
the queue follows Lindley's recursion ``q_n = max(0, q_{n−1} + a_n − c_n dt)``
(D. V. Lindley, *Proc. Camb. Phil. Soc.* 48, 1952), evaluated in closed form as the
reflection ``q_n = X_n − min(0, min_{k≤n} X_k)`` of ``X_n = Σ_{k≤n} (a_k − c_k dt)``.
Cumulative departures are ``D = A − q``; the time-in-queue of the fluid is the
horizontal distance between ``A`` and ``D`` and its integral ``∫ q dt`` is the total
delay (TEU-hours).

For a single element with arrival rate ``λ`` and capacity ``μ > λ`` closed for ``W``
days the model gives the textbook figures: peak backlog ``λ W`` at the end of the
closure, cleared ``W λ / (μ − λ)`` days after it reopens, delay ``λ W (W + T) / 2``
TEU-days with ``T`` that clearance time (the triangle between the curves).

**Network.** Every train of every compiled service (or a Poisson service at its mean
rate) enters the first element of its route at its departure time plus the free-flow
time to it (running times, and at each crossing passed before its mean dwell). An
element's departures are split among the services in it first in, first out (the
departing fluid is what arrived when the cumulative arrivals reached today's cumulative
departures) and reach the service's next element after the free-flow time between
them. Elements are processed in the order the routes pass them (a topological order),
so a queue upstream delays arrivals downstream and a binding element downstream holds
the flow behind it; the total backlog is the sum of the queues (the simulator holds the
same TEU upstream, at its origins, when the queue room runs out).

**Capacity** follows the simulator's rules (:mod:`landbridge.simulation.crossing`):
a rail crossing passes ``min(stages / duration factor, agreed cap × capacity factor)``
trains a day, the stages being the static capacities of
:func:`landbridge.network.capacity.crossing_capacity` (yard, teams, transshipment) and
the cap its ``max_trains_per_day``; a crossing without a cap passes ``stages ×
capacity factor / duration factor`` (its service times divided by the capacity
factor); a rail section passes ``capacity_trains_per_day`` per direction × its
``capacity_scale`` (single track: ``capacity_trains_per_day`` counts train pairs, as
:mod:`landbridge.simulation.line` reads it, and the two directions share the 2 × pairs
paths in proportion to their trains, a static split of what the simulator's trains
contend for one by one); a
ferry its sailings × capacity per sailing (TEU) × the year's share of sailings weather
leaves (:func:`~landbridge.network.capacity.ferry_weather_availability`) ×
``capacity_scale``; a closure passes
nothing, a closed node closes every element at it. Train capacities become TEU at the TEU-weighted mean train
of the services using the element. Road posts carry the scenario's ``road_flows``
(trucks/day × TEU per truck) against lanes and daily caps, as the simulator's road model.

**What the fluid model cannot show** (so the simulation's figures differ by
construction): service times have no randomness, so an element below capacity never
queues (no waiting when utilisation < 1; the simulator's queues then come from random
clearance times and bunched arrivals); a slower service (``duration_scale``) only
lengthens the transit where it leaves capacity above the load; operating hours are
averaged over the day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import Sequence

import numpy as np

from landbridge.network.capacity import (
    crossing_capacity,
    ferry_capacity_teu_per_day,
    ferry_weather_availability,
)
from landbridge.network.model import Mode, Network
from landbridge.scenario.compile import CompiledScenario, ServicePlan, WindowEffect

__all__ = ["FluidQueue", "FluidRun", "FluidBacklog", "fluid_queue", "run_fluid",
           "fluid_backlog", "DT_H"]

DT_H = 1.0
"""Grid step of the fluid model, hours."""

ElementKey = tuple[str, str, str]  # (element_type, element id, direction)


@dataclass(frozen=True)
class FluidQueue:
    """One fluid queue on a grid of ``dt_h`` hours: ``queue`` (TEU at the end of each
    step) and ``departures`` (TEU leaving in each step)."""

    queue: np.ndarray
    departures: np.ndarray


def fluid_queue(arrivals: np.ndarray, capacity: np.ndarray) -> FluidQueue:
    """Lindley's recursion ``q_n = max(0, q_{n−1} + a_n − c_n)`` in closed form.

    Parameters
    ----------
    arrivals : ndarray
        TEU arriving in each step (≥ 0).
    capacity : ndarray
        TEU the element can pass in each step (≥ 0), same length.

    Returns
    -------
    FluidQueue

    Raises
    ------
    ValueError
        When the arrays differ in length or hold negative values.
    """
    a = np.asarray(arrivals, dtype=float)
    c = np.asarray(capacity, dtype=float)
    if a.shape != c.shape or a.ndim != 1:
        raise ValueError(f"arrivals and capacity must be 1-d arrays of one length, got "
                         f"{a.shape} and {c.shape}")
    if (a < 0).any() or (c < 0).any():
        raise ValueError("arrivals and capacity must be non-negative")
    x = np.cumsum(a - c)
    q = x - np.minimum(np.minimum.accumulate(x), 0.0)
    q[q < 1e-9 * max(1.0, float(a.sum()))] = 0.0
    prev = np.concatenate(([0.0], q[:-1]))
    return FluidQueue(q, np.clip(a + prev - q, 0.0, None))


@dataclass(frozen=True)
class _Visit:
    """Service ``service`` reaches element ``key`` ``offset_h`` hours after leaving
    its origin (free flow) and the next element ``to_next_h`` hours after leaving this
    one's queue (None: the last one)."""

    service: int
    key: ElementKey
    offset_h: float


@dataclass(frozen=True)
class FluidRun:
    """The fluid model of one set of disruption windows: per element its queue (TEU,
    end of each step of ``dt_h`` hours) and label."""

    dt_h: float
    queues: dict[ElementKey, np.ndarray]
    labels: dict[ElementKey, str]
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    """Per element: (windows acting on it, arrivals per service, departures per service,
    both as sparse streams), so that a run of a variant reuses what the variant does not
    change."""

    def total(self) -> np.ndarray:
        """Sum of every element's queue, TEU per step."""
        n = len(next(iter(self.queues.values()))) if self.queues else 0
        out = np.zeros(n)
        for q in self.queues.values():
            out += q
        return out


@dataclass(frozen=True)
class FluidBacklog:
    """Backlog caused by one disruption: the fluid run with it minus the run without
    (the other disruptions in both), as the simulation check compares.

    ``peak_backlog_teu`` the largest extra TEU queued (all elements together) and
    ``peak_day`` when (days from the scenario start); ``delay_teu_days`` the extra
    TEU-days spent queuing; ``cleared_day`` the first day after the window's end
    when the extra backlog is gone (None: not within the scenario's horizon);
    ``binding`` the label of the element whose queue grows most; ``by_element`` its
    peak extra queue per element label (TEU, only those above 0)."""

    peak_backlog_teu: float
    peak_day: float | None
    delay_teu_days: float
    cleared_day: float | None
    binding: str | None
    by_element: dict[str, float] = field(default_factory=dict)


# ----------------------------------------------------------------------------- model

def _factor(windows: Sequence[WindowEffect], kind: str, targets: set[tuple[str, str]],
            n: int, dt: float, direction: str | None = None) -> np.ndarray:
    """Product of the ``kind`` factors of the windows on any of ``targets`` per step
    (a closure: 0), evaluated at each step's start as the simulator evaluates
    ``factor(t)``; a window for one side of a crossing counts only when ``direction``
    is that side."""
    f = np.ones(n)
    t = np.arange(n) * dt
    for w in windows:
        if (w.target_type, w.target) not in targets:
            continue
        if w.direction is not None and w.direction != direction:
            continue
        on = (t >= w.start_h) & (t < w.end_h)
        if w.kind == "closure" and kind == "capacity_scale":
            f[on] = 0.0
        elif w.kind == kind:
            f[on] *= w.factor
    return f


def _visits(compiled: CompiledScenario) -> list[list[_Visit]]:
    """The capacity-limited elements each service passes, in order, with free-flow
    offsets from its departure (Python floats: a dwell may come as a numpy scalar, whose
    rounding is slow)."""
    net = compiled.network
    out: list[list[_Visit]] = []
    for si, svc in enumerate(compiled.services):
        t = 0.0
        visits: list[_Visit] = []
        for leg in svc.route.legs:
            link = net.links[leg.link]
            c = net.crossing_on_link(link.id)
            if c is not None and c.mode == "rail":
                d = "a_to_b" if leg.from_node == c.station_a else "b_to_a"
                visits.append(_Visit(si, ("crossing", c.id, d), float(t)))
                t += c.mean_dwell_h(svc.containers_per_train)
            elif link.mode is Mode.rail and link.capacity_trains_per_day:
                d = "fwd" if leg.from_node == link.from_node else "rev"
                visits.append(_Visit(si, ("section", link.id, d), float(t)))
            elif link.mode is Mode.ferry and ferry_capacity_teu_per_day(link) is not None:
                d = "fwd" if leg.from_node == link.from_node else "rev"
                visits.append(_Visit(si, ("ferry", link.id, d), float(t)))
            t += link.base_running_time_h
        out.append(visits)
    return out


def _targets(net: Network, key: ElementKey) -> set[tuple[str, str]]:
    """Disruption targets (target_type, id) that act on element ``key``."""
    etype, eid, _ = key
    if etype in ("crossing", "road_post"):
        c = net.crossings[eid]
        return {("crossing", eid), ("link", c.link), ("node", c.station_a),
                ("node", c.station_b)}
    link = net.links[eid]
    return {("link", eid), ("node", link.from_node), ("node", link.to_node)}


def _capacity_teu_per_h(net: Network, key: ElementKey, windows: Sequence[WindowEffect],
                        n: int, dt: float, containers: int, teu_per_train: float
                        ) -> np.ndarray:
    """Capacity of element ``key`` per step (TEU/h) under ``windows``."""
    etype, eid, direction = key
    tg = _targets(net, key)
    scale = _factor(windows, "capacity_scale", tg, n, dt, direction)
    if etype == "crossing":
        c = net.crossings[eid]
        st = crossing_capacity(c, containers, teu_per_train / containers).stages
        stages = min(v for k, v in st.items() if k != "max trains/day")
        dur = _factor(windows, "duration_scale", {("crossing", eid)}, n, dt, direction)
        cap = c.max_trains_per_day
        if cap is None:  # service rate scaled: every service time ÷ factor
            trains = stages * scale / dur
        else:            # the agreed cap scaled
            trains = np.minimum(stages / dur, cap * scale)
        return trains * teu_per_train / 24.0
    if etype == "road_post":
        st = crossing_capacity(net.crossings[eid]).stages  # trucks/day: lanes, daily cap
        dur = _factor(windows, "duration_scale", {("crossing", eid)}, n, dt, direction)
        trucks = np.minimum(st["lanes"] / dur, st.get("max trucks/day", math.inf))
        return trucks * scale * teu_per_train / 24.0
    link = net.links[eid]
    if etype == "section":
        return link.capacity_trains_per_day * scale * teu_per_train / 24.0
    return (ferry_capacity_teu_per_day(link, teu_per_container_of(containers, teu_per_train))
            * ferry_weather_availability(link) * scale / 24.0)


def teu_per_container_of(containers: int, teu_per_train: float) -> float:
    """TEU per box of a train of ``containers`` boxes and ``teu_per_train`` TEU."""
    return teu_per_train / containers if containers else 2.0


def _label(net: Network, key: ElementKey) -> str:
    etype, eid, d = key
    if etype in ("crossing", "road_post"):
        c = net.crossings[eid]
        a, b = (c.station_a, c.station_b) if d == "a_to_b" else (c.station_b, c.station_a)
        return f"{c.name} ({a}→{b})"
    link = net.links[eid]
    a, b = (link.from_node, link.to_node) if d != "rev" else (link.to_node, link.from_node)
    name = f"{net.nodes[link.from_node].name}–{net.nodes[link.to_node].name}"
    return f"{name} ({a}→{b})"


def _origin_arrivals(svc: ServicePlan, n: int, dt: float, horizon_h: float) -> np.ndarray:
    a = np.zeros(n)
    if svc.departures_h:
        idx = (np.asarray(svc.departures_h) // dt).astype(int)
        idx = idx[idx < n]
        np.add.at(a, idx, svc.teu_per_train)
    elif svc.poisson_per_h > 0:
        m = min(n, int(round(horizon_h / dt)))
        a[:m] = svc.poisson_per_h * svc.teu_per_train * dt
    return a


_Stream = tuple  # (steps: sorted distinct step indices, teu: TEU arriving in each)
"""A service's arrivals at an element (TEU per step of the grid), kept sparse: its trains
arrive in a few steps of the grid, so a year's hourly series is mostly zeros (the series
is ``x = zeros(n); x[steps] = teu``)."""

_EMPTY: _Stream = (np.zeros(0, dtype=np.intp), np.zeros(0))


def _sparse(x: np.ndarray) -> _Stream:
    """The steps of ``x`` that are not zero, and their values."""
    idx = np.flatnonzero(x)
    return (idx, x[idx])


def _delay(s: _Stream, hours: float, dt: float, n: int) -> _Stream:
    """Stream ``s`` delayed by ``hours`` rounded to the grid (none if that is ≤ 0); what
    falls past step ``n`` is dropped."""
    k = int(round(hours / dt))
    if k <= 0:
        return s
    idx, v = s
    if not len(idx) or idx[-1] < n - k:
        return (idx + k, v)
    cut = int(np.searchsorted(idx, n - k))
    return (idx[:cut] + k, v[:cut])


def _same(x: _Stream, y: _Stream) -> bool:
    return x is y or (np.array_equal(x[0], y[0]) and np.array_equal(x[1], y[1]))


def _order(visits: list[list[_Visit]]) -> tuple[list[ElementKey], bool]:
    """Elements in route order (topological) and True; on a cycle (two services passing
    two elements in opposite orders), by the mean free-flow offset at which they are
    reached and False (:func:`run_fluid` then repeats its pass until nothing changes)."""
    ts: TopologicalSorter = TopologicalSorter()
    offs: dict[ElementKey, list[float]] = {}
    for vs in visits:
        for i, v in enumerate(vs):
            offs.setdefault(v.key, []).append(v.offset_h)
            ts.add(v.key, *([vs[i - 1].key] if i else []))
    try:
        return list(ts.static_order()), True
    except CycleError:
        return sorted(offs, key=lambda k: (sum(offs[k]) / len(offs[k]), k)), False


def _static(compiled: CompiledScenario, dt_h: float):
    """What does not depend on the windows: visits, grid length, TEU-weighted train
    mix per element (TEU, TEU × boxes, TEU × TEU per train), slots per element, order."""
    sc = compiled.scenario
    visits = _visits(compiled)
    longest = max((s.route.min_transit_time_h for s in compiled.services), default=0.0)
    horizon_h = sc.horizon_h
    n = int(math.ceil((horizon_h + 2 * longest + 24.0) / dt_h))
    # TEU-weighted mean train of each element (its capacity in TEU)
    weight: dict[ElementKey, list[float]] = {}
    for vs in visits:
        for v in vs:
            s = compiled.services[v.service]
            w = weight.setdefault(v.key, [0.0, 0.0, 0.0])
            rate = len(s.departures_h) or s.poisson_per_h * horizon_h
            w[0] += rate * s.teu_per_train
            w[1] += rate * s.teu_per_train * s.containers_per_train
            w[2] += rate * s.teu_per_train * s.teu_per_train
    by_key: dict[ElementKey, list[tuple[int, int]]] = {}
    for si, vs in enumerate(visits):
        for i, v in enumerate(vs):
            by_key.setdefault(v.key, []).append((si, i))
    net = compiled.network
    order, acyclic = _order(visits)
    # single track: the directions share the paths in proportion to their trains
    trains: dict[ElementKey, float] = {}
    for si, vs in enumerate(visits):
        s = compiled.services[si]
        rate = len(s.departures_h) or s.poisson_per_h * horizon_h
        for v in vs:
            trains[v.key] = trains.get(v.key, 0.0) + rate
    share: dict[ElementKey, float] = {}
    for key in order:
        etype, eid, d = key
        if etype == "section" and net.links[eid].tracks == 1:
            other = trains.get((etype, eid, "rev" if d == "fwd" else "fwd"), 0.0)
            # capacity_trains_per_day counts train pairs there: 2 × it in all
            share[key] = 2.0 * (trains[key] / (trains[key] + other) if trains[key] > 0 else 1.0)
    meta = {key: (_targets(net, key), _label(net, key), share.get(key, 1.0)) for key in order}
    return visits, n, weight, by_key, order, meta, acyclic


_MAX_PASSES = 20
"""Passes over the elements when the routes pass some in opposite orders (a cycle)."""


def _pass(compiled, order, by_key, weight, meta, visits, wins, arrivals, queues, labels,
          memo, old_memo, reuse, n, dt_h) -> bool:
    """One pass over the elements in ``order``; True if any arrivals changed (an
    element's input missing in this pass is the previous pass's, or none).

    Each service's arrivals are kept as a sparse :data:`_Stream`; an element's own
    series (its arrivals, capacity and queue, and a queued element's cumulative
    curves) are built on the grid while it is computed, and only its queue is kept
    (one shared series of zeros for the elements that never queue)."""
    sc = compiled.scenario
    net = compiled.network
    changed = False
    zeros = np.zeros(n)
    zeros.flags.writeable = False
    for key in order:
        slots = by_key[key]
        w = weight[key]
        mean_teu = w[2] / w[0] if w[0] > 0 else sc.train.teu_per_train
        mean_cont = max(1, int(round(w[1] / w[0]))) if w[0] > 0 else \
            sc.train.containers(sc.train.teu_per_train)
        per_slot = [arrivals.get(sl, _EMPTY) for sl in slots]
        tg, labels[key], share = meta[key]
        own = tuple(w for w in wins if (w.target_type, w.target) in tg)
        old = old_memo.get(key)
        # the same streams (not merely equal ones): inputs come from the reused run
        if old is not None and old[0] == own and all(
                x is y for x, y in zip(old[1], per_slot)):
            queues[key] = reuse.queues[key]
            memo[key] = old
            for (si, i), dep in zip(slots, old[2]):
                if dep is not None:
                    changed = changed or arrivals.get((si, i + 1)) is not dep
                    arrivals[(si, i + 1)] = dep
            continue
        cap = _capacity_teu_per_h(net, key, own, n, dt_h, mean_cont, mean_teu) * dt_h * share
        # the element's arrivals, added in slot order (a sum of the dense series: the
        # steps a stream leaves out would add 0.0)
        a = np.zeros(n)
        for idx, v in per_slot:
            a[idx] += v
        fq = fluid_queue(a, cap)
        # FIFO split: the fluid leaving by the end of step m arrived when the element's
        # cumulative arrivals reached its cumulative departures
        # (no queue ever: each service leaves as it came)
        queued = bool(fq.queue.any())
        queues[key] = fq.queue if queued else zeros
        if queued:
            a_cum = np.concatenate(([0.0], np.cumsum(a)))
            d_cum = a_cum[1:] - fq.queue
            xp = a_cum + np.arange(n + 1) * 1e-9  # strictly increasing for interp
        del a, fq, cap
        deps: list[_Stream | None] = []
        for (si, i), a_s in zip(slots, per_slot):
            vs = visits[si]
            if i + 1 >= len(vs):
                deps.append(None)
                continue
            dep = a_s
            if queued and len(a_s[0]):
                s_cum = np.zeros(n + 1)
                s_cum[a_s[0] + 1] = a_s[1]
                np.cumsum(s_cum, out=s_cum)
                f = np.interp(d_cum, xp, s_cum)
                x = np.empty(n)
                x[0] = f[0]
                np.subtract(f[1:], f[:-1], out=x[1:])
                x[x < 0] = 0.0
                dep = _sparse(x)
            nxt = _delay(dep, vs[i + 1].offset_h - vs[i].offset_h, dt_h, n)
            if old is not None and old[2][len(deps)] is not None and \
                    _same(old[2][len(deps)], nxt):
                nxt = old[2][len(deps)]  # unchanged: downstream can be reused
            prev = arrivals.get((si, i + 1))
            if prev is None or not _same(prev, nxt):
                changed = True
            arrivals[(si, i + 1)] = nxt
            deps.append(nxt)
        memo[key] = (own, per_slot, deps)
    return changed


def run_fluid(compiled: CompiledScenario, windows: Sequence[WindowEffect] | None = None,
              dt_h: float = DT_H, reuse: FluidRun | None = None) -> FluidRun:
    """The fluid model of ``compiled`` under ``windows`` (default: its own).

    The grid runs from the scenario start over the horizon plus the longest free-flow
    transit, so that every train dispatched in the horizon is followed to its
    destination.

    Parameters
    ----------
    compiled : CompiledScenario
    windows : sequence of WindowEffect, optional
    dt_h : float
        Grid step, hours (> 0).
    reuse : FluidRun, optional
        A run of the same scenario and grid (e.g. with every window): an element whose
        windows and arrivals are the same there is not recomputed (a pure saving: the
        result is the same with or without it).

    Returns
    -------
    FluidRun

    Raises
    ------
    ValueError
        When ``dt_h`` is not positive.
    """
    if not dt_h > 0:
        raise ValueError(f"dt_h must be positive, got {dt_h}")
    net = compiled.network
    sc = compiled.scenario
    wins = compiled.windows if windows is None else tuple(windows)
    old_memo = reuse.memo if reuse is not None and reuse.dt_h == dt_h else {}
    static = old_memo.get("static")
    if static is None:
        static = _static(compiled, dt_h)
    visits, n, weight, by_key, order, meta, acyclic = static
    horizon_h = sc.horizon_h
    memo: dict = {"static": static}
    arrivals: dict[tuple[int, int], _Stream] = {}
    for si, vs in enumerate(visits):
        if vs:
            a0 = old_memo.get(("origin", si))
            if a0 is None:
                a0 = _delay(_sparse(_origin_arrivals(compiled.services[si], n, dt_h,
                                                     horizon_h)), vs[0].offset_h, dt_h, n)
            arrivals[(si, 0)] = memo[("origin", si)] = a0
    queues: dict[ElementKey, np.ndarray] = {}
    labels: dict[ElementKey, str] = {}
    for _ in range(1 if acyclic else _MAX_PASSES):
        if not _pass(compiled, order, by_key, weight, meta, visits, wins, arrivals, queues,
                     labels, memo, old_memo, reuse, n, dt_h):
            break

    # road posts: the scenario's road flows, each post and direction on its own
    flows: dict[ElementKey, list[float]] = {}
    for f in sc.road_flows:
        key = ("road_post", f.crossing, f.direction)
        fl = flows.setdefault(key, [0.0, 0.0])
        fl[0] += f.trucks_per_day * f.teu_per_truck
        fl[1] += f.trucks_per_day
    m = min(n, int(round(horizon_h / dt_h)))
    for key, (teu_d, trucks_d) in sorted(flows.items()):
        a = np.zeros(n)
        a[:m] = teu_d / 24.0 * dt_h
        cap = _capacity_teu_per_h(net, key, wins, n, dt_h, 1, teu_d / trucks_d) * dt_h
        queues[key] = fluid_queue(a, cap).queue
        labels[key] = _label(net, key)
    return FluidRun(dt_h, queues, labels, memo)


def fluid_backlog(with_: FluidRun, without: FluidRun, end_h: float, horizon_h: float,
                  tolerance_teu: float | None = None) -> FluidBacklog:
    """The backlog one disruption causes: ``with_`` minus ``without`` (the same model
    with and without the disruption's window), over the horizon.

    It has cleared at the first step at or after ``end_h`` (the window's end) and after
    its peak when the extra backlog is at most ``tolerance_teu`` (default 0.1 % of the
    peak: the fluid model is deterministic, only rounding remains), before
    ``horizon_h``; else (and for a window lasting to the horizon) ``cleared_day`` is
    None.
    """
    dt = with_.dt_h
    extra = with_.total() - without.total()
    extra[extra < 0] = 0.0
    n_h = min(len(extra), int(math.ceil(horizon_h / dt)))
    e = extra[:n_h]
    peak = float(e.max()) if len(e) else 0.0
    delay = float(e.sum() * dt / 24.0)
    if peak <= 1e-6:
        return FluidBacklog(0.0, None, 0.0, None, None, {})
    tol = 1e-3 * peak if tolerance_teu is None else tolerance_teu
    i_peak = int(e.argmax())
    start = max(int(math.ceil(end_h / dt)) - 1, i_peak)
    after = np.flatnonzero(e[start:] <= tol) if end_h < horizon_h else np.zeros(0)
    cleared = (start + int(after[0]) + 1) * dt / 24.0 if len(after) else None
    by = {}
    for key, q in with_.queues.items():
        d = q[:n_h] - without.queues.get(key, np.zeros_like(q))[:n_h]
        if d.max() > 1e-3 * peak:
            by[with_.labels[key]] = float(d.max())
    binding = max(by, key=lambda k: (by[k], k)) if by else None
    return FluidBacklog(peak, (i_peak + 1) * dt / 24.0, delay, cleared, binding,
                        dict(sorted(by.items(), key=lambda kv: -kv[1])))
