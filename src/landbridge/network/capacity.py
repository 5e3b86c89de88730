"""Static capacity of border crossing points, line sections, ferries and road posts.

Static capacity is the long-run service rate of each stage with no randomness: a stage
with ``n`` parallel servers, each busy ``s`` hours per train and open ``H`` hours a day,
passes ``n * H / s`` trains a day (the deterministic bound of queueing theory: a queue
is stable only if the arrival rate is below it; Kleinrock, *Queueing Systems* vol. 1,
1975, §2). A crossing's capacity is the smallest of its stages; that stage is the
*binding element*.

All capacities here are per direction, as the simulator models every stage of a
crossing (receiving yard, inspection teams, transshipment tracks) separately for each
direction of travel.
"""

from __future__ import annotations

from dataclasses import dataclass

from landbridge.network.model import BorderCrossing, DepartureRule, Link, Mode, Port

__all__ = ["StageCapacity", "crossing_capacity", "link_capacity_trains_per_day",
           "ferry_capacity_teu_per_day", "ferry_background_wagons_per_day",
           "ferry_weather_availability", "port_capacity"]


@dataclass(frozen=True)
class StageCapacity:
    """Capacity of one crossing per direction: ``trains_per_day`` (or trucks), the
    ``binding`` stage name and every stage's value in ``stages``."""

    crossing: str
    trains_per_day: float
    teu_per_day: float
    binding: str
    stages: dict[str, float]


def crossing_capacity(crossing: BorderCrossing, containers: int = 44,
                      teu_per_container: float = 2.0) -> StageCapacity:
    """Static capacity of ``crossing`` for trains of ``containers`` boxes.

    Stages (rail): ``receiving yard`` (tracks × 24 h / mean dwell in the yard, the yard
    being held through clearance, handover and transshipment), ``inspection teams``
    (teams × open hours / mean clearance), ``handover`` (unlimited: no resource),
    ``cranes``/``transshipment tracks`` (tracks × open hours / transshipment time),
    and the agreed cap ``max trains/day``. Road posts: ``lanes`` (lanes × open hours /
    mean processing) and ``max trucks/day``; ``teu_per_day`` then assumes one FEU per
    truck (2 TEU).

    Returns
    -------
    StageCapacity
    """
    hours = crossing.operating_hours.hours_per_day
    stages: dict[str, float] = {}
    if crossing.mode == "road":
        assert crossing.lanes is not None and crossing.truck_processing_h is not None
        stages["lanes"] = crossing.lanes * hours / crossing.truck_processing_h.mean()
        if crossing.max_trucks_per_day is not None:
            stages["max trucks/day"] = crossing.max_trucks_per_day
        binding = min(stages, key=lambda k: (stages[k], k))
        return StageCapacity(crossing.id, stages[binding], stages[binding] * 2.0, binding, stages)
    assert crossing.clearance_h is not None
    assert crossing.inspection_teams is not None and crossing.receiving_yard_tracks is not None
    dwell = crossing.mean_dwell_h(containers)
    # the yard is also held through closed hours: scale dwell by 24 / open hours
    stages["receiving yard"] = crossing.receiving_yard_tracks * 24.0 / (dwell * 24.0 / hours)
    stages["inspection teams"] = crossing.inspection_teams * hours / crossing.clearance_h.mean()
    t = crossing.transshipment
    if t is not None:
        stages["transshipment"] = t.tracks * hours / t.duration_h(containers)
    if crossing.max_trains_per_day is not None:
        stages["max trains/day"] = crossing.max_trains_per_day
    binding = min(stages, key=lambda k: (stages[k], k))
    trains = stages[binding]
    return StageCapacity(crossing.id, trains, trains * containers * teu_per_container, binding,
                         stages)


def link_capacity_trains_per_day(link: Link) -> float | None:
    """Trains per day per direction of a rail link (``None`` for other modes); for a
    ferry the sailings per day."""
    if link.mode is Mode.rail:
        return link.capacity_trains_per_day
    if link.mode is Mode.ferry and link.sailings_per_week:
        return link.sailings_per_week / 7.0
    return None


def ferry_background_wagons_per_day(link: Link) -> float:
    """Mean wagons per day per direction of a ferry's other traffic over a 365-day year
    (the sum of ``background_wagons_by_month`` / 365); 0 for other links or without."""
    if link.mode is not Mode.ferry or link.background_wagons_by_month is None:
        return 0.0
    return sum(link.background_wagons_by_month) / 365.0


def ferry_capacity_teu_per_day(link: Link, teu_per_wagon: float = 2.0) -> float | None:
    """TEU per day per direction of a ferry link left to containers: sailings/day ×
    capacity per sailing (TEU, or wagons × ``teu_per_wagon`` when only wagons are
    given), less the wagon slots its other traffic takes on average
    (:func:`ferry_background_wagons_per_day` × ``teu_per_wagon``, never below 0)."""
    if link.mode is not Mode.ferry or not link.sailings_per_week:
        return None
    per_sailing = link.capacity_teu_per_sailing
    if per_sailing is None and link.capacity_wagons_per_sailing is not None:
        per_sailing = link.capacity_wagons_per_sailing * teu_per_wagon
    if per_sailing is None:
        return None
    per_day = link.sailings_per_week / 7.0
    teu = per_day * per_sailing
    background = ferry_background_wagons_per_day(link)
    if background > 0.0 and link.capacity_wagons_per_sailing is not None:
        wagons_left = max(per_day * link.capacity_wagons_per_sailing - background, 0.0)
        teu = min(teu, wagons_left * teu_per_wagon)
    return teu


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def ferry_weather_availability(link: Link, month: int | None = None) -> float:
    """Share (0–1] of a ferry's nominal sailings that weather leaves, in calendar
    ``month`` (1–12) or averaged over a 365-day year (``None``).

    With ``p`` the month's cancellation probability: a timetabled sailing that is
    weather-bound is lost (its cargo waits for the next departure), so ``1 − p`` of
    the sailings leave; an unscheduled (``when_loaded``) vessel that is weather-bound
    waits ``weather_retry_h`` and tries again, so the number of failed attempts per
    departure is geometric with mean ``p / (1 − p)`` and a departure cycle of
    ``interval`` hours becomes ``interval + retry_h · p / (1 − p)``: availability
    ``interval / (interval + retry_h · p / (1 − p))``, ``interval = 168 /
    sailings_per_week``. Rail and road links, and ferries without weather figures,
    return 1.
    """
    if link.mode is not Mode.ferry or link.weather_cancellation_by_month is None:
        return 1.0

    def one(m: int) -> float:
        prob = link.cancellation_probability(m)
        if link.ferry_rule is DepartureRule.timetable:
            return 1.0 - prob
        assert link.sailings_per_week is not None
        interval = 168.0 / link.sailings_per_week
        retry = link.weather_retry_h or 24.0
        return interval / (interval + retry * prob / (1.0 - prob))

    if month is not None:
        return one(month)
    return sum(d * one(m) for m, d in enumerate(_DAYS_IN_MONTH, start=1)) / 365.0


def port_capacity(port: Port, containers: int) -> dict[str, float]:
    """Static capacity (trains/day, both directions together) of a port's stages for
    trains of ``containers`` boxes: ``handling`` = positions × open hours /
    (mean setup + containers / units_per_h) and ``customs`` = teams × open hours /
    mean clearance. A train passes each stage once per port call."""
    hours = port.operating_hours.hours_per_day
    h = port.handling
    handle_h = h.setup_h.mean() + containers / h.units_per_h
    return {"handling": h.positions * hours / handle_h,
            "customs": port.customs_teams * hours / port.clearance_h.mean()}
