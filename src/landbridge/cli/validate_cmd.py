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
    from landbridge.runners.validate import run_scorecard

    if html_out is not None:
        from landbridge.outpaths import check_output_file

        check_output_file(html_out, "--html")
    rows = load_observations(observations)
    if scenario:
        chosen = _row_scenarios(scenario, sorted({o.scenario for o in rows}))
        rows = [o for o in rows if o.scenario in chosen]
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


def _row_scenarios(names: list[str], known: list[str]) -> set[str]:
    """The scenarios of the observation rows that the ``--scenario`` names denote.

    A name the rows use is taken as it is. Any other name is resolved as every command
    resolves a scenario (a bundled name or a file: :func:`landbridge.scenario.load_scenario`)
    and denotes the row scenario it equals apart from its name and description, so
    ``default`` (the bundled cre-2021 under another name) picks the cre-2021 rows.

    Raises
    ------
    UsageError
        Naming every ``--scenario`` value that is no scenario, or a scenario no row is
        about, with the row scenarios there are.
    ScenarioError
        A scenario file given that does not load.
    """
    from landbridge.errors import Problem, UnknownNameError, UsageError
    from landbridge.scenario import load_scenario

    def content(name: str):
        sc, _ = load_scenario(name)
        return sc.model_dump(mode="json", exclude={"name", "description"})

    chosen: set[str] = set()
    problems: list[Problem] = []
    rows_content: dict[str, object] = {}
    for name in dict.fromkeys(names):
        if name in known:
            chosen.add(name)
            continue
        try:
            mine = content(name)
        except UnknownNameError as exc:
            problems.append(Problem("<command line>", "--scenario", "",
                                    f"{exc} The observation rows name "
                                    f"{', '.join(known)}."))
            continue
        same = None
        for row_name in known:
            if row_name not in rows_content:
                rows_content[row_name] = content(row_name)
            if rows_content[row_name] == mine:
                same = row_name
                break
        if same is None:
            problems.append(Problem("<command line>", "--scenario", "",
                                    f"no observation row is about scenario {name!r} (nor "
                                    "about a scenario equal to it apart from its name); "
                                    f"the rows name {', '.join(known)}"))
            continue
        err.print(f"note: scenario {name} is {same} under another name: scoring the rows "
                  f"of {same}", markup=False)
        chosen.add(same)
    if problems:
        raise UsageError(problems)
    return chosen


def _write_html(path: Path, card) -> None:
    """Write the scorecard page atomically (a temporary file renamed into place)."""
    from landbridge.outpaths import write_atomic
    from landbridge.report.scorecard import scorecard_page

    write_atomic(path, scorecard_page(card))


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
