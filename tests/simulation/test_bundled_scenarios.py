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


@pytest.fixture(scope="module")
def restored_120d():
    return _run("restored", horizon_days=120)


def test_transit_times_fall_in_published_range(restored_120d):
    """China–Europe block trains take 12–18 days terminal to terminal (typical range of
    the CRE services, corridor fact sheet §3.2; Khorgos Gateway: 12–13 days to Europe,
    CFTS 2017); Yuxinou Chongqing–Duisburg 16 days (YUXINOU chairman via iChongqing
    2024-03-28), the 10,000th train 18 days (Xinhua 2022-07-12). The 2021 traffic without
    the pandemic measures (`restored`); with them (`default`) queues at Alashankou make
    the trains slower, as the `validate` scorecard shows."""
    _, k = restored_120d
    od = k.od.set_index(["origin", "destination"])
    assert 12 <= od.loc[("CQ", "DUI"), "transit_mean_d"] <= 18
    westbound = od.loc[[("XA", "DUI"), ("CQ", "DUI"), ("CD", "LOD"), ("ZZ", "HAM"),
                        ("YW", "DUI")], "transit_mean_d"]
    assert westbound.between(12, 18).all(), westbound
    eastbound = od.loc[[("DUI", "XA"), ("DUI", "CQ"), ("HAM", "ZZ")], "transit_mean_d"]
    assert eastbound.between(12, 18).all(), eastbound


def test_weekly_volume_matches_the_2021_demand(default_120d):
    """Dispatched TEU equal the scenario's demand: the whole CRE of 2021 (1.46 M TEU, China
    State Railway Group) plus the China–Central Asia and Middle Corridor trains at the
    Xinjiang crossings, 1.91 M TEU a year (`scenario list`), within one train per demand
    row (a row's first train leaves on day 0, so a short horizon rounds up)."""
    from landbridge.network import load_network
    from landbridge.scenario.volumes import scenario_volumes

    result, _ = default_120d
    sc, _ = load_scenario("default")
    per_year = scenario_volumes(sc, load_network()).teu_per_year
    assert per_year == pytest.approx(1_907_000, rel=0.01)
    # each of the ~200 services may start one train more or less than its rate × 120 days
    one_train_each = len(sc.demand) * 2 * sc.train.teu_per_train
    assert result.end.dispatched_teu == pytest.approx(per_year * 120 / 365, abs=one_train_each)


def _ask_dst_westbound_delay_h(result):
    """Mean hours a westbound train bound for Alashankou–Dostyk spends held at its
    origin for it plus waiting at the crossing before clearance."""
    ev = result.events.to_pandas()
    ask = ev[ev.crossing == "ASK-DST"]
    p = ask[ask.node == "ASK"].pivot_table(index="train", columns="event", values="time_h",
                                           aggfunc="first")
    held = ask[ask.event == "held"].groupby("train").time_h.first()  # held where it stood
    released = ask[ask.event == "released"].groupby("train").time_h.first()
    hold = (released - held.reindex(released.index)).reindex(p.index).fillna(0.0)
    return float((p.clearance_start - p.arrive + hold).mean())


def test_pandemic_window_slows_alashankou_and_restored_does_not():
    """Aug–Oct 2021: Alashankou handed over 5–6 trains/day instead of 16 (Khabar 24 via
    RailFreight, 2021). Westbound trains bound for ASK→DST are then delayed — held at
    their origins, as the approach has room for only a few, and queued at the crossing —
    far longer than in the restored scenario, and its accepted trains/day during the
    window do not exceed the cap. (Before issue 9 the delay was all queue at the
    crossing; now trains beyond the approach room wait at their origins.)"""
    res_p, kp = _run("pandemic-2021")
    res_r, kr = _run("restored")
    delay = {"pandemic": _ask_dst_westbound_delay_h(res_p),
             "restored": _ask_dst_westbound_delay_h(res_r)}
    assert delay["pandemic"] > 3 * delay["restored"]
    q = kp.queue_by_day
    window = q[(q.crossing == "ASK-DST") & (q.direction == "a_to_b")
               & (q.day >= 212 + 2) & (q.day < 304)]  # 1 Aug (day 212) to 31 Oct
    assert window.trains_accepted.mean() <= 16 * 0.344 + 0.2
