"""The planner's fluid model and LP costing honour a ``capacity_scale`` for one side of
a crossing: the other side's queue and capacity are those without the window."""

import numpy as np
import pytest
from directed_net import cut, directed_net, directed_scenario

from landbridge.planning.assignment import Adjustments, _capacity_factor
from landbridge.planning.capacity import Stage
from landbridge.planning.fluid import run_fluid
from landbridge.scenario import compile_scenario


def _queues(net, disruptions):
    run = run_fluid(compile_scenario(directed_scenario(disruptions), net))
    return {k[2]: q for k, q in run.queues.items() if k[:2] == ("crossing", "B-C")}


def test_fluid_queue_only_on_the_cut_side(tmp_path):
    """24 trains a day each way against a cap of 24: no queue; 6 a day on a_to_b for a
    day: 24 − 6 = 18 trains of 2 TEU wait there at the window's end, b_to_a none."""
    net = directed_net(tmp_path / "n")
    base = _queues(net, [])
    one_side = _queues(net, [cut("a_to_b")])
    assert base["a_to_b"].max() == pytest.approx(0.0, abs=1e-6)
    assert one_side["a_to_b"].max() == pytest.approx(18 * 2.0, rel=0.05)
    np.testing.assert_allclose(one_side["b_to_a"], base["b_to_a"])


def test_lp_adjustment_for_one_side():
    adj = Adjustments({("crossing", "B-C", "a_to_b"): 0.25})

    def stage(direction):
        return Stage(element_type="crossing", element="B-C", name="B-C", direction=direction,
                     from_node="B", to_node="C", stage="acceptance", unit="trains",
                     units_per_day=24.0, teu_per_day=48.0)

    assert _capacity_factor(stage("a_to_b"), adj) == 0.25
    assert _capacity_factor(stage("b_to_a"), adj) == 1.0


def test_affected_traffic_of_a_one_side_cut(tmp_path):
    """Each service: its trains in the 3-day horizon × 2 TEU / (3/7) weeks (≈ 336 TEU a
    week at 168 trains a week); a cut on a_to_b counts the westbound service only."""
    from landbridge.planning.disruptions import _affected_teu_per_week

    compiled = compile_scenario(directed_scenario([]), directed_net(tmp_path / "n"))
    both = _affected_teu_per_week(compiled, "crossing", "B-C")
    west = _affected_teu_per_week(compiled, "crossing", "B-C", "a_to_b")
    east = _affected_teu_per_week(compiled, "crossing", "B-C", "b_to_a")
    per_week = {s.id: len(s.departures_h) * 2.0 / (3.0 / 7.0) for s in compiled.services}
    assert west == pytest.approx(per_week["W"]) and east == pytest.approx(per_week["E"])
    assert 300 < west < 340
    assert both == pytest.approx(west + east)
