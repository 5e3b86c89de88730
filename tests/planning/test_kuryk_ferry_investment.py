"""cre-2024's Kuryk–Alat ferry candidate: it adds sailings where the Middle Corridor's
2024 trains sail, at the sourced price of a Caspian rail ferry."""

from landbridge.network.routing import route_via
from landbridge.scenario import apply_policies, compile_scenario, load_scenario


def test_the_kuryk_ferry_adds_three_sailings_on_the_ferry_the_2024_trains_take():
    scenario, path = load_scenario("cre-2024")
    one = scenario.model_copy(update={"demand": scenario.demand[:1], "services": []})
    network = compile_scenario(one, file=path).network
    (inv,) = [i for i in scenario.investments if i.id == "kuryk-ferry"]
    # 132 M manat for two 56-railcar ferries (2016) at 1.60 AZN/USD
    assert inv.cost_usd == 132e6 / 1.60 / 2
    after = apply_policies(network, inv.policies)
    changed = {i for i in network.links if after.links[i] != network.links[i]}
    assert changed == {"KUR-ALAT"}
    assert after.links["KUR-ALAT"].sailings_per_week == network.links["KUR-ALAT"].sailings_per_week + 3
    kuryk = [d for d in scenario.demand if isinstance(d.route, list) and "KUR" in d.route]
    assert kuryk and all("KUR-ALAT" in route_via(network, d.route).ferries for d in kuryk)
