"""What a report shows, read from a run directory (see :mod:`landbridge.store.rundir`).

Derived quantities
------------------
transit time
    ``time_h − dispatch_h`` of each ``deliver`` event whose ``dispatch_h`` lies in the
    statistics window ``[warmup_h, horizon_h)``, in days (the definition of
    :mod:`landbridge.analysis.kpis`).
link utilization
    trains per day on the link in its busier direction ÷ ``capacity_trains_per_day``
    (capacity per direction). Trains per day on a link are the trains *dispatched* in
    the statistics window on every service whose route uses the link, per replication,
    divided by the window length in days: the load the timetable puts on the link,
    which is what a planner compares with the line capacity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from landbridge.store.rundir import read_run_json
from landbridge.errors import StoreError

__all__ = ["RunData", "load_run", "transit_times", "link_utilization", "crossing_waits",
           "run_events", "read_events"]


@dataclass(frozen=True)
class RunData:
    """One run as the report needs it.

    Attributes
    ----------
    path : Path
        The run directory.
    run_id : str
        The store's run id (or the directory name).
    manifest, scenario : dict
        ``manifest.json`` and ``scenario.json``.
    tables : dict of str to DataFrame
        The KPI summary tables of ``kpis.json``.
    events : DataFrame
        The ``dispatch`` and ``deliver`` rows of ``events.parquet`` (replication,
        service, event, time_h, teu, dispatch_h).
    network : dict or None
        ``network.json`` (None for run directories written before it existed).
    """

    path: Path
    run_id: str
    manifest: dict[str, Any]
    scenario: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    events: pd.DataFrame
    network: dict[str, Any] | None = field(default=None)

    @property
    def window_h(self) -> tuple[float, float]:
        """The statistics window ``(warmup_h, horizon_h)`` in hours."""
        return (24.0 * float(self.manifest.get("warmup_days") or 0.0),
                24.0 * float(self.manifest["horizon_days"]))

    @property
    def replications(self) -> int:
        return int(self.manifest.get("replications") or 1)

    def node_name(self, node_id: str) -> str:
        if self.network:
            for n in self.network["nodes"]:
                if n["id"] == node_id:
                    return n["name"]
        return node_id

    def crossing_name(self, crossing_id: str) -> str:
        if self.network:
            for c in self.network["crossings"]:
                if c["id"] == crossing_id:
                    return c["name"]
        return crossing_id


_json = read_run_json


def load_run(path: str | Path, run_id: str | None = None) -> RunData:
    """Read a run directory for the report.

    Raises
    ------
    StoreError
        A file of the run directory is missing or unreadable.
    """
    path = Path(path)
    if not path.is_dir():
        raise StoreError(f"run directory {path} does not exist (moved or deleted?)")
    manifest = _json(path / "manifest.json")
    scenario = _json(path / "scenario.json")
    kpis = _json(path / "kpis.json")
    network = _json(path / "network.json") if (path / "network.json").exists() else None
    if network is not None and not (isinstance(network, dict)
                                    and {"nodes", "links", "crossings"} <= set(network)):
        raise StoreError(f"{path / 'network.json'}: expected the run's network snapshot "
                         "(an object with nodes, links and crossings); the file is damaged")
    ev_path = path / "events.parquet"
    if not ev_path.is_file():
        raise StoreError(f"{ev_path}: missing; the run directory is incomplete")
    try:
        events = pq.read_table(
            ev_path, columns=["replication", "service", "event", "time_h", "teu", "dispatch_h"],
            filters=[("event", "in", ["dispatch", "deliver"])]).to_pandas()
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for bad files
        raise StoreError(f"{ev_path}: cannot be read as Parquet ({exc})") from None
    tables = {name: pd.DataFrame(rows) for name, rows in kpis.get("tables", {}).items()}
    return RunData(path=path, run_id=run_id or path.name, manifest=manifest,
                   scenario=scenario, tables=tables, events=events, network=network)


def transit_times(run: RunData) -> pd.DataFrame:
    """Transit time of every delivered train dispatched in the statistics window.

    Returns
    -------
    DataFrame
        ``origin, destination, od`` (node names ``"A → B"``), ``transit_d`` (days),
        ``replication``; sorted by od then transit time.
    """
    lo, hi = run.window_h
    svc = {s["id"]: (s["origin"], s["destination"]) for s in (run.network or {}).get(
        "services", [])}
    ev = run.events
    d = ev[(ev.event == "deliver") & (ev.dispatch_h >= lo) & (ev.dispatch_h < hi)]
    rows = pd.DataFrame({
        "origin": [svc.get(s, (s, s))[0] if svc else s for s in d.service],
        "destination": [svc.get(s, (s, s))[1] if svc else s for s in d.service],
        "transit_d": ((d.time_h - d.dispatch_h) / 24.0).to_numpy(),
        "replication": d.replication.to_numpy(),
    })
    rows["od"] = [f"{run.node_name(o)} → {run.node_name(t)}" if svc else o
                  for o, t in zip(rows.origin, rows.destination)]
    return rows.sort_values(["od", "transit_d"], kind="stable").reset_index(drop=True)


def link_utilization(run: RunData) -> pd.DataFrame:
    """Trains per day and utilization of each link (see the module docstring).

    Returns
    -------
    DataFrame
        ``link, trains_per_day_ab, trains_per_day_ba`` (from_node→to_node and back),
        ``trains_per_day`` (the busier direction), ``capacity_trains_per_day``,
        ``utilization`` (None without a capacity); one row per link of the network.
    """
    if not run.network:
        return pd.DataFrame(columns=["link", "trains_per_day_ab", "trains_per_day_ba",
                                     "trains_per_day", "capacity_trains_per_day",
                                     "utilization"])
    lo, hi = run.window_h
    days = (hi - lo) / 24.0
    ev = run.events
    disp = ev[(ev.event == "dispatch") & (ev.time_h >= lo) & (ev.time_h < hi)]
    # re-formed trains (train id ".rN") are dispatched again; count each service's
    # dispatches from its origin only: those are the rows with time_h == dispatch_h
    disp = disp[(disp.time_h - disp.dispatch_h).abs() < 1e-9]
    per_service = disp.groupby("service").size().to_dict()
    links = {k["id"]: k for k in run.network["links"]}
    load = {lid: [0.0, 0.0] for lid in links}
    for s in run.network.get("services", []):
        n = per_service.get(s["id"], 0) / run.replications / days if days > 0 else 0.0
        for frm, lid in zip(s["nodes"], s["links"]):
            if lid in load:
                load[lid][0 if links[lid]["from_node"] == frm else 1] += n
    rows = []
    for lid in sorted(links):
        ab, ba = load[lid]
        cap = links[lid].get("capacity_trains_per_day")
        busier = max(ab, ba)
        rows.append(dict(link=lid, trains_per_day_ab=ab, trains_per_day_ba=ba,
                         trains_per_day=busier, capacity_trains_per_day=cap,
                         utilization=busier / cap if cap else None))
    return pd.DataFrame(rows)


def crossing_waits(run: RunData) -> pd.DataFrame:
    """Mean wait per rail crossing, trains-weighted over both directions.

    Returns
    -------
    DataFrame
        ``crossing, name, trains_per_day, wait_mean_h`` (None when no train passed).
    """
    cx = run.tables.get("crossings", pd.DataFrame())
    rows = []
    if len(cx):
        for cid, g in cx.groupby("crossing", sort=True):
            tpd = pd.to_numeric(g.trains_per_day, errors="coerce").fillna(0.0)
            w = pd.to_numeric(g.wait_mean_h, errors="coerce")
            ok = w.notna() & (tpd > 0)
            wait = float((w[ok] * tpd[ok]).sum() / tpd[ok].sum()) if ok.any() else None
            rows.append(dict(crossing=cid, name=run.crossing_name(cid),
                             trains_per_day=float(tpd.sum()), wait_mean_h=wait))
    return pd.DataFrame(rows, columns=["crossing", "name", "trains_per_day", "wait_mean_h"])




_DELAY_EVENTS = ["dispatch", "deliver", "arrive", "clearance_start", "held", "released"]


def read_events(path: str | Path, events: list[str] | None = None) -> pd.DataFrame:
    """Rows of a run directory's ``events.parquet`` (only the ``events`` kinds given).

    Raises
    ------
    StoreError
        The file is missing or not Parquet.
    """
    ev_path = Path(path) / "events.parquet"
    if not ev_path.is_file():
        raise StoreError(f"{ev_path}: missing; the run directory is incomplete")
    try:
        filters = [("event", "in", list(events))] if events else None
        return pq.read_table(ev_path, filters=filters).to_pandas()
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for bad files
        raise StoreError(f"{ev_path}: cannot be read as Parquet ({exc})") from None


def run_events(path: str | Path):
    """A run directory as :class:`landbridge.analysis.delay.RunEvents` (what the delay
    against a baseline needs: events, seed, start date, window, services, crossings).

    Raises
    ------
    StoreError
        A file of the run directory is missing or unreadable.
    """
    from landbridge.analysis.delay import RunEvents
    from landbridge.analysis.kpis import corridor_label

    path = Path(path)
    if not path.is_dir():
        raise StoreError(f"run directory {path} does not exist (moved or deleted?)")
    m = _json(path / "manifest.json")
    net = _json(path / "network.json") if (path / "network.json").exists() else {}
    crossings = {c["id"]: (c["station_a"], c["station_b"]) for c in net.get("crossings", [])}
    services = {}
    for s in net.get("services", []):
        corridor = s.get("corridor")
        if corridor is None:  # older snapshots: the gauge-break crossings are not stored
            corridor = corridor_label(s.get("crossings", []))
        services[s["id"]] = (s["origin"], s["destination"], corridor)
    return RunEvents(events=read_events(path, _DELAY_EVENTS), seed=int(m["seed"]),
                     start_date=str(m["start_date"]),
                     warmup_h=24.0 * float(m.get("warmup_days") or 0.0),
                     horizon_h=24.0 * float(m["horizon_days"]), services=services,
                     crossings=crossings)
