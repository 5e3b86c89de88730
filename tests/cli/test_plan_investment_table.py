"""The plan command's investment table: one ranking, no ranks for candidates that change
nothing, and one sentence that says what to do."""

from types import SimpleNamespace

from landbridge.cli.plan_cmd import investment_advice, print_investments


def _inv(id, name, cost, gain, saving_week, rank):
    return SimpleNamespace(id=id, name=name, cost_usd=cost, throughput_gain_teu_per_week=gain,
                           saving_usd_per_week=saving_week,
                           saving_usd_per_year_per_usd=saving_week * 52 / cost,
                           rank_saving=rank, simulation=None)


def _result(invs, binding=()):
    return SimpleNamespace(investments=invs, binding=lambda: [{"label": b} for b in binding])


def test_the_best_candidate_is_recommended_against_the_next():
    a = _inv("a", "Pre-declaration at Dostyk", 2e6, 0.0, 20_000, 1)   # 0.52 USD/yr per USD
    b = _inv("b", "Second ferry Aktau–Alat", 4e7, 120.0, 40_000, 2)  # 0.052
    c = _inv("c", "24 h at Bakhty", 1.5e6, 0.0, 0.0, 3)
    assert investment_advice(_result([b, c, a])) == (
        "Recommended: Pre-declaration at Dostyk — USD 0.52 a year saved per USD invested "
        "(USD 1,040,000/yr for USD 2,000,000, no extra TEU by rail); 10.0 × the return of "
        "the next, Second ferry Aktau–Alat.")


def test_no_ranks_and_the_binding_limit_when_nothing_changes_the_plan(capsys):
    invs = [_inv("a", "Track at Dostyk", 1.5e7, 0.0, 0.0, 1),
            _inv("b", "24 h at Bakhty", 1.5e6, 0.0, 0.0, 2)]
    result = _result(invs, binding=["Kuryk–Alat ferry: sailings"])
    assert investment_advice(result) == (
        "No candidate investment changes the plan at this demand: the binding limit is "
        "Kuryk–Alat ferry: sailings. Add a candidate on that element (investments+: in a "
        "what-if).")
    print_investments(result)
    rows = [line for line in capsys.readouterr().out.splitlines() if "(a)" in line or "(b)" in line]
    assert len(rows) == 2 and all(line.split("│")[1].strip() == "–" for line in rows)


def _checked(gain_lp, sim_mean, ci):
    from landbridge.planning.investments import SimCheck

    r = _inv("f", "Second ferry Kuryk–Alat", 4e7, gain_lp, 40_000, 1)
    r.simulation = SimCheck(3, 60.0, sim_mean, ci, None, None)
    return r


def test_a_simulation_that_contradicts_the_lp_is_flagged_in_the_recommendation():
    # the fresh-user case: LP +1,524 TEU/week, simulated −48.8 ± 87.9 (sign differs,
    # and the interval −136.7..39.1 excludes 1,524)
    line = investment_advice(_result([_checked(1524.0, -48.8, 87.9)]))
    assert line.startswith("Recommended: Second ferry Kuryk–Alat")
    assert ("The simulation check disagrees: -48.8 ± 87.9 TEU/week delivered (3 paired "
            "replications of 60 days) against the LP's +1,524.0. Believe the simulation"
            in line)
    assert "static bound on average capacity" in line and "queues" in line


def test_an_interval_excluding_the_lp_figure_is_flagged_and_an_agreeing_one_is_not():
    # same sign, but 500 ± 100 excludes 1,524
    assert "disagrees: +500.0 ± 100.0" in investment_advice(_result([_checked(1524.0, 500, 100)]))
    # 1,450 ± 100 contains 1,524: no flag
    assert "disagrees" not in investment_advice(_result([_checked(1524.0, 1450, 100)]))
    # an opposite sign inside the interval is noise: cre-2024's pre-declaration, LP 0
    # (it saves time, not capacity) against a simulated -11.2 ± 31.5 (-42.7..20.3)
    assert "disagrees" not in investment_advice(_result([_checked(0.0, -11.2, 31.5)]))
    # ... but an interval on one side of an LP 0 is not: -50 ± 20 (-70..-30)
    assert "disagrees: -50.0 ± 20.0" in investment_advice(_result([_checked(0.0, -50, 20)]))
    # one replication (no interval): the sign decides where the LP moves throughput
    assert "disagrees" not in investment_advice(_result([_checked(120.0, 3.0, None)]))
    assert "disagrees: +0.0 TEU/week" in investment_advice(_result([_checked(120.0, 0.0, None)]))
    assert "disagrees" not in investment_advice(_result([_checked(0.0, -8.0, None)]))
