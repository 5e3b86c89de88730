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
           "stringline_figure", "disruption_windows", "merged_windows", "direction_label",
           "label_positions", "UTILIZATION_SCALE"]

#: Colour scale of link utilization (0 = green, 1 and above = red).
UTILIZATION_SCALE = "RdYlGn_r"
_NO_CAPACITY = "#8c8c8c"
_PALETTE = qualitative.Dark24 + qualitative.Light24  # 48 distinct colours: one per crossing and direction
_LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=70, b=50),
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
    strings, UTC), ``factor`` and ``direction`` (one side of a crossing; None: both);
    random failures (undated) are left out."""
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
                        end=at(w.get("end"), w.get("end_day")), factor=d.get("factor"),
                        direction=d.get("direction"), id=d.get("id")))
    return out


#: group → (fill of the shaded window, its legend swatch, what the legend says)
_SHADE = {"closure": ("rgba(200,30,30,0.16)", "rgba(200,30,30,0.5)", "closed"),
          "scaling": ("rgba(230,140,0,0.13)", "rgba(230,140,0,0.5)", "scaled")}


_SCALED = {"capacity_scale": "capacity", "duration_scale": "service time"}


def window_label(w: dict) -> str:
    """A disruption window as the legend names it: the measure's id (else its target
    and side) and what it does — "nur-zholy-covid-limit: capacity × 0.0417",
    "disinfection-ask: service time × 1.25", "C a_to_b capacity × 0.5", "A" (a
    closure without an id)."""
    name = w.get("id") or (str(w["target"]) + (f" {w['direction']}" if w.get("direction")
                                               else ""))
    if w.get("kind") in _SCALED and w.get("factor") is not None:
        sep = ": " if w.get("id") else " "
        return f"{name}{sep}{_SCALED[w['kind']]} × {w['factor']:g}"
    return name


def merged_windows(run: RunData, corridor: str | None = None) -> list[dict]:
    """The disruption windows within the run's period, merged: closures apart from
    scalings (capacity or service time), overlapping or touching windows of a group
    made one; ``group`` (``closure``/``scaling``), ``start``, ``end`` (ISO, clipped to
    the run) and ``items`` (:func:`window_label`, each once, in order of first start).
    Year-long measures and short closures then shade the chart once each, not once
    per window. With ``corridor`` (" > "-joined crossing ids) windows on crossings
    (and road posts) off that corridor are left out."""
    t0 = date.fromisoformat(str(run.manifest["start_date"]))
    lo = datetime(t0.year, t0.month, t0.day)
    hi = lo + timedelta(days=float(run.manifest.get("horizon_days") or 0.0))
    groups: dict[str, list] = {}
    off: set[str] = set()
    if corridor is not None:
        on = {c.strip() for c in corridor.split(">")}
        off = {c["id"] for c in (run.network or {}).get("crossings", [])} - on
    for w in disruption_windows(run):
        if w["target"] in off:
            continue
        a = max(datetime.fromisoformat(w["start"]), lo)
        b = min(datetime.fromisoformat(w["end"]), hi)
        if b <= a:
            continue
        item = window_label(w)
        groups.setdefault("closure" if w["kind"] == "closure" else "scaling", []).append(
            (a, b, item))
    out = []
    for group in ("closure", "scaling"):
        cur: dict | None = None
        for a, b, item in sorted(groups.get(group, []), key=lambda x: (x[0], x[1])):
            if cur is not None and a <= cur["end"]:
                cur["end"] = max(cur["end"], b)
                if item not in cur["items"]:
                    cur["items"].append(item)
                continue
            cur = dict(group=group, start=a, end=b, items=[item])
            out.append(cur)
    return [dict(w, start=w["start"].isoformat(timespec="minutes"),
                 end=w["end"].isoformat(timespec="minutes")) for w in out]


def _shade_windows(fig: go.Figure, run: RunData, corridor: str | None = None) -> None:
    """Shade the merged disruption windows (:func:`merged_windows`; with ``corridor``
    those on it) and name each group once, in the legend: what was closed or scaled
    (the scenario table has each window's dates)."""
    wins = merged_windows(run, corridor)
    for w in wins:
        fig.add_vrect(x0=w["start"], x1=w["end"], fillcolor=_SHADE[w["group"]][0],
                      line_width=0, layer="below")
    for group, (_, swatch, what) in _SHADE.items():
        items = list(dict.fromkeys(i for w in wins if w["group"] == group for i in w["items"]))
        if not items:
            continue
        shown = ", ".join(items[:3]) + (f" and {len(items) - 3} more (the scenario table "
                                         "lists them)" if len(items) > 3 else "")
        # a legend of its own above the plot: the long names keep the series' legend compact
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=f"shaded, {what}: {shown}",
            marker=dict(symbol="square", size=14, color=swatch),
            hoverinfo="skip", legend="legend2"))
    if wins:
        fig.update_layout(legend2=dict(orientation="h", x=0, xanchor="left", y=1.0,
                                       yanchor="bottom", font=dict(size=11),
                                       bgcolor="rgba(0,0,0,0)"))


