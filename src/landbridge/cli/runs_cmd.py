"""`landbridge runs ...` (the results store) and `landbridge report`."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Optional

import typer

from landbridge.cli._common import err, handle_errors, out, print_json, Table
from landbridge.errors import StoreError

runs_app = typer.Typer(help="Runs recorded in the results store (DuckDB).",
                       no_args_is_help=True)

_STORE_HELP = "Results store (DuckDB file); default runs/landbridge.duckdb."
_REF_HELP = ("Run id, a unique prefix of one, 'latest', a scenario name (its latest run) "
             "or a recorded run directory.")


def _store(path: Optional[Path]):
    from landbridge.store import ResultsStore

    return ResultsStore(path)


def _num(v) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _fmt(v, digits: int = 2, sign: bool = False) -> str:
    f = _num(v)
    if f is None:
        return "–"
    return f"{f:+,.{digits}f}" if sign else f"{f:,.{digits}f}"


def _digits(kpi: str) -> int:
    if kpi.endswith("_teu") or (kpi.startswith(("teu_", "trains")) and "per_day" not in kpi) \
            or kpi in ("events", "replications", "day"):
        return 0
    return 3 if kpi.startswith("util") else 2


def _records(df) -> list[dict]:
    return json.loads(df.to_json(orient="records", date_format="iso"))


@runs_app.command("list")
def list_runs(store: Optional[Path] = typer.Option(None, "--store", help=_STORE_HELP),
              as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the recorded runs, oldest first."""
    _list(store, as_json)


@handle_errors
def _list(store, as_json):
    df = _store(store).runs()
    if as_json:
        print_json(_records(df))
        return
    if not len(df):
        out.print("the store has no runs")
        return
    t = Table(title=f"Runs in {_store(store).path}", title_justify="left")
    for col in ("#", "run id (scenario-hash-seed)", "reps", "start", "days"):
        t.add_column(col, justify="right" if col in ("#", "reps", "days") else "left",
                     no_wrap=True)
    for r in df.to_dict("records"):
        t.add_row(str(r["created_seq"]), r["run_id"], str(r["replications"]),
                  str(r["start_date"])[:10], f"{r['horizon_days']:g}")
    out.print(t)


