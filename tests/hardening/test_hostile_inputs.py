"""Regression tests for issue 14 items 1, 2, 3, 6 and 7: hostile and ambiguous input
files are refused with a message naming file, item and field; nothing crashes, hangs,
exhausts memory or is silently misread."""

from __future__ import annotations

import copy
import json
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from landbridge.errors import InputError, NetworkError, ScenarioError
from landbridge.network import bundled_network_path, load_network
from landbridge.scenario import load_scenario, parse_scenario
from landbridge.textfiles import (MAX_DEPTH, MAX_FILE_BYTES, InputLimitError, load_json_file,
                                  load_yaml_file, loads_json, loads_yaml, read_text_file)

BOMB = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]"
       for p, c in zip("abcdefgh", "bcdefghi")]) + "\n"


# ------------------------------------------------------------------ the YAML resolver
@pytest.mark.parametrize("text, expected", [
    ("v: 1:30", "1:30"),          # YAML 1.1: sexagesimal 90
    ("v: 010", "010"),            # YAML 1.1: octal 8
    ("v: 0x10", "0x10"),          # YAML 1.1: 16
    ("v: NO", "NO"),              # YAML 1.1: False (Norway!)
    ("v: yes", "yes"),            # YAML 1.1: True
    ("v: 1_000", "1_000"),        # YAML 1.1: 1000
    ("v: 1e9", 1e9),              # YAML 1.1: the text "1e9"
    ("v: -3", -3),
    ("v: 0.5", 0.5),
    ("v: true", True),
    ("v: 2021-01-20", date(2021, 1, 20)),
    ("v: 2021-01-01 12:00:00", datetime(2021, 1, 1, 12)),
])
def test_yaml_resolves_like_yaml_1_2(text, expected):
    assert loads_yaml(text) == {"v": expected}


def test_explicit_octal_tag_is_refused():
    with pytest.raises(yaml.YAMLError, match="not a decimal integer"):
        loads_yaml("v: !!int 010")


# --------------------------------------------------------------------- input limits
def test_alias_bomb_is_refused_before_it_is_built():
    with pytest.raises(InputLimitError, match="alias") as exc:
        loads_yaml(BOMB)
    assert exc.value.line is not None


@pytest.mark.parametrize("text", ["a: &a [*a]", "a: &a {b: [1, *a]}"])
def test_recursive_alias_is_refused_not_a_hang(text):
    """Found by the fuzz campaign: a self-referring alias made the expansion check loop."""
    with pytest.raises(InputLimitError, match="endless structure"):
        loads_yaml(text)


def test_aliases_of_modest_size_still_work():
    data = loads_yaml("a: &d {kind: fixed, value: 2.0}\nb: *d\n")
    assert data["b"] == {"kind": "fixed", "value": 2.0}


def test_deep_yaml_nesting_is_refused():
    with pytest.raises(InputLimitError, match=f"deeper than {MAX_DEPTH}"):
        loads_yaml("[" * 1000 + "]" * 1000)
    assert loads_yaml("[" * 10 + "]" * 10) == [[[[[[[[[[]]]]]]]]]]


def test_deep_json_nesting_is_refused():
    with pytest.raises(InputLimitError, match="deeper than"):
        loads_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputLimitError, match="deeper than"):
        loads_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


@pytest.mark.parametrize("loads, text", [(loads_yaml, "v: " + "9" * 5001),
                                         (loads_json, '{"v": ' + "9" * 5001 + "}"),
                                         (loads_json, '{"v": 1.' + "5" * 5001 + "}")])
def test_overlong_numbers_are_refused(loads, text):
    with pytest.raises(InputLimitError, match="5,00[1-3] characters"):
        loads(text)


def test_mapping_used_as_a_key_is_refused():
    with pytest.raises(yaml.YAMLError, match="used as a key"):
        loads_yaml("{[1]: 2}")


