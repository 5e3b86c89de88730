"""Issue 14 on the model side: zero service times, capacity windows without an agreed
cap, ferries that take less than one container."""

import pytest
from netfactory import crossing, link, node, write

from landbridge.errors import ScenarioError
from landbridge.network import load_network
from landbridge.network.distributions import Fixed
from landbridge.network.model import Network
from landbridge.scenario import compile_scenario
from landbridge.simulation import simulate_replication
from landbridge.simulation.accounting import side_capacity
from mini import crossing_times, one_crossing_network, run, scenario


def test_zero_service_time_is_instantaneous(tmp_path):
    """A crossing whose clearance takes no time has an unlimited control stage and
    passes trains at once (issue 14 item 2: no division by zero)."""
    net = one_crossing_network(tmp_path / "n")
    c = net.crossings["B-C"].model_copy(update={"clearance_h": Fixed(value=0.0)})
    assert side_capacity(c, 44) == (float("inf"), "teams")
    zero = Network(nodes=net.nodes, links=net.links, crossings={"B-C": c}, source="t")
    result = simulate_replication(compile_scenario(scenario(horizon_days=1, services=[
        {"id": "S", "origin": "A", "destination": "C", "departures_per_week": 42,
         "teu_per_train": 2}]), zero))
    p = crossing_times(result)
    assert ((p.cleared - p.clearance_start).abs() < 1e-9).all()


def test_capacity_scale_without_a_cap_slows_service_first_come_first_served(tmp_path):
    """One team, 1 h clearance, no agreed cap; trains every hour. A capacity window of
    0.25 from hour 24 to 48 makes clearance take 4 h there (issue 14 item 5): trains are
    still cleared in arrival order, and at most 6 + 1 start clearance in the window."""
    net = one_crossing_network(tmp_path / "n")
    result, _ = run(net, horizon_days=3, services=[
        {"id": "S", "origin": "A", "destination": "C", "departures_per_week": 168,
         "teu_per_train": 2}],
        disruptions=[{"kind": "capacity_scale", "target": "B-C", "factor": 0.25,
                      "window": {"start_day": 1, "end_day": 2}}])
    p = crossing_times(result).sort_values("arrive")
    starts = p.clearance_start.dropna().to_numpy()
    assert (starts[1:] >= starts[:-1]).all()  # first come, first served
    in_window = ((starts >= 24) & (starts < 48)).sum()
    assert in_window <= 7
    long = (p.cleared - p.clearance_start).round(6)
    assert set(long[(p.clearance_start >= 24) & (p.clearance_start < 48)]) == {4.0}


def test_a_ferry_below_one_container_is_refused_at_compile(tmp_path):
    """A ferry whose sailing takes less than one container would strand every train
    (issue 14 item 1): compile refuses it, naming the link."""
    nodes = [node("A", "KZ", 50, 44, kind="terminal", gauge=1520),
             node("P", "KZ", 51, 44, kind="seaport", gauge=1520),
             node("Q", "RU", 52, 44, kind="seaport", gauge=1520),
             node("B", "RU", 53, 44, kind="terminal", gauge=1520)]
    links = [link("A-P", "A", "P", 10, running_time_h=1.0, gauge=1520, cap=100),
             link("P-Q", "P", "Q", 300, mode="ferry", running_time_h=20.0,
                  sailings_per_week=7, capacity_teu_per_sailing=40.0),
             link("Q-B", "Q", "B", 10, running_time_h=1.0, gauge=1520, cap=100)]
    net = load_network(write(tmp_path / "n", nodes, links, []))
    tiny = net.links["P-Q"].model_copy(update={"capacity_teu_per_sailing": 1.0})
    net = Network(nodes=net.nodes, links={**net.links, "P-Q": tiny}, crossings={}, source="t")
    with pytest.raises(ScenarioError, match="ferry link P-Q takes less than one container"):
        compile_scenario(scenario(horizon_days=1, services=[
            {"id": "S", "origin": "A", "destination": "B", "departures_per_week": 7,
             "teu_per_train": 2}]), net)
