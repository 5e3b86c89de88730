"""The bundled year scenarios against the published totals of their year, and every
figure of the bundled data files with its source."""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from landbridge.network import load_network
from landbridge.scenario import bundled_scenarios, compile_scenario, load_scenario
from landbridge.scenario.volumes import scenario_volumes

DATA = Path(__file__).resolve().parents[2] / "src" / "landbridge" / "data"
#: destinations of the trains that are not China–Europe Railway Express trains
NON_CRE = {"ALA", "TAS", "IST", "BAK", "CND"}
YEAR_RE = re.compile(r"\b(19|20)\d\d\b")


@pytest.fixture(scope="module")
def compiled_default():
    sc, path = load_scenario("default")
    return compile_scenario(sc, file=path)


def _cre(compiled):
    return [s for s in compiled.services
            if s.origin not in NON_CRE and s.destination not in NON_CRE]


def test_default_is_the_whole_cre_of_2021(compiled_default):
    """China State Railway Group: more than 15,000 CRE trains in 2021 (+22 % on 2020's
    12,400 = 15,128) carrying 1.46 M TEU (RailFreight 2022-01-14): within 3 %."""
    assert compiled_default.scenario.year == 2021
    cre = _cre(compiled_default)
    trains = sum(len(s.departures_h) for s in cre)
    teu = sum(len(s.departures_h) * s.containers_per_train * 2 for s in cre)
    assert trains == pytest.approx(15_128, rel=0.03)
    assert trains >= 15_000
    assert teu == pytest.approx(1_460_000, rel=0.03)


def test_default_splits_over_the_crossings_by_published_counts(compiled_default):
    """Trains a year by the Chinese border crossing they leave or enter China by (both
    directions), within 10 % of:
    Manzhouli 4,235 (Xinhua 2022-01-06); Erenhot 2,531 by 5 Dec → 2,725; Suifenhe 323 by
    25 Aug → 500; Alashankou + Khorgos 12,210 incl. China–Central Asia (China Railway
    Ürümqi via Agenzia Nova 2022-01-08), Alashankou 5,500 and Khorgos 6,000 by mid-December
    (ECNS 2021-12-15) → 47.8 % / 52.2 %."""
    chinese = {"ASK-DST", "KHG-ALT", "MZL-ZBK", "EHT-ZU", "SFH-GRD"}
    net = compiled_default.network
    per = Counter()
    for s in compiled_default.services:
        xs = [x for x in s.route.crossings if x in chinese]
        if xs:  # the crossing a train leaves China by (westbound) or enters it by
            west = net.nodes[s.destination].lon < net.nodes[s.origin].lon
            per[xs[0] if west else xs[-1]] += len(s.departures_h)
    published = {"MZL-ZBK": 4235, "EHT-ZU": 2725, "SFH-GRD": 500,
                 "ASK-DST": 12_210 * 5500 / 11500, "KHG-ALT": 12_210 * 6000 / 11500}
    for x, n in published.items():
        assert per[x] == pytest.approx(n, rel=0.10), x
    assert per["ASK-DST"] + per["KHG-ALT"] == pytest.approx(12_210, rel=0.03)


@pytest.mark.parametrize("name,trains,teu,westbound", [
    ("cre-2019", 8_225, 725_000, None),                # China State Railway Group; EDB via UTLC
    ("cre-2024", 19_392, 2_077_216, 10_546),          # CRCT via index1520 2025-01-22
])
def test_other_years_carry_their_published_totals(name, trains, teu, westbound):
    sc, path = load_scenario(name)
    c = compile_scenario(sc, file=path)
    cre = _cre(c)
    n = sum(len(s.departures_h) for s in cre)
    assert n == pytest.approx(trains, rel=0.03)
    assert sum(len(s.departures_h) * s.containers_per_train * 2 for s in cre) == \
        pytest.approx(teu, rel=0.03)
    if westbound:
        net = c.network
        west = sum(len(s.departures_h) for s in cre
                   if net.nodes[s.destination].lon < net.nodes[s.origin].lon)
        assert west == pytest.approx(westbound, rel=0.03)


def test_year_capacities_are_overrides_of_their_year():
    """Dostyk–Aktogay was single track (12 pairs/day) before its second track opened in
    stages from 29 Jan to 30 Sep 2025 (kazpravda.kz 2025-09-12; KTZ via inform.kz 2026-01-05);
    Khorgos Gateway took 10–12 trains/day before its second facility (Oct 2022) and
    19–20 after (KTZ via RailFreight 2022-10-06)."""
    got = {}
    for name in ("cre-2019", "cre-2021", "cre-2024"):
        sc, path = load_scenario(name)
        net = compile_scenario(sc, file=path).network
        got[name] = (net.links["DST-AKT"].capacity_trains_per_day,
                     net.crossings["KHG-ALT"].max_trains_per_day)
    assert got["cre-2019"] == (12, 10)
    assert got["cre-2021"] == (12, 12)
    assert got["cre-2024"] == (12, 20)


def test_scenario_volumes_match_the_compiled_departures(compiled_default):
    """`scenario list` rates (× 365 days) equal the compiled timetable within the
    rounding of whole departures per service."""
    sc, _ = load_scenario("default")
    v = scenario_volumes(sc, compiled_default.network)
    n = sum(len(s.departures_h) for s in compiled_default.services)
    assert v.trains_per_year == pytest.approx(n, abs=len(compiled_default.services))


