"""``loading_stops``: departures through a crossing in one direction cancelled in a window."""

import json
from datetime import date

import pytest
import yaml
from netfactory import two_corridor_network

from landbridge.errors import ScenarioError
from landbridge.scenario import compile_scenario, load_scenario

# A → D daily for 10 days: the south corridor A-E-F-D (crossing E-F, station_a E) is the faster
SCENARIO = {"name": "t", "start_date": "2025-01-01", "horizon_days": 10, "network": "n",
            "services": [{"id": "S", "origin": "A", "destination": "D",
                          "departures_per_week": 7}]}


def _departures(tmp_path, stops):
    two_corridor_network(tmp_path / "n")
    data = json.loads(json.dumps(SCENARIO))
    data["loading_stops"] = stops
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    sc, p = load_scenario(f)
    (plan,) = compile_scenario(sc, file=p).services
    assert plan.route.crossings == ("E-F",)
    return plan.departures_h


def _stop(crossing="E-F", direction="a_to_b"):
    return [{"id": "x", "crossing": crossing, "direction": direction,
             "window": {"start_day": 2, "end_day": 5}}]


def test_a_stop_cancels_the_departures_in_its_window(tmp_path):
    free = _departures(tmp_path, [])
    # daily departures: one a day at the same hour t0 < 24 h, so [48, 120) h holds exactly 3
    assert len(free) == 10
    stopped = _departures(tmp_path, _stop())
    assert len(stopped) == 7
    assert stopped == tuple(t for t in free if not 48 <= t < 120)


@pytest.mark.parametrize("crossing,direction", [("E-F", "b_to_a"), ("B-C", "a_to_b")])
def test_other_direction_or_crossing_is_not_stopped(tmp_path, crossing, direction):
    assert len(_departures(tmp_path, _stop(crossing, direction))) == 10


def test_unknown_crossing_is_named(tmp_path):
    with pytest.raises(ScenarioError) as e:
        _departures(tmp_path, _stop("E-X"))
    assert "loading_stops[0].crossing" in str(e.value)


def test_cre_2021_alashankou_stop():
    """RailFreight 2021-10-26: no outgoing train loaded for Alashankou 25 Oct – 1 Nov 2021."""
    sc, p = load_scenario("cre-2021")
    c = compile_scenario(sc, file=p)
    h0 = (date(2021, 10, 25) - date(2021, 1, 1)).days * 24.0
    h1 = h0 + 7 * 24.0
    west = [s for s in c.services if any(
        leg.crossing == "ASK-DST" and leg.from_node == "ASK" for leg in s.route.legs)]
    east = [s for s in c.services if any(
        leg.crossing == "ASK-DST" and leg.from_node == "DST" for leg in s.route.legs)]
    assert west and east
    assert not [t for s in west for t in s.departures_h if h0 <= t < h1]
    assert [t for s in west for t in s.departures_h if h1 <= t < h1 + 24]
    assert [t for s in east for t in s.departures_h if h0 <= t < h1]


def test_a_stop_outside_the_run_gets_a_note_and_cancels_nothing(tmp_path):
    two_corridor_network(tmp_path / "n")
    data = json.loads(json.dumps(SCENARIO))
    data["loading_stops"] = [{"id": "x", "crossing": "E-F", "direction": "a_to_b",
                              "window": {"start_day": 20, "end_day": 25}}]
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    sc, p = load_scenario(f)
    compiled = compile_scenario(sc, file=p)
    assert len(compiled.services[0].departures_h) == 10
    assert ("loading_stops[0] (E-F) lies outside the simulated period (2025-01-01 + 10 days): "
            "it has no effect") in compiled.notes
