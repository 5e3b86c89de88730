"""Scenario files: every problem reported at once, with file and path inside it."""

import json

import pytest
import yaml
from netfactory import two_corridor_network
from typer.testing import CliRunner

from landbridge.cli import app
from landbridge.errors import ScenarioError
from landbridge.scenario import (
    bundled_scenarios,
    compile_scenario,
    load_scenario,
    scenario_json_schema,
)

runner = CliRunner()

GOOD = {"name": "t", "start_date": "2025-01-01", "horizon_days": 10, "network": "n",
        "services": [{"id": "S", "origin": "A", "destination": "D", "departures_per_week": 7}]}


def _write(tmp_path, data):
    two_corridor_network(tmp_path / "n")
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    return f


def _problems(path):
    with pytest.raises(ScenarioError) as info:
        sc, p = load_scenario(path)
        compile_scenario(sc, file=p)
    return {(p.item, p.message) for p in info.value.problems}, info.value


def test_schema_problems_are_all_reported_with_paths(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["services"] = [dict(GOOD["services"][0]) for _ in range(4)]
    for i, s in enumerate(data["services"]):
        s["id"] = f"S{i}"
    data["services"][3]["departures_per_week"] = -2
    data["services"][1]["colour"] = "red"
    data["warmup_days"] = 20
    probs, err = _problems(_write(tmp_path, data))
    items = {i for i, _ in probs}
    assert "services[3].departures_per_week" in items
    assert "services[1].colour" in items
    assert any("warmup_days" in m for _, m in probs)
    assert all(p.file.endswith("s.yaml") for p in err.problems)


def test_reference_problems_are_all_reported(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["services"][0]["origin"] = "Atlantis"
    data["disruptions"] = [{"kind": "closure", "target": "X-Y", "window": {"start_day": 1, "end_day": 2}}]
    data["policies"] = [{"kind": "operate_24h", "crossing": "B-Q"}]
    data["overrides"] = {"crossings": {"E-F": {"inspection_teams": 0}}, "links": {"A-B": {"colour": 1}}}
    probs, _ = _problems(_write(tmp_path, data))
    items = {i for i, _ in probs}
    assert {"services[0].origin", "disruptions[0].target", "policies[0].crossing",
            "overrides.crossings.E-F.inspection_teams", "overrides.links.A-B.colour"} <= items
    assert any("did you mean B-C" in m for i, m in probs if i == "policies[0].crossing")


def test_malformed_yaml_names_the_line(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: t\nservices:\n  - id: [unclosed\n")
    probs, _ = _problems(f)
    ((item, msg),) = probs
    assert item == "line 3" or item.startswith("line ")
    assert "malformed YAML" in msg


def test_cli_validate_exit_code_and_message(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["services"][0]["departures_per_week"] = "often"
    f = _write(tmp_path, data)
    res = runner.invoke(app, ["scenario", "validate", str(f)])
    assert res.exit_code == 2
    assert "services[0].departures_per_week" in res.output
    assert "Traceback" not in res.output


def test_simulate_refuses_non_empty_out_and_writes_nothing(tmp_path):
    f = _write(tmp_path, GOOD)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    res = runner.invoke(app, ["simulate", str(f), "--out", str(out)])
    assert res.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_simulate_json_output(tmp_path):
    f = _write(tmp_path, GOOD)
    res = runner.invoke(app, ["simulate", str(f), "--out", str(tmp_path / "o"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    run = data["kpis"]["run"][0]
    # 10 days of daily trains from 08:00 Shanghai time (00:00 UTC): 10 trains of 88 TEU
    assert run["trains_dispatched"] == 10
    assert run["teu_dispatched"] == 880
    assert data["manifest"]["seed"] == 20240101


def test_bundled_scenarios_validate():
    assert {"default", "pandemic-2021", "restored"} <= set(bundled_scenarios())
    for name in bundled_scenarios():
        sc, p = load_scenario(name)
        c = compile_scenario(sc, file=p)
        assert c.services


def test_json_schema_validates_the_bundled_default():
    jsonschema = pytest.importorskip("jsonschema")
    sc, p = load_scenario("default")
    data = yaml.safe_load(p.read_text())
    data = json.loads(json.dumps(data, default=str))
    jsonschema.validate(data, scenario_json_schema())


def test_duplicate_yaml_key_is_an_error(tmp_path):
    f = _write(tmp_path, GOOD)
    f.write_text(f.read_text() + "horizon_days: 30\n")
    probs, _ = _problems(f)
    ((item, msg),) = probs
    assert item.startswith("line ") and "duplicate key 'horizon_days'" in msg


@pytest.mark.parametrize("field,value,expect", [
    ("horizon_days", "20", "horizon_days"),
    ("horizon_days", float("inf"), "horizon_days"),
    ("seed", True, "seed"),
    ("seed", 2**70, "seed"),
    ("name", "../../etc/evil", "name"),
    ("start_date", "9999-12-01", ""),
])
def test_nonsense_values_are_refused(tmp_path, field, value, expect):
    data = json.loads(json.dumps(GOOD))
    data[field] = value
    probs, _ = _problems(_write(tmp_path, data))
    assert any(item == expect for item, _ in probs), probs


def test_times_written_as_numbers_are_refused(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["services"][0] = {"id": "S", "origin": "A", "destination": "D", "weekdays": ["mon"],
                           "times": [480]}
    probs, _ = _problems(_write(tmp_path, data))
    assert any("quoted text" in m for _, m in probs)


def test_overrides_must_keep_the_network_consistent(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["overrides"] = {"links": {"C-D": {"gauge_mm": 1435}, "A-B": {"from_node": "Z"}}}
    probs, _ = _problems(_write(tmp_path, data))
    items = {i for i, _ in probs}
    assert "overrides.links.A-B.from_node" in items  # structural: refused
    # C-D at 1435 mm meets 1520 mm at Delta, an ordinary terminal
    assert any(i.startswith("overrides") and "1435" in m and "1520" in m for i, m in probs)


def test_demand_implying_absurd_trains_is_refused(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["services"] = []
    data["demand"] = [{"origin": "A", "destination": "D", "teu_per_week": 1e9}]
    probs, _ = _problems(_write(tmp_path, data))
    assert any(i == "demand[0].teu_per_week" and "at most 500" in m for i, m in probs)


def test_unwritable_out_fails_before_simulating(tmp_path):
    f = _write(tmp_path, GOOD)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = runner.invoke(app, ["simulate", str(f), "--out", str(blocker / "sub")])
    assert res.exit_code == 2
    assert "--out" in res.output and "problem in the command line" in res.output


def test_schema_and_reference_problems_are_reported_together(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["horizon_days"] = -3
    data["services"][0]["origin"] = "Atlantis"
    data["disruptions"] = [{"kind": "closure", "target": "E-X",
                            "window": {"start_day": 1, "end_day": 2}}]
    probs, _ = _problems(_write(tmp_path, data))
    items = {i for i, _ in probs}
    assert {"horizon_days", "services[0].origin", "disruptions[0].target"} <= items


def test_base_scenario_keys_are_replaced_by_the_file(tmp_path):
    base = _write(tmp_path, GOOD)
    child = tmp_path / "child.yaml"
    child.write_text("base: s.yaml\nname: child\nhorizon_days: 3\n")
    sc, _ = load_scenario(child)
    assert (sc.name, sc.horizon_days) == ("child", 3)
    assert sc.services[0].id == "S"
    assert sc.network == str(tmp_path / "n")  # the base's relative path, from the base's file
    assert base.exists()


def test_what_if_without_a_name_is_named_after_its_file(tmp_path):
    _write(tmp_path, GOOD)
    child = tmp_path / "khg closure.yaml"
    child.write_text("base: s.yaml\nhorizon_days: 3\n")
    sc, _ = load_scenario(child)
    assert sc.name == "khg-closure"


def test_impossible_date_names_the_line(tmp_path):
    f = _write(tmp_path, GOOD)
    f.write_text(f.read_text().replace("start_date: '2025-01-01'", "start_date: 2025-13-01")
                 .replace("start_date: 2025-01-01", "start_date: 2025-13-01"))
    probs, _ = _problems(f)
    ((item, msg),) = probs
    assert item.startswith("line ") and "2025-13-01" in msg


def test_exponent_numbers_are_numbers_and_road_flows_are_unique(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["road_flows"] = [{"crossing": "X", "direction": "a_to_b", "trucks_per_day": 5},
                          {"crossing": "X", "direction": "a_to_b", "trucks_per_day": 7}]
    f = _write(tmp_path, data)
    f.write_text(f.read_text().replace("horizon_days: 10", "horizon_days: 1e1"))
    probs, _ = _problems(f)
    assert any("road_flows given twice for X a_to_b" in m for _, m in probs)
    assert not any(i == "horizon_days" for i, _ in probs)
