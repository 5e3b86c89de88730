"""Mode factors: default tariffs, the sea and air alternatives, CO2 intensities.

Every figure comes from ``data/modes.yaml``, where each carries its source (publication
or operator, year) and a grade. This module turns them into three things the planner
needs:

* :func:`link_tariff_usd_per_feu` — a link's own ``tariff_usd_per_feu`` or, when it has
  none, length × the default rate of its mode and network (1520, China, other);
* :class:`SeaRouter` — the one-method seam that prices the sea alternative of an
  origin–destination pair (:class:`PortSeaRouter`: nearest listed port at each end,
  hinterland legs, port-to-port distance from ``searoute``; tests use a fake);
* :func:`air_leg` — the air alternative (great-circle distance + 95 km, GLEC 2023).

Distances between ports are great-circle (haversine, mean Earth radius 6,371.0088 km,
IUGG) for the nearest-port search and searoute (Eurostat MARNET) for the sea leg.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from landbridge.errors import InputError, Problem
from landbridge.textfiles import load_yaml_file
from landbridge.network.model import BROAD_GAUGE_MM, Link, Mode, Network

__all__ = ["Factor", "ModeFactors", "load_mode_factors", "link_tariff_usd_per_feu",
           "haversine_km", "SeaLeg", "SeaRouter", "PortSeaRouter", "AirLeg", "air_leg",
           "KM_PER_NAUTICAL_MILE", "EARTH_RADIUS_KM"]

KM_PER_NAUTICAL_MILE = 1.852
"""International nautical mile (International Hydrographic Conference, 1929)."""
EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG; Moritz, 'Geodetic Reference System 1980', 2000)."""


class _Rec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Factor(_Rec):
    """One sourced figure: ``value``, ``source`` and reliability ``grade`` (A/B/C/E)."""

    value: float
    source: str = Field(min_length=1)
    grade: str = Field(pattern=r"^[ABCE]$")
    lane: str | None = None


class _Tariffs(_Rec):
    rail_1520: Factor
    rail_china: Factor
    rail_other: Factor
    ferry: Factor
    road: Factor


class _Distances(_Rec):
    source: str
    grade: str
    pairs: dict[str, float]


class _Sea(_Rec):
    speed_knots: Factor
    port_days_per_end: Factor
    route_detour_factor: Factor
    rate_usd_per_feu: Factor
    hinterland_usd_per_feu_km: Factor
    hinterland_km_per_day: Factor
    hinterland_detour_factor: Factor
    max_hinterland_km: Factor
    co2_kg_per_teu_km: Factor
    ports: dict[str, tuple[str, float, float]]
    distances_km: _Distances


class _Air(_Rec):
    rate_usd_per_kg: Factor
    cruise_kmh: Factor
    handling_days: Factor
    gcd_uplift_km: Factor
    co2_kg_per_teu_km: Factor


class _Co2(_Rec):
    co2_kg_per_teu_km: Factor


class _RailCo2(_Co2):
    """Rail CO2 per TEU-km by network; ``co2_kg_per_teu_km`` is the default (rail legs
    outside the three networks, and the sea route's hinterland legs)."""

    co2_kg_per_teu_km_1520: Factor
    co2_kg_per_teu_km_china: Factor
    co2_kg_per_teu_km_eu: Factor


class _Cargo(_Rec):
    tonnes_per_teu: Factor


