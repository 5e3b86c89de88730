"""`landbridge simulate` and `landbridge scenario ...`."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Optional

import typer

from landbridge.cli._common import err, handle_errors, interrupted_note, out, print_json, Table
from landbridge.errors import Problem, UsageError
from landbridge.interrupts import RunInterrupted

scenario_app = typer.Typer(help="Validate and inspect scenario files.", no_args_is_help=True)


def _fmt(v, ci=None, digits=1) -> str:
    if v is None:
        return "–"
    s = f"{v:,.{digits}f}"
    if ci is not None:
        s += f" ± {ci:,.{digits}f}"
    return s


def load_and_compile(scenario: Optional[str], days: Optional[float] = None,
                     seed: Optional[int] = None, replications: Optional[int] = None):
    """Load a scenario (file or bundled name), apply command-line overrides, compile."""
    from landbridge.scenario import compile_scenario, load_scenario, parse_scenario

    sc, path = load_scenario(scenario)
    changes = {}
    if days is not None:
        changes["horizon_days"] = days
        if sc.warmup_days >= days:
            changes["warmup_days"] = 0.0
            err.print(f"note: --days {days:g} is not longer than the scenario's warm-up "
                      f"({sc.warmup_days:g} days): running without a warm-up", markup=False)
    if seed is not None:
        changes["seed"] = seed
    if replications is not None:
        changes["replications"] = replications
    if changes:
        data = sc.model_dump(mode="json", by_alias=True)
        data.update(changes)
        sc = parse_scenario(data, str(path))
    return compile_scenario(sc, file=path)


def print_kpis(run) -> None:
    """Rich tables of the KPI summary of ``run``."""
    s = run.summary
    net = run.compiled.network
    m = run.manifest
    out.print(f"[bold]{m['scenario_name']}[/] — {m['horizon_days']:g} days from "
              f"{m['start_date']} (warm-up {m['warmup_days']:g} d), seed {m['seed']}, "
              f"{m['replications']} replication{'s' if m['replications'] != 1 else ''}")
    t = Table(title="Transit time per origin–destination pair (days)", title_justify="left")
    for col in ("origin", "destination", "trains", "TEU delivered", "mean", "p50", "p95"):
        t.add_column(col, justify="left" if col in ("origin", "destination") else "right")
    for r in s.od.to_dict("records"):
        t.add_row(net.nodes[r["origin"]].name, net.nodes[r["destination"]].name,
                  _fmt(r["trains"], r.get("trains_ci95"), 0),
                  _fmt(r["teu_delivered"], r.get("teu_delivered_ci95"), 0),
                  _fmt(r["transit_mean_d"], r.get("transit_mean_d_ci95")),
                  _fmt(r["transit_p50_d"], r.get("transit_p50_d_ci95")),
                  _fmt(r["transit_p95_d"], r.get("transit_p95_d_ci95")))
    out.print(t)
    t = Table(title="Border crossing points (per direction; trains/day: trains that crossed, "
              "after the warm-up)", title_justify="left")
    for col in ("crossing", "dir", "trains/day", "TEU/day", "wait mean h", "wait p95 h",
                "queue max", "util teams", "util tracks"):
        t.add_column(col, justify="left" if col in ("crossing", "dir") else "right")
    for r in s.crossings.to_dict("records"):
        if not r["trains_per_day"]:
            continue
        c = net.crossings[r["crossing"]]
        frm = c.station_a if r["direction"] == "a_to_b" else c.station_b
        to = c.station_b if r["direction"] == "a_to_b" else c.station_a
        t.add_row(c.name, f"{frm}→{to}",
                  _fmt(r["trains_per_day"], r.get("trains_per_day_ci95")),
                  _fmt(r["teu_per_day"], r.get("teu_per_day_ci95"), 0),
                  _fmt(r["wait_mean_h"], r.get("wait_mean_h_ci95")),
                  _fmt(r["wait_p95_h"], r.get("wait_p95_h_ci95")),
                  _fmt(r["queue_max_trains"], None, 0),
                  _fmt(None if r["util_teams"] is None else 100 * r["util_teams"], None, 0) + "%",
                  (_fmt(100 * r["util_tracks"], None, 0) + "%")
                  if r["util_tracks"] is not None and r["util_tracks"] == r["util_tracks"]
                  else "")
    out.print(t)
    if len(s.road):
        t = Table(title="Road border posts", title_justify="left")
        for col in ("post", "dir", "trucks/day", "wait mean h", "queue max", "queue at end",
                    "util lanes"):
            t.add_column(col, justify="left" if col in ("post", "dir") else "right")
        for r in s.road.to_dict("records"):
            c = net.crossings[r["crossing"]]
            frm, to = ((c.station_a, c.station_b) if r["direction"] == "a_to_b"
                       else (c.station_b, c.station_a))
            t.add_row(c.name, f"{frm}→{to}", _fmt(r["trucks_per_day"], r.get("trucks_per_day_ci95"), 0),
                      _fmt(r["wait_mean_h"], r.get("wait_mean_h_ci95")),
                      _fmt(r["queue_max_trucks"], None, 0), _fmt(r["queue_end_trucks"], None, 0),
                      _fmt(None if r["util_lanes"] is None else 100 * r["util_lanes"], None, 0) + "%")
        out.print(t)
    r = s.run.to_dict("records")[0]
    out.print(f"TEU dispatched {_fmt(r['teu_dispatched'], r.get('teu_dispatched_ci95'), 0)}, "
              f"delivered {_fmt(r['teu_delivered'], r.get('teu_delivered_ci95'), 0)}, "
              f"still running {_fmt(r['in_transit_teu'], None, 0)}; "
              f"backlog at the end {_fmt(r['backlog_teu'], r.get('backlog_teu_ci95'), 0)} TEU "
              f"waiting (at crossings {_fmt(r['waiting_at_crossings_teu'], None, 0)}, "
              f"held upstream {_fmt(r['held_teu'], None, 0)}, "
              f"in re-formation buffers {_fmt(r['in_buffers_teu'], None, 0)}). "
              "Conservation checked.")
    _print_diversions(s)
    _print_overload(s)


def _print_diversions(s) -> None:
    """One line when the rerouting policy diverted trains: totals (mean ± 95 % CI over
    replications) and each corridor left → taken, from the ``run`` and ``diversions``
    KPI tables (a run recorded before they existed prints nothing)."""
    from landbridge.analysis.schema import format_value

    r = s.run.to_dict("records")[0] if len(s.run) else {}
    if not (r.get("diverted_trains") or 0) > 0:
        return

    def f(table, rec, name):
        return format_value(table, name, rec.get(name), rec.get(f"{name}_ci95"))

    div = getattr(s, "diversions", None)
    rows = [] if div is None or div.empty else sorted(
        (d for d in div.to_dict("records") if (d.get("diverted_trains") or 0) > 0),
        key=lambda d: (-d["diverted_trains"], d["from_corridor"], d["to_corridor"],
                       d["direction"]))
    pairs = "; ".join(f"{d['from_corridor'] or 'direct'} → {d['to_corridor'] or 'direct'} "
                      f"{d['direction']} {f('diversions', d, 'diverted_trains')} trains, "
                      f"{f('diversions', d, 'diverted_teu')} TEU" for d in rows)
    out.print(f"Diverted by the rerouting policy: {f('run', r, 'diverted_trains')} trains, "
              f"{f('run', r, 'diverted_teu')} TEU, cost {f('run', r, 'diversion_cost_usd')} "
              f"USD" + (f" ({pairs})." if pairs else "."), markup=False)


def _print_overload(s) -> None:
    """The backlog sentence when TEU were held upstream at the end, then one sentence
    per overloaded corridor and direction (overloaded in most replications), the worst
    first, from the ``corridor_load`` KPI table; otherwise the tightest limiting
    element, so every run names where the corridor binds."""
    from landbridge.simulation.accounting import backlog_summary

    cl = getattr(s, "corridor_load", None)
    if cl is None or cl.empty:
        return
    rows = cl.to_dict("records")
    run = s.run.to_dict("records")[0] if len(s.run) else {}
    backlog = backlog_summary(run.get("held_teu"), rows)
    if backlog:
        out.print(backlog, markup=False)
    over = [r for r in rows if (r.get("overloaded") or 0) >= 0.5 and r.get("sentence")]
    if over:
        over.sort(key=lambda r: (-(r.get("unshipped_teu") or 0.0), r["corridor"], r["direction"]))
        seen = set()
        out.print(f"[bold]Overloaded:[/] {len(over)} corridor–direction"
                  f"{'s' if len(over) != 1 else ''} carry more than their limiting element allows:")
        for r in over:
            if r["sentence"] not in seen:
                seen.add(r["sentence"])
                out.print(f"  {r['sentence']}", markup=False)
        return
    tight = max(rows, key=lambda r: r.get("utilization") or 0.0)
    lead = ("The tightest corridor" if backlog
            else "No corridor is overloaded on average; the tightest")
    out.print(f"{lead} is {tight['corridor']} "
              f"{tight['direction']}: {tight['limiting_element']} at "
              f"{100 * (tight.get('utilization') or 0):.0f} % of its "
              f"{tight['capacity_trains_per_day']:.1f} trains/day"
              + (f" ({tight['capacity_note']})" if tight.get("capacity_note") else "") + ".",
              markup=False)


def simulate(
    scenario: Optional[str] = typer.Argument(
        None, help="Scenario file (YAML) or bundled name; default: the bundled 'default'."),
    days: Optional[float] = typer.Option(None, "--days", min=0.01, max=3660,
                                         help="Horizon in days (at most 3660)."),
    seed: Optional[int] = typer.Option(None, "--seed", min=0, help="Root seed."),
    replications: Optional[int] = typer.Option(
        None, "--replications", "-r", min=1, max=10000,
        help="Replications (runs with their own random streams); default: the scenario's."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Output directory (new or empty)."),
    workers: int = typer.Option(1, "--workers", min=1,
                                help="Processes for replications (default 1: this process)."),
    store: Optional[Path] = typer.Option(None, "--store", help="Results store (DuckDB file)."),
    report: bool = typer.Option(False, "--report", help="Also write report.html into the run."),
    baseline: Optional[str] = typer.Option(
        None, "--baseline", help="Print the delay headline against this baseline and report "
                                 "against it: a bundled scenario or scenario file (run first "
                                 "with the same days, seed and replications, or reused), or "
                                 "a stored run or run directory."),
    force: bool = typer.Option(False, "--force", help="Simulate even when an identical run "
                                                      "is stored (default: reuse it)."),
    as_json: bool = typer.Option(False, "--json", help="Print the KPIs as JSON."),
    validate: bool = typer.Option(
        False, "--validate", help="Write the report (as --report) with the scorecard "
                                  "against the published observations of the scenario "
                                  "(cre-2019/2021/2024, default); a reused run is "
                                  "simulated again."),
) -> None:
    """Simulate the corridor: trains through the border crossings, KPIs, event log."""
    _simulate(scenario, days, seed, replications, out_dir, workers, store, report, as_json,
              baseline, force, validate)


def _kpis_json(tables):
    from landbridge.store import kpis_to_json  # late: a bad scenario fails before pandas loads

    return kpis_to_json(tables)


_FLAGS = {"out_dir": "--out", "workers": "--workers", "horizon_days": "--days",
          "seed": "--seed", "replications": "--replications", "baseline": "--baseline"}


@handle_errors
def _simulate(scenario, days, seed, replications, out_dir, workers, store, report, as_json,
              baseline=None, force=False, validate=False):
    from dataclasses import replace

    from landbridge.workflow import run_scenario

    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn)

    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                  disable=as_json, transient=True) as progress:
        task = progress.add_task("replications", total=replications)
        try:
            outcome = run_scenario(
                scenario, horizon_days=days, seed=seed, replications=replications,
                out_dir=out_dir, store=store if store is not None else True,
                report=report or validate or baseline is not None, baseline=baseline,
                workers=workers,
                reuse=not force, on_progress=lambda x: progress.update(task, completed=x),
                validate=validate)
        except UsageError as exc:  # library parameters → the flags that set them
            raise UsageError([replace(p, file="<command line>",
                                      item=_FLAGS.get(p.item, p.item))
                              for p in exc.problems]) from None
        except RunInterrupted as exc:  # the run is written (and stored): say how to finish
            flags = (f" --baseline {shlex.quote(str(baseline))}" if baseline is not None
                     else "") + (" --validate" if validate else "")
            raise KeyboardInterrupt(interrupted_note(exc, store, flags)) from None
    for note in outcome.notes:
        err.print(f"note: {note}", markup=False)
    run, path = outcome, outcome.run_dir
    extra = {"run_id": outcome.run_id, "store": str(store or "runs/landbridge.duckdb")}
    if outcome.report is not None:
        extra["report"] = str(outcome.report)
    if outcome.reused:
        extra["reused"] = True
    if as_json:
        print_json({"manifest": run.manifest, "output_dir": str(path), **extra,
                    "kpis": _kpis_json(run.summary.tables())})
        return
    print_kpis(run)
    if outcome.reused:
        out.print(f"Results of the identical stored run {outcome.run_id} in [bold]{path}[/] "
                  "(nothing simulated; --force simulates again)")
    else:
        out.print(f"Results written to [bold]{path}[/]")
    for k, v in extra.items():
        if k != "reused":
            out.print(f"{k}: {v}")
    if baseline is not None:
        from landbridge.workflow import delay_headline

        head = delay_headline(path, outcome.baseline_dir or baseline, store=store)
        out.print(f"[bold]Against {head.baseline_id}:[/]")
        for line in head.lines:
            out.print("  " + line, markup=False)


@scenario_app.command("validate")
def validate(file: str = typer.Argument(..., help="Scenario file (YAML) or bundled name.")) -> None:
    """Validate a scenario against its network; list every problem (exit 2 if any)."""
    _validate(file)


@handle_errors
def _validate(file: str) -> None:
    c = load_and_compile(file)
    trains = sum(len(s.departures_h) for s in c.services)
    out.print(f"[green]ok[/]: {c.file}: {len(c.services)} services, {trains} train departures "
              f"over {c.scenario.horizon_days:g} days, {_n(len(c.windows), 'disruption window')}, "
              f"{_n(len(c.scenario.policies), 'policy', 'policies')}, "
              f"{_n(len(c.scenario.investments), 'candidate investment')}")


def _n(count: int, singular: str, plural: str | None = None) -> str:
    """``1 disruption window``, ``2 disruption windows``."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


