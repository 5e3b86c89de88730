"""The run directory's writers: kpis.json built column by column is exactly what
``json.dumps`` writes, the stored values are the schema's one rounding, and the event
log's Parquet file does not depend on how the logs are chunked."""

import json
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import landbridge.store.rundir as rundir
from landbridge.analysis.schema import storage_column, storage_value
from landbridge.store.rundir import kpis_json_text, kpis_to_json, write_events_parquet


def _tables():
    mixed = pd.DataFrame({
        "crossing": ["BRE-MAL", "Małaszewicze \"yard\"", "a\\b\nc\u2028"],
        "day": np.array([0, 1, 2], dtype=np.int64),
        "wait_mean_h": [1.23456789, float("nan"), -0.0],
        "util": [1e-7, 1e20, 0.1 + 0.2],
        "overloaded": [True, False, True],
        "sentence": pd.Series(["", None, "over 80 %"], dtype=object),
    })
    mixed["label"] = pd.Series(["x", "y", None], dtype="str")
    empty = pd.DataFrame(columns=["origin", "trains"])
    return {"mixed": mixed, "empty": empty, "run": pd.DataFrame({"events": [396430.0]})}


def test_kpis_json_text_is_what_json_dumps_writes():
    manifest = {"scenario_name": "déjà vu", "seed": 7, "horizon_days": 365.0,
                "nested": {"a": [1, 2], "b": None}}
    tables = _tables()
    expected = json.dumps({"manifest": manifest, "tables": kpis_to_json(tables)}, indent=2,
                          ensure_ascii=False)
    assert kpis_json_text(manifest, tables) == expected
    assert kpis_json_text({}, {}) == json.dumps({"manifest": {}, "tables": {}}, indent=2)


def test_stored_values_are_rounded_to_six_decimals_and_missing_is_null():
    rows = kpis_to_json(_tables())["mixed"]
    assert [r["wait_mean_h"] for r in rows] == [1.234568, None, 0.0]
    assert math.copysign(1.0, rows[2]["wait_mean_h"]) == 1.0  # -0.0 is stored as 0.0
    assert [r["util"] for r in rows] == [0.0, 1e20, 0.3]
    assert [r["day"] for r in rows] == [0, 1, 2] and type(rows[0]["day"]) is int
    assert [r["overloaded"] for r in rows] == [True, False, True]
    assert [r["sentence"] for r in rows] == ["", None, "over 80 %"]
    assert [r["label"] for r in rows] == ["x", "y", None]
    assert kpis_to_json(_tables())["empty"] == []


def test_storage_column_is_storage_value_of_each_cell():
    for name, df in _tables().items():
        for c in df.columns:
            got = storage_column(df[c])
            want = [storage_value(v) for v in df[c]]
            assert got == want and [type(v) for v in got] == [type(v) for v in want], (name, c)


def _log(n, start=0):
    return pa.table({"seq": pa.array(range(start, start + n), pa.int64()),
                     "event": pa.array([["dispatch", "deliver"][i % 2] for i in range(n)]),
                     "time_h": pa.array([0.5 * i for i in range(n)], pa.float64())})


def test_events_parquet_rows_in_order_same_bytes_however_chunked(tmp_path, monkeypatch):
    monkeypatch.setattr(rundir, "EVENTS_ROW_GROUP", 4)
    logs = [_log(10), _log(3, start=10)]
    write_events_parquet(logs, tmp_path / "a.parquet")
    rechunked = [pa.Table.from_batches(t.to_batches(max_chunksize=3)) for t in logs]
    assert rechunked[0].column("seq").num_chunks == 4
    write_events_parquet(rechunked, tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    back = pq.read_table(tmp_path / "a.parquet")
    assert back.equals(pa.concat_tables(logs))
    # 10 rows in groups of 4 (4, 4, 2), then the second log's 3: row groups never span
    # two logs
    meta = pq.ParquetFile(tmp_path / "a.parquet").metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [4, 4, 2, 3]


def _small_run(tmp_path):
    from netfactory import two_corridor_network

    from landbridge.network import load_network
    from landbridge.runners import run_replications
    from landbridge.scenario import compile_scenario, parse_scenario

    net = load_network(two_corridor_network(tmp_path / "n"))
    sc = parse_scenario({"name": "w", "start_date": "2025-01-01", "horizon_days": 6,
                         "seed": 3, "replications": 2,
                         "services": [{"id": "S", "origin": "A", "destination": "D",
                                       "departures_per_week": 30}]})
    return run_replications(compile_scenario(sc, net))


def test_run_dir_events_are_the_replications_logs_and_a_failing_writer_leaves_nothing(
        tmp_path, monkeypatch):
    run = _small_run(tmp_path)
    out = rundir.write_run_dir(run, tmp_path / "ok")
    assert pq.read_table(out / "events.parquet").equals(run.events())
    assert json.loads((out / "kpis.json").read_text())["tables"]["run"][0]["replications"] == 2

    def broken(tables, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rundir, "write_events_parquet", broken)
    with pytest.raises(OSError, match="No space left"):
        rundir.write_run_dir(run, tmp_path / "full")
    assert not (tmp_path / "full").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".full")] == []
