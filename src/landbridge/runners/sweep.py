"""Parameter sweeps: many points × replications through one Executor, streamed to disk.

:func:`plan_sweep` turns a :class:`~landbridge.runners.sweepfile.Sweep` into validated,
compiled point scenarios (every problem of every point reported together).
:func:`run_sweep` runs the missing replications on any ``concurrent.futures.Executor``
(see :mod:`landbridge.runners.executors`), writes each one to the sweep directory as it
finishes (:mod:`landbridge.runners.sweepdir`), records failing replications with their
point and seed while the others go on, and finally summarises KPIs per point with 95 %
confidence intervals (:func:`landbridge.analysis.summarize`) and charts them.

Seeds: point ``p``, replication ``r`` runs with
``numpy.random.SeedSequence(seed, spawn_key=(p, r))``, so a result depends only on the
sweep, never on the worker, the order or an interruption.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import itertools
import json
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from landbridge import __version__
from landbridge.analysis.kpis import Kpis
from landbridge.errors import LandbridgeError, Problem, ScenarioError, SweepError, UnknownNameError
from landbridge.runners.params import PathError, set_path
from landbridge.runners.replications import InProcessExecutor, replication_task
from landbridge.runners.sweepdir import (failure_file, finished_replications, rep_file,
                                         kpis_to_doc, write_json)
from landbridge.runners.sweepfile import Sweep, load_sweep
from landbridge.scenario.compile import CompiledScenario, compile_scenario, resolve_network
from landbridge.scenario.loader import (load_scenario, parse_scenario, scenario_file_label,
                                        scenario_hash, scenario_path)

__all__ = ["SweepPoint", "SweepPlan", "SweepResult", "SweepInterruptedError", "plan_sweep",
           "load_sweep_plan", "run_sweep", "check_sweep_dir", "sweep_replication", "SEED_SCHEME"]

SEED_SCHEME = "numpy.random.SeedSequence(seed, spawn_key=(point, replication))"


class SweepInterruptedError(LandbridgeError):
    """The executor broke down (a worker process died, the Dask client lost its
    scheduler); every finished replication is saved and ``--resume`` goes on."""


@dataclass(frozen=True)
class SweepPoint:
    """One point of a sweep: its index, the parameter values (path → value) and the
    compiled scenario."""

    index: int
    params: dict[str, Any]
    compiled: CompiledScenario
    scenario_hash: str


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep, ready to run."""

    sweep: Sweep
    file: str
    base_file: str
    seed: int
    replications: int
    points: tuple[SweepPoint, ...]

    def identity(self) -> str:
        """SHA-256 over the point scenarios and the seed scheme: two plans with the same
        identity produce the same replications."""
        text = json.dumps([SEED_SCHEME, self.seed, self.replications,
                           [p.scenario_hash for p in self.points]])
        return hashlib.sha256(text.encode()).hexdigest()

    def tasks(self) -> list[tuple[int, int]]:
        """All (point, replication) pairs in order."""
        return [(p.index, r) for p in self.points for r in range(self.replications)]

    def manifest(self) -> dict:
        """Everything needed to replay the sweep (never the wall clock)."""
        return {
            "landbridge_version": __version__,
            "sweep_name": self.sweep.name,
            "sweep_file": self.file,
            "base_scenario_file": scenario_file_label(self.base_file),
            "seed": self.seed,
            "replications": self.replications,
            "seed_scheme": SEED_SCHEME,
            "identity": self.identity(),
            "parameters": [{"path": k, "label": self.sweep.label(k)}
                           for k in self.sweep.parameters()],
            "points": [{"point": p.index, "params": p.params, "scenario_hash": p.scenario_hash}
                       for p in self.points],
            "sweep": self.sweep.model_dump(mode="json", by_alias=True),
        }


def _point_params(sweep: Sweep) -> list[dict[str, Any]]:
    keys = list(sweep.grid)
    values = [v if isinstance(v, list) else v.values() for v in sweep.grid.values()]
    points = [dict(zip(keys, combo)) for combo in itertools.product(*values)] if keys else []
    points += [dict(p) for p in sweep.points]
    order = sweep.parameters()
    return [{k: p[k] for k in order if k in p} for p in points]


def _base_path(sweep: Sweep, sweep_file: str) -> Path:
    rel = Path(sweep_file).parent / sweep.scenario
    if sweep_file != "<sweep>" and rel.exists():
        return rel
    return scenario_path(sweep.scenario)


