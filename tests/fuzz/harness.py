"""Running a fuzz case through the command line, with a time and a memory limit, and
judging the outcome.

:func:`run_cli` runs ``landbridge ARGS`` in a fresh subprocess (the suite);
:class:`Worker` keeps one subprocess that runs case after case in-process (the
campaign: no start-up per input) and is replaced when a case hangs or kills it. Both
limit the address space with ``resource.setrlimit(RLIMIT_AS)``: an input that needs
unbounded memory fails there instead of taking the machine down.

Verdicts (:func:`judge`): ``accepted`` (exit 0), ``refused`` (exit 2 or 3 with a
message naming one of the case's files), and the failures ``traceback`` (an
exception escaped, or an unexpected exit code), ``hang`` (over the time limit),
``memory`` (killed, or MemoryError), ``silent-misread`` (exit 0 for an input that
must be refused), ``bad-message`` (refused without naming the file), ``run-failure``
(a sweep's replication failed on an accepted input).
"""

from __future__ import annotations

import json
import os
import resource
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Outcome", "run_cli", "Worker", "judge", "FAILURES", "MEMORY_LIMIT"]

MEMORY_LIMIT = 3 * 1024**3
"""Address-space limit of a case's process (bytes)."""
FAILURES = ("traceback", "hang", "memory", "silent-misread", "bad-message", "run-failure")

_ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
            NO_COLOR="1", COLUMNS="200")


@dataclass
class Outcome:
    """How one run ended: exit ``code`` (None if killed), its output, and whether it
    ran over the time limit."""

    code: int | None
    stdout: str
    stderr: str
    timed_out: bool = False


def _limits(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_cli(args: list[str], cwd: Path, timeout: float = 120.0,
            memory: int = MEMORY_LIMIT) -> Outcome:
    """Run ``landbridge ARGS`` in ``cwd`` in a subprocess limited to ``memory`` bytes
    of address space and ``timeout`` seconds."""
    try:
        r = subprocess.run([sys.executable, "-c", "from landbridge.cli import main; main()",
                            *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                           env=_ENV, preexec_fn=lambda: _limits(memory),
                           errors="replace")
    except subprocess.TimeoutExpired as exc:
        return Outcome(None, str(exc.stdout or ""), str(exc.stderr or ""), timed_out=True)
    return Outcome(r.returncode, r.stdout, r.stderr)


_WORKER_CODE = r"""
import json, os, sys, traceback
from typer.testing import CliRunner
from landbridge.cli import app
runner = CliRunner()
sys.stdout.write("ready\n")
sys.stdout.flush()
for line in sys.stdin:
    job = json.loads(line)
    os.chdir(job["cwd"])
    try:
        r = runner.invoke(app, job["args"], catch_exceptions=True)
        exc = r.exception
        tb = ""
        if exc is not None and not isinstance(exc, SystemExit):
            tb = "Traceback (most recent call last):\n" + "".join(
                traceback.format_exception(type(exc), exc, exc.__traceback__))[-3000:]
        doc = {"code": r.exit_code, "stdout": r.stdout[-2000:],
               "stderr": (r.stderr[-6000:] + tb)}
    except BaseException as exc:  # the runner itself broke (MemoryError, ...)
        doc = {"code": 1, "stdout": "", "stderr": "Traceback (most recent call last):\n"
               + repr(exc)}
    sys.stdout.write(json.dumps(doc) + "\n")
    sys.stdout.flush()
"""


class Worker:
    """One long-lived process that runs cases in-process (see the module docstring)."""

    def __init__(self, memory: int = MEMORY_LIMIT):
        self.memory = memory
        self.proc: subprocess.Popen | None = None
        self.restarts = 0

    def _start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER_CODE],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=_ENV,
                                     preexec_fn=lambda: _limits(self.memory))
        # start-up (importing landbridge) is not part of any case's time limit
        ready, _, _ = select.select([self.proc.stdout], [], [], 600)
        if not ready or self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the fuzz worker did not start")

    def stop(self) -> None:
        """Kill the worker process (the next case starts a new one)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def run(self, args: list[str], cwd: Path, timeout: float = 60.0,
            confirm: bool = True) -> Outcome:
        """Run one case; a hang kills and replaces the worker. With ``confirm`` a case
        over the limit is run once more in a fresh worker with twice the time (a
        machine busy with other work is not a hang); only a second time-out counts."""
        out = self._run(args, cwd, timeout)
        if out.timed_out and confirm:
            out = self._run(args, cwd, 2 * timeout)
        return out

    def _run(self, args: list[str], cwd: Path, timeout: float) -> Outcome:
        if self.proc is None:
            self._start()
            self.restarts += 1
        assert self.proc is not None and self.proc.stdin and self.proc.stdout
        try:
            self.proc.stdin.write(json.dumps({"args": args, "cwd": str(cwd)}) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return Outcome(None, "", "worker died before the case")
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.stop()
            return Outcome(None, "", "", timed_out=True)
        line = self.proc.stdout.readline()
        if not line:  # killed (memory limit, a signal)
            code = self.proc.wait()
            self.proc = None
            return Outcome(code, "", "the worker process died (killed or out of memory)")
        doc = json.loads(line)
        return Outcome(doc["code"], doc["stdout"], doc["stderr"])


def judge(case, out: Outcome) -> str:
    """The verdict on ``out`` for ``case`` (a :class:`mutations.Case`)."""
    if out.timed_out:
        return "hang"
    if "MemoryError" in out.stderr or out.code is None or out.code < 0 \
            or "out of memory" in out.stderr:
        return "memory"
    if "Traceback (most recent call last)" in out.stderr:
        return "traceback"
    if out.code == 0:
        return "silent-misread" if case.must_refuse else "accepted"
    if out.code == 1 and case.target == "sweep" and "replication" in out.stderr:
        return "run-failure"
    if out.code not in (2, 3):
        return "traceback"
    problems = [ln for ln in out.stderr.splitlines() if ln.startswith("  - ")]
    named = [ln for ln in problems
             if any(Path(f).name in ln or f in ln for f in case.files)
             or "<command line>" in ln]
    if out.code == 2 and (not problems or not named):
        return "bad-message"
    return "refused"
