"""Regression tests for issue 14 items 4, 9, 10, 11, 12 and 13: output paths are checked
before any work, concurrent runs never collide, killed writers leave nothing behind
for long, workers die with their parent, and nothing we did not write is replaced or
deleted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from netfactory import two_corridor_network

from landbridge.errors import UsageError
from landbridge.outpaths import (FILES_LIST, check_output_dir, check_output_file,
                                 remove_written)
from landbridge.store.rundir import atomic_dir, clean_stale_temporaries

LANDBRIDGE = str(Path(sys.executable).parent / "landbridge")
LONG = "x" * 300


def lb(*args, cwd, timeout=300):
    return subprocess.run([LANDBRIDGE, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A 3-day scenario on the two-corridor test network (about a second to simulate)."""
    d = tmp_path_factory.mktemp("tiny")
    two_corridor_network(d / "net")
    sc = {"name": "tiny", "start_date": "2025-01-01", "horizon_days": 3, "seed": 7,
          "network": "net",
          "demand": [{"origin": "A", "destination": "D", "teu_per_week": 1500,
                      "route": ["A", "B", "D"]}]}
    (d / "tiny.yaml").write_text(yaml.safe_dump(sc, sort_keys=False))
    return d / "tiny.yaml"


# ------------------------------------------------------------ item 4: --out names
@pytest.mark.parametrize("check", [check_output_dir, check_output_file])
def test_overlong_name_is_a_usage_error(tmp_path, check):
    with pytest.raises(UsageError, match="bytes long; at most"):
        check(tmp_path / LONG / "x")
    with pytest.raises(UsageError, match="bytes long"):
        check(tmp_path / ("y" * 250))  # fits alone, not with a temporary suffix


@pytest.mark.parametrize("cmd", [
    ["simulate", "{sc}", "--out", "{long}"],
    ["sweep", "{sweep}", "--out", "{long}", "--workers", "1", "--no-store"],
    ["runs", "export", "latest", "--out", "{long}", "--store", "{store}"],
    ["report", "latest", "--out", "{long}/r.html", "--store", "{store}"],
])
def test_overlong_out_fails_cleanly_before_work(tmp_path, tiny, cmd):
    sweep = tmp_path / "s.yaml"
    sweep.write_text(yaml.safe_dump({"name": "s", "scenario": str(tiny),
                                     "grid": {"horizon_days": [1.0, 2.0]}}))
    store = tmp_path / "store.duckdb"
    if cmd[0] in ("runs", "report"):
        r = lb("simulate", tiny, "--store", store, "--out", tmp_path / "run", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    args = [a.format(sc=tiny, long=tmp_path / LONG, sweep=sweep, store=store) for a in cmd]
    r = lb(*args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "bytes long" in r.stderr
    assert not (tmp_path / "runs").exists()  # refused before anything was simulated


# ----------------------------------------------------- item 12: report --out safety
@pytest.mark.parametrize("kind", ["symlink", "fifo", "device"])
def test_output_file_refuses_links_fifos_devices(tmp_path, kind):
    target = tmp_path / "victim"
    if kind == "symlink":
        (tmp_path / "real.html").write_text("precious")
        target.symlink_to(tmp_path / "real.html")
        expected = "symbolic link"
    elif kind == "fifo":
        os.mkfifo(target)
        expected = "FIFO"
    else:
        target = Path("/dev/full")
        expected = "character device"
    with pytest.raises(UsageError, match=expected):
        check_output_file(target)
    if kind == "symlink":
        assert target.is_symlink() and (tmp_path / "real.html").read_text() == "precious"


def test_report_out_dev_full_is_refused(tmp_path, tiny):
    store = tmp_path / "store.duckdb"
    r = lb("simulate", tiny, "--store", store, "--out", tmp_path / "run", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    before = os.stat("/dev/full")
    r = lb("report", tmp_path / "run", "--out", "/dev/full", "--store", store, cwd=tmp_path)
    assert r.returncode == 2 and "character device" in r.stderr, r.stderr
    after = os.stat("/dev/full")
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_output_dir_refuses_a_symlink_and_a_fifo(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "d")
    with pytest.raises(UsageError, match="symbolic link"):
        check_output_dir(tmp_path / "link")
    os.mkfifo(tmp_path / "f")
    with pytest.raises(UsageError, match="FIFO"):
        check_output_dir(tmp_path / "f")


# ------------------------------------------- item 9: concurrent identical runs land
def test_six_concurrent_identical_runs_all_land(tmp_path, tiny):
    """--force: each simulates (no reuse of an identical stored run), so six run
    directories of one name race to be published."""
    store = tmp_path / "store.duckdb"

    def one(_):
        return lb("simulate", tiny, "--store", store, "--force", cwd=tmp_path, timeout=600)

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(one, range(6)))
    assert [r.returncode for r in results] == [0] * 6, [r.stderr[-500:] for r in results]
    dirs = sorted(p.name for p in (tmp_path / "runs").iterdir() if p.is_dir())
    assert len(dirs) == 6 and len(set(dirs)) == 6
    base = min(dirs, key=len)
    assert set(dirs) == {base} | {f"{base}-{n}" for n in range(2, 7)}
    # every one is complete and byte-identical in its results
    kpis = {(tmp_path / "runs" / d / "kpis.json").read_bytes() for d in dirs}
    assert len(kpis) == 1
    r = lb("runs", "list", "--json", "--store", store, cwd=tmp_path)
    assert len(json.loads(r.stdout)) == 6
    assert not [p for p in (tmp_path / "runs").iterdir() if ".tmp-" in p.name]


def test_unique_publish_takes_the_next_free_name(tmp_path):
    out = tmp_path / "run"
    paths = []
    for _ in range(3):
        target = atomic_dir(out, unique=True)
        with target as tmp:
            (tmp / "f").write_text("x")
        paths.append(target.path.name)
    assert paths == ["run", "run-2", "run-3"]


# -------------------------------------------- item 11: stale temporaries are cleaned
def test_stale_temporary_of_a_killed_writer_is_cleaned(tmp_path):
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from landbridge.store.rundir import atomic_dir\n"
        "with atomic_dir(Path(sys.argv[1])) as tmp:\n"
        "    (tmp / 'manifest.json').write_text('{}')\n"
        "    print(tmp, flush=True)\n"
        "    time.sleep(600)\n")
    p = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "run")],
                         stdout=subprocess.PIPE, text=True)
    tmp = Path(p.stdout.readline().strip())
    assert tmp.is_dir() and tmp.name.startswith(".run.tmp-")
    # a living writer's temporary directory is left alone
    assert clean_stale_temporaries(tmp_path) == [] and tmp.is_dir()
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=60)
    assert tmp.is_dir()  # SIGKILL runs no clean-up ...
    unrelated = tmp_path / ".notes.tmp-keepme"
    unrelated.mkdir()  # ... and what is not ours (naming pattern) is never touched
    (tmp_path / ".x.tmp-abcdefgh").write_text("a file, not our directory")
    with atomic_dir(tmp_path / "next") as new:  # the next start cleans it
        (new / "f").write_text("x")
    assert not tmp.exists() and (tmp_path / "next" / "f").exists()
    assert unrelated.is_dir() and (tmp_path / ".x.tmp-abcdefgh").is_file()


