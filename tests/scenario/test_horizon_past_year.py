"""A --days horizon that runs past the end of the scenario's declared year gets a
note (cre-2021 starts 2021-01-01: 365 days end with the year, 400 reach 2022-02-05);
a scenario without a year gets none."""
from __future__ import annotations

from landbridge.scenario import load_scenario
from landbridge.workflow import compile_for_run


def _year_notes(notes):
    return [n for n in notes if "runs past the end of the scenario's year" in n]


def test_a_horizon_past_the_scenario_year_is_noted():
    _, notes = compile_for_run("cre-2021", horizon_days=400)
    assert _year_notes(notes) == [
        "horizon_days 400 runs past the end of the scenario's year 2021 (to 2022-02-05): "
        "its 2021 flows, capacities and measures continue unchanged"]
    _, notes = compile_for_run("cre-2021", horizon_days=365)  # ends at 2022-01-01 00:00
    assert _year_notes(notes) == []
    _, notes = compile_for_run("cre-2021", horizon_days=365.5)  # half a day into 2022
    assert len(_year_notes(notes)) == 1


def test_no_year_no_note():
    sc, _ = load_scenario("cre-2021")
    _, notes = compile_for_run(sc.model_copy(update={"year": None}), horizon_days=400)
    assert _year_notes(notes) == []
