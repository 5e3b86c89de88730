"""Direction of the year scenarios' trains per route group against the published figures
their `sources.directions` names (data/SOURCES.md §10).

Route groups: Europe via Kazakhstan (Alashankou or Khorgos, far end in the EU), Russia via
Kazakhstan (far end Moscow), and the routes over Manzhouli, Erenhot and Suifenhe. The far end
is the destination of a westbound train and the origin of an eastbound one."""

from collections import Counter

import pytest
import yaml

from landbridge.scenario import compile_scenario, load_scenario
from landbridge.scenario.whatif import demand_direction

#: ends of the trains that are not China–Europe Railway Express trains
NON_CRE = {"ALA", "TAS", "IST", "BAK", "CND"}
KAZAKH = {"ASK-DST", "KHG-ALT"}


def _groups(name):
    """Trains, carried TEU (whole boxes) and declared TEU (the demand rows' rates) a year per
    (via, far end, direction) of the CRE trains of scenario ``name``."""
    sc, path = load_scenario(name)
    c = compile_scenario(sc, file=path)
    net = c.network
    def key(origin, destination, kazakh):
        direction = demand_direction(net.nodes[origin].lon, net.nodes[destination].lon)
        far = destination if direction == "westbound" else origin
        return ("KZ" if kazakh else "other", "RU" if far == "MOW" else "EU", direction)

    trains, carried, declared = Counter(), Counter(), Counter()
    for s in c.services:
        if s.origin in NON_CRE or s.destination in NON_CRE:
            continue
        k = key(s.origin, s.destination, KAZAKH & set(s.route.crossings))
        n = len(s.departures_h)
        trains[k] += n
        carried[k] += n * s.containers_per_train * sc.train.teu_per_container
    for d in sc.demand:
        if d.origin in NON_CRE or d.destination in NON_CRE:
            continue
        declared[key(d.origin, d.destination, {"ASK", "KHG"} & set(d.route))] += \
            d.teu_per_week * 365 / 7
    return trains, carried, declared


@pytest.fixture(scope="module")
def y2024():
    return _groups("cre-2024")


@pytest.fixture(scope="module")
def y2021():
    return _groups("cre-2021")


def test_2024_europe_via_kazakhstan_carries_otlk_eras_figures(y2024):
    """OTLK ERA: 412,000 TEU China→Europe in 2024, ~15 eastbound per 100 westbound (A. Grom via
    Azernews 2025-03). Declared rates within 0.5 % (the 108-TEU train rounds 108.2 down);
    carried whole boxes within 1 %."""
    trains, carried, declared = y2024
    west, east = ("KZ", "EU", "westbound"), ("KZ", "EU", "eastbound")
    assert declared[west] == pytest.approx(412_000, rel=0.005)
    assert declared[east] == pytest.approx(0.15 * 412_000, rel=0.005)
    assert carried[west] == pytest.approx(412_000, rel=0.01)
    assert carried[east] / carried[west] == pytest.approx(0.15, abs=0.005)
    # the Russia-bound trains carry the eastbound returns: more of them east than west
    assert trains[("KZ", "RU", "eastbound")] > trains[("KZ", "RU", "westbound")]


def test_2024_groups_add_up_to_the_national_and_crossing_counts(y2024):
    """The group shares are a split, not extra trains: Europe + Russia trains via Kazakhstan
    = the 10,287 CRE trains of Alashankou and Khorgos (`sources.cre_via_kazakhstan`), and the
    westbound (eastbound) trains of every group add up to CRCT's 10,546 outbound (8,846
    inbound) trains of 2024 (index1520 2025-01-22), within whole departures."""
    trains, _, _ = y2024
    kz = sum(n for (via, _, _), n in trains.items() if via == "KZ")
    assert kz == pytest.approx(10_287, rel=0.005)
    west = sum(n for (_, _, d), n in trains.items() if d == "westbound")
    east = sum(n for (_, _, d), n in trains.items() if d == "eastbound")
    assert west == pytest.approx(10_546, rel=0.005)
    assert east == pytest.approx(8_846, rel=0.005)
    assert west + east == pytest.approx(19_392, rel=0.005)


def test_2021_europe_via_kazakhstan_carries_erais_figures(y2021):
    """ERAI 2021, China↔EU: 409,458 TEU westbound and 208,722 TEU eastbound (ERAI via
    telsglobal). Declared rates within 0.5 %; carried whole boxes (101 TEU → 102) within 2 %."""
    _, carried, declared = y2021
    west, east = ("KZ", "EU", "westbound"), ("KZ", "EU", "eastbound")
    assert declared[west] == pytest.approx(409_458, rel=0.005)
    assert declared[east] == pytest.approx(208_722, rel=0.005)
    assert carried[west] == pytest.approx(409_458, rel=0.02)
    assert carried[east] == pytest.approx(208_722, rel=0.02)


@pytest.mark.parametrize("name,figures", [
    ("cre-2024", ["412,000", "15 eastbound per 100 westbound", "10,546", "8,846"]),
    ("cre-2021", ["409,458", "208,722"]),
])
def test_direction_sources_name_the_figures_used(name, figures):
    """`sources.directions` states the published figures the split is built from."""
    path = load_scenario(name)[1]
    text = yaml.safe_load(path.read_text())["sources"]["directions"]
    for f in figures:
        assert f in text, (name, f)
