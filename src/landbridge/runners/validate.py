"""Run the scenarios an observations table names and score it (``landbridge validate``)."""

from __future__ import annotations

import concurrent.futures as cf
from typing import Callable, Sequence

from landbridge.analysis.validation import Observation, Scorecard, score_observations
from landbridge.runners.replications import SimulationRun, run_replications

__all__ = ["run_scorecard"]


def _compile(name: str, replications: int, days: float | None):
    from landbridge.scenario import compile_scenario, load_scenario, parse_scenario

    sc, path = load_scenario(name)
    data = sc.model_dump(mode="json", by_alias=True)
    data["replications"] = replications
    if days is not None:
        data["horizon_days"] = days
        if sc.warmup_days >= days:
            data["warmup_days"] = 0.0
    return compile_scenario(parse_scenario(data, str(path)), file=path)


def run_scorecard(observations: Sequence[Observation], replications: int = 3,
                  executor: cf.Executor | None = None, days: float | None = None,
                  on_scenario: Callable[[str, int, int], None] | None = None,
                  on_done: Callable[[int], None] | None = None
                  ) -> tuple[Scorecard, dict[str, SimulationRun]]:
    """Simulate each scenario named by ``observations`` and score every row.

    Parameters
    ----------
    observations : sequence of Observation
    replications : int
        Replications per scenario (seeds from each scenario's own seed); at least 2
        for confidence intervals.
    executor : concurrent.futures.Executor, optional
        The replication seam (a process pool for ``--workers``); default in-process.
    days : float, optional
        Shorter horizon than the scenarios' own year, for a quick look; per-day and
        per-year figures are rates, but seasonal windows (e.g. the 2021 measures) may
        fall outside it.
    on_scenario : callable, optional
        Called with (scenario name, index, count) before each scenario runs.
    on_done : callable, optional
        Called with the replication index as each replication finishes.

    Returns
    -------
    (Scorecard, dict of scenario name → SimulationRun)

    Raises
    ------
    UnknownNameError, ScenarioError
        When a row names a scenario that does not exist or does not load.
    InvariantError
        When a replication breaks TEU conservation.
    """
    names = list(dict.fromkeys(o.scenario for o in observations))
    compiled = {n: _compile(n, replications, days) for n in names}  # bad names fail first
    runs: dict[str, SimulationRun] = {}
    for i, n in enumerate(names):
        if on_scenario is not None:
            on_scenario(n, i, len(names))
        runs[n] = run_replications(compiled[n], replications, executor, on_done=on_done)
    return score_observations(observations, runs), runs
