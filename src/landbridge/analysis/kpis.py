"""KPIs from event logs, and their confidence intervals over replications.

All KPIs are measured over the statistics window ``[warmup_h, horizon_h)``: transit
times of trains *dispatched* in it, crossing throughput of trains *accepted* (yard_in)
in it, waits of trains *arriving* in it. Table names, columns, units and dtypes are
declared once in :mod:`landbridge.analysis.schema`.

Definitions
-----------
transit time
    deliver time − ``dispatch_h`` of each ``deliver`` row, in days. A row is one
    delivered train or, when trains carry several consignments (lots), one lot; the
    statistics are over rows (each lot counts once, whatever its TEU).
trains (transit tables)
    distinct train ids among a group's ``deliver`` rows: a train that carries several
    lots after consolidation counts once, and once in each pair, service or corridor
    whose lots it carries (so the rows of a table may add up to more than the trains
    delivered).
diversions
    the ``divert`` rows (a train held at its origin and sent to another corridor by the
    scenario's ``rerouting`` policy), over the whole horizon like the ``run`` table: the
    corridor left is that of the train's row just before (its ``held`` row, logged
    before the diversion relabels the train), the corridor taken that of the ``divert``
    row; the direction is the service's (:func:`~landbridge.scenario.whatif.
    demand_direction`); the cost is the TEU × the policy's ``cost_usd_per_teu``.
corridor
    the gauge-break crossings of a route in order, joined by ``" > "``
    (:func:`corridor_label`), as ``landbridge route`` names it: the ``corridor`` column
    of the event log when it has one, else the route of the row's service.
waiting time at a crossing
    ``clearance_start − arrive``: time in the approach and receiving yard before an
    inspection team starts work (includes acceptance caps and closed hours).
dwell time at a crossing
    ``depart − arrive``.
queue length
    trains that have arrived and not yet started clearance, as a step function of time;
    reported as its maximum and, per day, its daily maximum and time average.
held at origin
    trains between a ``held`` and a ``released`` event at their service's origin
    terminal (held back by a congested or closed crossing ahead), a step function.
utilization
    busy server-hours / (servers × hours of the window): inspection teams
    (``clearance_start → cleared``), transshipment tracks (``transship_start →
    transshipped``), receiving-yard tracks (``yard_in → depart``, a lower bound as
    tracks held for back-pressure after departure are not counted).
road binding limit
    the smaller of the post's two daily capacities — its quota ``max_trucks_per_day``
    and what its lanes process in its opening hours (lane-hours open per day ÷
    lane-hours per truck) — when the trucks arriving per day reach 80 % of it:
    ``quota``, or ``hours`` (the lanes would keep up if open around the clock) or
    ``lanes`` (they would not even then); ``none`` below 80 %.

Confidence intervals are Student-t 95 % intervals of the mean over replications
(half-width ``t(0.975, n−1) · s / √n``, :func:`landbridge.analysis.stats.t975`),
``None`` with a single replication.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from landbridge.analysis.schema import KPI_SCHEMA, TABLE_NAMES
from landbridge.analysis.stats import ci95_halfwidth, t975
from landbridge.scenario.compile import CompiledScenario
from landbridge.scenario.whatif import demand_direction
from landbridge.simulation.run import ReplicationResult

__all__ = ["Kpis", "replication_kpis", "summarize", "ci95_halfwidth", "corridor_label",
           "deliveries", "transit_stats", "daily_step_stats", "diversions"]


@dataclass(frozen=True)
class Kpis:
    """KPI tables (pandas DataFrames), one row per key and replication (``rep``
    column) or, after :func:`summarize`, one row per key with ``*_ci95`` columns.

    The tables and their columns are those of :data:`landbridge.analysis.schema.
    KPI_SCHEMA`: ``od`` (per origin–destination pair), ``services``, ``corridors``
    (transit times), ``crossings`` (rail border crossings per direction),
    ``queue_by_day``, ``throughput_by_day`` (daily), ``road`` (road posts),
    ``corridor_load``, ``reformation``, ``diversions`` (held trains sent to another
    corridor, per corridor left and taken) and ``run`` (totals and the TEU accounting at
    the end).
    """

    od: pd.DataFrame
    services: pd.DataFrame
    corridors: pd.DataFrame
    crossings: pd.DataFrame
    queue_by_day: pd.DataFrame
    throughput_by_day: pd.DataFrame
    road: pd.DataFrame
    corridor_load: pd.DataFrame
    reformation: pd.DataFrame
    diversions: pd.DataFrame
    run: pd.DataFrame

    TABLES = TABLE_NAMES

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in :data:`TABLES` order."""
        return {name: getattr(self, name) for name in self.TABLES}


