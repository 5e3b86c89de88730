"""Rank candidate investments by re-solving the LP, then check the best by simulation.

For each of the scenario's ``investments`` the LP is solved again on the network with
the investment's policies applied (:func:`landbridge.scenario.apply_policies`), with the
same demand and candidate routes. Two measures, both per week of steady state:

* throughput gain — TEU/week moved from the sea alternative back onto rail;
* cost saving — fall of the generalised cost (tariffs + value of time) in USD/week,
  reported per USD invested as ``52 × saving / cost`` (USD saved per year per USD)
  and as a simple payback period ``cost / (52 × saving)`` in years (no discounting).

The simulation check runs the scenario with and without the investment on the same
seeds (common random numbers, so the per-replication differences are paired; A. M.
Law, *Simulation Modeling and Analysis*, 5th ed., 2015, §11.2) and reports the mean
gain in delivered TEU/week and in mean transit days with Student-t 95 % intervals.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from landbridge.planning.assignment import Assignment
from landbridge.planning.context import PlanningContext
from landbridge.errors import ScenarioError
from landbridge.scenario.compile import CompiledScenario, apply_policies, investment_reductions
from landbridge.scenario.schema import Investment

if TYPE_CHECKING:  # pragma: no cover
    from landbridge.planning.simcheck import RepOutcome

__all__ = ["InvestmentResult", "SimCheck", "rank_investments", "simulate_investments",
           "with_investment", "paired_gain", "sim_disagrees", "sim_disagreement",
           "policy_elements", "unaddressed_binding"]

WEEKS_PER_YEAR = 52.0


@dataclass(frozen=True)
class SimCheck:
    """A simulated gain (variant − base) with its 95 % CI half-width (None with one
    replication): delivered TEU/week and mean transit days (negative = faster)."""

    replications: int
    days: float
    delivered_gain_teu_per_week: float
    delivered_gain_ci95: float | None
    transit_change_d: float | None
    transit_change_ci95: float | None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class InvestmentResult:
    """One candidate investment after re-solving the LP (ranks start at 1)."""

    id: str
    name: str
    cost_usd: float
    rail_teu_per_week: float
    throughput_gain_teu_per_week: float
    saving_usd_per_week: float
    saving_usd_per_year_per_usd: float
    payback_years: float | None
    rank_throughput: int
    rank_saving: int
    simulation: SimCheck | None = None

    def to_dict(self) -> dict:
        """Plain dict; ``sim_disagrees`` is :func:`sim_disagrees` (None: not checked)."""
        d = dataclasses.asdict(self)
        d["simulation"] = self.simulation.to_dict() if self.simulation else None
        d["sim_disagrees"] = sim_disagrees(self)
        return d


def sim_disagrees(r: InvestmentResult) -> bool | None:
    """Whether the simulation check of ``r`` contradicts the LP's throughput gain
    (TEU/week); None when ``r`` was not checked by simulation.

    They disagree when the simulated 95 % interval excludes the LP figure (an opposite
    sign inside the interval is noise: LP 0 against −11.2 ± 31.5 agrees); with one
    replication (no interval) when the LP gains or loses throughput (0.05 TEU/week or
    more) and the simulation's sign is not the same.
    """
    sim = r.simulation
    if sim is None:
        return None
    lp, s, ci = r.throughput_gain_teu_per_week, sim.delivered_gain_teu_per_week, \
        sim.delivered_gain_ci95

    def sign(x: float) -> int:
        return 0 if abs(x) < 0.05 else (1 if x > 0 else -1)

    if ci is not None:
        return abs(s - lp) > ci
    return sign(lp) != 0 and sign(lp) != sign(s)


def sim_disagreement(r: InvestmentResult) -> str | None:
    """A sentence when the simulation check of ``r`` contradicts the LP's throughput
    gain (:func:`sim_disagrees`), else None (no check, or they agree).

    They disagree when the simulated 95 % interval excludes the LP figure (an opposite
    sign inside the interval is noise: LP 0 against −11.2 ± 31.5 agrees); with one
    replication (no interval) when the LP gains or loses throughput (0.05 TEU/week or
    more) and the simulation's sign is not the same. The sentence says which
    to believe: the simulation, for what the scenario delivers over its horizon (it
    has the queues, the scenario's measures and the run's start and end), while the
    LP's figure is a static bound on average capacity at steady state.

    Parameters
    ----------
    r : InvestmentResult
        An investment's LP result, with its simulation check if one was run
        (gains in TEU/week, the interval a 95 % half-width in TEU/week).

    Returns
    -------
    str or None
        The sentence (figures in TEU/week, run length in days), or None.
        Raises nothing.
    """
    if not sim_disagrees(r):
        return None
    sim = r.simulation
    lp, s, ci = r.throughput_gain_teu_per_week, sim.delivered_gain_teu_per_week, \
        sim.delivered_gain_ci95
    interval = f"{s:+,.1f} ± {ci:,.1f}" if ci is not None else f"{s:+,.1f}"
    return (f"The simulation check disagrees: {interval} TEU/week delivered "
            f"({sim.replications} paired replication{'s' if sim.replications != 1 else ''} "
            f"of {sim.days:g} days) against the LP's {lp:+,.1f}. Believe the simulation for "
            f"what this scenario delivers: the LP is a static bound on average capacity, "
            f"while the simulation includes queues, the scenario's measures and the "
            f"horizon (run start, backlog at the end); more replications or --sim-days "
            f"narrow its interval.")


def policy_elements(inv: Investment) -> set[str]:
    """Ids of the crossings and links the investment's policies act on."""
    return {getattr(p, "crossing", None) or p.link for p in inv.policies}


