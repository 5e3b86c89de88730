"""The report's plotly figures: corridor map, queues, transit times, throughput.

Each function takes :class:`~landbridge.report.data.RunData` (and optionally a
baseline run, drawn dashed) and returns a ``plotly.graph_objects.Figure``; none reads
files or the network itself.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative, sample_colorscale

from landbridge.report.data import RunData, crossing_waits, link_utilization, transit_times

__all__ = ["map_figure", "queue_figure", "transit_figure", "throughput_figure",
           "UTILIZATION_SCALE"]

#: Colour scale of link utilization (0 = green, 1 and above = red).
UTILIZATION_SCALE = "RdYlGn_r"
_NO_CAPACITY = "#8c8c8c"
_PALETTE = qualitative.Dark24 + qualitative.Light24  # 48 distinct colours: one per crossing and direction
_LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=50, b=50),
               font=dict(family="system-ui, -apple-system, Segoe UI, sans-serif", size=12))


def _dates(run: RunData, days) -> list[str]:
    start = date.fromisoformat(str(run.manifest["start_date"]))
    return [(start + timedelta(days=int(d))).isoformat() for d in days]


def _marker_size(wait_h: float | None) -> float:
    """Crossing marker diameter (px): 8 px plus 5 px per √h of mean wait, at most 48."""
    if wait_h is None or math.isnan(wait_h):
        return 8.0
    return min(48.0, 8.0 + 5.0 * math.sqrt(max(wait_h, 0.0)))


def map_figure(run: RunData) -> go.Figure:
    """The corridor: links coloured by utilization, nodes, crossings sized by mean wait.

    Country outlines come from the bundled Natural Earth geometry (``geo`` subplot at
    resolution 110; see :mod:`landbridge.report.html`).
    """
    fig = go.Figure()
    net = run.network
    if not net:
        fig.add_annotation(text="this run directory has no network.json (written by an "
                                "older landbridge): no map", showarrow=False)
        return fig
    nodes = {n["id"]: n for n in net["nodes"]}
    util = link_utilization(run).set_index("link")
    for link in net["links"]:
        a, b = nodes[link["from_node"]], nodes[link["to_node"]]
        u = util.utilization.get(link["id"]) if link["id"] in util.index else None
        u = None if u is None or (isinstance(u, float) and math.isnan(u)) else float(u)
        colour = _NO_CAPACITY if u is None else sample_colorscale(
            UTILIZATION_SCALE, [min(u, 1.0)])[0]
        tpd = util.trains_per_day.get(link["id"], 0.0)
        cap = link.get("capacity_trains_per_day")
        text = (f"<b>{a['name']} – {b['name']}</b> ({link['id']}, {link['mode']})<br>"
                f"{link['length_km']:,.0f} km<br>trains/day (busier direction): {tpd:.2f}"
                + (f"<br>capacity: {cap:g} trains/day<br>utilization: {100 * u:.0f} %"
                   if u is not None else "<br>no train capacity given"))
        fig.add_trace(go.Scattergeo(
            lon=[a["lon"], b["lon"]], lat=[a["lat"], b["lat"]], mode="lines",
            line=dict(width=2.5 if tpd > 0 else 1.2, color=colour,
                      dash="dot" if link["mode"] in ("ferry", "sea") else "solid"),
            hoverinfo="text", text=[text, text], showlegend=False, name=link["id"]))
    # a hidden trace carries the colour bar of link utilization
    fig.add_trace(go.Scattergeo(
        lon=[nodes[net["nodes"][0]["id"]]["lon"]], lat=[net["nodes"][0]["lat"]], mode="markers",
        marker=dict(size=0.1, color=[0.0], cmin=0.0, cmax=1.0, colorscale=UTILIZATION_SCALE,
                    colorbar=dict(title="link<br>utilization", tickformat=".0%", len=0.6,
                                  x=1.0)),
        hoverinfo="skip", showlegend=False, name="utilization scale"))
    fig.add_trace(go.Scattergeo(
        lon=[n["lon"] for n in net["nodes"]], lat=[n["lat"] for n in net["nodes"]],
        mode="markers", name="nodes",
        marker=dict(size=[7 if n["kind"] == "terminal" else 4 for n in net["nodes"]],
                    color="#1f3b57", line=dict(width=0)),
        text=[f"<b>{n['name']}</b> ({n['id']}, {n['country']})<br>{n['kind']}"
              for n in net["nodes"]], hoverinfo="text"))
    waits = crossing_waits(run).set_index("crossing")
    cx = [c for c in net["crossings"] if c["mode"] == "rail"]
    if cx:
        lon = [(nodes[c["station_a"]]["lon"] + nodes[c["station_b"]]["lon"]) / 2 for c in cx]
        lat = [(nodes[c["station_a"]]["lat"] + nodes[c["station_b"]]["lat"]) / 2 for c in cx]
        w = [waits.wait_mean_h.get(c["id"]) if c["id"] in waits.index else None for c in cx]
        w = [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
             for v in w]
        tpd = [float(waits.trains_per_day.get(c["id"], 0.0)) if c["id"] in waits.index
               else 0.0 for c in cx]
        fig.add_trace(go.Scattergeo(
            lon=lon, lat=lat, mode="markers", name="border crossings (size: mean wait)",
            marker=dict(size=[_marker_size(v) for v in w], color="rgba(128,0,128,0.55)",
                        line=dict(width=1, color="#4b004b"), sizemode="diameter"),
            text=[f"<b>{c['name']}</b> ({c['id']})<br>trains/day: {t:.2f}<br>mean wait: "
                  + ("–" if v is None else f"{v:.1f} h") for c, t, v in zip(cx, tpd, w)],
            hoverinfo="text"))
    lons = [n["lon"] for n in net["nodes"]]
    lats = [n["lat"] for n in net["nodes"]]
    pad_lon = max(2.0, 0.08 * (max(lons) - min(lons)))
    pad_lat = max(2.0, 0.12 * (max(lats) - min(lats)))
    fig.update_geos(
        resolution=110, projection_type="mercator", showcountries=True,
        countrycolor="#7a7a7a", countrywidth=0.6, showland=True, landcolor="#f4f1ea",
        showocean=True, oceancolor="#dbe9f4", showlakes=True, lakecolor="#dbe9f4",
        showcoastlines=True, coastlinecolor="#9a9a9a", showframe=False,
        lonaxis_range=[min(lons) - pad_lon, max(lons) + pad_lon],
        lataxis_range=[min(lats) - pad_lat, max(lats) + pad_lat])
    fig.update_layout(**_LAYOUT, height=560, title="Corridor: links by utilization, "
                      "border crossings by mean wait",
                      legend=dict(orientation="h", y=-0.02))
    return fig


_QUEUE_SHOWN = 6  # crossings drawn at first; the others are one click away in the legend


def queue_figure(run: RunData, baseline: RunData | None = None) -> go.Figure:
    """Daily time-average queue (trains waiting for clearance) at each crossing and
    direction that saw trains; the baseline dashed. The six with the longest mean queue
    are drawn, the others are listed in the legend (click to show)."""
    fig = go.Figure()
    colour: dict[str, str] = {}
    for r, dash, suffix in ((run, "solid", ""), (baseline, "dash", " (baseline)")):
        if r is None:
            continue
        q = r.tables.get("queue_by_day", pd.DataFrame())
        if not len(q):
            continue
        busiest = (q.assign(m=pd.to_numeric(q.queue_mean_trains, errors="coerce"))
                   .groupby(["crossing", "direction"]).m.mean()
                   .sort_values(ascending=False, kind="stable").index[:_QUEUE_SHOWN])
        for (cid, direction), g in q.groupby(["crossing", "direction"], sort=True):
            if not (pd.to_numeric(g.trains_accepted, errors="coerce").fillna(0).sum() > 0
                    or pd.to_numeric(g.queue_max_trains, errors="coerce").fillna(0).sum() > 0):
                continue
            label = f"{r.crossing_name(cid)} {direction.replace('_', ' ')}"
            colour.setdefault(label, _PALETTE[len(colour) % len(_PALETTE)])
            g = g.sort_values("day")
            fig.add_trace(go.Scatter(
                x=_dates(r, g.day), y=g.queue_mean_trains, mode="lines",
                name=label + suffix, line=dict(color=colour[label], dash=dash, shape="hv"),
                visible=True if (cid, direction) in busiest else "legendonly",
                customdata=g.queue_max_trains,
                hovertemplate="%{x}: mean %{y:.2f}, max %{customdata} trains"))
    fig.update_layout(**_LAYOUT, height=380, title="Queue at border crossings by day "
                      "(trains waiting for clearance, daily mean)",
                      xaxis_title="date", yaxis_title="trains", yaxis_rangemode="tozero")
    return fig


def transit_figure(run: RunData, baseline: RunData | None = None) -> go.Figure:
    """Transit-time distribution (days) per origin–destination pair: box plots over all
    delivered trains of all replications; the baseline beside it. The axis shows up to
    1.1 × the 99th percentile (zoom out in the page to see the rest)."""
    fig = go.Figure()
    p99 = []
    for r, colour, name in ((run, _PALETTE[0], "this run"),
                            (baseline, _PALETTE[1], "baseline")):
        if r is None:
            continue
        tt = transit_times(r)
        if len(tt):
            p99.append(float(tt.transit_d.quantile(0.99)))
        fig.add_trace(go.Box(x=tt.transit_d, y=tt.od, orientation="h", name=name,
                             marker_color=colour, boxpoints="outliers",
                             hovertemplate="%{y}: %{x:.2f} d"))
    if p99:  # a few extreme trains must not squash every box: zoom to the 99th percentile
        fig.update_xaxes(range=[0, 1.1 * max(p99)])
    fig.update_layout(**_LAYOUT, boxmode="group", height=max(320, 80 + 60 * _n_od(run)),
                      title="Transit time per origin–destination pair (days, trains "
                            "dispatched after the warm-up)", xaxis_title="days",
                      yaxis_autorange="reversed", showlegend=baseline is not None)
    return fig


def _n_od(run: RunData) -> int:
    od = run.tables.get("od", pd.DataFrame())
    return max(1, len(od))


def throughput_figure(run: RunData, baseline: RunData | None = None) -> go.Figure:
    """TEU dispatched and delivered per day (mean over replications); baseline dashed."""
    fig = go.Figure()
    for r, dash, suffix in ((run, "solid", ""), (baseline, "dash", " (baseline)")):
        if r is None:
            continue
        t = r.tables.get("throughput_by_day", pd.DataFrame())
        if not len(t):
            continue
        t = t.sort_values("day")
        for col, colour, label in (("teu_dispatched", _PALETTE[0], "TEU dispatched"),
                                   ("teu_delivered", _PALETTE[2], "TEU delivered")):
            fig.add_trace(go.Scatter(x=_dates(r, t.day), y=t[col], mode="lines",
                                     name=label + suffix,
                                     line=dict(color=colour, dash=dash, shape="hv"),
                                     hovertemplate="%{x}: %{y:,.0f} TEU"))
    fig.update_layout(**_LAYOUT, height=360, title="Throughput by day (TEU, mean over "
                      "replications)", xaxis_title="date", yaxis_title="TEU per day",
                      yaxis_rangemode="tozero")
    return fig