def _sourced(entry) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("source"), str) \
        and entry["source"].strip() != ""


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_figure_in_a_bundled_scenario_has_a_source(name):
    """Every demand row, road flow, disruption, policy, investment and override carries a
    source; the scenario-wide figures are explained in `sources`."""
    data = yaml.safe_load((DATA / "scenarios" / f"{name}.yaml").read_text())
    missing = []
    for key in ("demand", "road_flows", "disruptions", "policies", "investments"):
        for i, e in enumerate(data.get(key) or []):
            if not _sourced(e):
                missing.append(f"{key}[{i}]")
            for j, p in enumerate(e.get("policies") or []) if key == "investments" else ():
                pass
    for kind, items in (data.get("overrides") or {}).items():
        for ident, fields in items.items():
            if not _sourced(fields):
                missing.append(f"overrides.{kind}.{ident}")
    if "base" not in data:  # a full scenario explains its scenario-wide figures
        src = data.get("sources") or {}
        for key in ("teu_per_train", "value_of_time", "running_time_variability",
                    "approach_holding_trains", "cre_total", "origins", "destinations",
                    "directions"):
            if not str(src.get(key, "")).strip():
                missing.append(f"sources.{key}")
        assert YEAR_RE.search(src["cre_total"])
    assert not missing, missing


def test_every_figure_in_modes_yaml_has_a_source_and_published_ones_a_year():
    """Every {value: ...} in modes.yaml has a source and a grade; a published figure (grade
    A, B or C) names its year."""
    data = yaml.safe_load((DATA / "modes.yaml").read_text())
    bad, n = [], 0

    def walk(obj, where):
        nonlocal n
        if isinstance(obj, dict):
            if "value" in obj:
                n += 1
                if not _sourced(obj) or obj.get("grade") not in ("A", "B", "C", "E"):
                    bad.append(where)
                elif obj["grade"] != "E" and not YEAR_RE.search(obj["source"]):
                    bad.append(where + " (no year)")
            for k, v in obj.items():
                walk(v, f"{where}.{k}")

    walk(data, "modes")
    assert n > 20 and not bad, bad


@pytest.mark.parametrize("name, port_wagons", [
    ("cre-2019", 20_331 + 42),      # Port of Baku via sea-news.az 2020-01-28
    ("cre-2021", 9_559),            # Port of Baku via business.com.tm 2022-01 (Kuryk/Aktau)
    ("cre-2024", 37_515 * 0.379),   # 37,515 all routes (sea-news.az 2025-01-15) × 2025 share
])
def test_caspian_ferries_carry_the_published_wagons_in_all(name, port_wagons):
    """Conservation with the Port of Baku's counts: background wagons (both directions) plus
    the scenario's own Middle Corridor container wagons (one FEU a wagon) equal the year's
    published wagons on the Baku–Kuryk/Aktau ferries, except where the container wagons
    alone exceed a period's count (2021 Q1, all of 2024): then the background is nil.
    Each background override names the Port of Baku and a year."""
    sc, path = load_scenario(name)
    compiled = compile_scenario(sc, file=path)
    net = compiled.network
    background = sum(2 * sum(net.links[lid].background_wagons_by_month or ())
                     for lid in ("KUR-ALAT", "AKU-ALAT"))
    data = yaml.safe_load((DATA / "scenarios" / f"{name}.yaml").read_text())
    container = sum(r["teu_per_week"] * 365 / 7 / 2 for r in data["demand"]
                    if {"KUR", "AKU"} & set(r.get("route", ())))
    shortfall = {"cre-2019": 0.0, "cre-2021": 1_744.1 - 1_714, "cre-2024": None}[name]
    if shortfall is None:
        assert background == 0 and container > port_wagons
    else:
        assert background + container == pytest.approx(port_wagons + shortfall, abs=3)
    for lid, fields in (data["overrides"].get("links") or {}).items():
        if "background_wagons_by_month" in fields:
            assert "Port of Baku" in fields["source"] and YEAR_RE.search(fields["source"]), lid


def test_bruzgi_kuznica_carries_the_pinned_flows_and_brest_the_rest(compiled_default):
    """2021: the Xi'an–Warsaw flows via Alashankou (306 trains, sources.belarus_gateways) cross
    at Bruzgi–Kuźnica; Brest–Małaszewicze keeps about nine tenths or more of the trains
    crossing Belarus–Poland (~90 % of CRE trains, policycn 2021); none uses Svislach."""
    n = Counter()
    for s in compiled_default.services:
        for c in s.route.crossings:
            n[c] += len(s.departures_h)
    # less the 3 departures of the 153-a-year Alashankou flow (2.93 a week) in the 7-day
    # Alashankou loading stop of 25 Oct – 1 Nov 2021 (loading_stops, RailFreight 2021-10-26)
    assert n["GRO-KUZ"] == pytest.approx(306 - 3, abs=2)
    assert n["SVL-SIE"] == 0
    assert n["BRE-MAL"] / (n["BRE-MAL"] + n["GRO-KUZ"]) >= 0.9
