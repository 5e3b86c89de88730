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


def test_weekly_volume_matches_the_erai_2021_level(default_120d):
    """Dispatched TEU per week equal the scenario's demand: 7,874 westbound + 4,014
    eastbound (ERAI 2021) + 260 Middle Corridor = 12,148 TEU/week, within the rounding
    of whole trains."""
    result, _ = default_120d
    weeks = 120 / 7
    assert result.end.dispatched_teu / weeks == pytest.approx(12_148, rel=0.02)


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
