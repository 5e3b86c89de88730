"""Delay against a baseline: TEU delayed, TEU-days of delay, when queues and the
backlog were back to baseline, extra transit time — each with its 95 % CI.

Matching
--------
The run and its baseline must be the same scenario with one change (a closure, more
demand, a policy) and the same seed, start date and replications: replication ``r`` of
both then shares its random streams everywhere the change does not reach (common
random numbers), so the difference of the two is the effect of the change. A
*consignment* is identified by ``(replication, service, departure)``: ``departure`` is
the n-th departure of the service from its origin in that replication (the event log's
``departure`` column, or else the rank of the origin ``dispatch`` time among the
service's dispatches). The consignment's delivery time is the TEU-weighted mean of its
``deliver`` rows (a train split at a re-formation point delivers in parts). Only
consignments that left in the baseline's statistics window ``[warmup_h, horizon_h)``
and arrived in the baseline by the horizon are matched; one not delivered in the run
by the horizon counts with the delay it had reached at the horizon (a lower bound,
reported as ``censored_teu``).

Measures (per replication, then mean and Student-t 95 % half-width over replications)
--------------------------------------------------------------------------------------
delay of a consignment
    delivery time in the run − delivery time in the baseline (h); it includes time held
    at the origin, so a later departure counts as delay.
TEU delayed > 1 d, > 2 d
    TEU of consignments whose delay exceeds 24 h, 48 h.
TEU-days of delay
    Σ TEU × max(delay, 0) / 24.
backlog back to baseline
    the backlog ``B(t)`` = TEU dispatched from the origins by the end of day ``t`` (at
    their scheduled dispatch time) − TEU delivered by then; its excess ``D(t) =
    B_run(t) − B_baseline(t)``; the backlog is back on the first day after the last day
    with ``D`` above ``tolerance_teu`` (default 100 TEU, about one train); "never above"
    when ``D`` never exceeded it, "not by the end" when it still does on the last day.
    With the same timetable ``D`` is the TEU the run's deliveries lag the baseline's.
queue back to baseline (per crossing and direction)
    the daily mean queue (trains waiting for clearance) of the run minus the
    baseline's; back on the first day after the last day on which it exceeded
    ``tolerance_trains`` (default 0.5 trains).
extra transit
    mean transit time (deliver − dispatch, days) of the run minus the baseline's, per
    origin–destination pair and per corridor, over each replication's deliveries that
    left in the window.

The interval of a paired measure is over the per-replication differences; a day
reached in some replications and not in others is reported with how many did not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from landbridge.analysis.schema import DELAY_TOTALS
from landbridge.analysis.kpis import daily_step_stats
from landbridge.analysis.stats import mean_ci95
from landbridge.analysis.stats import number_or_none as _num

__all__ = ["DelaySummary", "delay_against_baseline", "consignments", "RunEvents",
           "ComparabilityError", "recovery_statistic", "recovery_phrase"]


class ComparabilityError(ValueError):
    """The two runs cannot be matched (different seed, start date or no common
    replication); the message names the parameter that differs."""


@dataclass(frozen=True)
class RunEvents:
    """What :func:`delay_against_baseline` needs of one run.

    Attributes
    ----------
    events : DataFrame
        Event log rows with at least ``replication, seq, train, service, event, node,
        crossing, time_h, teu, dispatch_h`` (``departure`` and ``corridor`` used when
        present); only ``dispatch``, ``deliver``, ``arrive`` and ``clearance_start``
        rows are read.
    seed : int
    start_date : str
        ISO date of hour 0.
    warmup_h, horizon_h : float
        The statistics window.
    services : mapping of str to (origin, destination, corridor)
    crossings : mapping of str to (station_a, station_b)
        For naming queue directions.
    """

    events: pd.DataFrame
    seed: int
    start_date: str
    warmup_h: float
    horizon_h: float
    services: Mapping[str, tuple[str, str, str]]
    crossings: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class DelaySummary:
    """Delay of a run against its baseline (see the module docstring).

    Attributes
    ----------
    replications : int
        Paired replications.
    start_date : str
    totals : DataFrame
        ``measure, mean, ci95, unit``: ``teu_delayed_1d``, ``teu_delayed_2d``,
        ``teu_days_delay``, ``matched_teu``, ``censored_teu``, ``mean_delay_h``.
    backlog : dict
        ``days``: per replication the day (from the start) the backlog was back, None
        when it never rose above the baseline's or was still above it at the end;
        ``recovered`` (replications that fell behind and were back by the end),
        ``not_recovered`` (replications still behind at the end), ``never_behind``
        (replications never behind); over the recovered replications ``day`` (mean),
        ``ci95``, ``median_day``, ``min_day``, ``max_day``; ``peak_deficit_teu`` (mean
        over replications of the largest deficit).
    queues : DataFrame
        ``crossing, direction, day, ci95, not_recovered, peak_excess_trains`` for each
        crossing side whose queue ever exceeded the baseline's, sorted by peak; ``day``
        and ``ci95`` over the replications that were back only; ``days`` (per
        replication, as for the backlog), ``never_behind``, ``recovered``,
        ``median_day``, ``min_day``, ``max_day``: the :func:`recovery_statistic` that
        :meth:`queue_back` states.
    od, corridors : DataFrame
        ``origin, destination`` / ``corridor``, ``extra_transit_d``, ``ci95``,
        ``run_transit_d``, ``baseline_transit_d``, ``replications``.
    warnings : tuple of str
    method : str
        How consignments were matched (one sentence).
    """

    replications: int
    start_date: str
    totals: pd.DataFrame
    backlog: dict
    queues: pd.DataFrame
    od: pd.DataFrame
    corridors: pd.DataFrame
    warnings: tuple[str, ...]
    method: str
    horizon_days: float | None = None

    def total(self, measure: str) -> tuple[float | None, float | None]:
        """``(mean, ci95)`` of one measure of :attr:`totals`."""
        row = self.totals[self.totals.measure == measure]
        if not len(row):
            return None, None
        r = row.iloc[0]
        return _num(r["mean"]), _num(r["ci95"])

    def date_of(self, day: float | None) -> str | None:
        """Calendar date of a day number from the start (rounded up)."""
        if day is None:
            return None
        return (date.fromisoformat(self.start_date) + timedelta(days=math.ceil(day - 1e-9))
                ).isoformat()

    def headline(self, names: Mapping[str, str] | None = None, max_items: int = 3
                 ) -> list[str]:
        """A few lines that answer "how many TEU were delayed, by how much, and when had
        the backlog cleared" (names: node/crossing id → display name)."""
        nm = dict(names or {})
        n = self.replications
        ci = "" if n < 2 else ", ± 95 % CI"
        d1, d1c = self.total("teu_delayed_1d")
        d2, d2c = self.total("teu_delayed_2d")
        td, tdc = self.total("teu_days_delay")
        m, _ = self.total("matched_teu")
        lines = [f"{_pm(d1, d1c)} TEU delayed by more than 1 day, {_pm(d2, d2c)} by more "
                 f"than 2 days, {_pm(td, tdc)} TEU-days of delay in all (of {_pm(m, None)} "
                 f"TEU matched; {n} paired replication{'s' if n != 1 else ''}{ci})."]
        lines.append(self.backlog_sentence())
        q = self.queues.head(max_items)
        if len(q):
            parts = []
            for r in q.to_dict("records"):
                label = f"{nm.get(r['crossing'], r['crossing'])} {r['direction']}"
                parts.append(f"{label} {self.queue_back(r)}")
            lines.append("Queues back to baseline: " + "; ".join(parts) + ".")
        parts = []
        for df, label in ((self.od, lambda r: f"{nm.get(r['origin'], r['origin'])} → "
                                              f"{nm.get(r['destination'], r['destination'])}"),
                          (self.corridors, lambda r: f"corridor {r['corridor'] or '(none)'}")):
            if not len(df):
                continue
            top = df.reindex(df.extra_transit_d.abs().sort_values(ascending=False).index)
            for r in top.head(2 if df is self.od else 1).to_dict("records"):
                if _num(r["extra_transit_d"]) is None:
                    continue
                parts.append(f"{label(r)} {_pm(r['extra_transit_d'], r['ci95'], 1, True)} d")
        if parts:
            lines.append("Extra transit time: " + "; ".join(parts) + ".")
        return lines + [f"warning: {w}" for w in self.warnings]

    def queue_back(self, row: Mapping) -> str:
        """When one :attr:`queues` row was back to the baseline's queue, by the same
        rule as the backlog (:func:`recovery_phrase`)."""
        st = recovery_statistic(row.get("days") or [], int(row.get("never_behind") or 0),
                                int(row.get("not_recovered") or 0), self.replications)
        return recovery_phrase(st, self.date_of)

    def backlog_sentence(self) -> str:
        """When the backlog (TEU dispatched − delivered) was back to the baseline's, as a
        statistic over the replications (see :attr:`backlog`).

        A date is given as *the* answer only when every replication that fell behind
        was back by the end: the date itself with one such replication, else the median
        and the range. When only some were back, the sentence says how many and when,
        and how many still had a backlog at the end of the run.
        """
        b, n = self.backlog, self.replications
        st = recovery_statistic(b.get("days") or [], int(b.get("never_behind") or 0),
                                int(b.get("not_recovered") or 0), n)
        never, stuck, k = st["never"], st["stuck"], st["k"]
        peak = f"peak {_pm(b.get('peak_deficit_teu'), None)} TEU above it"
        run = (f"the {self.horizon_days:g}-day run" if self.horizon_days else "the run")
        if never == n:
            return "The backlog never rose above the baseline's."
        reps = f"replication{'s' if n != 1 else ''}"
        if not k:  # every replication that fell behind was still behind at the end
            return (f"Backlog still above the baseline's at the end of {run} in {stuck} of "
                    f"{n} {reps} ({peak}).")
        median = self.date_of(st["median_day"])
        span = f"{self.date_of(st['min_day'])} – {self.date_of(st['max_day'])}"
        if stuck:
            when = f"median {median}, range {span}" if k > 1 else median
            return (f"Backlog back to baseline in {k} of {n} {reps} ({when}); {stuck} of "
                    f"{n} still had a backlog at the end of {run} ({peak}).")
        spread = f"median of {k} replications, range {span}; " if k > 1 else ""
        if never:
            return (f"Backlog back to baseline on {median} in the {k} replication"
                    f"{'s' if k != 1 else ''} that fell behind ({spread}{never} never "
                    f"did; {peak}).")
        return f"Backlog back to baseline on {median} ({spread}{peak})."


