"""Compile a scenario against a network into what the simulator and planner consume.

Compilation is pure: it applies overrides and policies to a *copy* of the network,
resolves service names and routes, expands timetables into departure times on the
simulation clock (hours from ``start_date`` 00:00 UTC) and converts disruption windows
to hours. Every reference problem (unknown node, crossing or link; an override field
that does not exist or has a bad value; a route that does not connect) is collected and
raised together as one :class:`~landbridge.errors.ScenarioError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from landbridge.errors import NetworkError, NoRouteError, Problem, ScenarioError, UnknownNameError
from landbridge.network.model import Mode, Network, OperatingHours, Transshipment
from landbridge.network.routing import Route, find_routes, route_via
from landbridge.network.loader import load_network, validate_network
from landbridge.scenario.schema import (
    WEEKDAYS,
    AddResources,
    AddSailings,
    LineCapacity,
    Closure,
    ContactlessHandover,
    Operate24h,
    PreDeclaration,
    RandomFailure,
    Scenario,
)
from landbridge.network.distributions import Fixed

__all__ = ["CompiledScenario", "ServicePlan", "WindowEffect", "compile_scenario",
           "apply_policies", "investment_reductions", "resolve_network"]


@dataclass(frozen=True)
class ServicePlan:
    """A service ready to simulate: its route, departure times (h) and train load;
    ``alternatives`` are other corridors a held train may be diverted to (only with a
    ``rerouting`` policy)."""

    id: str
    origin: str
    destination: str
    route: Route
    departures_h: tuple[float, ...]
    teu_per_train: float
    containers_per_train: int
    poisson_per_h: float = 0.0
    alternatives: tuple[Route, ...] = ()


@dataclass(frozen=True)
class WindowEffect:
    """A disruption on the simulation clock: ``kind`` (closure, capacity_scale,
    duration_scale), the ``target_type`` (crossing, link, node), id, [start_h, end_h),
    ``factor`` (1 for a closure) and ``direction`` (``a_to_b``/``b_to_a``: one side of
    a crossing only; None: both)."""

    kind: str
    target_type: str
    target: str
    start_h: float
    end_h: float
    factor: float = 1.0
    direction: str | None = None


@dataclass(frozen=True)
class CompiledScenario:
    """A scenario compiled against its network. ``network`` has the overrides and
    policies applied; ``failures`` lists (target_type, target, mtbf_h, mttr_h);
    ``notes`` are warnings worth showing (e.g. a disruption outside the period)."""

    scenario: Scenario
    network: Network
    services: tuple[ServicePlan, ...]
    windows: tuple[WindowEffect, ...]
    failures: tuple[tuple[str, str, float, float], ...]
    file: str
    notes: tuple[str, ...] = ()


def resolve_network(scenario: Scenario, scenario_file: str | Path | None) -> Network:
    """Load the scenario's network (bundled when ``network`` is omitted); a relative
    path is taken from the scenario file's directory."""
    if scenario.network is None:
        return load_network(None)
    p = Path(scenario.network)
    if not p.is_absolute() and scenario_file is not None:
        p = Path(scenario_file).parent / p
    try:
        return load_network(p)
    except NetworkError as exc:  # name the file and field that referred to it
        ref = Problem(str(scenario_file or "<scenario>"), "network", "",
                      f"{scenario.network!r} (the directory {p}) cannot be loaded:")
        raise NetworkError([ref, *exc.problems]) from None


_STRUCTURAL = {"id", "mode", "from_node", "to_node", "station_a", "station_b", "link"}


