"""What-if files: list edits by id, demand_scale, the JSON Schema, errors down a base chain.

The what-ifs sit on BASE, a small scenario on the bundled network, so the expected values
are plain arithmetic on its rows: westbound (destination west of origin) Xi'an→Duisburg
1,000, Chongqing→Duisburg 500 and Xi'an→Istanbul 200 TEU/week; eastbound Duisburg→Xi'an
400 and Istanbul→Xi'an 60.
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

BASE = """
name: base
start_date: 2021-01-01
horizon_days: 60
demand:
  - {origin: XA, destination: DUI, teu_per_week: 1000}
  - {origin: CQ, destination: DUI, teu_per_week: 500}
  - {origin: XA, destination: IST, route: [XA, KHG, AKU, IST], teu_per_week: 200}
  - {origin: DUI, destination: XA, teu_per_week: 400}
  - {origin: IST, destination: XA, teu_per_week: 60}
road_flows:
  - {crossing: KHR-NZH, direction: a_to_b, trucks_per_day: 600}
  - {crossing: KHR-NZH, direction: b_to_a, trucks_per_day: 600}
  - {crossing: TC-BKT, direction: a_to_b, trucks_per_day: 35}
disruptions:
  - {kind: capacity_scale, id: alashankou-2021, target: ASK-DST, factor: 0.344,
     window: {start: 2021-01-10, end: 2021-01-20}}
  - {kind: closure, target: TC-BKT, window: {start: 2021-01-05, end: 2021-01-06}}
  - {kind: duration_scale, id: disinfection-khg, target: KHG-ALT, factor: 1.25,
     window: {start_day: 0, end_day: 60}}
policies:
  - {kind: operate_24h, crossing: TC-BKT}
  - {kind: pre_declaration, crossing: ASK-DST, clearance_factor: 0.6}
overrides:
  links: {DST-AKT: {capacity_trains_per_day: 12, tracks: 1}}
investments:
  - {id: dostyk-track, name: "+1 transshipment track at Alashankou–Dostyk", cost_usd: 1.5e+7,
     policies: [{kind: add_resources, crossing: ASK-DST, transshipment_tracks: 1}]}
  - {id: caspian-ferry, name: "A second ferry on Aktau–Alat", cost_usd: 4.0e+7,
     policies: [{kind: add_sailings, link: AKU-ALAT, sailings_per_week: 3}]}
"""
WEST_TEU, EAST_TEU = 1700.0, 460.0


@pytest.fixture()
def base(tmp_path):
    f = tmp_path / "base.yaml"
    f.write_text(BASE)
    return f


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


def _teu(sc):
    return {(d.origin, d.destination): d.teu_per_week for d in sc.demand}


def test_doubling_westbound_demand_doubles_exactly_the_westbound_rows(tmp_path, base):
    sc = _load(tmp_path, "base: base.yaml\nname: westbound-x2\ndemand_scale: {westbound: 2}\n")
    assert sc.name == "westbound-x2"
    assert _teu(sc) == {("XA", "DUI"): 2000, ("CQ", "DUI"): 1000, ("XA", "IST"): 400,
                        ("DUI", "XA"): 400, ("IST", "XA"): 60}
    assert sum(_teu(sc).values()) == 2 * WEST_TEU + EAST_TEU


def test_scale_factors_multiply_where_they_apply(tmp_path, base):
    sc = _load(tmp_path, "base: base.yaml\n"
                         "demand_scale: {all: 0.5, eastbound: 3, od: {XA-DUI: 4, DUI-XA: 2}}\n")
    assert _teu(sc) == {("XA", "DUI"): 1000 * 0.5 * 4, ("CQ", "DUI"): 250, ("XA", "IST"): 100,
                        ("DUI", "XA"): 400 * 0.5 * 3 * 2, ("IST", "XA"): 60 * 0.5 * 3}
    assert _load(tmp_path, "base: base.yaml\ndemand_scale: 2\n", "x2.yaml").demand[0].teu_per_week == 2000


def test_scaling_along_a_base_chain_compounds(tmp_path, base):
    _file(tmp_path, "base: base.yaml\ndemand_scale: 2\n", "a.yaml")
    sc = _load(tmp_path, "base: a.yaml\ndemand_scale: {od: {XA-DUI: 1.5}}\n", "b.yaml")
    assert _teu(sc)["XA", "DUI"] == 1000 * 2 * 1.5 and _teu(sc)["CQ", "DUI"] == 1000
    assert sc.name == "b"


def test_removed_entries_are_absent_and_added_entries_appended(tmp_path, base):
    sc = _load(tmp_path, """
