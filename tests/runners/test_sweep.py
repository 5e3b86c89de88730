"""Running sweeps: the same numbers on every executor, resume, failures, seeds."""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
from pathlib import Path

import pytest
from tinysweep import dying_task, raising_task, write_tiny

from landbridge.errors import ScenarioError
from landbridge.runners import (InProcessExecutor, SweepInterruptedError, load_sweep_plan,
                                replication_task, run_sweep, summarize_sweep)
from landbridge.runners.sweepdir import finished_replications, read_rep

# files whose bytes must not depend on the executor (sweep.json names the sweep file)
RESULT_FILES = ("summary.json", "summary_points.csv", "summary_crossings.csv",
                "summary_od.csv", "summary_run.csv")


def snapshot(out: Path, html: bool = True) -> dict[str, bytes]:
    files = {f"reps/{p.name}": p.read_bytes() for p in sorted((out / "reps").iterdir())}
    files.update({n: (out / n).read_bytes()
                  for n in RESULT_FILES + (("sweep.html",) if html else ())})
    return files


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    path = write_tiny(d)
    plan = load_sweep_plan(path)
    out = d / "serial"
    result = run_sweep(plan, out)
    return plan, out, result


def test_serial_sweep_writes_every_replication(tiny):
    plan, out, result = tiny
    assert len(plan.points) == 4 and plan.replications == 3
    assert finished_replications(out) == set(plan.tasks())
    assert sorted(result.ran) == plan.tasks() and result.skipped == 0 and not result.failures
    s = result.summary
    assert list(s.points.replications) == [3, 3, 3, 3]
    # conservation per point: dispatched = delivered + backlog (means over the same reps)
    run = s.tables["run"]
    assert ((run.teu_dispatched - run.teu_delivered - run.undelivered_teu).abs() < 1e-6).all()
    # every point has its own row per crossing direction, with its parameters in front
    cx = s.tables["crossings"]
    ab = cx[(cx.crossing == "B-C") & (cx.direction == "a_to_b")]
    assert list(ab["crossings.B-C.inspection_teams"]) == [1, 1, 2, 2]
    assert list(ab["crossings.B-C.clearance_h.mean"]) == [2.0, 4.0, 2.0, 4.0]


def test_seed_of_point_and_replication(tiny):
    plan, out, _ = tiny
    p, r = 2, 1
    rec = read_rep(out, p, r)
    assert rec["spawn_key"] == [p, r] and rec["seed"] == plan.seed == 7
    # the stored KPIs are those of SeedSequence(7, spawn_key=(2, 1)), recomputed here
    _, direct = replication_task(plan.points[p].compiled, r, (p, r))
    assert rec["kpis"].run.to_dict("records") == direct.run.to_dict("records")
    # and differ from another point's stream for the same replication index
    assert read_rep(out, 3, r)["kpis"].run.to_dict("records") != direct.run.to_dict("records") \
        or plan.points[3].params != plan.points[2].params


def test_process_pool_gives_identical_files(tiny, tmp_path):
    plan, serial, _ = tiny
    ctx = multiprocessing.get_context("fork")
    with cf.ProcessPoolExecutor(2, mp_context=ctx) as ex:
        run_sweep(plan, tmp_path / "pool", ex, slots=2)
    assert snapshot(tmp_path / "pool") == snapshot(serial)


def test_dask_local_cluster_gives_identical_files(tiny, tmp_path):
    distributed = pytest.importorskip("distributed")
    plan, serial, _ = tiny
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        run_sweep(plan, tmp_path / "dask", client.get_executor(), slots=2, write_report=False)
    assert snapshot(tmp_path / "dask", html=False) == snapshot(serial, html=False)


class Interrupt:
    """on_done that presses Ctrl-C after ``k`` replications."""

    def __init__(self, k):
        self.k, self.seen = k, 0

    def __call__(self, p, r, ok):
        self.seen += 1
        if self.seen == self.k:
            raise KeyboardInterrupt


