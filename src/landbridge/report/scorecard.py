"""The validation scorecard of a run: its scenario's published observations, scored on
the run, for the report (``templates/scorecard.html.j2``) and as a page of its own
(``landbridge validate --html``).

A run has observations when its scenario is one the observations table is about
(``data/observations.yaml``: ``cre-2019``, ``cre-2021``, ...), by name or by content:
a scenario equal to a row scenario apart from its name, description and run settings
(horizon, warm-up, seed, replications) is that scenario — ``default`` is ``cre-2021``
under another name, and ``simulate default --days 120`` still has its rows. A what-if
(a closure, more demand) is another scenario and has none.

Scoring needs each replication's KPIs and event log. A run just simulated has them in
memory (no cost); a stored run is simulated again from its own ``scenario.json`` (same
scenario, seed and replications: the same run, byte for byte) — which costs its
replications, hence optional (``--validate``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from jinja2 import Environment, PackageLoader, select_autoescape

__all__ = ["row_scenario_of", "run_scorecard_of", "scorecard_context",
           "scorecard_page", "RUN_SETTINGS"]

#: Scenario fields that say how a scenario is run, not what it is.
RUN_SETTINGS = frozenset({"name", "description", "horizon_days", "warmup_days", "seed",
                          "replications"})


def _content(sc) -> dict:
    """What the scenario is: its data without the run settings, a midnight date-time
    written as the date (a run's ``scenario.json`` has ``2021-08-01T00:00:00`` where the
    bundled file says ``2021-08-01``)."""
    def norm(v):
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, list):
            return [norm(x) for x in v]
        if isinstance(v, str) and len(v) == 19 and v.endswith("T00:00:00"):
            return v[:10]
        return v

    return norm(sc.model_dump(mode="json", by_alias=True, exclude=set(RUN_SETTINGS)))


def row_scenario_of(scenario, observations: Sequence) -> str | None:
    """The observation rows' scenario that ``scenario`` is, or None.

    Parameters
    ----------
    scenario : Scenario
        The run's scenario.
    observations : sequence of Observation

    Returns
    -------
    str or None
        The row scenario of the same name, else the one equal to ``scenario`` apart
        from :data:`RUN_SETTINGS`; None when no row is about it.
    """
    from landbridge.scenario import load_scenario

    names = list(dict.fromkeys(o.scenario for o in observations))
    if scenario.name in names:
        return scenario.name
    mine = _content(scenario)
    for name in names:
        try:
            other, _ = load_scenario(name)
        except Exception:  # noqa: BLE001 - a row scenario that does not load matches nothing
            continue
        if _content(other) == mine:
            return name
    return None


def run_scorecard_of(run_dir: str | Path, sim_run=None, observations=None,
                     replicate: Callable[[Any, int], Any] | None = None):
    """Score the observations of a run's scenario on the run.

    Parameters
    ----------
    run_dir : str or Path
        The run directory (its ``scenario.json`` and ``manifest.json``).
    sim_run : SimulationRun, optional
        The run's replications in memory (from :func:`landbridge.workflow.run_scenario`);
        without it the run's scenario is simulated again (same seed and replications)
        with ``replicate``.
    observations : str, Path or None
        The observations table (default: the bundled one).
    replicate : callable, optional
        ``replicate(compiled_scenario, replications) -> SimulationRun``, used when
        ``sim_run`` is not given (:func:`landbridge.workflow.scorecard_of_run` passes the
        runners' replications; the report layer does not import the runners).

    Returns
    -------
    (Scorecard or None, str)
        The scorecard and a sentence on what was scored on what (or why nothing was).

    Raises
    ------
    ObservationsError
        The observations table is malformed.
    StoreError
        The run directory lacks its scenario or manifest.
    InvariantError
        A replication simulated again broke TEU conservation.
    """
    from landbridge.analysis.validation import load_observations, score_observations
    from landbridge.errors import StoreError
    from landbridge.scenario import compile_scenario, parse_scenario

    run_dir = Path(run_dir)
    try:
        data = json.loads((run_dir / "scenario.json").read_text(encoding="utf-8"))
        manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"run directory {run_dir}: cannot read its scenario or manifest "
                         f"({exc})") from None
    scenario = parse_scenario(data, str(run_dir / "scenario.json"))
    rows = load_observations(observations)
    name = row_scenario_of(scenario, rows)
    if name is None:
        return None, (f"No validation: no published observation is about scenario "
                      f"{scenario.name!r} (the observations are about "
                      f"{', '.join(dict.fromkeys(o.scenario for o in rows))}).")
    rows = [o for o in rows if o.scenario == name]
    again = sim_run is None
    if again:
        if replicate is None:
            raise ValueError("run_scorecard_of: give sim_run or replicate")
        compiled = compile_scenario(scenario, file=run_dir / "scenario.json")
        sim_run = replicate(compiled, scenario.replications)
    card = score_observations(rows, {name: sim_run})
    n = int(manifest.get("replications") or scenario.replications)
    same = "" if name == scenario.name else f" ({scenario.name} is {name} by content)"
    how = (f"Scored on this run{same}: {scenario.horizon_days:g} days from "
           f"{scenario.start_date}, seed {scenario.seed}, {n} replication"
           f"{'s' if n != 1 else ''}" + (" (simulated again from its scenario.json)"
                                         if again else "") + ". ")
    if scenario.horizon_days < 365:
        how += ("Per-day and per-year figures are rates over the run; seasonal windows "
                "beyond it are left out. ")
    return card, how + "A row is inside when the simulated mean ± its 95 % CI overlaps " \
                       "the observed range."


def _fmt(v: float | None) -> str:
    if v is None:
        return "–"
    a = abs(v)
    return f"{v:,.0f}" if a >= 100 else f"{v:,.1f}" if a >= 10 else f"{v:,.2f}"


def scorecard_context(card, note: str = "") -> dict[str, Any]:
    """What ``templates/scorecard.html.j2`` renders: ``summary``, ``note`` and one row
    per observation (``id, scenario, role, observed, simulated, unit, verdict, source,
    cause``; ``cause`` only for a row not inside)."""
    rows = []
    for r in card.rows:
        o = r.observation
        rows.append(dict(
            id=o.id, scenario=o.scenario, role=o.role, observed=f"{_fmt(o.low)} – {_fmt(o.high)}",
            simulated=_fmt(r.simulated) + (f" ± {_fmt(r.ci95)}" if r.ci95 is not None else ""),
            unit=o.unit, verdict=r.verdict, source=o.source,
            cause=o.miss_cause if r.verdict != "inside" else ""))
    return dict(summary=card.summary_line(), note=note, rows=rows)


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=PackageLoader("landbridge.report", "templates"),
                       autoescape=select_autoescape(["html", "j2"]))


def scorecard_page(card, title: str = "landbridge validation scorecard",
                   note: str = "") -> str:
    """A complete, self-contained HTML page of the scorecard (``landbridge validate
    --html``): the same section the report embeds."""
    return _env().get_template("scorecard_page.html.j2").render(
        title=title, card=scorecard_context(card, note)) + "\n"