def _override(record, changes: dict[str, Any], file: str, path: str, problems: list[Problem]):
    data = record.model_dump(by_alias=True)
    if not isinstance(changes, dict):
        problems.append(Problem(file, path, "", "expected a mapping of field: value; found "
                                f"{changes!r}"))
        return record
    fields = type(record).model_fields
    names = sorted({f.alias or n for n, f in fields.items()} - _STRUCTURAL - {"source"})
    wrong = []
    for key in changes:
        if key in _STRUCTURAL:
            wrong.append(Problem(
                file, f"{path}.{key}", "",
                "structural field; it cannot be overridden (edit the network files instead)"))
        elif key not in fields and not any(f.alias == key for f in fields.values()):
            from landbridge.suggest import did_you_mean

            what = "link" if ".links." in f".{path}." else "crossing"
            wrong.append(Problem(file, f"{path}.{key}", "", f"unknown field of a {what}"
                                 + (did_you_mean(str(key), names)
                                    or f"; its fields: {', '.join(names)}")))
    if wrong:
        problems.extend(wrong)
        return record
    data.update(changes)
    try:
        return type(record).model_validate(data)
    except ValidationError as err:
        for e in err.errors():
            loc = ".".join(str(x) for x in e["loc"])
            msg = e["msg"].removeprefix("Value error, ")
            if loc and e["type"] != "value_error" and not isinstance(e.get("input"), dict):
                msg += f"; found {e.get('input')!r}"
            problems.append(Problem(file, f"{path}.{loc}" if loc else path, "", msg))
        return record


def apply_policies(network: Network, policies, file: str = "<scenario>",
                   path: str = "policies") -> Network:
    """Return a copy of ``network`` with the policies (crossing and link levers)
    applied (pure).

    Raises
    ------
    ScenarioError
        When a policy names an unknown crossing or link, or does not fit it (e.g. extra
        transshipment tracks where the gauge does not break).
    """
    problems: list[Problem] = []
    crossings = dict(network.crossings)
    links = dict(network.links)
    for i, pol in enumerate(policies):
        if isinstance(pol, (AddSailings, LineCapacity)):
            link = links.get(pol.link)
            if link is None:
                problems.append(Problem(file, f"{path}[{i}].link", "",
                                        _unknown("link", pol.link, links)))
                continue
            if isinstance(pol, AddSailings):
                if link.sailings_per_week is None:
                    problems.append(Problem(file, f"{path}[{i}].link", "",
                                            f"link {link.id} is {link.mode.value}, not a ferry"))
                    continue
                links[link.id] = link.model_copy(update={
                    "sailings_per_week": link.sailings_per_week + pol.sailings_per_week})
            else:
                if link.capacity_trains_per_day is None:
                    problems.append(Problem(file, f"{path}[{i}].link", "",
                                            f"link {link.id} is {link.mode.value}, not rail"))
                    continue
                upd: dict[str, Any] = {"capacity_trains_per_day": pol.capacity_trains_per_day}
                if pol.speed_kmh is not None and link.speed_kmh is not None:
                    upd["speed_kmh"] = pol.speed_kmh
                links[link.id] = link.model_copy(update=upd)
            continue
        where = f"{path}[{i}].crossing"
        c = crossings.get(pol.crossing)
        if c is None:
            problems.append(Problem(file, where, "", _unknown("crossing", pol.crossing, crossings)))
            continue
        if isinstance(pol, PreDeclaration):
            if c.clearance_h is not None:
                c = c.model_copy(update={"clearance_h": c.clearance_h.scaled(pol.clearance_factor)})
            if c.truck_processing_h is not None:
                c = c.model_copy(update={
                    "truck_processing_h": c.truck_processing_h.scaled(pol.clearance_factor)})
        elif isinstance(pol, Operate24h):
            c = c.model_copy(update={"operating_hours": OperatingHours(open_h=0, close_h=24)})
        elif isinstance(pol, ContactlessHandover):
            h = c.handover_h
            extra = pol.extra_handover_h
            if isinstance(h, Fixed):
                c = c.model_copy(update={"handover_h": Fixed(value=h.value + extra)})
            else:
                # shift: scale so that the mean grows by `extra`
                c = c.model_copy(update={"handover_h": h.scaled((h.mean() + extra) / max(h.mean(), 1e-9))})
        elif isinstance(pol, AddResources):
            upd: dict[str, Any] = {}
            if pol.receiving_yard_tracks:
                upd["receiving_yard_tracks"] = (c.receiving_yard_tracks or 0) + pol.receiving_yard_tracks
            if pol.inspection_teams:
                upd["inspection_teams"] = (c.inspection_teams or 0) + pol.inspection_teams
            if pol.lanes:
                upd["lanes"] = (c.lanes or 0) + pol.lanes
            if pol.max_trains_per_day is not None:
                upd["max_trains_per_day"] = pol.max_trains_per_day
            if pol.max_trucks_per_day is not None:
                upd["max_trucks_per_day"] = pol.max_trucks_per_day
            if pol.transshipment_tracks or pol.cranes_per_track:
                if c.transshipment is None:
                    problems.append(Problem(
                        file, f"{path}[{i}]", "",
                        f"crossing {c.id} has no transshipment stage (no gauge break) to extend"))
                    continue
                t = c.transshipment
                upd["transshipment"] = Transshipment(
                    **{**t.model_dump(), "tracks": t.tracks + pol.transshipment_tracks,
                       "cranes_per_track": t.cranes_per_track + pol.cranes_per_track})
            c = c.model_copy(update=upd)
        crossings[c.id] = c
    if problems:
        raise ScenarioError(problems)
    return Network(nodes=network.nodes, links=links, crossings=crossings,
                   source=network.source, ports=network.ports)


