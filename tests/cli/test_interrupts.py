"""An interrupt (Ctrl-C) of `landbridge simulate` never ends with exit 0, and one that
arrives after the run directory was written says what exists and how to finish.

The signal is raised by the process itself at a chosen point of the run (a patched
function in a ``python -c`` prelude), never by a timer: ``signal.raise_signal`` runs
the installed Python handler at once. To reproduce the defect of the bad-input pass,
the signal is raised inside a weakref callback, where Python discards the
KeyboardInterrupt ("Exception ignored in ...") and the run used to carry on, be stored
and exit 0.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

from netfactory import two_corridor_network

SCENARIO = ("name: tiny\nstart_date: 2025-01-01\nhorizon_days: 12\nwarmup_days: 0\n"
            "replications: 2\nnetwork: net\nservices:\n"
            "  - {id: ad, origin: A, destination: D, departures_per_week: 7}\n")

#: Helpers of the prelude: a SIGINT raised in a weakref callback (discarded by
#: Python), or raised plainly.
PRELUDE = """
import signal, weakref
def swallowed_sigint():
    class T: pass
    t = T()
    w = weakref.ref(t, lambda _r: signal.raise_signal(signal.SIGINT))
    del t  # the callback runs here; its KeyboardInterrupt is 'ignored'
def sigint():
    signal.raise_signal(signal.SIGINT)
"""


def _simulate(tmp_path: Path, patch: str, *args: str) -> subprocess.CompletedProcess:
    two_corridor_network(tmp_path / "net")
    (tmp_path / "tiny.yaml").write_text(SCENARIO)
    code = PRELUDE + patch + "\nfrom landbridge.cli import main\nmain()\n"
    return _run(tmp_path, [sys.executable, "-c", code, "simulate", "tiny.yaml",
                           "--store", "st.duckdb", *args])


def _run(cwd: Path, argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, timeout=600)


def _landbridge(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return _run(cwd, [sys.executable, "-c", "from landbridge.cli import main; main()",
                      *args])


def _stored_runs(store: Path) -> list[str]:
    if not store.exists():
        return []
    con = duckdb.connect(str(store), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT run_id FROM runs").fetchall()]
    finally:
        con.close()


def _run_dirs(tmp_path: Path) -> list[Path]:
    runs = tmp_path / "runs"
    return sorted(runs.iterdir()) if runs.exists() else []


def test_a_discarded_interrupt_stops_the_run_after_the_replication(tmp_path):
    """The interrupt lands (discarded) at the end of replication 0: replication 1 stops
    at its first safe point, nothing is written or stored, exit 130."""
    patch = """
import landbridge.runners.replications as R
_real = R.replication_task
def task(compiled, r, *a):
    out = _real(compiled, r, *a)
    with open("done.txt", "a") as f:
        f.write(f"{r}\\n")
    if r == 0:
        swallowed_sigint()
    return out
R.replication_task = task
"""
    r = _simulate(tmp_path, patch)
    assert "Exception ignored" in r.stderr and "KeyboardInterrupt" in r.stderr  # discarded
    assert r.returncode == 130, r.stderr
    assert r.stderr.rstrip().splitlines()[-1] == "interrupted"
    assert (tmp_path / "done.txt").read_text() == "0\n"  # replication 1 never finished
    assert _run_dirs(tmp_path) == []  # not even a temporary directory left
    assert _stored_runs(tmp_path / "st.duckdb") == []
    assert "Results written" not in r.stdout


def test_a_discarded_interrupt_while_recording_rolls_the_record_back(tmp_path):
    """Discarded while the store inserts the KPI rows: the transaction is rolled back
    before its commit; the complete run directory stays, and the message says how to
    record it — which then works."""
    patch = """
import landbridge.store.db as D
_real = D.ResultsStore._insert_kpis
def insert(*a, **k):
    swallowed_sigint()
    return _real(*a, **k)
