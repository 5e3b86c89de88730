"""The simulate → write → record → report workflow, as one library call.

:func:`run_scenario` is what ``landbridge simulate`` does (and what the web page
calls): load and compile a scenario (a :class:`~landbridge.scenario.Scenario` object, a
file or a bundled name), run its replications, write the run directory, record it in
the results store and write its HTML report. An identical rerun — same scenario hash,
seed, replications, horizon and landbridge version as a run already in the store whose
directory is still complete — reuses that run instead of storing a duplicate.

:func:`delay_headline` answers "how many TEU were delayed, by how much, and when had
the backlog cleared" for a run against a baseline (see
:mod:`landbridge.analysis.delay`).

Errors name this module's parameters (``out_dir``, ``workers``), never command-line
flags.

Examples
--------
>>> from landbridge.workflow import run_scenario, delay_headline   # doctest: +SKIP
>>> base = run_scenario("default", horizon_days=90, replications=3)  # doctest: +SKIP
>>> out = run_scenario("closure.yaml", baseline=base.run_id)        # doctest: +SKIP
>>> print("\\n".join(delay_headline(out.run_id, base.run_id).lines))  # doctest: +SKIP
"""

from __future__ import annotations

import concurrent.futures as cf
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from landbridge import interrupts
from landbridge.errors import Problem, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from landbridge.analysis.delay import DelaySummary
    from landbridge.analysis.kpis import Kpis
    from landbridge.runners.replications import SimulationRun
    from landbridge.scenario.compile import CompiledScenario
    from landbridge.scenario.schema import Scenario

__all__ = ["RunOutcome", "run_scenario", "compile_for_run", "DelayHeadline",
           "scorecard_of_run",
           "delay_headline", "load_summary"]


@dataclass(frozen=True)
class RunOutcome:
    """What :func:`run_scenario` did.

    Attributes
    ----------
    run_dir : Path
        The run directory (new, or the reused run's).
    run_id : str or None
        The run's id in the store (None when not recorded).
    manifest : dict
        The run manifest (``manifest.json``).
    summary : Kpis
        KPI summary tables (mean and 95 % CI over replications).
    compiled : CompiledScenario
        The scenario as simulated.
    report : Path or None
        The HTML report, when written.
    reused : bool
        True when an identical stored run was reused instead of simulating.
    run : SimulationRun or None
        The replications, None when reused. Their event logs are kept in memory
        only with ``validate`` (otherwise read ``events.parquet`` in ``run_dir``).
    notes : tuple of str
        Notes worth showing (compilation notes, reuse, warm-up adjustments).
    baseline_dir : Path or None
        The baseline's run directory (when a baseline was given).
    """

    run_dir: Path
    run_id: str | None
    manifest: dict
    summary: "Kpis"
    compiled: "CompiledScenario"
    report: Path | None = None
    reused: bool = False
    run: "SimulationRun | None" = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    baseline_dir: Path | None = None


def _usage(param: str, message: str, value: Any = "") -> UsageError:
    return UsageError([Problem("<arguments>", param, "", f"{value!r}: {message}"
                               if value != "" else message)])


