"""Bad what-if files (bad-input pass of stop 15): every problem names the what-if file
and the item the user wrote (``disruptions+[1]``, ``overrides+.crossings.X``, never
the merged list's index), with the value found and the range or the names allowed."""

import pytest

from landbridge.errors import ScenarioError
from landbridge.scenario import compile_scenario, load_scenario

BASE = """
name: base
start_date: 2021-01-01
horizon_days: 60
demand:
  - {origin: XA, destination: DUI, teu_per_week: 1000}
  - {origin: CQ, destination: DUI, teu_per_week: 500}
  - {origin: DUI, destination: XA, teu_per_week: 400}
road_flows:
  - {crossing: KHR-NZH, direction: a_to_b, trucks_per_day: 600}
disruptions:
  - {kind: capacity_scale, id: alashankou-2021, target: ASK-DST, factor: 0.344,
     window: {start: 2021-01-10, end: 2021-01-20}}
  - {kind: closure, target: TC-BKT, window: {start: 2021-01-05, end: 2021-01-06}}
policies:
  - {kind: operate_24h, crossing: TC-BKT}
overrides:
  links: {DST-AKT: {capacity_trains_per_day: 12, tracks: 1}}
investments:
  - {id: dostyk-track, name: "+1 transshipment track at Alashankou–Dostyk", cost_usd: 1.5e+7,
     policies: [{kind: add_resources, crossing: ASK-DST, transshipment_tracks: 1}]}
"""


@pytest.fixture()
def base(tmp_path):
    f = tmp_path / "base.yaml"
    f.write_text(BASE)
    return f


def _file(tmp_path, text, name="whatif.yaml"):
    f = tmp_path / name
    f.write_text("base: base.yaml\n" + text)
    return f


def _problems(path):
    """(file name, item, message) of every problem loading and compiling ``path``."""
    with pytest.raises(ScenarioError) as info:
        sc, p = load_scenario(path)
        compile_scenario(sc, file=p)
    return [(p.file.rsplit("/", 1)[-1], p.item, p.message) for p in info.value.problems]


@pytest.mark.parametrize("value,found", [("-2", "-2"), ("0", "0"), ("1000.5", "1000.5"),
                                         ("x", "'x'")])
def test_a_scalar_demand_scale_out_of_range_states_the_range_and_the_value(tmp_path, base,
                                                                           value, found):
    assert _problems(_file(tmp_path, f"demand_scale: {value}\n")) == [
        ("whatif.yaml", "demand_scale",
         "expected a factor in (0, 1000] (e.g. 2) or a mapping with all, westbound, eastbound "
         f"and od (id: factor); found {found}")]


def test_overrides_plus_problems_name_overrides_plus_with_the_value_and_a_suggestion(
        tmp_path, base):
    f = _file(tmp_path, "overrides+:\n"
                        "  crossings:\n"
                        "    ASK-DST: {max_trains_per_dy: 12}\n"
                        "    KHG-ALX: {max_trains_per_day: 3}\n"
                        "  links:\n"
                        "    DST-AKT: {capacity_trains_per_day: -3}\n")
    assert sorted(_problems(f)) == [
        ("whatif.yaml", "overrides+.crossings.ASK-DST.max_trains_per_dy",
         "unknown field of a crossing; did you mean max_trains_per_day?"),
        ("whatif.yaml", "overrides+.crossings.KHG-ALX",
         "unknown crossing 'KHG-ALX'; did you mean KHG-ALT?"),
        # DST-AKT is in the base's overrides too: the field this file wrote is named here
        ("whatif.yaml", "overrides+.links.DST-AKT.capacity_trains_per_day",
         "Input should be greater than 0; found -3"),
    ]
    f = _file(tmp_path, "overrides+: {linkz: {DST-AKT: {tracks: 2}}}\n", "section.yaml")
    assert _problems(f) == [("section.yaml", "overrides+.linkz",
                             "unknown field (not part of the scenario format); did you mean "
                             "links?")]