def unaddressed_binding(binding: list[dict], investments: list[Investment]) -> list[dict]:
    """The binding constraints, largest dual first, that come before the first one a
    candidate investment acts on: those whose dual (USD/week per TEU/day) is the
    largest and no candidate could lower. Empty when the top dual has a candidate or
    no constraint has a positive dual.

    Parameters
    ----------
    binding : list of dict
        :meth:`PlanResult.binding` rows (``element``, ``dual_usd_per_week_per_teu_day``),
        largest dual first.
    investments : list of Investment
        The scenario's candidates.
    """
    acted_on = set().union(*(policy_elements(inv) for inv in investments))
    out = []
    for b in binding:
        if b["element"] in acted_on or not b["dual_usd_per_week_per_teu_day"] > 0.5:
            break
        out.append(b)
    return out


def rank_investments(ctx: PlanningContext, base: Assignment,
                     investments: list[Investment] | None = None) -> list[InvestmentResult]:
    """Re-solve the LP for each investment; return them ranked by cost saving per USD
    (best first), each with its rank by throughput gain as well.

    Raises
    ------
    ScenarioError
        When an investment's policy does not fit the network (unknown crossing, no
        transshipment stage to extend) or would lower its capacity
        (:func:`~landbridge.scenario.compile.investment_reductions`).
    """
    invs = ctx.compiled.scenario.investments if investments is None else investments
    raw = []
    for i, inv in enumerate(invs):
        cuts = investment_reductions(ctx.network, inv.policies, ctx.compiled.file,
                                     f"investments[{i}].policies")
        if cuts:
            raise ScenarioError(cuts)
        net = apply_policies(ctx.network, inv.policies, ctx.compiled.file,
                             f"investments[{i}].policies")
        a = ctx.solve(net)
        gain = a.rail_teu_per_week - base.rail_teu_per_week
        saving = base.objective_usd_per_week - a.objective_usd_per_week
        gain = 0.0 if abs(gain) < 1e-6 else gain
        saving = 0.0 if abs(saving) < 1e-6 else saving
        per_usd = WEEKS_PER_YEAR * saving / inv.cost_usd
        payback = inv.cost_usd / (WEEKS_PER_YEAR * saving) if saving > 0 else None
        raw.append((inv, a.rail_teu_per_week, gain, saving, per_usd, payback))
    by_tp = sorted(raw, key=lambda r: (-r[2], -r[4], r[0].id))
    by_sv = sorted(raw, key=lambda r: (-r[4], -r[2], r[0].id))
    rank_tp = {r[0].id: n + 1 for n, r in enumerate(by_tp)}
    return [InvestmentResult(inv.id, inv.name, inv.cost_usd, rail, gain, saving, per_usd,
                             payback, rank_tp[inv.id], n + 1)
            for n, (inv, rail, gain, saving, per_usd, payback) in enumerate(by_sv)]


def with_investment(compiled: CompiledScenario, inv: Investment) -> CompiledScenario:
    """``compiled`` with the investment's policies applied (and recorded in the
    scenario, so a run manifest's hash differs)."""
    sc = compiled.scenario
    sc2 = sc.model_copy(update={"policies": [*sc.policies, *inv.policies],
                                "name": f"{sc.name}+{inv.id}"})
    return dataclasses.replace(compiled, scenario=sc2,
                               network=apply_policies(compiled.network, inv.policies,
                                                      compiled.file))


def paired_gain(compiled: CompiledScenario, base: "list[RepOutcome]",
                variant: "list[RepOutcome]") -> SimCheck:
    """Paired differences variant − base per replication (same seeds)."""
    from landbridge.planning.simcheck import ci95_halfwidth

    sc = compiled.scenario
    weeks = (sc.horizon_days - sc.warmup_days) / 7.0
    d = [(v.delivered_teu - b.delivered_teu) / weeks for b, v in zip(base, variant)]
    t = [v.transit_mean_d - b.transit_mean_d for b, v in zip(base, variant)
         if b.transit_mean_d is not None and v.transit_mean_d is not None]
    return SimCheck(len(d), sc.horizon_days, sum(d) / len(d), ci95_halfwidth(d),
                    sum(t) / len(t) if t else None, ci95_halfwidth(t) if t else None)


def simulate_investments(ctx: PlanningContext, ranked: list[InvestmentResult], top: int = 3,
                         replications: int = 3, days: float | None = None,
                         executor: cf.Executor | None = None,
                         base: "list[RepOutcome]" | None = None) -> list[InvestmentResult]:
    """Attach a :class:`SimCheck` to the first ``top`` investments of ``ranked`` (by
    cost saving per USD; order kept), simulating ``days`` (default: the scenario's
    horizon) with ``replications`` paired replications.

    Raises
    ------
    InvariantError
        If a replication breaks TEU conservation.
    """
    from landbridge.planning.simcheck import shorten, simulate_outcomes

    compiled = shorten(ctx.compiled, days)
    base = base or simulate_outcomes(compiled, replications, executor)
    by_id = {inv.id: inv for inv in ctx.compiled.scenario.investments}
    out = []
    for n, r in enumerate(ranked):
        if n < top and r.id in by_id:
            runs = simulate_outcomes(with_investment(compiled, by_id[r.id]), replications,
                                     executor)
            r = dataclasses.replace(r, simulation=paired_gain(compiled, base, runs))
        out.append(r)
    return out
