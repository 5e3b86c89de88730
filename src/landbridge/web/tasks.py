"""What a background worker does for the page: simulate one scenario file, write the run
directory and record it in the results store, through the library workflow the command
line uses (:func:`landbridge.workflow.run_scenario`). Importable without Dash: it runs
in the worker processes of the executor seam (:mod:`landbridge.runners.executors`).
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path
from typing import Any, Iterator

__all__ = ["run_scenario_file", "read_progress", "warm_up"]


def warm_up() -> int:
    """A no-op task that starts the worker processes before the web server's threads
    (a forked worker then copies no lock held by a request thread). Returns the pid."""
    return os.getpid()


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """While a task runs in a worker, SIGTERM raises KeyboardInterrupt, so a stopped
    server leaves no half-written run directory (the atomic writer removes its temporary
    directory); between tasks the default action (exit) applies again."""
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread (the in-process executor): leave it alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):  # pragma: no cover - runs in a worker being stopped
    raise KeyboardInterrupt


class _Progress:
    """Writes the fraction of replications done to a small file (atomically, at most
    every whole percent), which the page reads: it works for any worker process."""

    def __init__(self, path: Path, total: int):
        self.path, self.total, self.last = path, max(1, total), -1

    def __call__(self, done: float) -> None:
        pct = int(100 * done / self.total)
        if pct != self.last:
            self.last = pct
            write_progress(self.path, done / self.total)


def write_progress(path: str | Path, fraction: float) -> None:
    """Write ``fraction`` (0–1) to ``path`` atomically."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(f"{fraction:.4f}\n", encoding="ascii")
    os.replace(tmp, path)


def read_progress(path: str | Path) -> float | None:
    """The fraction written by a running task, or ``None`` before it started."""
    try:
        return max(0.0, min(1.0, float(Path(path).read_text(encoding="ascii"))))
    except (OSError, ValueError):
        return None


def run_scenario_file(scenario_file: str, store: str, runs_root: str,
                      progress_file: str) -> dict[str, Any]:
    """Simulate ``scenario_file`` as ``landbridge simulate FILE --store STORE`` does
    (:func:`landbridge.workflow.run_scenario`), or reuse an identical stored run.

    Parameters
    ----------
    scenario_file : str
        A scenario YAML (written by the page after checking it).
    store : str
        The DuckDB results store.
    runs_root : str
        Where new run directories go (``<root>/<scenario>-<hash8>-s<seed>``).
    progress_file : str
        Receives the fraction done as the replications advance.

    Returns
    -------
    dict
        ``run_id``, ``run_dir``, ``reused`` (True when an identical stored run was
        found) and ``notes``.
    """
    from landbridge.scenario import load_scenario
    from landbridge.workflow import run_scenario

    with _sigterm_interrupts():
        write_progress(progress_file, 0.0)
        replications = load_scenario(scenario_file)[0].replications
        outcome = run_scenario(scenario_file, store=store, runs_root=runs_root, report=False,
                               reuse=True,
                               on_progress=_Progress(Path(progress_file), replications))
        write_progress(progress_file, 1.0)
        return {"run_id": outcome.run_id, "run_dir": str(outcome.run_dir),
                "reused": outcome.reused, "notes": list(outcome.notes)}
