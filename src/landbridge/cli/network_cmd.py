"""`landbridge route` and `landbridge network ...`."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer

from landbridge.cli._common import handle_errors, out, print_json, Table
from landbridge.errors import Problem, UnknownNameError, UsageError

network_app = typer.Typer(help="Inspect and validate corridor networks.", no_args_is_help=True)

NETWORK_OPT = typer.Option(None, "--network", help="Network directory (default: bundled).")


def route(
    origin: str = typer.Argument(..., help="Origin node: id, name or alias."),
    destination: str = typer.Argument(..., help="Destination node: id, name or alias."),
    k: int = typer.Option(1, "--k", min=1, max=20, help="Number of distinct corridors."),
    by: str = typer.Option("time", "--by", help="Optimise 'time' or 'distance'."),
    mode: str = typer.Option("rail", "--mode", help="'rail' (rail + ferry) or 'road'."),
    depart: Optional[str] = typer.Option(
        None, "--depart", help="Departure time, ISO 8601 (local time at origin if naive)."),
    network: Optional[Path] = NETWORK_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    via: Optional[list[str]] = typer.Option(
        None, "--via", help="A node the route passes (repeat for several, in order); a "
                            "port is where the ferry leaves, e.g. --via Aktau."),
) -> None:
    """Fastest or shortest routes and the k best distinct corridors between two nodes.

    Corridors differ by their gauge-break crossings and ferries."""
    _route(origin, destination, k, by, mode, depart, network, as_json, via or [])


def check_via(net, origin: str, destination: str, via) -> None:
    """Refuse ``--via`` points that make no sense as a route: a via point that is the
    origin or the destination, the same via point twice in a row, or origin =
    destination.

    Raises
    ------
    UsageError
        Naming each such ``--via`` (by its position when there are several) or
        DESTINATION.
    UnknownNameError
        A name that matches no node (with suggestions; a via point's names its
        ``--via``).
    """
    o, d = net.resolve(origin), net.resolve(destination)

    def node(i: str) -> str:
        return f"{net.nodes[i].name} ({i})"

    problems = []
    if o == d:
        problems.append(Problem("<command line>", "DESTINATION", "",
                                f"{destination!r} is the origin too ({node(o)}); give two "
                                "different nodes"))
    between = "a via point lies between the origin and the destination: leave it out"
    previous = None
    for n, value in enumerate(via, 1):
        opt = f"--via {n}" if len(via) > 1 else "--via"
        if not value.strip():
            problems.append(Problem("<command line>", opt, "",
                                    f"{value!r} names no node; give a node id or name, "
                                    "e.g. --via Aktau"))
            continue
        try:
            v = net.resolve(value)
        except UnknownNameError as exc:
            raise UnknownNameError(f"{opt}: {exc}") from None
        if v == o:
            problems.append(Problem("<command line>", opt, "",
                                    f"{value!r} is the origin ({node(v)}); {between}"))
        elif v == d:
            problems.append(Problem("<command line>", opt, "",
                                    f"{value!r} is the destination ({node(v)}); {between}"))
        elif v == previous:
            problems.append(Problem("<command line>", opt, "",
                                    f"{value!r} is the via point before it again "
                                    f"({node(v)}); give it once"))
        previous = v
    if problems:
        raise UsageError(problems)


@handle_errors
def _route(origin, destination, k, by, mode, depart, network, as_json, via=()) -> None:
    from landbridge.network import Mode, find_routes, load_network

    problems = []
    if by not in ("time", "distance"):
        problems.append(Problem("<command line>", "--by", "", f"expected time or distance, got {by!r}"))
    if mode not in ("rail", "road"):
        problems.append(Problem("<command line>", "--mode", "", f"expected rail or road, got {mode!r}"))
    when = None
    if depart:
        try:
            when = datetime.fromisoformat(depart)
            if not 1900 <= when.year <= 2200:
                raise ValueError
        except ValueError:
            problems.append(Problem("<command line>", "--depart", "",
                                    f"expected an ISO 8601 time between 1900 and 2200 like 2025-03-01T08:00, got {depart!r}"))
    if problems:
        raise UsageError(problems)
    net = load_network(network)
    check_via(net, origin, destination, via)
    modes = (Mode.rail, Mode.ferry) if mode == "rail" else (Mode.road,)
    routes = find_routes(net, origin, destination, k=k, by=by, modes=modes, depart=when,
                         via=via)
    if as_json:
        print_json([r.to_dict() for r in routes])
        return
    for i, r in enumerate(routes, 1):
        o, d = net.nodes[r.origin], net.nodes[r.destination]
        passed = [f"{c} (ferry)" if c in r.ferries else c for c in r.checkpoints]
        title = (f"[bold]{i}. {o.name} → {d.name}[/] via {', '.join(passed) or 'no border'}: "
                 f"{r.length_km:,.0f} km, running {r.running_time_h / 24:.1f} d, "
                 f"static minimum transit {r.min_transit_time_h / 24:.1f} d, "
                 f"{r.gauge_breaks} gauge break{'s' if r.gauge_breaks != 1 else ''}, "
                 f"countries {'–'.join(r.countries)}; corridor {r.corridor_label or '–'}")
        t = Table(title=title, title_justify="left", show_lines=False)
        for col in ("leg", "from", "to", "mode", "km", "run h", "gauge", "crossing", "dwell h"):
            t.add_column(col, justify="right" if col in ("km", "run h", "dwell h", "leg") else "left")
        if when:
            t.add_column("depart (local)")
            t.add_column("arrive (local)")
        for j, leg in enumerate(r.legs, 1):
            row = [str(j), net.nodes[leg.from_node].name, net.nodes[leg.to_node].name, leg.mode,
                   f"{leg.length_km:,.0f}", f"{leg.running_time_h:.1f}",
                   str(leg.gauge_mm or "–") + (" ⇄" if leg.gauge_break else ""),
                   leg.crossing or "", f"{leg.dwell_h:.1f}" if leg.crossing else ""]
            if when:
                row += [leg.depart or "", leg.arrive or ""]
            t.add_row(*row)
        out.print(t)


@network_app.command("validate")
def validate(path: Path = typer.Argument(..., help="Network directory (or one of its files).")) -> None:
    """Validate a network; list every problem found (exit 2 if any)."""
    _validate(path)


@handle_errors
def _validate(path: Path) -> None:
    from landbridge.network import load_network

    net = load_network(path)
    out.print(f"[green]ok[/]: {net.source}: {len(net.nodes)} nodes, {len(net.links)} links, "
              f"{len(net.crossings)} border crossing points")


@network_app.command("show")
def show(network: Optional[Path] = NETWORK_OPT,
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Summarise a network: nodes, links, border crossings per country, total km."""
    _show(network, as_json)