class ModeFactors(_Rec):
    """The contents of ``modes.yaml`` (see that file for every source)."""

    meta: dict[str, str] = Field(default_factory=dict)
    cargo: _Cargo
    default_tariffs_usd_per_feu_km: _Tariffs
    sea: _Sea
    air: _Air
    rail: _RailCo2
    ferry: _Co2
    road: _Co2

    def co2_kg_per_teu_km(self, mode: str, gauge_mm: int | None = None,
                          country: str | None = None) -> float:
        """CO2 intensity of ``mode`` (rail, ferry, road, sea, air) in kg per TEU-km, as
        published per TEU-km or per tonne-km × ``cargo.tonnes_per_teu`` (``modes.yaml``
        says which). A rail leg on 1520 mm track takes the 1520 figure, a rail leg in
        China (``country`` "CN") the Chinese one, other standard-gauge legs the EU one;
        without ``gauge_mm`` and ``country`` the rail default."""
        if mode == "rail":
            r = self.rail
            if gauge_mm == 1520:
                return r.co2_kg_per_teu_km_1520.value
            if country == "CN":
                return r.co2_kg_per_teu_km_china.value
            if gauge_mm is not None or country is not None:
                return r.co2_kg_per_teu_km_eu.value
        return getattr(self, mode).co2_kg_per_teu_km.value

    def sources(self) -> dict[str, str]:
        """Every factor's source by dotted key (for reports)."""
        out: dict[str, str] = {}

        def walk(obj, prefix):
            if isinstance(obj, Factor):
                out[prefix] = f"{obj.value:g}: {obj.source} [{obj.grade}]"
            elif isinstance(obj, BaseModel):
                for name in type(obj).model_fields:
                    walk(getattr(obj, name), f"{prefix}.{name}" if prefix else name)

        walk(self, "")
        return out


def _bundled_modes_path() -> Path:
    return Path(str(resources.files("landbridge") / "data" / "modes.yaml"))


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> ModeFactors:
    data = load_yaml_file(path, InputError)
    try:
        return ModeFactors.model_validate(data)
    except ValidationError as err:
        raise InputError([
            Problem(path, ".".join(str(x) for x in e["loc"]), "", e["msg"])
            for e in err.errors()]) from None


def load_mode_factors(path: str | Path | None = None) -> ModeFactors:
    """Load the mode factors (the bundled ``data/modes.yaml`` when ``path`` is None).

    Raises
    ------
    InputError
        When the file cannot be read or a factor is missing or malformed (every problem,
        with its dotted key).
    """
    return _load_cached(str(path or _bundled_modes_path()))


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km between two WGS84 points (haversine formula,
    R. W. Sinnott, 'Virtues of the Haversine', Sky and Telescope 68(2), 1984)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def link_tariff_usd_per_feu(network: Network, link: Link, factors: ModeFactors) -> float:
    """Tariff of ``link`` in USD per FEU: its own ``tariff_usd_per_feu`` when given,
    else ``length_km`` × the default rate for its mode (rail on 1520 gauge, rail in
    China, other rail; ferry; road) from ``modes.yaml``."""
    if link.tariff_usd_per_feu is not None:
        return link.tariff_usd_per_feu
    t = factors.default_tariffs_usd_per_feu_km
    if link.mode is Mode.ferry:
        rate = t.ferry.value
    elif link.mode is Mode.road:
        rate = t.road.value
    elif link.gauge_mm == BROAD_GAUGE_MM:
        rate = t.rail_1520.value
    elif network.nodes[link.from_node].country == "CN" and network.nodes[link.to_node].country == "CN":
        rate = t.rail_china.value
    else:
        rate = t.rail_other.value
    return link.length_km * rate


@dataclass(frozen=True)
class SeaLeg:
    """The sea alternative of an origin–destination pair, door to door.

    ``origin_port``/``destination_port`` are UN/LOCODEs; distances in km (hinterland =
    pre- plus on-carriage); ``days`` door to door; ``usd_per_feu`` door to door;
    ``co2_kg_per_teu`` sea leg plus hinterland legs at the rail intensity.
    """

    origin_port: str
    destination_port: str
    sea_km: float
    hinterland_km: float
    days: float
    usd_per_feu: float
    co2_kg_per_teu: float

    def to_dict(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self).items()}


class SeaRouter(Protocol):
    """Prices the sea alternative between two network nodes (None: no sea alternative)."""

    def sea_leg(self, network: Network, origin: str, destination: str) -> SeaLeg | None:
        """The sea alternative from node ``origin`` to node ``destination`` (ids), with
        its km, days, USD/FEU and kg CO2/TEU; ``None`` when there is none."""
        ...


