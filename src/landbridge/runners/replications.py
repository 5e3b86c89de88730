"""Run the replications of a scenario through a ``concurrent.futures.Executor``.

The executor is the one seam for parallelism: :class:`InProcessExecutor` (tests and
single runs), a ``ProcessPoolExecutor``, or a Dask ``distributed.Client`` (its
``get_executor()``). Results never depend on which worker ran a replication: each
replication's seed comes from the scenario seed and its index alone
(:func:`landbridge.simulation.replication_seed`), and results are ordered by index.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import pandas as pd
import pyarrow as pa

from landbridge import __version__
from landbridge.analysis.kpis import Kpis, replication_kpis, summarize
from landbridge.scenario.compile import CompiledScenario
from landbridge.scenario.loader import scenario_file_label, scenario_hash
from landbridge.simulation.run import ReplicationResult, simulate_replication

__all__ = ["InProcessExecutor", "SimulationRun", "run_replications", "replication_task",
           "build_manifest"]


class InProcessExecutor(cf.Executor):
    """An Executor that runs each task at once in the calling process (deterministic,
    no pickling): the in-process implementation of the seam."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller via the future
            fut.set_exception(exc)
        return fut


def replication_task(compiled: CompiledScenario, replication: int,
                     spawn_key: tuple[int, ...] | None = None, on_progress=None
                     ) -> tuple[ReplicationResult, Kpis]:
    """Simulate one replication and compute its KPIs (runs on a worker).
    ``on_progress`` (in-process runs only) receives the fraction of simulated time."""
    result = simulate_replication(compiled, replication, spawn_key, on_progress)
    return result, replication_kpis(result, compiled)


@dataclass(frozen=True)
class SimulationRun:
    """All replications of one scenario: per-replication results and KPIs, the KPI
    summary over replications, and the run manifest."""

    compiled: CompiledScenario
    results: tuple[ReplicationResult, ...]
    per_replication: tuple[Kpis, ...]
    summary: Kpis
    manifest: dict
    #: The bytes of ``events.parquet`` when :func:`run_replications` encoded the logs
    #: as the replications ended (``encode_events``); None otherwise.
    events_parquet: bytes | None = None

    def events(self) -> pa.Table:
        """Event logs of all replications, concatenated in replication order.

        Raises
        ------
        ValueError
            When the run was made with ``keep_events=False`` (the logs are in
            :attr:`events_parquet` only).
        """
        if any(r.events is None for r in self.results):
            raise ValueError("the event logs of this run were not kept in memory "
                             "(run_replications keep_events=False): read events.parquet")
        return pa.concat_tables([r.events for r in self.results])

    def events_frame(self) -> pd.DataFrame:
        """:meth:`events` as pandas, with a ``timestamp_utc`` column."""
        df = self.events().to_pandas()
        start = pd.Timestamp(self.compiled.scenario.start_datetime())
        df["timestamp_utc"] = start + pd.to_timedelta(df.time_h, unit="h")
        return df


def network_hash(network) -> str:
    """SHA-256 of a network's records (nodes, links, crossings, ports, sorted by id):
    the identity of the network data a run simulated, so that a run of the same
    scenario on edited network files is not taken for the same run. The hash is of the
    records' ``repr`` (their fields in order; no sets or unordered mappings in them), the
    same in every process.

    Parameters
    ----------
    network : Network
        The compiled network (``nodes``, ``links``, ``crossings``, ``ports`` mappings).

    Returns
    -------
    str
        64 lowercase hex digits. Raises nothing.
    """
    text = "\n".join(repr(sorted(m.items())) for m in (
        network.nodes, network.links, network.crossings, network.ports))
    return hashlib.sha256(text.encode()).hexdigest()


def build_manifest(compiled: CompiledScenario, replications: int) -> dict:
    """The run manifest: everything needed to replay the run bit for bit (never the
    wall clock), with the hash of the network as simulated (:func:`network_hash`)."""
    sc = compiled.scenario
    return {
        "landbridge_version": __version__,
        "scenario_name": sc.name,
        "scenario_hash": scenario_hash(sc),
        "scenario_file": scenario_file_label(compiled.file),
        "network": compiled.network.source if sc.network else "bundled",
        "network_hash": network_hash(compiled.network),
        "seed": sc.seed,
        "replications": replications,
        "seed_scheme": "numpy.random.SeedSequence(seed, spawn_key=(replication,))",
        "start_date": sc.start_date.isoformat(),
        "horizon_days": sc.horizon_days,
        "warmup_days": sc.warmup_days,
    }


def run_replications(compiled: CompiledScenario, replications: int | None = None,
                     executor: cf.Executor | None = None,
                     on_done: Callable[[int], None] | None = None,
                     on_progress: Callable[[float], None] | None = None,
                     encode_events: bool = False, keep_events: bool = True) -> SimulationRun:
    """Run ``replications`` (default: the scenario's) and summarise their KPIs.

    Each replication's KPIs are computed where it ran (:func:`replication_task`);
    this process only combines them (:func:`~landbridge.analysis.kpis.summarize`).

    Parameters
    ----------
    compiled : CompiledScenario
    replications : int, optional
    executor : concurrent.futures.Executor, optional
        Default :class:`InProcessExecutor`.
    on_done : callable, optional
        Called with the replication index as each one finishes (progress bars).
    on_progress : callable, optional
        In-process runs only: called with replications done so far as a fraction
        (e.g. 2.5 = half-way through the third), for a fine progress bar.
    encode_events : bool
        Encode the event logs into the bytes of ``events.parquet`` on a background
        thread, each replication as soon as it and those before it have ended (while
        the workers simulate later ones and while the KPIs are summarised); see
        :class:`~landbridge.store.rundir.EventsParquetEncoder`.
    keep_events : bool
        With ``encode_events``, False lets each replication's event log go once it is
        handed to the encoder (its ``events`` is None; the logs are in the run's
        ``events_parquet`` bytes only): ~45 MB less held per year-long replication.

    Raises
    ------
    InvariantError
        If any replication breaks TEU conservation.
    """
    n = replications or compiled.scenario.replications
    ex = executor or InProcessExecutor()
    if on_progress is not None and isinstance(ex, InProcessExecutor):
        futures = {ex.submit(replication_task, compiled, r, None,
                             lambda f, r=r: on_progress(r + f)): r for r in range(n)}
    else:
        futures = {ex.submit(replication_task, compiled, r): r for r in range(n)}
    done: dict[int, tuple[ReplicationResult, Kpis]] = {}
    encoder = None
    if encode_events:
        from landbridge.store.rundir import EventsParquetEncoder  # late: loads the store

        encoder = EventsParquetEncoder()
    try:
        ready = 0  # replications handed to the encoder, in order
        for fut in cf.as_completed(futures):
            r = futures[fut]
            done[r] = fut.result()
            if on_done is not None:
                on_done(r)
            while encoder is not None and ready in done:
                encoder.add(done[ready][0].events)
                if not keep_events:  # the encoder holds the log until it is encoded
                    done[ready] = (replace(done[ready][0], events=None), done[ready][1])
                ready += 1
        ordered: Sequence[tuple[ReplicationResult, Kpis]] = [done[r] for r in range(n)]
        results = tuple(x[0] for x in ordered)
        per = tuple(x[1] for x in ordered)
        summary = summarize(per)  # while the encoder writes the last logs
        encoded = encoder.finish() if encoder is not None else None
    except BaseException:
        if encoder is not None:
            encoder.cancel()
        raise
    return SimulationRun(compiled=compiled, results=results, per_replication=per,
                         summary=summary, manifest=build_manifest(compiled, n),
                         events_parquet=encoded)