# ------------------------------------------------------------------- special files
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_by_type(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    with pytest.raises(InputError, match="is a character device, expected a YAML file"):
        load_yaml_file(device)


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a FIFO"):
        load_yaml_file(fifo)
    with pytest.raises(InputError, match="is a FIFO"):
        load_json_file(fifo)


def test_directory_and_oversized_file_are_refused(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_text_file(tmp_path)
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(InputError, match="at most"):
        read_text_file(big)


def test_base_pointing_at_a_device_or_fifo_is_an_input_error(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo)):
        f = tmp_path / "w.yaml"
        f.write_text(f"base: {target}\nname: w\n")
        with pytest.raises(ScenarioError) as exc:
            load_scenario(f)
        text = str(exc.value)
        assert "expected a YAML file" in text and target in text


def test_network_files_that_are_devices_are_refused(tmp_path):
    net = tmp_path / "net"
    shutil.copytree(bundled_network_path(), net)
    (net / "nodes.geojson").unlink()
    (net / "nodes.geojson").symlink_to("/dev/zero")
    with pytest.raises(NetworkError) as exc:
        load_network(net)
    assert any(p.file.endswith("nodes.geojson") and "character device" in p.message
               for p in exc.value.problems)
    with pytest.raises(NetworkError, match="expected a network directory"):
        load_network("/dev/zero")


# ------------------------------------------------------------- scenario dates (item 6)
@pytest.fixture(scope="module")
def default_data():
    sc, _ = load_scenario("default")
    return sc.model_dump(mode="json", by_alias=True)


def _problems(data):
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(data, "s.yaml")
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize("value", [0, 20210101, "20210101", 1.5])
def test_numbers_are_not_start_dates(default_data, value):
    d = dict(default_data, start_date=value)
    assert any(p.startswith("s.yaml: start_date:") and "is a number" in p
               for p in _problems(d))


def test_start_date_with_a_time_is_refused_not_a_crash(default_data):
    d = dict(default_data, start_date=datetime(2021, 1, 1, 12))
    assert any("start_date" in p and "has a time of day" in p for p in _problems(d))
    # midnight is the date itself
    assert parse_scenario(dict(default_data, start_date=datetime(2021, 1, 1)),
                          "s.yaml").start_date == date(2021, 1, 1)


def test_numbers_are_not_window_times(default_data):
    d = copy.deepcopy(default_data)
    d["disruptions"] = [{"kind": "closure", "target": "KHG-ALT",
                         "window": {"start": 20210101, "end": 20210201}}]
    probs = _problems(d)
    assert any(p.startswith("s.yaml: disruptions[0].window.start:") and "is a number" in p
               for p in probs)


def test_sexagesimal_horizon_is_refused_from_a_file(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("base: default\nname: s\nhorizon_days: 1:30\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    assert any(p.item == "horizon_days" and "'1:30'" in p.message for p in exc.value.problems)


def test_duplicate_ids_name_their_paths(default_data):
    d = copy.deepcopy(default_data)
    w = {"start_day": 1.0, "end_day": 2.0}
    d["disruptions"] = [{"kind": "closure", "id": "x", "target": "KHG-ALT", "window": w},
                        {"kind": "closure", "id": "x", "target": "ASK-DST", "window": w}]
    assert any("duplicate disruption id 'x' at disruptions[0].id and disruptions[1].id" in p
               for p in _problems(d))


# ------------------------------------------------------------------ network (item 7)
@pytest.fixture
def net(tmp_path):
    d = tmp_path / "net"
    shutil.copytree(bundled_network_path(), d)
    return d


def _net_problems(net):
    with pytest.raises(NetworkError) as exc:
        load_network(net)
    return exc.value.problems


def _edit_json(path, fn):
    doc = json.loads(path.read_text())
    fn(doc)
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize("fname", ["nodes.geojson", "links.geojson"])
@pytest.mark.parametrize("doc", [{"type": "FeatureCollection", "features": []}, None])
def test_network_without_nodes_or_links_is_refused(net, fname, doc):
    (net / fname).write_text(json.dumps(doc))
    probs = _net_problems(net)
    assert any(p.file.endswith(fname) for p in probs)


def test_unknown_country_feature_type_and_boolean_tracks(net):
    def nodes(doc):
        doc["features"][0]["properties"]["country"] = "XX"
        doc["features"][1]["type"] = "Node"

    def links(doc):
        doc["features"][0]["properties"]["tracks"] = True
        doc["features"][1]["properties"]["from_node"] = []

    _edit_json(net / "nodes.geojson", nodes)
    _edit_json(net / "links.geojson", links)
    probs = _net_problems(net)
    text = "\n".join(str(p) for p in probs)
    assert "properties.country: 'XX' is not an ISO 3166-1 alpha-2 country code" in text
    assert any(p.field == "type" and "found 'Node'" in p.message for p in probs)
    assert any(p.field == "properties.tracks" for p in probs)
    assert any(p.field == "properties.from_node" for p in probs)


# ------------------------------------------------------- items 1 and 2 (validation)
def test_ferry_below_one_container_per_sailing_is_refused(net):
    def links(doc):
        for f in doc["features"]:
            if f["properties"]["mode"] == "ferry":
                f["properties"]["capacity_teu_per_sailing"] = 1.0
                return
        pytest.skip("no ferry link in the bundled network")

    _edit_json(net / "links.geojson", links)
    assert any(p.field == "properties" and "less than one 40-ft container" in p.message
               or "less than one 40-ft container" in p.message for p in _net_problems(net))


@pytest.mark.parametrize("field, mode", [("clearance_h", "rail"), ("truck_processing_h", "road")])
def test_zero_service_time_is_refused(net, field, mode):
    doc = yaml.safe_load((net / "crossings.yaml").read_text())
    c = next(c for c in doc["crossings"] if c.get("mode", "rail") == mode)
    c[field] = {"kind": "fixed", "value": 0}
    (net / "crossings.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    assert any(p.item == c["id"] and f"{field} has a mean of 0 h" in p.message
               for p in _net_problems(net))
