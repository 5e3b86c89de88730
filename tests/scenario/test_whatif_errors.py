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


@pytest.mark.parametrize("value", ["-2", "0", "1001", "'x'"])
def test_a_scalar_demand_scale_out_of_range_states_the_range_and_the_value(tmp_path, base,
                                                                           value):
    found = {"-2": "-2", "0": "0", "1001": "1001", "'x'": "'x'"}[value]
    assert _problems(_file(tmp_path, f"demand_scale: {value}\n")) == [
        ("whatif.yaml", "demand_scale",
         "expected a factor in (0, 1000] (e.g. 2) or a mapping with all, westbound, eastbound "
         f"and od (id: factor); found {found}")]