def investment_reductions(network: Network, policies, file: str = "<scenario>",
                          path: str = "policies") -> list[Problem]:
    """Policies of an investment that would lower what ``network`` (the scenario's
    network, overrides and policies applied) already has: an investment must never
    cut capacity, so :func:`compile_scenario` refuses them.

    Most levers only add (tracks, teams, cranes, lanes, sailings, 24-hour operation,
    a clearance factor at most 1). Four fields *set* a value and are checked against
    the element's current one: ``add_resources`` ``max_trains_per_day`` and
    ``max_trucks_per_day`` (a cap on an element that has none can only lower it),
    ``line_capacity`` ``capacity_trains_per_day`` and ``speed_kmh``. A
    ``contactless_handover`` only lengthens the handover (a pandemic measure, for a
    scenario's ``policies``). The scenario's own ``policies`` may lower capacity (a
    restriction is a legitimate what-if); only investments are checked. Unknown
    elements are left to :func:`apply_policies`.

    Parameters
    ----------
    network : Network
        The scenario's network as compiled (overrides and policies applied).
    policies : list of policy records
        The investment's policies.
    file : str
        Named in each problem (the scenario file).
    path : str
        Where the policies sit in that file, e.g. ``"policies"``.

    Raises nothing: every lowering is returned as a problem.

    Returns
    -------
    list of Problem
        One per lowering field, naming ``{path}[i]``, the field, the value asked and
        the scenario's current value.
    """
    problems: list[Problem] = []

    def lower(i: int, field: str, kind: str, element: str, asked: float,
              current: float | None, unit: str) -> None:
        if current is None:
            problems.append(Problem(file, f"{path}[{i}]", field, (
                f"{field} {asked:g} would put a cap on {kind} {element}, which has none in "
                f"this scenario: a cap can only lower its capacity, so it is no investment "
                f"(add tracks, teams or lanes instead)")))
        elif asked < current:
            problems.append(Problem(file, f"{path}[{i}]", field, (
                f"{field} {asked:g} is below {kind} {element}'s current {current:g} {unit} in "
                f"this scenario: the field sets the value, so this investment would lower "
                f"it, and an investment must not cut capacity; give at least {current:g}")))

    for i, pol in enumerate(policies):
        if isinstance(pol, LineCapacity):
            link = network.links.get(pol.link)
            if link is None or link.capacity_trains_per_day is None:
                continue
            lower(i, "capacity_trains_per_day", "link", link.id, pol.capacity_trains_per_day,
                  link.capacity_trains_per_day, "trains/day")
            if pol.speed_kmh is not None and link.speed_kmh is not None \
                    and pol.speed_kmh < link.speed_kmh:
                lower(i, "speed_kmh", "link", link.id, pol.speed_kmh, link.speed_kmh, "km/h")
            continue
        c = network.crossings.get(getattr(pol, "crossing", None) or "")
        if c is None:
            continue
        if isinstance(pol, AddResources):
            if pol.max_trains_per_day is not None:
                lower(i, "max_trains_per_day", "crossing", c.id, pol.max_trains_per_day,
                      c.max_trains_per_day, "trains/day")
            if pol.max_trucks_per_day is not None:
                lower(i, "max_trucks_per_day", "crossing", c.id, pol.max_trucks_per_day,
                      c.max_trucks_per_day, "trucks/day")
        elif isinstance(pol, ContactlessHandover):
            problems.append(Problem(file, f"{path}[{i}]", "kind", (
                f"contactless_handover lengthens the handover at {c.id} by "
                f"{pol.extra_handover_h:g} h: it lowers capacity, so it is no investment "
                f"(a pandemic measure belongs in the scenario's policies)")))
    return problems


