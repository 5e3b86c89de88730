"""End-of-run accounting: TEU by state (conservation), and each corridor's load
against its limiting element.

The limiting element of a corridor in one direction is the element on its routes
whose capacity binds: the largest ratio of load (trains/day of every service using
it) to capacity over the run. Capacities are static (deterministic service rates, the
stability bound of queueing theory; Kleinrock, *Queueing Systems* vol. 1, 1975, §2),
scaled by the time average of the element's disruption windows over the run:

* a crossing side: the smallest of its stages — receiving yard (tracks × open hours /
  mean dwell), border control (teams × open hours / mean clearance), transshipment
  (tracks × open hours / transshipment time of the trains using it) and the agreed
  acceptance cap (trains/day); a zero service time makes its stage unlimited;
* a line section: trains/day per direction; single track: 2 × its train pairs/day,
  shared by both directions;
* a ferry: sailings/day × containers per sailing / containers per train.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from landbridge.network.capacity import ferry_background_wagons_per_day
from landbridge.network.model import BorderCrossing
from landbridge.simulation.kinds import SegmentKind, TrainState
from landbridge.simulation.line import section_key
from landbridge.simulation.reformation import ReformationStat
from landbridge.simulation.segments import ferry_containers_per_sailing

if TYPE_CHECKING:  # pragma: no cover
    from landbridge.simulation.corridor import CorridorModel

__all__ = ["EndState", "CorridorLoad", "side_capacity", "side_stages", "corridor_loads",
           "STAGE_LABELS"]

STAGE_LABELS = {"acceptance": "acceptance", "teams": "border control",
                "transshipment": "transshipment", "yard": "receiving yard"}


@dataclass(frozen=True)
class CorridorLoad:
    """A corridor in one direction against its limiting element.

    ``corridor`` (" > "-joined gauge-break crossings), ``direction``
    (``westbound``/``eastbound``), ``demand_trains_per_day`` (its services' trains
    dispatched per day), the ``limiting_element`` (a label such as
    "Brest–Małaszewicze acceptance"), its ``limiting_id`` and ``limiting_kind``
    (``crossing``, ``line``, ``ferry``), the element's ``load_trains_per_day`` (every
    corridor using it) and ``capacity_trains_per_day`` over the run, ``utilization``
    (load / capacity), ``unshipped_teu`` at its origins at the end, ``delivered_teu``,
    ``overloaded`` (load above capacity) and the ``sentence`` saying so (``None``
    when not overloaded).
    """

    corridor: str
    direction: str
    demand_trains_per_day: float
    limiting_element: str
    limiting_id: str
    limiting_kind: str
    load_trains_per_day: float
    capacity_trains_per_day: float
    utilization: float
    unshipped_teu: float
    delivered_teu: float
    overloaded: bool
    sentence: str | None


@dataclass(frozen=True)
class EndState:
    """TEU accounting at the end of a replication (conservation is checked on it).

    dispatched = delivered + in transit + waiting at crossings and ports + held on the
    way + in re-formation buffers + unshipped at the origin. ``corridors`` and
    ``reformation`` are per-corridor and per-re-formation-point figures;
    ``overload_sentences`` the sentences of the overloaded corridors."""

    dispatched_teu: float
    delivered_teu: float
    in_transit_teu: float
    waiting_at_crossings_teu: float
    held_teu: float
    in_buffers_teu: float
    trains_dispatched: int
    trains_delivered: int
    unshipped_at_origin_teu: float = 0.0
    diverted_trains: int = 0
    diverted_teu: float = 0.0
    diversion_cost_usd: float = 0.0
    corridors: tuple[CorridorLoad, ...] = ()
    reformation: tuple[ReformationStat, ...] = ()
    overload_sentences: tuple[str, ...] = ()


def side_stages(crossing: BorderCrossing, containers: int) -> dict[str, float]:
    """Static capacity in trains/day of each stage of one direction of a rail crossing
    (keys of :data:`STAGE_LABELS`); a zero service time makes its stage unlimited."""
    c = crossing
    hours = c.operating_hours.hours_per_day
    stages: dict[str, float] = {}
    clearance = c.clearance_h.mean() if c.clearance_h is not None else 0.0
    dwell = clearance + c.handover_h.mean()
    t = c.transshipment
    if t is not None:
        dur = t.duration_h(containers)
        dwell += dur
        stages["transshipment"] = t.tracks * hours / dur if dur > 0 else math.inf
    stages["yard"] = (c.receiving_yard_tracks or 1) * hours / dwell if dwell > 0 else math.inf
    stages["teams"] = (c.inspection_teams or 1) * hours / clearance if clearance > 0 else math.inf
    if c.max_trains_per_day is not None:
        stages["acceptance"] = c.max_trains_per_day
    return stages


def side_capacity(crossing: BorderCrossing, containers: int) -> tuple[float, str]:
    """Static capacity of one direction of a rail crossing in trains/day and the name
    of its binding stage (a key of :data:`STAGE_LABELS`)."""
    stages = side_stages(crossing, containers)
    binding = min(stages, key=lambda k: (stages[k], k))
    return stages[binding], binding


def _capacity(model: "CorridorModel", key: tuple, containers: float) -> tuple[str, str, float]:
    """(label, id, trains/day over the run) of element ``key`` for trains of
    ``containers`` boxes on average."""
    net = model.network
    dis = model.disruptions
    horizon_h = model.scenario.horizon_h
    kind = key[0]
    if kind == "crossing":
        # capacity windows scale the agreed cap where there is one, the service rate
        # otherwise; duration windows slow the service stages (as in CrossingSide)
        c = net.crossings[key[1]]
        stages = side_stages(c, max(1, round(containers)))
        capped = c.max_trains_per_day is not None
        for name in stages:
            if name == "acceptance":
                stages[name] *= dis.mean_capacity_factor("crossing", c.id, horizon_h,
                                                         duration=False, direction=key[2])
            else:
                stages[name] *= dis.mean_capacity_factor("crossing", c.id, horizon_h,
                                                         capacity=not capped,
                                                         direction=key[2])
        stage = min(stages, key=lambda k: (stages[k], k))
        return f"{c.name} {STAGE_LABELS[stage]}", c.id, stages[stage]
    link = net.links[key[1]]
    if kind == "ferry":
        per_sailing = ferry_containers_per_sailing(link, model.tpc)
        sailings = (link.sailings_per_week or 0.0) / 7.0
        cap = math.inf if per_sailing is None else max(
            sailings * per_sailing - ferry_background_wagons_per_day(link), 0.0) / max(containers, 1)
        return f"ferry {link.id}", link.id, cap * dis.mean_capacity_factor(
            "link", link.id, horizon_h)
    a, b = net.nodes[link.from_node], net.nodes[link.to_node]
    paths = 2.0 if key[-1] == "both" else 1.0
    cap = paths * (link.capacity_trains_per_day or math.inf) * dis.mean_capacity_factor(
        "link", link.id, horizon_h)
    return f"line {a.name}–{b.name}", link.id, cap


def _elements(model: "CorridorModel", piece) -> list[tuple]:
    net = model.network
    keys: list[tuple] = []
    for seg in piece.segments:
        if seg.kind is SegmentKind.crossing:
            c = net.crossings[seg.crossing]
            keys.append(("crossing", c.id, "a_to_b" if seg.nodes[0] == c.station_a
                         else "b_to_a"))
        elif seg.kind is SegmentKind.ferry:
            keys.append(("ferry", seg.links[0], seg.directions[0]))
        else:
            keys.extend(("line", *section_key(net, lid, d))
                        for lid, d in zip(seg.links, seg.directions)
                        if net.links[lid].capacity_trains_per_day is not None)
    return keys


def corridor_loads(model: "CorridorModel") -> tuple[CorridorLoad, ...]:
    """Each corridor and direction of the scenario's services against its limiting
    element (see the module docstring), with the TEU unshipped at its origins and
    delivered by the end of the run."""
    horizon_h = model.scenario.horizon_h
    days = horizon_h / 24.0
    load: dict[tuple, float] = {}
    boxes: dict[tuple, float] = {}
    order: dict[tuple[str, str], list[tuple]] = {}
    demand: dict[tuple[str, str], float] = {}
    for plan in model.compiled.services:
        sr = model.routes[plan.id]
        n = len(plan.departures_h) + plan.poisson_per_h * horizon_h
        trains_day = n / days if days > 0 else 0.0
        containers_day = trains_day * plan.containers_per_train
        cd = (sr.corridor, sr.direction)
        demand[cd] = demand.get(cd, 0.0) + trains_day
        seen = order.setdefault(cd, [])
        for piece in sr.pieces:
            tpd = containers_day / piece.max_containers
            for key in _elements(model, piece):
                load[key] = load.get(key, 0.0) + tpd
                boxes[key] = boxes.get(key, 0.0) + containers_day
                if key not in seen:
                    seen.append(key)
    meta = {key: _capacity(model, key, boxes[key] / load[key] if load[key] else 1.0)
            for key in load}
    unshipped: dict[tuple[str, str], float] = {}
    for tr in model.trains.values():
        if tr.state is TrainState.unshipped:
            for lot in tr.lots:
                k = (lot.route.corridor, lot.route.direction)
                unshipped[k] = unshipped.get(k, 0.0) + lot.containers * model.tpc
    out = []
    for cd in sorted(order):
        best = None
        for key in order[cd]:
            label, eid, cap = meta[key]
            util = load[key] / cap if cap > 0 else math.inf
            if best is None or util > best[0] + 1e-12:
                best = (util, key, label, eid, cap)
        corridor, direction = cd
        uns = unshipped.get(cd, 0.0)
        delivered = model.delivered_by_corridor.get(cd, 0.0)
        if best is None:  # a route with no capacity-limited element
            out.append(CorridorLoad(corridor, direction, demand[cd], "", "", "", 0.0,
                                    math.inf, 0.0, uns, delivered, False, None))
            continue
        util, key, label, eid, cap = best
        over = util > 1.0 + 1e-9
        sentence = None
        if over:
            shared = abs(load[key] - demand[cd]) > 1e-6
            sentence = (f"{direction.capitalize()} via {corridor or 'a direct route'}: demand "
                        f"{load[key]:.1f} trains/day"
                        f"{' (with the other corridors using it)' if shared else ''} exceeds "
                        f"the capacity of its limiting element, {label}, {cap:.1f} trains/day; "
                        f"{uns:,.0f} TEU unshipped at origins at the end.")
        out.append(CorridorLoad(
            corridor=corridor, direction=direction, demand_trains_per_day=demand[cd],
            limiting_element=label, limiting_id=eid, limiting_kind=key[0],
            load_trains_per_day=load[key], capacity_trains_per_day=cap,
            utilization=util, unshipped_teu=uns, delivered_teu=delivered, overloaded=over,
            sentence=sentence))
    return tuple(out)
