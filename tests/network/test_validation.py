"""One test per kind of network validation error; each checks file, item and field."""

import json

import pytest
import yaml

from landbridge.errors import NetworkError
from landbridge.network import load_network
from netfactory import TRANSSHIP, crossing, link, node, two_corridor_network, write


def problems_of(path):
    with pytest.raises(NetworkError) as info:
        load_network(path)
    return info.value.problems


def _load(dirpath):
    nodes = json.loads((dirpath / "nodes.geojson").read_text())["features"]
    links = json.loads((dirpath / "links.geojson").read_text())["features"]
    crossings = yaml.safe_load((dirpath / "crossings.yaml").read_text())["crossings"]
    return nodes, links, crossings


@pytest.fixture
def base(tmp_path):
    return two_corridor_network(tmp_path / "net")


def find(problems, file, item, field):
    hits = [p for p in problems if p.file.endswith(file) and p.item == item and p.field == field]
    assert hits, f"no problem for {file}:{item}.{field} in {problems}"
    return hits[0]


def test_valid_network_loads(base):
    net = load_network(base)
    assert (len(net.nodes), len(net.links), len(net.crossings)) == (6, 6, 2)


def test_duplicate_ids(base):
    nodes, links, crossings = _load(base)
    nodes.append(node("A", "CN", 80, 44, kind="terminal"))
    write(base, nodes, links, crossings)
    p = find(problems_of(base), "nodes.geojson", "A", "id")
    assert "duplicate" in p.message


def test_link_to_unknown_node(base):
    nodes, links, crossings = _load(base)
    links.append(link("A-Z", "A", "Z", 50, speed=50))
    write(base, nodes, links, crossings)
    p = find(problems_of(base), "links.geojson", "A-Z", "properties.to_node")
    assert "'Z'" in p.message


@pytest.mark.parametrize("field,value", [("length_km", 0), ("speed_kmh", -5),
                                         ("capacity_trains_per_day", 0)])
def test_non_positive_quantities(base, field, value):
    nodes, links, crossings = _load(base)
    links[0]["properties"][field] = value
    write(base, nodes, links, crossings)
    p = find(problems_of(base), "links.geojson", "A-B", f"properties.{field}")
    assert "greater than 0" in p.message


def test_coordinates_out_of_range(base):
    nodes, links, crossings = _load(base)
    nodes[0]["geometry"]["coordinates"] = [200.0, 95.0]
    write(base, nodes, links, crossings)
    probs = problems_of(base)
    find(probs, "nodes.geojson", "A", "geometry.coordinates[1] (lat)")
    find(probs, "nodes.geojson", "A", "geometry.coordinates[0] (lon)")


def test_gauge_mismatch_at_ordinary_station(base):
    nodes, links, crossings = _load(base)
    nodes.append(node("G", "KZ", 75, 43, gauge=1520))
    links.append(link("D-G", "D", "G", 50, speed=50, gauge=1435))  # D has 1520 links
    write(base, nodes, links, crossings)
    p = find(problems_of(base), "nodes.geojson", "D", "properties.kind")
    assert "1435" in p.message and "1520" in p.message


def test_crossing_in_one_country(base):
    nodes, links, crossings = _load(base)
    nodes[2]["properties"]["country"] = "CN"  # C now in China like B
    write(base, nodes, links, crossings)
    p = find(problems_of(base), "crossings.yaml", "B-C", "station_b")
    assert "two countries" in p.message


def test_gauge_break_without_transshipment(base):
    nodes, links, crossings = _load(base)
    crossings[0].pop("transshipment")
    write(base, nodes, links, crossings)
    find(problems_of(base), "crossings.yaml", "B-C", "transshipment")


def test_unknown_key_is_an_error(base):
    nodes, links, crossings = _load(base)
    links[1]["properties"]["colour"] = "red"
    crossings[1]["inspection_team"] = 3
    write(base, nodes, links, crossings)
    probs = problems_of(base)
    assert "unknown field" in find(probs, "links.geojson", "B-C", "properties.colour").message
    find(probs, "crossings.yaml", "E-F", "inspection_team")


def test_malformed_json_names_line(base):
    text = (base / "links.geojson").read_text().splitlines()
    text[5] = text[5] + ","  # a trailing comma somewhere inside
    (base / "links.geojson").write_text("\n".join(text))
    probs = problems_of(base)
    p = [p for p in probs if p.file.endswith("links.geojson")][0]
    assert p.item.startswith("line ") and "malformed JSON" in p.message


def test_malformed_yaml_names_line(base):
    (base / "crossings.yaml").write_text("crossings:\n  - id: X\n    name: [unclosed\n")
    p = [p for p in problems_of(base) if p.file.endswith("crossings.yaml")][0]
    assert p.item.startswith("line ") and "malformed YAML" in p.message


def test_every_problem_reported_together(base):
    nodes, links, crossings = _load(base)
    links.append(link("A-Z", "A", "Z", 50, speed=50))
    nodes[0]["geometry"]["coordinates"] = [80.0, 95.0]
    crossings[0]["inspection_teams"] = 0
    write(base, nodes, links, crossings)
    files = {p.file.rsplit("/", 1)[-1] for p in problems_of(base)}
    assert files == {"nodes.geojson", "links.geojson", "crossings.yaml"}


def test_bad_distribution_parameters(base):
    nodes, links, crossings = _load(base)
    crossings[0]["clearance_h"] = {"kind": "triangular", "low": 5, "mode": 2, "high": 4}
    write(base, nodes, links, crossings)
    p = find(problems_of(base), "crossings.yaml", "B-C", "clearance_h")
    assert "low <= mode <= high" in p.message


def test_duplicate_json_key_is_an_error(base):
    text = (base / "nodes.geojson").read_text().replace('"id": "A",', '"id": "A", "id": "X",', 1)
    (base / "nodes.geojson").write_text(text)
    probs = problems_of(base)
    assert any("duplicate key 'id'" in p.message for p in probs)
    # the file did not load: no flood of "unknown node" problems about it
    assert not any("unknown node" in p.message for p in probs)


def test_strings_and_booleans_are_not_numbers(base):
    nodes, links, crossings = _load(base)
    links[0]["properties"]["length_km"] = "12"
    crossings[0]["inspection_teams"] = True
    write(base, nodes, links, crossings)
    probs = problems_of(base)
    find(probs, "links.geojson", "A-B", "properties.length_km")
    find(probs, "crossings.yaml", "B-C", "inspection_teams")


def test_link_geometry_must_join_its_nodes(base):
    links = json.loads((base / "links.geojson").read_text())
    links["features"][0]["geometry"]["coordinates"] = [[0, 0], [1, 1]]
    (base / "links.geojson").write_text(json.dumps(links))
    p = find(problems_of(base), "links.geojson", "A-B", "geometry.coordinates")
    assert "not at its node" in p.message


def test_alias_may_not_name_another_node(base):
    nodes, links, crossings = _load(base)
    nodes[0]["properties"]["aliases"] = ["Delta"]
    write(base, nodes, links, crossings)
    find(problems_of(base), "nodes.geojson", "A", "properties.aliases")


def test_field_of_another_mode_is_an_error(base):
    nodes, links, crossings = _load(base)
    links[0]["properties"]["sailings_per_week"] = 3
    write(base, nodes, links, crossings)
    p = find(problems_of(base), "links.geojson", "A-B", "properties")
    assert "sailings_per_week applies to ferry links" in p.message


def test_empty_crossings_file_is_an_error(base):
    (base / "crossings.yaml").write_text("")
    probs = problems_of(base)
    assert any(p.file.endswith("crossings.yaml") and "empty" in p.message for p in probs)
