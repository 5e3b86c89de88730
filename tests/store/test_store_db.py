"""The DuckDB results store: recording, reading, ids, transactions, locks, errors."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from landbridge.errors import StoreError, UnknownNameError, UsageError
from landbridge.store import KPI_TABLES, ResultsStore

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text())


def _expected_id(run_dir: Path, suffix: str = "") -> str:
    m = _manifest(run_dir)
    return f"{m['scenario_name']}-{m['scenario_hash'][:8]}-s{m['seed']}{suffix}"


def _copy(run_dir: Path, dest: Path) -> Path:
    shutil.copytree(run_dir, dest)
    return dest


def test_record_round_trips_every_kpi_table(tmp_path, run_dir):
    store = ResultsStore(tmp_path / "s.duckdb")
    run_id = store.record(run_dir)
    assert run_id == _expected_id(run_dir)
    runs = store.runs()
    assert list(runs.run_id) == [run_id]
    row = runs.iloc[0]
    assert (row.scenario_name, int(row.seed), int(row.replications)) == ("tiny", 11, 2)
    assert int(row.created_seq) == 1
    assert row.run_dir == str(run_dir.resolve())
    doc = json.loads((run_dir / "kpis.json").read_text())
    stored = store.kpis(run_id)
    assert list(stored) == [t for t in KPI_TABLES if t in doc["tables"]]
    for name, rows in doc["tables"].items():
        want = pd.DataFrame(rows)
        got = stored[name]
        assert list(got.columns) == list(want.columns), name
        assert len(got) == len(want), name
        for col in want.columns:
            if want[col].dtype == object and any(isinstance(v, str) for v in want[col]):
                assert list(got[col]) == list(want[col]), (name, col)
            else:
                pd.testing.assert_series_equal(
                    pd.to_numeric(got[col], errors="coerce").astype(float),
                    pd.to_numeric(want[col], errors="coerce").astype(float),
                    check_names=False, atol=1e-12, rtol=0)
    info = store.run(run_id)
    assert info["manifest"] == _manifest(run_dir)
    assert info["scenario"]["name"] == "tiny"


def test_run_table_has_hand_counted_traffic(tmp_path, run_dir):
    # N: 14/week = 2 trains/day, S: 1/day, over 5 days: 10 + 5 trains of 88 TEU
    store = ResultsStore(tmp_path / "s.duckdb")
    run_id = store.record(run_dir)
    run = store.kpis(run_id, "run").iloc[0]
    assert run.trains_dispatched == 15
    assert run.teu_dispatched == 15 * 88
    assert run.teu_delivered + run.undelivered_teu == run.teu_dispatched  # conservation


def test_recording_twice_is_idempotent_and_repeats_get_a_counter(tmp_path, run_dir):
    store = ResultsStore(tmp_path / "s.duckdb")
    first = store.record(run_dir)
    assert store.record(run_dir) == first
    second = store.record(_copy(run_dir, tmp_path / "again"))
    third = store.record(_copy(run_dir, tmp_path / "again3"))
    assert (second, third) == (_expected_id(run_dir, "-2"), _expected_id(run_dir, "-3"))
    assert list(store.runs().created_seq) == [1, 2, 3]
    n = store.query("SELECT count(*) AS n FROM kpi_od").n.iloc[0]
    assert n == 3 * len(store.kpis(first, "od"))


def test_events_view_reads_the_parquet_logs(tmp_path, run_dir, run_dir_b):
    store = ResultsStore(tmp_path / "s.duckdb")
    a, b = store.record(run_dir), store.record(run_dir_b)
    counts = store.query("SELECT run_id, count(*) AS n FROM events GROUP BY run_id "
                         "ORDER BY run_id")
    want = {a: pq.read_metadata(run_dir / "events.parquet").num_rows,
            b: pq.read_metadata(run_dir_b / "events.parquet").num_rows}
    assert dict(zip(counts.run_id, counts.n)) == want
    # dispatched TEU in the log = mean KPI x replications
    teu = store.query("SELECT sum(teu) AS t FROM events WHERE run_id = ? AND event = "
                      "'dispatch'", [a]).t.iloc[0]
    assert teu == store.kpis(a, "run").teu_dispatched.iloc[0] * 2
    ev = store.events(a, "event = 'deliver'")
    assert set(ev.event) == {"deliver"} and len(ev) == 2 * 15


def test_resolve_prefix_latest_scenario_name_and_unknown(tmp_path, run_dir, run_dir_b):
    store = ResultsStore(tmp_path / "s.duckdb")
    a, b = store.record(run_dir), store.record(run_dir_b)
    assert store.resolve("latest") == b
    assert store.resolve("tiny") == a          # scenario name
    assert store.resolve(a[:7]) == a           # unique prefix
    assert store.resolve(str(run_dir)) == a    # run directory
    with pytest.raises(UnknownNameError, match="Did you mean"):
        store.resolve(a[:-1] + "x")


def test_an_empty_run_id_is_refused_not_taken_as_the_only_run(tmp_path, run_dir):
    # '' is a prefix of every id: with one run stored it picked that run silently
    store = ResultsStore(tmp_path / "s.duckdb")
    store.record(run_dir)
    for ref in ("", "  "):
        with pytest.raises(UnknownNameError, match=r"^an empty run id; give a run id, a "
                           r"unique prefix of one, latest, a scenario name or a run "
                           r"directory\.$"):
            store.resolve(ref)


def test_delete_removes_every_row_and_keeps_files_unless_asked(tmp_path, run_dir):
    store = ResultsStore(tmp_path / "s.duckdb")
    copy = _copy(run_dir, tmp_path / "copy")
    a, b = store.record(run_dir), store.record(copy)
    assert store.delete(b) == b
    assert list(store.runs().run_id) == [a]
    for t in KPI_TABLES:
        n = store.query(f"SELECT count(*) AS n FROM kpi_{t} WHERE run_id = ?", [b]).n.iloc[0]
        assert n == 0
    assert copy.is_dir()
    store.delete(a, files=False)
    assert store.runs().empty
    assert store.query("SELECT count(*) AS n FROM information_schema.tables "
                       "WHERE table_name = 'events'").n.iloc[0] == 0
    c = store.record(copy)
    store.delete(c, files=True)
    assert not copy.exists()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_writes_tables_events_manifest(tmp_path, run_dir, fmt):
    store = ResultsStore(tmp_path / "s.duckdb")
    run_id = store.record(run_dir)
    out = store.export(run_id, tmp_path / "exp", fmt)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"kpis_{t}.{fmt}" for t in KPI_TABLES]
                           + [f"events.{fmt}", "manifest.json", "scenario.json"])
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    assert len(read(out / f"events.{fmt}")) == pq.read_metadata(run_dir / "events.parquet").num_rows
    od = read(out / f"kpis_od.{fmt}")
    assert od.trains.iloc[0] == store.kpis(run_id, "od").trains.iloc[0]
    with pytest.raises(UsageError, match="not an empty directory"):
        store.export(run_id, out, fmt)


def test_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no results store at .*nope.duckdb"):
        ResultsStore(tmp_path / "nope.duckdb").runs()


def test_corrupt_store_is_a_clear_error(tmp_path, run_dir):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database\n" * 100)
    with pytest.raises(StoreError, match="cannot be opened as a results store"):
        ResultsStore(bad).runs()
    with pytest.raises(StoreError, match="cannot be opened as a results store"):
        ResultsStore(bad).record(run_dir)


def test_a_store_damaged_inside_is_refused_at_once_not_taken_for_a_lock(tmp_path, run_dir):
    # a damaged block: DuckDB says "... does not match stored checksum ... in block at
    # location 4096", which is no lock (it was waited for, then called 'locked')
    path = tmp_path / "s.duckdb"
    ResultsStore(path).record(run_dir)
    data = bytearray(path.read_bytes())
    data[4096 + 100:4096 + 3100] = bytes((i * 37 + 11) % 256 for i in range(3000))
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="cannot be opened as a results store: .*checksum"):
        ResultsStore(path, timeout_s=0.5).runs()


def test_foreign_duckdb_file_is_refused(tmp_path, run_dir):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE accounts (id INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a landbridge results store"):
        ResultsStore(other).record(run_dir)


def test_incomplete_run_dir_is_refused(tmp_path, run_dir):
    broken = _copy(run_dir, tmp_path / "broken")
    (broken / "kpis.json").unlink()
    with pytest.raises(StoreError, match="kpis.json: missing"):
        ResultsStore(tmp_path / "s.duckdb").record(broken)


def _python(code: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=SRC)
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_ready(proc: subprocess.Popen) -> None:
    line = proc.stdout.readline()
    assert line.strip() == "ready", proc.stderr.read()


def test_locked_store_retries_then_fails_clearly(tmp_path, run_dir):
    path = tmp_path / "s.duckdb"
    ResultsStore(path).record(run_dir)
    holder = _python(f"""
        import duckdb, time
        con = duckdb.connect({str(path)!r})
        print("ready", flush=True)
        time.sleep(30)
    """)
    try:
        _wait_ready(holder)
        t0 = time.monotonic()
        with pytest.raises(StoreError, match="locked by another process"):
            ResultsStore(path, timeout_s=0.6).runs()
        assert time.monotonic() - t0 >= 0.6
    finally:
        holder.kill()
        holder.wait()
    assert len(ResultsStore(path, timeout_s=5).runs()) == 1


def test_lock_released_in_time_is_waited_for(tmp_path, run_dir):
    path = tmp_path / "s.duckdb"
    ResultsStore(path).record(run_dir)
    holder = _python(f"""
        import duckdb, time
        con = duckdb.connect({str(path)!r})
        print("ready", flush=True)
        time.sleep(0.8)
        con.close()
        time.sleep(30)
    """)
    try:
        _wait_ready(holder)
        run_id = ResultsStore(path, timeout_s=20).record(_copy(run_dir, tmp_path / "c"))
    finally:
        holder.kill()
        holder.wait()
    assert run_id.endswith("-2")


def test_concurrent_writers_all_land(tmp_path, run_dir):
    # two processes, each recording three run directories as fast as it can
    path = tmp_path / "s.duckdb"
    groups = [[_copy(run_dir, tmp_path / f"w{w}-{i}") for i in range(3)] for w in range(2)]
    procs = [_python(f"""
        import sys
        from landbridge.store import ResultsStore
        print("ready", flush=True)
        sys.stdin.readline()
        for d in {[str(d) for d in g]!r}:
            print(ResultsStore({str(path)!r}, timeout_s=60).record(d), flush=True)
    """) for g in groups]
    for p in procs:  # both imported: start the writers at the same moment
        _wait_ready(p)
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    ids = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        ids += out.split()
    base = _expected_id(run_dir)
    assert sorted(ids) == sorted([base] + [f"{base}-{n}" for n in range(2, 7)])
    store = ResultsStore(path)
    runs = store.runs()
    assert sorted(runs.created_seq) == [1, 2, 3, 4, 5, 6]
    assert sorted(runs.run_dir) == sorted(str(d.resolve()) for g in groups for d in g)
    per_run = len(store.kpis(base, "queue_by_day"))
    n = store.query("SELECT count(*) AS n FROM kpi_queue_by_day").n.iloc[0]
    assert n == 6 * per_run


def test_killed_recording_leaves_no_partial_row(tmp_path, run_dir):
    path = tmp_path / "s.duckdb"
    first = ResultsStore(path).record(run_dir)
    victim = _python(f"""
        import time
        from landbridge.store import ResultsStore
        def pause():
            print("ready", flush=True)
            time.sleep(60)
        ResultsStore({str(path)!r}).record({str(_copy(run_dir, tmp_path / 'k'))!r},
                                          _before_commit=pause)
    """)
    _wait_ready(victim)  # rows of the second run are inserted, not committed
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    store = ResultsStore(path, timeout_s=10)
    assert list(store.runs().run_id) == [first]
    for t in KPI_TABLES:
        ids = store.query(f"SELECT DISTINCT run_id FROM kpi_{t}").run_id.tolist()
        assert ids in ([], [first]), t
    assert store.record(tmp_path / "k").endswith("-2")  # the store still works