def _room_for_shading(fig: go.Figure) -> go.Figure:
    """Top margin for the shading legend (one line per group, above the plot) so it
    does not run into the title; call after the figure's last layout update."""
    rows = sum(1 for t in fig.data if getattr(t, "legend", None) == "legend2")
    if rows:
        m = fig.layout.margin
        fig.update_layout(margin=dict(l=m.l, r=m.r, b=m.b, t=70 + 22 * rows),
                          title=dict(y=1.0, yanchor="top", yref="container", pad=dict(t=12)),
                          legend2=dict(entrywidthmode="fraction", entrywidth=1.0))
    return fig


def _marker_size(wait_h: float | None) -> float:
    """Crossing marker diameter (px): 8 px plus 5 px per √h of mean wait, at most 48."""
    if wait_h is None or math.isnan(wait_h):
        return 8.0
    return min(48.0, 8.0 + 5.0 * math.sqrt(max(wait_h, 0.0)))


_LABEL_FONT_PX = 10
#: Where a label may go, in order of preference: (plotly textposition, x, y) with x, y
#: the side of the marker (-1, 0, 1; y grows downwards).
_LABEL_SPOTS = (("top center", 0, -1), ("bottom center", 0, 1), ("middle right", 1, 0),
                ("middle left", -1, 0), ("top right", 1, -1), ("top left", -1, -1),
                ("bottom right", 1, 1), ("bottom left", -1, 1))


def _mercator_deg(lat: float) -> float:
    lat = max(-85.0, min(85.0, lat))
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def label_positions(points: list[tuple[float, float, str, float]],
                    lon_range: tuple[float, float], lat_range: tuple[float, float],
                    width_px: float = 1200.0, height_px: float = 400.0,
                    font_px: float = _LABEL_FONT_PX) -> list[str | None]:
    """Where to put each map label so that no two labels overlap and no label covers
    a labelled circle: greedily, in the order given (most important first), the first
    free spot of :data:`_LABEL_SPOTS`; ``None`` for a label with no free spot (its
    name stays in the hover text).

    Parameters
    ----------
    points : list of (lon, lat, text, marker diameter in px)
    lon_range, lat_range : (float, float)
        The map's axis ranges (degrees), drawn in the Mercator projection.
    width_px, height_px : float
        The map's drawing area; the map is scaled to fit both, as plotly does.
    font_px : float
        Label font size; a character is taken as 0.6 em wide and a line 1.25 em high
        (a sans-serif font's average), so the boxes are estimates.

    Returns
    -------
    list of str or None
        A plotly ``textposition`` per point, or ``None``.
    """
    y0 = _mercator_deg(lat_range[1])
    k = min(width_px / max(lon_range[1] - lon_range[0], 1e-9),
            height_px / max(y0 - _mercator_deg(lat_range[0]), 1e-9))  # px per degree
    xy = [((lon - lon_range[0]) * k, (y0 - _mercator_deg(lat)) * k) for lon, lat, _, _ in points]
    boxes = [(x - d / 2, y - d / 2, x + d / 2, y + d / 2)
             for (x, y), (_, _, _, d) in zip(xy, points)]  # the circles

    def free(b) -> bool:
        return all(b[2] <= o[0] or b[0] >= o[2] or b[3] <= o[1] or b[1] >= o[3]
                   for o in boxes)

    out: list[str | None] = []
    for (x, y), (_, _, text, d) in zip(xy, points):
        w, h, gap = 0.6 * font_px * len(text), 1.25 * font_px, d / 2 + 2.0
        for spot, sx, sy in _LABEL_SPOTS:
            left = x - w / 2 if sx == 0 else (x + gap if sx > 0 else x - gap - w)
            top = y - h / 2 if sy == 0 else (y + gap if sy > 0 else y - gap - h)
            box = (left, top, left + w, top + h)
            if free(box):
                boxes.append(box)
                out.append(spot)
                break
        else:
            out.append(None)
    return out