def compile_for_run(scenario: "Scenario | str | Path | None", *,
                    horizon_days: float | None = None, seed: int | None = None,
                    replications: int | None = None) -> tuple["CompiledScenario", list[str]]:
    """Load (unless given as an object), apply the overrides and compile a scenario.

    Parameters
    ----------
    scenario : Scenario, str, Path or None
        A Scenario object, a YAML file, a bundled name, or None for ``default``.
    horizon_days, seed, replications : optional
        Replace the scenario's values (a horizon not longer than the warm-up drops the
        warm-up, with a note).

    Returns
    -------
    (CompiledScenario, list of str)
        The compiled scenario and notes.

    Raises
    ------
    ScenarioError
        Invalid scenario (every problem listed, with file and path).
    UsageError
        An override out of range (naming the parameter).
    """
    from landbridge.scenario import compile_scenario, load_scenario, parse_scenario
    from landbridge.scenario.schema import Scenario

    notes: list[str] = []
    if isinstance(scenario, Scenario):
        sc, path = scenario, None
    else:
        sc, path = load_scenario(None if scenario is None else str(scenario))
    if horizon_days is not None and not 0 < float(horizon_days) <= 3660:
        raise _usage("horizon_days", "expected a number of days in (0, 3660]", horizon_days)
    if seed is not None and (not isinstance(seed, int) or seed < 0):
        raise _usage("seed", "expected an integer >= 0", seed)
    if replications is not None and (not isinstance(replications, int)
                                     or not 1 <= replications <= 10000):
        raise _usage("replications", "expected an integer from 1 to 10000", replications)
    changes: dict[str, Any] = {}
    if horizon_days is not None:
        changes["horizon_days"] = float(horizon_days)
        if sc.warmup_days >= float(horizon_days):
            changes["warmup_days"] = 0.0
            notes.append(f"horizon_days {float(horizon_days):g} is not longer than the "
                         f"scenario's warm-up ({sc.warmup_days:g} days): running without "
                         "a warm-up")
        end = sc.start_date + timedelta(days=float(horizon_days))
        if sc.year is not None and float(horizon_days) > (
                date(sc.year + 1, 1, 1) - sc.start_date).days:
            notes.append(f"horizon_days {float(horizon_days):g} runs past the end of the "
                         f"scenario's year {sc.year} (to {end.isoformat()}): its {sc.year} "
                         "flows, capacities and measures continue unchanged")
    if seed is not None:
        changes["seed"] = seed
    if replications is not None:
        changes["replications"] = replications
    if changes:
        data = sc.model_dump(mode="json", by_alias=True)
        data.update(changes)
        sc = parse_scenario(data, str(path) if path is not None else "<scenario>")
    compiled = compile_scenario(sc, file=path)
    return compiled, notes + list(compiled.notes)


def load_summary(run_dir: str | Path) -> "Kpis":
    """The KPI summary of a run directory (``kpis.json``) as :class:`Kpis`; tables a
    run written by an older landbridge lacks are empty."""
    from landbridge.analysis.kpis import Kpis
    from landbridge.analysis.schema import KPI_SCHEMA, summary_columns
    from landbridge.store.rundir import read_kpis_json

    import pandas as pd

    tables = read_kpis_json(Path(run_dir) / "kpis.json")
    return Kpis(**{name: tables.get(name, pd.DataFrame(columns=summary_columns(name)))
                   for name in KPI_SCHEMA})


