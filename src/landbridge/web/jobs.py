"""The page's run queue: what-ifs and baselines run in the background on the project's
executor seam (:func:`landbridge.runners.open_executor`), first come first served.

A job is a scenario file (checked by the page) run by
:func:`landbridge.web.tasks.run_scenario_file` on a worker; the page polls
:meth:`JobQueue.jobs` for states and progress (a small file each task writes). At most
``max_pending`` jobs wait or run at once; more are refused with a message.
:meth:`JobQueue.shutdown` cancels what has not started and stops the worker processes
this process started (by their ids), so a stopped server leaves none behind.
"""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import multiprocessing
import queue
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landbridge.errors import Problem, UsageError
from landbridge.web.tasks import read_progress, run_scenario_file, warm_up

__all__ = ["Job", "JobQueue"]


@dataclass
class Job:
    """One queued run. ``state`` is ``queued``, ``running``, ``done``, ``failed`` or
    ``cancelled``; ``result`` holds ``run_id``/``run_dir`` when done, ``message`` the
    error when failed."""

    id: str
    label: str
    scenario_file: str
    role: str  # "what-if" or "baseline"
    state: str = "queued"
    result: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    progress_file: str = ""
    future: cf.Future | None = None
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    def view(self) -> dict[str, Any]:
        """Plain data for the page (progress 0–1)."""
        p = read_progress(self.progress_file) if self.state in ("queued", "running") else None
        state = self.state
        if state == "queued" and p is not None:
            state = "running"
        progress = 1.0 if self.state == "done" else (p or 0.0)
        return {"id": self.id, "label": self.label, "role": self.role, "state": state,
                "progress": progress, "run_id": self.result.get("run_id"),
                "reused": bool(self.result.get("reused")), "message": self.message}


class JobQueue:
    """Runs scenario files on ``executor`` one after another as submitted.

    Parameters
    ----------
    executor : concurrent.futures.Executor
        From :func:`landbridge.runners.open_executor` (a process pool serves the page;
        the in-process executor runs jobs in this queue's thread, for tests).
    store : Path
        The DuckDB results store the runs are recorded in.
    runs_root : Path
        Where run directories are written.
    work_dir : Path
        The page's private directory (progress files).
    max_pending : int
        Jobs queued or running at most.
    """

    def __init__(self, executor: cf.Executor, store: Path, runs_root: Path, work_dir: Path,
                 max_pending: int = 4):
        self.executor, self.store, self.runs_root = executor, Path(store), Path(runs_root)
        self.work_dir = Path(work_dir)
        self.max_pending = max_pending
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._todo: queue.Queue[Job | None] = queue.Queue()
        self._closed = False
        self._workers: list[multiprocessing.process.BaseProcess] = []
        self._thread = threading.Thread(target=self._dispatch, name="landbridge-jobs",
                                        daemon=True)

    def start(self) -> "JobQueue":
        """Start the worker processes (one no-op task, before any other thread of this
        queue or the web server exists) and the dispatching thread.

        The workers are started with SIGTERM at its default action, whatever this
        process does with it, so that stopping an idle worker just ends it.
        """
        self.work_dir.mkdir(parents=True, exist_ok=True)
        try:
            previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
        except ValueError:  # not the main thread: leave signals alone
            previous = None
        before = {p.pid for p in multiprocessing.active_children()}
        try:
            self.executor.submit(warm_up).result()
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        self._workers = [p for p in multiprocessing.active_children() if p.pid not in before]
        self._thread.start()
        return self

    # ---------------------------------------------------------------- submitting
    def submit(self, scenario_file: str | Path, label: str, role: str = "what-if") -> Job:
        """Queue a scenario file.

        Raises
        ------
        UsageError
            When ``max_pending`` jobs are already queued or running, or the queue is
            shut down.
        """
        with self._lock:
            if self._closed:
                raise UsageError([Problem("<page>", "run", "", "the server is stopping")])
            pending = [j for j in self._jobs.values() if j.state in ("queued", "running")]
            if len(pending) >= self.max_pending:
                raise UsageError([Problem(
                    "<page>", "run", "",
                    f"{len(pending)} runs are queued or running (at most {self.max_pending}); "
                    "wait for one to finish")])
            job_id = f"job{next(self._ids)}"
            job = Job(id=job_id, label=label, scenario_file=str(scenario_file), role=role,
                      progress_file=str(self.work_dir / f"{job_id}.progress"))
            self._jobs[job_id] = job
        self._todo.put(job)
        return job

    def pending_for(self, scenario_file: str | Path) -> Job | None:
        """A queued, running or finished job of the same scenario file (to avoid running
        a baseline twice)."""
        with self._lock:
            for j in reversed(list(self._jobs.values())):
                if j.scenario_file == str(scenario_file) and j.state in ("queued", "running",
                                                                         "done"):
                    return j
        return None

    def get(self, job_id: str) -> Job | None:
        """The job ``job_id``."""
        return self._jobs.get(job_id)

    def jobs(self) -> list[dict[str, Any]]:
        """Every job of this server's life, newest first, as plain data."""
        with self._lock:
            return [j.view() for j in reversed(list(self._jobs.values()))]

    # ---------------------------------------------------------------- running
    def _dispatch(self) -> None:
        while True:
            job = self._todo.get()
            if job is None:
                return
            if job.state != "queued":
                continue
            try:
                fut = self.executor.submit(run_scenario_file, job.scenario_file,
                                           str(self.store), str(self.runs_root),
                                           job.progress_file)
            except RuntimeError:  # the executor was shut down
                job.state = "cancelled"
                job.finished.set()
                continue
            job.future = fut
            fut.add_done_callback(lambda f, job=job: self._finished(job, f))

    def _finished(self, job: Job, fut: cf.Future) -> None:
        from landbridge.web.whatif import problems_text

        if fut.cancelled():
            job.state = "cancelled"
            job.finished.set()
            return
        exc = fut.exception()
        if exc is None:
            job.result = fut.result()
            job.state = "done"
        elif isinstance(exc, KeyboardInterrupt) or self._closed:
            job.state, job.message = "cancelled", "stopped with the server"
        else:
            job.state = "failed"
            job.message = "; ".join(problems_text(exc)) or type(exc).__name__
        Path(job.progress_file).unlink(missing_ok=True)
        job.finished.set()

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Block until job ``job_id`` has finished or ``timeout`` seconds have passed
        (scripts and tests; the page polls instead)."""
        job = self._jobs[job_id]
        job.finished.wait(timeout)
        return job

    def shutdown(self, timeout_s: float = 10.0) -> None:
        """Cancel queued jobs, stop running ones and the worker processes.

        The workers are the processes the executor started in :meth:`start`; each is
        sent SIGTERM (a running task then removes its partial output) and, if still
        alive after ``timeout_s``, killed.
        """
        with self._lock:
            self._closed = True
            for j in self._jobs.values():
                if j.state == "queued" and (j.future is None or j.future.cancel()):
                    j.state = "cancelled"
                    j.finished.set()
        self._todo.put(None)
        children = [p for p in self._workers if p.is_alive()]
        for p in children:
            p.terminate()
        for p in children:
            p.join(timeout_s)
            if p.is_alive():  # pragma: no cover - a worker ignoring SIGTERM
                p.kill()
                p.join(timeout_s)
        try:
            self.executor.shutdown(wait=False, cancel_futures=True)
        except Exception:  # noqa: BLE001 - a pool whose workers were stopped may complain
            pass
