"""Yearly volumes a scenario dispatches, per direction, without simulating it.

Used by ``landbridge scenario list`` and by the tests that check a year scenario against
the published totals of its year.
"""

from __future__ import annotations

from dataclasses import dataclass

from landbridge.scenario.schema import Scenario

__all__ = ["ScenarioVolumes", "scenario_volumes"]

_DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class ScenarioVolumes:
    """Trains and TEU a year the scenario's demand and services dispatch (timetable rate
    × 365 days), split by direction: westbound when the destination lies west of the
    origin (node longitude), as ``demand_scale`` defines it."""

    trains_westbound_per_year: float
    trains_eastbound_per_year: float
    teu_westbound_per_year: float
    teu_eastbound_per_year: float

    @property
    def trains_per_year(self) -> float:
        """Both directions."""
        return self.trains_westbound_per_year + self.trains_eastbound_per_year

    @property
    def teu_per_year(self) -> float:
        """Both directions."""
        return self.teu_westbound_per_year + self.teu_eastbound_per_year


def scenario_volumes(scenario: Scenario, network) -> ScenarioVolumes:
    """Trains and TEU a year of ``scenario`` per direction.

    Parameters
    ----------
    scenario : Scenario
    network : Network
        The scenario's network (node longitudes decide the direction).

    Returns
    -------
    ScenarioVolumes
        Rates are the timetable rates (``teu_per_week`` / TEU per train, or
        ``departures_per_week``) × 365/7; weekday timetables count their departures a
        week. A train carries ``teu_per_train`` rounded down to whole containers, as the
        compiled scenario loads it.

    Raises
    ------
    KeyError
        When an origin or destination is not a node id of ``network`` (a validated
        scenario never has one).
    """
    tr = scenario.train
    weeks = _DAYS_PER_YEAR / 7.0
    acc = {"W": [0.0, 0.0], "E": [0.0, 0.0]}

    def add(origin: str, destination: str, per_week: float, teu: float) -> None:
        boxes = max(1, int(teu // tr.teu_per_container))
        load = boxes * tr.teu_per_container
        west = network.nodes[destination].lon < network.nodes[origin].lon
        a = acc["W" if west else "E"]
        a[0] += per_week * weeks
        a[1] += per_week * weeks * load

    for d in scenario.demand:
        teu = d.teu_per_train or tr.teu_per_train
        add(d.origin, d.destination, d.teu_per_week / teu, teu)
    for s in scenario.services:
        teu = s.teu_per_train or tr.teu_per_train
        per_week = (s.departures_per_week if s.departures_per_week is not None
                    else len(s.weekdays or []) * len(s.times))
        add(s.origin, s.destination, per_week, teu)
    return ScenarioVolumes(acc["W"][0], acc["E"][0], acc["W"][1], acc["E"][1])