base: base.yaml
disruptions-: [alashankou-2021, closure:TC-BKT]
demand-: [XA-IST]
demand+:
  - {origin: CQ, destination: DUI, route: [CQ, KHG, AKU, DUI], teu_per_week: 100}
road_flows-: ["KHR-NZH:a_to_b"]
policies-: [operate_24h:TC-BKT]
policies+: [{kind: operate_24h, crossing: KHG-ALT}]
""")
    assert [d.id for d in sc.disruptions] == ["disinfection-khg"]
    assert [(d.origin, d.destination, d.teu_per_week) for d in sc.demand] == [
        ("XA", "DUI", 1000), ("CQ", "DUI", 500), ("DUI", "XA", 400), ("IST", "XA", 60),
        ("CQ", "DUI", 100)]
    assert sc.demand[-1].route == ["CQ", "KHG", "AKU", "DUI"]
    assert [entry_id("road_flows", f.model_dump()) for f in sc.road_flows] == [
        "KHR-NZH:b_to_a", "TC-BKT:a_to_b"]
    assert [(p.kind, p.crossing) for p in sc.policies] == [
        ("pre_declaration", "ASK-DST"), ("operate_24h", "KHG-ALT")]


def test_a_derived_id_removes_every_entry_it_names(tmp_path, base):
    _file(tmp_path, "base: base.yaml\ndemand+: [{origin: XA, destination: DUI, "
                    "route: [XA, AKU, DUI], teu_per_week: 50}]\n", "two.yaml")
    sc = _load(tmp_path, "base: two.yaml\ndemand-: [XA-DUI]\n")
    assert ("XA", "DUI") not in _teu(sc) and len(sc.demand) == 4


def test_removing_and_adding_one_id_replaces_the_entry(tmp_path, base):
    sc = _load(tmp_path, """
base: base.yaml
investments-: [caspian-ferry]
investments+:
  - {id: caspian-ferry, name: "Two more sailings Kuryk–Alat", cost_usd: 1.0e+7,
     policies: [{kind: add_sailings, link: KUR-ALAT, sailings_per_week: 2}]}
