"""`runs compare BASELINE_NAME RUN` picks the baseline's run made like RUN (same seed,
start date, horizon, replications), not whichever run of that scenario came last."""

from lb_runs import make_run

from landbridge.store import ResultsStore


def test_a_scenario_name_resolves_to_its_run_matching_the_other(tmp_path):
    base = tmp_path / "runs"
    matching = make_run(base, "tiny-5d", days=5.0)
    later_other = make_run(base, "tiny-3d", days=3.0)
    whatif = make_run(base, "whatif-5d", name="whatif", days=5.0)
    st = ResultsStore(tmp_path / "s.duckdb")
    ids = {p.name: st.record(p) for p in (matching, later_other, whatif)}
    manifest = st.run(ids["whatif-5d"])["manifest"]
    # by name alone the latest run of "tiny" is the 3-day one ...
    assert st.resolve("tiny") == ids["tiny-3d"]
    # ... but against the 5-day what-if, the 5-day run of "tiny" is the baseline
    assert st.resolve_matching("tiny", manifest) == ids["tiny-5d"]
    # an explicit run id is taken as given
    assert st.resolve_matching(ids["tiny-3d"], manifest) == ids["tiny-3d"]
