"""Sweep files and parameter paths: validation with file/path messages, path semantics."""

from __future__ import annotations

import pytest
import yaml
from tinysweep import write_tiny

from landbridge.analysis import replication_kpis
from landbridge.errors import ScenarioError
from landbridge.runners import load_sweep, load_sweep_plan, parse_sweep
from landbridge.runners.params import PathError, parse_path, set_path
from landbridge.runners.sweepfile import KPI_COLUMNS, KPI_KEYS, Range, bundled_sweeps
from landbridge.simulation import simulate_replication


def test_parse_path_keys_and_indices():
    assert parse_path("policies[0].clearance_factor") == ["policies", 0, "clearance_factor"]
    assert parse_path("a[1][2].b") == ["a", 1, 2, "b"]
    assert parse_path("crossings.ASK-DST.transshipment.tracks") == [
        "crossings", "ASK-DST", "transshipment", "tracks"]
    for bad in ("", "a..b", "a[x]", "a[1"):
        with pytest.raises(PathError):
            parse_path(bad)


def test_set_path_copies_and_indexes():
    data = {"demand": [{"teu_per_week": 100.0}, {"teu_per_week": 200.0}], "horizon_days": 5}
    new = set_path(data, "demand[1].teu_per_week", 250.0)
    assert new["demand"][1]["teu_per_week"] == 250.0
    assert data["demand"][1]["teu_per_week"] == 200.0  # input untouched
    with pytest.raises(PathError, match="index 2 outside the list"):
        set_path(data, "demand[2].teu_per_week", 1.0)
    with pytest.raises(PathError, match="not a mapping"):
        set_path(data, "horizon_days.x", 1)


def test_shorthand_fills_structured_fields_from_the_network(tmp_path):
    from landbridge.network import load_network
    from netfactory import two_corridor_network

    net = load_network(two_corridor_network(tmp_path / "net"))
    new = set_path({"overrides": {"links": {}, "crossings": {}}},
                   "crossings.B-C.transshipment.tracks", 3, net)
    t = new["overrides"]["crossings"]["B-C"]["transshipment"]
    # only the addressed value changes; the rest comes from the network (netfactory)
    assert t == {"tracks": 3, "cranes_per_track": 2, "lifts_per_crane_h": 20.0,
                 "setup_h": 0.0, "method": "crane"}
    with pytest.raises(PathError, match="unknown crossing 'X-Y'"):
        set_path({"overrides": {}}, "crossings.X-Y.inspection_teams", 2, net)
    with pytest.raises(PathError, match="has no field 'trakcs'"):
        set_path({"overrides": {}}, "crossings.B-C.trakcs.x", 2, net)


def test_range_values_are_inclusive():
    assert Range.model_validate({"from": 4, "to": 8, "step": 2}).values() == [4, 6, 8]
    assert Range.model_validate({"from": 2.0, "to": 3.0, "step": 0.5}).values() == [2.0, 2.5, 3.0]
    assert Range.model_validate({"from": 0.1, "to": 0.3, "step": 0.1}).values() == [0.1, 0.2, 0.3]


def test_schema_problems_are_collected_with_paths():
    with pytest.raises(ScenarioError) as e:
        parse_sweep({"name": "x", "scenario": "default", "replications": 0,
                     "grid": {"horizon_days": []}, "colour": "red",
                     "chart": [{"table": "run", "kpi": "nonsense"}]}, "s.yaml")
    text = "\n".join(map(str, e.value.problems))
    assert "s.yaml: replications: Input should be greater than or equal to 1" in text
    assert "s.yaml: colour: unknown field (not part of the sweep format)" in text
    assert "chart[0]: unknown KPI 'nonsense' of table run" in text
    with pytest.raises(ScenarioError, match="nothing to sweep"):
        parse_sweep({"name": "x", "scenario": "default"}, "s.yaml")


def test_bad_points_are_all_reported_with_file_and_point(tmp_path):
    path = write_tiny(tmp_path, grid={"crossings.B-C.inspection_teams": [0, 2],
                                      "demand[3].teu_per_week": [10]})
    with pytest.raises(ScenarioError) as e:
        load_sweep_plan(path)
    msgs = [str(p) for p in e.value.problems]
    assert all(m.startswith(str(path)) for m in msgs)
    # both grid points name the missing demand item; nothing else is tried for them
    assert sum("demand[3].teu_per_week: demand[3]: index 3 outside the list" in m
               for m in msgs) == 2
    path = write_tiny(tmp_path, grid={"crossings.B-C.inspection_teams": [0, 2]})
    with pytest.raises(ScenarioError) as e:
        load_sweep_plan(path)
    (p,) = e.value.problems
    assert "grid point 0 (crossings.B-C.inspection_teams=0)" in str(p)
    assert "overrides.crossings.B-C.inspection_teams" in str(p)


