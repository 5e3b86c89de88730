"""Small hand-made networks for tests, written in the real file format."""

from __future__ import annotations

import json
from pathlib import Path

import yaml


def node(id, country, lon, lat, kind="station", gauge=1435, tz=None, name=None, aliases=()):
    tz = tz or {"CN": "Asia/Shanghai", "KZ": "Asia/Almaty", "RU": "Europe/Moscow",
                "PL": "Europe/Warsaw", "DE": "Europe/Berlin", "BY": "Europe/Minsk"}[country]
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"id": id, "name": name or f"Node {id}", "country": country,
                           "timezone": tz, "kind": kind, "gauge_mm": gauge,
                           "aliases": list(aliases), "source": "test"}}


def link(id, a, b, km, speed=None, gauge=1435, cap=48.0, mode="rail", **extra):
    props = {"id": id, "mode": mode, "from_node": a, "to_node": b, "length_km": km,
             "source": "test"}
    if speed is not None:
        props["speed_kmh"] = speed
    if mode == "rail":
        props.update(gauge_mm=gauge, tracks=2, capacity_trains_per_day=cap)
    props.update(extra)
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
            "properties": props}


def crossing(id, a, b, link_id, **extra):
    c = {"id": id, "name": f"Crossing {id}", "mode": "rail", "station_a": a, "station_b": b,
         "link": link_id, "timezone": "Asia/Almaty", "receiving_yard_tracks": 4,
         "inspection_teams": 2, "clearance_h": {"kind": "fixed", "value": 2.0},
         "handover_h": {"kind": "fixed", "value": 1.0}, "source": "test"}
    c.update(extra)
    return c


def write(dirpath: Path, nodes, links, crossings) -> Path:
    dirpath.mkdir(parents=True, exist_ok=True)
    where = {n["properties"]["id"]: n["geometry"]["coordinates"] for n in nodes}
    for lk in links:  # draw each link from its from_node to its to_node
        p = lk["properties"]
        if p.get("from_node") in where and p.get("to_node") in where:
            lk["geometry"]["coordinates"] = [where[p["from_node"]], where[p["to_node"]]]
    (dirpath / "nodes.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": nodes}, indent=1))
    (dirpath / "links.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": links}, indent=1))
    (dirpath / "crossings.yaml").write_text(yaml.safe_dump({"meta": {"title": "test"}, "crossings": crossings}, sort_keys=False))
    return dirpath


TRANSSHIP = {"tracks": 1, "cranes_per_track": 2, "lifts_per_crane_h": 20.0, "setup_h": 0.0}


def two_corridor_network(dirpath: Path, tariffs: dict | None = None,
                         crossing_caps: dict | None = None) -> Path:
    """A (CN terminal) to D (KZ terminal) by two corridors.

    North: A -100 km @ 50 km/h- B =BCP B-C (10 km @ 10 km/h)= C -200 km @ 50- D
           running 2 + 1 + 4 = 7 h, length 310 km; BCP min dwell 2 + 1 + 41/40.
    South: A -150 km @ 75- E =BCP E-F (10 km @ 10)= F -300 km @ 100- D
           running 2 + 1 + 3 = 6 h, length 460 km; BCP min dwell 2 + 1 + 41/40.

    ``tariffs`` (link id → USD/FEU) and ``crossing_caps`` (crossing id → max trains/day)
    add those fields.
    """
    nodes = [
        node("A", "CN", 80.0, 44.0, kind="terminal", name="Alpha", aliases=["Alf"]),
        node("B", "CN", 82.0, 45.0, kind="border_station", name="Bravo"),
        node("C", "KZ", 82.1, 45.1, kind="border_station", gauge=1520, name="Charlie"),
        node("D", "KZ", 76.0, 43.0, kind="terminal", gauge=1520, name="Delta"),
        node("E", "CN", 80.5, 44.2, kind="border_station", name="Echo"),
        node("F", "KZ", 80.4, 44.2, kind="border_station", gauge=1520, name="Foxtrot"),
    ]
    links = [
        link("A-B", "A", "B", 100, speed=50),
        link("B-C", "B", "C", 10, speed=10, gauge=1520),
        link("C-D", "C", "D", 200, speed=50, gauge=1520),
        link("A-E", "A", "E", 150, speed=75),
        link("E-F", "E", "F", 10, speed=10, gauge=1520),
        link("F-D", "F", "D", 300, speed=100, gauge=1520),
    ]
    for lk in links:
        if tariffs and lk["properties"]["id"] in tariffs:
            lk["properties"]["tariff_usd_per_feu"] = tariffs[lk["properties"]["id"]]
    caps = crossing_caps or {}
    crossings = [
        crossing(cid, a, b, cid, transshipment=TRANSSHIP,
                 **({"max_trains_per_day": caps[cid]} if cid in caps else {}))
        for cid, a, b in (("B-C", "B", "C"), ("E-F", "E", "F"))
    ]
    return write(dirpath, nodes, links, crossings)