""")
    assert [i.id for i in sc.investments] == ["dostyk-track", "caspian-ferry"]
    assert sc.investments[-1].policies[0].link == "KUR-ALAT"


def test_an_unknown_id_is_named_with_file_path_and_suggestion(tmp_path, base):
    f = _file(tmp_path, "base: base.yaml\ndisruptions-: [alashankou-2012]\n")
    (p,) = _problems(f)
    assert (p.file, p.item) == (str(f), "disruptions-[0]")
    assert "'alashankou-2012'" in p.message and p.message.endswith("did you mean alashankou-2021?")


def test_edits_are_refused_without_base_or_beside_a_replacement(tmp_path, base):
    f = _file(tmp_path, "base: base.yaml\ndemand: []\ndemand+: []\npolices+: []\n")
    got = {p.item: p.message for p in _problems(f)}
    assert got["demand"].startswith("give either demand (replaces the base's list)")
    assert got["polices+"].endswith("did you mean policies?")
    f = _file(tmp_path, BASE + "disruptions+: []\n", "full.yaml")
    ((item, msg),) = [(p.item, p.message) for p in _problems(f)]
    assert item == "disruptions+" and "start the file with base:" in msg


def test_bad_demand_scale_is_reported_with_suggestions(tmp_path, base):
    f = _file(tmp_path, "base: base.yaml\ndemand_scale: {westbund: 2, od: {XA-DUX: 2}}\n")
    got = {p.item: p.message for p in _problems(f)}
    assert got["demand_scale.westbund"].endswith("did you mean westbound?")
    assert got["demand_scale.od.XA-DUX"].endswith("did you mean XA-DUI?")
    f = _file(tmp_path, "base: base.yaml\ndemand_scale: -1\n", "neg.yaml")
    assert [p.item for p in _problems(f)] == ["demand_scale"]


def test_problems_down_a_base_chain_name_the_file_that_wrote_them(tmp_path, base):
    a = _file(tmp_path, "base: base.yaml\ndemand+:\n"
                        "  - {origin: XA, destination: DUI, teu_per_week: -5}\n", "a.yaml")
    b = _file(tmp_path, "base: a.yaml\nhorizon_days: -1\nservices+:\n"
                        "  - {id: S1, origin: XA, destination: DUI, departures_per_wek: 3}\n",
              "b.yaml")
    problems = _problems(b)
    got = {(p.file, p.item) for p in problems}
    assert (str(a), "demand+[0].teu_per_week") in got
    assert (str(b), "horizon_days") in got
    (msg,) = [p.message for p in problems if p.item == "services+[0].departures_per_wek"]
    assert msg.endswith("did you mean departures_per_week?")
    # a base's own entry keeps its file and index after entries before it are removed
    bad = _file(tmp_path, BASE.replace("teu_per_week: 500", "teu_per_week: -500"), "bad.yaml")
    c = _file(tmp_path, "base: bad.yaml\ndemand-: [XA-DUI]\n", "c.yaml")
    ((file, item),) = [(p.file, p.item) for p in _problems(c)]
    assert (file, item) == (str(bad), "demand[1].teu_per_week")


def test_parse_scenario_resolves_what_if_keys_in_memory(base):
    sc = parse_scenario({"base": "base.yaml", "name": "m", "demand_scale": {"eastbound": 2},
                         "horizon_days": 30}, str(base.parent / "in-memory"))
    assert sc.horizon_days == 30
    assert sum(_teu(sc).values()) == WEST_TEU + 2 * EAST_TEU


def test_bundled_what_ifs_keep_their_base_traffic():
    for name in bundled_scenarios():
        sc, path = load_scenario(name)
        if "base" in yaml.safe_load(path.read_text()):
            assert sc.demand or sc.services, name


# ----------------------------------------------------------------------- JSON Schema

def _json(path_or_text):
    text = path_or_text.read_text() if hasattr(path_or_text, "read_text") else path_or_text
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


WHATIFS = [
    "base: base.yaml\ndemand_scale: {westbound: 2}\n",
    "base: base.yaml\nname: no-ask\ndisruptions-: [alashankou-2021]\n"
    "demand+: [{origin: CQ, destination: DUI, route: [CQ, AKU, DUI], teu_per_week: 50}]\n",
    "base: base.yaml\nhorizon_days: 30\ndisruptions:\n"
    "  - {kind: closure, target: KHG-ALT, window: {start: 2021-01-20, end: 2021-02-03}}\n",
    "base: base.yaml\ndemand_scale: 1.5\npolicies-: [operate_24h:TC-BKT]\n",
    "base: base.yaml\noverrides+: {crossings: {ASK-DST: {inspection_teams: 4}}}\n",
]
BAD_WHATIFS = [
    "base: base.yaml\nhorizon_dys: 30\n",                        # misspelled key
    "base: base.yaml\ndemand_scale: {westbund: 2}\n",             # unknown direction
    "base: base.yaml\ndisruptions-: [{id: x}]\n",                 # ids are strings
    "base: base.yaml\ndemand+: [{origin: XA, teu_per_week: 5}]\n",  # destination missing
    "name: x\ndemand_scale: 2\n",                                 # no base, no start_date
]


def test_json_schema_accepts_every_bundled_scenario_and_what_ifs(base):
    jsonschema = pytest.importorskip("jsonschema")
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for name in bundled_scenarios():
        errors = [e.message for e in validator.iter_errors(_json(scenario_path(name)))]
        assert errors == [], name
    for text in [BASE, *WHATIFS]:
        assert [e.message for e in validator.iter_errors(_json(text))] == [], text


def test_json_schema_rejects_bad_what_ifs():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(scenario_json_schema())
    for text in BAD_WHATIFS:
        assert not validator.is_valid(_json(text)), text


def test_the_what_ifs_the_schema_accepts_load_and_the_bad_ones_do_not(tmp_path, base):
    for i, text in enumerate(WHATIFS):
        assert _load(tmp_path, text, f"w{i}.yaml").demand
    for i, text in enumerate(BAD_WHATIFS):
        assert _problems(_file(tmp_path, text, f"b{i}.yaml")), text


def test_wrong_names_in_added_entries_are_named_where_written(tmp_path, base):
    f = _file(tmp_path, "base: base.yaml\n"
                        "demand+: [{origin: CQ, destination: DUI, route: [CQ, Aktua, DUI], "
                        "teu_per_week: 100}]\n"
                        "disruptions+: [{kind: closure, target: KHG-ALX, "
                        "window: {start_day: 1, end_day: 2}}]\n")
    got = {(p.file, p.item): p.message for p in _problems(f)}
    assert got[str(f), "demand+[0].route[1]"].endswith("Did you mean Aktau port (AKU), Aktogay (AKT)?")
    assert got[str(f), "disruptions+[0].target"].endswith("did you mean KHG-ALT?")


def test_scenario_schema_command_prints_the_schema_that_accepts_what_ifs(base):
    jsonschema = pytest.importorskip("jsonschema")
    from typer.testing import CliRunner

    from landbridge.cli import app

    res = CliRunner().invoke(app, ["scenario", "schema"])
    assert res.exit_code == 0, res.output
    validator = jsonschema.Draft202012Validator(json.loads(res.stdout))
    assert validator.is_valid(_json(scenario_path("pandemic-2021")))
    assert validator.is_valid(_json(WHATIFS[1]))
    assert not validator.is_valid(_json(BAD_WHATIFS[0]))


def test_overrides_plus_adds_to_the_base_overrides_field_by_field(tmp_path, base):
    sc = _load(tmp_path, "base: base.yaml\noverrides+:\n"
                         "  links: {DST-AKT: {capacity_trains_per_day: 20}}\n"
                         "  crossings: {ASK-DST: {inspection_teams: 4}}\n")
    assert sc.overrides.links == {"DST-AKT": {"capacity_trains_per_day": 20, "tracks": 1}}
    assert sc.overrides.crossings == {"ASK-DST": {"inspection_teams": 4}}
    replaced = _load(tmp_path, "base: base.yaml\noverrides:\n"
                               "  crossings: {ASK-DST: {inspection_teams: 4}}\n", "r.yaml")
    assert replaced.overrides.links == {}
    f = _file(tmp_path, "base: base.yaml\noverrides: {}\noverrides+: {}\n", "both.yaml")
    assert [p.item for p in _problems(f)] == ["overrides"]


@pytest.mark.parametrize("text,item", [
    ("demand+: null\n", "demand+"),
    ("demand+: {origin: XA}\n", "demand+"),
    ("demand-: XA-DUI\n", "demand-"),
    ("disruptions-: [3]\n", "disruptions-"),
    ("demand_scale: true\n", "demand_scale"),
    ("demand_scale: {od: []}\n", "demand_scale.od"),
    ("demand: []\nservices: [{id: S, origin: XA, destination: DUI, departures_per_week: 1}]\n"
     "demand_scale: 2\n", "demand_scale"),
    ("1: 2\n", "[1]"),
    ("overrides: {}\noverrides+: {}\n", "overrides"),
])
def test_malformed_edits_are_one_plain_problem(tmp_path, base, text, item):
    (p,) = _problems(_file(tmp_path, "base: base.yaml\n" + text))
    assert p.item == item and p.file.endswith("whatif.yaml")


def test_a_complete_scenario_may_scale_its_own_demand(tmp_path):
    sc = _load(tmp_path, BASE + "demand_scale: {eastbound: 0.5}\n", "full.yaml")
    assert sum(_teu(sc).values()) == WEST_TEU + EAST_TEU / 2
