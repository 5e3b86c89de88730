"""The what-if page (Dash): levers → scenario YAML → background runs → headline and charts.

Why Dash and not Panel: the report's figures are plotly figures and Dash's ``dcc.Graph``
draws them as they are (click events included), Dash serves its JavaScript bundles from
the package itself (``serve_locally``, no CDN), and its server is a plain Flask/WSGI app
that runs under a werkzeug server this module starts and stops itself. Panel would bring
Bokeh and Tornado, a second plotting model and a server with its own event loop.

Every asset is local: Dash's bundles, plotly.js from ``dash.dcc``, and the world geometry
of the report's map inlined in the page (``window.PlotlyGeoAssets``), so plotly.js never
asks its CDN for it.
"""

from __future__ import annotations

import base64
import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from landbridge.errors import LandbridgeError
from landbridge.money import usd_short
from landbridge.web.jobs import JobQueue
from landbridge.web.whatif import (
    LIMITS,
    Lever,
    Levers,
    base_data,
    check_whatif,
    default_window,
    problems_text,
    whatif_data,
    whatif_yaml,
)

__all__ = ["create_app"]

log = logging.getLogger("landbridge.web")

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2733;
     background:#fafbfc;font-size:14px}
header{background:#1f3b57;color:#fff;padding:10px 20px}
header h1{margin:0;font-size:20px} header p{margin:2px 0 0 0;opacity:.85;font-size:13px}
.wrap{display:flex;gap:14px;padding:10px 14px;align-items:flex-start}
.left{flex:0 0 390px} .right{flex:1 1 auto;min-width:0}
.box{background:#fff;border:1px solid #e3e7ec;border-radius:6px;padding:8px 12px;margin:0 0 10px 0}
.box h2{font-size:15px;margin:2px 0 6px 0}
label{display:block;font-size:12px;color:#56616e;margin-top:4px}
input[type=text],input[type=number]{width:100%;box-sizing:border-box;padding:3px 5px}
.row{display:flex;gap:6px} .row > div{flex:1}
button{margin-top:6px;padding:4px 10px;cursor:pointer}
button.primary{background:#1f3b57;color:#fff;border:0;border-radius:4px;padding:7px 16px;
               font-size:14px}
.msg{color:#b3261e;font-size:13px;white-space:pre-wrap} .ok{color:#1b7a3d;font-size:13px}
.item{font-size:12px;display:flex;justify-content:space-between;border-bottom:1px solid #eee}
.item button{margin:0;padding:0 6px}
pre{background:#f5f7f9;padding:8px;overflow:auto;max-height:320px;font-size:12px;margin:4px 0}
.cards{display:flex;flex-wrap:wrap;gap:8px}
.card{border:1px solid #e3e7ec;border-radius:6px;padding:6px 10px;min-width:150px}
.card .v{font-size:18px;font-weight:600} .card .l{font-size:11px;color:#56616e}
.pair{display:flex;gap:8px} .pair > div{flex:1;min-width:0}
table.params{font-size:12px;border-collapse:collapse}
table.params td{border-bottom:1px solid #eee;padding:1px 6px;vertical-align:top}
.job{font-size:12px;margin:3px 0} .job progress{width:160px;vertical-align:middle}
.note{font-size:12px;color:#56616e}
"""


def _index_string() -> str:
    from landbridge.report.html import geo_assets_script

    return ("<!DOCTYPE html><html lang=\"en\"><head>{%metas%}<title>{%title%}</title>"
            "{%favicon%}{%css%}<style>" + _CSS + "</style>" + geo_assets_script()
            + "</head><body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}"
            "</footer></body></html>")


# ------------------------------------------------------------------ cached data
@lru_cache(maxsize=8)
def _base(name: str) -> dict[str, Any]:
    return base_data(name)


@lru_cache(maxsize=8)
def _snapshot(name: str) -> dict[str, Any]:
    """The base scenario's network and service routes (what the map draws)."""
    from landbridge.scenario import compile_scenario, load_scenario
    from landbridge.store import network_snapshot

    sc, p = load_scenario(name)
    return network_snapshot(compile_scenario(sc, file=p))


@lru_cache(maxsize=1)
def _network():
    from landbridge.network import load_network

    return load_network(None)


def _bundled() -> list[str]:
    from landbridge.scenario import bundled_scenarios

    return bundled_scenarios()


def _messages(lines: list[str]) -> Any:
    return html.Ul([html.Li(x) for x in lines], className="msg") if lines else ""


def _num_or_none(v: Any) -> Any:
    return None if v is None or v == "" else v


# ------------------------------------------------------------------ layout
_MAP_HEIGHT = 520


def _graph(gid: str, fig) -> dcc.Graph:
    """A graph as tall as its figure (dcc.Graph is 450 px unless told)."""
    height = fig.layout.height or 450
    return dcc.Graph(id=gid, figure=fig, style={"height": f"{height}px"},
                     config={"displaylogo": False, "responsive": True})


def _layout(default_base: str) -> html.Div:
    net = _network()
    base = _base(default_base)
    rail = sorted((c for c in net.crossings.values()), key=lambda c: c.name)
    targets = [{"label": f"{c.name} ({c.id})", "value": c.id} for c in rail] + [
        {"label": f"{net.nodes[k.from_node].name} – {net.nodes[k.to_node].name} "
                  f"({k.id}, {k.mode.value})", "value": k.id}
        for k in sorted(net.links.values(), key=lambda k: k.id)]
    ferries = [{"label": f"{net.nodes[k.from_node].name} – {net.nodes[k.to_node].name} ({k.id})",
                "value": k.id} for k in sorted(net.links.values(), key=lambda k: k.id)
               if k.mode.value == "ferry"]
    crossings = [{"label": f"{c.name} ({c.id})", "value": c.id} for c in rail]
    start, end = default_window(str(base["start_date"]))
    lo, hi = LIMITS["horizon_days"]
    rlo, rhi = LIMITS["replications"]

    def field(label, comp):
        return html.Div([html.Label(label), comp])

    left = html.Div(className="left", children=[
        html.Div(className="box", children=[
            html.H2("Baseline"),
            dcc.Dropdown(id="baseline", clearable=False, value=f"bundled:{default_base}",
                         options=[{"label": f"bundled scenario: {n}", "value": f"bundled:{n}"}
                                  for n in _bundled()]),
            html.Div(className="row", children=[
                field(f"horizon (days, {lo:g}–{hi:g})",
                      dcc.Input(id="horizon", type="number", value=60, debounce=True)),
                field(f"replications ({rlo}–{rhi})",
                      dcc.Input(id="replications", type="number", value=1, debounce=True)),
                field("seed", dcc.Input(id="seed", type="number", value=base.get("seed"),
                                        debounce=True)),
            ]),
            field("what-if name", dcc.Input(id="whatif-name", type="text", value="what-if",
                                            debounce=True)),
        ]),
        html.Div(className="box", children=[
            html.H2("Close or scale a crossing or link"),
            field("crossing or link", dcc.Dropdown(id="dis-target", options=targets,
                                                   value="ASK-DST", clearable=False)),
            dcc.RadioItems(id="dis-kind", inline=True, value="closure", options=[
                {"label": " close ", "value": "closure"},
                {"label": " scale capacity ", "value": "capacity_scale"},
                {"label": " scale service times", "value": "duration_scale"}]),
            html.Div(className="row", children=[
                field("from (YYYY-MM-DD)", dcc.Input(id="dis-start", type="text", value=start)),
                field("to (YYYY-MM-DD)", dcc.Input(id="dis-end", type="text", value=end)),
                field("factor", dcc.Input(id="dis-factor", type="number", value=0.5)),
            ]),
            html.Button("Add", id="dis-add"),
            html.Div(id="dis-list"),
        ]),
        html.Div(className="box", children=[
            html.H2("Demand"),
            html.Div(className="row", children=[
                field("westbound × (China → Europe)",
                      dcc.Input(id="scale-west", type="number", value=1, debounce=True)),
                field("eastbound × (Europe → China)",
                      dcc.Input(id="scale-east", type="number", value=1, debounce=True)),
            ]),
        ]),
        html.Div(className="box", children=[
            html.H2("Policies"),
            field("at crossing", dcc.Dropdown(id="pol-crossing", options=crossings,
                                              value="ASK-DST", clearable=False)),
            dcc.Checklist(id="pol-flags", inline=True, value=[], options=[
                {"label": " electronic pre-declaration ", "value": "pre_declaration"},
                {"label": " 24-hour operation", "value": "operate_24h"}]),
            html.Div(className="row", children=[
                field("+ tracks", dcc.Input(id="pol-tracks", type="number", value=0)),
                field("+ cranes/track", dcc.Input(id="pol-cranes", type="number", value=0)),
                field("+ teams", dcc.Input(id="pol-teams", type="number", value=0)),
                field("+ yard tracks", dcc.Input(id="pol-yard", type="number", value=0)),
            ]),
            html.Div(className="row", children=[
                field("ferry", dcc.Dropdown(id="pol-ferry", options=ferries,
                                            value=ferries[0]["value"] if ferries else None)),
                field("+ sailings/week", dcc.Input(id="pol-sailings", type="number", value=0)),
            ]),
            html.Button("Add", id="pol-add"),
            html.Div(id="pol-list"),
            html.H2("Candidate investments", style={"marginTop": "10px"}),
            dcc.Checklist(id="investments", value=[], options=[]),
        ]),
        html.Div(className="box", children=[
            html.Button("Run what-if", id="run", className="primary"),
            html.Div(id="messages"),
            html.Div(id="run-note", className="ok"),
        ]),
        html.Div(className="box", children=[
            html.H2("Scenario YAML"),
            html.P("The what-if in the scenario format; `landbridge simulate` on this file "
                   "gives the same run, byte for byte.", className="note"),
            html.Pre(id="yaml"),
            html.Div(className="row", children=[
                html.Div(html.Button("Download YAML", id="download-btn")),
                html.Div(dcc.Upload(id="upload", children=html.Button("Upload YAML"),
                                    max_size=LIMITS["yaml_bytes"], multiple=False)),
            ]),
            html.Div(id="upload-note", className="note"),
            dcc.Download(id="download"),
        ]),
    ])
    right = html.Div(className="right", children=[
        html.Div(className="box", id="results-box", children=[
            html.H2("Results"), html.Div(id="results", children=html.P(
                "Set the levers and press Run: the what-if and its baseline (same horizon, "
                "seed and replications) run in the background.", className="note"))]),
        html.Div(className="box", children=[
            dcc.Graph(id="map", config={"displaylogo": False, "responsive": True},
                      style={"height": f"{_MAP_HEIGHT}px"}),
            html.Div(id="element-params"),
        ]),
        html.Div(className="box", children=[
            html.H2("Runs"), html.Div(id="queue"), html.Div(id="stored-runs")]),
    ])
    return html.Div([
        html.Header([html.H1("landbridge — what-if"),
                     html.P("China–Europe overland corridors through Kazakhstan: change a "
                            "crossing, demand or policy, run, compare with the baseline.")]),
        html.Div(className="wrap", children=[left, right]),
        dcc.Store(id="dis-store", data=[]),
        dcc.Store(id="pol-store", data=[]),
        dcc.Store(id="upload-store", data=None),
        dcc.Store(id="pairs", data=[]),
        dcc.Store(id="shown", data=None),
        dcc.Store(id="runs-key", data=None),
        dcc.Interval(id="poll", interval=700),
    ])


# ------------------------------------------------------------------ the app
def create_app(jobs: JobQueue, store: Path, work_dir: Path, default_base: str = "default"
               ) -> dash.Dash:
    """The Dash app of the what-if page.

    Parameters
    ----------
    jobs : JobQueue
        Runs the what-ifs and baselines (started by the caller).
    store : Path
        The results store whose runs are listed.
    work_dir : Path
        The page's private directory (what-if files, progress files).
    default_base : str
        The bundled scenario selected when the page opens.
    """
    app = dash.Dash("landbridge.web", title="landbridge — what-if", serve_locally=True,
                    assets_folder=str(Path(__file__).parent / "assets"),
                    include_assets_files=False, update_title=None,
                    suppress_callback_exceptions=True)
    app.index_string = _index_string()
    app.layout = _layout(default_base)
    work_dir = Path(work_dir)
    whatif_dir = work_dir / "whatifs"

    # run id -> base, horizon, seed, replications, and for a stored what-if its name and
    # the keys it changes on its bundled base (web.whatif.stored_whatif)
    stored_baselines: dict[str, dict[str, Any]] = {}

    def base_of(base_ref: str) -> str:
        kind, _, ref = (base_ref or "bundled:default").partition(":")
        if kind == "run":
            return stored_baselines.get(ref, {}).get("base", default_base)
        return ref

    def changes_of(base_ref: str) -> dict[str, Any]:
        kind, _, ref = (base_ref or "").partition(":")
        return stored_baselines.get(ref, {}).get("changes", {}) if kind == "run" else {}

    def levers_of(base_ref, horizon, reps, seed, name, dis, west, east, pols, invs) -> Levers:
        base = base_of(base_ref)
        return Levers(base=base, name=name or "what-if", base_changes=changes_of(base_ref),
                      horizon_days=_num_or_none(horizon),
                      seed=_num_or_none(seed), replications=_num_or_none(reps),
                      disruptions=tuple(Lever(**d) for d in dis or []),
                      demand_scale={"westbound": _num_or_none(west),
                                    "eastbound": _num_or_none(east)},
                      policies=tuple(pols or []), investments=tuple(invs or []))

    # ---- investments of the base
    @app.callback(Output("investments", "options"), Output("investments", "value"),
                  Input("baseline", "value"))
    def _investments(base_ref):
        try:
            base = _base(base_of(base_ref))
        except LandbridgeError:
            return [], []
        return ([{"label": f" {inv['name']} ({usd_short(inv['cost_usd'])})",
                  "value": inv["id"]} for inv in base.get("investments", [])], [])

    # ---- disruption and policy lists
    @app.callback(Output("dis-store", "data"), Output("dis-list", "children"),
                  Input("dis-add", "n_clicks"), Input({"type": "dis-remove", "index": ALL},
                                                      "n_clicks"),
                  State("dis-target", "value"), State("dis-kind", "value"),
                  State("dis-start", "value"), State("dis-end", "value"),
                  State("dis-factor", "value"), State("dis-store", "data"),
                  prevent_initial_call=True)
    def _dis(add, removes, target, kind, start, end, factor, data):
        data = list(data or [])
        trig = ctx.triggered_id
        if isinstance(trig, dict) and trig.get("type") == "dis-remove":
            if not any(removes):
                return no_update, no_update
            data.pop(int(trig["index"]))
        elif trig == "dis-add":
            data.append(dict(kind=kind, target=target, start=(start or "").strip(),
                             end=(end or "").strip(),
                             factor=None if kind == "closure" else factor))
        return data, _dis_items(data)

    def _dis_items(data):
        net = _network()
        out = []
        for i, d in enumerate(data):
            name = net.crossings[d["target"]].name if d["target"] in net.crossings else d["target"]
            what = "closed" if d["kind"] == "closure" else (
                f"capacity × {d['factor']}" if d["kind"] == "capacity_scale"
                else f"service times × {d['factor']}")
            out.append(html.Div(className="item", children=[
                html.Span(f"{name} {what}, {d['start']} – {d['end']}"),
                html.Button("×", id={"type": "dis-remove", "index": i}, title="remove")]))
        return out

    @app.callback(Output("pol-store", "data"), Output("pol-list", "children"),
                  Input("pol-add", "n_clicks"), Input({"type": "pol-remove", "index": ALL},
                                                      "n_clicks"),
                  State("pol-crossing", "value"), State("pol-flags", "value"),
                  State("pol-tracks", "value"), State("pol-cranes", "value"),
                  State("pol-teams", "value"), State("pol-yard", "value"),
                  State("pol-ferry", "value"), State("pol-sailings", "value"),
                  State("pol-store", "data"), prevent_initial_call=True)
    def _pol(add, removes, crossing, flags, tracks, cranes, teams, yard, ferry, sailings,
             data):
        data = list(data or [])
        trig = ctx.triggered_id
        if isinstance(trig, dict) and trig.get("type") == "pol-remove":
            if not any(removes):
                return no_update, no_update
            data.pop(int(trig["index"]))
        elif trig == "pol-add":
            for flag in flags or []:
                data.append({"kind": flag, "crossing": crossing})
            extra = {k: v for k, v in (("transshipment_tracks", tracks),
                                       ("cranes_per_track", cranes),
                                       ("inspection_teams", teams),
                                       ("receiving_yard_tracks", yard)) if v not in (None, 0)}
            if extra:
                data.append({"kind": "add_resources", "crossing": crossing, **extra})
            if ferry and sailings not in (None, 0):
                data.append({"kind": "add_sailings", "link": ferry,
                             "sailings_per_week": sailings})
        items = [html.Div(className="item", children=[
            html.Span(", ".join(f"{k} {v}" for k, v in p.items())),
            html.Button("×", id={"type": "pol-remove", "index": i}, title="remove")])
            for i, p in enumerate(data)]
        return data, items

    # ---- levers -> YAML (checked)
    lever_inputs = [Input("baseline", "value"), Input("horizon", "value"),
                    Input("replications", "value"), Input("seed", "value"),
                    Input("whatif-name", "value"), Input("dis-store", "data"),
                    Input("scale-west", "value"), Input("scale-east", "value"),
                    Input("pol-store", "data"), Input("investments", "value")]

    @app.callback(Output("yaml", "children"), Output("messages", "children"),
                  Output("upload-store", "data"), Output("upload-note", "children"),
                  *lever_inputs, Input("upload", "contents"), State("upload", "filename"),
                  State("upload-store", "data"))
    def _yaml(base_ref, horizon, reps, seed, name, dis, west, east, pols, invs, contents,
              filename, uploaded):
        upload_note = no_update
        if ctx.triggered_id == "upload" and contents:
            text, problem = _decode_upload(contents)
            if problem:
                return no_update, _messages([problem]), None, ""
            uploaded = {"text": text, "filename": filename or "what-if.yaml"}
            upload_note = (f"Uploaded {uploaded['filename']}: the page runs this file as it "
                           "is; change a lever to go back to the levers.")
        elif ctx.triggered_id is not None and ctx.triggered_id != "upload":
            uploaded, upload_note = None, ""
        if uploaded:
            text = uploaded["text"]
        else:
            try:
                lv = levers_of(base_ref, horizon, reps, seed, name, dis, west, east, pols,
                               invs)
                text = whatif_yaml(whatif_data(lv, _base(lv.base)))
            except LandbridgeError as exc:
                return no_update, _messages(problems_text(exc)), None, upload_note
        try:
            check_whatif(text, whatif_dir)
            msgs = ""
        except LandbridgeError as exc:
            msgs = _messages(problems_text(exc))
        except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
            log.exception("checking the what-if failed")
            msgs = _messages([f"internal error while checking the what-if: {exc}"])
        return text, msgs, uploaded, upload_note

    # ---- download
    @app.callback(Output("download", "data"), Input("download-btn", "n_clicks"),
                  State("yaml", "children"), State("whatif-name", "value"),
                  State("upload-store", "data"), prevent_initial_call=True)
    def _download(n, text, name, uploaded):
        if not text:
            return no_update
        fname = (uploaded or {}).get("filename") or f"{name or 'what-if'}.yaml"
        return dcc.send_string(text, filename=Path(fname).name)

    # ---- run
    @app.callback(Output("pairs", "data"), Output("run-note", "children"),
                  Output("messages", "children", allow_duplicate=True),
                  Input("run", "n_clicks"), State("yaml", "children"),
                  State("pairs", "data"), State("baseline", "value"),
                  State("upload-store", "data"), prevent_initial_call=True)
    def _run(n, text, pairs, base_ref, uploaded):
        if not text:
            return no_update, "", _messages(["nothing to run yet"])
        try:
            compiled, path = check_whatif(text, whatif_dir)
            sc = compiled.scenario
            kind, _, ref = (base_ref or "").partition(":")
            stored = stored_baselines.get(ref) if kind == "run" and not uploaded else None
            btext = _baseline_yaml(text, sc, stored)
            bcompiled, bpath = check_whatif(btext, whatif_dir)
            pending = jobs.pending_for(bpath)
            bjob = pending if pending is not None and pending.state != "failed" else \
                jobs.submit(bpath, f"baseline {bcompiled.scenario.name}", role="baseline")
            wjob = jobs.submit(path, f"what-if {sc.name}", role="what-if")
        except LandbridgeError as exc:
            return no_update, "", _messages(problems_text(exc))
        except Exception as exc:  # noqa: BLE001 - never a traceback on the page
            log.exception("queueing the run failed")
            return no_update, "", _messages([f"internal error while queueing the run: {exc}"])
        pairs = list(pairs or []) + [{"whatif": wjob.id, "baseline": bjob.id,
                                      "label": sc.name}]
        return pairs, f"queued {wjob.label} ({wjob.id}) with {bjob.label} ({bjob.id})", ""

    # ---- queue, stored runs and results (polled)
    @app.callback(Output("queue", "children"), Output("results", "children"),
                  Output("shown", "data"), Output("stored-runs", "children"),
                  Output("runs-key", "data"),
                  Input("poll", "n_intervals"), State("pairs", "data"), State("shown", "data"),
                  State("runs-key", "data"))
    def _poll(_, pairs, shown, runs_key):
        views = jobs.jobs()
        queue_view = [html.Div(className="job", id=f"job-{v['id']}", children=[
            html.Span(f"{v['label']}: {v['state']}"
                      + (f" {100 * v['progress']:.0f} %" if v["state"] == "running" else "")
                      + (" (identical stored run reused)" if v["reused"] else "")
                      + (f" → {v['run_id']}" if v["run_id"] else "")
                      + (f" — {v['message']}" if v["message"] else "") + " "),
            html.Progress(value=f"{v['progress']:.3f}", max="1")]) for v in views] or \
            html.P("no runs yet", className="note")
        results, new_shown = no_update, no_update
        for pair in reversed(pairs or []):
            w, b = jobs.get(pair["whatif"]), jobs.get(pair["baseline"])
            if w is None or b is None:
                continue
            if w.state == "done" and b.state == "done":
                key = f"{w.id}/{b.id}"
                if key != shown:
                    view = rendered(key, w.result, b.result)
                    if view is not None:
                        results, new_shown = view, key
                break
            if w.state in ("failed", "cancelled") or b.state in ("failed", "cancelled"):
                key = f"{w.id}/{b.id}:failed"
                if key != shown:
                    results = _messages([f"{j.label}: {j.state} {j.message}"
                                         for j in (w, b) if j.state != "done"])
                    new_shown = key
                break
        finished = "/".join(v["id"] for v in views if v["state"] == "done") or "-"
        if finished == runs_key:
            return queue_view, results, new_shown, no_update, no_update
        return queue_view, results, new_shown, stored_runs(views), finished

    # results are built once per pair (a few seconds), whichever poll comes first; the
    # store is read only when a run has finished (a reader would hold up the workers'
    # writes)
    cache: dict[str, Any] = {}
    building = threading.Lock()

    def rendered(key: str, wres: dict[str, Any], bres: dict[str, Any]) -> Any:
        if key in cache:
            return cache[key]
        if not building.acquire(blocking=False):
            return None
        try:
            cache[key] = _results(wres, bres, store, key)
        except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
            log.exception("building the results failed")
            cache[key] = _messages([f"internal error while building the results: {exc}"])
        finally:
            building.release()
        return cache[key]

    def stored_runs(views: list[dict[str, Any]]) -> Any:
        finished = tuple(v["id"] for v in views if v["state"] == "done")
        if cache.get("runs-key") != finished or "runs" not in cache:
            cache["runs"] = _stored_runs(store)
            cache["runs-key"] = finished
        return cache["runs"]

    # ---- stored runs as baselines
    hashes: dict[tuple, str | None] = {}

    def baseline_hash(base: str, horizon: float, warmup: float, seed: int, reps: int
                      ) -> str | None:
        """Scenario hash of the page's baseline file for these settings (cached)."""
        from landbridge.scenario import scenario_hash

        key = (base, horizon, warmup, seed, reps)
        if key not in hashes:
            text = _settings_yaml(base, _base(base)["name"], float(horizon), float(warmup),
                                  int(seed), int(reps))
            try:
                hashes[key] = scenario_hash(check_whatif(text, whatif_dir)[0].scenario)
            except LandbridgeError:
                hashes[key] = None
        return hashes[key]

    rebuilt: dict[str, dict[str, Any] | None] = {}  # run id -> stored what-if, or None

    def stored_whatif_run(r: dict[str, Any]) -> dict[str, Any] | None:
        """A stored run of a scenario that is not bundled (a what-if from the page or a
        file) as a bundled base and the keys it changes, when the page rebuilds it
        exactly (same scenario hash), else None (cached per run)."""
        import json

        from landbridge.scenario import scenario_hash
        from landbridge.web.whatif import stored_whatif

        rid = r["run_id"]
        if rid not in rebuilt:
            rebuilt[rid] = None
            try:
                data = json.loads((Path(r["run_dir"]) / "scenario.json")
                                  .read_text(encoding="utf-8"))
                base, changes = stored_whatif(data)
                text = _settings_yaml(base, r["scenario_name"], float(r["horizon_days"]),
                                      float(r["warmup_days"] or 0.0), int(r["seed"]),
                                      int(r["replications"]), changes)
                if scenario_hash(check_whatif(text, whatif_dir)[0].scenario) == \
                        r["scenario_hash"]:
                    rebuilt[rid] = {"base": base, "name": r["scenario_name"],
                                    "changes": changes}
            except (OSError, ValueError, LandbridgeError):
                pass  # moved, unreadable or not expressible on the page: not offered
        return rebuilt[rid]

    @app.callback(Output("baseline", "options"), Input("stored-runs", "children"))
    def _baseline_options(_):
        """Bundled scenarios, and stored runs the page rebuilds exactly (same scenario
        hash): a bundled scenario with the page's settings, or a what-if (from the page
        or a file) as its bundled base and the keys it changes. Choosing one reuses it
        as the baseline, and the levers act on top of it."""
        from landbridge.store import ResultsStore

        options = [{"label": f"bundled scenario: {n}", "value": f"bundled:{n}"}
                   for n in _bundled()]
        st = ResultsStore(store)
        if not st.path.exists():
            return options
        try:
            runs = st.runs()
        except LandbridgeError:
            return options
        bundled = set(_bundled())
        lo, hi = LIMITS["horizon_days"]
        for r in reversed(runs.to_dict("records")):
            if not 1 <= r["replications"] <= LIMITS["replications"][1] or \
                    not lo <= float(r["horizon_days"]) <= hi:
                continue
            entry = {"horizon": float(r["horizon_days"]), "seed": int(r["seed"]),
                     "replications": int(r["replications"])}
            if r["scenario_name"] in bundled:
                h = baseline_hash(r["scenario_name"], float(r["horizon_days"]),
                                  float(r["warmup_days"] or 0.0), int(r["seed"]),
                                  int(r["replications"]))
                if h != r["scenario_hash"]:
                    continue
                entry["base"] = r["scenario_name"]
                what = ""
            else:
                found = stored_whatif_run(r)
                if found is None:
                    continue
                entry.update(found)
                what = f"what-if {r['scenario_name']} on {found['base']}, "
            stored_baselines[r["run_id"]] = entry
            options.append({"label": f"stored run: {r['run_id']} ({what}"
                                     f"{r['horizon_days']:g} d, {r['replications']} rep.)",
                            "value": f"run:{r['run_id']}"})
        return options

    @app.callback(Output("horizon", "value"), Output("seed", "value"),
                  Output("replications", "value"), Input("baseline", "value"),
                  prevent_initial_call=True)
    def _baseline_settings(base_ref):
        kind, _, ref = (base_ref or "").partition(":")
        if kind == "run" and ref in stored_baselines:
            b = stored_baselines[ref]
            return b["horizon"], b["seed"], b["replications"]
        if kind == "bundled":
            try:
                return no_update, _base(ref).get("seed"), no_update
            except LandbridgeError:
                pass
        return no_update, no_update, no_update

    # ---- map and clicked element
    @app.callback(Output("map", "figure"), Input("baseline", "value"))
    def _map(base_ref):
        from landbridge.web.figures import corridor_map, network_only_run

        name = base_of(base_ref)
        try:
            base = _base(name)
            return corridor_map(network_only_run(_snapshot(name), str(base["start_date"]),
                                                 float(base["horizon_days"])),
                                height=_MAP_HEIGHT)
        except LandbridgeError:
            return no_update

    @app.callback(Output("element-params", "children"), Output("dis-target", "value"),
                  Output("pol-crossing", "value"), Output("pol-ferry", "value"),
                  Input("map", "clickData"), prevent_initial_call=True)
    def _clicked(click):
        try:
            kind, ident = click["points"][0]["customdata"]
        except (TypeError, KeyError, IndexError, ValueError):
            return no_update, no_update, no_update, no_update
        return _params(kind, ident)

    return app


# ------------------------------------------------------------------ helpers
def _decode_upload(contents: str) -> tuple[str, str | None]:
    try:
        _, b64 = contents.split(",", 1)
        raw = base64.b64decode(b64, validate=False)
    except (ValueError, TypeError):
        return "", "the upload could not be read"
    if len(raw) > LIMITS["yaml_bytes"]:
        return "", f"the file is larger than {LIMITS['yaml_bytes']:,} bytes"
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return "", "the file is not UTF-8 text (a scenario YAML is)"


def _settings_yaml(base: str, name: str, horizon_days: float, warmup_days: float,
                   seed: int, replications: int, changes: dict[str, Any] | None = None
                   ) -> str:
    """A what-if of the page's own kind: ``base`` under ``name`` with these run settings
    (the warm-up only when it is not the base's) and ``changes`` replacing the base's
    keys."""
    bdata = _base(base)
    out: dict[str, Any] = {"base": base, "name": name, "horizon_days": horizon_days}
    if warmup_days != float(bdata.get("warmup_days") or 0.0):
        out["warmup_days"] = warmup_days
    out["seed"] = seed
    out["replications"] = replications
    out.update(changes or {})
    return whatif_yaml(out)


def _baseline_yaml(whatif_text: str, sc, stored: dict[str, Any] | None = None) -> str:
    """The baseline of a what-if, with its horizon, warm-up, seed and replications: its
    bundled base, named after the base (so `landbridge simulate BASE --days N` gives the
    same scenario); or, with ``stored`` (a stored what-if run chosen as the baseline:
    its ``name`` and ``changes``), that what-if rebuilt on the same base, which reuses
    the stored run when the settings are its own."""
    from landbridge.textfiles import loads_yaml

    base = loads_yaml(whatif_text)["base"]
    if stored and stored.get("changes") is not None and stored.get("base") == base:
        return _settings_yaml(base, stored["name"], sc.horizon_days, sc.warmup_days,
                              sc.seed, sc.replications, stored["changes"])
    return _settings_yaml(base, _base(base)["name"], sc.horizon_days, sc.warmup_days,
                          sc.seed, sc.replications)


def _params(kind: str, ident: str):
    net = _network()
    rec = {"crossing": net.crossings, "link": net.links, "node": net.nodes}.get(kind, {}).get(ident)
    if rec is None:
        return html.P(f"{kind} {ident}: not in the bundled network", className="note"), \
            no_update, no_update, no_update
    data = rec.model_dump(mode="json", exclude_none=True)
    ports = getattr(net, "ports", {}) or {}
    if kind == "node" and ident in ports:
        data["port"] = ports[ident].model_dump(mode="json", exclude_none=True)
    rows = [html.Tr([html.Td(k), html.Td(_short(v))]) for k, v in data.items()
            if k not in ("source", "notes", "estimate")]
    title = data.get("name") or (f"{net.nodes[rec.from_node].name} – "
                                 f"{net.nodes[rec.to_node].name}" if kind == "link" else ident)
    panel = html.Div(id="element-panel", children=[
        html.H2(f"{title} ({kind} {ident})"), html.Table(rows, className="params"),
        html.P(f"source: {data.get('source', '–')}", className="note")])
    dis = ident if kind in ("crossing", "link") else no_update
    pol = ident if kind == "crossing" and net.crossings[ident].mode == "rail" else no_update
    ferry = ident if kind == "link" and rec.mode.value == "ferry" else no_update
    return panel, dis, pol, ferry


def _short(v: Any) -> str:
    import json

    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return s if len(s) <= 160 else s[:157] + "…"


def _stored_runs(store: Path):
    from landbridge.store import ResultsStore

    st = ResultsStore(store)
    if not st.path.exists():
        return html.P("results store: no runs yet", className="note")
    try:
        runs = st.runs()
    except LandbridgeError as exc:
        return _messages([str(exc)])
    rows = [html.Tr([html.Td(r["run_id"]), html.Td(r["scenario_name"]),
                     html.Td(f"{r['horizon_days']:g} d"), html.Td(f"seed {r['seed']}"),
                     html.Td(f"{r['replications']} rep.")])
            for r in reversed(runs.tail(12).to_dict("records"))]
    return html.Div([html.P(f"results store {st.path} ({len(runs)} runs, newest first):",
                            className="note"),
                     html.Table(rows, className="params", id="stored-runs-table")])


def _results(wres: dict[str, Any], bres: dict[str, Any], store: Path, key: str = ""):
    """Headline, charts side by side, change map and space-time diagram of a finished
    what-if against its baseline."""
    from landbridge.report.charts import queue_figure, throughput_figure, transit_figure
    from landbridge.report.data import load_run
    from landbridge.web.figures import change_map, side_by_side
    from landbridge.web.headline import headline_of_dirs

    try:
        run = load_run(wres["run_dir"], wres["run_id"])
        base = load_run(bres["run_dir"], bres["run_id"])
        figures, lines = headline_of_dirs(wres["run_dir"], bres["run_dir"], store)
    except LandbridgeError as exc:
        return _messages(problems_text(exc))
    cards = html.Div(className="cards", id="headline", children=[
        html.Div(className="card", children=[
            html.Div(f.text, className="v", id=f"headline-{f.key}"),
            html.Div(f.label, className="l")]) for f in figures])
    sentences = html.Div(id="headline-lines", children=[html.P(x) for x in lines])
    charts = []
    for fn, cid, height in ((queue_figure, "queue", 340), (throughput_figure, "throughput", 340),
                            (transit_figure, "transit", None)):
        a, b = side_by_side(fn, base, run, height=height)
        charts.append(html.Div(className="pair", children=[
            html.Div(_graph(f"chart-{cid}-baseline", a)),
            html.Div(_graph(f"chart-{cid}-whatif", b))]))
    charts.append(html.Div(id="stringline-box", children=_stringline_pair(wres, bres)))
    return html.Div([
        html.P(f"what-if {run.run_id} against baseline {base.run_id} "
               f"({run.manifest.get('horizon_days'):g} days from "
               f"{run.manifest.get('start_date')}, seed {run.manifest.get('seed')}, "
               f"{run.replications} replication(s))", className="note", id="results-title"),
        cards, sentences,
        _graph("change-map", change_map(run, base, height=_MAP_HEIGHT)),
        *charts,
    ])


def _stringline_pair(wres: dict[str, Any], bres: dict[str, Any]) -> Any:
    """The space-time diagrams of the what-if and its baseline, side by side."""
    from landbridge.report.data import load_run
    from landbridge.web.figures import stringlines

    try:
        drawn = stringlines(load_run(bres["run_dir"], bres["run_id"]),
                            load_run(wres["run_dir"], wres["run_id"]))
    except (KeyError, LandbridgeError) as exc:
        return _messages([f"space-time diagram: {exc}"])
    except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
        log.exception("drawing the space-time diagram failed")
        return _messages([f"internal error while drawing the space-time diagram: {exc}"])
    if drawn is None:
        return html.P("no corridor to draw (the runs have no service routes)",
                      className="note")
    _, a, b = drawn
    return html.Div(className="pair", children=[
        html.Div(_graph("stringline-baseline", a)), html.Div(_graph("stringline-whatif", b))])
