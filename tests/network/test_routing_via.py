"""Via nodes, ports and corridors on a hand-made Caspian-like network.

    S -400 km @ 100 (4 h)- M -100 km @ 50 (2 h)- P1 ~ferry 20 h~ X -200 km @ 100 (2 h)- Z
                           M -50 km @ 50 (1 h)-  P2 ~ferry 18 h~ X
                          P1 -20 km @ 20 (1 h)-  P2

The fastest S→Z sails from P2: 4 + 1 + 18 + 2 = 25 h. Via P1 joined by fastest paths
would reach P1 (6 h), go back by rail to P2 (1 h) and sail from there (18 + 2 h): 27 h.
A via port is where the ferry leaves: S–M–P1 ~ X–Z, 6 + 20 + 2 = 28 h.
"""

import pytest
from netfactory import link, node, write

from landbridge.errors import NoRouteError
from landbridge.network import find_routes, load_network
from landbridge.network.routing import route_via


@pytest.fixture
def net(tmp_path):
    g = 1520
    nodes = [
        node("S", "KZ", 60.0, 45.0, kind="terminal", gauge=g, name="Source"),
        node("M", "KZ", 53.0, 44.0, gauge=g, name="Junction"),
        node("P1", "KZ", 51.0, 43.6, kind="seaport", gauge=g, name="Port One"),
        node("P2", "KZ", 51.5, 43.0, kind="seaport", gauge=g, name="Port Two"),
        node("X", "RU", 49.0, 42.0, kind="seaport", gauge=g, name="Far Port"),
        node("Z", "RU", 45.0, 42.0, kind="terminal", gauge=g, name="Sink"),
    ]
    ferry = dict(mode="ferry", sailings_per_week=7.0, capacity_wagons_per_sailing=50)
    links = [
        link("S-M", "S", "M", 400, speed=100, gauge=g),
        link("M-P1", "M", "P1", 100, speed=50, gauge=g),
        link("M-P2", "M", "P2", 50, speed=50, gauge=g),
        link("P1-P2", "P1", "P2", 20, speed=20, gauge=g),
        link("P1-X", "P1", "X", 300, running_time_h=20.0, **ferry),
        link("P2-X", "P2", "X", 280, running_time_h=18.0, **ferry),
        link("X-Z", "X", "Z", 200, speed=100, gauge=g),
    ]
    return load_network(write(tmp_path / "caspian", nodes, links, []))


def test_fastest_route_sails_from_the_nearer_port(net):
    (r,) = find_routes(net, "S", "Z")
    assert r.nodes == ("S", "M", "P2", "X", "Z")
    assert r.running_time_h == pytest.approx(25.0)
    assert r.ferries == ("P2-X",) and r.corridor == ("P2-X",)
    assert r.corridor_label == "P2-X" and r.to_dict()["corridor"] == "P2-X"


def test_a_via_port_is_where_the_ferry_leaves(net):
    r = route_via(net, ["S", "P1", "Z"])
    assert r.nodes == ("S", "M", "P1", "X", "Z")  # not S–M–P1–P2 ~ X–Z (27 h)
    assert r.running_time_h == pytest.approx(28.0)
    assert find_routes(net, "Source", "Sink", via=["Port One"])[0] == r


def test_a_via_port_is_where_the_ferry_lands_coming_from_the_sea(net):
    r = route_via(net, ["Z", "P1", "S"])
    assert r.nodes == ("Z", "X", "P1", "M", "S")  # not Z–X ~ P2–P1–M–S
    assert r.running_time_h == pytest.approx(28.0)


def test_a_via_station_is_joined_by_fastest_paths(net):
    r = route_via(net, ["S", "M", "Z"])
    assert r.nodes == ("S", "M", "P2", "X", "Z")


def test_ferries_tell_corridors_apart(net):
    routes = find_routes(net, "S", "Z", k=5)
    assert [r.corridor for r in routes] == [("P2-X",), ("P1-X",)]
    assert [r.running_time_h for r in routes] == pytest.approx([25.0, 28.0])


