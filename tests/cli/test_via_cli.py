"""`route --via`, `compare --via` and node-name suggestions on the bundled network."""

import json

from typer.testing import CliRunner

from landbridge.cli import app

runner = CliRunner()


def _json(args):
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _ferries(route):
    return [leg["link"] for leg in route["legs"] if leg["mode"] == "ferry"]


def test_route_via_passes_the_port_it_names():
    (kuryk,) = _json(["route", "Xian", "Istanbul", "--via", "Kuryk", "--json"])
    (aktau,) = _json(["route", "Xian", "Istanbul", "--via", "Aktau", "--json"])
    assert _ferries(kuryk) == ["KUR-ALAT"] and _ferries(aktau) == ["AKU-ALAT"]
    assert "AKU" in [leg["from_node"] for leg in aktau["legs"]]
    (two,) = _json(["route", "Xian", "Istanbul", "--via", "KHG", "--via", "Aktau", "--json"])
    assert "KHG-ALT" in two["crossings"] and _ferries(two) == ["AKU-ALAT"]


def test_compare_via_passes_the_node_in_every_rail_corridor():
    data = _json(["compare", "Chongqing", "Duisburg", "--via", "Aktau", "--k", "3", "--json"])
    rail = [o for o in data["options"] if o["mode"] not in ("sea", "air")]
    assert len(rail) == 3 and all("AKU-ALAT ferry" in o["corridor"] for o in rail)
    assert [o["mode"] for o in data["options"]][-2:] == ["sea", "air"]


def test_compare_k18_lists_the_middle_corridor():
    # each overland corridor comes three times (Brest–Małaszewicze, Bruzgi–Kuźnica,
    # Svislach–Siemianówka) before the Caspian ferries
    data = _json(["compare", "Chongqing", "Duisburg", "--k", "18", "--json"])
    rail = [o["corridor"] for o in data["options"] if o["mode"] not in ("sea", "air")]
    assert len(rail) == len(set(rail)) == 18
    assert any("ALAT ferry" in c and "BKS-GAR" in c for c in rail), rail


def test_route_suggests_each_node_once():
    res = runner.invoke(app, ["route", "Xian", "Istambul"])
    assert res.exit_code == 2
    assert "Did you mean Istanbul (Halkalı) (IST)?" in res.output
    res = runner.invoke(app, ["route", "Duisbrg", "Xian"])
    assert res.exit_code == 2 and res.output.count("Duisburg (duisport) (DUI)") == 1
    res = runner.invoke(app, ["route", "Xian", "Istanbul", "--via", "Aktua"])
    assert res.exit_code == 2 and "Did you mean Aktau port (AKU)" in res.output
