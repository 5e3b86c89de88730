"""A run directory's bytes do not depend on where the replications ran (in this process
or on two worker processes, finishing in any order) nor on whether the event logs were
encoded as the replications ended."""

import hashlib

import pytest

from netfactory import two_corridor_network

from landbridge.network import load_network
from landbridge.runners import run_replications
from landbridge.runners.executors import process_pool
from landbridge.scenario import compile_scenario, parse_scenario
from landbridge.store import write_run_dir
from landbridge.store.rundir import write_events_parquet


def _compiled(tmp_path):
    net = load_network(two_corridor_network(tmp_path / "n"))
    sc = parse_scenario({
        "name": "par", "start_date": "2025-01-01", "horizon_days": 15, "warmup_days": 1,
        "seed": 11, "replications": 3,
        "services": [{"id": "S", "origin": "A", "destination": "D", "departures_per_week": 35},
                     {"id": "W", "origin": "D", "destination": "A", "departures_per_week": 14,
                      "arrival_process": "poisson"}],
        "disruptions": [{"kind": "closure", "target": "B-C",
                         "window": {"start_day": 3, "end_day": 5}}]})
    return compile_scenario(sc, net)


def _digest(path):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir())}


def test_encoded_logs_are_the_bytes_the_writer_writes(tmp_path):
    compiled = _compiled(tmp_path)
    plain = run_replications(compiled)
    encoded = run_replications(compiled, encode_events=True)
    assert plain.events_parquet is None and encoded.events_parquet is not None
    write_events_parquet([r.events for r in plain.results], tmp_path / "e.parquet")
    assert encoded.events_parquet == (tmp_path / "e.parquet").read_bytes()
    a = write_run_dir(plain, tmp_path / "a")
    b = write_run_dir(encoded, tmp_path / "b")
    assert _digest(a) == _digest(b)


def test_logs_not_kept_write_the_same_run_directory(tmp_path):
    # keep_events=False (run_scenario without validate) lets each log go once the
    # encoder has it: the same bytes are written, and events() says where the logs are
    compiled = _compiled(tmp_path)
    kept = run_replications(compiled, encode_events=True)
    light = run_replications(compiled, encode_events=True, keep_events=False)
    assert [r.events for r in light.results] == [None, None, None]
    assert light.events_parquet == kept.events_parquet
    assert [r.n_events for r in light.results] == [r.events.num_rows for r in kept.results]
    with pytest.raises(ValueError, match="events.parquet"):
        light.events()
    assert _digest(write_run_dir(light, tmp_path / "a")) == \
        _digest(write_run_dir(kept, tmp_path / "b"))


def test_two_workers_write_the_same_run_directory_as_one(tmp_path):
    compiled = _compiled(tmp_path)
    one = write_run_dir(run_replications(compiled, encode_events=True), tmp_path / "one")
    pool = process_pool(2)
    try:
        run = run_replications(compiled, executor=pool, encode_events=True)
    finally:
        pool.shutdown()
    two = write_run_dir(run, tmp_path / "two")
    assert _digest(one) == _digest(two)
    assert {"events.parquet", "kpis.json", "kpis_queue_by_day.csv"} <= set(_digest(one))
    # replications in index order, whatever finished first
    assert [r.replication for r in run.results] == [0, 1, 2]


def test_the_manifest_names_the_network_data(tmp_path):
    from landbridge.runners import build_manifest

    sc = parse_scenario({"name": "net", "start_date": "2025-01-01", "horizon_days": 5,
                         "services": [{"id": "S", "origin": "A", "destination": "D",
                                       "departures_per_week": 7}]})
    d = two_corridor_network(tmp_path / "n")
    a = build_manifest(compile_scenario(sc, load_network(d)), 1)
    assert build_manifest(compile_scenario(sc, load_network(d)), 1) == a
    # the same scenario on an edited network file is another run (never reused)
    links = d / "links.geojson"
    links.write_text(links.read_text().replace('"length_km": 200', '"length_km": 210'))
    b = build_manifest(compile_scenario(sc, load_network(d)), 1)
    assert b["scenario_hash"] == a["scenario_hash"]
    assert b["network_hash"] != a["network_hash"] and len(a["network_hash"]) == 64


def test_the_manifest_records_a_bundled_scenario_by_name_not_install_path(tmp_path):
    """Same scenario, same bytes wherever the package is installed: a bundled scenario
    file is recorded as ``bundled:<file>``; a user's file as the path given."""
    import shutil

    from landbridge.runners import build_manifest
    from landbridge.scenario import compile_scenario, load_scenario
    from landbridge.scenario.loader import scenario_file_label, scenario_path

    bundled = scenario_path("restored")
    sc, file = load_scenario("restored")
    assert build_manifest(compile_scenario(sc, file=file), 1)["scenario_file"] == \
        "bundled:restored.yaml"
    copy = tmp_path / "restored.yaml"
    shutil.copy(bundled, copy)
    assert scenario_file_label(copy) == str(copy)
    assert scenario_file_label(None) is None
