"""Load and validate a corridor network from its files.

File format (a network is a directory holding three files):

``nodes.geojson``
    A GeoJSON ``FeatureCollection`` of ``Point`` features, coordinates ``[lon, lat]``
    (WGS84, RFC 7946). ``properties`` hold the :class:`~landbridge.network.model.Node`
    fields except ``lat``/``lon``.
``links.geojson``
    A ``FeatureCollection`` of ``LineString`` features; ``properties`` hold the
    :class:`~landbridge.network.model.Link` fields.
``crossings.yaml``
    ``meta`` (free-form description) and ``crossings``: a list of
    :class:`~landbridge.network.model.BorderCrossing` records.
``ports.yaml`` (optional)
    ``meta`` and ``ports``: a list of :class:`~landbridge.network.model.Port` records,
    one per seaport node where trains meet ships. When the file is present, both ends
    of every ferry link must be ports in it; without it ports take no time.

Both GeoJSON files open in QGIS and kepler.gl. Every problem found in all three files
is collected and raised together as one :class:`~landbridge.errors.NetworkError`, each
naming the file, the item id and the field, what was found and what was expected.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from landbridge.errors import NetworkError, Problem
from landbridge.textfiles import (JSON_ERRORS, YAML_ERRORS, json_problem, loads_json, loads_yaml,
                                  read_text_file, yaml_problem)
from landbridge.network.model import (
    BorderCrossing,
    Link,
    Mode,
    Network,
    Node,
    NodeKind,
    Port,
)

__all__ = ["load_network", "bundled_network_path", "validate_network", "NODES_FILE",
           "LINKS_FILE", "CROSSINGS_FILE", "PORTS_FILE"]

NODES_FILE = "nodes.geojson"
LINKS_FILE = "links.geojson"
CROSSINGS_FILE = "crossings.yaml"
PORTS_FILE = "ports.yaml"

_MIXED_GAUGE_KINDS = {NodeKind.gauge_change_yard, NodeKind.border_station}


def bundled_network_path() -> Path:
    """Directory of the bundled real corridor network (``landbridge/data/network``)."""
    return Path(str(resources.files("landbridge") / "data" / "network"))


def _pydantic_problems(
    err: ValidationError, file: str, item: str, prefix: str = ""
) -> list[Problem]:
    out = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"] if not _is_union_tag(x))
        field = ".".join(x for x in (prefix, loc) if x)
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown field (not part of the format)"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif "input" in e and e["type"] not in ("value_error",):
            msg = f"{msg}; found {e['input']!r}"
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        out.append(Problem(file, item, field, msg))
    return out


def _is_union_tag(x: Any) -> bool:
    return isinstance(x, str) and x in {"fixed", "exponential", "lognormal", "triangular",
                                        "uniform"}


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        return read_text_file(path, NetworkError, label=path.name)
    except NetworkError as exc:
        problems.extend(exc.problems)
    return None


def _read_json(path: Path, problems: list[Problem]) -> Any:
    text = _read_text(path, problems)
    if text is None:
        return None
    try:
        return loads_json(text)
    except JSON_ERRORS as exc:
        problems.append(json_problem(exc, path.name))
    return None


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    text = _read_text(path, problems)
    if text is None:
        return None
    try:
        return loads_yaml(text)
    except YAML_ERRORS as exc:
        problems.append(yaml_problem(exc, path.name))
    return None


def _features(doc: Any, file: str, geometry: str, problems: list[Problem]) -> list[dict]:
    if doc is None and any(p.file == file for p in problems):
        return []  # unreadable: already reported
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        problems.append(Problem(file, "", "type", "expected a GeoJSON FeatureCollection"))
        return []
    feats = doc.get("features")
    if not isinstance(feats, list):
        problems.append(Problem(file, "", "features", "expected a list of features"))
        return []
    out = []
    for i, f in enumerate(feats):
        item = f"features[{i}]"
        if not isinstance(f, dict) or not isinstance(f.get("properties"), dict):
            problems.append(Problem(file, item, "properties", "expected a Feature with properties"))
            continue
        fid = f["properties"].get("id")
        if isinstance(fid, str) and fid:
            item = fid
        if f.get("type") != "Feature":
            problems.append(Problem(file, item, "type",
                                    f"expected 'Feature', found {f.get('type')!r}"))
            continue
        geom = f.get("geometry")
        if not isinstance(geom, dict) or geom.get("type") != geometry:
            found = geom.get("type") if isinstance(geom, dict) else geom
            problems.append(Problem(file, item, "geometry", f"expected a {geometry}, found {found!r}"))
            continue
        out.append({"item": item, "feature": f})
    if not feats:
        what = "node (Point)" if geometry == "Point" else "link (LineString)"
        problems.append(Problem(file, "", "features",
                                f"no features; a network needs at least one {what}"))
    return out


def _parse_nodes(feats: list[dict], problems: list[Problem]) -> list[Node]:
    nodes = []
    for entry in feats:
        f, item = entry["feature"], entry["item"]
        coords = f["geometry"].get("coordinates")
        props = dict(f["properties"])
        if not (isinstance(coords, list) and len(coords) in (2, 3)
                and all(isinstance(c, (int, float)) for c in coords)):
            problems.append(Problem(NODES_FILE, item, "geometry.coordinates",
                                    f"expected [lon, lat], found {coords!r}"))
            continue
        for key in ("lat", "lon"):
            if key in props:
                problems.append(Problem(NODES_FILE, item, f"properties.{key}",
                                        "coordinates belong in geometry, not properties"))
                props.pop(key)
        props["lon"], props["lat"] = coords[0], coords[1]
        try:
            nodes.append(Node.model_validate(props))
        except ValidationError as err:
            for p in _pydantic_problems(err, NODES_FILE, item):
                field = p.field
                field = {"lat": "geometry.coordinates[1] (lat)",
                         "lon": "geometry.coordinates[0] (lon)"}.get(field, f"properties.{field}")
                problems.append(Problem(p.file, p.item, field, p.message))
    return nodes


def _parse_records(entries: Iterable[tuple[str, dict]], model: type[BaseModel], file: str,
                   prefix: str, problems: list[Problem]) -> list[Any]:
    out = []
    for item, data in entries:
        try:
            out.append(model.model_validate(data))
        except ValidationError as err:
            problems.extend(_pydantic_problems(err, file, item, prefix))
    return out


def _duplicates(ids: list[str], file: str, problems: list[Problem]) -> None:
    for key, n in Counter(ids).items():
        if n > 1:
            problems.append(Problem(file, key, "id", f"duplicate id ({n} items use it)"))


def validate_network(nodes: list[Node], links: list[Link], crossings: list[BorderCrossing],
                     invalid_ids: frozenset[str] = frozenset(),
                     ports: list[Port] | None = None) -> list[Problem]:
    """Cross-check parsed records; return every problem (empty list if consistent).

    Checks: duplicate ids; links to unknown nodes; rail links of different gauges
    meeting at a node that is neither a gauge-change yard nor a border station; a
    crossing whose stations are unknown, in one country, or not joined by its link;
    a port on an unknown node, on a node that is not a seaport, or in another time
    zone than its node; and, when ``ports`` is given (the network has a ports file),
    a ferry link whose end is not a port. ``invalid_ids`` are ids of items that
    failed to parse (already reported): references to them are not reported again.
    """
    problems: list[Problem] = []
    _duplicates([n.id for n in nodes], NODES_FILE, problems)
    _duplicates([link.id for link in links], LINKS_FILE, problems)
    _duplicates([c.id for c in crossings], CROSSINGS_FILE, problems)
    node_by_id = {n.id: n for n in nodes}
    link_by_id = {link.id: link for link in links}
    names: dict[str, str] = {}
    for n in nodes:
        for name in (n.id, n.name):
            names.setdefault(name.casefold(), n.id)
    for n in nodes:
        for alias in n.aliases:
            owner = names.get(alias.casefold())
            if owner is not None and owner != n.id:
                problems.append(Problem(NODES_FILE, n.id, "properties.aliases",
                                        f"alias {alias!r} is the id or name of node {owner}; "
                                        "names must resolve to one node"))

    gauges_at: dict[str, set[int]] = defaultdict(set)
    for link in links:
        for end in ("from_node", "to_node"):
            nid = getattr(link, end)
            if nid not in node_by_id and nid not in invalid_ids:
                problems.append(Problem(LINKS_FILE, link.id, f"properties.{end}",
                                        f"unknown node {nid!r}"))
        if link.mode is Mode.rail and link.gauge_mm is not None:
            gauges_at[link.from_node].add(link.gauge_mm)
            gauges_at[link.to_node].add(link.gauge_mm)
    for nid, gauges in sorted(gauges_at.items()):
        node = node_by_id.get(nid)
        if node is None or len(gauges) < 2:
            continue
        if node.kind not in _MIXED_GAUGE_KINDS:
            problems.append(Problem(
                NODES_FILE, nid, "properties.kind",
                f"rail links of gauges {sorted(gauges)} mm meet here but the node is a "
                f"{node.kind.value}; expected gauge_change_yard or border_station"))

    for c in crossings:
        stations = []
        for end in ("station_a", "station_b"):
            nid = getattr(c, end)
            node = node_by_id.get(nid)
            if node is None:
                if nid not in invalid_ids:
                    problems.append(Problem(CROSSINGS_FILE, c.id, end, f"unknown node {nid!r}"))
                continue
            expected = (NodeKind.road_border_post,) if c.mode == "road" else (
                NodeKind.border_station, NodeKind.gauge_change_yard)
            if node.kind not in expected:
                problems.append(Problem(
                    CROSSINGS_FILE, c.id, end,
                    f"node {nid!r} is a {node.kind.value}; expected "
                    + " or ".join(k.value for k in expected)))
            stations.append(node)
        if len(stations) == 2 and stations[0].country == stations[1].country:
            problems.append(Problem(
                CROSSINGS_FILE, c.id, "station_b",
                f"both stations are in {stations[0].country}; a border crossing point pairs "
                "stations in two countries"))
        link = link_by_id.get(c.link)
        if link is None and c.link in invalid_ids:
            pass
        elif link is None:
            problems.append(Problem(CROSSINGS_FILE, c.id, "link", f"unknown link {c.link!r}"))
        else:
            if {link.from_node, link.to_node} != {c.station_a, c.station_b}:
                problems.append(Problem(
                    CROSSINGS_FILE, c.id, "link",
                    f"link {c.link!r} joins {link.from_node}–{link.to_node}, not the "
                    f"crossing's stations {c.station_a}–{c.station_b}"))
            expected_mode = Mode.road if c.mode == "road" else Mode.rail
            if link.mode is not expected_mode:
                problems.append(Problem(
                    CROSSINGS_FILE, c.id, "link",
                    f"a {c.mode} crossing needs a {expected_mode.value} link; "
                    f"{c.link!r} is {link.mode.value}"))
        if c.mode == "rail" and len(stations) == 2:
            ga, gb = stations[0].gauge_mm, stations[1].gauge_mm
            if ga is not None and gb is not None and ga != gb and c.transshipment is None:
                problems.append(Problem(
                    CROSSINGS_FILE, c.id, "transshipment",
                    f"the gauge breaks here ({ga} mm / {gb} mm) but no transshipment stage "
                    "is given"))
    used = Counter(c.link for c in crossings)
    for lid, n in used.items():
        if n > 1:
            problems.append(Problem(CROSSINGS_FILE, lid, "link",
                                    f"{n} crossings use the same link; expected one"))
    if ports is not None:
        problems.extend(_port_problems(node_by_id, links, ports, invalid_ids))
    return problems


def _port_problems(node_by_id: dict[str, Node], links: list[Link], ports: list[Port],
                   invalid_ids: frozenset[str]) -> list[Problem]:
    problems: list[Problem] = []
    _duplicates([p.node for p in ports], PORTS_FILE, problems)
    for port in ports:
        node = node_by_id.get(port.node)
        if node is None:
            if port.node not in invalid_ids:
                problems.append(Problem(PORTS_FILE, port.node, "node",
                                        f"unknown node {port.node!r}"))
            continue
        if node.kind is not NodeKind.seaport:
            problems.append(Problem(PORTS_FILE, port.node, "node",
                                    f"node {port.node!r} is a {node.kind.value}; expected seaport"))
        if port.timezone != node.timezone:
            problems.append(Problem(PORTS_FILE, port.node, "timezone",
                                    f"{port.timezone!r} differs from the node's time zone "
                                    f"{node.timezone!r}"))
    known = {p.node for p in ports}
    for link in links:
        if link.mode is not Mode.ferry:
            continue
        for end in ("from_node", "to_node"):
            nid = getattr(link, end)
            if nid in node_by_id and nid not in known and nid not in invalid_ids:
                problems.append(Problem(
                    LINKS_FILE, link.id, f"properties.{end}",
                    f"ferry link ends at {nid!r}, which has no entry in {PORTS_FILE} "
                    "(handling, customs and hours of every ferry port are expected)"))
    return problems


def _read_ports(base: Path, problems: list[Problem]) -> list[Port] | None:
    """The ports of ``base/ports.yaml``; ``None`` when the file does not exist."""
    path = base / PORTS_FILE
    if not path.exists():
        return None
    doc = _read_yaml(path, problems)
    if doc is None:
        if not any(p.file == PORTS_FILE for p in problems):
            problems.append(Problem(PORTS_FILE, "", "", "the file is empty; expected "
                                    "'ports:' with a list"))
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("ports"), list):
        problems.append(Problem(PORTS_FILE, "", "ports",
                                "expected a mapping with a list under 'ports'"))
        return []
    for key in sorted(set(doc) - {"meta", "ports"}):
        problems.append(Problem(PORTS_FILE, "", key, "unknown top-level key; expected meta, ports"))
    entries: list[tuple[str, dict]] = []
    for i, entry in enumerate(doc["ports"]):
        item = entry.get("node") if isinstance(entry, dict) and isinstance(
            entry.get("node"), str) else f"ports[{i}]"
        if not isinstance(entry, dict):
            problems.append(Problem(PORTS_FILE, item, "", "expected a mapping"))
            continue
        entries.append((item, entry))
    return _parse_records(entries, Port, PORTS_FILE, "", problems)


def load_network(path: str | Path | None = None) -> Network:
    """Load, validate and return the network in directory ``path``.

    Parameters
    ----------
    path : str or Path, optional
        A directory holding ``nodes.geojson``, ``links.geojson`` and ``crossings.yaml``
        (or the path of one of those files). ``None`` loads the bundled corridor.

    Returns
    -------
    Network
        Immutable, validated network.

    Raises
    ------
    NetworkError
        With every problem found in the three files (file, item, field, message).
    """
    base = bundled_network_path() if path is None else Path(path)
    if base.is_file():
        base = base.parent
    if not base.exists():
        raise NetworkError([Problem(str(base), "", "", "no such directory")])
    if not base.is_dir():
        import os

        from landbridge.textfiles import file_kind

        raise NetworkError([Problem(str(base), "", "", f"is {file_kind(os.stat(base).st_mode)}, "
                                    "expected a network directory")])
    problems: list[Problem] = []
    nodes_doc = _read_json(base / NODES_FILE, problems)
    links_doc = _read_json(base / LINKS_FILE, problems)
    node_feats = _features(nodes_doc, NODES_FILE, "Point", problems)
    link_feats = _features(links_doc, LINKS_FILE, "LineString", problems)
    cdoc = _read_yaml(base / CROSSINGS_FILE, problems)

    nodes = _parse_nodes(node_feats, problems)
    links = _parse_records(((e["item"], e["feature"]["properties"]) for e in link_feats), Link,
                           LINKS_FILE, "properties", problems)
    crossing_entries: list[tuple[str, dict]] = []
    if cdoc is None and not any(p.file == CROSSINGS_FILE for p in problems):
        problems.append(Problem(CROSSINGS_FILE, "", "", "the file is empty; expected "
                                "'crossings:' with a list (it may be empty: crossings: [])"))
    if cdoc is not None:
        if not isinstance(cdoc, dict) or not isinstance(cdoc.get("crossings"), list):
            problems.append(Problem(CROSSINGS_FILE, "", "crossings",
                                    "expected a mapping with a list under 'crossings'"))
        else:
            extra = set(cdoc) - {"meta", "crossings"}
            for key in sorted(extra):
                problems.append(Problem(CROSSINGS_FILE, "", key,
                                        "unknown top-level key; expected meta, crossings"))
            for i, c in enumerate(cdoc["crossings"]):
                item = c.get("id") if isinstance(c, dict) and isinstance(c.get("id"), str) \
                    else f"crossings[{i}]"
                if not isinstance(c, dict):
                    problems.append(Problem(CROSSINGS_FILE, item, "", "expected a mapping"))
                    continue
                crossing_entries.append((item, c))
    crossings = _parse_records(crossing_entries, BorderCrossing, CROSSINGS_FILE, "", problems)
    ports = _read_ports(base, problems)
    parsed = {n.id for n in nodes} | {k.id for k in links}
    invalid = frozenset(
        e["feature"]["properties"].get("id") for e in node_feats + link_feats
        if isinstance(e["feature"]["properties"].get("id"), str)
    ) - parsed
    if nodes_doc is None or not node_feats:
        # the nodes file did not load: every reference to a node would be reported
        # again as unknown, burying the one real problem
        invalid = invalid | frozenset(
            str(getattr(r, k)) for r in links for k in ("from_node", "to_node")) | frozenset(
            str(getattr(c, k)) for c in crossings for k in ("station_a", "station_b"))
    if links_doc is None or not link_feats:  # no links loaded: "unknown link" says nothing new
        invalid = invalid | frozenset(c.link for c in crossings)
    problems.extend(validate_network(nodes, links, crossings, invalid, ports))
    problems.extend(_geometry_problems(nodes, link_feats))
    if problems:
        raise NetworkError(_relabel(problems, base))
    return Network(nodes={n.id: n for n in nodes}, links={k.id: k for k in links},
                   crossings={c.id: c for c in crossings}, source=str(base),
                   ports={p.node: p for p in ports or ()})


_GEOMETRY_TOLERANCE_DEG = 0.1  # ~10 km: a line must start and end at its nodes


def _geometry_problems(nodes: list[Node], link_feats: list[dict]) -> list[Problem]:
    """A link's LineString must start at its from_node and end at its to_node."""
    where = {n.id: (n.lon, n.lat) for n in nodes}
    out = []
    for e in link_feats:
        props, coords = e["feature"]["properties"], e["feature"]["geometry"].get("coordinates")
        ends = [props.get(k) for k in ("from_node", "to_node")]
        a, b = (where.get(x) if isinstance(x, str) else None for x in ends)
        if a is None or b is None:
            continue
        if not (isinstance(coords, list) and len(coords) >= 2
                and all(isinstance(c, list) and len(c) >= 2
                        and all(isinstance(x, (int, float)) for x in c[:2]) for c in coords)):
            out.append(Problem(LINKS_FILE, e["item"], "geometry.coordinates",
                               "expected a list of at least two [lon, lat] positions"))
            continue
        for end, pos, node in (("first", coords[0], a), ("last", coords[-1], b)):
            if max(abs(pos[0] - node[0]), abs(pos[1] - node[1])) > _GEOMETRY_TOLERANCE_DEG:
                out.append(Problem(
                    LINKS_FILE, e["item"], "geometry.coordinates",
                    f"the {end} position {pos[:2]} is not at its node {list(node)} "
                    f"(expected within {_GEOMETRY_TOLERANCE_DEG}°)"))
    return out


def _relabel(problems: list[Problem], base: Path) -> list[Problem]:
    return [Problem(str(base / p.file) if not Path(p.file).is_absolute() else p.file, p.item,
                    p.field, p.message) for p in problems]
