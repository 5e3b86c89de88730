"""`landbridge sweep SWEEP.yaml [--workers N] [--scheduler ADDRESS] [--out DIR] [--resume]`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from landbridge.cli._common import EXIT_STORE, err, handle_errors, out, print_json, Table


def sweep(
    sweep_file: str = typer.Argument(..., help="Sweep file (YAML) or bundled sweep name "
                                                "(e.g. dostyk-tracks)."),
    workers: Optional[int] = typer.Option(
        None, "--workers", "-w", min=1,
        help="Worker processes (default: the usable cores; 1 runs in this process)."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler",
        help="Dask scheduler address (tcp://host:8786), or 'local' to start a LocalCluster "
             "of --workers processes."),
    out_dir: Optional[Path] = typer.Option(
        None, "--out", help="Sweep directory (default: sweeps/<name>-<id8>)."),
    resume: bool = typer.Option(
        False, "--resume", help="Complete an interrupted sweep in --out: skip finished "
                                "replications, retry failed ones."),
    store: Optional[Path] = typer.Option(
        None, "--store", help="Results store (DuckDB file) that records each point as a run "
                              "when it completes; default runs/landbridge.duckdb."),
    no_store: bool = typer.Option(False, "--no-store", help="Do not record in a results store."),
    as_json: bool = typer.Option(False, "--json", help="Print the per-point summary as JSON."),
) -> None:
    """Run a parameter sweep on a process pool or a Dask cluster.

    Points × replications, streamed to disk (resumable), summarised per point with
    95 % CIs and charted in sweep.html."""
    _sweep(sweep_file, workers, scheduler, out_dir, resume, None if no_store else (store or True),
           as_json)


def _print_points(summary) -> None:
    pts = summary.points
    params = summary.parameters
    fixed = ("point", *params, "replications", "failed")
    kpi_cols = [c for c in pts.columns if c not in fixed and not c.endswith(" ci95")]
    t = Table(title="KPIs per point (mean ± 95 % CI over replications)", title_justify="left")
    t.add_column("point", justify="right")
    for p in params:
        t.add_column(summary.label(p), justify="right")
    t.add_column("reps", justify="right")
    for c in kpi_cols[:4]:
        t.add_column(c, justify="right")
    for r in pts.to_dict("records"):
        cells = [str(r["point"]), *[str(r[p]) for p in params],
                 str(r["replications"]) + (f" ({r['failed']} failed)" if r["failed"] else "")]
        for c in kpi_cols[:4]:
            v, ci = r.get(c), r.get(f"{c} ci95")
            if v is None or v != v:
                cells.append("–")
            else:
                ci_text = f" ± {ci:,.2g}" if ci is not None and ci == ci else ""
                cells.append(f"{v:,.3g}{ci_text}")
        t.add_row(*cells)
    out.print(t)


@handle_errors
def _sweep(sweep_file, workers, scheduler, out_dir, resume, store, as_json) -> None:
    from landbridge.runners import load_sweep_plan, open_executor, run_sweep
    from landbridge.runners.sweep import check_sweep_dir
    from landbridge.runners.sweepdir import finished_replications
    from landbridge.store import kpis_to_json

    plan = load_sweep_plan(sweep_file)
    target = out_dir or Path("sweeps") / f"{plan.sweep.name}-{plan.identity()[:8]}"
    total = len(plan.tasks())
    check_sweep_dir(plan, target, resume)  # before starting any worker
    with open_executor(workers, scheduler) as info:
        if not as_json:
            err.print(f"sweep [bold]{plan.sweep.name}[/]: {len(plan.points)} points × "
                      f"{plan.replications} replications on {info.where} → {target}",
                      markup=True)
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

        with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                      console=err, disable=as_json, transient=False) as progress:
            already = len(finished_replications(target)) if resume else 0
            task = progress.add_task("replications", total=total, completed=already)
            failed = [0]

            def on_done(p: int, r: int, ok: bool) -> None:
                if not ok:
                    failed[0] += 1
                    progress.update(task, description=f"replications ({failed[0]} failed)")
                progress.advance(task)

            recorded: dict[int, str] = {}
            store_problems: list[str] = []

            def on_point(p: int) -> None:  # stream finished points into the results store
                if store is None or store_problems:
                    return
                from landbridge.errors import LandbridgeError
                from landbridge.runners.sweepstore import record_point

                try:
                    run_id = record_point(plan, target, p, None if store is True else store)
                except (LandbridgeError, OSError) as exc:  # the sweep goes on regardless
                    store_problems.append(str(exc))
                    return
                if run_id is not None:
                    recorded[p] = run_id

            try:
                result = run_sweep(plan, target, info.executor, resume=resume,
                                   slots=info.slots, on_done=on_done, on_point=on_point)
            except KeyboardInterrupt:
                progress.stop()
                saved = len(finished_replications(target))
                again = [f"landbridge sweep {sweep_file}", f"--out {target}", "--resume"]
                if workers is not None:
                    again.append(f"--workers {workers}")
                if scheduler:
                    again.append(f"--scheduler {scheduler}")
                if store is None:
                    again.append("--no-store")
                elif store is not True:
                    again.append(f"--store {store}")
                err.print(f"interrupted: {saved} of {total} replications are saved in "
                          f"{target}; continue with\n  " + " ".join(again), markup=False)
                raise typer.Exit(130)
    s = result.summary
    if as_json:
        print_json({"sweep_dir": str(target), "manifest": {k: v for k, v in s.manifest.items()
                                                           if k != "sweep"},
                    "ran": len(result.ran), "skipped": result.skipped,
                    "store_runs": {str(k): v for k, v in sorted(recorded.items())},
                    "points": kpis_to_json({"p": s.points})["p"],
                    "failures": [{k: v for k, v in f.items() if k != "traceback"}
                                 for f in s.failures]})
    else:
        _print_points(s)
        out.print(f"{len(result.ran)} replications run now, {result.skipped} found finished. "
                  f"Results in [bold]{target}[/] (summary_points.csv, summary.json, "
                  f"report: {target / 'sweep.html'})")
        if recorded:
            out.print(f"Recorded in the results store as runs: "
                      + ", ".join(recorded[p] for p in sorted(recorded)))
    if store_problems:
        err.print(f"[bold yellow]results store:[/] {store_problems[0]}. The sweep is complete "
                  f"on disk; record its points later with `landbridge runs add "
                  f"{target}/runs/p000` etc.", markup=True)
    if store_problems and not s.failures:
        raise typer.Exit(EXIT_STORE)
    if s.failures:
        err.print(f"[bold red]{len(s.failures)} replication"
                  f"{'s' if len(s.failures) != 1 else ''} failed[/] (the others finished; "
                  "details in failures/; --resume retries them):", markup=True)
        for f in s.failures:
            params = ", ".join(f"{k}={v}" for k, v in f["params"].items())
            err.print(f"  - point {f['point']} ({params}), replication {f['replication']}, "
                      f"seed {f['seed']} spawn key {tuple(f['spawn_key'])}: "
                      f"{f['error']}: {f['message']}", markup=False)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
