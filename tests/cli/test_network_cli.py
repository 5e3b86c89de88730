"""The `landbridge route` and `landbridge network` commands."""

import json

from typer.testing import CliRunner
from netfactory import two_corridor_network

from landbridge.cli import app
from landbridge.network import Route

runner = CliRunner()


def test_route_json_round_trips(tmp_path):
    d = two_corridor_network(tmp_path / "n")
    res = runner.invoke(app, ["route", "alpha", "delta", "--k", "2", "--json", "--network", str(d)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    routes = [Route.from_dict(x) for x in data]
    assert [r.crossings for r in routes] == [("E-F",), ("B-C",)]
    assert [r.to_dict() for r in routes] == data


def test_route_unknown_name_suggests_and_exits_2(tmp_path):
    d = two_corridor_network(tmp_path / "n")
    res = runner.invoke(app, ["route", "Alpa", "Delta", "--network", str(d)])
    assert res.exit_code == 2
    assert "Did you mean Alpha" in res.output
    assert "Traceback" not in res.output


def test_validate_lists_every_problem(tmp_path):
    d = two_corridor_network(tmp_path / "n")
    nodes = json.loads((d / "nodes.geojson").read_text())
    nodes["features"][0]["properties"]["country"] = "China"
    nodes["features"][1]["geometry"]["coordinates"] = [500, 0]
    (d / "nodes.geojson").write_text(json.dumps(nodes))
    (d / "crossings.yaml").write_text((d / "crossings.yaml").read_text().replace(
        "inspection_teams: 2", "inspection_teams: -1", 1))
    res = runner.invoke(app, ["network", "validate", str(d)])
    assert res.exit_code == 2
    assert "3 problems" in res.output
    assert "nodes.geojson: A.properties.country" in res.output
    assert "B.geometry.coordinates[0] (lon)" in res.output
    assert "crossings.yaml: B-C.inspection_teams" in res.output


def test_show_json_counts(tmp_path):
    d = two_corridor_network(tmp_path / "n")
    res = runner.invoke(app, ["network", "show", "--json", "--network", str(d)])
    data = json.loads(res.stdout)
    assert (data["nodes"], data["links"], data["crossings"]) == (6, 6, 2)
    assert data["length_km_by_mode"] == {"rail": 770.0}
    assert data["countries"]["CN"]["nodes"] == 3
