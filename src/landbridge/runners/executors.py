"""The executor seam: which ``concurrent.futures.Executor`` runs the replications.

* ``workers=1`` → :class:`~landbridge.runners.InProcessExecutor` (no processes),
* ``workers=N`` → ``concurrent.futures.ProcessPoolExecutor(N)`` whose workers ignore
  Ctrl-C (the parent handles it and cancels what has not started),
* ``scheduler="tcp://host:8786"`` → a Dask ``distributed.Client`` on that scheduler and
  its ``get_executor()`` (Dask is the engine; landbridge schedules nothing itself),
* ``scheduler="local"`` → a ``distributed.LocalCluster`` of ``workers`` single-threaded
  worker processes started for the run (handy to try Dask without a cluster); closed with
  the block, and its workers die with this process (:mod:`landbridge.runners.daskworker`).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import Iterator

from landbridge.errors import Problem, ScenarioError
from landbridge.runners.replications import InProcessExecutor

__all__ = ["ExecutorInfo", "open_executor", "default_workers", "process_pool", "worker_init"]


def default_workers() -> int:
    """Usable CPU cores of this process (``os.sched_getaffinity`` where available)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

LOCAL_DEATH_TIMEOUT_S = 120
"""Seconds a worker of the LocalCluster (``scheduler="local"``) waits to reach its
scheduler before closing itself: starting a worker and losing the scheduler (this
process) both end in a closed worker (Dask's ``death_timeout``). Generous, because a
loaded machine starts a worker process slowly."""


def worker_init(parent_pid: int | None = None) -> None:
    """Initializer of worker processes: ignore Ctrl-C (the parent handles it) and die
    with the parent. A parent killed with SIGKILL cannot shut its pool down, so on
    Linux the kernel is asked to kill the worker when its parent dies
    (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); elsewhere a watchdog thread polls
    ``getppid()`` once a second. ``parent_pid`` closes the race of a parent that died
    before the request was made.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = parent_pid if parent_pid is not None else os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            ok = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            ok = False
        if ok:
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,  # pragma: no cover
                     name="landbridge-parent-watchdog").start()


def _watch_parent(parent: int) -> None:  # pragma: no cover - non-Linux fallback
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` of ``workers`` processes that ignore Ctrl-C and die
    with this process (:func:`worker_init`)."""
    return cf.ProcessPoolExecutor(max_workers=workers, initializer=worker_init,
                                  initargs=(os.getpid(),))


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while starting worker processes (an ignored signal stays ignored
    across ``exec``, and Python then keeps it so), so that Ctrl-C in a terminal reaches
    only the parent, which cancels the work and closes the cluster cleanly."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass(frozen=True)
class ExecutorInfo:
    """An open executor, what it is (``in-process``, ``process-pool``, ``dask``), where
    it runs, and how many tasks it runs at once (``slots``)."""

    executor: cf.Executor
    kind: str
    where: str
    slots: int


@contextlib.contextmanager
def open_executor(workers: int | None = None, scheduler: str | None = None
                  ) -> Iterator[ExecutorInfo]:
    """Open the executor for ``workers`` / ``scheduler`` (see the module docstring) and
    shut it down on exit (pending tasks are cancelled when leaving by an exception).

    Parameters
    ----------
    workers : int, optional
        Worker processes; default: the usable cores. Ignored with a remote scheduler.
    scheduler : str, optional
        ``tcp://host:port`` of a Dask scheduler, or ``local`` for a LocalCluster.

    Raises
    ------
    ScenarioError
        When ``workers`` < 1 or the Dask scheduler cannot be reached (names the address).
    """
    n = default_workers() if workers is None else workers
    if n < 1:
        raise ScenarioError([Problem("<command line>", "--workers", "",
                                     f"expected at least 1, got {n}")])
    if scheduler is None:
        if n == 1:
            yield ExecutorInfo(InProcessExecutor(), "in-process", "this process", 1)
            return
        ex = process_pool(n)
        ok = False
        try:
            yield ExecutorInfo(ex, "process-pool", f"{n} local processes", n)
            ok = True
        finally:
            ex.shutdown(wait=ok, cancel_futures=not ok)
        return

    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:  # whatever happens, the client and cluster close
        try:
            if scheduler == "local":
                with _sigint_ignored():  # the worker processes inherit it: Ctrl-C is ours
                    # nannies restart a crashed worker; a worker that loses the scheduler
                    # (this process) for death_timeout closes itself
                    cluster = stack.enter_context(LocalCluster(
                        n_workers=n, threads_per_worker=1, processes=True,
                        dashboard_address=None, death_timeout=LOCAL_DEATH_TIMEOUT_S))
                client = stack.enter_context(Client(cluster))
                from landbridge.runners.daskworker import DieWithParent

                client.register_plugin(DieWithParent(os.getpid()))  # and future workers
            else:
                client = stack.enter_context(Client(scheduler, timeout="20s"))
        except (OSError, TimeoutError, ValueError) as exc:
            raise ScenarioError([Problem("<command line>", "--scheduler", "",
                                         f"cannot connect to the Dask scheduler "
                                         f"{scheduler!r}: {exc}")]) from None
        slots = max(1, sum(client.nthreads().values()))
        where = f"Dask scheduler {client.scheduler.address} ({slots} worker threads)"
        # pure=False: every task is distinct anyway; skips hashing the scenario per task
        yield ExecutorInfo(client.get_executor(pure=False), "dask", where, slots)
