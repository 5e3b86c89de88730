"""`landbridge plan` and `landbridge compare`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from landbridge.cli._common import err, handle_errors, out, print_json, Table


def _f(v, digits=0, pct=False) -> str:
    if v is None:
        return "–"
    if pct:
        return f"{100 * v:,.{digits}f}%"
    return f"{v:,.{digits}f}"


def plan(
    scenario: Optional[str] = typer.Argument(
        None, help="Scenario file (YAML) or bundled name; default: the bundled 'default'."),
    k: int = typer.Option(5, "--k", min=1, max=50, help="Rail corridors per origin–destination."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
    no_sim: bool = typer.Option(False, "--no-sim", help="Skip the simulation checks."),
    sim_replications: int = typer.Option(3, "--sim-replications", min=1, max=1000,
                                         help="Paired replications per simulation check."),
    sim_days: Optional[float] = typer.Option(
        60.0, "--sim-days", min=1.0,
        help="Simulated days per investment check (at most the horizon)."),
    sim_top: int = typer.Option(3, "--sim-top", min=0, help="Investments checked by simulation."),
    sim_disruption_days: float = typer.Option(
        180.0, "--sim-disruption-days", min=1.0,
        help="Most days simulated per disruption check (its window with a lead-in and "
             "the fluid clearance time)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes for the simulation checks."),
) -> None:
    """Capacity plan: bottlenecks and their duals, investments, disruption costs.

    LP with HiGHS over the k best corridors, sea for the overflow; checked by
    simulation unless --no-sim."""
    _plan(scenario, k, as_json, no_sim, sim_replications, sim_days, sim_top, workers,
          sim_disruption_days)


@handle_errors
def _plan(scenario, k, as_json, no_sim, sim_replications, sim_days, sim_top, workers,
          sim_disruption_days=180.0):
    import concurrent.futures as cf

    from landbridge.planning import plan_scenario
    from landbridge.planning.routecache import default_route_cache

    executor = cf.ProcessPoolExecutor(max_workers=workers) if workers > 1 and not no_sim else None
    try:
        result = plan_scenario(scenario, k, simulate=not no_sim, sim_replications=sim_replications,
                               sim_days=sim_days, sim_top=sim_top,
                               sim_disruption_days=sim_disruption_days, executor=executor,
                               route_cache=default_route_cache())
    finally:
        if executor is not None:
            executor.shutdown()
    if as_json:
        print_json(result.to_dict())
        return
    print_plan(result, no_sim, sim_days)
    sc = result.context.compiled.scenario
    longest_d = max((p.transit_h for p in result.assignment.paths), default=0.0) / 24.0
    if not no_sim and sim_days is not None and sim_days < sc.warmup_days + longest_d:
        err.print(f"note: the simulation checks ran {min(sim_days, sc.horizon_days):g} days, "
                  f"less than the warm-up ({sc.warmup_days:g} d) plus the longest transit "
                  f"({longest_d:.0f} d): their gains say little; use --sim-days "
                  f"{sc.warmup_days + 2 * longest_d:.0f} or more", markup=False)


def print_plan(result, no_sim: bool = False, sim_days: float | None = None) -> None:
    """Rich tables of a :class:`~landbridge.planning.PlanResult`."""
    s = result.summary()
    net = result.network
    out.print(f"[bold]{s['scenario']}[/] — weekly demand {_f(s['demand_teu_per_week'])} TEU: "
              f"rail {_f(s['rail_teu_per_week'])}, sea {_f(s['sea_teu_per_week'])}; "
              f"generalised cost {_f(s['generalised_cost_usd_per_week'])} USD/week "
              f"(k = {s['k']}, reference train {s['reference_train_teu']:g} TEU, value of time "
              f"{s['value_of_time_usd_per_teu_day']:g} USD/TEU-day)")
    t = Table(title="Binding constraints (dual: USD/week saved per extra TEU/day of capacity)",
              title_justify="left")
    for col in ("element", "binding stage", "capacity TEU/day", "load TEU/day", "dual"):
        t.add_column(col, justify="left" if col in ("element", "binding stage") else "right")
    for b in result.binding():
        st = b["label"].rsplit(": ", 1)
        t.add_row(st[0], b["stage"], _f(b["capacity_teu_per_day"], 1),
                  _f(b["load_teu_per_day"], 1), _f(b["dual_usd_per_week_per_teu_day"]))
    out.print(t)
    from landbridge.scenario.whatif import demand_direction

    sea = {"westbound": 0.0, "eastbound": 0.0}
    for f in result.assignment.sea:
        c = result.assignment.commodities[f.commodity]
        sea[demand_direction(net.nodes[c.origin].lon, net.nodes[c.destination].lon)] += f.teu_per_week
    t = Table(title="Static capacity of border crossings and road posts (per direction)",
              title_justify="left", caption_justify="left",
              caption=f"load TEU/day: the LP's rail flows, in {s['reference_train_teu']:g}-TEU "
                      f"reference trains where a stage counts trains (a smaller train counts "
                      f"as one). What the LP sends by sea ({_f(sea['westbound'])} TEU/week "
                      f"westbound, {_f(sea['eastbound'])} eastbound) is not in them; the "
                      f"simulation carries it by rail, so beyond a binding crossing it "
                      f"loads more than this table.")
    for col in ("crossing", "dir", "binding element", "capacity/day", "TEU/day", "load TEU/day",
                "utilization"):
        t.add_column(col, justify="left" if col in ("crossing", "dir", "binding element") else "right")
    for c in result.capacity:
        if c.element_type not in ("crossing", "road_post"):
            continue
        if c.load_teu_per_day <= 0 and c.element_type == "crossing" and c.direction == "b_to_a":
            continue
        t.add_row(c.name, f"{c.from_node}→{c.to_node}", c.binding_stage,
                  f"{c.capacity_units_per_day:,.1f} {c.unit.split('/')[0]}",
                  _f(c.capacity_teu_per_day), _f(c.load_teu_per_day, 1), _f(c.utilization, 0, True))
    out.print(t)
    tables = result.to_records()
    t = Table(title="Flows per route (TEU/week)", title_justify="left")
    for col in ("origin", "destination", "via crossings", "days", "USD/FEU", "USD/TEU gen.",
                "TEU/week"):
        t.add_column(col, justify="left" if col in ("origin", "destination", "via crossings") else "right")
    for r in tables["plan_routes"]:
        if r["teu_per_week"] <= 0:
            continue
        t.add_row(net.nodes[r["origin"]].name, net.nodes[r["destination"]].name,
                  r["crossings"] or "–", _f(r["transit_h"] / 24, 1), _f(r["tariff_usd_per_feu"]),
                  _f(r["cost_usd_per_teu"]), _f(r["teu_per_week"], 1))
    for r in tables["plan_sea"]:
        if r["sea_teu_per_week"] > 0:
            t.add_row(net.nodes[r["origin"]].name, net.nodes[r["destination"]].name,
                      f"sea {r['origin_port']}→{r['destination_port']}", _f(r["sea_days"], 1),
                      _f(r["sea_usd_per_feu"]), _f(r["sea_cost_usd_per_teu"]),
                      _f(r["sea_teu_per_week"], 1))
    out.print(t)
    if result.investments:
        print_investments(result)
    if result.disruptions:
        print_disruptions(result, no_sim)


def _useful(r) -> bool:
    return r.saving_usd_per_week > 0.5 or r.throughput_gain_teu_per_week > 0.05


def print_investments(result) -> None:
    """One ranking of the candidate investments (USD a year saved per USD invested, the
    LP re-solved with each; ties by TEU/week gained), ranks only for those that change
    the plan, and one sentence saying what to do."""
    from landbridge.planning.investments import sim_disagrees

    invs = sorted(result.investments, key=lambda r: r.rank_saving)
    t = Table(title="Candidate investments, best first by USD/yr saved per USD invested "
                    "(LP re-solved; simulation: paired replications, ± 95 % CI)",
              title_justify="left")
    simulated = any(r.simulation for r in invs)
    for col in ("#", "investment", "cost USD", "TEU/week gain", "saving USD/week",
                "USD/yr per USD", *(("simulated TEU/week gain", "simulated transit Δ days",
                                     "sim vs LP") if simulated else ())):
        t.add_column(col, justify="left" if col == "investment" else "right",
                     overflow="fold")
    rank = 0
    for r in invs:
        sim = r.simulation
        rank += _useful(r)
        row = [str(rank) if _useful(r) else "–", f"{r.name} ({r.id})", _f(r.cost_usd),
               _f(r.throughput_gain_teu_per_week, 1), _f(r.saving_usd_per_week),
               _f(r.saving_usd_per_year_per_usd, 3)]
        if simulated:
            row += [(f"{sim.delivered_gain_teu_per_week:,.1f} ± {_f(sim.delivered_gain_ci95, 1)}"
                     if sim else "not checked"),
                    (f"{_f(sim.transit_change_d, 2)} ± {_f(sim.transit_change_ci95, 2)}"
                     if sim else ""),
                    {None: "", True: "differ †", False: "agree"}[sim_disagrees(r)]]
        t.add_row(*row)
    out.print(t)
    note = disagreement_note(invs)
    if note:
        out.print(note, markup=False)
    out.print(investment_advice(result), markup=False)
    note = unaddressed_note(result)
    if note:
        out.print(note, markup=False)


def disagreement_note(invs) -> str | None:
    """The footnote (†) under the investment table naming every row whose simulated
    95 % interval of the TEU/week gain excludes the LP's figure
    (:func:`~landbridge.planning.investments.sim_disagrees`) and why the two can
    differ; None when no row does."""
    from landbridge.planning.investments import sim_disagrees

    rows = [r for r in invs if sim_disagrees(r)]
    if not rows:
        return None

    def sim(r) -> str:
        s = r.simulation
        ci = f" ± {s.delivered_gain_ci95:,.1f}" if s.delivered_gain_ci95 is not None else ""
        return (f"{r.id} (simulated {s.delivered_gain_teu_per_week:+,.1f}{ci} against the "
                f"LP's {r.throughput_gain_teu_per_week:+,.1f} TEU/week)")

    return (f"† The simulation and the LP disagree on {'; '.join(sim(r) for r in rows)}: the "
            f"LP is a static bound on average capacity at steady state, the simulation "
            f"includes queues, the scenario's measures and the horizon; believe the "
            f"simulation for what this scenario delivers.")


def unaddressed_note(result) -> str | None:
    """One sentence when the binding constraints with the largest duals have no
    candidate investment acting on them
    (:func:`~landbridge.planning.investments.unaddressed_binding`), else None. Not said
    when no candidate changes the plan: the advice names the binding limit then."""
    from landbridge.planning.investments import unaddressed_binding

    if not any(_useful(r) for r in result.investments):
        return None
    rows = unaddressed_binding(result.binding(),
                               result.context.compiled.scenario.investments)
    if not rows:
        return None
    names = "; ".join(f"{b['label']} (dual {b['dual_usd_per_week_per_teu_day']:,.0f})"
                      for b in rows[:3])
    more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
    return (f"No candidate acts on the largest dual{'s' if len(rows) > 1 else ''}, "
            f"{names}{more} (USD/week per TEU/day): add one with `investments+` in a "
            f"what-if.")


def investment_advice(result) -> str:
    """The sentence under the investment table: the best candidate and by how much it
    beats the next (and, when its simulation check contradicts the LP, which to
    believe), or, when none changes the plan, the limit that binds instead."""
    from landbridge.planning.investments import sim_disagreement

    useful = sorted((r for r in result.investments if _useful(r)), key=lambda r: r.rank_saving)
    if not useful:
        binding = [b["label"] for b in result.binding()][:2]
        why = (f"the binding limit is {' and '.join(binding)}" if binding
               else "no capacity binds (all demand already goes by its cheapest route)")
        return ("No candidate investment changes the plan at this demand: " + why
                + ". Add a candidate on that element (investments+: in a what-if).")
    best = useful[0]
    line = (f"Recommended: {best.name} — USD {best.saving_usd_per_year_per_usd:,.2f} a year "
            f"saved per USD invested (USD {best.saving_usd_per_week * 52:,.0f}/yr for "
            f"USD {best.cost_usd:,.0f}")
    line += (f", +{best.throughput_gain_teu_per_week:,.0f} TEU/week by rail)"
             if best.throughput_gain_teu_per_week > 0.05 else ", no extra TEU by rail)")
    if len(useful) > 1 and useful[1].saving_usd_per_year_per_usd > 0:
        ratio = best.saving_usd_per_year_per_usd / useful[1].saving_usd_per_year_per_usd
        line += f"; {ratio:,.1f} × the return of the next, {useful[1].name}"
    doubt = sim_disagreement(best)
    return line + "." + (f" {doubt}" if doubt else "")


def print_disruptions(result, no_sim: bool = False) -> None:
    """The disruption table: LP re-route, fluid backlog on the scenario's own routes,
    the simulated backlog, and one line per disruption on whether the two agree."""
    from landbridge.planning.disruptions import agreement

    t = Table(title="Disruptions: LP re-route (optimal routing); backlog if the scenario's "
                    "own trains hold (fluid queue) and simulated (± 95 % CI); days from start",
              title_justify="left")
    for col in ("disruption", "days", "TEU/week through", "re-routed (LP)", "to sea (LP)",
                "extra USD (LP)", "backlog TEU (fluid)", "cleared day (fluid)",
                "TEU-days (fluid)", "backlog TEU (sim)", "cleared day (sim)"):
        t.add_column(col, justify="left" if col == "disruption" else "right")
    for d in result.disruptions:
        sim = d.simulation
        window = (f"{d.start_day:g}–{d.end_day:g}" if d.window_days is not None else "long-run")
        if d.window_days is None:
            cleared = "–"
        elif d.backlog_teu <= result.context.ref_teu_per_train:
            cleared = "no backlog"
        else:
            cleared = _f(d.backlog_cleared_day, 0) if d.backlog_cleared_day is not None \
                else "not in horizon"
        t.add_row(f"{d.kind} {d.target}", window, _f(d.affected_teu_per_week),
                  _f(d.rerouted_teu_per_week), _f(d.diverted_to_sea_teu_per_week),
                  _f(d.reroute_cost_usd) if d.window_days is not None
                  else _f(d.extra_cost_usd_per_week) + "/wk",
                  _f(d.backlog_teu), cleared, _f(d.delay_teu_days),
                  (f"{sim.peak_backlog_teu:,.0f} ± {_f(sim.peak_backlog_ci95)}"
                   if sim else _why_not_simulated(d, no_sim)),
                  (_f(sim.backlog_cleared_day, 0) if sim and sim.backlog_cleared_day is not None
                   else ("–" if sim else "")))
    out.print(t)
    for d in result.disruptions:
        line = agreement(d)
        if line:
            out.print(f"  {d.kind} {d.target}: {line}", markup=False)
    if no_sim:
        out.print("The fluid model has no randomness: an element kept above its load queues "
                  "nothing there, where the simulation's random service times do; run "
                  "without --no-sim for the simulated backlog beside it.", markup=False)
    out.print("The LP re-routes demand optimally over k corridors; the fluid and simulated "
              "backlogs keep every service on its scenario route (docs/planning.md).",
              markup=False)
    if any(d.target in result_road_posts(result) for d in result.disruptions):
        out.print("Road posts are outside the rail LP (no re-route figures); their backlog "
                  "is the road flows' queue at the post.", markup=False)


def _why_not_simulated(d, no_sim: bool) -> str:
    if no_sim:
        return "not run (--no-sim)"
    if d.window_days is None:
        return "n/a (long-run)"
    return "n/a (after the horizon)"


def result_road_posts(result) -> set[str]:
    """Ids of the road posts of the planned network."""
    return {c.id for c in result.network.crossings.values() if c.mode == "road"}


def compare(
    origin: str = typer.Argument(..., help="Origin node (id, name or alias)."),
    destination: str = typer.Argument(..., help="Destination node (id, name or alias)."),
    k: int = typer.Option(5, "--k", min=1, max=50, help="Rail corridors to list."),
    network: Optional[Path] = typer.Option(None, "--network",
                                           help="Network directory (default: bundled)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
    sources: bool = typer.Option(False, "--sources", help="Also list every factor's source."),
    via: Optional[list[str]] = typer.Option(
        None, "--via", help="A node every rail corridor passes (repeat for several, in "
                            "order); a port is where the ferry leaves, e.g. --via Aktau."),
) -> None:
    """Each rail corridor, sea and air side by side: days, USD/FEU, kg CO2/TEU."""
    _compare(origin, destination, k, network, as_json, sources, via or [])


@handle_errors
def _compare(origin, destination, k, network, as_json, sources, via=()):
    from landbridge.network import load_network
    from landbridge.planning import compare_modes

    from landbridge.cli.network_cmd import check_via

    net = load_network(network)
    check_via(net, origin, destination, via)
    cmp = compare_modes(net, origin, destination, k=k, via=via)
    if as_json:
        print_json(cmp.to_dict())
        return
    for line in compare_headline(cmp):
        out.print(line, markup=False)
    through = (" through " + ", ".join(net.nodes[net.resolve(v)].name for v in via)) if via else ""
    t = Table(title=f"{net.nodes[cmp.origin].name} → {net.nodes[cmp.destination].name}: "
                    f"rail corridors{through}, sea and air (static times, no queueing)",
              title_justify="left")
    for col in ("mode", "via", "km", "days", "USD/FEU", "kg CO2/TEU"):
        t.add_column(col, justify="left" if col in ("mode", "via") else "right")
    for o in cmp.options:
        t.add_row(o.mode, o.corridor, _f(o.distance_km), _f(o.days, 1), _f(o.usd_per_feu),
                  _f(o.co2_kg_per_teu))
    out.print(t)
    if sources:
        for key, src in cmp.sources.items():
            out.print(f"  {key}: {src}", markup=False)
    else:
        err.print("Factors and their sources: data/modes.yaml (--sources lists them).")


def compare_headline(cmp) -> list[str]:
    """Two or three lines that answer "which way?" before the table: the fastest, the
    cheapest and the lowest-CO2 option, the best rail corridor beside sea and air, and
    what the static figures leave out. Every time is uncongested (no queues, ferry
    waits or port dwell) and the lines say so: where a crossing or ferry is busy the
    simulated transit is much longer.

    Parameters
    ----------
    cmp : landbridge.planning.ModeComparison

    Returns
    -------
    list of str
    """
    opts = list(cmp.options)
    if not opts:
        return []

    def label(o) -> str:
        return f"{o.mode} via {o.corridor}" if o.mode.startswith("rail") else o.mode

    def figs(o) -> str:
        return (f"{o.days:,.1f} d, USD {o.usd_per_feu:,.0f}/FEU, "
                f"{o.co2_kg_per_teu:,.0f} kg CO2/TEU")

    fastest = min(opts, key=lambda o: o.days)
    cheapest = min(opts, key=lambda o: o.usd_per_feu)
    greenest = min(opts, key=lambda o: o.co2_kg_per_teu)
    surface = [o for o in opts if o.mode != "air"]
    lines = [f"Fastest (uncongested): {label(fastest)} ({figs(fastest)}); cheapest: "
             f"{label(cheapest)} ({figs(cheapest)}); lowest CO2: {label(greenest)}."]
    rail = [o for o in opts if o.mode.startswith("rail")]
    if rail and surface:
        best_rail = min(rail, key=lambda o: o.days)
        sea = [o for o in opts if o.mode == "sea"]
        if sea:
            lines.append(f"Best rail ({label(best_rail)}) saves {sea[0].days - best_rail.days:,.1f} "
                         f"days against sea for USD {best_rail.usd_per_feu - sea[0].usd_per_feu:,.0f} "
                         f"more per FEU, uncongested: queues at crossings and ferries add days.")
    lines.append("Uncongested (static) times: running, border processing and transshipment "
                 "without queues, ferry waits or port dwell; run `landbridge simulate` for "
                 "queues (transit per corridor with them).")
    return lines


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
    app.command("compare")(compare)