def run_scenario(scenario: "Scenario | str | Path | None" = None, *,
                 horizon_days: float | None = None, seed: int | None = None,
                 replications: int | None = None, out_dir: str | Path | None = None,
                 runs_root: str | Path = "runs", store: str | Path | None | bool = True,
                 report: bool = True, baseline: str | Path | None = None,
                 workers: int = 1, executor: cf.Executor | None = None,
                 reuse: bool = True,
                 on_progress: Callable[[float], None] | None = None,
                 validate: bool = False) -> RunOutcome:
    """Run a scenario end to end: simulate, write the run directory, record it, report.

    Parameters
    ----------
    scenario : Scenario, str, Path or None
        A Scenario object (e.g. a what-if built in Python), a YAML file, a bundled
        name, or None for ``default``.
    horizon_days, seed, replications : optional
        Override the scenario's values.
    out_dir : str or Path, optional
        The run directory (new or empty; never reused). Default
        ``runs_root/<scenario>-<hash8>-s<seed>`` (``-2``, ... when taken).
    runs_root : str or Path
        Where default run directories go.
    store : str, Path, True or False/None
        The results store file; True = ``runs/landbridge.duckdb``; False or None = do
        not record (and do not reuse).
    report : bool
        Write ``report.html`` into the run directory.
    baseline : str, Path or Scenario, optional
        What to report against. A bundled scenario name, a scenario file (``.yaml``) or
        a Scenario object is run first with this run's horizon, seed and replications
        (an identical stored run is reused), so the two runs pair consignment by
        consignment; anything else is a stored run (id, unique prefix) or a run
        directory.
    workers : int
        Processes for the replications (1 = in this process); ignored with
        ``executor``.
    executor : concurrent.futures.Executor, optional
        Runs the replications (a process pool, a Dask client's executor).
    reuse : bool
        Reuse an identical stored run (see the module docstring) instead of simulating.
    on_progress : callable, optional
        Called with the replications done so far (a float, e.g. 2.5).
    validate : bool
        With ``report``: score the run against the published observations of its
        scenario and add the scorecard to the report
        (:func:`landbridge.report.scorecard.run_scorecard_of`; free for a run just
        simulated, a reused run is simulated again). A scenario without observations
        gets a note instead.

    Returns
    -------
    RunOutcome

    Raises
    ------
    ScenarioError
        The scenario is invalid.
    UsageError
        ``out_dir`` cannot be used, ``workers`` < 1, an override out of range.
    StoreError
        The store is damaged or locked past its timeout (the run directory is kept and
        the message says how to record it later).
    InvariantError
        A replication broke TEU conservation.
    KeyboardInterrupt
        Interrupted (also one discarded by Python but recorded by
        :func:`landbridge.interrupts.handle_signal`, raised again after each
        replication and before writing, recording and reporting): nothing was written.
    RunInterrupted
        Interrupted after the run directory was written (completely): says whether it
        was recorded and whether the report is missing.
    """
    if not isinstance(workers, int) or workers < 1:
        raise _usage("workers", "expected an integer >= 1", workers)
    if out_dir is not None:
        from landbridge.outpaths import check_output_dir

        check_output_dir(out_dir, label="out_dir")
    # a bad scenario is reported before the simulation, analysis and store modules load
    compiled, notes = compile_for_run(scenario, horizon_days=horizon_days, seed=seed,
                                      replications=replications)
    from landbridge.runners import run_replications
    from landbridge.runners.replications import build_manifest
    from landbridge.store import ResultsStore

    st = None
    if store is not None and store is not False:
        st = ResultsStore(None if store is True else store)
        if st.path.exists():  # a foreign file or directory fails now, not after the run
            _check_store_file(st.path)
    n = compiled.scenario.replications
    manifest = build_manifest(compiled, n)
    if baseline is not None and _is_scenario(baseline):
        sc = compiled.scenario
        base = run_scenario(baseline, horizon_days=sc.horizon_days, seed=sc.seed,
                            replications=n, runs_root=runs_root, store=store, report=False,
                            workers=workers, executor=executor, reuse=reuse)
        baseline = base.run_dir
        notes.append(f"baseline: {base.run_id or base.run_dir} ("
                     + ("reused" if base.reused else "simulated") + f", {sc.horizon_days:g} "
                     f"days, seed {sc.seed}, {n} replication{'s' if n != 1 else ''})")
    elif baseline is not None:  # a stored run or run directory: found now, not after the run
        from landbridge.errors import StoreError as _StoreError, UnknownNameError as _Unknown

        try:
            _locate(baseline, st)
        except (_Unknown, _StoreError) as exc:
            raise _usage("baseline", str(exc)) from None
    if reuse and out_dir is None and st is not None and st.path.exists():
        found = st.find_identical(manifest)
        if found is not None:
            run_id, run_dir = found
            notes.append(f"identical to the stored run {run_id} (same scenario, seed, "
                         f"replications and landbridge version): its results are reused, "
                         "nothing was simulated (reuse=False, or --force, simulates again)")
            try:
                interrupts.check()
                rep = _write_report(run_dir, run_id, baseline, st, validate, None, executor,
                                    notes) if report else None
            except KeyboardInterrupt:
                raise interrupts.RunInterrupted(run_dir, run_id, True, report) from None
            return RunOutcome(run_dir=Path(run_dir), run_id=run_id, manifest=manifest,
                              summary=load_summary(run_dir), compiled=compiled,
                              report=rep, reused=True, notes=tuple(notes),
                              baseline_dir=_baseline_dir(baseline, st))

    def _checked(tick: Callable[[Any], None] | None) -> Callable[[Any], None]:
        def call(x: Any) -> None:  # a safe point: during and after each replication
            interrupts.check()
            if tick is not None:
                tick(x)
        return call

    own = None
    if executor is None and workers > 1 and n > 1:
        from landbridge.runners.executors import process_pool  # workers die with us

        own = process_pool(min(workers, n))
    try:
        if own is None and executor is None:
            run = run_replications(compiled, n, None, on_progress=_checked(on_progress),
                                   encode_events=True, keep_events=validate)
        else:
            done = [0]

            def _tick(_r: int) -> None:
                done[0] += 1
                if on_progress is not None:
                    on_progress(float(done[0]))

            run = run_replications(compiled, n, executor or own, on_done=_checked(_tick),
                                   encode_events=True, keep_events=validate)
    finally:
        if own is not None:
            own.shutdown()
    interrupts.check()  # an interrupt never leaves a run written and stored as if complete
    path = _write(run, out_dir, runs_root)
    run_id = None
    try:
        if st is not None:
            from landbridge.errors import StoreError

            interrupts.check()
            try:  # rolled back when interrupted before its commit
                run_id = st.record(path, _before_commit=interrupts.check)
            except StoreError as exc:
                raise StoreError(f"{exc}. The run directory {path} was written; record it "
                                 f"later with `landbridge runs add {path}`") from None
        interrupts.check()
        rep = _write_report(path, run_id or path.name, baseline, st, validate, run,
                            executor, notes) if report else None
    except KeyboardInterrupt:
        raise interrupts.RunInterrupted(path, run_id, st is not None, report) from None
    return RunOutcome(run_dir=path, run_id=run_id, manifest=run.manifest,
                      summary=run.summary, compiled=compiled, report=rep, reused=False,
                      run=run, notes=tuple(notes), baseline_dir=_baseline_dir(baseline, st))


