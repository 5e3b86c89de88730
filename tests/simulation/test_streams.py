"""Random streams keyed by element names: common random numbers across scenarios."""

import numpy as np
from netfactory import two_corridor_network

from landbridge.analysis import ci95_halfwidth
from landbridge.network import load_network
from landbridge.scenario import compile_scenario, parse_scenario
from landbridge.simulation import simulate_replication

REPS = 8


def _scenario(seed, south_teams):
    return parse_scenario({
        "name": "crn", "start_date": "2025-01-01", "horizon_days": 30, "seed": seed,
        "overrides": {"crossings": {
            "B-C": {"clearance_h": {"kind": "exponential", "mean": 2.0}},
            "E-F": {"inspection_teams": south_teams,
                    "clearance_h": {"kind": "exponential", "mean": 2.0}}}},
        "services": [
            {"id": "N", "origin": "A", "destination": "D", "route": ["A", "B", "D"],
             "departures_per_week": 80, "arrival_process": "poisson"},
            {"id": "S", "origin": "A", "destination": "D", "route": ["A", "E", "D"],
             "departures_per_week": 80, "arrival_process": "poisson"}]})


def _transits(net, seed, teams, rep):
    r = simulate_replication(compile_scenario(_scenario(seed, teams), net), replication=rep)
    ev = r.events.to_pandas()
    dl = ev[ev.event == "deliver"]
    return ev, float((dl.time_h - dl.dispatch_h).mean())


def test_changing_one_crossing_leaves_the_other_elements_draws_unchanged(tmp_path):
    """Three inspection teams at E-F instead of two: every event of the north service
    (its dispatches, lines and crossing B-C) is the same, byte for byte."""
    net = load_network(two_corridor_network(tmp_path / "n"))
    a, _ = _transits(net, 7, 2, 0)
    b, _ = _transits(net, 7, 3, 0)
    cols = ["train", "event", "node", "time_h"]
    north_a = a[a.service == "N"][cols].reset_index(drop=True)
    north_b = b[b.service == "N"][cols].reset_index(drop=True)
    assert north_a.equals(north_b)
    assert not a[a.service == "S"].time_h.equals(b[b.service == "S"].time_h.reset_index(drop=True))


def test_paired_comparison_has_a_narrower_interval_than_unpaired(tmp_path):
    """The effect of a third team at E-F on mean transit, estimated from 8 replications
    per scenario: paired (same seeds in both scenarios, common random numbers) its 95 %
    interval is narrower than unpaired (independent seeds), because everything but
    E-F's service draws the same numbers (Law, *Simulation Modeling and Analysis*,
    5th ed., 2015, §11.2)."""
    net = load_network(two_corridor_network(tmp_path / "n"))
    base = [_transits(net, 100, 2, r)[1] for r in range(REPS)]
    same_seed = [_transits(net, 100, 3, r)[1] for r in range(REPS)]
    other_seed = [_transits(net, 200, 3, r)[1] for r in range(REPS)]
    paired = ci95_halfwidth(np.subtract(base, same_seed))
    # unpaired (Welch) half-width of the difference of two independent means
    var = np.var(base, ddof=1) / REPS + np.var(other_seed, ddof=1) / REPS
    unpaired = 1.96 * float(np.sqrt(var))
    assert paired < unpaired / 2
    # and both estimate the same effect: a third team shortens transits
    assert np.mean(np.subtract(base, same_seed)) > 0