def test_via_errors_are_plain(net):
    with pytest.raises(NoRouteError, match="same node"):
        find_routes(net, "S", "Z", via=["Z"])
    with pytest.raises(NoRouteError, match="at least an origin"):
        route_via(net, ["S"])


def test_bundled_middle_corridor_sails_from_the_port_it_names():
    net = load_network()
    aktau = route_via(net, ["XA", "KHG", "AKU", "IST"])
    kuryk = route_via(net, ["XA", "KHG", "KUR", "IST"])
    assert aktau.ferries == ("AKU-ALAT",) and kuryk.ferries == ("KUR-ALAT",)
    assert route_via(net, ["IST", "AKU", "KHG", "XA"]).ferries == ("AKU-ALAT",)


def test_bundled_chongqing_duisburg_alternatives_include_the_middle_corridor():
    net = load_network()
    # 18: each overland corridor comes three times, over Brest–Małaszewicze, Bruzgi–Kuźnica
    # and Svislach–Siemianówka, before the Caspian ferries
    routes = find_routes(net, "Chongqing", "Duisburg", k=18)
    assert len({r.corridor for r in routes}) == 18
    assert routes[0].corridor_label == "ASK-DST > BRE-MAL"
    caspian = [r for r in routes if {"KUR-ALAT", "AKU-ALAT"} & set(r.ferries)]
    assert caspian, [r.corridor for r in routes]
    assert all("BKS-GAR" in r.crossings for r in caspian)  # Azerbaijan–Georgia, no Russia
    assert not any(c in r.crossings for r in caspian for c in ("AKX-ILK", "BRE-MAL"))


@pytest.fixture
def loop(tmp_path):
    """A –1 h– X –1 h– Z, X –1 h– Y –10 h– Z, and a branch X –1 h– W (a dead end)."""
    g = 1520
    nodes = [node(i, "KZ", 50.0 + n, 45.0, kind="terminal", gauge=g, name=f"Place {i}")
             for n, i in enumerate("AXYZW")]
    links = [link(f"{a}-{b}", a, b, km, speed=100, gauge=g)
             for a, b, km in (("A", "X", 100), ("X", "Z", 100), ("X", "Y", 100),
                              ("Y", "Z", 1000), ("X", "W", 100))]
    return load_network(write(tmp_path / "loop", nodes, links, []))


def test_a_leg_does_not_go_back_through_an_earlier_leg(loop):
    r = route_via(loop, ["A", "Y", "Z"])
    assert r.nodes == ("A", "X", "Y", "Z")  # not A–X–Y–X–Z (4 h): 1 + 1 + 10 h
    assert r.running_time_h == pytest.approx(12.0)


def test_a_via_node_on_a_branch_is_left_the_way_the_train_came(loop):
    assert route_via(loop, ["A", "W", "Z"]).nodes == ("A", "X", "W", "X", "Z")


def test_a_leg_does_not_pass_a_later_via_point():
    """Moscow → Harbin via Grodekovo (the bundled demand row's route): the Chita →
    Grodekovo leg is shorter through Manzhouli, Harbin and Suifenhe (China) than on the
    Trans-Siberian link CHI-GRD (3,075 km), but the route comes back through Suifenhe
    and ends at Harbin, so that leg would cross into China and out again."""
    net = load_network()
    r = route_via(net, ["MOW", "UUD", "CHI", "GRD", "SFH", "HRB"])
    assert len(set(r.nodes)) == len(r.nodes)
    assert r.nodes[-4:] == ("CHI", "GRD", "SFH", "HRB") and "CHI-GRD" in r.links
    assert r.corridor == ("SFH-GRD",) and r.corridor_label == "SFH-GRD"


def test_a_corridor_names_a_crossing_passed_out_and_back_once():
    from landbridge.network.routing import route_from_nodes

    net = load_network()
    r = route_from_nodes(net, ["HRB", "SFH", "GRD", "SFH", "HRB"])
    assert r.crossings == ("SFH-GRD", "SFH-GRD")
    assert r.corridor == ("SFH-GRD",)