def recovery_statistic(days: Sequence[float | None], never: int, stuck: int, n: int
                       ) -> dict:
    """The "back to baseline" statistic over replications, one rule for the backlog
    and every queue: of ``n`` replications, ``never`` were never behind, ``stuck``
    still behind at the end, and ``k`` (the days given) back by the end; over those
    ``k`` the median, first and last day. A date is *the* answer only when every
    replication that fell behind was back (see :meth:`DelaySummary.backlog_sentence`).

    Parameters
    ----------
    days : sequence of float or None
        Per replication the day (from the start) it was back; None when never behind or
        still behind at the end.
    never, stuck, n : int
        Replications never behind, still behind at the end, in all.

    Returns
    -------
    dict
        ``k, n, never, stuck, median_day, min_day, max_day`` (days None when k = 0).
    """
    done = sorted(float(d) for d in days if d is not None)
    return dict(k=len(done), n=int(n), never=int(never), stuck=int(stuck),
                median_day=float(np.median(done)) if done else None,
                min_day=done[0] if done else None, max_day=done[-1] if done else None)


def recovery_phrase(stat: Mapping, date_of) -> str:
    """Short text of a :func:`recovery_statistic` (a table cell, a headline item):
    "2021-06-29", "2021-06-29 (median of 3, range …)", "in 1 of 3 replications
    (2021-06-29); 2 of 3 not back by the end", "not back by the end in 3 of 3",
    "never above it"; ``date_of`` turns a day number into a date."""
    k, n, never, stuck = stat["k"], stat["n"], stat["never"], stat["stuck"]
    reps = f"replication{'s' if n != 1 else ''}"
    if never == n:
        return "never above it"
    if not k:
        return f"not back by the end in {stuck} of {n} {reps}"
    median = date_of(stat["median_day"])
    span = f"range {date_of(stat['min_day'])} – {date_of(stat['max_day'])}"
    if stuck:
        when = f"median {median}, {span}" if k > 1 else median
        return f"in {k} of {n} {reps} ({when}); {stuck} of {n} not back by the end"
    spread = f"median of {k}, {span}" if k > 1 else ""
    if never:
        return (f"{median} in the {k} {'replication' if k == 1 else 'replications'} above "
                f"it ({spread + '; ' if spread else ''}{never} never above it)")
    return f"{median} ({spread})" if spread else median


