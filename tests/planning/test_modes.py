"""Mode factors, sea and air legs, and the mode comparison, by hand."""

import math

import pytest
from typer.testing import CliRunner

from landbridge.cli import app
from landbridge.network import load_network
from landbridge.planning import PortSeaRouter, compare_modes, load_mode_factors
from landbridge.planning.modes import KM_PER_NAUTICAL_MILE, air_leg, haversine_km, link_tariff_usd_per_feu
from toy import toy_scenario


def test_every_factor_has_a_source():
    f = load_mode_factors()
    src = f.sources()
    assert "sea.speed_knots" in src and "air.co2_kg_per_teu_km" in src
    assert all(s.split(": ", 1)[1] for s in src.values())


def test_haversine_quarter_meridian():
    assert haversine_km(0, 0, 0, 90) == pytest.approx(math.pi / 2 * 6371.0088)


def test_default_tariff_per_km(tmp_path):
    from netfactory import link, node, write

    net = load_network(write(tmp_path / "n", [node("A", "KZ", 70, 45, gauge=1520),
                                              node("B", "KZ", 71, 45, gauge=1520)],
                             [link("A-B", "A", "B", 100, speed=50, gauge=1520)], []))
    f = load_mode_factors()
    assert link_tariff_usd_per_feu(net, net.links["A-B"], f) == pytest.approx(
        100 * f.default_tariffs_usd_per_feu_km.rail_1520.value)


def test_sea_leg_equals_hand_computation():
    f = load_mode_factors()
    net = load_network(None)
    leg = PortSeaRouter(f).sea_leg(net, "CQ", "DUI")
    s = f.sea
    cq, dui = net.nodes["CQ"], net.nodes["DUI"]
    po = min(s.ports, key=lambda p: haversine_km(cq.lon, cq.lat, *s.ports[p][1:]))
    pd_ = min(s.ports, key=lambda p: haversine_km(dui.lon, dui.lat, *s.ports[p][1:]))
    assert (leg.origin_port, leg.destination_port) == (po, pd_)
    sea_km = s.distances_km.pairs[f"{po}-{pd_}"]
    hinter = (haversine_km(cq.lon, cq.lat, *s.ports[po][1:])
              + haversine_km(dui.lon, dui.lat, *s.ports[pd_][1:])) * s.hinterland_detour_factor.value
    days = (sea_km / (s.speed_knots.value * KM_PER_NAUTICAL_MILE * 24)
            + 2 * s.port_days_per_end.value + hinter / s.hinterland_km_per_day.value)
    usd = (s.rate_usd_per_feu.value * sea_km / s.distances_km.pairs["CNSHA-NLRTM"]
           + hinter * s.hinterland_usd_per_feu_km.value)
    assert leg.sea_km == sea_km and leg.days == pytest.approx(days)
    assert leg.usd_per_feu == pytest.approx(usd)


def test_landlocked_place_has_no_sea_alternative():
    net = load_network(None)
    assert PortSeaRouter().sea_leg(net, "ALA", "DUI") is None


def test_air_leg():
    f = load_mode_factors()
    net = load_network(None)
    a = air_leg(net, "CQ", "DUI", f)
    cq, dui = net.nodes["CQ"], net.nodes["DUI"]
    km = haversine_km(cq.lon, cq.lat, dui.lon, dui.lat) + 95
    assert a.distance_km == pytest.approx(km)
    assert a.usd_per_feu == pytest.approx(f.air.rate_usd_per_kg.value * 20_000)
    assert a.co2_kg_per_teu == pytest.approx(km * 0.498 * 10)


def test_compare_lists_rail_sea_air():
    c = compare_modes(load_network(None), "Chongqing", "Duisburg")
    modes = [o.mode for o in c.options]
    assert modes.count("rail") >= 2 and modes[-2:] == ["sea", "air"]
    rail = c.options[0]
    sea, air = c.options[-2], c.options[-1]
    assert air.days < rail.days < sea.days
    assert air.usd_per_feu > rail.usd_per_feu


def test_cli_compare_and_plan_json(tmp_path):
    r = CliRunner().invoke(app, ["compare", "Chongqing", "Duisburg", "--k", "2"])
    assert r.exit_code == 0, r.output
    assert "rail" in r.output and "sea" in r.output and "air" in r.output
    # the toy corridor is landlocked (no sea alternative): 1,000 TEU/week cannot be carried
    path = toy_scenario(tmp_path)
    r = CliRunner().invoke(app, ["plan", str(path), "--no-sim"])
    assert r.exit_code == 3
    assert "crossing B-C a_to_b: max trains/day" in r.output
    assert "Traceback" not in r.output
    path = toy_scenario(tmp_path, teu_per_week=700.0)
    r = CliRunner().invoke(app, ["plan", str(path), "--no-sim", "--json"])
    assert r.exit_code == 0, r.output
    import json

    data = json.loads(r.stdout)
    assert data["summary"]["rail_teu_per_week"] == 700
    assert data["binding"][0]["constraint"] == "crossing B-C a_to_b: max trains/day"
    r = CliRunner().invoke(app, ["compare", "Chongqing", "Nowhere"])
    assert r.exit_code == 2 and "no node named" in r.output