def _unknown(kind: str, name: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(set(known)), n=3)
    return f"unknown {kind} {name!r}" + (f"; did you mean {', '.join(close)}?" if close else "")


def _departures(svc, scenario: Scenario, origin_tz: str) -> list[float]:
    horizon = scenario.horizon_h
    first = svc.first_departure_day * 24.0
    if svc.departures_per_week is not None:
        headway = 168.0 / svc.departures_per_week
        start_local = datetime.combine(scenario.start_date, svc.times[0], ZoneInfo(origin_tz))
        t = (start_local - scenario.start_datetime()).total_seconds() / 3600.0 + first
        while t < 0:
            t += headway
        out = []
        while t < horizon:
            out.append(round(t, 9))
            t += headway
        return out
    tz = ZoneInfo(origin_tz)
    days = {WEEKDAYS.index(d) for d in svc.weekdays or []}
    out = []
    clock0 = scenario.start_datetime()
    day = scenario.start_date
    end = clock0 + timedelta(hours=horizon)
    while datetime(day.year, day.month, day.day, tzinfo=timezone.utc) - timedelta(days=1) < end:
        if day.weekday() in days:
            for tm in svc.times:
                t = (datetime.combine(day, tm, tz) - clock0).total_seconds() / 3600.0
                if first <= t < horizon:
                    out.append(round(t, 9))
        day += timedelta(days=1)
    return sorted(out)


def _loading_stops(route: Route, stops) -> list[tuple[float, float]]:
    """The (start_h, end_h) windows of ``stops`` (crossing, station_a, direction,
    start_h, end_h) whose crossing ``route`` passes in the stop's direction; hours
    from the scenario's start date (``LoadingStop.window.hours``)."""
    out = []
    for cid, station_a, direction, s0, e0 in stops:
        for leg in route.legs:
            if leg.crossing == cid and \
                    ("a_to_b" if leg.from_node == station_a else "b_to_a") == direction:
                out.append((s0, e0))
                break
    return out


def _route(network: Network, origin: str, destination: str, route, containers: int) -> Route:
    if route == "fastest":
        return find_routes(network, origin, destination, k=1, containers=containers)[0]
    ids = [network.resolve(n) for n in route]
    if ids[0] != network.resolve(origin) or ids[-1] != network.resolve(destination):
        raise NoRouteError("route must start at the origin and end at the destination")
    return route_via(network, ids, containers)  # a via port is where the ferry leaves


