"""Replications and sweeps on an Executor (in-process, process pool or Dask)."""

from landbridge.runners.executors import ExecutorInfo, default_workers, open_executor
from landbridge.runners.replications import (
    InProcessExecutor,
    SimulationRun,
    build_manifest,
    replication_task,
    run_replications,
)
from landbridge.runners.sweep import (
    SweepInterruptedError,
    SweepPlan,
    SweepPoint,
    SweepResult,
    load_sweep_plan,
    plan_sweep,
    run_sweep,
    sweep_replication,
)
from landbridge.runners.sweepfile import Sweep, bundled_sweeps, load_sweep, parse_sweep
from landbridge.runners.sweepsummary import SweepSummary, summarize_sweep

__all__ = ["ExecutorInfo", "InProcessExecutor", "SimulationRun", "Sweep",
           "SweepInterruptedError", "SweepPlan", "SweepPoint", "SweepResult", "SweepSummary",
           "build_manifest", "bundled_sweeps", "default_workers", "load_sweep",
           "load_sweep_plan", "open_executor", "parse_sweep", "plan_sweep", "replication_task",
           "run_replications", "run_sweep", "summarize_sweep", "sweep_replication"]
