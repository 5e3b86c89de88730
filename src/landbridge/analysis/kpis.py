"""KPIs from event logs, and their confidence intervals over replications.

All KPIs are measured over the statistics window ``[warmup_h, horizon_h)``: transit
times of trains *dispatched* in it, crossing throughput of trains *accepted* (yard_in)
in it, waits of trains *arriving* in it.

Definitions
-----------
transit time
    deliver time − dispatch time of the train's first containers, in days.
waiting time at a crossing
    ``clearance_start − arrive``: time in the approach and receiving yard before an
    inspection team starts work (includes acceptance caps and closed hours).
dwell time at a crossing
    ``depart − arrive``.
queue length
    trains that have arrived and not yet started clearance, as a step function of time;
    reported as its maximum and, per day, its daily maximum and time average.
utilization
    busy server-hours / (servers × hours of the window): inspection teams
    (``clearance_start → cleared``), transshipment tracks (``transship_start →
    transshipped``), receiving-yard tracks (``yard_in → depart``, a lower bound as
    tracks held for back-pressure after departure are not counted).

Confidence intervals are Student-t 95 % intervals of the mean over replications
(half-width ``t(0.975, n−1) · s / √n``), ``None`` with a single replication.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from landbridge.scenario.compile import CompiledScenario
from landbridge.simulation.run import ReplicationResult

__all__ = ["Kpis", "replication_kpis", "summarize", "ci95_halfwidth"]


@dataclass(frozen=True)
class Kpis:
    """KPI tables (pandas DataFrames), one row per key and replication (``rep``
    column) or, after :func:`summarize`, one row per key with ``*_ci95`` columns.

    ``od``: origin, destination; trains, teu_delivered, transit_mean_d, transit_p50_d,
    transit_p95_d. ``crossings``: crossing, direction; trains_per_day, teu_per_day,
    wait_mean_h, wait_p95_h, dwell_mean_h, queue_max_trains, util_teams, util_tracks,
    util_yard. ``queue_by_day``: crossing, direction, day; queue_max_trains,
    queue_mean_trains, trains_accepted. ``throughput_by_day``: day; teu_dispatched,
    teu_delivered. ``road``: crossing, direction; trucks_per_day, teu_per_day,
    wait_mean_h, queue_max_trucks, queue_end_trucks, util_lanes. ``run``: one row with
    teu_dispatched, teu_delivered, trains_dispatched, trains_delivered (re-formed
    onward trains count as trains, so more trains than dispatched may arrive),
    backlog_teu (TEU *waiting* at the end: at crossings, held upstream, in re-formation
    buffers), undelivered_teu (dispatched − delivered, i.e. the backlog plus TEU still
    running), waiting_at_crossings_teu, held_teu, in_buffers_teu, in_transit_teu.
    """

    od: pd.DataFrame
    crossings: pd.DataFrame
    queue_by_day: pd.DataFrame
    throughput_by_day: pd.DataFrame
    road: pd.DataFrame
    run: pd.DataFrame

    TABLES = ("od", "crossings", "queue_by_day", "throughput_by_day", "road", "run")

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in self.TABLES}


def ci95_halfwidth(values: Sequence[float]) -> float | None:
    """Half-width of the Student-t 95 % confidence interval of the mean of ``values``;
    ``None`` for fewer than two values."""
    x = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if len(x) < 2:
        return None
    s = float(np.std(x, ddof=1))
    return float(stats.t.ppf(0.975, len(x) - 1) * s / math.sqrt(len(x)))


def _clip_busy(start: pd.Series, end: pd.Series, lo: float, hi: float) -> float:
    s = start.clip(lower=lo, upper=hi)
    e = end.clip(lower=lo, upper=hi)
    return float((e - s).clip(lower=0).sum())


def replication_kpis(result: ReplicationResult, compiled: CompiledScenario) -> Kpis:
    """KPIs of one replication (tables with a ``rep`` column)."""
    sc = compiled.scenario
    net = compiled.network
    lo, hi = sc.warmup_h, sc.horizon_h
    days = (hi - lo) / 24.0
    rep = result.replication
    ev = result.events.to_pandas()
    first_day = int(lo // 24)
    n_days = int(math.ceil(hi / 24.0))

    # --- origin–destination transit times
    svc_od = {p.id: (p.origin, p.destination) for p in compiled.services}
    dl = ev[(ev.event == "deliver") & (ev.dispatch_h >= lo)].copy()
    rows = []
    for (o, d) in sorted(set(svc_od.values())):
        sids = [s for s, od in svc_od.items() if od == (o, d)]
        part = dl[dl.service.isin(sids)]
        tt = (part.time_h - part.dispatch_h) / 24.0
        rows.append(dict(rep=rep, origin=o, destination=d, trains=int(len(part)),
                         teu_delivered=float(part.teu.sum()),
                         transit_mean_d=float(tt.mean()) if len(tt) else None,
                         transit_p50_d=float(tt.quantile(0.5)) if len(tt) else None,
                         transit_p95_d=float(tt.quantile(0.95)) if len(tt) else None))
    od = pd.DataFrame(rows, columns=["rep", "origin", "destination", "trains", "teu_delivered",
                                     "transit_mean_d", "transit_p50_d", "transit_p95_d"])

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
            qday = _queue_by_day(steps, n_days)
            acc_day = np.bincount((acc.yard_in // 24).astype(int), minlength=n_days)[:n_days] \
                if len(acc) else np.zeros(n_days, int)
            for day in range(first_day, n_days):
                qrows.append(dict(rep=rep, crossing=cid, direction=direction, day=day,
                                  queue_max_trains=int(qday[day][0]),
                                  queue_mean_trains=float(qday[day][1]),
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
    crossings = pd.DataFrame(crow, columns=[
        "rep", "crossing", "direction", "trains_per_day", "teu_per_day", "wait_mean_h",
        "wait_p95_h", "dwell_mean_h", "queue_max_trains", "util_teams", "util_tracks",
        "util_yard"])
    queue_by_day = pd.DataFrame(qrows, columns=["rep", "crossing", "direction", "day",
                                                "queue_max_trains", "queue_mean_trains",
                                                "trains_accepted"])

    # --- throughput by day
    disp = ev[ev.event == "dispatch"]
    deliv = ev[ev.event == "deliver"]
    tday = pd.DataFrame({
        "rep": rep, "day": range(n_days),
        "teu_dispatched": np.bincount((disp.time_h // 24).astype(int), weights=disp.teu,
                                      minlength=n_days)[:n_days],
        "teu_delivered": np.bincount((deliv.time_h // 24).astype(int), weights=deliv.teu,
                                     minlength=n_days)[:n_days],
    })

    # --- road posts
    rrows = []
    rd = pd.DataFrame([d.__dict__ for d in result.road_days])
    if len(rd):
        rd = rd[rd.day >= first_day]
        for (cid, direction), g in rd.groupby(["crossing", "direction"], sort=True):
            n = len(g)
            processed = g.processed_trucks.sum()
            teu_truck = next((f.teu_per_truck for f in sc.road_flows
                              if f.crossing == cid and f.direction == direction), 2.0)
            rrows.append(dict(
                rep=rep, crossing=cid, direction=direction,
                trucks_per_day=float(processed / n) if n else 0.0,
                teu_per_day=float(processed * teu_truck / n) if n else 0.0,
                wait_mean_h=float(g.truck_hours_waiting.sum() / g.arrived_trucks.sum())
                if g.arrived_trucks.sum() else None,
                queue_max_trucks=float(g.queue_max_trucks.max()),
                queue_end_trucks=float(g.queue_end_trucks.iloc[-1]),
                util_lanes=float(g.lane_hours_busy.sum() / g.lane_hours_open.sum())
                if g.lane_hours_open.sum() else None))
    road = pd.DataFrame(rrows, columns=["rep", "crossing", "direction", "trucks_per_day",
                                        "teu_per_day", "wait_mean_h", "queue_max_trucks",
                                        "queue_end_trucks", "util_lanes"])

    e = result.end
    run = pd.DataFrame([dict(
        rep=rep, teu_dispatched=e.dispatched_teu, teu_delivered=e.delivered_teu,
        trains_dispatched=e.trains_dispatched, trains_delivered=e.trains_delivered,
        backlog_teu=e.waiting_at_crossings_teu + e.held_teu + e.in_buffers_teu,
        undelivered_teu=e.dispatched_teu - e.delivered_teu,
        waiting_at_crossings_teu=e.waiting_at_crossings_teu, held_teu=e.held_teu,
        in_buffers_teu=e.in_buffers_teu, in_transit_teu=e.in_transit_teu,
        events=result.n_events)])
    return Kpis(od=od, crossings=crossings, queue_by_day=queue_by_day,
                throughput_by_day=tday, road=road, run=run)


def _queue_by_day(steps: pd.DataFrame, n_days: int) -> list[tuple[int, float]]:
    """(daily max, daily time-average) of the queue step function."""
    out = []
    t = steps.t.to_numpy()
    q = steps.q.to_numpy()
    level = 0
    j = 0
    for day in range(n_days):
        start, end = day * 24.0, (day + 1) * 24.0
        peak = level
        area = 0.0
        last = start
        while j < len(t) and t[j] < end:
            area += level * (t[j] - last)
            last = t[j]
            level = int(q[j])
            peak = max(peak, level)
            j += 1
        area += level * (end - last)
        out.append((peak, area / 24.0))
    return out


_KEYS = {"od": ["origin", "destination"], "crossings": ["crossing", "direction"],
         "queue_by_day": ["crossing", "direction", "day"], "throughput_by_day": ["day"],
         "road": ["crossing", "direction"], "run": []}


def summarize(per_rep: Sequence[Kpis]) -> Kpis:
    """Mean of each KPI over replications with its 95 % CI half-width (``*_ci95``);
    daily tables (``queue_by_day``, ``throughput_by_day``) are averaged without CI."""
    out = {}
    for name in Kpis.TABLES:
        df = pd.concat([getattr(k, name) for k in per_rep], ignore_index=True)
        keys = _KEYS[name]
        value_cols = [c for c in df.columns if c not in keys + ["rep"]]
        with_ci = name not in ("queue_by_day", "throughput_by_day")
        if df.empty:
            cols = keys + [c for v in value_cols for c in ((v, f"{v}_ci95") if with_ci else (v,))]
            out[name] = pd.DataFrame(columns=cols + ["replications"])
            continue
        if not with_ci and keys:
            # daily tables: many rows, no CI — one vectorised group-by
            num = df[keys + value_cols].copy()
            for v in value_cols:
                num[v] = pd.to_numeric(num[v], errors="coerce").astype(float)
            g = num.groupby(keys, sort=True)
            table = g[value_cols].mean().reset_index()
            table["replications"] = df.groupby(keys, sort=True)["rep"].nunique().to_numpy()
            out[name] = table
            continue
        groups = df.groupby(keys, sort=True) if keys else [((), df)]
        rows = []
        for key, g in groups:
            key = key if isinstance(key, tuple) else (key,)
            row = dict(zip(keys, key))
            for v in value_cols:
                vals = pd.to_numeric(g[v], errors="coerce").dropna().to_numpy(dtype=float)
                row[v] = float(vals.mean()) if len(vals) else None
                if with_ci:
                    row[f"{v}_ci95"] = ci95_halfwidth(vals)
            row["replications"] = int(g["rep"].nunique())
            rows.append(row)
        out[name] = pd.DataFrame(rows)
    return Kpis(**out)
