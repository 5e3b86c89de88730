"""What-if files: list edits by id, demand_scale, the JSON Schema, errors down a base chain.

Expected values come from the bundled default.yaml: 17 westbound demand rows of
7,874 + 200 (Xi'an→Istanbul) = 8,074 TEU/week and 10 eastbound rows of 4,014 + 60 =
4,074 TEU/week; Xi'an→Duisburg is 1,624 TEU/week.
"""

import json

import pytest
import yaml

from landbridge.errors import ScenarioError
from landbridge.scenario import (
    bundled_scenarios,
    load_scenario,
    parse_scenario,
    scenario_json_schema,
)
from landbridge.scenario.loader import scenario_path
from landbridge.scenario.whatif import entry_id

WEST_TEU, EAST_TEU = 8074.0, 4074.0


def _file(tmp_path, text, name="whatif.yaml"):
    f = tmp_path / name
    f.write_text(text)
    return f


def _load(tmp_path, text, name="whatif.yaml"):
    return load_scenario(_file(tmp_path, text, name))[0]


def _problems(path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def _west(sc):
    return [d for d in sc.demand if d.origin in ("XA", "CQ", "CD", "ZZ", "YW", "WH", "SZ", "URC")]


def test_default_demand_totals_are_the_documented_ones():
    sc, _ = load_scenario("default")
    assert (len(_west(sc)), len(sc.demand) - len(_west(sc))) == (17, 10)
    assert sum(d.teu_per_week for d in _west(sc)) == WEST_TEU
    assert sum(d.teu_per_week for d in sc.demand) - WEST_TEU == EAST_TEU


def test_doubling_westbound_demand_doubles_exactly_the_westbound_rows(tmp_path):
    base, _ = load_scenario("default")
    sc = _load(tmp_path, "base: default\nname: westbound-x2\ndemand_scale: {westbound: 2}\n")
    assert sc.name == "westbound-x2"
    changed = [(a.origin, a.destination) for a, b in zip(sc.demand, base.demand)
               if a.teu_per_week != b.teu_per_week]
    assert len(sc.demand) == 27 and len(changed) == 17
    assert all(a.teu_per_week == 2 * b.teu_per_week if (a.origin, a.destination) in changed
               else a.teu_per_week == b.teu_per_week for a, b in zip(sc.demand, base.demand))
    assert sum(d.teu_per_week for d in _west(sc)) == 2 * WEST_TEU
    assert sum(d.teu_per_week for d in sc.demand) - 2 * WEST_TEU == EAST_TEU
    assert ("XA", "IST") in changed and ("IST", "XA") not in changed


def test_scale_factors_multiply_where_they_apply(tmp_path):
    sc = _load(tmp_path, "base: default\n"
                         "demand_scale: {all: 0.5, eastbound: 3, od: {XA-DUI: 4, DUI-XA: 2}}\n")
    teu = {(d.origin, d.destination): d.teu_per_week for d in sc.demand}
    assert teu["XA", "DUI"] == 1624 * 0.5 * 4
    assert teu["DUI", "XA"] == 800 * 0.5 * 3 * 2
    assert teu["XA", "HAM"] == 500 * 0.5
    assert teu["HAM", "ZZ"] == 500 * 0.5 * 3
    assert _load(tmp_path, "base: default\ndemand_scale: 2\n").demand[0].teu_per_week == 3248


def test_scaling_along_a_base_chain_compounds(tmp_path):
    _file(tmp_path, "base: default\ndemand_scale: 2\n", "a.yaml")
    sc = _load(tmp_path, "base: a.yaml\ndemand_scale: {od: {XA-DUI: 1.5}}\n", "b.yaml")
    teu = {(d.origin, d.destination): d.teu_per_week for d in sc.demand}
    assert teu["XA", "DUI"] == 1624 * 2 * 1.5 and teu["XA", "HAM"] == 1000
    assert sc.name == "b"


def test_removed_disruptions_are_absent_and_added_entries_appended(tmp_path):
    sc = _load(tmp_path, """
base: pandemic-2021
disruptions-: [alashankou-2021, closure:TC-BKT]
demand-: [XA-IST]
demand+:
  - {origin: CQ, destination: DUI, route: [CQ, KHG, AKU, DUI], teu_per_week: 100}
road_flows-: ["KHR-NZH:a_to_b"]
policies+: [{kind: operate_24h, crossing: KHG-ALT}]
""")
    ids = [d.id for d in sc.disruptions]
    assert ids == ["disinfection-ask", "disinfection-khg", "khorgos-road-aug-2021",
                   "nur-zholy-covid-limit"]
    assert len(sc.demand) == 27
    assert ("XA", "IST") not in {(d.origin, d.destination) for d in sc.demand}
    assert (sc.demand[-1].route, sc.demand[-1].teu_per_week) == (["CQ", "KHG", "AKU", "DUI"], 100)
    assert [entry_id("road_flows", f.model_dump()) for f in sc.road_flows] == [
        "KHR-NZH:b_to_a", "TC-BKT:a_to_b", "TC-BKT:b_to_a", "ASR-DSR:a_to_b", "ASR-DSR:b_to_a"]
    assert [(p.kind, p.crossing) for p in sc.policies] == [("operate_24h", "KHG-ALT")]


def test_removing_and_adding_one_id_replaces_the_entry(tmp_path):
    sc = _load(tmp_path, """
base: default
investments-: [caspian-ferry]
investments+:
  - {id: caspian-ferry, name: "Two more sailings Kuryk–Alat", cost_usd: 1.0e+7,
     policies: [{kind: add_sailings, link: KUR-ALAT, sailings_per_week: 2}]}
""")
    inv = {i.id: i for i in sc.investments}
    assert len(inv) == 6 and inv["caspian-ferry"].policies[0].link == "KUR-ALAT"
    assert sc.investments[-1].id == "caspian-ferry"


def test_an_unknown_id_is_named_with_file_path_and_suggestion(tmp_path):
    f = _file(tmp_path, "base: pandemic-2021\ndisruptions-: [alashankou-2012]\n")
    (p,) = _problems(f)
    assert (p.file, p.item) == (str(f), "disruptions-[0]")
    assert "'alashankou-2012'" in p.message and "did you mean alashankou-2021?" in p.message


def test_edits_are_refused_without_base_or_beside_a_replacement(tmp_path):
    f = _file(tmp_path, "base: default\ndemand: []\ndemand+: []\npolices+: []\n")
    got = {p.item: p.message for p in _problems(f)}
    assert got["demand"].startswith("give either demand (replaces the base's list)")
    assert got["polices+"].endswith("did you mean policies?")
    scenario = yaml.safe_load(scenario_path("default").read_text())
    scenario["disruptions+"] = []
    f = _file(tmp_path, yaml.safe_dump(json.loads(json.dumps(scenario, default=str))), "full.yaml")
    (p,) = [p for p in _problems(f) if p.item == "disruptions+"]
    assert "start the file with base:" in p.message


def test_bad_demand_scale_is_reported_with_suggestions(tmp_path):
    f = _file(tmp_path, "base: default\ndemand_scale: {westbund: 2, od: {XA-DUX: 2}}\n")
    got = {p.item: p.message for p in _problems(f)}
    assert "did you mean westbound?" in got["demand_scale.westbund"]
    assert "did you mean XA-DUI?" in got["demand_scale.od.XA-DUX"]
    f = _file(tmp_path, "base: default\ndemand_scale: -1\n", "neg.yaml")
    assert [p.item for p in _problems(f)] == ["demand_scale"]


def test_problems_down_a_base_chain_name_the_file_that_wrote_them(tmp_path):
    a = _file(tmp_path, "base: default\ndemand+:\n"
                        "  - {origin: XA, destination: DUI, teu_per_week: -5}\n", "a.yaml")
    b = _file(tmp_path, "base: a.yaml\nhorizon_days: -1\nservices+:\n"
                        "  - {id: S1, origin: XA, destination: DUI, departures_per_wek: 3}\n",
              "b.yaml")
    got = {(p.file, p.item) for p in _problems(b)}
    assert (str(a), "demand+[0].teu_per_week") in got
    assert (str(b), "horizon_days") in got
    assert (str(b), "services+[0].departures_per_wek") in got
    (msg,) = [p.message for p in _problems(b) if p.item == "services+[0].departures_per_wek"]
    assert msg.endswith("did you mean departures_per_week?")


def test_parse_scenario_resolves_what_if_keys_in_memory():
    sc = parse_scenario({"base": "default", "name": "m", "demand_scale": {"eastbound": 2},
                         "horizon_days": 30})
    assert sc.horizon_days == 30
    assert sum(d.teu_per_week for d in sc.demand) == WEST_TEU + 2 * EAST_TEU


# ----------------------------------------------------------------------- JSON Schema

def _json(path_or_text):
    text = path_or_text.read_text() if hasattr(path_or_text, "read_text") else path_or_text
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


WHATIFS = [
    "base: default\ndemand_scale: {westbound: 2}\n",
    "base: pandemic-2021\nname: no-ask\ndisruptions-: [alashankou-2021]\n"
    "demand+: [{origin: CQ, destination: DUI, route: [CQ, AKU, DUI], teu_per_week: 50}]\n",
    "base: default\nhorizon_days: 90\ndisruptions:\n"
    "  - {kind: closure, target: KHG-ALT, window: {start: 2021-01-20, end: 2021-02-03}}\n",
    "base: restored\ndemand_scale: 1.5\npolicies-: [operate_24h:TC-BKT]\n",
]
BAD_WHATIFS = [
    "base: default\nhorizon_dys: 30\n",                        # misspelled key
    "base: default\ndemand_scale: {westbund: 2}\n",             # unknown direction
    "base: default\ndisruptions-: [{id: x}]\n",                 # ids are strings
    "base: default\ndemand+: [{origin: XA, teu_per_week: 5}]\n",  # destination missing
    "name: x\ndemand_scale: 2\n",                               # no base, no start_date
]


def test_json_schema_accepts_every_bundled_scenario_and_what_ifs():
    jsonschema = pytest.importorskip("jsonschema")
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for name in bundled_scenarios():
        errors = [e.message for e in validator.iter_errors(_json(scenario_path(name)))]
        assert errors == [], name
    for text in WHATIFS:
        assert [e.message for e in validator.iter_errors(_json(text))] == [], text


def test_json_schema_rejects_bad_what_ifs():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(scenario_json_schema())
    for text in BAD_WHATIFS:
        assert not validator.is_valid(_json(text)), text


def test_the_what_ifs_the_schema_accepts_load(tmp_path):
    for i, text in enumerate(WHATIFS):
        sc = _load(tmp_path, text, f"w{i}.yaml")
        assert sc.demand