def _check_store_file(path: Path) -> None:
    """Refuse a results store that is a directory or not a DuckDB file, from its first
    bytes (DuckDB's main header has ``DUCK`` after an 8-byte checksum), without opening
    it in DuckDB: the engine's code and buffers (~37 MB resident) then load after the
    simulation, when the run is recorded, not under the model's peak. A DuckDB file
    that is damaged inside or not a landbridge store is found when the run is recorded
    (the run directory is kept and the message says how to record it later), or before
    the run when an identical stored run is looked up.

    Raises
    ------
    StoreError
        ``path`` is a directory, cannot be read, or is not a DuckDB database file.
    """
    from landbridge.errors import StoreError

    if path.is_dir():
        raise StoreError(f"{path} is a directory; the results store is a DuckDB file "
                         "(e.g. --store runs/landbridge.duckdb)")
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError as exc:
        raise StoreError(f"cannot read the results store {path}: {exc.strerror}") from None
    if len(head) == 12 and head[8:] != b"DUCK":  # shorter: a store being created
        raise StoreError(f"{path} cannot be opened as a results store: not a DuckDB "
                         "database file (is the file damaged or not a DuckDB database? "
                         "move it away to start a new store)")


def _baseline_dir(baseline, st) -> Path | None:
    return None if baseline is None else _locate(baseline, st)[0]


def _is_scenario(ref) -> bool:
    """A Scenario object, a scenario file or a bundled scenario name (not a run)."""
    from landbridge.scenario import bundled_scenarios
    from landbridge.scenario.schema import Scenario

    if isinstance(ref, Scenario):
        return True
    p = Path(str(ref))
    if p.suffix.lower() in (".yaml", ".yml") and p.is_file():
        return True
    return str(ref) in bundled_scenarios()


def _write(run, out_dir, runs_root) -> Path:
    from landbridge.store import default_run_dir, write_run_dir

    if out_dir is not None:
        return write_run_dir(run, out_dir)
    sc = run.compiled.scenario
    target = default_run_dir(Path(runs_root), sc.name, run.manifest["scenario_hash"],
                             sc.seed)
    try:
        return write_run_dir(run, target, unique=True)
    except TypeError:  # pragma: no cover - a store/rundir without unique names
        return write_run_dir(run, target)