def test_malformed_yaml_names_the_line(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: x\ngrid: [\n")
    with pytest.raises(ScenarioError, match=r"bad.yaml: line \d+: malformed YAML"):
        load_sweep(f)


def test_points_order_and_values(tmp_path):
    path = write_tiny(tmp_path, points=[{"crossings.B-C.inspection_teams": 3}])
    plan = load_sweep_plan(path)
    assert [p.params for p in plan.points] == [
        {"crossings.B-C.inspection_teams": 1, "crossings.B-C.clearance_h.mean": 2.0},
        {"crossings.B-C.inspection_teams": 1, "crossings.B-C.clearance_h.mean": 4.0},
        {"crossings.B-C.inspection_teams": 2, "crossings.B-C.clearance_h.mean": 2.0},
        {"crossings.B-C.inspection_teams": 2, "crossings.B-C.clearance_h.mean": 4.0},
        {"crossings.B-C.inspection_teams": 3},
    ]
    for p in plan.points:
        c = p.compiled.network.crossings["B-C"]
        assert c.inspection_teams == p.params["crossings.B-C.inspection_teams"]
        # the clearance stays exponential; its mean is the swept value or the base's 3 h
        assert c.clearance_h.kind == "exponential"
        assert c.clearance_h.mean() == p.params.get("crossings.B-C.clearance_h.mean", 3.0)
        assert p.compiled.scenario.replications == 3 and p.compiled.scenario.seed == 7


def test_kpi_columns_match_the_kpi_tables(tmp_path):
    plan = load_sweep_plan(write_tiny(tmp_path))
    c = plan.points[0].compiled
    k = replication_kpis(simulate_replication(c, 0), c)
    from landbridge.analysis.schema import KPI_SCHEMA

    for table, cols in KPI_COLUMNS.items():
        df = getattr(k, table)
        skip = ("rep", *KPI_KEYS[table], *KPI_SCHEMA[table].attrs)
        assert tuple(x for x in df.columns if x not in skip) == cols


def test_bundled_sweep_is_valid_against_the_bundled_default():
    assert "dostyk-tracks" in bundled_sweeps()
    plan = load_sweep_plan("dostyk-tracks")
    assert len(plan.points) == 4 and plan.replications == 20
    tracks = [p.compiled.network.crossings["ASK-DST"].transshipment.tracks for p in plan.points]
    clear = [p.compiled.network.crossings["ASK-DST"].clearance_h.mean() for p in plan.points]
    assert tracks == [1, 1, 2, 2] and clear == [2.0, 8.0, 2.0, 8.0]
    # the lognormal keeps its cv and minimum from the network file
    d = plan.points[0].compiled.network.crossings["ASK-DST"].clearance_h
    assert (d.cv, d.min_value) == (0.5, 1.0)


def test_sweep_file_yaml_roundtrip(tmp_path):
    sweep, _ = load_sweep(write_tiny(tmp_path))
    data = sweep.model_dump(mode="json", by_alias=True)
    again = parse_sweep(yaml.safe_load(yaml.safe_dump(data)))
    assert again == sweep


def test_set_applies_to_every_point_and_seed_overrides(tmp_path):
    path = write_tiny(tmp_path, set={"horizon_days": 5, "demand[0].teu_per_week": 700},
                      seed=11, replications=2)
    plan = load_sweep_plan(path)
    for p in plan.points:
        sc = p.compiled.scenario
        assert (sc.horizon_days, sc.demand[0].teu_per_week, sc.seed, sc.replications) == \
            (5, 700, 11, 2)
    assert plan.seed == 11 and len({p.scenario_hash for p in plan.points}) == 4
    with pytest.raises(ScenarioError, match=r"set\.demand\[1\]\.teu_per_week: demand\[1\]"):
        load_sweep_plan(write_tiny(tmp_path, set={"demand[1].teu_per_week": 1}))
