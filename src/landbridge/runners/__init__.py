"""Replications and sweeps on an Executor (in-process, process pool or Dask)."""

from landbridge.runners.replications import (
    InProcessExecutor,
    SimulationRun,
    build_manifest,
    replication_task,
    run_replications,
)

__all__ = ["InProcessExecutor", "SimulationRun", "build_manifest", "replication_task",
           "run_replications"]
