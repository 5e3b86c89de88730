"""The report's plotly figures: corridor map, queues, transit times, throughput.

Each function takes :class:`~landbridge.report.data.RunData` (and optionally a
baseline run, drawn dashed) and returns a ``plotly.graph_objects.Figure``; none reads
files or the network itself.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative, sample_colorscale

from landbridge.report.data import RunData, crossing_waits, link_utilization, transit_times

__all__ = ["map_figure", "queue_figure", "transit_figure", "throughput_figure",
           "stringline_figure", "disruption_windows", "direction_label", "UTILIZATION_SCALE"]

#: Colour scale of link utilization (0 = green, 1 and above = red).
UTILIZATION_SCALE = "RdYlGn_r"
_NO_CAPACITY = "#8c8c8c"
_PALETTE = qualitative.Dark24 + qualitative.Light24  # 48 distinct colours: one per crossing and direction
_LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=50, b=50),
               font=dict(family="system-ui, -apple-system, Segoe UI, sans-serif", size=12))


def _dates(run: RunData, days) -> list[str]:
    start = date.fromisoformat(str(run.manifest["start_date"]))
    return [(start + timedelta(days=int(d))).isoformat() for d in days]


def direction_label(run: RunData, crossing_id: str, direction: str) -> str:
    """``ASK→DST`` for ``a_to_b`` of crossing ASK-DST (station ids, as the terminal
    shows them); the raw direction when the run has no network snapshot."""
    for c in (run.network or {}).get("crossings", []):
        if c["id"] == crossing_id:
            a, b = c["station_a"], c["station_b"]
            return f"{a}→{b}" if direction == "a_to_b" else f"{b}→{a}"
    return direction.replace("_", " ")


def disruption_windows(run: RunData) -> list[dict]:
    """The scenario's dated disruption windows: ``kind, target, start, end`` (ISO
    strings, UTC) and ``factor``; random failures (undated) are left out."""
    out = []
    start = date.fromisoformat(str(run.manifest["start_date"]))
    for d in run.scenario.get("disruptions", []) or []:
        w = d.get("window")
        if not w:
            continue

        def at(value, day) -> str:
            if day is not None:
                return (datetime(start.year, start.month, start.day)
                        + timedelta(days=float(day))).isoformat(timespec="minutes")
            return str(value)[:16]

        out.append(dict(kind=d.get("kind"), target=d.get("target"),
                        start=at(w.get("start"), w.get("start_day")),
                        end=at(w.get("end"), w.get("end_day")), factor=d.get("factor")))
    return out


def _shade_windows(fig: go.Figure, run: RunData) -> None:
    for w in disruption_windows(run):
        colour = "rgba(200,30,30,0.13)" if w["kind"] == "closure" else "rgba(230,140,0,0.12)"
        what = w["kind"].replace("_", " ") + (f" × {w['factor']:g}" if w.get("factor") else "")
        fig.add_vrect(x0=w["start"], x1=w["end"], fillcolor=colour, line_width=0,
                      layer="below", annotation_text=f"{w['target']}: {what}",
                      annotation_position="top left", annotation_font_size=10)


def _marker_size(wait_h: float | None) -> float:
    """Crossing marker diameter (px): 8 px plus 5 px per √h of mean wait, at most 48."""
    if wait_h is None or math.isnan(wait_h):
        return 8.0
    return min(48.0, 8.0 + 5.0 * math.sqrt(max(wait_h, 0.0)))


def map_figure(run: RunData, baseline: RunData | None = None) -> go.Figure:
    """The corridor: links coloured by utilization, nodes, crossings sized by mean wait,
    labelled (crossings and the terminals services start or end at); with a baseline,
    its crossings as hollow circles sized by the baseline's mean wait.

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
        busy = [i for i, t in enumerate(tpd) if t > 0]
        fig.add_trace(go.Scattergeo(
            lon=[lon[i] for i in busy], lat=[lat[i] for i in busy], mode="text",
            text=[cx[i]["name"] for i in busy], textposition="bottom center",
            textfont=dict(size=10, color="#4b004b"), hoverinfo="skip", showlegend=False,
            name="crossing labels"))
        if baseline is not None:
            bw = crossing_waits(baseline).set_index("crossing")
            bv = [float(bw.wait_mean_h.get(c["id"])) if c["id"] in bw.index
                  and bw.wait_mean_h.get(c["id"]) is not None else None for c in cx]
            fig.add_trace(go.Scattergeo(
                lon=lon, lat=lat, mode="markers", name="baseline (size: mean wait)",
                marker=dict(size=[_marker_size(v) for v in bv], color="rgba(0,0,0,0)",
                            line=dict(width=1.5, color="#e08000"), sizemode="diameter"),
                text=[f"<b>{c['name']}</b>, baseline<br>mean wait: "
                      + ("–" if v is None else f"{v:.1f} h") for c, v in zip(cx, bv)],
                hoverinfo="text"))
    ends = sorted({n for s in net.get("services", []) for n in (s["origin"], s["destination"])})
    if ends:
        fig.add_trace(go.Scattergeo(
            lon=[nodes[n]["lon"] for n in ends if n in nodes],
            lat=[nodes[n]["lat"] for n in ends if n in nodes], mode="text",
            text=[_short(nodes[n]["name"]) for n in ends if n in nodes],
            textposition="top center", textfont=dict(size=10, color="#1f3b57"),
            hoverinfo="skip", showlegend=False, name="city labels"))
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


