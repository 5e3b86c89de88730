"""The corridor network as frozen, typed records: nodes, links, border crossing points.

These records are what the loader produces after validation (see
:mod:`landbridge.network.loader`); they forbid unknown keys and are immutable, so a
network can be shared by every replication without copying.

Units are in the field names: ``length_km``, ``speed_kmh``, ``running_time_h``,
``capacity_trains_per_day`` (per direction), ``lifts_per_crane_h``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from types import MappingProxyType
from typing import Literal, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, field_validator, model_validator

from landbridge.errors import UnknownNameError
from landbridge.suggest import close_matches
from landbridge.network.distributions import Distribution, Fixed

__all__ = [
    "NodeKind",
    "Mode",
    "Node",
    "Link",
    "OperatingHours",
    "Transshipment",
    "BorderCrossing",
    "DepartureRule",
    "HandlingMethod",
    "PortHandling",
    "Port",
    "Network",
    "STANDARD_GAUGE_MM",
    "BROAD_GAUGE_MM",
    "IBERIAN_GAUGE_MM",
]

STANDARD_GAUGE_MM = 1435
"""Standard gauge (China, EU, Türkiye, Iran)."""
BROAD_GAUGE_MM = 1520
"""Broad ("Russian") gauge (Kazakhstan, Russia, Belarus, Mongolia, Georgia, Azerbaijan)."""
IBERIAN_GAUGE_MM = 1668
"""Iberian gauge (Spain, Portugal)."""
GAUGES_MM = (STANDARD_GAUGE_MM, BROAD_GAUGE_MM, IBERIAN_GAUGE_MM)

MAX_BACKGROUND_WAGONS_PER_MONTH = 100_000
"""Upper bound of a ferry's ``background_wagons_by_month`` entries: 50 times the busiest
Caspian route (Port of Baku, about 2,000 ferry wagons a month in 2019), so a mistyped
figure is refused instead of simulating one event per wagon without end."""


class NodeKind(str, Enum):
    """What happens at a node."""

    terminal = "terminal"  # container terminal, origin or destination of services
    station = "station"  # junction or line station, trains pass
    border_station = "border_station"  # one side of a border crossing point
    gauge_change_yard = "gauge_change_yard"  # transshipment / bogie exchange yard
    seaport = "seaport"  # seaport or ferry terminal
    road_border_post = "road_border_post"  # road checkpoint


class Mode(str, Enum):
    """Transport mode of a link."""

    rail = "rail"
    road = "road"
    ferry = "ferry"


class DepartureRule(str, Enum):
    """When a ferry sails: on its ``timetable`` or ``when_loaded`` (unscheduled)."""

    timetable = "timetable"  # fixed departures every 168 / sailings_per_week hours
    when_loaded = "when_loaded"  # sails once loaded enough or after max_wait_h


class HandlingMethod(str, Enum):
    """How a port moves a train's load between rail and ship."""

    roll_on_roll_off = "roll_on_roll_off"  # wagons shunted aboard a rail ferry over a linkspan
    crane = "crane"  # containers lifted between wagons and ship


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, use_enum_values=False)


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown IANA time zone {value!r} (expected e.g. 'Asia/Almaty')")
    return value