def plan_sweep(sweep: Sweep, file: str = "<sweep>") -> SweepPlan:
    """Build and compile the scenario of every point.

    The base scenario is ``sweep.scenario`` (a file relative to the sweep file, or a
    bundled name); ``set`` is applied first, then ``seed``, ``replications`` and the
    point's parameters, and each result is validated and compiled.

    Raises
    ------
    SweepError
        Every problem of every point, each naming the sweep file, the point and its
        parameters, and the scenario path and message.
    UnknownNameError
        When the base scenario is neither a file nor a bundled scenario.
    """
    try:
        ref = _base_path(sweep, file)
    except (UnknownNameError, ScenarioError) as exc:
        msg = str(exc) if isinstance(exc, UnknownNameError) else (
            f"no scenario file {Path(file).parent / sweep.scenario} (a path is taken from "
            "the sweep file's directory) and no bundled scenario of that name")
        raise SweepError([Problem(file, "scenario", "", msg)]) from None
    try:
        base, base_path = load_scenario(ref)
    except ScenarioError as exc:  # name the sweep file and field that referred to it
        raise SweepError([Problem(file, "scenario", "",
                                  f"{sweep.scenario!r} ({ref}) is not a valid scenario:"),
                          *exc.problems]) from None
    network = resolve_network(base, base_path)
    data = base.model_dump(mode="json", by_alias=True)
    problems: list[Problem] = []
    for path, value in sweep.set.items():
        try:
            data = set_path(data, path, value, network)
        except PathError as exc:
            problems.append(Problem(file, f"set.{path}", "", str(exc)))
    seed = sweep.seed if sweep.seed is not None else base.seed
    n = sweep.replications or base.replications
    data["seed"], data["replications"] = seed, n
    points: list[SweepPoint] = []
    n_grid = len(list(itertools.product(*[v if isinstance(v, list) else v.values()
                                          for v in sweep.grid.values()]))) if sweep.grid else 0
    for i, params in enumerate(_point_params(sweep)):
        where = (f"grid point {i}" if i < n_grid else f"points[{i - n_grid}]") + " (" + \
            ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")"
        d = data
        bad = False
        for path, value in params.items():
            try:
                d = set_path(d, path, value, network)
            except PathError as exc:
                problems.append(Problem(file, where, "", f"{path}: {exc}"))
                bad = True
        if bad:
            continue
        try:
            sc = parse_scenario(d, file)
            compiled = compile_scenario(sc, network if sc.network == base.network else None,
                                        file=base_path)
        except ScenarioError as exc:
            problems.extend(Problem(file, where, "", f"{p.item}: {p.message}" if p.item
                                    else p.message) for p in exc.problems)
            continue
        points.append(SweepPoint(i, params, compiled, scenario_hash(sc)))
    if problems:
        raise SweepError(problems)
    return SweepPlan(sweep=sweep, file=file, base_file=str(base_path), seed=seed,
                     replications=n, points=tuple(points))


def load_sweep_plan(name_or_path: str | Path) -> SweepPlan:
    """:func:`load_sweep` then :func:`plan_sweep`."""
    sweep, path = load_sweep(name_or_path)
    return plan_sweep(sweep, str(path))


def sweep_replication(compiled: CompiledScenario, point: int, replication: int) -> Kpis:
    """The task run on a worker: replication ``replication`` of point ``point``, seeded by
    ``SeedSequence(seed, spawn_key=(point, replication))``; returns only the KPI tables
    (the event log stays on the worker)."""
    _, kpis = replication_task(compiled, replication, (point, replication))
    return kpis


@dataclass
class SweepResult:
    """What :func:`run_sweep` did: the directory, the replications run now, those found
    finished, the failures (all currently failed replications) and the summary."""

    out: Path
    plan: SweepPlan
    ran: list[tuple[int, int]] = field(default_factory=list)
    skipped: int = 0
    failures: list[dict] = field(default_factory=list)
    summary: Any = None


def _is_breakdown(exc: BaseException) -> bool:
    if isinstance(exc, (cf.BrokenExecutor, cf.CancelledError)):
        return True
    return type(exc).__name__ in ("CommClosedError", "FutureCancelledError")


def check_sweep_dir(plan: SweepPlan, out: str | Path, resume: bool = False) -> bool:
    """Check that ``out`` can take this sweep; return whether it already holds it.

    Raises
    ------
    SweepError
        ``out`` holds this sweep and ``resume`` is false; it holds another sweep; or it
        is a file or a non-empty directory that is no sweep directory.
    """
    from landbridge.outpaths import check_name_lengths, check_output_dir

    out = Path(out)
    check_name_lengths(out)
    manifest = out / "sweep.json"
    if manifest.exists():
        if not resume:
            raise SweepError([Problem(str(out), "--out", "",
                                         "holds a sweep already; pass --resume to complete it, "
                                         "or choose another directory")])
        old = json.loads(manifest.read_text(encoding="utf-8"))
        if old.get("identity") != plan.identity():
            raise SweepError([Problem(str(out), "--resume", "",
                                         "the sweep in this directory differs from the sweep "
                                         "file (points, seed or replications changed); choose "
                                         "another --out")])
        return True
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SweepError([Problem(str(out), "--out", "",
                                     "exists and is not an empty directory (nor a sweep "
                                     "directory); nothing was written")])
    check_output_dir(out)  # a symbolic link, an unwritable parent: refused before running
    return False


def _prepare(plan: SweepPlan, out: Path, resume: bool) -> None:
    if check_sweep_dir(plan, out, resume):
        for sub in ("reps", "failures"):  # temporary files of writes cut short
            for tmp in (out / sub).glob(".*.tmp") if (out / sub).is_dir() else ():
                tmp.unlink(missing_ok=True)
        return
    for p in plan.points:
        write_json(out / "points" / f"p{p.index:03d}.json",
                   p.compiled.scenario.model_dump(mode="json", by_alias=True))
    write_json(out / "sweep.json", plan.manifest())  # last: its presence marks a sweep dir