def _pm(v, ci, digits: int = 0, sign: bool = False) -> str:
    v = _num(v)
    if v is None:
        return "–"
    s = f"{v:+,.{digits}f}" if sign else f"{v:,.{digits}f}"
    c = _num(ci)
    return s + (f" ± {c:,.{digits}f}" if c is not None else "")


def consignments(ev: pd.DataFrame, reps: list[int] | None = None) -> pd.DataFrame:
    """One row per consignment ``(replication, service, departure)`` of an event log:
    ``dispatch_h``, ``teu`` (TEU delivered), ``deliver_h`` (TEU-weighted mean delivery
    time; NaN when nothing was delivered), ``teu_dispatched``.

    Departures are numbered 1, 2, ... per service and replication in order of origin
    dispatch (the ``departure`` column when the log has one).
    """
    if reps is not None:
        ev = ev[ev.replication.isin(reps)]
    disp = ev[ev.event == "dispatch"]
    if "departure" in ev.columns:
        disp = disp.drop_duplicates(["replication", "service", "departure"])
        dep = disp[["replication", "service", "departure", "dispatch_h", "teu"]]
    else:
        # origin dispatches: trains re-formed on the way are dispatched again later
        disp = disp[(disp.time_h - disp.dispatch_h).abs() < 1e-9]
        disp = disp.sort_values(["replication", "service", "time_h", "seq"], kind="stable")
        disp = disp.drop_duplicates(["replication", "service", "dispatch_h"])
        dep = disp[["replication", "service", "dispatch_h", "teu"]].copy()
        dep["departure"] = dep.groupby(["replication", "service"]).cumcount() + 1
    dep = dep.rename(columns={"teu": "teu_dispatched"})
    dl = ev[ev.event == "deliver"]
    keys = ["replication", "service", "departure"]
    if "departure" in dl.columns:
        dl = dl[keys + ["teu", "time_h"]]
    else:
        dl = dl.merge(dep[["replication", "service", "dispatch_h", "departure"]],
                      on=["replication", "service", "dispatch_h"], how="inner")[
            keys + ["teu", "time_h"]]
    dl = dl.assign(w=dl.teu * dl.time_h)
    agg = dl.groupby(keys).agg(teu=("teu", "sum"), w=("w", "sum")).reset_index()
    agg["deliver_h"] = agg.w / agg.teu.where(agg.teu > 0)
    out = dep.merge(agg.drop(columns="w"), on=keys, how="left")
    out["teu"] = out.teu.fillna(0.0)
    return out[keys + ["dispatch_h", "teu_dispatched", "teu", "deliver_h"]]