def _check_in_service_from(value):
    """``in_service_from`` is a calendar date written YYYY-MM-DD (a YAML date or a string)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise ValueError(f"expected a date written YYYY-MM-DD (the first day of service); "
                     f"found {value!r}")


class Node(_Record):
    """A place on the network.

    Attributes: ``id`` (short unique code), ``name``, ``country`` (ISO 3166-1 alpha-2),
    ``lat``/``lon`` (WGS84 degrees), ``timezone`` (IANA), ``kind``, ``gauge_mm`` (the
    track gauge at the node, ``None`` for road posts), ``aliases`` (other names that
    resolve to this node), ``source`` (where the coordinates and role come from).
    """

    id: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = Field(min_length=1)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    lat: StrictFloat = Field(ge=-90, le=90)
    lon: StrictFloat = Field(ge=-180, le=180)
    timezone: str
    kind: NodeKind
    gauge_mm: StrictInt | None = None
    aliases: tuple[str, ...] = ()
    source: str = Field(min_length=1)

    _tz = field_validator("timezone")(classmethod(lambda cls, v: _check_timezone(v)))

    @field_validator("country")
    @classmethod
    def _known_country(cls, v: str) -> str:
        from landbridge.network.countries import ISO_3166_ALPHA2

        if v not in ISO_3166_ALPHA2:
            raise ValueError(f"{v!r} is not an ISO 3166-1 alpha-2 country code "
                             "(e.g. KZ, CN, PL; the United Kingdom is GB)")
        return v

    @field_validator("gauge_mm")
    @classmethod
    def _known_gauge(cls, v: int | None) -> int | None:
        if v is not None and v not in GAUGES_MM:
            raise ValueError(f"gauge {v} mm is not one of {', '.join(map(str, GAUGES_MM))}")
        return v


class Link(_Record):
    """A link between two nodes, usable in both directions.

    Rail links carry ``gauge_mm``, ``tracks`` (1 or 2) and
    ``capacity_trains_per_day`` per direction; road links ``capacity_trucks_per_day``;
    ferry links a capacity per sailing in wagons and TEU and a ``departure_rule``
    (default ``timetable``): a timetabled ferry sails every ``168 / sailings_per_week``
    hours; a ``when_loaded`` ferry (unscheduled, as the Caspian rail ferries) sails
    once ``min_load_fraction`` of a sailing's capacity is aboard, or ``max_wait_h``
    after loading began with whatever is aboard, and ``sailings_per_week`` is then the
    most vessel departures per week and direction the fleet allows.
    ``weather_cancellation_by_month`` (12 probabilities, January first) is the chance
    that a sailing ready to leave is weather-bound; it tries again
    ``weather_retry_h`` later (a timetabled ferry at its next departure).
    ``background_wagons_by_month`` (12 numbers, January first) is the other traffic of
    a ferry in each direction — tank and other wagons that are not the scenario's
    container trains — in wagons per calendar month; it takes wagon slots on the
    sailings (:mod:`landbridge.simulation.ferry`). The running
    time is ``length_km / speed_kmh`` unless a fixed
    ``running_time_h`` is given (ferries). ``max_train_wagons`` is the longest train
    the section accepts (where it changes along a route, trains are re-formed).
    ``tariff_usd_per_feu`` is the published or estimated through tariff for the leg.
    ``estimate`` states the method when ``length_km`` is not a published figure.
    ``in_service_from`` is the first day the link carried trains (a line opened, or
    planned to open, after some scenarios' years); a scenario whose ``start_date`` is
    earlier leaves the link out (:func:`landbridge.scenario.compile.compile_scenario`,
    :meth:`Network.in_service`). ``None``: in service in every scenario year. Its
    source goes in ``source``.
    """

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")
    mode: Mode
    from_node: str
    to_node: str
    length_km: StrictFloat = Field(gt=0)
    speed_kmh: StrictFloat | None = Field(default=None, gt=0, le=400)
    running_time_h: StrictFloat | None = Field(default=None, gt=0)
    gauge_mm: StrictInt | None = None
    tracks: StrictInt | None = Field(default=None, ge=1, le=2)
    capacity_trains_per_day: StrictFloat | None = Field(default=None, gt=0)
    max_train_wagons: StrictInt | None = Field(default=None, gt=0)
    capacity_trucks_per_day: StrictFloat | None = Field(default=None, gt=0)
    sailings_per_week: StrictFloat | None = Field(default=None, gt=0)
    capacity_wagons_per_sailing: StrictInt | None = Field(default=None, gt=0)
    capacity_teu_per_sailing: StrictFloat | None = Field(default=None, gt=0)
    departure_rule: DepartureRule | None = None
    min_load_fraction: StrictFloat | None = Field(default=None, gt=0, le=1)
    max_wait_h: StrictFloat | None = Field(default=None, gt=0)
    weather_cancellation_by_month: tuple[StrictFloat, ...] | None = None
    weather_retry_h: StrictFloat | None = Field(default=None, gt=0)
    background_wagons_by_month: tuple[StrictFloat, ...] | None = None
    tariff_usd_per_feu: StrictFloat | None = Field(default=None, ge=0)
    in_service_from: date | None = None
    source: str = Field(min_length=1)
    estimate: str | None = None

    _in_service = field_validator("in_service_from", mode="before")(
        classmethod(lambda cls, v: _check_in_service_from(v)))

    @model_validator(mode="after")
    def _mode_fields(self) -> "Link":
        problems: list[str] = []
        if (self.speed_kmh is None) == (self.running_time_h is None):
            problems.append("exactly one of speed_kmh and running_time_h is expected")
        if self.from_node == self.to_node:
            problems.append(f"from_node and to_node are both {self.from_node!r}")
        if self.mode is Mode.rail:
            if self.gauge_mm not in GAUGES_MM:
                problems.append(
                    f"rail link needs gauge_mm in {GAUGES_MM}, got {self.gauge_mm!r}"
                )
            if self.capacity_trains_per_day is None:
                problems.append("rail link needs capacity_trains_per_day (per direction)")
        elif self.mode is Mode.road:
            if self.capacity_trucks_per_day is None:
                problems.append("road link needs capacity_trucks_per_day")
        elif self.mode is Mode.ferry:
            if self.sailings_per_week is None:
                problems.append("ferry link needs sailings_per_week")
            if self.capacity_wagons_per_sailing is None and self.capacity_teu_per_sailing is None:
                problems.append(
                    "ferry link needs capacity_wagons_per_sailing or capacity_teu_per_sailing"
                )
            if self.capacity_teu_per_sailing is not None and self.capacity_teu_per_sailing < 2:
                problems.append(
                    f"capacity_teu_per_sailing {self.capacity_teu_per_sailing:g} is less than "
                    "one 40-ft container (2 TEU) per sailing; expected at least 2")
            loaded = self.departure_rule is DepartureRule.when_loaded
            for f in ("min_load_fraction", "max_wait_h"):
                if loaded and getattr(self, f) is None:
                    problems.append(f"a when_loaded ferry needs {f}")
                if not loaded and getattr(self, f) is not None:
                    problems.append(f"{f} applies to when_loaded ferries; departure_rule is "
                                    f"{(self.departure_rule or DepartureRule.timetable).value}")
            months = self.weather_cancellation_by_month
            if months is not None:
                if len(months) != 12:
                    problems.append("weather_cancellation_by_month needs 12 probabilities "
                                    f"(January to December), found {len(months)}")
                bad = [p for p in months if not 0.0 <= p < 1.0]
                if bad:
                    problems.append("weather_cancellation_by_month: each probability must be "
                                    f"in [0, 1), found {bad}")
            bg = self.background_wagons_by_month
            if bg is not None:
                if len(bg) != 12:
                    problems.append("background_wagons_by_month needs 12 numbers of wagons "
                                    f"(January to December), found {len(bg)}")
                if any(w < 0 for w in bg):
                    problems.append("background_wagons_by_month: wagons per month cannot be "
                                    f"negative, found {[w for w in bg if w < 0]}")
                if any(w > MAX_BACKGROUND_WAGONS_PER_MONTH for w in bg):
                    problems.append(
                        "background_wagons_by_month: at most "
                        f"{MAX_BACKGROUND_WAGONS_PER_MONTH:,} wagons a month (each is an event "
                        "of the simulation; the busiest Caspian ferry route carried about "
                        "2,000 a month), found "
                        f"{[w for w in bg if w > MAX_BACKGROUND_WAGONS_PER_MONTH]}")
        only = {
            Mode.rail: ("gauge_mm", "tracks", "capacity_trains_per_day", "max_train_wagons"),
            Mode.road: ("capacity_trucks_per_day",),
            Mode.ferry: ("sailings_per_week", "capacity_wagons_per_sailing",
                         "capacity_teu_per_sailing", "departure_rule", "min_load_fraction",
                         "max_wait_h", "weather_cancellation_by_month", "weather_retry_h",
                         "background_wagons_by_month"),
        }
        for mode, fields in only.items():
            if mode is not self.mode:
                for f in fields:
                    if getattr(self, f) is not None:
                        problems.append(f"{f} applies to {mode.value} links, not to a "
                                        f"{self.mode.value} link")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def base_running_time_h(self) -> float:
        """Uncontended running time in hours: ``length_km / speed_kmh`` or the fixed time."""
        if self.running_time_h is not None:
            return self.running_time_h
        assert self.speed_kmh is not None
        return self.length_km / self.speed_kmh

    @property
    def min_headway_h(self) -> float:
        """Minimum headway per direction in hours: 24 / trains per day (rail only)."""
        if self.capacity_trains_per_day is None:
            return 0.0
        return 24.0 / self.capacity_trains_per_day

    @property
    def ferry_rule(self) -> DepartureRule:
        """The departure rule of a ferry link (``timetable`` when not given)."""
        return self.departure_rule or DepartureRule.timetable

    def cancellation_probability(self, month: int) -> float:
        """Probability (0–1) that a sailing in calendar ``month`` (1–12) is weather-bound."""
        if self.weather_cancellation_by_month is None:
            return 0.0
        return self.weather_cancellation_by_month[month - 1]

    def other(self, node_id: str) -> str:
        """The node at the other end of the link from ``node_id``."""
        return self.to_node if node_id == self.from_node else self.from_node


class OperatingHours(_Record):
    """Daily opening window in the crossing's local time, hours from midnight.

    ``open_h = 0, close_h = 24`` is round-the-clock operation. A window may wrap
    midnight (``open_h = 20, close_h = 8``).
    """

    open_h: StrictFloat = Field(default=0.0, ge=0, le=24)
    close_h: StrictFloat = Field(default=24.0, ge=0, le=24)

    @model_validator(mode="after")
    def _nonempty(self) -> "OperatingHours":
        if self.open_h == self.close_h and not (self.open_h == 0 and self.close_h == 0):
            raise ValueError(
                f"open_h equals close_h ({self.open_h}); use open_h: 0, close_h: 24 for 24/7"
            )
        return self

    @property
    def is_24h(self) -> bool:
        """True for round-the-clock operation."""
        return (self.close_h - self.open_h) % 24 == 0

    @property
    def hours_per_day(self) -> float:
        """Open hours per day."""
        if self.is_24h:
            return 24.0
        return (self.close_h - self.open_h) % 24


class Transshipment(_Record):
    """The gauge-change stage of a rail border crossing point.

    ``tracks`` parallel transshipment tracks, each worked by ``cranes_per_track``
    gantry cranes or reach stackers at ``lifts_per_crane_h`` container lifts per hour.
    A train of ``n`` containers on one track takes ``n / (cranes_per_track *
    lifts_per_crane_h) + setup_h`` hours. ``method`` is ``crane`` (containers are
    lifted onto other wagons) or ``bogie_exchange``.
    """

    tracks: StrictInt = Field(gt=0)
    cranes_per_track: StrictInt = Field(default=1, gt=0)
    lifts_per_crane_h: StrictFloat = Field(gt=0)
    setup_h: StrictFloat = Field(default=0.0, ge=0)
    method: Literal["crane", "bogie_exchange"] = "crane"

    def duration_h(self, containers: int) -> float:
        """Hours to transship ``containers`` on one track."""
        return containers / (self.cranes_per_track * self.lifts_per_crane_h) + self.setup_h


class BorderCrossing(_Record):
    """A border crossing point (BCP): a pair of border stations in two countries.

    The process a train goes through, in order: wait for a receiving-yard track
    (``receiving_yard_tracks``), border/customs control by one of ``inspection_teams``
    (``clearance_h``), locomotive and crew handover (``handover_h``), then, where the
    gauge breaks, transshipment (:class:`Transshipment`). Work happens only in the
    ``operating_hours`` in ``timezone``. Yard tracks, inspection teams and
    transshipment tracks are counted *per direction of travel* (westbound boxes are
    transshipped on one side, eastbound on the other). ``max_trains_per_day`` is an agreed or
    published cap on trains accepted per day and direction (``None``: no cap beyond
    the resources). Road posts (``mode = road``) have ``lanes`` and
    ``truck_processing_h`` instead. ``in_service_from`` (a date, optional) is the first
    day the crossing handled the modelled traffic; a scenario starting earlier leaves
    the crossing and its border link out (see :class:`Link`).
    """

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = Field(min_length=1)
    mode: Literal["rail", "road"] = "rail"
    station_a: str
    station_b: str
    link: str
    timezone: str
    operating_hours: OperatingHours = OperatingHours()
    receiving_yard_tracks: StrictInt | None = Field(default=None, gt=0)
    inspection_teams: StrictInt | None = Field(default=None, gt=0)
    clearance_h: Distribution | None = None
    handover_h: Distribution = Fixed(value=0.0)
    transshipment: Transshipment | None = None
    max_trains_per_day: StrictFloat | None = Field(default=None, gt=0)
    lanes: StrictInt | None = Field(default=None, gt=0)
    truck_processing_h: Distribution | None = None
    max_trucks_per_day: StrictFloat | None = Field(default=None, gt=0)
    in_service_from: date | None = None
    source: str = Field(min_length=1)
    notes: str | None = None

    _tz = field_validator("timezone")(classmethod(lambda cls, v: _check_timezone(v)))
    _in_service = field_validator("in_service_from", mode="before")(
        classmethod(lambda cls, v: _check_in_service_from(v)))

    @model_validator(mode="after")
    def _mode_fields(self) -> "BorderCrossing":
        problems: list[str] = []
        if self.station_a == self.station_b:
            problems.append(f"station_a and station_b are both {self.station_a!r}")
        if self.mode == "rail":
            for name in ("receiving_yard_tracks", "inspection_teams", "clearance_h"):
                if getattr(self, name) is None:
                    problems.append(f"rail crossing needs {name}")
        else:
            for name in ("lanes", "truck_processing_h"):
                if getattr(self, name) is None:
                    problems.append(f"road crossing needs {name}")
            for name in ("receiving_yard_tracks", "inspection_teams", "clearance_h",
                         "transshipment", "max_trains_per_day"):
                if getattr(self, name) is not None:
                    problems.append(f"{name} applies to rail crossings, not to a road post")
        for name in ("clearance_h", "truck_processing_h"):
            dist = getattr(self, name)
            if dist is not None and not dist.mean() > 0:
                problems.append(f"{name} has a mean of 0 h; a service time must be positive "
                                "(e.g. {kind: fixed, value: 0.1})")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def min_dwell_h(self, containers: int = 0) -> float:
        """Static minimum dwell in hours for a train of ``containers`` boxes:
        the minima of clearance and handover plus transshipment time (no queueing,
        no closed hours). For a road post, the minimum processing time."""
        if self.mode == "road":
            assert self.truck_processing_h is not None
            return self.truck_processing_h.minimum()
        assert self.clearance_h is not None
        dwell = self.clearance_h.minimum() + self.handover_h.minimum()
        if self.transshipment is not None:
            dwell += self.transshipment.duration_h(containers)
        return dwell

    def mean_dwell_h(self, containers: int = 0) -> float:
        """Mean service time in hours (clearance + handover + transshipment), no queueing."""
        if self.mode == "road":
            assert self.truck_processing_h is not None
            return self.truck_processing_h.mean()
        assert self.clearance_h is not None
        dwell = self.clearance_h.mean() + self.handover_h.mean()
        if self.transshipment is not None:
            dwell += self.transshipment.duration_h(containers)
        return dwell


class PortHandling(_Record):
    """Rail↔ship handling at a port: ``positions`` trains handled at once (linkspans
    of a rail-ferry berth, or crane tracks of a container terminal), each at
    ``units_per_h`` (wagons per hour rolled on or off, or container lifts per hour),
    plus ``setup_h`` per train (shunting, lashing, papers).

    A train of ``n`` wagons (one container each) takes ``setup_h + n / units_per_h``
    hours on one position, counted in open hours only.
    """

    method: HandlingMethod
    positions: StrictInt = Field(gt=0)
    units_per_h: StrictFloat = Field(gt=0)
    setup_h: Distribution = Fixed(value=0.0)

    def duration_h(self, containers: int, setup_h: float) -> float:
        """Hours to load or unload ``containers`` boxes (one per wagon) after a setup of
        ``setup_h`` hours."""
        return setup_h + containers / self.units_per_h


class Port(_Record):
    """A seaport or ferry terminal where trains meet ships (first-class, like a
    border crossing point).

    A train arriving by rail waits for room in the port's rail yard
    (``storage_trains``), is cleared by one of ``customs_teams`` (``clearance_h``),
    then loaded aboard by :class:`PortHandling`; a train arriving by ship is
    unloaded, then cleared. Handling and customs work only in ``operating_hours`` in
    ``timezone`` (which must be the node's zone). ``source`` names the source of
    every figure; ``estimate`` states the method of each figure that is not
    published.
    """

    node: str = Field(min_length=1)
    name: str = Field(min_length=1)
    timezone: str
    operating_hours: OperatingHours = OperatingHours()
    handling: PortHandling
    customs_teams: StrictInt = Field(gt=0)
    clearance_h: Distribution
    storage_trains: StrictInt = Field(gt=0)
    source: str = Field(min_length=1)
    estimate: str | None = None

    _tz = field_validator("timezone")(classmethod(lambda cls, v: _check_timezone(v)))


@dataclass(frozen=True)
class Network:
    """A validated corridor network. Build it with :func:`landbridge.network.load_network`.

    ``nodes``, ``links`` and ``crossings`` map ids to records (read-only mappings);
    ``ports`` maps a seaport node id to its :class:`Port` (empty when the network has
    no ``ports.yaml``). ``source`` is the directory or description it was loaded from.
    """

    nodes: Mapping[str, Node]
    links: Mapping[str, Link]
    crossings: Mapping[str, BorderCrossing]
    source: str = "<memory>"
    ports: Mapping[str, Port] = field(default_factory=dict)
    _crossing_by_link: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", MappingProxyType(dict(self.nodes)))
        object.__setattr__(self, "links", MappingProxyType(dict(self.links)))
        object.__setattr__(self, "crossings", MappingProxyType(dict(self.crossings)))
        object.__setattr__(self, "ports", MappingProxyType(dict(self.ports)))
        object.__setattr__(
            self,
            "_crossing_by_link",
            MappingProxyType({c.link: c.id for c in self.crossings.values()}),
        )

    def __reduce__(self):
        # read-only mapping proxies do not pickle; rebuild from plain dicts
        return (Network, (dict(self.nodes), dict(self.links), dict(self.crossings),
                          self.source, dict(self.ports)))

    def in_service(self, day: date) -> tuple["Network", tuple[tuple[str, str, date], ...]]:
        """The network as it stood on ``day``: links and crossings whose
        ``in_service_from`` is later are left out, and so is a crossing's border link
        when the crossing is not yet in service (and the crossing when its link is not).

        Returns
        -------
        (Network, tuple)
            The network (this one when nothing is left out) and what was left out, as
            ``(kind, id, in_service_from)`` with kind ``"link"`` or ``"crossing"``, in id
            order within each kind.
        """
        late_links = {lid: l.in_service_from for lid, l in self.links.items()
                      if l.in_service_from is not None and l.in_service_from > day}
        late_crossings = {cid: c.in_service_from for cid, c in self.crossings.items()
                          if c.in_service_from is not None and c.in_service_from > day}
        if not late_links and not late_crossings:
            return self, ()
        drop_links = set(late_links) | {self.crossings[c].link for c in late_crossings}
        drop_crossings = set(late_crossings) | {c.id for c in self.crossings.values()
                                                if c.link in drop_links}
        left = tuple([("link", lid, d) for lid, d in sorted(late_links.items())]
                     + [("crossing", cid, d) for cid, d in sorted(late_crossings.items())])
        net = Network(nodes=self.nodes,
                      links={k: v for k, v in self.links.items() if k not in drop_links},
                      crossings={k: v for k, v in self.crossings.items()
                                 if k not in drop_crossings},
                      source=self.source, ports=self.ports)
        return net, left

    def crossing_on_link(self, link_id: str) -> BorderCrossing | None:
        """The border crossing point that uses ``link_id``, if any."""
        cid = self._crossing_by_link.get(link_id)
        return self.crossings[cid] if cid else None

    def resolve(self, name: str) -> str:
        """Return the node id that ``name`` denotes, matching id, name or alias
        case-insensitively (a unique prefix of a name also matches).

        Raises
        ------
        UnknownNameError
            When nothing (or more than one node) matches; the message suggests the closest names.
        """
        key = name.strip().casefold()
        if not key:
            raise UnknownNameError("an empty name matches no node; give an id or a name")
        index = self.__dict__.get("_exact_names")
        if index is None:  # built once: compile resolves thousands of names (issue 13)
            index = {}
            for node in self.nodes.values():
                for n in dict.fromkeys(x.casefold() for x in (node.id, node.name,
                                                              *node.aliases)):
                    index.setdefault(n, []).append(node.id)
            object.__setattr__(self, "_exact_names", index)
        exact: list[str] = list(index.get(key, ()))
        if len(exact) == 1:
            return exact[0]
        prefix = sorted(
            {
                node.id
                for node in self.nodes.values()
                if any(n.casefold().startswith(key) for n in (node.name, *node.aliases))
            }
        )
        if len(exact) == 0 and len(prefix) == 1:
            return prefix[0]
        if len(exact) > 1 or len(prefix) > 1:
            ids = sorted(set(exact) or set(prefix))
            raise UnknownNameError(f"{name!r} is ambiguous: it matches " + ", ".join(
                f"{self.nodes[i].name} ({i})" for i in ids) + "; give the id")
        # every spelling of a node (id, name, aliases, the name's words: "Istanbul" of
        # "Istanbul (Halkalı)") is matched; each node is suggested once
        spellings = {n: f"{node.name} ({node.id})" for node in self.nodes.values()
                     for n in (node.id, node.name, *node.aliases,
                               *re.split(r"[\s(),/]+", node.name)) if len(n) > 1}
        close = close_matches(key, spellings)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownNameError(f"no node named {name!r} in the network.{hint}")

    def countries(self) -> list[str]:
        """Sorted ISO codes of the countries the network touches."""
        return sorted({n.country for n in self.nodes.values()})
