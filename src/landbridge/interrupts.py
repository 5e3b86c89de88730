"""Interrupts (Ctrl-C, SIGTERM) that cannot be lost.

Python raises :class:`KeyboardInterrupt` wherever the main thread is when its signal
handler runs. When that is inside a weakref callback, a ``__del__`` method or a
garbage-collector callback, the exception is printed as ``Exception ignored in ...:
KeyboardInterrupt`` and discarded, and the work carries on as if nothing happened
(a simulation interrupted so went on to write, record and exit 0).

The command line therefore installs :func:`handle_signal`, which first records that an
interrupt was requested and then raises; long operations call :func:`check` at their
safe points (after each replication, before writing a run directory, before recording
it, before writing a report), where an interrupt that was discarded is raised again.
Without :func:`handle_signal` installed (library use), :func:`check` does nothing.

:class:`RunInterrupted` is the interrupt that arrived after a run directory was
written completely: it says what exists, so the caller can tell the user how to finish
(record the directory, write the report).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

__all__ = ["handle_signal", "install", "requested", "check", "clear", "RunInterrupted"]

_requested = False
_owner_pid: int | None = None


def install() -> None:
    """Route SIGINT and SIGTERM of this process through :func:`handle_signal`.

    Child processes forked later (replication workers, the what-if page's job workers)
    inherit the handler; in them it behaves as Python's defaults do (SIGTERM ends the
    process, SIGINT raises :class:`KeyboardInterrupt` unrecorded), so a pool's
    ``terminate`` still stops its workers.

    Raises
    ------
    ValueError
        From :func:`signal.signal` when called outside the main thread of the
        main interpreter.
    """
    global _owner_pid
    _owner_pid = os.getpid()
    signal.signal(signal.SIGINT, handle_signal)
    signal.signal(signal.SIGTERM, handle_signal)


def handle_signal(signum: int | None = None, frame=None) -> None:
    """Signal handler (SIGINT, SIGTERM): record the interrupt, then raise it.

    In a process forked from the one that called :func:`install`, the default
    behaviour instead: SIGTERM ends the process, SIGINT raises unrecorded.

    Raises
    ------
    KeyboardInterrupt
        Always (in the installing process, and for SIGINT in a child).
    """
    global _requested
    if _owner_pid is not None and os.getpid() != _owner_pid:
        if signum == signal.SIGTERM:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
        raise KeyboardInterrupt
    _requested = True
    raise KeyboardInterrupt


def requested() -> bool:
    """True once :func:`handle_signal` ran (until :func:`clear`)."""
    return _requested


def check() -> None:
    """Raise :class:`KeyboardInterrupt` if an interrupt was requested (a safe point).

    Raises
    ------
    KeyboardInterrupt
        :func:`handle_signal` ran, even if the exception it raised was discarded.
    """
    if _requested:
        raise KeyboardInterrupt


def clear() -> None:
    """Forget a requested interrupt (tests; a server that handled it)."""
    global _requested
    _requested = False


class RunInterrupted(KeyboardInterrupt):
    """An interrupt after the run directory was written completely (atomically).

    Attributes
    ----------
    run_dir : Path
        The complete run directory.
    run_id : str or None
        The run's id when it was recorded in the results store, else None.
    store : bool
        A results store was to record it (so ``run_id`` None means: not recorded).
    report_missing : bool
        A report was asked for and was not written.
    """

    def __init__(self, run_dir: str | Path, run_id: str | None, store: bool,
                 report_missing: bool) -> None:
        super().__init__(str(run_dir))
        self.run_dir = Path(run_dir)
        self.run_id = run_id
        self.store = store
        self.report_missing = report_missing
