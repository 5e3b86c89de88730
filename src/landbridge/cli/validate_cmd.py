"""`landbridge validate`: observed against simulated, row by row, with a verdict.

Exit codes: 0 every row inside its observed range; 1 at least one row outside (or with
no data) — the whole scorecard is still printed; 2 bad input (observations table,
scenario, option); 5 a broken invariant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from landbridge.cli._common import err, handle_errors, out, print_json, Table

EXIT_MISS = 1


def _fmt(v, digits: int | None = None) -> str:
    if v is None:
        return "–"
    a = abs(v)
    d = digits if digits is not None else (0 if a >= 100 else 1 if a >= 10 else 2)
    return f"{v:,.{d}f}"


def validate(
    observations: Optional[Path] = typer.Option(
        None, "--observations", help="Observations table (YAML); default: the bundled one."),
    replications: int = typer.Option(3, "--replications", "-r", min=1, max=1000,
                                     help="Replications per scenario (≥ 2 for CIs)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes for replications."),
    days: Optional[float] = typer.Option(None, "--days", min=1, max=3660,
                                         help="Shorter horizon for a quick look."),
    scenario: Optional[list[str]] = typer.Option(
        None, "--scenario", help="Only the rows of this scenario (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scorecard as JSON."),
    html_out: Optional[Path] = typer.Option(None, "--html",
                                            help="Also write the scorecard as an HTML page."),
) -> None:
    """Compare simulated figures with published observations (calibration and
    validation rows); exit 1 when a row misses."""
    _validate(observations, replications, workers, days, scenario, as_json, html_out)


@handle_errors
def _validate(observations, replications, workers, days, scenario, as_json, html_out):
    import concurrent.futures as cf

    from landbridge.analysis.validation import load_observations
    from landbridge.errors import Problem, UsageError
    from landbridge.runners.validate import run_scorecard

    if html_out is not None:
        from landbridge.outpaths import check_output_file

        check_output_file(html_out, "--html")
    rows = load_observations(observations)
    if scenario:
        known = {o.scenario for o in rows}
        unknown = [s for s in scenario if s not in known]
        if unknown:
            raise UsageError([Problem("<command line>", "--scenario", "",
                                      f"no row names scenario {u!r}; rows name "
                                      f"{', '.join(sorted(known))}") for u in unknown])
        rows = [o for o in rows if o.scenario in scenario]
    executor = (cf.ProcessPoolExecutor(max_workers=min(workers, replications))
                if workers > 1 and replications > 1 else None)

    def progress(name, i, n):
        if not as_json:
            err.print(f"simulating {name} ({i + 1}/{n}), {replications} replication"
                      f"{'s' if replications != 1 else ''}", markup=False)

    try:
        card, _ = run_scorecard(rows, replications, executor, days, on_scenario=progress)
    finally:
        if executor is not None:
            executor.shutdown()
    if html_out is not None:
        _write_html(html_out, card)
    if as_json:
        print_json(card.to_dict())
    else:
        t = Table(title="Observed vs simulated (CI: 95 % over replications)",
                  title_justify="left")
        for col in ("row", "scenario", "role", "observed", "simulated", "unit", "verdict"):
            t.add_column(col, justify="right" if col in ("observed", "simulated") else "left")
        for r in card.rows:
            o = r.observation
            sim = _fmt(r.simulated) + (f" ± {_fmt(r.ci95)}" if r.ci95 is not None else "")
            colour = {"inside": "green", "outside": "red"}.get(r.verdict, "yellow")
            t.add_row(o.id, o.scenario, o.role, f"{_fmt(o.low)}–{_fmt(o.high)}", sim, o.unit,
                      f"[{colour}]{r.verdict}[/]")
        out.print(t)
        misses = [r for r in card.rows if r.verdict != "inside"]
        for r in misses:
            cause = r.observation.miss_cause or "no cause recorded"
            out.print(f"miss {r.observation.id}: {cause}", markup=False)
        out.print(f"summary: {card.summary_line()}", markup=False)
    if not card.all_inside:
        raise typer.Exit(EXIT_MISS)


def _write_html(path: Path, card) -> None:
    """Write the scorecard page atomically (a temporary file renamed into place)."""
    from landbridge.analysis.validation import scorecard_html_document
    from landbridge.outpaths import write_atomic

    write_atomic(path, scorecard_html_document(card))


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
