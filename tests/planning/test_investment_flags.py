"""sim_disagrees per investment (and in its JSON dict), and which binding constraints
no candidate acts on. Hand-built rows."""

from landbridge.planning.investments import (InvestmentResult, SimCheck, policy_elements,
                                             sim_disagrees, unaddressed_binding)
from landbridge.scenario.schema import AddResources, Investment, LineCapacity, Operate24h


def _r(lp_gain, sim=None):
    return InvestmentResult("x", "X", 1e6, 50_000.0, lp_gain, 100.0, 0.0052, 192.3, 1, 1, sim)


def test_flag_per_investment_and_in_its_dict():
    # interval 23.2..107.0 excludes the LP's 0.0
    r = _r(0.0, SimCheck(3, 60.0, 65.1, 41.9, None, None))
    assert sim_disagrees(r) is True and r.to_dict()["sim_disagrees"] is True
    # -42.7..20.3 holds 0.0
    assert sim_disagrees(_r(0.0, SimCheck(3, 60.0, -11.2, 31.5, None, None))) is False
    # the interval's edge: |65.1 - 23.2| = 41.9 is inside
    assert sim_disagrees(_r(23.2, SimCheck(3, 60.0, 65.1, 41.9, None, None))) is False
    # one replication: opposite sign where the LP moves throughput
    assert sim_disagrees(_r(120.0, SimCheck(1, 60.0, -3.0, None, None, None))) is True
    assert sim_disagrees(_r(0.0, SimCheck(1, 60.0, -3.0, None, None, None))) is False
    assert sim_disagrees(_r(0.0)) is None and _r(0.0).to_dict()["sim_disagrees"] is None


def _inv(id, *policies):
    return Investment(id=id, name=id, cost_usd=1e6, policies=list(policies))


def _b(element, dual):
    return {"element": element, "dual_usd_per_week_per_teu_day": dual}


def test_leading_binding_rows_without_a_candidate():
    invs = [_inv("a", AddResources(crossing="ASK-DST", inspection_teams=1), Operate24h(crossing="TC-BKT")),
            _inv("b", LineCapacity(link="DST-AKT", capacity_trains_per_day=40))]
    assert policy_elements(invs[0]) == {"ASK-DST", "TC-BKT"}
    binding = [_b("AKT-MOI", 962.0), _b("KHG-ALT", 828.0), _b("ASK-DST", 300.0),
               _b("XYZ", 200.0)]
    assert [b["element"] for b in unaddressed_binding(binding, invs)] == ["AKT-MOI", "KHG-ALT"]
    assert unaddressed_binding(binding[2:], invs) == []
    # a binding row with no dual is not 'largest'
    assert unaddressed_binding([_b("AKT-MOI", 0.0)], invs) == []
    # no candidates at all: every positive-dual row leads
    assert len(unaddressed_binding(binding, [])) == 4