D.ResultsStore._insert_kpis = staticmethod(insert)
"""
    r = _simulate(tmp_path, patch)
    assert "Exception ignored" in r.stderr
    assert r.returncode == 130, r.stderr
    [run_dir] = _run_dirs(tmp_path)
    rel = Path("runs") / run_dir.name
    assert r.stderr.rstrip().splitlines()[-1] == (
        f"interrupted: the run directory {rel} was written completely but not recorded "
        f"in the results store; record it with `landbridge runs add {rel} --store "
        "st.duckdb`")
    assert {"manifest.json", "kpis.json", "events.parquet", "network.json",
            "kpis_run.csv"} <= {p.name for p in run_dir.iterdir()}
    assert _stored_runs(tmp_path / "st.duckdb") == []
    added = _landbridge(tmp_path, "runs", "add", str(rel), "--store", "st.duckdb")
    assert added.returncode == 0, added.stderr
    assert _stored_runs(tmp_path / "st.duckdb") == [run_dir.name]


def test_an_interrupt_while_writing_the_report_says_the_run_is_stored(tmp_path):
    """Item 3: Ctrl-C during `simulate --report` leaves the stored run without
    report.html; the message says so and gives the command that writes it."""
    patch = """
import landbridge.report as RP
def write_report(*a, **k):
    sigint()
RP.write_report = write_report
"""
    r = _simulate(tmp_path, patch, "--report")
    assert r.returncode == 130, r.stderr
    [run_dir] = _run_dirs(tmp_path)
    run_id = run_dir.name
    assert r.stderr.rstrip().splitlines()[-1] == (
        f"interrupted: the run is stored as {run_id} in {Path('runs') / run_id}; its report "
        f"was not written: write it with `landbridge report {run_id} --store st.duckdb`")
    assert not (run_dir / "report.html").exists()
    assert _stored_runs(tmp_path / "st.duckdb") == [run_id]
    rep = _landbridge(tmp_path, "report", run_id, "--store", "st.duckdb")
    assert rep.returncode == 0, rep.stderr
    assert (run_dir / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_an_interrupt_discarded_after_the_last_safe_point_still_exits_130(tmp_path):
    """Discarded while the results are printed (after every check): the command ends
    normally, but exits 130 with 'interrupted', not 0."""
    patch = """
import landbridge.cli.simulate_cmd as S
_real = S.print_kpis
def print_kpis(run):
    _real(run)
    swallowed_sigint()
S.print_kpis = print_kpis
"""
    r = _simulate(tmp_path, patch)
    assert "Exception ignored" in r.stderr
    assert "Results written" in r.stdout
    assert r.returncode == 130, r.stderr
    assert r.stderr.rstrip().splitlines()[-1] == "interrupted"
    [run_dir] = _run_dirs(tmp_path)
    assert json.loads((run_dir / "manifest.json").read_text())["replications"] == 2


def test_a_forked_worker_still_dies_of_sigterm_and_main_restores_handlers():
    """Workers forked after the CLI installed its handler (replication pools, the
    what-if page's job workers) must still end on SIGTERM, or a pool's shutdown leaves
    them running; and main() called in-process gives the caller its handlers back."""
    import multiprocessing as mp
    import signal as sg

    from landbridge import interrupts

    before = sg.getsignal(sg.SIGINT), sg.getsignal(sg.SIGTERM)
    try:
        interrupts.install()
        ready = mp.get_context("fork").Event()

        def _child():
            ready.set()
            while True:
                sg.pause()

        p = mp.get_context("fork").Process(target=_child)
        p.start()
        assert ready.wait(60)
        p.terminate()  # SIGTERM
        p.join(60)
        assert p.exitcode == -sg.SIGTERM
        assert not interrupts.requested()  # the child's signal is not the parent's
    finally:
        sg.signal(sg.SIGINT, before[0])
        sg.signal(sg.SIGTERM, before[1])
        interrupts.clear()

    import sys

    argv = sys.argv  # main() reads the command line
    sys.argv = ["landbridge", "--version"]
    try:
        try:
            __import__("landbridge.cli", fromlist=["main"]).main()
        except SystemExit:
            pass
    finally:
        sys.argv = argv
    assert (sg.getsignal(sg.SIGINT), sg.getsignal(sg.SIGTERM)) == before
