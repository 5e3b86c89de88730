"""Every bundled candidate investment acts on the element its name refers to, and that
element carries some of its scenario's traffic (else the planner can only show zero gain,
as the Aktau–Alat ferry did while every Middle Corridor train sailed from Kuryk)."""

import re

import pytest

from landbridge.network.routing import find_routes, route_via
from landbridge.scenario import apply_policies, bundled_scenarios, compile_scenario, load_scenario
from landbridge.scenario.whatif import entry_id


def _short_names(node):
    return {node.name.split(" (")[0], *node.aliases}


def _mentioned(text, network):
    """Place word in ``text`` → the nodes it names (a whole-word match of a node's name
    without its parenthesis, or of an alias)."""
    found = {}
    for node in network.nodes.values():
        for name in _short_names(node):
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                found.setdefault(name, set()).add(node.id)
    # a name inside a longer mentioned name ("Alat" in "Port of Alat") is that one
    return {w: ids for w, ids in found.items()
            if not any(w != v and w in v for v in found)}


def _changed(network, investment):
    after = apply_policies(network, investment.policies)
    links = {i for i in network.links if after.links[i] != network.links[i]}
    crossings = {i for i in network.crossings if after.crossings[i] != network.crossings[i]}
    return links, crossings


def _ends(network, links, crossings):
    ends = {n for i in links for n in (network.links[i].from_node, network.links[i].to_node)}
    return ends | {n for i in crossings
                   for n in (network.crossings[i].station_a, network.crossings[i].station_b)}


def _used(scenario, network):
    """Links and crossings the scenario's trains and road flows use."""
    links: set[str] = set()
    specs = {(x.origin, x.destination, tuple(x.route) if isinstance(x.route, list) else x.route)
             for x in [*scenario.services, *scenario.demand]}
    for o, d, route in specs:
        r = (find_routes(network, o, d)[0] if route == "fastest"
             else route_via(network, list(route)))
        links |= set(r.links)
    crossings = {c.id for c in network.crossings.values() if c.link in links}
    return links, crossings | {f.crossing for f in scenario.road_flows}


def _network(name):
    """The scenario's network with its overrides and policies (compiled with one demand
    row: the routes of all of them are not needed here)."""
    scenario, path = load_scenario(name)
    one = scenario.model_copy(update={"demand": scenario.demand[:1], "services": []})
    return scenario, compile_scenario(one, file=path).network


@pytest.mark.parametrize("name", bundled_scenarios())
def test_every_investment_changes_the_element_it_is_named_after(name):
    scenario, network = _network(name)
    used_links, used_crossings = _used(scenario, network)
    in_force = {entry_id("policies", p.model_dump()) for p in scenario.policies}
    for inv in scenario.investments:
        again = in_force & {entry_id("policies", p.model_dump()) for p in inv.policies}
        assert not again, f"{inv.id}: {name} already has {sorted(again)} in force"
        links, crossings = _changed(network, inv)
        assert links or crossings, f"{inv.id} changes nothing"
        ends = _ends(network, links, crossings)
        words = _mentioned(inv.name, network)
        assert words, f"{inv.id}: its name {inv.name!r} names no place of the network"
        for word, ids in words.items():
            assert ids & ends, f"{inv.id}: names {word} but changes {sorted(links | crossings)}"
        named = set().union(*words.values())
        for element in links | crossings:
            assert _ends(network, {element} & links, {element} & crossings) & named, \
                f"{inv.id}: changes {element}, which its name {inv.name!r} does not mention"
        assert (links & used_links) or (crossings & used_crossings), \
            f"{inv.id}: {sorted(links | crossings)} carry none of {name}'s traffic"


def test_the_caspian_ferry_investment_is_on_the_ferry_the_middle_corridor_sails():
    scenario, network = _network("default")
    (inv,) = [i for i in scenario.investments if i.id == "caspian-ferry"]
    assert _changed(network, inv) == ({"AKU-ALAT"}, set())
    middle = [d for d in scenario.demand if isinstance(d.route, list) and "AKU" in d.route]
    assert middle
    assert {route_via(network, d.route).ferries for d in middle} == {("AKU-ALAT",)}