# ------------------------------------------- item 13: delete only what we wrote
def test_runs_delete_files_deletes_only_our_files(tmp_path, tiny):
    store = tmp_path / "store.duckdb"
    run = tmp_path / "run"
    r = lb("simulate", tiny, "--store", store, "--out", run, "--report", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    listed = json.loads((run / FILES_LIST).read_text())["files"]
    assert {"manifest.json", "kpis.json", "events.parquet", "report.html"} <= set(listed)
    (run / "my-notes.txt").write_text("mine")
    (run / "kpis.json").write_text("{}")  # changed since landbridge wrote it
    r = lb("runs", "delete", "latest", "--files", "--store", store, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in run.iterdir()) == ["kpis.json", "my-notes.txt"]
    assert "my-notes.txt" in r.stderr and "changed since" in r.stderr


def test_runs_add_then_delete_files_keeps_foreign_directory(tmp_path, tiny):
    store = tmp_path / "store.duckdb"
    run = tmp_path / "run"
    assert lb("simulate", tiny, "--out", run, "--store", tmp_path / "other.duckdb",
              cwd=tmp_path).returncode == 0
    (run / FILES_LIST).unlink()  # as from an older landbridge, or a copied directory
    (run / "precious.csv").write_text("1,2\n")
    assert lb("runs", "add", run, "--store", store, cwd=tmp_path).returncode == 0
    r = lb("runs", "delete", "latest", "--files", "--store", store, cwd=tmp_path)
    assert r.returncode == 0 and "nothing in it was deleted" in r.stderr
    assert (run / "precious.csv").read_text() == "1,2\n" and (run / "manifest.json").exists()


def test_remove_written_never_follows_a_symlink(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.txt").write_text("ours")
    from landbridge.outpaths import write_files_list

    write_files_list(d)
    (tmp_path / "outside.txt").write_text("not ours")
    (d / "a.txt").unlink()
    (d / "a.txt").symlink_to(tmp_path / "outside.txt")
    kept = remove_written(d)
    assert (tmp_path / "outside.txt").read_text() == "not ours"
    assert any("no longer a regular file" in k for k in kept)


# --------------------------------------------- item 10: workers die with the parent
def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_sigkill_of_a_sweep_kills_its_workers(tmp_path, tiny):
    sweep = tmp_path / "s.yaml"
    sweep.write_text(yaml.safe_dump({"name": "s", "scenario": str(tiny), "replications": 200,
                                     "grid": {"horizon_days": [30.0, 31.0]}}))
    p = subprocess.Popen([LANDBRIDGE, "sweep", str(sweep), "--workers", "2", "--no-store",
                          "--out", str(tmp_path / "out")], cwd=tmp_path,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while len(workers) < 2 and time.monotonic() < deadline and p.poll() is None:
        workers = {c for c in _children(p.pid) if _alive(c)}
        time.sleep(0.2)
    assert len(workers) >= 2, "the sweep did not start its workers"
    p.kill()
    p.wait(timeout=60)
    deadline = time.monotonic() + 60
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [w for w in workers if _alive(w)]
    for w in left:  # do not leave them behind even when the test fails
        os.kill(w, signal.SIGKILL)
    assert left == []


def test_an_out_that_cannot_be_replaced_keeps_the_results(tmp_path, monkeypatch):
    """Item 4: when the given empty --out cannot be replaced at the end (a mount point,
    EBUSY), the results go to the next free name beside it, not to the bin."""
    import errno

    out = tmp_path / "run"
    out.mkdir()
    real_rename = os.rename

    def rename(src, dst):
        if Path(dst) == out:
            raise OSError(errno.EBUSY, "Device or resource busy", str(dst))
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    target = atomic_dir(out)
    with target as tmp:
        (tmp / "kpis.json").write_text("{}")
    assert target.path == tmp_path / "run-2" and (target.path / "kpis.json").exists()
