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

Load and capacity are *scheduled* figures over the whole horizon, warm-up included (the
services' timetabled trains per calendar day, in full-length train equivalents, against
the time-averaged capacity): the same in every replication. A corridor whose average
load fits can still build a backlog while a measure cuts its element below the load
(:func:`backlog_summary` says how much remained held at the end).
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
           "STAGE_LABELS", "backlog_summary"]

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
    ``overloaded`` (load above capacity) and the ``sentence`` saying so, or saying
    that a backlog built up although the average load fits (``None`` when neither);
    ``capacity_note`` says how the capacity was averaged when a measure (disruption)
    changed it ("time-averaged over the run incl. alashankou-2021 × 0.51 from
    2021-08-01 to 2021-11-01; 10.7 trains/day without it"), empty otherwise.
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
    capacity_note: str = ""


@dataclass(frozen=True)
class EndState:
    """TEU accounting at the end of a replication (conservation is checked on it).

    dispatched = delivered + in transit + waiting at crossings and ports + held on the
    way + in re-formation buffers + unshipped at the origin. ``corridors`` and
    ``reformation`` are per-corridor and per-re-formation-point figures;
    ``overload_sentences`` the corridors' sentences (overloaded, or backlogged although
    the average load fits)."""

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


_ALL_KINDS = frozenset({"closure", "capacity_scale", "duration_scale"})


def _measures(model: "CorridorModel", key: tuple, kinds=_ALL_KINDS) -> list[str]:
    """The scenario's disruptions of ``kinds`` on element ``key`` inside the horizon,
    as "id × factor from start to end" (the id, else the kind)."""
    sc = model.scenario
    net = model.network
    if key[0] == "crossing":
        c = net.crossings[key[1]]
        targets, side = {c.id, c.station_a, c.station_b}, key[2]
    else:
        link = net.links[key[1]]
        targets, side = {link.id}, None
    out = []
    for d in getattr(sc, "disruptions", ()):
        if (getattr(d, "target", None) not in targets or not hasattr(d, "window")
                or d.kind not in kinds):
            continue
        if side is not None and getattr(d, "direction", None) not in (None, side):
            continue
        s_h, e_h = d.window.hours(sc.start_date)
        if e_h <= 0 or s_h >= sc.horizon_h:
            continue
        name = d.id or d.kind.replace("_", " ")
        f = "" if d.kind == "closure" else f" × {d.factor:g}"
        what = " closure" if d.kind == "closure" and d.id else ""
        out.append(f"{name}{what}{f} from {_date(sc, s_h)} to {_date(sc, e_h)}")
    return out


def _date(sc, h: float) -> str:
    from datetime import date, timedelta

    d0 = sc.start_date if isinstance(sc.start_date, date) else date.fromisoformat(
        str(sc.start_date))
    return (d0 + timedelta(hours=h)).isoformat()[:10]


def _capacity(model: "CorridorModel", key: tuple, containers: float
              ) -> tuple[str, str, float, float, frozenset]:
    """(label, id, trains/day over the run, trains/day without the scenario's
    disruption windows, the disruption kinds that change it) of element ``key`` for
    trains of ``containers`` boxes on average."""
    net = model.network
    dis = model.disruptions
    horizon_h = model.scenario.horizon_h
    kind = key[0]
    if kind == "crossing":
        # capacity windows scale the agreed cap where there is one, the service rate
        # otherwise; duration windows slow the service stages (as in CrossingSide)
        c = net.crossings[key[1]]
        stages = side_stages(c, max(1, round(containers)))
        static = dict(stages)
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
        kinds = ({"closure", "capacity_scale"} if stage == "acceptance" else
                 {"closure", "duration_scale"} | (set() if capped else {"capacity_scale"}))
        return (f"{c.name} {STAGE_LABELS[stage]}", c.id, stages[stage], static[stage],
                frozenset(kinds))
    link = net.links[key[1]]
    if kind == "ferry":
        per_sailing = ferry_containers_per_sailing(link, model.tpc)
        sailings = (link.sailings_per_week or 0.0) / 7.0
        cap = math.inf if per_sailing is None else max(
            sailings * per_sailing - ferry_background_wagons_per_day(link), 0.0) / max(containers, 1)
        return f"ferry {link.id}", link.id, cap * dis.mean_capacity_factor(
            "link", link.id, horizon_h), cap, _ALL_KINDS
    a, b = net.nodes[link.from_node], net.nodes[link.to_node]
    paths = 2.0 if key[-1] == "both" else 1.0
    static = paths * (link.capacity_trains_per_day or math.inf)
    cap = static * dis.mean_capacity_factor("link", link.id, horizon_h)
    return f"line {a.name}–{b.name}", link.id, cap, static, _ALL_KINDS


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
            label, eid, cap, _, _ = meta[key]
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
        measures = _measures(model, key, meta[key][4])
        note = ""
        if measures or abs(cap - meta[key][3]) > 1e-9 * max(1.0, cap):
            note = ("time-averaged over the run"
                    + (f" incl. {'; '.join(measures)}" if measures else "")
                    + (f"; {meta[key][3]:.1f} trains/day without "
                       f"{'it' if len(measures) == 1 else 'them'}"
                       if math.isfinite(meta[key][3]) else ""))
        capn = f"{cap:.1f} trains/day" + (f" ({note})" if note else "")
        shared = abs(load[key] - demand[cd]) > 1e-6
        with_others = " (with the other corridors using it)" if shared else ""
        sentence = None
        if over:
            sentence = (f"{direction.capitalize()} via {corridor or 'a direct route'}: "
                        f"scheduled demand {load[key]:.1f} trains/day{with_others} exceeds "
                        f"the capacity of its limiting element, {label}, {capn}; "
                        f"{uns:,.0f} TEU unshipped at origins at the end.")
        elif uns > 0.5:
            sentence = (f"{direction.capitalize()} via {corridor or 'a direct route'}: "
                        f"{uns:,.0f} TEU unshipped at origins at the end although its "
                        f"scheduled demand, {load[key]:.1f} trains/day{with_others}, fits "
                        f"its limiting element, {label}, {capn}, on average: a backlog "
                        f"built up while the load was above the capacity available.")
        out.append(CorridorLoad(
            corridor=corridor, direction=direction, demand_trains_per_day=demand[cd],
            limiting_element=label, limiting_id=eid, limiting_kind=key[0],
            load_trains_per_day=load[key], capacity_trains_per_day=cap,
            utilization=util, unshipped_teu=uns, delivered_teu=delivered, overloaded=over,
            sentence=sentence, capacity_note=note))
    return tuple(out)


def backlog_summary(held_teu: float | None, rows) -> str | None:
    """One sentence saying that a backlog built up and how much remained held at the
    end, and behind which limiting element (and measure) most of it waited.

    Parameters
    ----------
    held_teu : float or None
        TEU held upstream at the end (held on the way + unshipped at the origins; the
        ``run`` KPI table's ``held_teu``).
    rows : iterable of mapping
        ``corridor_load`` KPI rows (``corridor``, ``direction``, ``limiting_element``,
        ``unshipped_teu``, ``overloaded``, optional ``capacity_trains_per_day``,
        ``capacity_note``); a corridor and direction counts once.

    Returns
    -------
    str or None
        None when nothing (under half a TEU) was held at the end.
    """
    if held_teu is None or not held_teu >= 0.5:
        return None
    seen, by_el = set(), {}
    any_over = False
    for r in rows:
        k = (r.get("corridor"), r.get("direction"))
        if k in seen:
            continue
        seen.add(k)
        any_over = any_over or (r.get("overloaded") or 0) >= 0.5
        uns = float(r.get("unshipped_teu") or 0.0)
        el = r.get("limiting_element") or ""
        if uns >= 0.5 and el:
            e = by_el.setdefault((el, r.get("direction") or ""), [0.0, r])
            e[0] += uns
    head = ("A backlog built up" if any_over else
            "No corridor is overloaded on average, but a backlog built up")
    text = f"{head}: {held_teu:,.0f} TEU were still held upstream at the end"
    if by_el:
        (el, direction), (uns, r) = max(by_el.items(), key=lambda kv: (kv[1][0], kv[0]))
        cap = r.get("capacity_trains_per_day")
        note = r.get("capacity_note") or ""
        capn = "" if cap is None or not math.isfinite(float(cap)) else (
            f", {float(cap):.1f} trains/day" + (f" {note}" if note else ""))
        text += (f", {uns:,.0f} TEU of them unshipped at the origins of {direction} "
                 f"corridors limited by {el}{capn}")
    return text + "."