def corridor_label(crossings: Iterable[str]) -> str:
    """The corridor name of a route: its gauge-break crossings joined by ``" > "``
    (``"ASK-DST > BRE-MAL"``); ``""`` for a route without any."""
    return " > ".join(crossings)


def _clip_busy(start: pd.Series, end: pd.Series, lo: float, hi: float) -> float:
    s = start.clip(lower=lo, upper=hi)
    e = end.clip(lower=lo, upper=hi)
    return float((e - s).clip(lower=0).sum())


def daily_step_stats(t: np.ndarray, level: np.ndarray, n_days: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Daily maximum and time-average of a step function (vectorised).

    Parameters
    ----------
    t : array of float, shape (n,)
        Times of the steps (h), non-decreasing.
    level : array, shape (n,)
        Level from ``t[i]`` on; the level is 0 before ``t[0]``.
    n_days : int
        Days from hour 0.

    Returns
    -------
    (max, mean) : two arrays of shape (n_days,)
        Per day ``[24 d, 24 (d+1))``: the largest level taken (including the level at
        the day's start) and the time-average level.
    """
    t = np.asarray(t, dtype=float)
    level = np.asarray(level, dtype=float)
    bounds = np.arange(n_days + 1, dtype=float) * 24.0
    # level at each day start: the last step at or before it
    idx = np.searchsorted(t, bounds, side="right") - 1
    at_bound = np.where(idx >= 0, level[np.clip(idx, 0, None)] if len(t) else 0.0, 0.0)
    inside = (t >= 0) & (t < bounds[-1])
    day_of = (t[inside] // 24.0).astype(int)
    peak = at_bound[:-1].copy()
    np.maximum.at(peak, day_of, level[inside])
    # area: merge steps and bounds, integrate the piecewise-constant level
    times = np.concatenate([t[inside], bounds])
    levels = np.concatenate([level[inside], at_bound])
    order = np.argsort(times, kind="stable")
    times, levels = times[order], levels[order]
    # the level on [times[k], times[k+1]) is the level after the last event at times[k]
    widths = np.diff(times)
    area = np.zeros(n_days)
    seg_day = np.minimum((times[:-1] // 24.0).astype(int), n_days - 1)
    np.add.at(area, seg_day, widths * _level_after(times, levels)[:-1])
    return peak, area / 24.0


def _level_after(times: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The level holding right after each point (the last of equal times wins)."""
    out = levels.copy()
    # for runs of equal times, every member takes the run's last level
    if len(times) > 1:
        last = np.r_[times[1:] != times[:-1], True]
        run_id = np.cumsum(np.r_[0, last[:-1]])
        out = levels[np.flatnonzero(last)][run_id]
    return out


def deliveries(events: pd.DataFrame, compiled: CompiledScenario) -> pd.DataFrame:
    """The ``deliver`` rows with what the transit KPIs group by.

    Parameters
    ----------
    events : DataFrame
        Event log rows (columns of :mod:`landbridge.simulation.eventlog`; a
        ``corridor`` column is used when present).
    compiled : CompiledScenario
        Gives each service's origin, destination and (without a ``corridor`` column)
        its route's corridor.

    Returns
    -------
    DataFrame
        ``replication, train, service, origin, destination, corridor, teu,
        dispatch_h, time_h, transit_d`` (one row per delivered train or lot).
    """
    plans = {p.id: p for p in compiled.services}
    d = events[events.event == "deliver"]
    svc = d.service.astype(str)
    out = pd.DataFrame({
        "replication": d.replication.to_numpy() if "replication" in d else 0,
        "train": d.train.astype(str).to_numpy(),
        "service": svc.to_numpy(),
        "origin": svc.map(lambda s: plans[s].origin if s in plans else "").to_numpy(),
        "destination": svc.map(lambda s: plans[s].destination if s in plans else ""
                               ).to_numpy(),
        "teu": d.teu.to_numpy(dtype=float),
        "dispatch_h": d.dispatch_h.to_numpy(dtype=float),
        "time_h": d.time_h.to_numpy(dtype=float),
    })
    if "corridor" in d.columns:
        out["corridor"] = d.corridor.astype(str).to_numpy()
    else:
        out["corridor"] = svc.map(lambda s: corridor_label(plans[s].route.corridor)
                                  if s in plans else "").to_numpy()
    out["transit_d"] = (out.time_h - out.dispatch_h) / 24.0
    return out


def transit_stats(deliv: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Transit KPIs per group, vectorised: ``trains`` (distinct train ids: a train
    carrying several lots counts once), ``teu_delivered``,
    ``transit_mean_d``, ``transit_p50_d``, ``transit_p95_d`` for each combination of
    ``keys`` (columns of :func:`deliveries`, e.g. ``["replication", "service"]``)."""
    cols = keys + ["trains", "teu_delivered", "transit_mean_d", "transit_p50_d",
                   "transit_p95_d"]
    if not len(deliv):
        return pd.DataFrame(columns=cols)
    g = deliv.groupby(keys, sort=True)
    out = g.agg(trains=("train", "nunique"), teu_delivered=("teu", "sum"),
                transit_mean_d=("transit_d", "mean"))
    q = g.transit_d.quantile([0.5, 0.95]).unstack()
    out["transit_p50_d"] = q[0.5]
    out["transit_p95_d"] = q[0.95]
    return out.reset_index()[cols]


def _transit_tables(ev: pd.DataFrame, compiled: CompiledScenario, rep: int
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    sc = compiled.scenario
    lo = sc.warmup_h
    d = deliveries(ev, compiled)
    d = d[d.dispatch_h >= lo]
    plans = sorted(compiled.services, key=lambda p: p.id)
    # every pair and service gets a row, delivered or not
    od_keys = pd.DataFrame(sorted({(p.origin, p.destination) for p in plans}),
                           columns=["origin", "destination"])
    od = od_keys.merge(transit_stats(d, ["origin", "destination"]), how="left",
                       on=["origin", "destination"])
    svc_keys = pd.DataFrame([dict(service=p.id, origin=p.origin, destination=p.destination,
                                  corridor=corridor_label(p.route.corridor)) for p in plans],
                            columns=["service", "origin", "destination", "corridor"])
    services = svc_keys.merge(transit_stats(d, ["service"]), how="left", on="service")
    cor_keys = sorted(set(svc_keys.corridor) | set(d.corridor))
    corridors = pd.DataFrame({"corridor": cor_keys}).merge(
        transit_stats(d, ["corridor"]), how="left", on="corridor")
    for df in (od, services, corridors):
        df["trains"] = df.trains.fillna(0)
        df["teu_delivered"] = df.teu_delivered.fillna(0.0)
        df.insert(0, "rep", rep)
    return (KPI_SCHEMA["od"].frame(od), KPI_SCHEMA["services"].frame(services),
            KPI_SCHEMA["corridors"].frame(corridors))


def diversions(events: pd.DataFrame, compiled: CompiledScenario) -> pd.DataFrame:
    """The ``divert`` rows with the corridor each train left and the one it took.

    Parameters
    ----------
    events : DataFrame
        Event log rows of one or more replications (columns of
        :mod:`landbridge.simulation.eventlog`), in ``seq`` order within a replication.
    compiled : CompiledScenario
        Gives each service's origin and destination (its direction) and, for a
        ``divert`` row with no earlier row of its train, its own corridor.

    Returns
    -------
    DataFrame
        ``replication, train, service, time_h, from_corridor, to_corridor, direction,
        teu`` (one row per diversion). ``from_corridor`` is the corridor of the
        train's previous row (its ``held`` row), ``to_corridor`` the ``divert`` row's.
    """
    cols = ["replication", "train", "service", "time_h", "from_corridor", "to_corridor",
            "direction", "teu"]
    is_div = (events.event == "divert").to_numpy()
    if not is_div.any():
        return pd.DataFrame(columns=cols)
    plans = {p.id: p for p in compiled.services}
    nodes = compiled.network.nodes
    ev = events if "replication" in events else events.assign(replication=0)
    # the rows of the diverted trains (train ids repeat across replications)
    sub = ev[ev.train.isin(ev.train[is_div].unique())]
    div_keys = set(zip(sub.replication[sub.event == "divert"],
                       sub.train[sub.event == "divert"]))
    sub = sub[[k in div_keys for k in zip(sub.replication, sub.train)]]
    prev = sub.groupby(["replication", "train"], sort=False).corridor.shift(1)
    d = sub[sub.event == "divert"]
    own = d.service.map(lambda s: corridor_label(plans[s].route.corridor)
                        if s in plans else "")
    frm = prev[d.index].where(prev[d.index].notna(), own)

    def direction(s: str) -> str:
        p = plans.get(s)
        return "" if p is None else demand_direction(nodes[p.origin].lon,
                                                     nodes[p.destination].lon)

    return pd.DataFrame({
        "replication": d.replication.to_numpy(), "train": d.train.astype(str).to_numpy(),
        "service": d.service.astype(str).to_numpy(), "time_h": d.time_h.to_numpy(float),
        "from_corridor": frm.astype(str).to_numpy(),
        "to_corridor": d.corridor.astype(str).to_numpy(),
        "direction": d.service.astype(str).map(direction).to_numpy(),
        "teu": d.teu.to_numpy(float)}, columns=cols)


def _diversion_table(ev: pd.DataFrame, compiled: CompiledScenario, rep: int
                     ) -> pd.DataFrame:
    """The ``diversions`` KPI table of one replication: a row for every (corridor
    left, corridor taken, direction) the rerouting policy allows (so replications
    without a diversion count as zero in the mean) and any other seen in the log."""
    policy = compiled.scenario.rerouting
    cost = policy.cost_usd_per_teu if policy is not None else 0.0
    nodes = compiled.network.nodes
    keys = set()
    if policy is not None:
        for p in compiled.services:
            direction = demand_direction(nodes[p.origin].lon, nodes[p.destination].lon)
            own = corridor_label(p.route.corridor)
            keys.update((own, corridor_label(a.corridor), direction)
                        for a in p.alternatives)
    d = diversions(ev, compiled)
    agg = {k: (0, 0.0) for k in keys}
    for k, g in d.groupby(["from_corridor", "to_corridor", "direction"], sort=False):
        agg[k] = (len(g), float(g.teu.sum()))
    return KPI_SCHEMA["diversions"].frame([dict(
        rep=rep, from_corridor=k[0], to_corridor=k[1], direction=k[2],
        diverted_trains=n, diverted_teu=teu, diversion_cost_usd=teu * cost)
        for k, (n, teu) in sorted(agg.items())])


def _held_at_origin(ev: pd.DataFrame, compiled: CompiledScenario, n_days: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    origin = {p.id: p.origin for p in compiled.services}
    h = ev[ev.event.isin(["held", "released"])]
    if not len(h):
        return np.zeros(n_days), np.zeros(n_days)
    at_origin = h.node.to_numpy() == h.service.map(origin).to_numpy()
    h = h[at_origin].sort_values(["time_h", "seq"], kind="stable")
    step = np.where(h.event.to_numpy() == "held", 1.0, -1.0)
    return daily_step_stats(h.time_h.to_numpy(), np.cumsum(step), n_days)


def _road_binding(g: pd.DataFrame, quota: float | None, lanes: int | None) -> str:
    """Which limit binds at a road post and direction (see the module docstring)."""
    n = len(g)
    processed = float(g.processed_trucks.sum())
    if not n or not processed:
        return "none"
    demand = float(g.arrived_trucks.sum()) / n
    proc_h = float(g.lane_hours_busy.sum()) / processed  # lane-hours per truck
    cap_hours = float(g.lane_hours_open.sum()) / n / proc_h if proc_h > 0 else math.inf
    caps = {"quota": quota if quota is not None else math.inf, "hours": cap_hours}
    kind = min(caps, key=lambda k: (caps[k], k))
    if demand < 0.8 * caps[kind]:
        return "none"
    if kind == "hours" and lanes and proc_h > 0 and lanes * 24.0 / proc_h < 0.8 * demand:
        return "lanes"  # even open around the clock the lanes would not keep up
    return kind


def _road(result: ReplicationResult, compiled: CompiledScenario, first_day: int, rep: int
          ) -> pd.DataFrame:
    sc = compiled.scenario
    net = compiled.network
    rows = []
    rd = pd.DataFrame([d.__dict__ for d in result.road_days])
    if len(rd):
        rd = rd[rd.day >= first_day]
        for (cid, direction), g in rd.groupby(["crossing", "direction"], sort=True):
            n = len(g)
            processed = g.processed_trucks.sum()
            teu_truck = next((f.teu_per_truck for f in sc.road_flows
                              if f.crossing == cid and f.direction == direction), 2.0)
            c = net.crossings.get(cid)
            quota = getattr(c, "max_trucks_per_day", None) if c is not None else None
            left = g[g.queue_end_trucks > 0]
            binding = _road_binding(g, quota, getattr(c, "lanes", None))
            rows.append(dict(
                rep=rep, crossing=cid, direction=direction, binding_limit=binding,
                trucks_per_day=float(processed / n) if n else 0.0,
                teu_per_day=float(processed * teu_truck / n) if n else 0.0,
                quota_trucks_per_day=quota,
                wait_mean_h=float(g.truck_hours_waiting.sum() / g.arrived_trucks.sum())
                if g.arrived_trucks.sum() else None,
                queue_max_trucks=float(g.queue_max_trucks.max()),
                queue_end_trucks=float(g.queue_end_trucks.iloc[-1]),
                days_limited=float(len(left) / n) if n else 0.0,
                util_lanes=float(g.lane_hours_busy.sum() / g.lane_hours_open.sum())
                if g.lane_hours_open.sum() else None))
    return KPI_SCHEMA["road"].frame(rows)


def replication_kpis(result: ReplicationResult, compiled: CompiledScenario) -> Kpis:
    """KPIs of one replication (tables with a ``rep`` column; see :class:`Kpis`).

    Parameters
    ----------
    result : ReplicationResult
        The replication's event log, road-post days and end state.
    compiled : CompiledScenario
        The scenario it simulated (window, services, network).
    """
    sc = compiled.scenario
    net = compiled.network
    lo, hi = sc.warmup_h, sc.horizon_h
    days = (hi - lo) / 24.0
    rep = result.replication
    ev = result.events.to_pandas()
    first_day = int(lo // 24)
    n_days = int(math.ceil(hi / 24.0))

    od, services, corridors = _transit_tables(ev, compiled, rep)

    # --- crossings
    cx = ev[ev.crossing != ""]
    crow, qrows = [], []
    for cid in sorted(c.id for c in net.crossings.values() if c.mode == "rail"):
        c = net.crossings[cid]
        sub = cx[cx.crossing == cid]
        for direction, here in (("a_to_b", c.station_a), ("b_to_a", c.station_b)):
            # events at the entry station belong to this direction; "depart" is recorded
            # at the far station, so pair it by train
            trains = set(sub.train[(sub.event == "arrive") & (sub.node == here)])
            s = sub[sub.train.isin(trains)]
            piv = s.pivot_table(index="train", columns="event", values="time_h", aggfunc="first")
            for col in ("arrive", "yard_in", "clearance_start", "cleared", "transship_start",
                        "transshipped", "depart"):
                if col not in piv:
                    piv[col] = np.nan
            acc = piv[(piv.yard_in >= lo) & (piv.yard_in < hi)]
            teu = s[(s.event == "yard_in") & (s.time_h >= lo) & (s.time_h < hi)].teu.sum()
            arr = piv[(piv.arrive >= lo) & (piv.arrive < hi)]
            wait = (arr.clearance_start - arr.arrive).dropna()
            dwell = (arr.depart - arr.arrive).dropna()
            # queue step function: +1 arrive, -1 clearance start
            steps = pd.concat([
                pd.DataFrame({"t": piv.arrive.dropna(), "d": 1}),
                pd.DataFrame({"t": piv.clearance_start.dropna(), "d": -1}),
            ]).sort_values(["t", "d"], kind="stable")
            steps["q"] = steps.d.cumsum()
            in_win = steps[(steps.t >= lo) & (steps.t < hi)]
            qmax = int(in_win.q.max()) if len(in_win) else 0
            qmax_day, qmean_day = daily_step_stats(steps.t.to_numpy(), steps.q.to_numpy(),
                                                   n_days)
            acc_day = np.bincount((acc.yard_in // 24).astype(int), minlength=n_days)[:n_days] \
                if len(acc) else np.zeros(n_days, int)
            for day in range(first_day, n_days):
                qrows.append(dict(rep=rep, crossing=cid, direction=direction, day=day,
                                  queue_max_trains=float(qmax_day[day]),
                                  queue_mean_trains=float(qmean_day[day]),
                                  trains_accepted=int(acc_day[day])))
            span = hi - lo
            teams = (c.inspection_teams or 1) * span
            util_teams = _clip_busy(piv.clearance_start.dropna(),
                                    piv.cleared.reindex(piv.clearance_start.dropna().index),
                                    lo, hi) / teams
            util_tracks = None
            if c.transshipment is not None:
                ts = piv.transship_start.dropna()
                util_tracks = _clip_busy(ts, piv.transshipped.reindex(ts.index).fillna(hi),
                                         lo, hi) / (c.transshipment.tracks * span)
            ys = piv.yard_in.dropna()
            util_yard = _clip_busy(ys, piv.depart.reindex(ys.index).fillna(hi), lo, hi) / (
                (c.receiving_yard_tracks or 1) * span)
            crow.append(dict(
                rep=rep, crossing=cid, direction=direction,
                trains_per_day=len(acc) / days, teu_per_day=float(teu) / days,
                wait_mean_h=float(wait.mean()) if len(wait) else None,
                wait_p95_h=float(wait.quantile(0.95)) if len(wait) else None,
                dwell_mean_h=float(dwell.mean()) if len(dwell) else None,
                queue_max_trains=qmax, util_teams=util_teams, util_tracks=util_tracks,
                util_yard=util_yard))
    crossings = KPI_SCHEMA["crossings"].frame(crow)
    queue_by_day = KPI_SCHEMA["queue_by_day"].frame(qrows)

    # --- throughput by day
    disp = ev[(ev.event == "dispatch") & (ev.time_h == ev.dispatch_h)] \
        if "dispatch_h" in ev else ev[ev.event == "dispatch"]
    deliv = ev[ev.event == "deliver"]
    held_max, held_mean = _held_at_origin(ev, compiled, n_days)
    tday = KPI_SCHEMA["throughput_by_day"].frame(pd.DataFrame({
        "rep": rep, "day": range(n_days),
        "teu_dispatched": np.bincount((disp.time_h // 24).astype(int), weights=disp.teu,
                                      minlength=n_days)[:n_days],
        "teu_delivered": np.bincount((deliv.time_h // 24).astype(int), weights=deliv.teu,
                                     minlength=n_days)[:n_days],
        "held_origin_mean_trains": held_mean, "held_origin_max_trains": held_max,
    }))

    road = _road(result, compiled, first_day, rep)

    e = result.end
    held = e.held_teu + getattr(e, "unshipped_at_origin_teu", 0.0)
    run = KPI_SCHEMA["run"].frame([dict(
        rep=rep, teu_dispatched=e.dispatched_teu, teu_delivered=e.delivered_teu,
        trains_dispatched=e.trains_dispatched, trains_delivered=e.trains_delivered,
        backlog_teu=e.waiting_at_crossings_teu + held + e.in_buffers_teu,
        undelivered_teu=e.dispatched_teu - e.delivered_teu,
        waiting_at_crossings_teu=e.waiting_at_crossings_teu, held_teu=held,
        in_buffers_teu=e.in_buffers_teu, in_transit_teu=e.in_transit_teu,
        diverted_trains=e.diverted_trains, diverted_teu=e.diverted_teu,
        diversion_cost_usd=e.diversion_cost_usd, events=result.n_events)])
    cload = KPI_SCHEMA["corridor_load"].frame([dict(
        rep=rep, corridor=c.corridor, direction=c.direction,
        limiting_element=c.limiting_element, limiting_kind=c.limiting_kind,
        sentence=c.sentence or "", demand_trains_per_day=c.demand_trains_per_day,
        load_trains_per_day=c.load_trains_per_day,
        capacity_trains_per_day=c.capacity_trains_per_day, utilization=c.utilization,
        unshipped_teu=c.unshipped_teu, delivered_teu=c.delivered_teu,
        overloaded=float(bool(c.overloaded))) for c in getattr(e, "corridors", ())])
    reform = KPI_SCHEMA["reformation"].frame([dict(
        rep=rep, node=r.node, teu_in=r.teu_in, teu_out=r.teu_out,
        dwell_mean_h=r.dwell_mean_h, dwell_max_h=r.dwell_max_h, teu_left=r.teu_left)
        for r in getattr(e, "reformation", ())])
    return Kpis(od=od, services=services, corridors=corridors, crossings=crossings,
                queue_by_day=queue_by_day, throughput_by_day=tday, road=road,
                corridor_load=cload, reformation=reform,
                diversions=_diversion_table(ev, compiled, rep), run=run)


def summarize(per_rep: Sequence[Kpis]) -> Kpis:
    """Mean of each KPI over replications with its 95 % CI half-width (``*_ci95``),
    computed per table in one group-by; attributes (e.g. a service's corridor) are
    carried; daily tables are averaged without CI. Columns follow
    :func:`landbridge.analysis.schema.summary_columns`."""
    out = {}
    for name in Kpis.TABLES:
        spec = KPI_SCHEMA[name]
        frames = [getattr(k, name) for k in per_rep]
        df = pd.concat([f for f in frames if len(f)], ignore_index=True) \
            if any(len(f) for f in frames) else spec.frame()
        keys, attrs, values = spec.keys, spec.attrs, spec.values
        cols = keys + attrs + [c for v in values
                               for c in ((v,) if spec.daily else (v, f"{v}_ci95"))]
        if df.empty:
            out[name] = pd.DataFrame(columns=cols + ["replications"])
            continue
        num = df[keys + values].copy() if keys else df[values].copy()
        for v in values:
            num[v] = pd.to_numeric(num[v], errors="coerce").astype(float)
        if not keys:
            num["_k"] = 0
        gkeys = keys or ["_k"]
        g = num.groupby(gkeys, sort=True)
        mean = g[values].mean()
        table = pd.DataFrame(index=mean.index)
        if attrs:
            # the first non-empty value over replications (e.g. an overload sentence)
            first = df[gkeys + attrs].replace("", None).groupby(gkeys, sort=True)[attrs] \
                .first()
            table = table.join(first.fillna(""))
        n_reps = df.assign(_k=0).groupby(gkeys, sort=True)["rep"].nunique()
        if spec.daily:
            table = table.join(mean)
        else:
            std = g[values].std(ddof=1)
            count = g[values].count()
            tq = count.map(lambda n: t975(n - 1) if n >= 2 else np.nan)
            half = tq * std / np.sqrt(count)
            half = half.where(count >= 2)
            for v in values:
                table[v] = mean[v]
                table[f"{v}_ci95"] = half[v]
        table["replications"] = n_reps.to_numpy()
        table = table.reset_index()
        if not keys:
            table = table.drop(columns=["_k"])
        table = table[cols + ["replications"]]
        if not spec.daily:  # missing values as None (JSON null), not NaN
            table = table.astype(object).where(table.notna(), None)
        for k in keys:
            if spec.column(k).dtype == "int":
                table[k] = table[k].astype(int)
        table["replications"] = table["replications"].astype(int)
        out[name] = table
    return Kpis(**out)