class PortSeaRouter:
    """Sea alternative through the nearest listed port at each end (``modes.yaml``).

    Port-to-port distance from the table in ``modes.yaml`` (computed with searoute) or,
    for other pairs, from ``searoute`` itself. Sea days = distance / (knots × 1.852 km/h)
    / 24 + 2 × port days; the freight rate scales the benchmark lane's rate by distance;
    hinterland legs cost ``hinterland_usd_per_feu_km`` × great-circle × detour factor.
    """

    def __init__(self, factors: ModeFactors | None = None):
        self.factors = factors or load_mode_factors()

    def nearest_port(self, lon: float, lat: float) -> tuple[str, float] | None:
        """(LOCODE, great-circle km) of the nearest listed port within the hinterland
        limit, or None (ties broken by code)."""
        s = self.factors.sea
        best = min(((haversine_km(lon, lat, p[1], p[2]), code) for code, p in s.ports.items()),
                   default=None)
        if best is None or best[0] > s.max_hinterland_km.value:
            return None
        return best[1], best[0]

    def port_distance_km(self, a: str, b: str) -> float:
        """Sea distance in km between two listed ports (table, else searoute)."""
        pairs = self.factors.sea.distances_km.pairs
        for key in (f"{a}-{b}", f"{b}-{a}"):
            if key in pairs:
                return pairs[key]
        return _searoute_km(tuple(self.factors.sea.ports[a][1:]), tuple(self.factors.sea.ports[b][1:]))

    def sea_leg(self, network: Network, origin: str, destination: str) -> SeaLeg | None:
        """See :meth:`SeaRouter.sea_leg`; ``None`` when an end is farther than the
        hinterland limit from every listed port, or both ends share one port."""
        o, d = network.nodes[origin], network.nodes[destination]
        po, pd_ = self.nearest_port(o.lon, o.lat), self.nearest_port(d.lon, d.lat)
        if po is None or pd_ is None or po[0] == pd_[0]:
            return None
        s = self.factors.sea
        sea_km = self.port_distance_km(po[0], pd_[0]) * s.route_detour_factor.value
        hinter_km = (po[1] + pd_[1]) * s.hinterland_detour_factor.value
        bench = s.rate_usd_per_feu
        bench_km = self.port_distance_km(*bench.lane.split("-")) if bench.lane else sea_km
        days = (sea_km / (s.speed_knots.value * KM_PER_NAUTICAL_MILE) / 24.0
                + 2 * s.port_days_per_end.value + hinter_km / s.hinterland_km_per_day.value)
        usd = bench.value * sea_km / bench_km + hinter_km * s.hinterland_usd_per_feu_km.value
        co2 = (sea_km * self.factors.co2_kg_per_teu_km("sea")
               + hinter_km * self.factors.co2_kg_per_teu_km("rail"))
        return SeaLeg(po[0], pd_[0], sea_km, hinter_km, days, usd, co2)


@functools.lru_cache(maxsize=256)
def _searoute_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    import searoute  # slow first import (loads the sea-lane graph): only when needed

    return float(searoute.searoute(list(a), list(b), units="km").properties["length"])


@dataclass(frozen=True)
class AirLeg:
    """The air alternative: ``distance_km`` (great circle + uplift), ``days`` door to
    door, ``usd_per_feu`` (rate × cargo mass of one FEU), ``co2_kg_per_teu``."""

    distance_km: float
    days: float
    usd_per_feu: float
    co2_kg_per_teu: float

    def to_dict(self) -> dict:
        return {k: round(v, 3) for k, v in asdict(self).items()}


def air_leg(network: Network, origin: str, destination: str,
            factors: ModeFactors | None = None) -> AirLeg:
    """Price the air alternative between two nodes (GLEC 2023 distance convention:
    great circle + 95 km; chargeable mass = ``tonnes_per_teu`` × 2 per FEU)."""
    f = factors or load_mode_factors()
    o, d = network.nodes[origin], network.nodes[destination]
    km = haversine_km(o.lon, o.lat, d.lon, d.lat) + f.air.gcd_uplift_km.value
    days = km / f.air.cruise_kmh.value / 24.0 + f.air.handling_days.value
    usd = f.air.rate_usd_per_kg.value * f.cargo.tonnes_per_teu.value * 2 * 1000.0
    return AirLeg(km, days, usd, km * f.co2_kg_per_teu_km("air"))
