"""Summarise a sweep directory: KPIs per point with 95 % confidence intervals, the
chart data (KPI against the varied parameters) and the failures.

Everything is rebuilt from the files in ``reps/`` and ``failures/`` (see
:mod:`landbridge.runners.sweepdir`), so the summary of a sweep is the same whether it
ran serially, on a pool, on Dask, or in several resumed sessions. CIs are Student-t
95 % half-widths over the replications of a point (:func:`landbridge.analysis.summarize`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from landbridge.analysis.kpis import Kpis, summarize
from landbridge.analysis.schema import KPI_SCHEMA, kpi_csv
from landbridge.errors import Problem, ScenarioError
from landbridge.runners.params import PathError, normalize_path
from landbridge.runners.sweepdir import (finished_replications, read_failures, read_rep,
                                         write_atomic, write_json)
from landbridge.runners.sweepfile import ChartKpi
from landbridge.store.rundir import kpis_to_json

__all__ = ["SweepSummary", "summarize_sweep", "chart_specs", "MAX_PANELS"]

MAX_PANELS = 12
_TABLES = tuple(KPI_SCHEMA)


@dataclass
class SweepSummary:
    """The summary of a sweep directory.

    ``tables``: the KPI tables (as :class:`~landbridge.analysis.Kpis`) of every point,
    concatenated, with ``point`` and one column per parameter path in front.
    ``points``: one row per point: parameters, ``replications`` finished, ``failed``,
    and the charted KPIs with their ``_ci95``. ``chart``: long table (``panel``,
    parameters, ``value``, ``ci95``, ``replications``) behind the chart.
    """

    manifest: dict
    tables: dict[str, pd.DataFrame]
    points: pd.DataFrame
    chart: pd.DataFrame
    failures: list[dict] = field(default_factory=list)

    @property
    def parameters(self) -> list[str]:
        return [p["path"] for p in self.manifest["parameters"]]

    def label(self, path: str) -> str:
        return {p["path"]: p["label"] for p in self.manifest["parameters"]}.get(path, path)


def _cell(v: Any) -> Any:
    return json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v


def chart_specs(manifest: dict) -> list[ChartKpi]:
    """The KPIs to chart: the sweep's ``chart`` list, or by default the waiting time at
    every crossing whose fields are varied, the transit time of each origin–destination
    pair, and TEU delivered and backlog at the end."""
    given = manifest["sweep"].get("chart") or []
    if given:
        return [ChartKpi.model_validate(c) for c in given]
    specs = []
    seen = []
    for p in manifest["parameters"]:
        try:
            parts = normalize_path(p["path"])
        except PathError:  # pragma: no cover - validated when planned
            continue
        if parts[:2] == ["overrides", "crossings"] and len(parts) > 2 and parts[2] not in seen:
            seen.append(parts[2])
            specs.append(ChartKpi(table="crossings", kpi="wait_mean_h",
                                  where={"crossing": str(parts[2])}))
    specs += [ChartKpi(table="od", kpi="transit_mean_d"),
              ChartKpi(table="run", kpi="teu_delivered"),
              ChartKpi(table="run", kpi="backlog_teu")]
    return specs


def _chart(tables: dict[str, pd.DataFrame], specs: list[ChartKpi], params: list[str]
           ) -> pd.DataFrame:
    rows = []
    panels: list[str] = []
    for spec in specs:
        df = tables[spec.table]
        if df.empty:
            continue
        for k, v in spec.where.items():
            df = df[df[k].astype(str) == v]
        keys = KPI_SCHEMA[spec.table].keys
        groups = df.groupby(keys, sort=True) if keys else [((), df)]
        for key, g in groups:
            key = key if isinstance(key, tuple) else (key,)
            vals = pd.to_numeric(g[spec.kpi], errors="coerce")
            if vals.isna().all():
                continue  # e.g. no trains in that direction
            title = spec.title or spec.kpi
            if key:
                title += " · " + " ".join(str(x) for x in key)
            if title in panels:
                continue
            if len(panels) >= MAX_PANELS:
                break
            panels.append(title)
            for r in g.to_dict("records"):
                row = {"panel": title, "point": int(r["point"])}
                row.update({p: r[p] for p in params})
                v = r[spec.kpi]
                ci = r.get(f"{spec.kpi}_ci95")
                row.update(value=None if pd.isna(v) else float(v),
                           ci95=None if ci is None or pd.isna(ci) else float(ci),
                           replications=int(r["replications"]))
                rows.append(row)
    return pd.DataFrame(rows, columns=["panel", "point", *params, "value", "ci95",
                                       "replications"])


def summarize_sweep(out: str | Path, write: bool = True, write_report: bool = True
                    ) -> SweepSummary:
    """Summarise the sweep directory ``out`` (and, with ``write``, write
    ``summary.json``, ``summary_<table>.csv`` and, with ``write_report``, ``sweep.html``).

    Raises
    ------
    ScenarioError
        When ``out`` is not a sweep directory (no ``sweep.json``).
    """
    out = Path(out)
    mpath = out / "sweep.json"
    if not mpath.exists():
        raise ScenarioError([Problem(str(out), "", "", "not a sweep directory (no sweep.json)")])
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    n = manifest["replications"]
    params = [p["path"] for p in manifest["parameters"]]
    finished = finished_replications(out)
    failures = read_failures(out)
    failed_per_point: dict[int, int] = {}
    for f in failures:
        failed_per_point[f["point"]] = failed_per_point.get(f["point"], 0) + 1

    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in _TABLES}
    point_rows = []
    for pt in manifest["points"]:
        p = pt["point"]
        reps = sorted(r for (q, r) in finished if q == p and r < n)
        row = {"point": p, **{k: _cell(pt["params"].get(k)) for k in params},
               "replications": len(reps), "failed": failed_per_point.get(p, 0)}
        point_rows.append(row)
        if not reps:
            continue
        per: list[Kpis] = [read_rep(out, p, r)["kpis"] for r in reps]
        s = summarize(per)
        for name, df in s.tables().items():
            df = df.copy()
            for i, k in enumerate(["point", *params]):
                df.insert(i, k, row[k])
            parts[name].append(df)
    tables = {name: (pd.concat(dfs, ignore_index=True) if dfs else pd.DataFrame())
              for name, dfs in parts.items()}
    chart = _chart(tables, chart_specs(manifest), params)
    points = pd.DataFrame(point_rows, columns=["point", *params, "replications", "failed"])
    for panel, g in chart.groupby("panel", sort=False):
        m = g.set_index("point")
        points[panel] = points.point.map(m.value)
        points[f"{panel} ci95"] = points.point.map(m.ci95)
    summary = SweepSummary(manifest=manifest, tables=tables, points=points, chart=chart,
                           failures=failures)
    if write:
        _write(out, summary)
        if write_report:
            from landbridge.report.sweep import sweep_html

            write_atomic(out / "sweep.html", sweep_html(summary))
    return summary


def _write(out: Path, s: SweepSummary) -> None:
    brief_failures = [{k: v for k, v in f.items() if k != "traceback"} for f in s.failures]
    doc = {"manifest": {k: v for k, v in s.manifest.items() if k != "sweep"},
           "points": kpis_to_json({"points": s.points})["points"],
           "failures": brief_failures,
           "tables": kpis_to_json(s.tables)}
    write_json(out / "summary.json", doc)
    for name, df in [("points", s.points), *s.tables.items()]:
        write_atomic(out / f"summary_{name}.csv",
                     kpi_csv(df))
