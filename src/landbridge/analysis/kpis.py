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
    trains between a ``held`` event at their service's origin terminal (held back by
    a congested or closed crossing ahead) and its ``released`` or ``divert`` event (a
    diverted train starts again on its new route), a step function.
utilization
    busy server-hours / (servers × hours of the window): inspection teams
    (``clearance_start → cleared``), transshipment tracks (``transship_start →
    transshipped``), receiving-yard tracks (``yard_in → depart``, a lower bound as
    tracks held for back-pressure after departure are not counted).
road binding limit
    the smaller of the post's two daily capacities — its quota ``max_trucks_per_day``
    and what its lanes process in its opening hours (lane-hours available per day ÷
    lane-hours per truck; the scenario's closures and capacity measures scale both) —
    when the trucks arriving per day reach 80 % of it: ``measure`` (the post would keep
    up without the scenario's closures and capacity measures), else ``quota``, or
    ``hours`` (the lanes would keep up if open around the clock) or ``lanes`` (they
    would not even then); ``none`` below 80 %. ``util_lanes`` is busy lane-hours over
    lane-hours available (after the measures).

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
import pyarrow as pa

from landbridge.analysis.schema import KPI_SCHEMA, TABLE_NAMES, check_finite
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


class _Log:
    """One replication's event log as numpy columns, read once for all KPIs: numbers
    as arrays, string columns as integer codes into their distinct values (no pandas
    frame of the whole log, no Python object per event)."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self.n = table.num_rows
        self._cache: dict = {}

    @classmethod
    def of_frame(cls, events: pd.DataFrame) -> "_Log":
        """The log of an events DataFrame (the public pandas functions take one)."""
        return cls(pa.Table.from_pandas(events, preserve_index=False))

    def has(self, name: str) -> bool:
        return name in self.table.column_names

    def values(self, name: str) -> np.ndarray:
        """A numeric column as a numpy array."""
        if name not in self._cache:
            self._cache[name] = np.asarray(self.table.column(name).to_numpy())
        return self._cache[name]

    def codes(self, name: str) -> tuple[np.ndarray, list[str]]:
        """A string column as ``(codes, distinct values)``: row ``i`` holds
        ``values[codes[i]]``."""
        key = ("codes", name)
        if key not in self._cache:
            col = self.table.column(name)
            if pa.types.is_dictionary(col.type):
                col = col.cast(col.type.value_type)
            enc = col.combine_chunks().dictionary_encode()
            self._cache[key] = (enc.indices.to_numpy(zero_copy_only=False),  # int32
                                [str(v) for v in enc.dictionary.to_pylist()])
        return self._cache[key]

    def code(self, name: str, value: str) -> int:
        """The code of ``value`` in a string column, -1 when no row holds it."""
        key = ("index", name)
        if key not in self._cache:
            self._cache[key] = {v: i for i, v in enumerate(self.codes(name)[1])}
        return self._cache[key].get(value, -1)

    def strings(self, name: str, rows: np.ndarray) -> np.ndarray:
        """The column's values at ``rows`` as an object array of str."""
        codes, values = self.codes(name)
        return np.array(values, dtype=object)[codes[rows]] if len(values) else \
            np.array([], dtype=object)

    def rank(self, name: str) -> np.ndarray:
        """Per distinct value of a string column, its position in sorted order (a
        group-by sorted by that column orders its groups so)."""
        key = ("rank", name)
        if key not in self._cache:
            values = self.codes(name)[1]
            order = sorted(range(len(values)), key=values.__getitem__)
            rank = np.empty(len(values), dtype=np.intp)
            rank[order] = np.arange(len(values))
            self._cache[key] = rank
        return self._cache[key]

    def rows(self, name: str, *values: str) -> np.ndarray:
        """Indices of the rows whose ``name`` is one of ``values``, in log order."""
        codes, _ = self.codes(name)
        wanted = [c for c in (self.code(name, v) for v in values) if c >= 0]
        if not wanted:
            return np.zeros(0, dtype=np.intp)
        if len(wanted) == 1:
            return np.flatnonzero(codes == wanted[0])
        return np.flatnonzero(np.isin(codes, wanted))


def _busy_h(start: np.ndarray, end: np.ndarray, lo: float, hi: float) -> float:
    """Server-hours busy inside ``[lo, hi]`` of intervals ``start → end`` (an end that
    is NaN counts nothing)."""
    busy = np.clip(end, lo, hi) - np.clip(start, lo, hi)
    busy = np.where(busy < 0, 0.0, busy)
    return float(np.where(np.isnan(busy), 0.0, busy).sum())


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
    return _deliveries(_Log.of_frame(events), compiled)


def _deliveries(log: _Log, compiled: CompiledScenario) -> pd.DataFrame:
    plans = {p.id: p for p in compiled.services}
    d = log.rows("event", "deliver")
    svc_codes, svc_values = log.codes("service")
    svc = svc_codes[d]

    def per_service(f) -> np.ndarray:
        return np.array([f(plans[s]) if s in plans else "" for s in svc_values],
                        dtype=object)[svc]

    out = pd.DataFrame({
        "replication": log.values("replication")[d] if log.has("replication") else 0,
        "train": log.strings("train", d),
        "service": log.strings("service", d),
        "origin": per_service(lambda p: p.origin),
        "destination": per_service(lambda p: p.destination),
        "teu": log.values("teu")[d].astype(float),
        "dispatch_h": log.values("dispatch_h")[d].astype(float),
        "time_h": log.values("time_h")[d].astype(float),
    })
    if log.has("corridor"):
        out["corridor"] = log.strings("corridor", d)
    else:
        out["corridor"] = per_service(lambda p: corridor_label(p.route.corridor))
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




def _transit_tables(log: _Log, compiled: CompiledScenario, rep: int
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    sc = compiled.scenario
    lo = sc.warmup_h
    d = _deliveries(log, compiled)
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
    return _diversions(_Log.of_frame(events), compiled)


def _diversions(log: _Log, compiled: CompiledScenario) -> pd.DataFrame:
    cols = ["replication", "train", "service", "time_h", "from_corridor", "to_corridor",
            "direction", "teu"]
    div = log.rows("event", "divert")
    if not len(div):
        return pd.DataFrame(columns=cols)
    plans = {p.id: p for p in compiled.services}
    nodes = compiled.network.nodes
    reps = log.values("replication").astype(np.int64) if log.has("replication") \
        else np.zeros(log.n, dtype=np.int64)
    train_codes, train_values = log.codes("train")
    key = reps * len(train_values) + train_codes  # a train of a replication
    # the previous row of each diverted train's rows, in log order
    rows = np.flatnonzero(np.isin(key, np.unique(key[div])))
    rows = rows[np.argsort(key[rows], kind="stable")]
    prev = np.full(log.n, -1, dtype=np.intp)
    same = key[rows[1:]] == key[rows[:-1]]
    prev[rows[1:][same]] = rows[:-1][same]
    services = log.strings("service", div)
    own = np.array([corridor_label(plans[s].route.corridor) if s in plans else ""
                    for s in services], dtype=object)
    p = prev[div]
    frm = np.where(p >= 0, log.strings("corridor", np.maximum(p, 0)), own)

    def direction(s: str) -> str:
        p = plans.get(s)
        return "" if p is None else demand_direction(nodes[p.origin].lon,
                                                     nodes[p.destination].lon)

    return pd.DataFrame({
        "replication": reps[div] if not log.has("replication")
        else log.values("replication")[div],
        "train": log.strings("train", div), "service": services,
        "time_h": log.values("time_h")[div].astype(float),
        "from_corridor": frm, "to_corridor": log.strings("corridor", div),
        "direction": np.array([direction(s) for s in services], dtype=object),
        "teu": log.values("teu")[div].astype(float)}, columns=cols)


def _diversion_table(log: _Log, compiled: CompiledScenario, rep: int
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
    d = _diversions(log, compiled)
    agg = {k: (0, 0.0) for k in keys}
    for k, g in d.groupby(["from_corridor", "to_corridor", "direction"], sort=False):
        agg[k] = (len(g), float(g.teu.sum()))
    return KPI_SCHEMA["diversions"].frame([dict(
        rep=rep, from_corridor=k[0], to_corridor=k[1], direction=k[2],
        diverted_trains=n, diverted_teu=teu, diversion_cost_usd=teu * cost)
        for k, (n, teu) in sorted(agg.items())])



def _held_at_origin(log: _Log, compiled: CompiledScenario, n_days: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    h = log.rows("event", "held", "released", "divert")
    if not len(h):
        return np.zeros(n_days), np.zeros(n_days)
    origin = {p.id: p.origin for p in compiled.services}
    svc_codes, svc_values = log.codes("service")
    node_codes, _ = log.codes("node")
    origin_node = np.array([log.code("node", origin[s]) if s in origin else -2
                            for s in svc_values], dtype=np.intp)
    h = h[node_codes[h] == origin_node[svc_codes[h]]]
    t = log.values("time_h")[h]
    order = np.lexsort((log.values("seq")[h], t))
    step = np.where(log.codes("event")[0][h[order]] == log.code("event", "held"), 1.0, -1.0)
    return daily_step_stats(t[order], np.cumsum(step), n_days)


def _road_binding(g: pd.DataFrame, quota: float | None, lanes: int | None,
                  hours_per_day: float | None = None) -> str:
    """Which limit binds at a road post and direction (see the module docstring);
    ``measure`` when the post would keep up without the scenario's closures and
    capacity measures (``lane_hours_open`` counts the lane-hours they leave; judged
    only with ``hours_per_day``, the post's opening hours)."""
    n = len(g)
    processed = float(g.processed_trucks.sum())
    if not n or not processed:
        return "none"
    demand = float(g.arrived_trucks.sum()) / n
    proc_h = float(g.lane_hours_busy.sum()) / processed  # lane-hours per truck
    cap_hours = float(g.lane_hours_open.sum()) / n / proc_h if proc_h > 0 else math.inf
    share = (float(g.lane_hours_open.sum()) / (n * lanes * hours_per_day)
             if lanes and hours_per_day else 1.0)  # capacity the measures leave
    caps = {"quota": quota * share if quota is not None else math.inf, "hours": cap_hours}
    kind = min(caps, key=lambda k: (caps[k], k))
    if demand < 0.8 * caps[kind]:
        return "none"
    if share < 0.99 and proc_h > 0 and demand < 0.8 * min(
            quota if quota is not None else math.inf, lanes * hours_per_day / proc_h):
        return "measure"
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
            binding = _road_binding(g, quota, getattr(c, "lanes", None),
                                    c.operating_hours.hours_per_day if c is not None else 24.0)
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


#: The crossing events the crossing KPIs read, in the column order of :func:`_first_times`.
_CROSSING_EVENTS = ("arrive", "yard_in", "clearance_start", "cleared", "transship_start",
                    "transshipped", "depart")


def _first_times(train_rank: np.ndarray, slot: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Per train (rows in the trains' sorted order) and crossing event (columns of
    :data:`_CROSSING_EVENTS`), the time of the train's first such row; NaN if none."""
    _, pos = np.unique(train_rank, return_inverse=True)
    out = np.full((int(pos.max()) + 1 if len(pos) else 0, len(_CROSSING_EVENTS)), np.nan)
    cell, first = np.unique(pos * len(_CROSSING_EVENTS) + slot, return_index=True)
    out.flat[cell] = t[first]
    return out


def _crossing_tables(log: _Log, compiled: CompiledScenario, rep: int
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``crossings`` and ``queue_by_day`` tables of one replication (see the module
    docstring): per rail crossing and direction, the trains whose ``arrive`` is at the
    direction's entry station, each with the first time of each crossing event."""
    sc = compiled.scenario
    net = compiled.network
    lo, hi = sc.warmup_h, sc.horizon_h
    days, span = (hi - lo) / 24.0, hi - lo
    first_day, n_days = int(lo // 24), int(math.ceil(hi / 24.0))
    t, teu = log.values("time_h"), log.values("teu")
    ev_codes, ev_values = log.codes("event")
    slot_of = np.full(len(ev_values), -1, dtype=np.int8)
    for i, name in enumerate(_CROSSING_EVENTS):
        if log.code("event", name) >= 0:
            slot_of[log.code("event", name)] = i
    slot = slot_of[ev_codes]
    cx_codes, _ = log.codes("crossing")
    node_codes, _ = log.codes("node")
    train_codes, _ = log.codes("train")
    train_rank = log.rank("train")
    # the crossing events' rows grouped by crossing, in log order within each
    rows = np.flatnonzero(slot >= 0)
    rows = rows[np.argsort(cx_codes[rows], kind="stable")]
    row_cx = cx_codes[rows]
    crow, qparts = [], []
    for cid in sorted(c.id for c in net.crossings.values() if c.mode == "rail"):
        c = net.crossings[cid]
        code = log.code("crossing", cid)
        a, b = np.searchsorted(row_cx, [code, code + 1]) if code >= 0 else (0, 0)
        sub = rows[a:b]
        for direction, here in (("a_to_b", c.station_a), ("b_to_a", c.station_b)):
            # events at the entry station belong to this direction; "depart" is recorded
            # at the far station, so pair it by train
            entered = sub[(slot[sub] == 0) & (node_codes[sub] == log.code("node", here))]
            s = sub[np.isin(train_codes[sub], np.unique(train_codes[entered]))]
            piv = _first_times(train_rank[train_codes[s]], slot[s], t[s])
            arrive, yard_in, cl_start, cleared, ts_start, ts_end, depart = piv.T
            accepted = yard_in[(yard_in >= lo) & (yard_in < hi)]
            yard_rows = s[(slot[s] == 1) & (t[s] >= lo) & (t[s] < hi)]
            arrived = (arrive >= lo) & (arrive < hi)
            wait = (cl_start - arrive)[arrived]
            wait = wait[~np.isnan(wait)]
            dwell = (depart - arrive)[arrived]
            dwell = dwell[~np.isnan(dwell)]
            # queue step function: +1 arrive, -1 clearance start
            a_t, c_t = arrive[~np.isnan(arrive)], cl_start[~np.isnan(cl_start)]
            step_t = np.concatenate([a_t, c_t])
            step_d = np.concatenate([np.ones(len(a_t), np.int64),
                                     -np.ones(len(c_t), np.int64)])
            order = np.lexsort((step_d, step_t))
            step_t, queue = step_t[order], np.cumsum(step_d[order])
            in_win = queue[(step_t >= lo) & (step_t < hi)]
            qmax_day, qmean_day = daily_step_stats(step_t, queue, n_days)
            acc_day = np.bincount((accepted // 24).astype(int), minlength=n_days)[:n_days]
            qparts.append((cid, direction, qmax_day[first_day:], qmean_day[first_day:],
                           acc_day[first_day:]))
            started = ~np.isnan(cl_start)
            util_teams = _busy_h(cl_start[started], cleared[started], lo, hi) / (
                (c.inspection_teams or 1) * span)
            util_tracks = None
            if c.transshipment is not None:
                on = ~np.isnan(ts_start)
                util_tracks = _busy_h(ts_start[on], np.where(np.isnan(ts_end[on]), hi,
                                                             ts_end[on]), lo, hi) / (
                    c.transshipment.tracks * span)
            inside = ~np.isnan(yard_in)
            util_yard = _busy_h(yard_in[inside], np.where(np.isnan(depart[inside]), hi,
                                                          depart[inside]), lo, hi) / (
                (c.receiving_yard_tracks or 1) * span)
            crow.append(dict(
                rep=rep, crossing=cid, direction=direction,
                trains_per_day=len(accepted) / days,
                teu_per_day=float(teu[yard_rows].sum()) / days,
                wait_mean_h=float(wait.sum() / len(wait)) if len(wait) else None,
                wait_p95_h=float(np.percentile(wait, 95.0)) if len(wait) else None,
                dwell_mean_h=float(dwell.sum() / len(dwell)) if len(dwell) else None,
                queue_max_trains=int(in_win.max()) if len(in_win) else 0,
                util_teams=util_teams, util_tracks=util_tracks, util_yard=util_yard))
    n = max(n_days - first_day, 0)
    queue_by_day = pd.DataFrame({
        "rep": np.full(n * len(qparts), rep, dtype=np.int64),
        "crossing": np.repeat(np.array([q[0] for q in qparts], dtype=object), n),
        "direction": np.repeat(np.array([q[1] for q in qparts], dtype=object), n),
        "day": np.tile(np.arange(first_day, n_days, dtype=np.int64), len(qparts)),
        "queue_max_trains": np.concatenate([q[2] for q in qparts]) if qparts else [],
        "queue_mean_trains": np.concatenate([q[3] for q in qparts]) if qparts else [],
        "trains_accepted": np.concatenate([q[4] for q in qparts]) if qparts else []})
    return (KPI_SCHEMA["crossings"].frame(crow),
            KPI_SCHEMA["queue_by_day"].frame(queue_by_day))


def _throughput_by_day(log: _Log, compiled: CompiledScenario, rep: int) -> pd.DataFrame:
    n_days = int(math.ceil(compiled.scenario.horizon_h / 24.0))
    t, teu = log.values("time_h"), log.values("teu")
    disp = log.rows("event", "dispatch")
    if log.has("dispatch_h"):  # a lot's first dispatch, not a re-formed train's
        disp = disp[t[disp] == log.values("dispatch_h")[disp]]
    deliv = log.rows("event", "deliver")
    held_max, held_mean = _held_at_origin(log, compiled, n_days)
    return KPI_SCHEMA["throughput_by_day"].frame(pd.DataFrame({
        "rep": rep, "day": range(n_days),
        "teu_dispatched": np.bincount((t[disp] // 24).astype(int), weights=teu[disp],
                                      minlength=n_days)[:n_days],
        "teu_delivered": np.bincount((t[deliv] // 24).astype(int), weights=teu[deliv],
                                     minlength=n_days)[:n_days],
        "held_origin_mean_trains": held_mean, "held_origin_max_trains": held_max,
    }))


def replication_kpis(result: ReplicationResult, compiled: CompiledScenario) -> Kpis:
    """KPIs of one replication (tables with a ``rep`` column; see :class:`Kpis`).

    Computed from the event log's columns as numpy arrays (strings as codes), without
    a pandas frame of the log.

    Parameters
    ----------
    result : ReplicationResult
        The replication's event log, road-post days and end state.
    compiled : CompiledScenario
        The scenario it simulated (window, services, network).

    Raises
    ------
    InvariantError
        A KPI is not a finite number (:func:`~landbridge.analysis.schema.check_finite`):
        refused here, naming the KPI and the replication, rather than stored as an
        empty cell.
    """
    sc = compiled.scenario
    rep = result.replication
    log = _Log(result.events)
    od, services, corridors = _transit_tables(log, compiled, rep)
    crossings, queue_by_day = _crossing_tables(log, compiled, rep)
    tday = _throughput_by_day(log, compiled, rep)
    road = _road(result, compiled, int(sc.warmup_h // 24), rep)
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
        overloaded=float(bool(c.overloaded)), capacity_note=getattr(c, "capacity_note", ""))
        for c in getattr(e, "corridors", ())])
    reform = KPI_SCHEMA["reformation"].frame([dict(
        rep=rep, node=r.node, teu_in=r.teu_in, teu_out=r.teu_out,
        dwell_mean_h=r.dwell_mean_h, dwell_max_h=r.dwell_max_h, teu_left=r.teu_left)
        for r in getattr(e, "reformation", ())])
    out = Kpis(od=od, services=services, corridors=corridors, crossings=crossings,
               queue_by_day=queue_by_day, throughput_by_day=tday, road=road,
               corridor_load=cload, reformation=reform,
               diversions=_diversion_table(log, compiled, rep), run=run)
    for name in Kpis.TABLES:
        check_finite(name, getattr(out, name), f"replication {rep}")
    return out


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
        check_finite(name, table, "the mean over replications")  # e.g. an overflowing sum
        out[name] = table
    return Kpis(**out)
