"""The sweep report: KPIs against the varied parameters (plotly), as one self-contained
HTML page (plotly.js embedded, no network access needed to view it).

Each panel is one KPI (one table row key, e.g. waiting time at one crossing in one
direction); the x axis is the first varied parameter; one line per combination of the
other parameters; error bars are the 95 % confidence intervals over replications.
Y axes start at zero; utilisation is shown in %. The
bytes depend only on the summary (fixed element id, no timestamps).
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = ["sweep_figure", "sweep_html"]

_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _is_share(panel: str) -> bool:
    """A panel of a KPI stored as a fraction (utilisation), per the KPI schema."""
    from landbridge.analysis.schema import KPI_SCHEMA

    kpi = panel.split(" · ")[0]
    return any(c.percent for t in KPI_SCHEMA.values() for c in t.columns if c.name == kpi)


def sweep_figure(summary) -> go.Figure:
    """The chart of a :class:`~landbridge.runners.sweepsummary.SweepSummary`."""
    chart: pd.DataFrame = summary.chart
    params = summary.parameters
    panels = list(dict.fromkeys(chart.panel)) if len(chart) else []
    ncols = 1 if len(panels) <= 1 else 2
    nrows = max(1, math.ceil(len(panels) / ncols))
    fig = make_subplots(rows=nrows, cols=ncols, subplot_titles=panels or ["no results yet"],
                        horizontal_spacing=0.1, vertical_spacing=min(0.3, 0.5 / nrows))
    x_param = params[0] if params else "point"
    others = params[1:]
    series_keys = []
    if len(chart):
        series_keys = list(dict.fromkeys(
            tuple(chart.loc[i, o] for o in others) for i in chart.index))
    for k, panel in enumerate(panels):
        row, col = k // ncols + 1, k % ncols + 1
        g = chart[chart.panel == panel]
        for j, skey in enumerate(series_keys):
            mask = pd.Series(True, index=g.index)
            for o, v in zip(others, skey):
                mask &= g[o].astype(str) == str(v)
            s = g[mask]
            if s.empty:
                continue
            name = ", ".join(f"{summary.label(o)} = {v}" for o, v in zip(others, skey)) or "mean"
            scale = 100.0 if _is_share(panel) else 1.0  # shares shown in %
            fig.add_trace(go.Scatter(
                x=[str(x) if isinstance(x, str) else x for x in s[x_param]],
                y=[None if v is None else v * scale for v in s.value],
                error_y=dict(type="data", array=[c * scale if c is not None else 0
                                                 for c in s.ci95], visible=True),
                mode="lines+markers", name=name, legendgroup=name, showlegend=k == 0,
                line=dict(color=_COLORS[j % len(_COLORS)]),
                customdata=s.replications,
                hovertemplate=f"{summary.label(x_param)} = %{{x}}<br>%{{y:.3g}} ± "
                              "%{error_y.array:.2g} (95 % CI, %{customdata} reps)<extra>"
                              + html.escape(name) + "</extra>"), row=row, col=col)
        xs = sorted({x for x in g[x_param] if isinstance(x, (int, float))})
        ticks = dict(tickmode="array", tickvals=xs) if 0 < len(xs) <= 20 else {}
        fig.update_xaxes(title_text=summary.label(x_param), row=row, col=col, **ticks)
        # y from zero, so a small change does not look like a large one; shares in %
        fig.update_yaxes(rangemode="tozero", row=row, col=col,
                         **(dict(ticksuffix=" %") if _is_share(panel) else {}))
    fig.update_layout(height=320 * nrows + 80, template="plotly_white",
                      legend=dict(orientation="h", y=-0.08 / max(1, nrows / 2)),
                      margin=dict(l=60, r=20, t=60, b=60))
    return fig


def _params(params: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())


def _table(df: pd.DataFrame, labels: dict[str, str]) -> str:
    head = "".join(f"<th>{html.escape(labels.get(c, c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>"
                   for row in df.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def sweep_html(summary) -> str:
    """The whole sweep report as one HTML page (a string)."""
    m = summary.manifest
    sweep = m.get("sweep", {})
    labels = {p["path"]: p["label"] for p in m["parameters"]}
    fig = sweep_figure(summary)
    chart = fig.to_html(full_html=False, include_plotlyjs=True, div_id="sweep-chart",
                        config={"displaylogo": False})
    done = int(summary.points.replications.sum()) if len(summary.points) else 0
    total = m["replications"] * len(m["points"])
    failures = ""
    if summary.failures:
        items = "".join(
            f"<li>point {f['point']} ({html.escape(_params(f['params']))}), "
            f"replication {f['replication']}, seed {f['seed']} spawn key {f['spawn_key']}: "
            f"<code>{html.escape(f['error'])}: {html.escape(f['message'])}</code></li>"
            for f in summary.failures)
        failures = f"<h2>Failed replications</h2><ul>{items}</ul>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="landbridge">
<title>landbridge sweep {html.escape(m['sweep_name'])}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}}
table{{border-collapse:collapse;font-size:90%}}td,th{{border:1px solid #ccc;padding:3px 6px;
text-align:right}}th{{background:#f4f4f4}}code{{font-size:90%}}</style></head>
<body>
<h1>Sweep {html.escape(m['sweep_name'])}</h1>
<p>{html.escape(sweep.get('description', '') or '')}</p>
<p>Base scenario <code>{html.escape(str(sweep.get('scenario', '')))}</code>, seed {m['seed']}
({html.escape(m['seed_scheme'])}), {len(m['points'])} points × {m['replications']} replications;
{done} of {total} finished, {len(summary.failures)} failed. Error bars: 95 % confidence
intervals of the mean over replications (Student t).
landbridge {html.escape(m['landbridge_version'])}.</p>
{chart}
<h2>Points</h2>
{_table(summary.points, labels)}
{failures}
</body></html>
"""