def _locate(ref: str | Path, st) -> tuple[Path, str]:
    """(run directory, run id) of a store reference or of a bare run directory."""
    p = Path(ref)
    if (p / "manifest.json").is_file():
        if st is not None and st.path.is_file():
            try:
                return p, st.resolve(str(p))
            except Exception:  # noqa: BLE001 - not recorded: use the directory name
                pass
        return p, p.name
    if st is None:
        from landbridge.errors import StoreError

        raise StoreError(f"{ref} is not a run directory and no results store was given")
    info = st.run(str(ref))
    return Path(info["run_dir"]), info["run_id"]


def _write_report(run_dir, run_id, baseline, st, validate=False, sim_run=None,
                  executor=None, notes=None) -> Path:
    from landbridge.report import write_report

    base_dir = base_id = None
    if baseline is not None:
        base_dir, base_id = _locate(baseline, st)
    card, how = None, ""
    if validate:
        card, how = scorecard_of_run(run_dir, sim_run, executor=executor)
        if card is None and notes is not None:
            notes.append(how)
    return write_report(run_dir, Path(run_dir) / "report.html", baseline_dir=base_dir,
                        run_id=run_id, baseline_id=base_id, scorecard=card,
                        scorecard_note=how)


@dataclass(frozen=True)
class DelayHeadline:
    """The delay of a run against a baseline: ``lines`` (the headline, 3–5 lines) and
    ``summary`` (:class:`~landbridge.analysis.delay.DelaySummary`, its tables)."""

    run_id: str
    baseline_id: str
    lines: list[str]
    summary: "DelaySummary"


def scorecard_of_run(run_dir: str | Path, sim_run=None, observations=None,
                     executor: "cf.Executor | None" = None):
    """Score the published observations of a run's scenario on the run.

    :func:`landbridge.report.scorecard.run_scorecard_of` with the runners'
    replications for a run not in memory (simulated again from its ``scenario.json``:
    same seed, horizon and replications, so the same run).

    Parameters
    ----------
    run_dir : str or Path
        The run directory.
    sim_run : SimulationRun, optional
        The run's replications in memory; without it they are simulated again.
    observations : str, Path or None
        The observations table (default: the bundled one).
    executor : concurrent.futures.Executor, optional
        Runs the replications when simulating again.

    Returns
    -------
    (Scorecard or None, str)
        The scorecard (None when no observation is about the run's scenario) and a
        sentence on what was scored on what, or why nothing was.

    Raises
    ------
    ObservationsError, StoreError, InvariantError
        As :func:`landbridge.report.scorecard.run_scorecard_of`.
    """
    from landbridge.report.scorecard import run_scorecard_of
    from landbridge.runners import run_replications

    return run_scorecard_of(
        run_dir, sim_run, observations,
        replicate=lambda compiled, n: run_replications(compiled, n, executor))


def delay_headline(run: str | Path, baseline: str | Path,
                   store: str | Path | None = None) -> DelayHeadline:
    """The delay headline of ``run`` against ``baseline``.

    Parameters
    ----------
    run, baseline : str or Path
        Run ids, scenario names (their latest run), unique prefixes or run directories.
    store : str or Path, optional
        The results store (default ``runs/landbridge.duckdb``; not needed for run
        directories).

    Raises
    ------
    ComparabilityError
        The runs differ in seed or start date (their consignments cannot be paired).
    StoreError, UnknownNameError
        A run cannot be found or read.
    """
    from landbridge.analysis.delay import delay_against_baseline
    from landbridge.report.data import run_events
    from landbridge.store import ResultsStore

    st = ResultsStore(store)
    st = st if st.path.is_file() else None
    run_dir, run_id = _locate(run, st)
    base_dir, base_id = _locate(baseline, st)
    summary = delay_against_baseline(run_events(run_dir), run_events(base_dir))
    names = _names(run_dir)
    return DelayHeadline(run_id=run_id, baseline_id=base_id,
                         lines=summary.headline(names), summary=summary)


def _names(run_dir: Path) -> dict[str, str]:
    from landbridge.store.rundir import read_run_json

    p = Path(run_dir) / "network.json"
    if not p.exists():
        return {}
    net = read_run_json(p)
    out = {n["id"]: n["name"] for n in net.get("nodes", [])}
    out.update({c["id"]: c["name"] for c in net.get("crossings", [])})
    return out
