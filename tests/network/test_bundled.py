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
    routes = find_routes(net, "Chongqing", "Duisburg", k=3)
    assert len(routes) == 3
    assert len({r.corridor for r in routes}) == 3
    first = {r.corridor[0] for r in routes}
    assert {"ASK-DST", "KHG-ALT"} <= first