def test_a_base_override_problem_stays_with_the_base_file(tmp_path):
    (tmp_path / "base.yaml").write_text(BASE.replace("tracks: 1", "tracks: 3"))
    f = _file(tmp_path, "overrides+: {links: {DST-AKT: {capacity_trains_per_day: 20}}}\n")
    assert _problems(f) == [("base.yaml", "overrides.links.DST-AKT.tracks",
                             "Input should be less than or equal to 2; found 3")]


def test_repeated_ids_and_rows_in_list_edits_are_refused_with_file_item_and_id(tmp_path,
                                                                               base):
    f = _file(tmp_path,
              "demand-: [XA-DUI, CQ-DUI, XA-DUI]\n"
              "demand+:\n"
              "  - {origin: XA, destination: DUI, teu_per_week: 10}\n"
              "  - {origin: XA, destination: DUI, teu_per_week: 10}\n"
              "disruptions+:\n"
              "  - {kind: closure, id: c1, target: ASK-DST, window: {start_day: 1, end_day: 2}}\n"
              "  - {kind: closure, id: c1, target: KHG-ALT, window: {start_day: 3, end_day: 4}}\n"
              "  - {kind: closure, id: alashankou-2021, target: ASK-DST,\n"
              "     window: {start_day: 5, end_day: 6}}\n"
              "road_flows+:\n"
              "  - {crossing: KHR-NZH, direction: a_to_b, trucks_per_day: 600}\n"
              "investments+:\n"
              "  - {id: dostyk-track, name: again, cost_usd: 1,\n"
              "     policies: [{kind: add_resources, crossing: ASK-DST, "
              "transshipment_tracks: 1}]}\n")
    b = str(tmp_path / "base.yaml")
    assert _problems(f) == [
        ("whatif.yaml", "demand-[2]",
         "id 'XA-DUI' is listed twice (also at demand-[0]); list each id once"),
        ("whatif.yaml", "demand+[1]",
         "the same entry as demand+[0] (id 'XA-DUI'); to scale its flow use demand_scale: "
         "{od: {XA-DUI: 2}}"),
        ("whatif.yaml", "road_flows+[0]",
         f"the same entry as the base's road_flows[0] (in {b}) (id 'KHR-NZH:a_to_b'); "
         "give it once"),
        ("whatif.yaml", "disruptions+[1].id",
         "duplicate id 'c1': disruptions+[0] has it too; ids must be unique"),
        ("whatif.yaml", "disruptions+[2].id",
         f"duplicate id 'alashankou-2021': the base's disruptions[0] (in {b}) has it too; to "
         "replace that entry, also list 'alashankou-2021' in disruptions-"),
        ("whatif.yaml", "investments+[0].id",
         f"duplicate id 'dostyk-track': the base's investments[0] (in {b}) has it too; to "
         "replace that entry, also list 'dostyk-track' in investments-"),
    ]


def test_one_demand_pair_on_two_routes_is_not_a_duplicate(tmp_path, base):
    sc, _ = load_scenario(_file(tmp_path, "demand+:\n"
                                "  - {origin: XA, destination: IST, teu_per_week: 10}\n"
                                "  - {origin: XA, destination: IST, route: [XA, KHG, AKU, IST],"
                                " teu_per_week: 10}\n"))
    assert [(d.origin, d.destination) for d in sc.demand[-2:]] == [("XA", "IST")] * 2


def test_compile_problems_in_added_entries_name_the_what_if_item(tmp_path, base):
    f = _file(tmp_path,
              "disruptions+:\n"
              "  - {kind: closure, id: c9, target: ASK-DST,\n"
              "     window: {start: 2021-03-05, end: 2021-03-01}}\n"
              "demand+:\n"
              "  - {origin: XA, destination: DUI, teu_per_week: 10, teu_per_train: 0.5}\n")
    # merged, these are disruptions[2] and demand[3]
    assert _problems(f) == [
        ("whatif.yaml", "demand+[0].teu_per_train",
         "0.5 TEU per train is less than one container (2 TEU)"),
        ("whatif.yaml", "disruptions+[0].window",
         "the window ends (2021-03-01T00:00:00+00:00) before it starts "
         "(2021-03-05T00:00:00+00:00)"),
    ]