@scenario_app.command("schema")
def schema() -> None:
    """Print the scenario format as JSON Schema."""
    from landbridge.scenario import scenario_json_schema

    print_json(scenario_json_schema())


@scenario_app.command("list")
def list_() -> None:
    """List the bundled scenarios: year, TEU and trains a year per direction."""
    _list()


@handle_errors
def _list() -> None:
    from landbridge.network import load_network
    from landbridge.scenario import bundled_scenarios, load_scenario
    from landbridge.scenario.volumes import scenario_volumes

    t = Table(title="Bundled scenarios (volumes a year; westbound = towards Europe)",
              title_justify="left")
    for col in ("scenario", "year", "TEU", "trains W", "trains E", "description"):
        t.add_column(col, justify="left" if col in ("scenario", "description") else "right",
                     overflow="fold")
    networks: dict = {}
    for name in bundled_scenarios():
        sc, path = load_scenario(name)
        key = sc.network and str((path.parent / sc.network).resolve())
        if key not in networks:
            networks[key] = load_network(key) if key else load_network()
        v = scenario_volumes(sc, networks[key])
        first = " ".join(sc.description.split())
        first = first if len(first) <= 72 else first[:71].rsplit(" ", 1)[0] + " …"
        t.add_row(name, str(sc.year or "–"), f"{v.teu_per_year:,.0f}",
                  f"{v.trains_westbound_per_year:,.0f}", f"{v.trains_eastbound_per_year:,.0f}",
                  first)
    out.print(t)


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
    app.add_typer(scenario_app, name="scenario")

