"""The bundled scenarios against published figures."""

import pytest

from landbridge.analysis import replication_kpis
from landbridge.scenario import compile_scenario, load_scenario, parse_scenario
from landbridge.simulation import simulate_replication


def _run(name, **changes):
    sc, path = load_scenario(name)
    if changes:
        data = sc.model_dump(mode="json", by_alias=True)
        data.update(changes)
        sc = parse_scenario(data, str(path))
    compiled = compile_scenario(sc, file=path)
    result = simulate_replication(compiled)
    return result, replication_kpis(result, compiled)


@pytest.fixture(scope="module")
def default_120d():
    return _run("default", horizon_days=120)


def test_transit_times_fall_in_published_range(default_120d):
    """China–Europe block trains take 12–18 days terminal to terminal (typical range of
    the CRE services, corridor fact sheet §3.2; Khorgos Gateway: 12–13 days to Europe,
    CFTS 2017); Yuxinou Chongqing–Duisburg 13–16 days (operator)."""
    _, k = default_120d
    od = k.od.set_index(["origin", "destination"])
    assert 13 <= od.loc[("CQ", "DUI"), "transit_mean_d"] <= 16
    westbound = od.loc[[("XA", "DUI"), ("CQ", "DUI"), ("CD", "LOD"), ("ZZ", "HAM"),
                        ("YW", "DUI")], "transit_mean_d"]
    assert westbound.between(12, 18).all(), westbound
    eastbound = od.loc[[("DUI", "XA"), ("DUI", "CQ"), ("HAM", "ZZ")], "transit_mean_d"]
    assert eastbound.between(12, 18).all(), eastbound


def test_weekly_volume_matches_the_2021_demand(default_120d):
    """Dispatched TEU equal the scenario's demand: the whole CRE of 2021 (1.46 M TEU, China
    State Railway Group) plus the China–Central Asia and Middle Corridor trains at the
    Xinjiang crossings, 1.89 M TEU a year (`scenario list`), within the rounding of whole
    trains."""
    from landbridge.network import load_network
    from landbridge.scenario.volumes import scenario_volumes

    result, _ = default_120d
    sc, _ = load_scenario("default")
    per_year = scenario_volumes(sc, load_network()).teu_per_year
    assert per_year == pytest.approx(1_888_000, rel=0.01)
    assert result.end.dispatched_teu == pytest.approx(per_year * 120 / 365, rel=0.02)


def test_pandemic_window_slows_alashankou_and_restored_does_not():
    """Aug–Oct 2021: Alashankou handed over 5–6 trains/day instead of 16 (Khabar 24 via
    RailFreight, 2021). Westbound trains then wait longer at ASK→DST than in the
    restored scenario, and its accepted trains/day during the window do not exceed the cap."""
    res_p, kp = _run("pandemic-2021")
    res_r, kr = _run("restored")
    wait = {name: k.crossings.set_index(["crossing", "direction"]).loc[("ASK-DST", "a_to_b"),
                                                                       "wait_mean_h"]
            for name, k in (("pandemic", kp), ("restored", kr))}
    assert wait["pandemic"] > 3 * wait["restored"]
    q = kp.queue_by_day
    window = q[(q.crossing == "ASK-DST") & (q.direction == "a_to_b")
               & (q.day >= 212 + 2) & (q.day < 304)]  # 1 Aug (day 212) to 31 Oct
    assert window.trains_accepted.mean() <= 16 * 0.344 + 0.2
