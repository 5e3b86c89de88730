"""The crossing as a queue: analytic M/M/c results (Erlang C and the M/M/c tail)."""

import pytest

from mini import crossing_times, one_crossing_network, run
from queueing import mmc_p_at_least, mmc_wq

LAMBDA_PER_H = 1.5
MU_PER_H = 1.0
TEAMS = 2
HORIZON_D = 1200
WARMUP_D = 20


def _poisson_service(teu=2):
    return [{"id": "S", "origin": "A", "destination": "C",
             "departures_per_week": LAMBDA_PER_H * 168, "arrival_process": "poisson",
             "teu_per_train": teu}]


@pytest.mark.slow
def test_mean_wait_matches_erlang_c(tmp_path):
    net = one_crossing_network(tmp_path / "n", inspection_teams=TEAMS,
                               clearance_h={"kind": "exponential", "mean": 1 / MU_PER_H})
    result, _ = run(net, horizon_days=HORIZON_D, warmup_days=WARMUP_D, seed=11,
                    services=_poisson_service())
    p = crossing_times(result)
    p = p[p.arrive >= WARMUP_D * 24]
    wait = (p.clearance_start - p.arrive).mean()
    expected = mmc_wq(TEAMS, LAMBDA_PER_H, MU_PER_H)  # 9/7 h = 1.2857 h
    assert expected == pytest.approx(9 / 7)
    assert wait == pytest.approx(expected, rel=0.05)


@pytest.mark.slow
def test_finite_yard_blocking_probability(tmp_path):
    """A yard of K tracks with c teams: an arriving train finds the yard full with the
    probability that an M/M/c system holds K or more trains (PASTA). In landbridge a
    blocked train is not lost, it waits upstream, so the blocking probability of the
    yard is the M/M/c tail P(N >= K) rather than the M/M/c/K loss probability."""
    k = 4
    net = one_crossing_network(tmp_path / "n", inspection_teams=TEAMS, receiving_yard_tracks=k,
                               clearance_h={"kind": "exponential", "mean": 1 / MU_PER_H})
    result, _ = run(net, horizon_days=HORIZON_D, warmup_days=WARMUP_D, seed=12,
                    services=_poisson_service())
    p = crossing_times(result)
    p = p[p.arrive >= WARMUP_D * 24]
    blocked = ((p.yard_in - p.arrive) > 1e-9).mean()
    expected = mmc_p_at_least(k, TEAMS, LAMBDA_PER_H, MU_PER_H)
    assert expected == pytest.approx(0.3616, abs=1e-4)
    assert blocked == pytest.approx(expected, rel=0.05)