@runs_app.command("show")
def show(run: str = typer.Argument(..., help=_REF_HELP),
         store: Optional[Path] = typer.Option(None, "--store", help=_STORE_HELP),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show one run: manifest and KPI tables."""
    _show(run, store, as_json)


@handle_errors
def _show(run, store, as_json):
    st = _store(store)
    info = st.run(run)
    tables = st.kpis(info["run_id"])
    if as_json:
        print_json({"run_id": info["run_id"], "run_dir": info["run_dir"],
                    "manifest": info["manifest"],
                    "kpis": {k: _records(v) for k, v in tables.items()}})
        return
    out.print(f"[bold]{info['run_id']}[/] (#{info['created_seq']}) in {info['run_dir']}")
    for k, v in info["manifest"].items():
        out.print(f"  {k}: {v}", markup=False)
    for name, df in tables.items():
        if not len(df):
            continue
        t = Table(title=f"kpi_{name}", title_justify="left")
        cols = [c for c in df.columns if not c.endswith("_ci95")]
        for c in cols:
            t.add_column(c, justify="left" if df[c].dtype == object or str(df[c].dtype)
                         .startswith("str") else "right")
        for r in df.to_dict("records"):
            cells = []
            for c in cols:
                v = r[c]
                if isinstance(v, str):
                    cells.append(v)
                    continue
                s = _fmt(v, _digits(c))
                ci = _num(r.get(f"{c}_ci95"))
                cells.append(s + (f" ± {_fmt(ci, _digits(c))}" if ci is not None
                                  and _num(v) is not None else ""))
            t.add_row(*cells)
        out.print(t)




@runs_app.command("compare")
def compare(run_a: str = typer.Argument(..., help="The reference run. " + _REF_HELP),
            run_b: str = typer.Argument(..., help="The run compared with it."),
            store: Optional[Path] = typer.Option(None, "--store", help=_STORE_HELP),
            all_kpis: bool = typer.Option(False, "--all", help="Every KPI, not the main ones."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """KPI differences RUN_B − RUN_A, with Welch 95 % confidence intervals where both
    runs have replications. A scenario name as RUN_A picks its latest run with RUN_B's
    seed, start date, horizon and replications (else its latest run)."""
    _compare(run_a, run_b, store, all_kpis, as_json)


@handle_errors
def _compare(run_a, run_b, store, all_kpis, as_json):
    from landbridge.errors import Problem, UnknownNameError, UsageError

    st = _store(store)
    try:
        b = st.resolve(run_b)
    except UnknownNameError as exc_b:
        try:  # say what is wrong with RUN_A too, so both are fixed in one go
            st.resolve(run_a)
        except UnknownNameError as exc_a:
            raise UsageError([Problem("<command line>", "RUN_A", "", str(exc_a)),
                              Problem("<command line>", "RUN_B", "", str(exc_b))]) from None
        raise
    a = st.resolve_matching(run_a, st.run(b)["manifest"])  # a scenario name: its matching run
    df = st.compare(a, b)
    warnings = _comparability(st.run(a)["manifest"], st.run(b)["manifest"])
    if a == b:
        warnings.insert(0, f"{a} is compared with itself: every Δ is 0 and the intervals "
                           "treat one run as two independent samples")
    for w in warnings:
        err.print(f"warning: {w}", markup=False)
    if not all_kpis:
        idle = {(r["table"], r["key"]) for r in df.to_dict("records")
                if r["kpi"] in ("trains_per_day", "trucks_per_day")
                and not _num(r["a"]) and not _num(r["b"])}
        from landbridge.store.compare import MAIN_KPIS  # lazy: keeps the CLI start fast

        keep = [(t in MAIN_KPIS and k in MAIN_KPIS[t] and (t, key) not in idle)
                for t, key, k in zip(df.table, df.key, df.kpi)]
        df = df[keep]
    head, delay_note = None, None
    if a != b:
        from landbridge.analysis.delay import ComparabilityError
        from landbridge.workflow import delay_headline

        try:
            head = delay_headline(b, a, store=st.path)
        except ComparabilityError as exc:
            delay_note = (f"no delay headline: {exc} (run the changed scenario with the "
                          "baseline's seed, start date and replications)")
        except StoreError as exc:
            delay_note = f"no delay headline: {exc}"
    if as_json:
        delay = None
        if head is not None:
            s = head.summary
            delay = {"lines": head.lines, "method": s.method, "replications": s.replications,
                     "totals": _records(s.totals), "backlog": s.backlog,
                     "queues": _records(s.queues), "od": _records(s.od),
                     "corridors": _records(s.corridors), "warnings": list(s.warnings)}
        print_json({"a": a, "b": b, "delta": "b - a", "warnings": warnings,
                    "delay": delay, "delay_note": delay_note, "rows": _records(df)})
        return
    if head is not None:
        out.print(f"[bold]B against A[/] ({head.summary.method}):")
        for line in head.lines:
            out.print("  " + line, markup=False)
        out.print("")
    elif delay_note:
        err.print(f"note: {delay_note}", markup=False)
    out.print(f"A = [bold]{a}[/], B = [bold]{b}[/]; Δ = B − A with the 95 % CI of Δ by "
              "Welch's t over the replications of both runs; * the interval excludes 0"
              + ("" if all_kpis else "; main KPIs of active keys (--all for every KPI)"))
    for table in dict.fromkeys(df.table):
        sub = df[df.table == table]
        t = Table(title=table, title_justify="left")
        for col in ("key", "KPI", "A", "B", "Δ", "Δ 95 % CI", ""):
            t.add_column(col, justify="left" if col in ("key", "KPI", "") else "right",
                         no_wrap=col in ("key", "KPI"))
        for r in sub.to_dict("records"):
            d = _digits(r["kpi"])
            t.add_row(r["key"], r["kpi"], _fmt(r["a"], d), _fmt(r["b"], d),
                      _fmt(r["delta"], d, sign=True),
                      "" if _num(r["delta_ci95"]) is None else f"± {_fmt(r['delta_ci95'], d)}",
                      "*" if r["significant"] is True else "")
        out.print(t)


def _comparability(ma: dict, mb: dict) -> list[str]:
    """Differences between two runs' manifests that make totals incomparable."""
    out = []
    for key, what in (("horizon_days", "horizons"), ("warmup_days", "warm-ups"),
                      ("start_date", "start dates")):
        if ma.get(key) != mb.get(key):
            out.append(f"the runs have different {what} ({ma.get(key)} vs {mb.get(key)}): "
                       "totals such as TEU delivered are not comparable; rates and times are")
    return out


@runs_app.command("export")
def export(run: str = typer.Argument(..., help=_REF_HELP),
           fmt: str = typer.Option("csv", "--format", help="csv or parquet."),
           out_dir: Optional[Path] = typer.Option(
               None, "--out", help="New or empty directory; default exports/<run id>-<format>."),
           store: Optional[Path] = typer.Option(None, "--store", help=_STORE_HELP)) -> None:
    """Export a run's KPI tables, events, manifest and scenario as CSV or Parquet files."""
    _export(run, fmt, out_dir, store)


@handle_errors
def _export(run, fmt, out_dir, store):
    from landbridge.errors import Problem, UsageError

    if fmt not in ("csv", "parquet"):
        raise UsageError([Problem("<command line>", "--format", "",
                                     f"expected csv or parquet, found {fmt!r}")])
    st = _store(store)
    run_id = st.resolve(run)
    path = st.export(run_id, out_dir or Path("exports") / f"{run_id}-{fmt}", fmt)
    out.print(f"exported {run_id} to [bold]{path}[/]")


@runs_app.command("delete")
def delete(run: str = typer.Argument(..., help="Run id (exact, or a unique prefix)."),
           files: bool = typer.Option(False, "--files", help="Also delete the run directory."),
           store: Optional[Path] = typer.Option(None, "--store", help=_STORE_HELP)) -> None:
    """Remove a run from the store (its run directory stays unless --files, which
    deletes only the files landbridge wrote there, unchanged)."""
    _delete(run, files, store)


@handle_errors
def _delete(run, files, store):
    from landbridge.outpaths import remove_written

    st = _store(store)
    info = st.run(run)
    st.delete(info["run_id"], files=False)
    if not files:
        out.print(f"deleted {info['run_id']} from {st.path}; its run directory "
                  f"{info['run_dir']} was kept")
        return
    kept = remove_written(info["run_dir"])
    out.print(f"deleted {info['run_id']} from {st.path} and the files landbridge wrote in "
              f"{info['run_dir']}")
    for k in kept:
        err.print(f"kept: {k}", markup=False)


@runs_app.command("add")
def add(run_dir: Path = typer.Argument(..., help="A run directory written by simulate."),
        store: Optional[Path] = typer.Option(None, "--store", help=_STORE_HELP)) -> None:
    """Record an existing run directory in the store (again: no-op)."""
    _add(run_dir, store)


@handle_errors
def _add(run_dir, store):
    st = _store(store)
    out.print(f"recorded {run_dir} as [bold]{st.record(run_dir)}[/] in {st.path}")


def report(run: str = typer.Argument(..., help=_REF_HELP + " Or any run directory."),
           baseline: Optional[str] = typer.Option(None, "--baseline",
                                                  help="Run to compare against."),
           out_file: Optional[Path] = typer.Option(
               None, "--out", help="HTML file; default report.html in the run directory."),
           store: Optional[Path] = typer.Option(None, "--store", help=_STORE_HELP),
           validate: bool = typer.Option(
               False, "--validate", help="Add the scorecard against the published "
               "observations of the run's scenario (simulates the run again: costs its "
               "replications).")) -> None:
    """Write a self-contained HTML report of a run, optionally against a baseline.

    Map, charts and tables in one file that opens offline."""
    _report(run, baseline, out_file, store, validate)


def _locate(ref: str, st) -> tuple[Path, str]:
    """(run directory, run id) of a store reference or of a bare run directory."""
    p = Path(ref)
    if (p / "manifest.json").is_file():
        if st.path.is_file():
            try:
                return p, st.resolve(str(p))
            except Exception:  # noqa: BLE001 - not recorded: use the directory name
                pass
        return p, p.name
    info = st.run(ref)
    return Path(info["run_dir"]), info["run_id"]


@handle_errors
def _report(run, baseline, out_file, store, validate=False):
    from landbridge.report import write_report

    st = _store(store)
    run_dir, run_id = _locate(run, st)
    base_dir, base_id = _locate(baseline, st) if baseline else (None, None)
    if base_dir is not None and Path(base_dir).resolve() == Path(run_dir).resolve():
        err.print("warning: the baseline is the run itself: every difference is 0",
                  markup=False)
    card, how = None, ""
    if validate:
        from landbridge.workflow import scorecard_of_run

        err.print(f"scoring {run_id} against the published observations (simulating it "
                  "again)", markup=False)
        card, how = scorecard_of_run(run_dir)
        if card is None:
            err.print(f"note: {how}", markup=False)
    path = write_report(run_dir, out_file, baseline_dir=base_dir, run_id=run_id,
                        baseline_id=base_id, scorecard=card, scorecard_note=how)
    out.print(f"report written to [bold]{path}[/]")
    if card is not None:
        out.print(f"validation: {card.summary_line()}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(runs_app, name="runs")
    app.command("report")(report)
