"""The scenario file schema (pydantic), exported as JSON Schema.

A scenario says what runs on the network and under which conditions: the time frame,
the trains (services, or demand in TEU/week turned into trains), road truck flows,
disruptions (closures, capacity and duration scaling, random failures), policies
(named levers on parameters), overrides of any link or crossing field, and the
candidate investments the planner ranks.

Times inside a scenario are either calendar dates/times (ISO 8601, UTC unless an offset
is given) or day offsets from ``start_date`` (``start_day``/``end_day``). Every record
forbids unknown keys.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timezone
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, field_validator, model_validator

from landbridge.network.distributions import Distribution, LogNormal

__all__ = [
    "Scenario",
    "cross_field_problems",
    "Service",
    "Demand",
    "RoadFlow",
    "Rerouting",
    "Reformation",
    "TrainDefaults",
    "Window",
    "Closure",
    "CapacityScale",
    "DurationScale",
    "RandomFailure",
    "Disruption",
    "PreDeclaration",
    "Operate24h",
    "AddResources",
    "ContactlessHandover",
    "AddSailings",
    "LineCapacity",
    "Policy",
    "Investment",
    "Overrides",
    "WEEKDAYS",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _not_a_number(v: Any) -> Any:
    """Refuse a number (or digits as text) where a date is expected: pydantic would read
    it as a Unix timestamp (``0`` → 1970-01-01, ``20210101`` → 1970-08-22)."""
    if isinstance(v, (int, float)) or (isinstance(v, str)
                                       and re.fullmatch(r"\s*[-+]?[0-9.]+\s*", v)):
        raise ValueError(f"{v!r} is a number; expected a date such as 2021-01-01 (or an ISO "
                         "date and time such as 2021-01-01T08:00Z)")
    return v


class _Rec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class TrainDefaults(_Rec):
    """Default train composition. ``teu_per_train`` TEU in ``containers`` boxes (most
    China–Europe boxes are 40 ft, so containers = TEU / 2 by default), one box per
    wagon. 41–50 FEU per train is typical (UTLC ERA 2018; CR 2012–2024); CR's
    average was 92–108 TEU per train in 2020–2024 (derived from CR totals)."""

    teu_per_train: StrictFloat = Field(default=88.0, gt=0)
    teu_per_container: StrictFloat = Field(default=2.0, gt=0, le=2)

    def containers(self, teu: float) -> int:
        """Containers (= wagons) for ``teu`` TEU, rounded up."""
        return max(1, math.ceil(teu / self.teu_per_container - 1e-9))


class Service(_Rec):
    """A recurring block-train path from ``origin`` to ``destination``.

    ``route`` is ``"fastest"`` or a list of node ids the train passes (at least the
    origin and destination; intermediate via-points are joined by fastest paths).
    The timetable is either ``weekdays`` × ``times`` (local time at the origin) or
    ``departures_per_week`` evenly spaced (fractions allowed: 0.5 = fortnightly).
    With ``arrival_process: poisson`` departures are instead a Poisson process of mean
    ``departures_per_week`` (demand-driven dispatch; also the M in M/M/c tests).
    """

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    origin: str
    destination: str
    route: Union[Literal["fastest"], list[str]] = "fastest"
    departures_per_week: StrictFloat | None = Field(default=None, gt=0, le=500)
    weekdays: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] | None = Field(
        default=None, min_length=1)
    times: list[time] = Field(default_factory=lambda: [time(8, 0)], min_length=1)
    teu_per_train: StrictFloat | None = Field(default=None, gt=0, le=400)
    first_departure_day: StrictFloat = Field(default=0.0, ge=0)
    arrival_process: Literal["timetable", "poisson"] = "timetable"
    formation: Literal["full", "tightest"] = "full"
    source: str | None = None

    @field_validator("times", mode="before")
    @classmethod
    def _times_are_text(cls, v: Any) -> Any:
        if isinstance(v, list):
            for x in v:
                if isinstance(x, (int, float)) and not isinstance(x, bool):
                    raise ValueError(
                        f"time {x!r} is a number; write times as quoted text, e.g. '08:00' "
                        "(unquoted 08:00 is read by YAML as a number of minutes)")
        return v

    @model_validator(mode="after")
    def _one_timetable(self) -> "Service":
        for name, values in (("weekdays", self.weekdays or []), ("times", self.times)):
            if len(set(values)) != len(values):
                raise ValueError(f"{name} repeat a value: {values}")
        if (self.departures_per_week is None) == (self.weekdays is None):
            raise ValueError("give exactly one of departures_per_week and weekdays")
        if self.arrival_process == "poisson" and self.departures_per_week is None:
            raise ValueError("a poisson service needs departures_per_week (its mean rate)")
        if isinstance(self.route, list) and len(self.route) < 2:
            raise ValueError("route needs at least origin and destination node ids")
        return self


class Demand(_Rec):
    """Weekly container demand between two nodes, turned into trains of
    ``teu_per_train`` (default from ``train``) at even headways."""

    origin: str
    destination: str
    teu_per_week: StrictFloat = Field(gt=0)
    route: Union[Literal["fastest"], list[str]] = "fastest"
    teu_per_train: StrictFloat | None = Field(default=None, gt=0, le=400)
    arrival_process: Literal["timetable", "poisson"] = "timetable"
    formation: Literal["full", "tightest"] = "full"
    source: str | None = None

    @model_validator(mode="after")
    def _route(self) -> "Demand":
        if isinstance(self.route, list) and len(self.route) < 2:
            raise ValueError("route needs at least origin and destination node ids")
        return self


class Rerouting(_Rec):
    """Operator policy: a train held at its origin whose expected wait exceeds
    ``max_wait_h`` (the crossing it waits for is closed for longer, or it has waited
    that long) is diverted to the next of its ``alternatives`` best other corridors that
    avoids that crossing and whose projected wait (the approach gate's projection of
    the queue at its first crossing) is shorter than the expected remaining wait where
    the train is held, else it waits on and is reconsidered every ``max_wait_h``
    hours (operators diverted trains between Alashankou and Khorgos and to the Middle
    Corridor in 2021–22); each diverted TEU costs
    ``cost_usd_per_teu`` (an operator's estimate: extra tariff and re-booking; at most
    100,000 USD, several times the price of flying a TEU's cargo, so that a slip of
    the exponent is refused instead of making the diversion cost infinite, which the
    run table then left blank)."""

    max_wait_h: StrictFloat = Field(gt=0, le=10000)
    cost_usd_per_teu: StrictFloat = Field(default=0.0, ge=0, le=100_000)
    alternatives: StrictInt = Field(default=2, ge=1, le=5)
    source: str | None = None


class Reformation(_Rec):
    """Operator policy at re-formation points (where the train-length limit drops):
    a buffer sends what it holds as a short train once its oldest box has waited
    ``max_hold_h`` hours, instead of waiting for a full train however long. ``nodes``
    sets the limit per re-formation point (node id: hours), overriding ``max_hold_h``
    there; a point with neither waits for full trains."""

    max_hold_h: StrictFloat | None = Field(default=None, gt=0, le=10000)
    nodes: dict[str, Annotated[StrictFloat, Field(gt=0, le=10000)]] = Field(
        default_factory=dict)
    source: str | None = None

    def max_hold_h_at(self, node: str) -> float | None:
        """The holding limit at ``node``: its entry in ``nodes`` if any, else
        ``max_hold_h``.

        Parameters
        ----------
        node : str
            A re-formation point's node id.

        Returns
        -------
        float or None
            Hours a box may wait before a short train leaves, or None (full trains
            only). Raises nothing.
        """
        return self.nodes.get(node, self.max_hold_h)


class RoadFlow(_Rec):
    """Trucks per day through a road border post in one direction (``a_to_b`` runs
    from the crossing's ``station_a`` to ``station_b``); Poisson arrivals."""

    crossing: str
    direction: Literal["a_to_b", "b_to_a"]
    trucks_per_day: StrictFloat = Field(gt=0)
    teu_per_truck: StrictFloat = Field(default=2.0, gt=0, le=3)
    source: str | None = None


class Window(_Rec):
    """A time window: ``start``/``end`` as calendar times or ``start_day``/``end_day``
    as day offsets from the scenario start."""

    start: datetime | date | None = None
    end: datetime | date | None = None
    start_day: StrictFloat | None = Field(default=None, ge=0)
    end_day: StrictFloat | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _complete(self) -> "Window":
        if (self.start is None) == (self.start_day is None):
            raise ValueError("give exactly one of start and start_day")
        if (self.end is None) == (self.end_day is None):
            raise ValueError("give exactly one of end and end_day")
        return self

    _dates_not_numbers = field_validator("start", "end", mode="before")(
        classmethod(lambda cls, v: _not_a_number(v)))

    def hours(self, start_date: date) -> tuple[float, float]:
        """(start_h, end_h) on the simulation clock (hours from ``start_date`` 00:00 UTC)."""
        origin = datetime(start_date.year, start_date.month, start_date.day, tzinfo=timezone.utc)

        def conv(value: datetime | date | None, day: float | None) -> float:
            if day is not None:
                return day * 24.0
            assert value is not None
            if not isinstance(value, datetime):
                value = datetime(value.year, value.month, value.day)
            if value.tzinfo is None:
                value = value.replace(tzinfo=timezone.utc)
            return (value - origin).total_seconds() / 3600.0

        return conv(self.start, self.start_day), conv(self.end, self.end_day)


class _Targeted(_Rec):
    target: str = Field(min_length=1, description="A border crossing, link or node id.")
    window: Window
    source: str | None = None
    id: str | None = None


class Closure(_Targeted):
    """The target is closed: no train enters a closed link, no work is done at a
    closed crossing (trains wait); a closed terminal dispatches no trains."""

    kind: Literal["closure"] = "closure"


class CapacityScale(_Targeted):
    """Capacity of the target multiplied by ``factor`` (0 < factor): trains accepted per
    day at a crossing (2021 pandemic limits), trains per day on a link.

    ``direction`` (crossings only) limits the measure to one side of the crossing:
    ``a_to_b`` from ``station_a`` to ``station_b`` as the network file declares them,
    ``b_to_a`` the other way; omitted, both directions are scaled."""

    kind: Literal["capacity_scale"] = "capacity_scale"
    factor: StrictFloat = Field(gt=0, le=10)
    direction: Literal["a_to_b", "b_to_a"] | None = None


class DurationScale(_Targeted):
    """Service times at a crossing (clearance, handover, transshipment) or running
    time on a link multiplied by ``factor`` (e.g. disinfection, contactless handover)."""

    kind: Literal["duration_scale"] = "duration_scale"
    factor: StrictFloat = Field(gt=0, le=100)


class RandomFailure(_Rec):
    """Random outages of a crossing's equipment: up times exponential with mean
    ``mtbf_h``, repairs exponential with mean ``mttr_h``; an outage closes the target."""

    kind: Literal["random_failure"] = "random_failure"
    target: str = Field(min_length=1)
    mtbf_h: StrictFloat = Field(ge=0.1)
    mttr_h: StrictFloat = Field(gt=0)
    source: str | None = None
    id: str | None = None


Disruption = Annotated[
    Union[Closure, CapacityScale, DurationScale, RandomFailure], Field(discriminator="kind")
]


class LoadingStop(_Rec):
    """A dated demand measure: no train is loaded at its origin while ``window`` lasts
    for a service whose route passes border crossing ``crossing`` in ``direction``
    (``a_to_b`` from its ``station_a`` to ``station_b``). The departures in the window
    are cancelled, not postponed (a shipper's box not loaded is not a train); a Poisson
    service's draws are unaffected. China Railway's loading stops are the case: e.g.
    no outgoing train loaded for Alashankou 25 Oct–1 Nov 2021 (RailFreight 2021-10-26).
    Unlike a disruption it leaves the crossing's capacity alone."""

    id: str | None = None
    crossing: str = Field(min_length=1)
    direction: Literal["a_to_b", "b_to_a"]
    window: Window
    source: str | None = None


class PreDeclaration(_Rec):
    """Electronic pre-declaration: clearance time at ``crossing`` × ``clearance_factor``
    (e.g. KZ "Tez Customs" e-transit in 30 min, KTZ 2023; China online pre-declaration
    clears outbound trains in ~20 min, Xinhua 2025)."""

    kind: Literal["pre_declaration"] = "pre_declaration"
    crossing: str
    clearance_factor: StrictFloat = Field(default=0.5, gt=0, le=1)
    source: str | None = None


class Operate24h(_Rec):
    """Round-the-clock operation at ``crossing``."""

    kind: Literal["operate_24h"] = "operate_24h"
    crossing: str
    source: str | None = None


class AddResources(_Rec):
    """Extra resources at ``crossing``: receiving-yard tracks, inspection teams,
    transshipment tracks, cranes per track; or a new cap on trains per day; road lanes."""

    kind: Literal["add_resources"] = "add_resources"
    crossing: str
    receiving_yard_tracks: StrictInt = Field(default=0, ge=0)
    inspection_teams: StrictInt = Field(default=0, ge=0)
    transshipment_tracks: StrictInt = Field(default=0, ge=0)
    cranes_per_track: StrictInt = Field(default=0, ge=0)
    lanes: StrictInt = Field(default=0, ge=0)
    max_trains_per_day: StrictFloat | None = Field(default=None, gt=0)
    max_trucks_per_day: StrictFloat | None = Field(default=None, gt=0)
    source: str | None = None


class ContactlessHandover(_Rec):
    """Contactless document handover (pandemic practice at Manzhouli, China Daily 2021):
    adds ``extra_handover_h`` to the handover at ``crossing``."""

    kind: Literal["contactless_handover"] = "contactless_handover"
    crossing: str
    extra_handover_h: StrictFloat = Field(gt=0, le=72)
    source: str | None = None


class AddSailings(_Rec):
    """More ferry sailings on ``link`` (e.g. a second ferry on the Caspian):
    ``sailings_per_week`` are added to the link's timetable."""

    kind: Literal["add_sailings"] = "add_sailings"
    link: str
    sailings_per_week: StrictFloat = Field(gt=0, le=100)
    source: str | None = None


class LineCapacity(_Rec):
    """A line upgrade on ``link`` (second track, signalling): new capacity in trains
    per day per direction and, optionally, a new commercial speed."""

    kind: Literal["line_capacity"] = "line_capacity"
    link: str
    capacity_trains_per_day: StrictFloat = Field(gt=0, le=1000)
    speed_kmh: StrictFloat | None = Field(default=None, gt=0, le=400)
    source: str | None = None


Policy = Annotated[
    Union[PreDeclaration, Operate24h, AddResources, ContactlessHandover, AddSailings,
          LineCapacity],
    Field(discriminator="kind"),
]


class Investment(_Rec):
    """A candidate investment for the planner: one or more policies and its cost."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    name: str
    cost_usd: StrictFloat = Field(gt=0)
    policies: list[Policy] = Field(min_length=1)
    source: str | None = None


class Overrides(_Rec):
    """Field overrides by id: ``links: {DST-AKT: {capacity_trains_per_day: 60}}``,
    ``crossings: {ASK-DST: {inspection_teams: 4}}``; validated against the record types."""

    links: dict[str, dict[str, Any]] = Field(default_factory=dict)
    crossings: dict[str, dict[str, Any]] = Field(default_factory=dict)


def cross_field_problems(data: dict) -> list[str]:
    """Whole-scenario checks on scenario data (validated or raw: malformed parts are
    skipped, the field checks report them): warm-up within the horizon, some traffic,
    unique service, disruption and investment ids, one road flow per post and
    direction, a start date in 1900–2200.

    Returns
    -------
    list of str
        One message per problem (empty when consistent).
    """
    out = []
    h, w = data.get("horizon_days"), data.get("warmup_days", 0.0)
    if (isinstance(h, (int, float)) and isinstance(w, (int, float))
            and not isinstance(h, bool) and w >= h):
        out.append(f"warmup_days ({w:g}) must be below horizon_days ({h:g})")
    if not any(data.get(k) for k in ("services", "demand", "road_flows")):
        out.append("no traffic: give services, demand or road_flows")
    for what, key in (("service", "services"), ("disruption", "disruptions"),
                      ("investment", "investments")):
        items = data.get(key)
        where: dict[str, list[str]] = {}
        for i, x in enumerate(items if isinstance(items, list) else []):
            if isinstance(x, dict) and x.get("id") is not None:
                where.setdefault(str(x["id"]), []).append(f"{key}[{i}].id")
        for ident, paths in sorted(where.items()):
            if len(paths) > 1:
                out.append(f"duplicate {what} id {ident!r} at {' and '.join(paths)}; "
                           "ids must be unique")
    flows = data.get("road_flows")
    keys = [(f.get("crossing"), f.get("direction")) for f in flows if isinstance(f, dict)] \
        if isinstance(flows, list) else []
    dup = sorted({f"{c} {d}" for c, d in keys if keys.count((c, d)) > 1})
    if dup:
        out.append(f"road_flows given twice for {', '.join(dup)}; give one flow per post "
                   "and direction")
    start = data.get("start_date")
    if isinstance(start, datetime):
        start = start.date()
    if isinstance(start, date) and not date(1900, 1, 1) <= start <= date(2200, 1, 1):
        out.append(f"start_date {start} outside 1900-01-01 … 2200-01-01")
    return out


class Scenario(_Rec):
    """A complete scenario. See the module docstring and the README's file formats.

    ``horizon_days`` of simulated time starting ``start_date`` 00:00 UTC; statistics
    ignore trains dispatched in the first ``warmup_days``. ``replications`` runs, seeds
    spawned from ``seed`` (numpy ``SeedSequence``). ``running_time_factor`` multiplies
    each run's uncontended running time (variability). ``network`` is a directory,
    relative to the scenario file, or omitted for the bundled corridor.

    ``planning_max_utilization`` is the share of each stage's static capacity the
    planner's LP may use (a margin against queueing; UIC Code 406, 2nd ed., 2013,
    recommends occupancy limits of about 75–85 %).

    Back-pressure: a train may start a run towards a border crossing only while fewer
    trains wait for the crossing's yard than ``approach_holding_trains`` + run length /
    ``line_storage_km_per_train``; otherwise it is held where it is (origin terminal,
    or the previous crossing's yard, which it keeps occupied), so congestion propagates
    backwards. 100 km per waiting train is an estimate: a block train can wait in a
    station's passing siding without blocking the line only at some stations, and most
    sidings are needed for the line's own traffic.
    """

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    description: str = ""
    year: StrictInt | None = Field(
        default=None, ge=1900, le=2200,
        description="The calendar year whose published traffic the scenario carries "
                    "(bundled year scenarios); informative, shown by `scenario list`.")
    start_date: date
    horizon_days: StrictFloat = Field(gt=0, le=3660)
    warmup_days: StrictFloat = Field(default=0.0, ge=0)
    seed: StrictInt = Field(default=20240101, ge=0, le=2**63 - 1)
    replications: StrictInt = Field(default=1, ge=1, le=10000)
    network: str | None = None
    train: TrainDefaults = TrainDefaults()
    running_time_factor: Distribution = LogNormal(mean=1.0, cv=0.08, min=0.85)
    approach_holding_trains: StrictInt = Field(default=6, ge=1, le=1000)
    line_storage_km_per_train: StrictFloat = Field(default=100.0, gt=0, le=100000)
    services: list[Service] = Field(default_factory=list)
    demand: list[Demand] = Field(default_factory=list)
    road_flows: list[RoadFlow] = Field(default_factory=list)
    disruptions: list[Disruption] = Field(default_factory=list)
    policies: list[Policy] = Field(default_factory=list)
    overrides: Overrides = Overrides()
    investments: list[Investment] = Field(default_factory=list)
    value_of_time_usd_per_teu_day: StrictFloat = Field(default=35.0, ge=0)
    planning_max_utilization: StrictFloat = Field(default=0.85, gt=0, le=1)
    sources: dict[str, str] = Field(default_factory=dict)
    rerouting: Rerouting | None = None
    reformation: Reformation | None = None
    loading_stops: list[LoadingStop] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        messages = cross_field_problems(self.model_dump())
        if messages:
            raise ValueError("; ".join(messages))
        return self

    @field_validator("start_date", mode="before")
    @classmethod
    def _start_is_a_date(cls, v: Any) -> Any:
        v = _not_a_number(v)
        if isinstance(v, datetime):
            if (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0) or v.tzinfo:
                raise ValueError(f"{v.isoformat()} has a time of day; start_date is a date "
                                 "(the simulation clock starts at 00:00 UTC), e.g. 2021-01-01")
            return v.date()
        return v

    @field_validator("running_time_factor")
    @classmethod
    def _factor_mean_near_one(cls, v):
        if not 0.5 <= v.mean() <= 2.0:
            raise ValueError(f"mean running-time factor {v.mean():.3g} outside [0.5, 2]")
        return v

    @property
    def horizon_h(self) -> float:
        """Simulated time in hours."""
        return self.horizon_days * 24.0

    @property
    def warmup_h(self) -> float:
        """Warm-up in hours (statistics start after it)."""
        return self.warmup_days * 24.0

    def start_datetime(self) -> datetime:
        """``start_date`` 00:00 UTC, the zero of the simulation clock."""
        d = self.start_date
        return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)