def network_summary(net) -> dict:
    """Per-country counts and totals of ``net`` as a plain dict."""
    per_country: dict[str, dict] = {}
    for c in net.countries():
        per_country[c] = {"nodes": 0, "links": 0, "length_km": 0.0, "crossings": 0}
    for n in net.nodes.values():
        per_country[n.country]["nodes"] += 1
    for link in net.links.values():
        a, b = net.nodes[link.from_node].country, net.nodes[link.to_node].country
        for c in {a, b}:
            per_country[c]["links"] += 1
            per_country[c]["length_km"] += link.length_km / len({a, b})
    for x in net.crossings.values():
        for c in {net.nodes[x.station_a].country, net.nodes[x.station_b].country}:
            per_country[c]["crossings"] += 1
    for v in per_country.values():
        v["length_km"] = round(v["length_km"], 1)
    modes = Counter(link.mode.value for link in net.links.values())
    km = Counter()
    for link in net.links.values():
        km[link.mode.value] += link.length_km
    return {
        "source": net.source,
        "nodes": len(net.nodes),
        "links": len(net.links),
        "crossings": len(net.crossings),
        "length_km_by_mode": {m: round(km[m], 1) for m in sorted(km)},
        "links_by_mode": dict(sorted(modes.items())),
        "countries": per_country,
        "border_crossings": [
            {"id": x.id, "name": x.name, "mode": x.mode, "stations": [x.station_a, x.station_b],
             "gauge_break": x.transshipment is not None}
            for x in sorted(net.crossings.values(), key=lambda x: x.id)
        ],
    }


@handle_errors
def _show(network: Optional[Path], as_json: bool) -> None:
    from landbridge.network import load_network

    net = load_network(network)
    s = network_summary(net)
    if as_json:
        print_json(s)
        return
    out.print(f"[bold]{s['source']}[/]: {s['nodes']} nodes, {s['links']} links, "
              f"{s['crossings']} border crossing points; km by mode: "
              + ", ".join(f"{m} {v:,.0f}" for m, v in s["length_km_by_mode"].items()))
    t = Table(title="Per country")
    for col in ("country", "nodes", "links", "km", "crossings"):
        t.add_column(col, justify="left" if col == "country" else "right")
    for c, v in s["countries"].items():
        t.add_row(c, str(v["nodes"]), str(v["links"]), f"{v['length_km']:,.0f}", str(v["crossings"]))
    out.print(t)
    t = Table(title="Border crossing points")
    for col in ("id", "name", "mode", "stations", "gauge break"):
        t.add_column(col)
    for x in s["border_crossings"]:
        t.add_row(x["id"], x["name"], x["mode"], "–".join(x["stations"]),
                  "yes" if x["gauge_break"] else "")
    out.print(t)