def _short(name: str) -> str:
    """A city label without its parenthesis: ``Duisburg (duisport)`` → ``Duisburg``."""
    return name.split(" (")[0]


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
            label = f"{r.crossing_name(cid)} {direction_label(r, cid, direction)}"
            colour.setdefault(label, _PALETTE[len(colour) % len(_PALETTE)])
            g = g.sort_values("day")
            fig.add_trace(go.Scatter(
                x=_dates(r, g.day), y=g.queue_mean_trains, mode="lines",
                name=label + suffix, line=dict(color=colour[label], dash=dash, shape="hv"),
                visible=True if (cid, direction) in busiest else "legendonly",
                customdata=g.queue_max_trains,
                hovertemplate="%{x}: mean %{y:.2f}, max %{customdata} trains"))
        t = r.tables.get("throughput_by_day", pd.DataFrame())
        if len(t) and "held_origin_mean_trains" in t and \
                pd.to_numeric(t.held_origin_max_trains, errors="coerce").fillna(0).sum() > 0:
            t = t.sort_values("day")
            fig.add_trace(go.Scatter(
                x=_dates(r, t.day), y=t.held_origin_mean_trains, mode="lines",
                name="trains held at origins" + suffix,
                line=dict(color="#000000", dash="dot" if dash == "solid" else "dashdot",
                          shape="hv", width=2),
                customdata=t.held_origin_max_trains,
                hovertemplate="%{x}: mean %{y:.2f}, max %{customdata:.0f} trains held"))
    _shade_windows(fig, run)
    fig.update_layout(**_LAYOUT, height=420, title="Queue at border crossings by day "
                      "(trains waiting for clearance, daily mean); shaded: disruptions",
                      xaxis_title="date", yaxis_title="trains", yaxis_rangemode="tozero",
                      legend=dict(orientation="h", y=-0.25))
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
    """TEU dispatched and delivered per week (mean over replications; weeks from the
    start date, the last one possibly partial); baseline as outlined bars."""
    fig = go.Figure()
    for r, base, suffix in ((run, False, ""), (baseline, True, " (baseline)")):
        if r is None:
            continue
        t = r.tables.get("throughput_by_day", pd.DataFrame())
        if not len(t):
            continue
        t = t.assign(week=pd.to_numeric(t.day) // 7)
        w = t.groupby("week", sort=True)[["teu_dispatched", "teu_delivered"]].sum()
        days = t.groupby("week", sort=True).day.count()
        x = _dates(r, [int(k) * 7 for k in w.index])
        for col, colour, label in (("teu_dispatched", _PALETTE[0], "TEU dispatched"),
                                   ("teu_delivered", _PALETTE[2], "TEU delivered")):
            fig.add_trace(go.Bar(
                x=x, y=w[col], name=label + suffix, customdata=days.to_numpy(),
                marker=dict(color="rgba(0,0,0,0)" if base else colour,
                            line=dict(color=colour, width=1.5 if base else 0)),
                hovertemplate="week from %{x}: %{y:,.0f} TEU (%{customdata} days)"))
    _shade_windows(fig, run)
    fig.update_layout(**_LAYOUT, height=360, barmode="group",
                      title="Throughput by week (TEU, mean over replications); shaded: "
                            "disruptions", xaxis_title="week starting",
                      yaxis_title="TEU per week", yaxis_rangemode="tozero")
    return fig


def _corridor_km(net: dict, corridor: str) -> tuple[dict[str, float], list[str]]:
    """Distance (km) of each node on the corridor's routes from the corridor's first
    crossing (negative before it), and the services on the corridor."""
    links = {k["id"]: k for k in net.get("links", [])}
    first = corridor.split(" > ")[0] if corridor else ""
    cx = {c["id"]: c for c in net.get("crossings", [])}
    km: dict[str, float] = {}
    services = []
    for s in sorted(net.get("services", []), key=lambda s: s["id"]):
        if s.get("corridor", "") != corridor:
            continue
        services.append(s["id"])
        pos = [0.0]
        for lid in s["links"]:
            pos.append(pos[-1] + float(links[lid]["length_km"]) if lid in links else pos[-1])
        zero = 0.0
        if first in cx:
            for n, p in zip(s["nodes"], pos):
                if n in (cx[first]["station_a"], cx[first]["station_b"]):
                    zero = p
                    break
        for n, p in zip(s["nodes"], pos):
            km.setdefault(n, p - zero)
    return km, services


def stringline_figure(run: RunData, corridor: str, replication: int = 0,
                      start: str | None = None, days: float = 30.0,
                      events: pd.DataFrame | None = None) -> go.Figure:
    """Space-time (stringline) diagram of a corridor: distance along the route against
    time, one line per train, as railway timetable graphs are drawn.

    Parameters
    ----------
    run : RunData
        The run (its ``network.json`` gives the routes and link lengths).
    corridor : str
        A corridor label (``"ASK-DST > BRE-MAL"``, see
        :func:`landbridge.analysis.kpis.corridor_label`).
    replication : int
        Which replication's trains to draw.
    start : str, optional
        First date drawn (ISO); default 5 days before the first closure (else the first
        disruption), or the end of the warm-up.
    days : float
        Days drawn from ``start``.
    events : DataFrame, optional
        The run's event log (read from the run directory when omitted).

    Returns
    -------
    plotly.graph_objects.Figure
        x: date and time (UTC); y: km from the corridor's first crossing (negative
        before it), ticks at the crossings; flat segments are trains standing still
        (waiting at a crossing, held, in a yard). One colour per service.

    Raises
    ------
    KeyError
        ``corridor`` is not the corridor of any service of the run (the message lists
        the corridors there are).
    """
    from landbridge.report.data import read_events

    net = run.network or {}
    km, services = _corridor_km(net, corridor)
    if not services:
        known = sorted({s.get("corridor", "") for s in net.get("services", [])})
        raise KeyError(f"no service of run {run.run_id} runs on corridor {corridor!r}; "
                       f"its corridors are: {', '.join(repr(k) for k in known)}")
    t0 = date.fromisoformat(str(run.manifest["start_date"]))
    origin = datetime(t0.year, t0.month, t0.day)
    if start is None:
        wins = disruption_windows(run)
        lo_h = run.window_h[0]
        if wins:  # a closure first: year-long capacity limits would start at day 0
            w0 = min(wins, key=lambda w: (w["kind"] != "closure", w["start"]))
            first = datetime.fromisoformat(w0["start"])
            lo_h = max(0.0, (first - origin).total_seconds() / 3600 - 5 * 24)
    else:
        lo_h = (datetime.fromisoformat(start) - origin).total_seconds() / 3600
    hi_h = lo_h + 24.0 * days
    ev = events if events is not None else read_events(run.path)
    ev = ev[ev.replication == replication]
    on = ev.service.isin(services)
    if "corridor" in ev.columns:
        on |= ev.corridor == corridor
    ev = ev[on & ev.node.isin(km.keys())]
    # a train is drawn when it is on the line during the window
    span = ev.groupby("train").time_h.agg(["min", "max"])
    keep = span[(span["max"] >= lo_h) & (span["min"] <= hi_h)].index
    ev = ev[ev.train.isin(keep)].sort_values(["train", "seq"], kind="stable")
    fig = go.Figure()
    for k, (svc, g) in enumerate(ev.groupby("service", sort=True)):
        xs, ys, texts = [], [], []
        for train, tg in g.groupby("train", sort=True):
            xs += [(origin + timedelta(hours=float(h))).isoformat(timespec="minutes")
                   for h in tg.time_h] + [None]
            ys += [km[n] for n in tg.node] + [None]
            texts += [f"{train}: {e} at {n}" for e, n in zip(tg.event, tg.node)] + [None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=svc,
                                   line=dict(width=1.2, color=_PALETTE[k % len(_PALETTE)]),
                                   text=texts, hovertemplate="%{text}<br>%{x}, %{y:,.0f} km"
                                                             "<extra></extra>"))
    cx = {c["id"]: c for c in net.get("crossings", [])}
    ticks = {}
    for cid in corridor.split(" > "):
        c = cx.get(cid)
        if c is not None and c["station_a"] in km:
            ticks[km[c["station_a"]]] = c["name"]
    for n in net.get("nodes", []):
        if n["id"] in km and n.get("kind") == "terminal":
            ticks.setdefault(km[n["id"]], _short(n["name"]))
    _shade_windows(fig, run)
    fig.update_xaxes(range=[(origin + timedelta(hours=lo_h)).isoformat(),
                            (origin + timedelta(hours=hi_h)).isoformat()])
    fig.update_yaxes(tickmode="array", tickvals=list(ticks), ticktext=list(ticks.values()),
                     title="km from the first crossing", autorange="reversed")
    fig.update_layout(**_LAYOUT, height=520,
                      title=f"Trains on corridor {corridor}, replication {replication} "
                            "(flat: standing; shaded: disruptions)",
                      xaxis_title="date (UTC)", legend=dict(orientation="h", y=-0.15))
    return fig