def _failure_record(plan: SweepPlan, point: int, replication: int, exc: BaseException) -> dict:
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return {"point": point, "replication": replication, "seed": plan.seed,
            "spawn_key": [point, replication], "params": plan.points[point].params,
            "error": type(exc).__name__, "message": str(exc), "traceback": tb}


def run_sweep(plan: SweepPlan, out: str | Path, executor: cf.Executor | None = None, *,
              resume: bool = False, slots: int = 1,
              on_done: Callable[[int, int, bool], None] | None = None,
              on_result: Callable[[int, int, Kpis], None] | None = None,
              on_point: Callable[[int], None] | None = None,
              task: Callable[[CompiledScenario, int, int], Kpis] = sweep_replication,
              write_report: bool = True) -> SweepResult:
    """Run the sweep's missing replications and summarise every point.

    Parameters
    ----------
    plan : SweepPlan
    out : path
        The sweep directory: new or empty, or (with ``resume``) one this plan started.
    executor : concurrent.futures.Executor, optional
        Default :class:`~landbridge.runners.InProcessExecutor`. Not shut down here.
    resume : bool
        Complete a sweep directory: replications with a file in ``reps/`` are skipped,
        failed ones are retried.
    slots : int
        Tasks the executor runs at once; at most ``2 * slots`` are submitted ahead, so
        results stream to disk as they finish and an interruption wastes little.
    on_done : callable, optional
        ``on_done(point, replication, ok)`` after each replication (progress bars).
    on_result : callable, optional
        ``on_result(point, replication, kpis)`` after a finished replication is saved.
    on_point : callable, optional
        ``on_point(point)`` once a point has all its replications saved (also, at the
        start, for points found complete), e.g. to record it in the results store
        (:func:`landbridge.runners.sweepstore.record_point`).
    task : callable
        The worker function, default :func:`sweep_replication` (tests inject faults).
    write_report : bool
        Write ``sweep.html`` with the chart (default true).

    Returns
    -------
    SweepResult

    Raises
    ------
    SweepError
        ``out`` is not usable (exists with other content; or a different sweep).
    SweepInterruptedError
        The executor broke down; finished replications are saved.
    KeyboardInterrupt
        Passed on after cancelling what has not started; finished replications are saved.
    """
    from landbridge.runners.sweepsummary import summarize_sweep

    out = Path(out)
    _prepare(plan, out, resume)
    ex = executor or InProcessExecutor()
    finished = finished_replications(out)
    todo = [t for t in plan.tasks() if t not in finished]
    result = SweepResult(out=out, plan=plan, skipped=len(plan.tasks()) - len(todo))
    queue = iter(todo)
    pending: dict[cf.Future, tuple[int, int]] = {}
    window = max(1, 2 * slots) if not isinstance(ex, InProcessExecutor) else 1
    count = {p.index: 0 for p in plan.points}
    for p, r in finished:
        if p in count and r < plan.replications:
            count[p] += 1
    if on_point is not None:
        for p, c in count.items():
            if c == plan.replications:
                on_point(p)

    def fill() -> None:
        while len(pending) < window:
            nxt = next(queue, None)
            if nxt is None:
                return
            p, r = nxt
            try:
                pending[ex.submit(task, plan.points[p].compiled, p, r)] = (p, r)
            except (cf.BrokenExecutor, RuntimeError) as exc:  # pool broke before a
                raise broken(exc) from exc                      # future could say so

    def broken(exc: BaseException) -> "SweepInterruptedError":
        saved = len(finished_replications(out))
        return SweepInterruptedError(
            f"the executor broke down ({type(exc).__name__}: {exc}); "
            f"{saved} of {len(plan.tasks())} replications are saved in {out}; "
            "run again with --resume to complete the sweep")

    try:
        fill()
        while pending:
            done, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: pending[f]):
                p, r = pending.pop(fut)
                exc = fut.exception() if not fut.cancelled() else cf.CancelledError()
                if exc is None:
                    kpis = fut.result()
                    write_json(rep_file(out, p, r), {
                        "point": p, "replication": r, "seed": plan.seed, "spawn_key": [p, r],
                        "scenario_hash": plan.points[p].scenario_hash,
                        "tables": kpis_to_doc(kpis)}, indent=None)
                    failure_file(out, p, r).unlink(missing_ok=True)
                    result.ran.append((p, r))
                    count[p] += 1
                    if on_result is not None:
                        on_result(p, r, kpis)
                    if on_point is not None and count[p] == plan.replications:
                        on_point(p)
                elif isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise exc
                elif _is_breakdown(exc):
                    raise broken(exc) from exc
                else:
                    write_json(failure_file(out, p, r), _failure_record(plan, p, r, exc))
                if on_done is not None:
                    on_done(p, r, exc is None)
            fill()
    except BaseException:
        for fut in pending:
            fut.cancel()
        raise
    result.summary = summarize_sweep(out, write_report=write_report)
    result.failures = result.summary.failures
    return result