class Recording(InProcessExecutor):
    def __init__(self):
        self.submitted = []

    def submit(self, fn, /, *args, **kwargs):
        self.submitted.append(args[1:3])
        return super().submit(fn, *args, **kwargs)


def test_resume_runs_exactly_the_missing_replications(tiny, tmp_path):
    plan, serial, _ = tiny
    out = tmp_path / "resumed"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(plan, out, on_done=Interrupt(5))
    done = finished_replications(out)
    assert len(done) == 5 and not (out / "summary.json").exists()
    with pytest.raises(ScenarioError, match="pass --resume"):
        run_sweep(plan, out)
    rec = Recording()
    result = run_sweep(plan, out, rec, resume=True, write_report=False)
    assert sorted(rec.submitted) == sorted(set(plan.tasks()) - done)
    assert result.skipped == 5 and len(result.ran) == len(plan.tasks()) - 5
    assert snapshot(out, html=False) == snapshot(serial, html=False)
    # a complete sweep resumes to nothing
    rec = Recording()
    run_sweep(plan, out, rec, resume=True, write_report=False)
    assert rec.submitted == []


def test_killed_worker_loses_no_finished_replication(tiny, tmp_path):
    plan, serial, _ = tiny
    out = tmp_path / "killed"
    ctx = multiprocessing.get_context("fork")
    with pytest.raises(SweepInterruptedError, match="--resume"):
        with cf.ProcessPoolExecutor(2, mp_context=ctx) as ex:
            run_sweep(plan, out, ex, slots=1, task=dying_task)
    done = finished_replications(out)
    assert (1, 1) not in done and len(done) >= 1
    for p, r in done:  # what was saved is complete and correct
        assert (out / "reps" / f"p{p:03d}-r{r:04d}.json").read_bytes() == \
            (serial / "reps" / f"p{p:03d}-r{r:04d}.json").read_bytes()
    rec = Recording()
    run_sweep(plan, out, rec, resume=True, write_report=False)
    assert sorted(rec.submitted) == sorted(set(plan.tasks()) - done)
    assert snapshot(out, html=False) == snapshot(serial, html=False)


def test_raising_replication_is_reported_and_the_rest_finish(tiny, tmp_path):
    plan, serial, _ = tiny
    out = tmp_path / "failing"
    result = run_sweep(plan, out, task=raising_task)
    assert finished_replications(out) == set(plan.tasks()) - {(1, 2)}
    (f,) = result.failures
    assert (f["point"], f["replication"], f["seed"], f["spawn_key"]) == (1, 2, 7, [1, 2])
    assert f["params"] == plan.points[1].params
    assert (f["error"], f["message"]) == ("RuntimeError", "injected failure")
    assert "raising_task" in f["traceback"]
    pts = result.summary.points
    assert list(pts.replications) == [3, 2, 3, 3] and list(pts.failed) == [0, 1, 0, 0]
    assert json.loads((out / "summary.json").read_text())["failures"][0]["point"] == 1
    assert "Failed replications" in (out / "sweep.html").read_text()
    # resume retries only the failed one, and the failure record goes away
    rec = Recording()
    result = run_sweep(plan, out, rec, resume=True, write_report=False)
    assert rec.submitted == [(1, 2)] and result.failures == []
    assert not (out / "failures" / "p001-r0002.json").exists()
    assert snapshot(out, html=False) == snapshot(serial, html=False)


def test_resume_refuses_a_different_sweep(tiny, tmp_path):
    plan, serial, _ = tiny
    other = load_sweep_plan(write_tiny(tmp_path / "other", replications=4))
    with pytest.raises(ScenarioError, match="differs from the sweep file"):
        run_sweep(other, serial, resume=True)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x").write_text("x")
    with pytest.raises(ScenarioError, match="not an empty directory"):
        run_sweep(plan, tmp_path / "junk")


def test_summary_rebuilds_from_disk(tiny):
    _, out, result = tiny
    again = summarize_sweep(out, write=False)
    assert again.points.equals(result.summary.points)
    assert again.chart.equals(result.summary.chart)
