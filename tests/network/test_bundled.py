"""The bundled real corridor dataset."""

import itertools

import networkx as nx
import pytest

from landbridge.network import Mode, NodeKind, find_routes, load_network, network_graph


@pytest.fixture(scope="module")
def net():
    return load_network()


def test_bundled_dataset_validates_and_is_large_enough(net):
    assert len(net.nodes) >= 60
    assert {"ASK-DST", "KHG-ALT", "BRE-MAL", "MZL-ZBK", "EHT-ZU"} <= set(net.crossings)
    assert any(c.mode == "road" for c in net.crossings.values())


def test_every_figure_has_a_source(net):
    for rec in itertools.chain(net.nodes.values(), net.links.values(), net.crossings.values()):
        assert rec.source.strip(), rec.id


def test_all_terminals_are_connected_by_rail_and_ferry(net):
    g = network_graph(net, (Mode.rail, Mode.ferry))
    terminals = [n.id for n in net.nodes.values() if n.kind is NodeKind.terminal]
    assert len(terminals) >= 15
    comp = nx.node_connected_component(g, terminals[0])
    assert set(terminals) <= comp


def test_chongqing_duisburg_via_alashankou_length_in_published_range(net):
    """China–Europe block trains run 9,800–11,200 km terminal to terminal (range of
    the CRE routes, e.g. Xi'an–Duisburg 9,908 km, 2022; Yuxinou Chongqing–Duisburg
    11,179 km, operator figure)."""
    routes = find_routes(net, "Chongqing", "Duisburg", k=5)
    via_ask = [r for r in routes if "ASK-DST" in r.crossings]
    assert via_ask, "no route via Alashankou–Dostyk among the 5 best"
    assert 9_800 <= via_ask[0].length_km <= 11_200
    # two gauge breaks: 1435→1520 at the Chinese border, 1520→1435 at Brest
    assert via_ask[0].gauge_breaks == 2


def test_k_best_corridors_are_distinct(net):
    routes = find_routes(net, "Chongqing", "Duisburg", k=4)
    assert len(routes) == 4
    assert len({r.corridor for r in routes}) == 4
    first = {r.corridor[0] for r in routes}
    assert {"ASK-DST", "KHG-ALT"} <= first
    # the Belarus–Poland gateways beside Brest–Małaszewicze are corridors of their own
    assert {"BRE-MAL", "GRO-KUZ", "SVL-SIE"} <= {r.corridor[-1] for r in routes}


def test_belarus_poland_gateways_are_gauge_break_crossings(net):
    """Bruzgi–Kuźnica and Svislach–Siemianówka change gauge (1520 → 1435) like Brest–
    Małaszewicze; Bruzgi's published container transshipment of 304 TEU/day (index1520)
    is ≈ 3 trains a day of 101 TEU."""
    for cid, a, b in (("GRO-KUZ", "GRO", "KUZ"), ("SVL-SIE", "SVL", "SIE")):
        c = net.crossings[cid]
        assert c.transshipment is not None
        assert (net.nodes[a].gauge_mm, net.nodes[b].gauge_mm) == (1520, 1435)
    assert net.crossings["GRO-KUZ"].max_trains_per_day == pytest.approx(304 / 101, abs=0.1)
    # Minsk → Warsaw: Brest stays the fastest gateway, Bruzgi–Kuźnica the next
    routes = find_routes(net, "Minsk", "Warsaw", k=2)
    assert [r.corridor for r in routes] == [("BRE-MAL",), ("GRO-KUZ",)]


def test_the_network_carries_no_ferry_background_of_its_own(net):
    """Background ferry wagons depend on a year's own container trains (published wagons
    less the scenario's container wagons), so they are set per year scenario; the network
    file says where."""
    assert all(link.background_wagons_by_month is None for link in net.links.values())
    assert "background_wagons_by_month" in (net.links["KUR-ALAT"].estimate or "")


def test_kaliningrad_feeders_sourced_sailings_and_derived_capacity(net):
    """KGS-MUK stands for the Kaliningrad/Baltiysk container feeders of 2020–21: 3 sailings
    a week (Baltic Sea Bridge Baltiysk–Mukran twice weekly + Kaliningrad–Rostock weekly)
    and a capacity per direction of at least half the 67,100 TEU the feeders carried in
    Jan–Sep 2021 (39 weeks): 67,100 / 39 / 2 / 3 = 286.8 TEU a sailing."""
    ferry = net.links["KGS-MUK"]
    assert ferry.sailings_per_week == 3.0
    assert ferry.capacity_teu_per_sailing == pytest.approx(67_100 / 39 / 2 / 3, abs=0.5)
    assert "Baltic Sea Bridge" in ferry.source and "Rostock" in ferry.source
    assert "67,100 TEU" in (ferry.estimate or "") and "intermodalnews 2021-10-19" in ferry.estimate


def test_iletsk_interchange_border_link_is_the_interchange_not_the_line(net):
    """Both railways exchange trains at Iletsk-1 (KTZ's processing figure is for Iletsk),
    so the crossing's border link is the ~5 km inside the interchange and the 221-km
    Aktobe–Iletsk line is an ordinary line section before it. The simulation holds a
    yard track over the border link; with the whole line as border link the yard capped
    the crossing at 6 × 24 / (2.25 + 1.0 + 221 / 40) = 16.4 trains/day."""
    c = net.crossings["AKX-ILK"]
    assert (c.station_a, c.station_b, c.link) == ("IKZ", "ILK", "IKZ-ILK")
    line, border = net.links["AKX-IKZ"], net.links["IKZ-ILK"]
    assert line.length_km + border.length_km == pytest.approx(221.0)  # Aktobe–Iletsk-1 unchanged
    assert border.base_running_time_h == pytest.approx(5.0 / 20.0)
    yard_h = c.clearance_h.mean() + c.handover_h.mean() + border.base_running_time_h
    assert yard_h == pytest.approx(2.25 + 1.0 + 0.25)
    # the yard (6 tracks) no longer binds below the 3 inspection teams (3 × 24 / 2.25 = 32)
    assert c.receiving_yard_tracks * 24.0 / yard_h == pytest.approx(144.0 / 3.5)
    assert c.inspection_teams * 24.0 / c.clearance_h.mean() == pytest.approx(32.0)
    assert c.receiving_yard_tracks * 24.0 / yard_h > c.inspection_teams * 24.0 / c.clearance_h.mean()
    # Dostyk → Moscow still crosses at Iletsk over the same 4,285 km
    route = find_routes(net, "DST", "MOW", k=1)[0]
    assert "AKX-ILK" in route.crossings
    assert route.length_km == pytest.approx(4285.0)