def test_a_message_naming_merged_entries_names_them_as_written():
    from landbridge.errors import Problem
    from landbridge.scenario.whatif import Origins

    o = Origins({"disruptions": "w.yaml"},
                {"disruptions": [("b.yaml", "disruptions[0]"), ("w.yaml", "disruptions+[0]")]})
    p = o.locate(Problem("w.yaml", "", "", "duplicate disruption id 'x' at disruptions[0].id "
                                           "and disruptions[1].id; ids must be unique"))
    assert p == Problem("w.yaml", "", "", "duplicate disruption id 'x' at disruptions[0].id "
                        "(in b.yaml) and disruptions+[0].id; ids must be unique")


def test_equal_added_policies_add_up_and_are_not_refused(tmp_path, base):
    track = "{kind: add_resources, crossing: ASK-DST, transshipment_tracks: 1}"
    sc, _ = load_scenario(_file(tmp_path, f"policies+: [{track}, {track}]\n"))
    assert [p.kind for p in sc.policies] == ["operate_24h", "add_resources", "add_resources"]


def test_a_whole_link_problem_about_a_field_written_in_overrides_plus_names_the_what_if(
        tmp_path, base):
    # DST-AKT is in the base's overrides; the link's own check (not one field's type)
    # names a field this file wrote, so the problem is this file's (was: base.yaml,
    # overrides.links.DST-AKT)
    f = _file(tmp_path, "overrides+: {links: {DST-AKT: {sailings_per_week: 3}}}\n")
    assert _problems(f) == [("whatif.yaml", "overrides+.links.DST-AKT",
                             "sailings_per_week applies to ferry links, not to a rail link")]
    # a problem with the base's own fields stays with the base
    (tmp_path / "base.yaml").write_text(BASE.replace(
        "capacity_trains_per_day: 12, tracks: 1}",
        "capacity_trains_per_day: 12, tracks: 1, sailings_per_week: 3}"))
    f = _file(tmp_path, "overrides+: {links: {DST-AKT: {capacity_trains_per_day: 20}}}\n")
    assert _problems(f) == [("base.yaml", "overrides.links.DST-AKT",
                             "sailings_per_week applies to ferry links, not to a rail link")]


@pytest.mark.parametrize("name", ["", " "])
def test_an_empty_scenario_name_is_refused_as_such(name):
    # Path("") is the current directory: it said ".: is a directory, expected a YAML file"
    from landbridge.errors import UnknownNameError
    from landbridge.scenario.loader import bundled_scenarios, scenario_path

    with pytest.raises(UnknownNameError) as info:
        scenario_path(name)
    assert str(info.value) == ("an empty scenario name; give a bundled scenario "
                               f"({', '.join(bundled_scenarios())}) or a scenario file.")


def test_a_demand_row_too_large_once_scaled_says_it_was_scaled_and_where(tmp_path, base):
    # the base's row is fine (1000 TEU/week); this file's factor made it too large
    f = _file(tmp_path, "demand_scale: {od: {XA-DUI: 100}}\n")
    assert _problems(f) == [
        ("base.yaml", "demand[0].teu_per_week",
         "100000 TEU/week in trains of 88 TEU means 1136 departures/week; expected at "
         "most 500 (teu_per_week 1000 as written × demand_scale 100 in "
         f"{tmp_path / 'whatif.yaml'})")]


def test_a_rerouting_cost_per_teu_out_of_range_is_refused(tmp_path, base):
    # 1e308 USD/TEU made the run's diversion cost infinite: a blank in kpis_run.csv
    f = _file(tmp_path, "rerouting: {max_wait_h: 1, cost_usd_per_teu: 1.0e+308}\n")
    assert _problems(f) == [("whatif.yaml", "rerouting.cost_usd_per_teu",
                             "Input should be less than or equal to 100000; found 1e+308")]