def _check(run: RunEvents, base: RunEvents) -> tuple[list[str], float]:
    problems, warnings = [], []
    if run.seed != base.seed:
        problems.append(f"seed differs ({run.seed} vs baseline {base.seed}): replications "
                        "do not share their random streams, so consignments cannot be paired")
    if str(run.start_date) != str(base.start_date):
        problems.append(f"start_date differs ({run.start_date} vs baseline "
                        f"{base.start_date}): departures are not the same timetable")
    if problems:
        raise ComparabilityError("; ".join(problems))
    horizon = min(run.horizon_h, base.horizon_h)
    if run.horizon_h != base.horizon_h:
        warnings.append(f"horizon differs ({run.horizon_h / 24:g} vs baseline "
                        f"{base.horizon_h / 24:g} days): compared over the first "
                        f"{horizon / 24:g} days")
    if run.warmup_h != base.warmup_h:
        warnings.append(f"warm-up differs ({run.warmup_h / 24:g} vs baseline "
                        f"{base.warmup_h / 24:g} days): the baseline's window is used")
    return warnings, horizon


def _daily_backlog(ev: pd.DataFrame, rep: int, n_days: int) -> np.ndarray:
    """TEU dispatched from origins by the end of each day (by scheduled dispatch time)
    minus TEU delivered by then: the TEU on their way, waiting or held."""
    r = ev[ev.replication == rep]
    d = r[r.event == "deliver"]
    o = r[r.event == "dispatch"]
    if "departure" in o.columns:
        o = o.drop_duplicates(["service", "departure"])
    else:
        o = o[(o.time_h - o.dispatch_h).abs() < 1e-9]
    day_d = (d.time_h // 24).astype(int).clip(upper=n_days)
    day_o = (o.dispatch_h // 24).astype(int).clip(lower=0, upper=n_days)
    out = np.bincount(day_o, weights=o.teu, minlength=n_days + 1)[:n_days] \
        - np.bincount(day_d, weights=d.teu, minlength=n_days + 1)[:n_days]
    return np.cumsum(out)


def _recovery(excess: np.ndarray, tol: float) -> tuple[float | None, bool, bool]:
    """(day back, never exceeded, still exceeded at the end) of a daily excess series."""
    above = np.flatnonzero(excess > tol)
    if not len(above):
        return None, True, False
    last = int(above[-1])
    if last == len(excess) - 1:
        return None, False, True
    return float(last + 1), False, False


def _queues(ev: pd.DataFrame, reps: list[int], n_days: int,
            crossings: Mapping[str, tuple[str, str]]) -> dict[tuple, np.ndarray]:
    """Daily mean queue per (rep, crossing, direction label)."""
    cx = ev[ev.event.isin(["arrive", "clearance_start"]) & (ev.crossing != "")]
    out: dict[tuple, np.ndarray] = {}
    if not len(cx):
        return out
    # a train's clearance_start belongs to the side where it arrived
    arr = cx[cx.event == "arrive"][["replication", "train", "crossing", "node"]]
    cx = cx.merge(arr.rename(columns={"node": "side"}).drop_duplicates(
        ["replication", "train", "crossing"]), on=["replication", "train", "crossing"])
    cx = cx.sort_values(["replication", "crossing", "side", "time_h", "seq"], kind="stable")
    for (rep, cid, side), g in cx.groupby(["replication", "crossing", "side"], sort=True):
        if rep not in reps:
            continue
        step = np.where(g.event.to_numpy() == "arrive", 1.0, -1.0)
        # same-time ties: leave before arrive is not guaranteed; the cumulative sum of
        # the log's order is the queue as recorded
        _, mean = daily_step_stats(g.time_h.to_numpy(), np.cumsum(step), n_days)
        a, b = crossings.get(cid, (side, ""))
        label = f"{side}→{b if side == a else a}" if b else side
        out[(rep, cid, label)] = mean
    return out


def _transit(ev: pd.DataFrame, rep: int, lo: float, hi: float,
             services: Mapping[str, tuple[str, str, str]]) -> pd.DataFrame:
    d = ev[(ev.replication == rep) & (ev.event == "deliver") & (ev.dispatch_h >= lo)
           & (ev.dispatch_h < hi) & (ev.time_h < hi)]
    od = d.service.map(lambda s: services.get(s, ("", "", ""))[:2])
    corridor = d.corridor if "corridor" in d.columns else d.service.map(
        lambda s: services.get(s, ("", "", ""))[2])
    return pd.DataFrame({"origin": [o for o, _ in od], "destination": [t for _, t in od],
                         "corridor": corridor.to_numpy(),
                         "transit_d": ((d.time_h - d.dispatch_h) / 24.0).to_numpy()})


def delay_against_baseline(run: RunEvents, baseline: RunEvents, *,
                           tolerance_teu: float = 100.0, tolerance_trains: float = 0.5
                           ) -> DelaySummary:
    """Delay of ``run`` against ``baseline``, paired by replication and consignment.

    Parameters
    ----------
    run, baseline : RunEvents
        The two runs (same scenario but one change, same seed and start date).
    tolerance_teu : float
        TEU deficit below which the backlog counts as back to baseline.
    tolerance_trains : float
        Excess of the daily mean queue (trains) below which a queue counts as back.

    Returns
    -------
    DelaySummary

    Raises
    ------
    ComparabilityError
        The seeds or start dates differ, or the runs share no replication.
    """
    warnings, horizon = _check(run, baseline)
    reps = sorted(set(run.events.replication.unique()) & set(baseline.events.replication
                                                                .unique()))
    if not reps:
        raise ComparabilityError("the runs share no replication index (replications)")
    n_run = run.events.replication.nunique()
    n_base = baseline.events.replication.nunique()
    if n_run != n_base:
        warnings.append(f"replications differ ({n_run} vs baseline {n_base}): the "
                        f"{len(reps)} common ones are paired")
    lo, hi = baseline.warmup_h, horizon
    n_days = int(math.ceil(hi / 24.0))
    keys = ["replication", "service", "departure"]
    cb = consignments(baseline.events, reps)
    cr = consignments(run.events, reps)
    m = cb[(cb.dispatch_h >= lo) & (cb.dispatch_h < hi) & (cb.deliver_h < hi)
           & (cb.teu > 0)].merge(cr[keys + ["dispatch_h", "deliver_h", "teu"]], on=keys,
                                 how="left", suffixes=("", "_run"))
    moved = m.dispatch_h_run.notna() & ((m.dispatch_h_run - m.dispatch_h).abs() > 0.5)
    if len(m) and m.teu[moved].sum() > 0.05 * m.teu.sum():
        warnings.append(
            f"the timetables differ ({m.teu[moved].sum() / m.teu.sum():.0%} of the matched "
            "TEU left at another time in the run): consignments are paired by departure "
            "index, so their delays mix the timetable change with congestion")
    censored = m.deliver_h_run.isna() | (m.deliver_h_run >= hi)
    m["delay_h"] = np.where(censored, hi - m.deliver_h, m.deliver_h_run - m.deliver_h)
    m["censored"] = censored

    per_rep = []
    backlog_days, rep_days, never, not_rec, peaks = [], [], 0, 0, []
    queue_runs = _queues(run.events, reps, n_days, run.crossings or baseline.crossings)
    queue_base = _queues(baseline.events, reps, n_days, baseline.crossings or run.crossings)
    qrec: dict[tuple[str, str], list] = {}
    tr_od, tr_cor = [], []
    for rep in reps:
        g = m[m.replication == rep]
        late = g.delay_h.clip(lower=0)
        per_rep.append(dict(
            teu_delayed_1d=float(g.teu[g.delay_h > 24].sum()),
            teu_delayed_2d=float(g.teu[g.delay_h > 48].sum()),
            teu_days_delay=float((g.teu * late).sum() / 24.0),
            matched_teu=float(g.teu.sum()),
            censored_teu=float(g.teu[g.censored].sum()),
            mean_delay_h=float((g.teu * g.delay_h).sum() / g.teu.sum()) if g.teu.sum()
            else None))
        deficit = _daily_backlog(run.events, rep, n_days) - _daily_backlog(
            baseline.events, rep, n_days)
        peaks.append(float(deficit.max()) if len(deficit) else 0.0)
        day, nev, still = _recovery(deficit, tolerance_teu)
        never += nev
        not_rec += still
        rep_days.append(day)
        if day is not None:
            backlog_days.append(day)
        for key in sorted({(c, lab) for (r, c, lab) in list(queue_runs) + list(queue_base)
                           if r == rep}):
            qa = queue_runs.get((rep, *key), np.zeros(n_days))
            qb = queue_base.get((rep, *key), np.zeros(n_days))
            excess = qa - qb
            day, nev, still = _recovery(excess[int(lo // 24):], tolerance_trains)
            rec = qrec.setdefault(key, [])
            rec.append((None if day is None else day + int(lo // 24), nev, still,
                        float(excess.max()) if len(excess) else 0.0))
        a = _transit(run.events, rep, lo, hi, run.services)
        b = _transit(baseline.events, rep, lo, hi, baseline.services)
        for keyc, acc in ((["origin", "destination"], tr_od), (["corridor"], tr_cor)):
            ma = a.groupby(keyc).transit_d.mean().rename("run")
            mb = b.groupby(keyc).transit_d.mean().rename("base")
            both = pd.concat([ma, mb], axis=1).reset_index()
            both["rep"] = rep
            acc.append(both)

    pr = pd.DataFrame(per_rep)
    totals = pd.DataFrame([dict(measure=c.name, mean=mean_ci95(pr[c.name])[0],
                                ci95=mean_ci95(pr[c.name])[1], unit=c.unit)
                           for c in DELAY_TOTALS.columns])
    bday, bci = mean_ci95(backlog_days)
    st = recovery_statistic(rep_days, never, not_rec, len(reps))
    backlog = dict(day=bday, ci95=bci, days=rep_days, recovered=st["k"],
                   not_recovered=not_rec, never_behind=never, median_day=st["median_day"],
                   min_day=st["min_day"], max_day=st["max_day"],
                   peak_deficit_teu=mean_ci95(peaks)[0])
    qrows = []
    for (cid, lab), recs in qrec.items():
        if all(nev for _, nev, _, _ in recs):
            continue
        days = [d for d, _, _, _ in recs if d is not None]
        dmean, dci = mean_ci95(days)
        st = recovery_statistic([d for d, _, _, _ in recs], sum(bool(v) for _, v, _, _ in recs),
                                sum(bool(x) for _, _, x, _ in recs), len(reps))
        qrows.append(dict(crossing=cid, direction=lab, day=dmean, ci95=dci,
                          not_recovered=sum(s for _, _, s, _ in recs),
                          peak_excess_trains=mean_ci95([p for *_, p in recs])[0],
                          days=[d for d, _, _, _ in recs], never_behind=st["never"],
                          recovered=st["k"], median_day=st["median_day"],
                          min_day=st["min_day"], max_day=st["max_day"]))
    queues = pd.DataFrame(qrows, columns=["crossing", "direction", "day", "ci95",
                                          "not_recovered", "peak_excess_trains", "days",
                                          "never_behind", "recovered", "median_day",
                                          "min_day", "max_day"])
    queues = queues.sort_values("peak_excess_trains", ascending=False, kind="stable"
                                ).reset_index(drop=True)

    def paired(parts: list[pd.DataFrame], keyc: list[str]) -> pd.DataFrame:
        cols = keyc + ["extra_transit_d", "ci95", "run_transit_d", "baseline_transit_d",
                       "replications"]
        if not parts:
            return pd.DataFrame(columns=cols)
        df = pd.concat(parts, ignore_index=True)
        rows = []
        for key, g in df.groupby(keyc, sort=True):
            key = key if isinstance(key, tuple) else (key,)
            diff = (g["run"] - g["base"]).dropna()
            dm, dc = mean_ci95(diff)
            rows.append(dict(zip(keyc, key), extra_transit_d=dm, ci95=dc,
                             run_transit_d=mean_ci95(g["run"].dropna())[0],
                             baseline_transit_d=mean_ci95(g["base"].dropna())[0],
                             replications=int(len(diff))))
        return pd.DataFrame(rows, columns=cols)

    method = ("consignments matched by (replication, service, departure index from the "
              f"origin), {len(reps)} paired replications of seed {run.seed}; delay = "
              "delivery time in the run − in the baseline")
    return DelaySummary(replications=len(reps), start_date=str(baseline.start_date),
                        totals=totals, backlog=backlog, queues=queues,
                        od=paired(tr_od, ["origin", "destination"]),
                        corridors=paired(tr_cor, ["corridor"]), warnings=tuple(warnings),
                        method=method, horizon_days=hi / 24.0)
