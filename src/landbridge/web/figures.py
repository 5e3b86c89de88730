"""The page's figures, built from the report's (:mod:`landbridge.report.charts`).

* :func:`corridor_map`: the report's map, each link, node and crossing carrying its id
  (``customdata``) so that a click names the element;
* :func:`change_map`: the same map coloured by the change against the baseline: links
  by the change in utilization, crossings by the change in mean wait;
* :func:`side_by_side`: a report chart of the baseline and of the what-if on one y-range.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from landbridge.analysis.stats import number_or_none as _num
from landbridge.report.charts import map_figure
from landbridge.report.data import RunData, crossing_waits, link_utilization

__all__ = ["network_only_run", "corridor_map", "change_map", "side_by_side",
           "stringlines", "CHANGE_SCALE"]

#: Diverging colour scale of a change (blue = less, red = more).
CHANGE_SCALE = "RdBu_r"


def network_only_run(network: dict[str, Any], start_date: str, horizon_days: float
                     ) -> RunData:
    """A :class:`RunData` with a network and no results, to draw the map before a run."""
    events = pd.DataFrame({"replication": pd.Series(dtype="int64"),
                           "service": pd.Series(dtype="str"), "event": pd.Series(dtype="str"),
                           "time_h": pd.Series(dtype="float64"),
                           "teu": pd.Series(dtype="float64"),
                           "dispatch_h": pd.Series(dtype="float64")})
    return RunData(path=Path("."), run_id="network", manifest={
        "start_date": start_date, "horizon_days": horizon_days, "warmup_days": 0.0,
        "replications": 1}, scenario={}, tables={}, events=events, network=network)


def _tag(fig: go.Figure, network: dict[str, Any]) -> go.Figure:
    """Give every link, node and crossing marker its ``[type, id]`` as customdata."""
    links = {k["id"] for k in network["links"]}
    rail = [c["id"] for c in network["crossings"] if c["mode"] == "rail"]
    for tr in fig.data:
        if tr.name in links:
            tr.customdata = [["link", tr.name]] * len(tr.lon)
        elif tr.name == "nodes":
            tr.customdata = [["node", n["id"]] for n in network["nodes"]]
        elif tr.name and tr.name.startswith("border crossings"):
            tr.customdata = [["crossing", c] for c in rail]
    return fig


def corridor_map(run: RunData, height: int = 480) -> go.Figure:
    """The report's corridor map of ``run`` with clickable elements (``customdata``
    ``[type, id]``; type ``link``, ``node`` or ``crossing``)."""
    # the page's map is about 840 px wide (beside the levers): fewer labels fit
    fig = _tag(map_figure(run, label_width_px=840.0),
               run.network or {"links": [], "nodes": [], "crossings": []})
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10),
                      title="Corridor: click a crossing, link, port or ferry")
    return fig




def change_map(run: RunData, baseline: RunData, height: int = 480) -> go.Figure:
    """The corridor coloured by the change against ``baseline``: each link by the change
    in utilization (what-if − baseline, percentage points), each rail crossing by the
    change in mean wait (hours; marker size grows with its size)."""
    fig = corridor_map(run, height)
    u_run = link_utilization(run).set_index("link").utilization
    u_base = link_utilization(baseline).set_index("link").utilization
    du = {lid: (_num(u_run.get(lid)) or 0.0) - (_num(u_base.get(lid)) or 0.0)
          for lid in u_run.index if _num(u_run.get(lid)) is not None
          or _num(u_base.get(lid)) is not None}
    w_run = crossing_waits(run).set_index("crossing").wait_mean_h
    w_base = crossing_waits(baseline).set_index("crossing").wait_mean_h
    dw = {cid: (_num(w_run.get(cid)) or 0.0) - (_num(w_base.get(cid)) or 0.0)
          for cid in set(w_run.index) | set(w_base.index)}
    span_u = max([abs(v) for v in du.values()] + [0.05])
    span_w = max([abs(v) for v in dw.values()] + [1.0])

    def colour(v: float, span: float) -> str:
        return sample_colorscale(CHANGE_SCALE, [0.5 + 0.5 * max(-1.0, min(1.0, v / span))])[0]

    for tr in fig.data:
        if tr.customdata is not None and len(tr.customdata) and tr.customdata[0][0] == "link":
            lid = tr.name
            if lid in du:
                tr.line.color = colour(du[lid], span_u)
                tr.text = [t + f"<br>change in utilization: {100 * du[lid]:+.1f} pp"
                           for t in tr.text]
        elif tr.name == "utilization scale":
            tr.marker.colorscale = CHANGE_SCALE
            tr.marker.cmin, tr.marker.cmax = -100 * span_u, 100 * span_u
            tr.marker.colorbar.title.text = "Δ link<br>utilization (pp)"
            tr.marker.colorbar.tickformat = "+.0f"
        elif tr.customdata is not None and len(tr.customdata) and tr.customdata[0][0] == "crossing":
            ids = [c[1] for c in tr.customdata]
            tr.marker.color = [colour(dw.get(c, 0.0), span_w) for c in ids]
            tr.marker.size = [8.0 + 5.0 * math.sqrt(abs(dw.get(c, 0.0))) for c in ids]
            tr.name = "border crossings (colour and size: change in mean wait)"
            tr.text = [f"<b>{run.crossing_name(c)}</b> ({c})<br>change in mean wait: "
                       f"{dw.get(c, 0.0):+.1f} h" for c in ids]
    fig.update_layout(title="Change against the baseline: links by utilization, "
                            "crossings by mean wait")
    return fig


def side_by_side(chart: Callable[[RunData], go.Figure], baseline: RunData, run: RunData,
                 height: int | None = None, max_height: int = 640
                 ) -> tuple[go.Figure, go.Figure]:
    """``chart`` (a report chart function) of the baseline and of the what-if, over the
    run's period and with the same value range, so that they read side by side;
    ``height`` (default: the chart's own, at most ``max_height``) in pixels."""
    a, b = chart(baseline), chart(run)
    if height is None:
        height = min(max_height, max(f.layout.height or 0 for f in (a, b)) or 450)
    a.update_layout(title=f"baseline — {a.layout.title.text}")
    b.update_layout(title=f"what-if — {b.layout.title.text}")
    for f in (a, b):
        f.update_layout(margin=dict(l=50, r=10, t=50, b=40), showlegend=False)
        if height:
            f.update_layout(height=height)
    # the run's period only (a chart may shade windows of the scenario beyond it)
    from datetime import date, timedelta

    start = date.fromisoformat(str(run.manifest["start_date"]))
    end = start + timedelta(days=float(run.manifest["horizon_days"]))
    for f in (a, b):
        if any(isinstance(tr, (go.Scatter, go.Bar)) for tr in f.data):
            f.update_xaxes(range=[start.isoformat(), end.isoformat()])
    ys = [v for f in (a, b) for tr in f.data if isinstance(tr, (go.Scatter, go.Bar))
          and tr.y is not None and tr.orientation != "h" for v in tr.y if _num(v) is not None]
    stacked = any(f.layout.barmode in ("stack", "relative") for f in (a, b))
    if ys and not stacked:
        top = max(float(v) for v in ys) * 1.05 or 1.0
        for f in (a, b):
            f.update_yaxes(range=[0, top])
    return a, b


def _corridor_of_change(run: RunData) -> str | None:
    """The corridor to draw: the one with most services through the element the last
    disruption names (the page appends its own last), else the one with most services."""
    services = [sv for sv in (run.network or {}).get("services", []) if sv.get("corridor")]
    if not services:
        return None
    count: dict[str, int] = {}
    for sv in services:
        count[sv["corridor"]] = count.get(sv["corridor"], 0) + 1
    targets = [d.get("target") for d in run.scenario.get("disruptions", []) if d.get("target")]
    if targets:
        through = {c: n for c, n in count.items() if targets[-1] in c.split(" > ")}
        if through:
            count = through
    return sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def stringlines(baseline: RunData, run: RunData, days: float = 30.0
                ) -> tuple[str, go.Figure, go.Figure] | None:
    """The report's space-time (stringline) diagram of the corridor through the changed
    element (:func:`landbridge.report.charts.stringline_figure`), for the baseline and
    the what-if over the same days (around the what-if's first disruption window), or
    ``None`` when the runs have no corridor to draw."""
    from landbridge.report.charts import stringline_figure

    corridor = _corridor_of_change(run)
    if corridor is None:
        return None
    b = stringline_figure(run, corridor, days=days)
    start = b.layout.xaxis.range[0][:10] if b.layout.xaxis.range else None
    a = stringline_figure(baseline, corridor, start=start, days=days)
    for f, who in ((a, "baseline"), (b, "what-if")):
        f.update_layout(title=f"{who} — space-time diagram of corridor {corridor}",
                        margin=dict(l=90, r=10, t=50, b=40), showlegend=False)
    return corridor, a, b
