"""`landbridge plot ...`: single charts of a run as self-contained HTML files."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from landbridge.cli._common import handle_errors, out

plot_app = typer.Typer(help="Single charts of a run (self-contained HTML).",
                       no_args_is_help=True)

_REF_HELP = ("Run id, a unique prefix of one, 'latest', a scenario name (its latest run) "
             "or a run directory.")


@plot_app.command("stringline")
def stringline(
    run: str = typer.Argument(..., help=_REF_HELP),
    corridor: Optional[str] = typer.Option(
        None, "--corridor", help="Gauge-break crossings in order, e.g. 'ASK-DST > BRE-MAL' "
                                 "(as `landbridge route` names it); default: the busiest."),
    replication: int = typer.Option(0, "--replication", min=0, help="Replication drawn."),
    start: Optional[str] = typer.Option(
        None, "--from", help="First date drawn (ISO, e.g. 2021-03-01); default: 5 days "
                             "before the first disruption, or the end of the warm-up."),
    days: float = typer.Option(30.0, "--days", min=0.5, max=3660, help="Days drawn."),
    out_file: Optional[Path] = typer.Option(
        None, "--out", help="HTML file; default stringline.html in the run directory."),
    store: Optional[Path] = typer.Option(None, "--store", help="Results store (DuckDB file)."),
) -> None:
    """Space-time (stringline) diagram of a corridor: distance against time, one line
    per train; flat segments are trains standing (at a crossing, held, in a yard)."""
    _stringline(run, corridor, replication, start, days, out_file, store)


@handle_errors
def _stringline(run, corridor, replication, start, days, out_file, store):
    from datetime import date

    from landbridge.errors import Problem, UsageError

    if corridor is not None and not corridor.strip():
        # an empty --corridor is a mistake, not "no corridor given": say so before any work
        raise UsageError([Problem("<command line>", "--corridor", "",
                                  f"{corridor!r} names no corridor; give the gauge-break "
                                  "crossings in order, e.g. 'ASK-DST > BRE-MAL' (as `landbridge "
                                  "route` names the corridor), or leave --corridor out to "
                                  "draw the busiest corridor")])

    from landbridge.report.charts import stringline_figure
    from landbridge.report.data import load_run
    from landbridge.report.html import _busiest_corridor, write_figure
    from landbridge.store import ResultsStore
    from landbridge.workflow import _locate

    st = ResultsStore(store)
    run_dir, run_id = _locate(run, st if st.path.is_file() else None)
    data = load_run(run_dir, run_id)
    if start is not None:
        try:
            date.fromisoformat(start[:10])
        except ValueError:
            raise UsageError([Problem("<command line>", "--from", "",
                                      f"expected an ISO date like 2021-03-01, got {start!r}")]
                             ) from None
    if replication >= data.replications:
        raise UsageError([Problem("<command line>", "--replication", "",
                                  f"{replication}: the run has replications 0 to "
                                  f"{data.replications - 1}")])
    corridor = corridor if corridor is not None else _busiest_corridor(data)
    if not corridor:
        raise UsageError([Problem("<command line>", "--corridor", "",
                                  "the run has no corridor to draw (no network snapshot or "
                                  "no delivered trains); give --corridor")])
    try:
        fig = stringline_figure(data, corridor, replication=replication, start=start,
                                days=days)
    except KeyError as exc:
        raise UsageError([Problem("<command line>", "--corridor", "", str(exc.args[0]))]
                         ) from None
    path = write_figure(fig, out_file or Path(run_dir) / "stringline.html",
                        title=f"{run_id}: corridor {corridor}")
    out.print(f"stringline of {corridor} written to [bold]{path}[/]")


def register(app: typer.Typer) -> None:
    app.add_typer(plot_app, name="plot")