def compile_scenario(scenario: Scenario, network: Network | None = None,
                     file: str | Path | None = None) -> CompiledScenario:
    """Compile ``scenario`` (against ``network``, or the network it names).

    Raises
    ------
    ScenarioError
        Every reference problem found, each naming the scenario path.
    NetworkError
        When the scenario's network directory is invalid.
    """
    fname = str(file) if file is not None else "<scenario>"
    if network is None:
        network = resolve_network(scenario, file)
    problems: list[Problem] = []

    # overrides
    links = dict(network.links)
    crossings = dict(network.crossings)
    for lid, changes in scenario.overrides.links.items():
        if lid not in links:
            problems.append(Problem(fname, f"overrides.links.{lid}", "", _unknown("link", lid, links)))
            continue
        links[lid] = _override(links[lid], changes, fname, f"overrides.links.{lid}", problems)
    for cid, changes in scenario.overrides.crossings.items():
        if cid not in crossings:
            problems.append(Problem(fname, f"overrides.crossings.{cid}", "",
                                    _unknown("crossing", cid, crossings)))
            continue
        crossings[cid] = _override(crossings[cid], changes, fname,
                                   f"overrides.crossings.{cid}", problems)
    net = Network(nodes=network.nodes, links=links, crossings=crossings, source=network.source,
                  ports=network.ports)
    # links and crossings not yet in service on the start date (``in_service_from``) are
    # left out for the whole run; an override may set ``in_service_from: null`` to keep one
    net, not_yet = net.in_service(scenario.start_date)
    not_yet_ids = {i: d for _, i, d in not_yet}
    not_yet_note = ""
    if not_yet:
        not_yet_note = (f"not in service on the start date {scenario.start_date}, so left "
                        "out: " + ", ".join(f"{k} {i} (in service from {d})"
                                            for k, i, d in not_yet))
    try:
        net = apply_policies(net, scenario.policies, fname)
    except ScenarioError as exc:
        problems.extend(exc.problems)
    if scenario.overrides.links or scenario.overrides.crossings:
        # the network's own cross-checks must hold after the overrides too
        for p in validate_network(list(net.nodes.values()), list(net.links.values()),
                                  list(net.crossings.values())):
            problems.append(Problem(
                fname, "overrides", "",
                f"after the overrides, {p.file}: {p.item}.{p.field}: {p.message}"))

    # loading stops: (crossing, its station_a, direction, start_h, end_h)
    stops: list[tuple[str, str, str, float, float]] = []
    stop_notes: list[str] = []
    for i, ls in enumerate(scenario.loading_stops):
        c = net.crossings.get(ls.crossing)
        if c is None:
            problems.append(Problem(fname, f"loading_stops[{i}].crossing", "",
                                    _unknown("crossing", ls.crossing, net.crossings)))
            continue
        s0, e0 = ls.window.hours(scenario.start_date)
        if e0 <= s0:
            problems.append(Problem(fname, f"loading_stops[{i}].window", "",
                                    "the window ends before it starts"))
            continue
        if e0 <= 0 or s0 >= scenario.horizon_h:  # as for disruptions outside the run
            stop_notes.append(f"loading_stops[{i}] ({ls.crossing}) lies outside the simulated "
                              f"period ({scenario.start_date} + {scenario.horizon_days:g} "
                              "days): it has no effect")
        stops.append((c.id, c.station_a, ls.direction, s0, e0))

    # services and demand
    plans: list[ServicePlan] = []
    specs = [(f"services[{i}]", s.id, s.origin, s.destination, s.route, s.teu_per_train, s)
             for i, s in enumerate(scenario.services)]
    for i, d in enumerate(scenario.demand):
        specs.append((f"demand[{i}]", None, d.origin, d.destination, d.route, d.teu_per_train, d))
    for path, sid, origin, destination, route, teu, spec in specs:
        teu = teu or scenario.train.teu_per_train
        if teu < scenario.train.teu_per_container:
            problems.append(Problem(fname, f"{path}.teu_per_train", "",
                                    f"{teu:g} TEU per train is less than one container "
                                    f"({scenario.train.teu_per_container:g} TEU)"))
            continue
        containers = scenario.train.containers(teu)
        ok = True
        for field in ("origin", "destination"):
            try:
                net.resolve(getattr(spec, field))
            except UnknownNameError as exc:
                problems.append(Problem(fname, f"{path}.{field}", "", str(exc)))
                ok = False
        if not ok:
            continue
        try:
            r = _route(net, origin, destination, route, containers)
        except (NoRouteError, UnknownNameError) as exc:
            problems.append(Problem(fname, f"{path}.route", "", str(exc) + (
                f"; {not_yet_note}" if not_yet_note and isinstance(exc, NoRouteError)
                else "")))
            continue
        o = r.origin
        too_small = _ferries_below_one_container(net, r, scenario.train.teu_per_container)
        if too_small:
            problems.append(Problem(fname, f"{path}.route", "", too_small))
            continue
        # a train is formed no longer than its first section takes (or, with
        # ``formation: tightest``, than the tightest limit on its route)
        tight = _first_section_containers(net, r, scenario.train.teu_per_container)
        if spec.formation == "tightest":
            tight = _tightest_containers(net, r, scenario.train.teu_per_container)
        if tight is not None and tight < containers:
            containers = tight
            teu = containers * scenario.train.teu_per_container
        alternatives: tuple[Route, ...] = ()
        if scenario.rerouting is not None:
            alternatives = _alternatives(net, r, scenario.rerouting.alternatives, containers,
                                         scenario.train.teu_per_container)
        if sid is None:  # demand → service
            sid = f"D{len(plans) + 1:02d}-{r.origin}-{r.destination}"
            dpw = spec.teu_per_week / teu
            from landbridge.scenario.schema import Service

            if not 0 < dpw <= 500:
                problems.append(Problem(
                    fname, f"{path}.teu_per_week", "",
                    f"{spec.teu_per_week:g} TEU/week in trains of {teu:g} TEU means "
                    f"{dpw:.4g} departures/week; expected at most 500"))
                continue
            svc = Service(id=sid, origin=o, destination=r.destination,
                          departures_per_week=dpw, arrival_process=spec.arrival_process)
        else:
            svc = spec
        poisson = svc.arrival_process == "poisson"
        deps = () if poisson else _departures(svc, scenario, net.nodes[o].timezone)
        stopped = _loading_stops(r, stops)
        if stopped and poisson:
            stop_notes.append(f"{path}: a Poisson service; its departures are drawn during "
                              "the run, so loading_stops do not stop it")
        elif stopped:
            deps = [t for t in deps if not any(s0 <= t < e0 for s0, e0 in stopped)]
        plans.append(ServicePlan(id=sid, origin=o, destination=r.destination, route=r,
                                 departures_h=tuple(deps), teu_per_train=teu,
                                 containers_per_train=containers,
                                 poisson_per_h=(svc.departures_per_week or 0) / 168.0
                                 if poisson else 0.0, alternatives=alternatives))

    if scenario.reformation is not None:
        for nid in scenario.reformation.nodes:
            if nid not in net.nodes:
                problems.append(Problem(fname, f"reformation.nodes.{nid}", "",
                                        _unknown("node", nid, net.nodes)))
    for i, f in enumerate(scenario.road_flows):
        c = net.crossings.get(f.crossing)
        if c is None:
            problems.append(Problem(fname, f"road_flows[{i}].crossing", "",
                                    _unknown("crossing", f.crossing, net.crossings)))
        elif c.mode != "road":
            problems.append(Problem(fname, f"road_flows[{i}].crossing", "",
                                    f"{c.id} is a rail crossing; road flows need a road post"))

    windows: list[WindowEffect] = []
    failures: list[tuple[str, str, float, float]] = []
    notes: list[str] = ([not_yet_note] if not_yet_note else []) + stop_notes
    for i, d in enumerate(scenario.disruptions):
        ttype = _target_type(net, d.target)
        if ttype is None and d.target in not_yet_ids:
            problems.append(Problem(fname, f"disruptions[{i}].target", "",
                                    f"{d.target} is not in service until "
                                    f"{not_yet_ids[d.target]} (its in_service_from), after "
                                    f"the scenario's start_date {scenario.start_date}"))
            continue
        if ttype is None:
            known = list(net.crossings) + list(net.links) + list(net.nodes)
            problems.append(Problem(fname, f"disruptions[{i}].target", "",
                                    _unknown("crossing, link or node", d.target, known)))
            continue
        if isinstance(d, RandomFailure):
            failures.append((ttype, d.target, d.mtbf_h, d.mttr_h))
            continue
        s, e = d.window.hours(scenario.start_date)
        if e <= s:
            t0 = scenario.start_datetime()
            problems.append(Problem(
                fname, f"disruptions[{i}].window", "",
                f"the window ends ({(t0 + timedelta(hours=e)).isoformat()}) before it starts "
                f"({(t0 + timedelta(hours=s)).isoformat()})"))
            continue
        if e <= 0 or s >= scenario.horizon_h:
            notes.append(f"disruptions[{i}]{f' ({d.id})' if d.id else ''} lies outside the "
                         f"simulated period ({scenario.start_date} + "
                         f"{scenario.horizon_days:g} days): it has no effect")
        factor = 1.0 if isinstance(d, Closure) else d.factor
        direction = getattr(d, "direction", None)
        if direction is not None and ttype != "crossing":
            problems.append(Problem(
                fname, f"disruptions[{i}]", "direction",
                f"a direction applies to a border crossing's sides; {d.target} is a "
                f"{ttype} (omit direction, or target a crossing)"))
            continue
        windows.append(WindowEffect(kind=d.kind, target_type=ttype, target=d.target,
                                    start_h=s, end_h=e, factor=factor,
                                    direction=direction))
    for i, inv in enumerate(scenario.investments):
        try:
            apply_policies(net, inv.policies, fname, f"investments[{i}].policies")
        except ScenarioError as exc:
            problems.extend(exc.problems)
        problems.extend(investment_reductions(net, inv.policies, fname,
                                              f"investments[{i}].policies"))
    if problems:
        if file is not None:  # a what-if's entries are named as written (demand+[0])
            from landbridge.scenario.loader import locate_problems

            problems = locate_problems(problems, scenario, file)
        raise ScenarioError(problems)
    return CompiledScenario(scenario=scenario, network=net, services=tuple(plans),
                            windows=tuple(windows), failures=tuple(failures), file=fname,
                            notes=tuple(notes))


