"""Routing on the corridor network: fastest, shortest and k distinct alternatives.

Pure functions over a :class:`~landbridge.network.model.Network`; they never change
it. Path search is Dijkstra's algorithm on plain adjacency dicts, answering as networkx's
``dijkstra_path`` does, ties included (see :func:`_dijkstra_path`; networkx itself is
imported only by :func:`network_graph`). Alternatives are found by Yen's deviation
idea (J. Y. Yen, "Finding the k shortest loopless paths in a network", *Management
Science* 17(11), 1971) lifted from links to corridors: each candidate is the fastest
path that avoids a set of banned border crossings and ferry links; a found corridor
spawns candidates that also ban one of its crossings or ferries; candidates are taken
cheapest first.

Two alternatives are *distinct* when they form a different corridor (:attr:`Route.corridor`):
a different sequence of gauge-break crossings and ferry links (Alashankou–Dostyk then
Brest–Małaszewicze, vs Alashankou–Dostyk then the Kuryk–Alat and Poti–Constanța
ferries of the Middle Corridor, vs the Baltiysk–Mukran ferry), or, on routes without a
gauge break or ferry, a different sequence of border crossing points; not merely a
different junction inside one country. :func:`find_routes` returns the k best such
corridors.

Via nodes (``via=`` of :func:`find_routes`, a service's ``route: [XA, KHG, AKU, IST]``)
are passed in order, joined by fastest paths. A via node that is a port (it has ferry
links) is where the ferry leaves, or lands: the route takes a ferry at that port (the
faster of sailing from it and arriving on it), never a ferry from a neighbouring port
reached by rail (Aktau, not Kuryk).

The static minimum transit time of a route is the sum of uncontended running times
plus, at each border crossing point, its minimum dwell (clearance and handover minima
plus transshipment of the train, no queueing, no closed hours).
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import asdict, dataclass
from functools import cached_property
from datetime import datetime, timedelta, timezone
from typing import Iterable, Literal, Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from landbridge.errors import NoRouteError
from landbridge.network.model import Link, Mode, Network

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Leg", "Route", "find_routes", "route_via", "network_graph",
           "DEFAULT_TRAIN_CONTAINERS", "route_from_nodes"]

DEFAULT_TRAIN_CONTAINERS = 41
"""Containers (FEU) on a typical China–Europe block train: 41–50 FEU (UTLC ERA 2018,
CR 2012–2024 reports); the lower end is used for a conservative static dwell."""

RAIL_MODES = (Mode.rail, Mode.ferry)
_MAX_CANDIDATES = 2000  # candidate paths examined when looking for k distinct corridors


@dataclass(frozen=True)
class Leg:
    """One link of a route, in the direction travelled.

    ``dwell_h`` is the static minimum dwell of the border crossing point on this link
    (0 elsewhere); ``gauge_break`` is true where the gauge changes on entering
    ``to_node``'s network (by rail, or across the sea on a ferry, e.g. Baltiysk–Mukran). Times ``depart``/``arrive`` are ISO-8601 local times at the
    leg's end nodes when the route was given a departure time, else ``None``.
    """

    link: str
    mode: str
    from_node: str
    to_node: str
    from_country: str
    to_country: str
    length_km: float
    running_time_h: float
    gauge_mm: int | None
    crossing: str | None
    dwell_h: float
    gauge_break: bool
    depart: str | None = None
    arrive: str | None = None


@dataclass(frozen=True)
class Route:
    """A route from ``origin`` to ``destination`` (node ids) as a tuple of legs.

    ``length_km``, ``running_time_h`` and ``min_transit_time_h`` are sums over the legs
    (the last adds every crossing's minimum dwell); ``crossings`` lists the border
    crossing points in the order passed; ``countries`` the countries in order.
    """

    origin: str
    destination: str
    legs: tuple[Leg, ...]

    @property
    def nodes(self) -> tuple[str, ...]:
        return (self.origin, *(leg.to_node for leg in self.legs))

    @cached_property
    def links(self) -> tuple[str, ...]:
        # cached: a route is immutable and the planner asks for it thousands of times
        return tuple(leg.link for leg in self.legs)

    @property
    def length_km(self) -> float:
        return sum(leg.length_km for leg in self.legs)

    @property
    def running_time_h(self) -> float:
        return sum(leg.running_time_h for leg in self.legs)

    @property
    def min_transit_time_h(self) -> float:
        return sum(leg.running_time_h + leg.dwell_h for leg in self.legs)

    @cached_property
    def crossings(self) -> tuple[str, ...]:
        return tuple(leg.crossing for leg in self.legs if leg.crossing)

    @property
    def ferries(self) -> tuple[str, ...]:
        """The ferry links sailed, in order."""
        return tuple(leg.link for leg in self.legs if leg.mode == Mode.ferry.value)

    @property
    def corridor(self) -> tuple[str, ...]:
        """The route's corridor: its gauge-break crossings (where the train is
        transshipped) and ferry links, in order, e.g. ``('ASK-DST', 'KUR-ALAT',
        'POT-CND')``; all its crossings when it has neither. A mark repeated
        consecutively (out through a crossing and back through it) is named once."""
        marks = tuple(leg.crossing if leg.crossing and leg.gauge_break else leg.link
                      for leg in self.legs
                      if (leg.crossing and leg.gauge_break) or leg.mode == Mode.ferry.value)
        marks = marks or self.crossings
        return tuple(m for i, m in enumerate(marks) if i == 0 or m != marks[i - 1])

    @property
    def corridor_label(self) -> str:
        """The corridor as one string, ``"ASK-DST > KUR-ALAT > POT-CND"`` (the event
        log's ``corridor`` column and the per-corridor KPIs use it); ``""`` without any
        crossing or ferry."""
        return " > ".join(self.corridor)

    @property
    def checkpoints(self) -> tuple[str, ...]:
        """Every border crossing point and ferry link passed, in order: what the
        planner's ``distinct="crossings"`` tells routes apart by."""
        return tuple(leg.crossing or leg.link for leg in self.legs
                     if leg.crossing or leg.mode == Mode.ferry.value)

    @property
    def gauge_breaks(self) -> int:
        return sum(leg.gauge_break for leg in self.legs)

    @property
    def countries(self) -> tuple[str, ...]:
        out = [self.legs[0].from_country] if self.legs else []
        for leg in self.legs:
            if leg.to_country != out[-1]:
                out.append(leg.to_country)
        return tuple(out)

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (round-trips through :meth:`from_dict`)."""
        return {
            "origin": self.origin,
            "destination": self.destination,
            "length_km": round(self.length_km, 3),
            "running_time_h": round(self.running_time_h, 3),
            "min_transit_time_h": round(self.min_transit_time_h, 3),
            "crossings": list(self.crossings),
            "corridor": self.corridor_label,
            "gauge_breaks": self.gauge_breaks,
            "countries": list(self.countries),
            "legs": [asdict(leg) for leg in self.legs],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Route":
        """Inverse of :meth:`to_dict`."""
        return cls(origin=data["origin"], destination=data["destination"],
                   legs=tuple(Leg(**leg) for leg in data["legs"]))


def network_graph(network: Network, modes: Iterable[Mode] = RAIL_MODES) -> "nx.MultiGraph":
    """Undirected multigraph of ``network`` restricted to ``modes``: nodes are node ids,
    each edge's key is a link id and its ``link`` attribute the :class:`Link`."""
    import networkx as nx

    allowed = set(modes)
    g = nx.MultiGraph()
    g.add_nodes_from(sorted(network.nodes))
    for lid in sorted(network.links):
        link = network.links[lid]
        if link.mode in allowed:
            g.add_edge(link.from_node, link.to_node, key=link.id, link=link)
    return g


def _edge_cost(network: Network, link: Link, by: str, containers: int) -> float:
    if by == "distance":
        return link.length_km
    crossing = network.crossing_on_link(link.id)
    dwell = crossing.min_dwell_h(containers) if crossing else 0.0
    return link.base_running_time_h + dwell


class _Graph:
    """An undirected simple graph as adjacency dicts, ``adj[u][v]`` the edge's data
    (``weight``, ``link``; one dict shared by both directions), seen without the
    ``hidden`` nodes and edges (networkx's ``restricted_view``). Neighbours come in
    insertion order, as networkx iterates them; the adjacency is never changed."""

    __slots__ = ("adj", "hidden_nodes", "hidden_edges", "_component")

    def __init__(self, adj: dict[str, dict[str, dict]],
                 hidden_nodes: frozenset[str] = frozenset(),
                 hidden_edges: frozenset[tuple[str, str]] = frozenset()):
        self.adj = adj
        self.hidden_nodes = hidden_nodes
        self.hidden_edges = hidden_edges
        self._component: dict[str, int] | None = None

    def component(self, node: str) -> int:
        """The connected component of visible ``node`` (an index; labelled once)."""
        if self._component is None:
            label: dict[str, int] = {}
            for start in self.adj:
                if start in label or start in self.hidden_nodes:
                    continue
                label[start] = len(label)
                stack = [start]
                while stack:
                    for v in self.neighbours(stack.pop()):
                        if v not in label:
                            label[v] = label[start]
                            stack.append(v)
            self._component = label
        return self._component[node]

    def restricted(self, nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> "_Graph":
        """This graph without ``nodes`` and the (undirected) ``edges`` as well."""
        edges = list(edges)
        return _Graph(self.adj, self.hidden_nodes | frozenset(nodes),
                      self.hidden_edges | frozenset(edges)
                      | frozenset((v, u) for u, v in edges))

    def __contains__(self, node: str) -> bool:
        return node in self.adj and node not in self.hidden_nodes

    def neighbours(self, u: str) -> dict[str, dict]:
        """The visible neighbours of visible node ``u`` and the edges' data, in order."""
        nbrs = self.adj[u]
        if not self.hidden_nodes and not self.hidden_edges:
            return nbrs
        hn, he = self.hidden_nodes, self.hidden_edges
        return {v: e for v, e in nbrs.items() if v not in hn and (u, v) not in he}

    def has_edge(self, u: str, v: str) -> bool:
        return (u in self and v in self and v in self.adj[u]
                and (u, v) not in self.hidden_edges)

    def edge(self, u: str, v: str) -> dict:
        return self.adj[u][v]


def _simple_graph(network: Network, modes: Iterable[Mode], by: str, containers: int
                  ) -> _Graph:
    """Collapse parallel links to the cheapest one (ties broken by link id).

    Built once per network, modes, criterion and train length: the network is
    immutable, and compiling a scenario routes every service on it (issue 13)."""
    modes = tuple(modes)
    cache = network.__dict__.get("_route_graphs")
    if cache is None:
        cache = {}
        object.__setattr__(network, "_route_graphs", cache)
    key = (modes, by, containers)
    g = cache.get(key)
    if g is not None:
        return g
    allowed = set(modes)
    adj: dict[str, dict[str, dict]] = {n: {} for n in sorted(network.nodes)}
    for lid in sorted(network.links):
        link = network.links[lid]
        if link.mode not in allowed:
            continue
        cost = _edge_cost(network, link, by, containers)
        u, v = link.from_node, link.to_node
        e = adj.setdefault(u, {}).get(v)
        if e is None:
            adj[u][v] = adj.setdefault(v, {})[u] = {"weight": cost, "link": lid}
        elif cost < e["weight"]:
            e["weight"] = cost
            e["link"] = lid
    g = cache[key] = _Graph(adj)
    return g


def _has_path(g: _Graph, a: str, b: str) -> bool:
    """Whether ``b`` can be reached from ``a`` in ``g``."""
    if a not in g or b not in g:
        return False
    return g.component(a) == g.component(b)


def _dijkstra_path(g: _Graph, source: str, target: str) -> list[str] | None:
    """The cheapest path ``source`` → ``target`` by edge ``weight`` (None: none).

    The answer of ``networkx.dijkstra_path`` (E. W. Dijkstra, "A note on two problems
    in connexion with graphs", *Numerische Mathematik* 1, 1959), ties included: a heap
    of (distance, push count, node), neighbours relaxed in adjacency order, a node's
    predecessor the one that last lowered its tentative distance."""
    if source not in g:
        return None
    if source == target:
        return [target]
    dist: dict[str, float] = {}
    seen: dict[str, float] = {source: 0}
    pred: dict[str, str] = {}
    count = itertools.count()
    fringe: list = [(0, next(count), source)]
    while fringe:
        d, _, v = heapq.heappop(fringe)
        if v in dist:
            continue
        dist[v] = d
        if v == target:
            break
        for u, e in g.neighbours(v).items():
            if u in dist:
                continue  # weights are non-negative: no shorter way to a settled node
            vu = d + e["weight"]
            if u not in seen or vu < seen[u]:
                seen[u] = vu
                heapq.heappush(fringe, (vu, next(count), u))
                pred[u] = v
    if target not in dist:
        return None
    path = [target]
    while path[-1] in pred:
        path.append(pred[path[-1]])
    path.reverse()
    return path


def _path_weight(g: _Graph, path: list[str]) -> float:
    """Sum of the edge weights along ``path`` (as ``networkx.path_weight``)."""
    cost = 0
    for u, v in zip(path, path[1:]):
        cost += g.adj[u][v]["weight"]
    return cost


def route_from_nodes(network: Network, nodes: list[str], links: list[str] | None = None,
                     containers: int = DEFAULT_TRAIN_CONTAINERS) -> Route:
    """Build a :class:`Route` along ``nodes`` using ``links`` (or, when omitted, the
    fastest link between each consecutive pair).

    Raises
    ------
    NoRouteError
        When two consecutive nodes are not joined by a link.
    """
    legs = []
    for i, (u, v) in enumerate(zip(nodes, nodes[1:])):
        if links is not None:
            link = network.links[links[i]]
        else:
            candidates = [lk for lk in network.links.values()
                          if {lk.from_node, lk.to_node} == {u, v}]
            if not candidates:
                raise NoRouteError(f"no link joins {u} and {v}")
            link = min(candidates, key=lambda lk: (_edge_cost(network, lk, "time", containers),
                                                   lk.id))
        crossing = network.crossing_on_link(link.id)
        nu, nv = network.nodes[u], network.nodes[v]
        gauge_break = (link.mode in (Mode.rail, Mode.ferry) and nu.gauge_mm is not None
                       and nv.gauge_mm is not None and nu.gauge_mm != nv.gauge_mm)
        legs.append(Leg(
            link=link.id, mode=link.mode.value, from_node=u, to_node=v,
            from_country=nu.country, to_country=nv.country, length_km=link.length_km,
            running_time_h=link.base_running_time_h, gauge_mm=link.gauge_mm,
            crossing=crossing.id if crossing else None,
            dwell_h=crossing.min_dwell_h(containers) if crossing else 0.0,
            gauge_break=gauge_break,
        ))
    return Route(origin=nodes[0], destination=nodes[-1], legs=tuple(legs))


def find_routes(network: Network, origin: str, destination: str, k: int = 1,
                by: Literal["time", "distance"] = "time",
                modes: Iterable[Mode] = RAIL_MODES,
                containers: int = DEFAULT_TRAIN_CONTAINERS,
                depart: datetime | None = None,
                distinct: Literal["corridor", "crossings"] = "corridor",
                via: Sequence[str] = ()) -> list[Route]:
    """The ``k`` best distinct routes from ``origin`` to ``destination``.

    Parameters
    ----------
    network : Network
    origin, destination : str
        Node ids, names or aliases (matched case-insensitively).
    k : int
        Number of distinct corridors wanted (>= 1); fewer are returned if fewer exist.
    by : {"time", "distance"}
        Minimise static minimum transit time (h) or length (km).
    modes : iterable of Mode
        Modes allowed (default rail and ferry: the block-train network).
    containers : int
        Containers per train, for the transshipment part of the crossing dwell.
    depart : datetime, optional
        Departure time (timezone-aware; a naive time is taken as local time at the
        origin). Fills each leg's local ``depart``/``arrive``.
    distinct : {"corridor", "crossings"}
        What makes two routes different: their corridor (:attr:`Route.corridor`:
        gauge-break crossings and ferries, the default) or every border crossing point
        and ferry they pass (:attr:`Route.checkpoints`, the planner's choice: every
        crossing and ferry then has its bypass among the alternatives).
    via : sequence of str
        Nodes (ids, names or aliases) every route passes, in this order; a via port is
        where the ferry leaves or lands (see the module docstring).

    Returns
    -------
    list of Route
        Best first; distinct as ``distinct`` says.

    Raises
    ------
    UnknownNameError
        When a name matches no node.
    NoRouteError
        When the nodes are not connected by the allowed modes (through the via nodes).
    ValueError
        When ``k < 1`` or ``by`` or ``distinct`` is not one of its values.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if by not in ("time", "distance"):
        raise ValueError(f"by must be 'time' or 'distance', got {by!r}")
    if distinct not in ("corridor", "crossings"):
        raise ValueError(f"distinct must be 'corridor' or 'crossings', got {distinct!r}")
    points = [network.resolve(n) for n in (origin, *via, destination)]
    for a, b in zip(points, points[1:]):
        if a == b:
            what = "origin and destination are" if len(points) == 2 else "consecutive via points are"
            raise NoRouteError(f"{what} the same node ({a})")
    modes = tuple(modes)
    g = _simple_graph(network, modes, by, containers)
    o, d = points[0], points[-1]
    for a, b in zip(points, points[1:]):
        if not _has_path(g, a, b):
            raise NoRouteError(
                f"no {'/'.join(m.value for m in modes)} route from {network.nodes[a].name} "
                f"({a}) to {network.nodes[b].name} ({b})")
    # bannable elements: crossings and ferries, by the edge that carries them
    bannable = {
        c.id: (c.station_a, c.station_b) for c in network.crossings.values()
        if g.has_edge(c.station_a, c.station_b)
        and g.edge(c.station_a, c.station_b)["link"] == c.link}
    bannable.update({
        lk.id: (lk.from_node, lk.to_node) for lk in network.links.values()
        if lk.mode == Mode.ferry and g.has_edge(lk.from_node, lk.to_node)
        and g.edge(lk.from_node, lk.to_node)["link"] == lk.id})

    # a via port stays one when its ferries are banned (then no route passes it)
    ports = {i for i in range(1, len(points) - 1)
             if any(_is_ferry(g, points[i], x, network) for x in g.neighbours(points[i]))}

    def best_avoiding(banned: frozenset[str]) -> Route | None:
        view = g.restricted([], [bannable[b] for b in banned]) if banned else g
        path = _via_path(view, points, ports, network)
        if path is None or (banned and len(set(path)) < len(path)):
            return None  # an alternative that passes a node twice is a detour, not a corridor
        links = [g.edge(u, v)["link"] for u, v in zip(path, path[1:])]
        return route_from_nodes(network, path, links, containers)

    def cost(r: Route) -> float:
        return r.length_km if by == "distance" else r.min_transit_time_h

    first = best_avoiding(frozenset())
    if first is None:
        raise NoRouteError(
            f"no {'/'.join(m.value for m in modes)} route from {network.nodes[o].name} ({o}) "
            f"to {network.nodes[d].name} ({d}) through "
            + ", ".join(network.nodes[v].name for v in points[1:-1])
            + " that takes the ferry at each via port")
    routes: list[Route] = []
    seen: set[tuple[str, ...]] = set()
    tried: set[frozenset[str]] = {frozenset()}
    heap: list[tuple[float, int, frozenset[str], Route]] = [(cost(first), 0, frozenset(), first)]
    counter = 1
    while heap and len(routes) < k and counter < _MAX_CANDIDATES:
        _, _, banned, route = heapq.heappop(heap)
        signature = route.corridor if distinct == "corridor" else route.checkpoints
        if signature not in seen:
            seen.add(signature)
            routes.append(with_timetable(network, route, depart) if depart else route)
            if len(routes) >= k:
                break  # enough: no alternatives to search (k=1 is every compiled route)
        for element in sorted(set(route.checkpoints) & set(bannable)):
            child = banned | {element}
            if child in tried:
                continue
            tried.add(child)
            alt = best_avoiding(child)
            if alt is not None:
                heapq.heappush(heap, (cost(alt), counter, child, alt))
                counter += 1
    return routes


def route_via(network: Network, nodes: Sequence[str],
              containers: int = DEFAULT_TRAIN_CONTAINERS,
              by: Literal["time", "distance"] = "time") -> Route:
    """The fastest (or shortest) rail/ferry route through ``nodes`` in order: origin,
    via nodes, destination; a via port is where the ferry leaves or lands.

    Raises
    ------
    UnknownNameError
        When a name matches no node.
    NoRouteError
        When consecutive nodes are not connected, or fewer than two nodes are given.
    """
    if len(nodes) < 2:
        raise NoRouteError("a route needs at least an origin and a destination")
    return find_routes(network, nodes[0], nodes[-1], k=1, by=by, containers=containers,
                       via=list(nodes[1:-1]))[0]


def _is_ferry(g: _Graph, u: str, v: str, network: Network) -> bool:
    return network.links[g.edge(u, v)["link"]].mode == Mode.ferry


def _via_path(g: _Graph, points: list[str], ports: set[int], network: Network
              ) -> list[str] | None:
    """Cheapest node path through ``points`` in ``g``; at each point whose index is in
    ``ports`` the path takes a ferry (sailing from it or arriving on it, whichever is
    cheaper; sailing from it first on a tie). A leg avoids the nodes of the legs before
    it (a train does not re-enter the country it left) and the via points after it (a
    leg Chita → Grodekovo must not run through Suifenhe and Harbin when the route then
    comes back to them), unless that leaves it no path (a via node at the end of a
    branch line: back the way it came). ``None`` when
    none exists."""
    best: tuple[float, list[str]] | None = None
    for sides in itertools.product(("leave", "land"), repeat=len(ports)):
        side = dict(zip(sorted(ports), sides))
        path: list[str] = [points[0]]
        total = 0.0
        for i, (a, b) in enumerate(zip(points, points[1:])):
            sail, land = side.get(i) == "leave", side.get(i + 1) == "land"
            # nor may it pass a later via point (it would come back through it)
            avoid = (set(path) | set(points[i + 2:])) - {a, b}
            fresh = g.restricted(avoid, []) if avoid else g
            leg = _leg_path(fresh, a, b, sail, land, network)
            if leg is None and fresh is not g:
                leg = _leg_path(g, a, b, sail, land, network)
            if leg is None:
                break
            total += _path_weight(g, leg)
            path.extend(leg[1:])
        else:
            if best is None or total < best[0] - 1e-9:
                best = (total, path)
    return best[1] if best else None


def _leg_path(g: _Graph, a: str, b: str, sail_from_a: bool, land_at_b: bool,
              network: Network) -> list[str] | None:
    """Cheapest path a → b, starting with a ferry from ``a`` and/or ending with a
    ferry into ``b`` when asked; ``None`` when there is none."""
    def shortest(u: str, v: str) -> list[str] | None:
        if u == v:
            return [u]
        return _dijkstra_path(g, u, v)

    if not sail_from_a and not land_at_b:
        return shortest(a, b)
    heads = [[a, x] for x in sorted(g.neighbours(a)) if _is_ferry(g, a, x, network)] \
        if sail_from_a else [[a]]
    tails = [[y, b] for y in sorted(g.neighbours(b)) if _is_ferry(g, y, b, network)] \
        if land_at_b else [[b]]
    best: tuple[float, list[str]] | None = None
    for head in heads:
        for tail in tails:
            if sail_from_a and land_at_b and head == tail:  # one ferry from a to b
                candidate = head
            else:
                middle = shortest(head[-1], tail[0])
                if middle is None:
                    continue
                candidate = head[:-1] + middle + tail[1:]
            if len(set(candidate)) != len(candidate):
                continue  # a loop (back through the port) is not a route
            w = _path_weight(g, candidate)
            if best is None or w < best[0] - 1e-9:
                best = (w, candidate)
    return best[1] if best else None


def with_timetable(network: Network, route: Route, depart: datetime) -> Route:
    """Return ``route`` with local departure/arrival times on each leg, starting at
    ``depart`` and running at the static minimum (running time + crossing dwell)."""
    if depart.tzinfo is None:
        depart = depart.replace(tzinfo=ZoneInfo(network.nodes[route.origin].timezone))
    t = depart.astimezone(timezone.utc)
    legs = []
    for leg in route.legs:
        arrive = t + timedelta(hours=leg.running_time_h + leg.dwell_h)
        tz_from = ZoneInfo(network.nodes[leg.from_node].timezone)
        tz_to = ZoneInfo(network.nodes[leg.to_node].timezone)
        legs.append(Leg(**{**asdict(leg),
                           "depart": t.astimezone(tz_from).isoformat(timespec="minutes"),
                           "arrive": arrive.astimezone(tz_to).isoformat(timespec="minutes")}))
        t = arrive
    return Route(origin=route.origin, destination=route.destination, legs=tuple(legs))