def map_figure(run: RunData, baseline: RunData | None = None,
               label_width_px: float = 1200.0) -> go.Figure:
    """The corridor: links coloured by utilization, nodes, crossings sized by mean wait,
    labelled (crossings with traffic, then the terminals services start or end at; a
    label that would overlap another label or a circle is left to the hover text, see
    :func:`label_positions`, for a map ``label_width_px`` wide); with a baseline, its
    crossings as hollow circles sized by the baseline's mean wait.

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
    labels: list[tuple[str, float, float, str, float]] = []  # kind, lon, lat, text, px
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
        size = [_marker_size(v) for v in w]
        if baseline is not None:
            bw = crossing_waits(baseline).set_index("crossing")
            bv = [float(bw.wait_mean_h.get(c["id"])) if c["id"] in bw.index
                  and bw.wait_mean_h.get(c["id"]) is not None else None for c in cx]
            size = [max(a, _marker_size(v)) for a, v in zip(size, bv)]
            fig.add_trace(go.Scattergeo(
                lon=lon, lat=lat, mode="markers", name="baseline (size: mean wait)",
                marker=dict(size=[_marker_size(v) for v in bv], color="rgba(0,0,0,0)",
                            line=dict(width=1.5, color="#e08000"), sizemode="diameter"),
                text=[f"<b>{c['name']}</b>, baseline<br>mean wait: "
                      + ("–" if v is None else f"{v:.1f} h") for c, v in zip(cx, bv)],
                hoverinfo="text"))
        # crossings with traffic are labelled first, the busiest first
        for i in sorted((i for i, t in enumerate(tpd) if t > 0), key=lambda i: -tpd[i]):
            labels.append(("crossing", lon[i], lat[i], cx[i]["name"], size[i]))
    # then the terminals services start or end at, those with most services first
    ends: dict[str, int] = {}
    for sv in net.get("services", []):
        for n in (sv["origin"], sv["destination"]):
            if n in nodes:
                ends[n] = ends.get(n, 0) + 1
    for n in sorted(ends, key=lambda n: (-ends[n], n)):
        labels.append(("city", nodes[n]["lon"], nodes[n]["lat"], _short(nodes[n]["name"]),
                       7.0))
    lons = [n["lon"] for n in net["nodes"]]
    lats = [n["lat"] for n in net["nodes"]]
    pad_lon = max(2.0, 0.08 * (max(lons) - min(lons)))
    pad_lat = max(2.0, 0.12 * (max(lats) - min(lats)))
    lon_range = (min(lons) - pad_lon, max(lons) + pad_lon)
    lat_range = (min(lats) - pad_lat, max(lats) + pad_lat)
    where = label_positions([(x, y, t, d) for _, x, y, t, d in labels], lon_range,
                            lat_range, width_px=label_width_px, height_px=400.0)
    for kind, colour, name in (("crossing", "#4b004b", "crossing labels"),
                               ("city", "#1f3b57", "city labels")):
        keep = [(lab, pos) for lab, pos in zip(labels, where) if lab[0] == kind and pos]
        if not keep:
            continue
        # invisible markers of the labelled circles' size: plotly sets the text beside them
        fig.add_trace(go.Scattergeo(
            lon=[lab[1] for lab, _ in keep], lat=[lab[2] for lab, _ in keep],
            mode="markers+text", text=[lab[3] for lab, _ in keep],
            textposition=[pos for _, pos in keep],
            marker=dict(size=[lab[4] for lab, _ in keep], color="rgba(0,0,0,0)"),
            textfont=dict(size=_LABEL_FONT_PX, color=colour), hoverinfo="skip",
            showlegend=False, name=name))
    fig.update_geos(
        resolution=110, projection_type="mercator", showcountries=True,
        countrycolor="#7a7a7a", countrywidth=0.6, showland=True, landcolor="#f4f1ea",
        showocean=True, oceancolor="#dbe9f4", showlakes=True, lakecolor="#dbe9f4",
        showcoastlines=True, coastlinecolor="#9a9a9a", showframe=False,
        lonaxis_range=list(lon_range), lataxis_range=list(lat_range))
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
    shown: set[str] = set()  # one legend entry per crossing and direction (the baseline's
    # dashed line toggles with it)
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
                legendgroup=label, showlegend=r is run or label not in shown,
                customdata=g.queue_max_trains,
                hovertemplate="%{x}: mean %{y:.2f}, max %{customdata} trains"))
            shown.add(label)
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
    if baseline is not None:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", hoverinfo="skip",
                                 name="dashed: the baseline (toggles with its crossing)",
                                 line=dict(color="#56616e", dash="dash")))
    _shade_windows(fig, run)
    fig.update_layout(**_LAYOUT, height=480, title="Queue at border crossings by day "
                      "(trains waiting for clearance, daily mean); shaded: disruptions",
                      yaxis_title="trains", yaxis_rangemode="tozero",
                      legend=dict(orientation="h", yanchor="top", y=-0.16))
    return _room_for_shading(fig)


#: Origin–destination pairs drawn in the transit box plot: the most TEU first.
TRANSIT_TOP_OD = 25


def top_od_pairs(run: RunData, n: int = TRANSIT_TOP_OD) -> tuple[list[str], int]:
    """The ``n`` origin–destination pairs with the most TEU delivered (the ``od`` KPI
    table, mean over replications; ties by name), as ``"A → B"`` display names, and how
    many pairs the table has."""
    od = run.tables.get("od", pd.DataFrame())
    if not len(od):
        return [], 0
    ranked = od.assign(
        name=[f"{run.node_name(o)} → {run.node_name(d)}"
              for o, d in zip(od.origin, od.destination)],
        teu=pd.to_numeric(od.teu_delivered, errors="coerce").fillna(0.0))
    ranked = ranked.sort_values(["teu", "name"], ascending=[False, True], kind="stable")
    return list(dict.fromkeys(ranked.name))[:n], int(ranked.name.nunique())


def transit_figure(run: RunData, baseline: RunData | None = None,
                   top: int = TRANSIT_TOP_OD) -> go.Figure:
    """Transit-time distribution (days) per origin–destination pair: box plots over all
    delivered trains of all replications; the baseline beside it. Only the ``top``
    pairs with the most TEU (:func:`top_od_pairs`; the title says so when pairs are
    left out), the axis at the top and the bottom so it is in view. The axis shows up
    to 1.1 × the 99th percentile (zoom out in the page to see the rest)."""
    fig = go.Figure()
    p99 = []
    keep, n_all = top_od_pairs(run, top)
    for r, colour, name in ((run, _PALETTE[0], "this run"),
                            (baseline, _PALETTE[1], "baseline")):
        if r is None:
            continue
        tt = transit_times(r)
        if keep:
            tt = tt[tt.od.isin(keep)]
        if len(tt):
            p99.append(float(tt.transit_d.quantile(0.99)))
        fig.add_trace(go.Box(x=tt.transit_d, y=tt.od, orientation="h", name=name,
                             marker_color=colour, boxpoints="outliers",
                             hovertemplate="%{y}: %{x:.2f} d"))
    if p99:  # a few extreme trains must not squash every box: zoom to the 99th percentile
        fig.update_xaxes(range=[0, 1.1 * max(p99)])
    rows = len(keep) if keep else _n_od(run)
    shown = (f"the {len(keep)} of {n_all} pairs with the most TEU; the table lists all, "
             if keep and len(keep) < n_all else "")
    fig.update_layout(**_LAYOUT, boxmode="group",
                      height=max(320, 140 + (44 if baseline is not None else 28) * rows),
                      title="Transit time per origin–destination pair (days, " + shown
                            + "trains dispatched after the warm-up)", xaxis_title="days",
                      yaxis_autorange="reversed", showlegend=baseline is not None)
    if keep:
        fig.update_yaxes(categoryorder="array", categoryarray=keep)
    fig.update_xaxes(side="top", showticklabels=True, mirror="ticks", ticks="outside")
    fig.update_layout(margin=dict(l=60, r=20, t=120, b=50))  # the title above the axis
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
    fig.update_layout(**_LAYOUT, height=400, barmode="group",
                      title="Throughput by week (TEU, mean over replications); shaded: "
                            "disruptions", xaxis_title="week starting",
                      yaxis_title="TEU per week", yaxis_rangemode="tozero",
                      legend=dict(orientation="h", yanchor="top", y=-0.25))
    return _room_for_shading(fig)


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
    # terminals too, where their name does not overlap a tick already there (the plot is
    # about 360 px high: 14 px a line)
    span = (max(km.values()) - min(km.values())) if km else 0.0
    gap = span * 14.0 / 360.0
    for n in net.get("nodes", []):
        if n["id"] in km and n.get("kind") == "terminal" and \
                all(abs(km[n["id"]] - t) >= gap for t in ticks):
            ticks[km[n["id"]]] = _short(n["name"])
    _shade_windows(fig, run, corridor)
    fig.update_xaxes(range=[(origin + timedelta(hours=lo_h)).isoformat(),
                            (origin + timedelta(hours=hi_h)).isoformat()])
    fig.update_yaxes(tickmode="array", tickvals=list(ticks), ticktext=list(ticks.values()),
                     title="km from the first crossing", autorange="reversed")
    fig.update_layout(**_LAYOUT, height=520,
                      title=f"Trains on corridor {corridor}, replication {replication} "
                            "(flat: standing; shaded: disruptions)",
                      xaxis_title="date (UTC)", legend=dict(orientation="h", y=-0.15))
    return _room_for_shading(fig)