def _containers_per_sailing(link, teu_per_container: float) -> int | None:
    cap = link.capacity_wagons_per_sailing
    if link.capacity_teu_per_sailing is not None:
        teu_cap = int(link.capacity_teu_per_sailing // teu_per_container)
        cap = teu_cap if cap is None else min(cap, teu_cap)
    return cap


def _ferries_below_one_container(net: Network, route: Route, teu_per_container: float
                                 ) -> str | None:
    """A message when a ferry on ``route`` cannot take one container per sailing (no
    train could ever board it; issue 14)."""
    for leg in route.legs:
        link = net.links[leg.link]
        if link.mode is Mode.ferry:
            cap = _containers_per_sailing(link, teu_per_container)
            if cap is not None and cap < 1:
                return (f"ferry link {link.id} takes less than one container of "
                        f"{teu_per_container:g} TEU per sailing (capacity_teu_per_sailing "
                        f"{link.capacity_teu_per_sailing}, capacity_wagons_per_sailing "
                        f"{link.capacity_wagons_per_sailing}); no train could board it")
    return None


def _tightest_containers(net: Network, route: Route, teu_per_container: float) -> int | None:
    """The shortest train length limit along ``route`` in containers (links'
    ``max_train_wagons``, ferries' containers per sailing), ``None`` without limit."""
    limits = []
    for leg in route.legs:
        link = net.links[leg.link]
        if link.mode is Mode.ferry:
            limits.append(_containers_per_sailing(link, teu_per_container))
        else:
            limits.append(link.max_train_wagons)
    return min((x for x in limits if x is not None), default=None)


def _first_section_containers(net: Network, route: Route, teu_per_container: float
                              ) -> int | None:
    """The length limit of the route's first link in containers (``None``: none)."""
    first = net.links[route.legs[0].link] if route.legs else None
    if first is None:
        return None
    if first.mode is Mode.ferry:
        return _containers_per_sailing(first, teu_per_container)
    return first.max_train_wagons


def _alternatives(net: Network, route: Route, k: int, containers: int,
                  teu_per_container: float) -> tuple[Route, ...]:
    """Up to ``k`` other corridors between the route's ends, fastest first."""
    try:
        found = find_routes(net, route.origin, route.destination, k=k + 1,
                            containers=containers)
    except NoRouteError:
        return ()
    return tuple(r for r in found if r.corridor != route.corridor
                 and not _ferries_below_one_container(net, r, teu_per_container))[:k]


def _target_type(net: Network, target: str) -> str | None:
    if target in net.crossings:
        return "crossing"
    if target in net.links:
        return "link"
    if target in net.nodes:
        return "node"
    return None
