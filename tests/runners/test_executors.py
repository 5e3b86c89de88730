"""The executor seam: in-process for one worker, a process pool otherwise."""

from __future__ import annotations

import concurrent.futures as cf

import pytest

from landbridge.errors import ScenarioError
from landbridge.runners import InProcessExecutor, default_workers, open_executor


def test_one_worker_runs_in_process():
    with open_executor(1) as info:
        assert isinstance(info.executor, InProcessExecutor)
        assert (info.kind, info.slots) == ("in-process", 1)
        assert info.executor.submit(pow, 2, 10).result() == 1024


def test_workers_open_a_process_pool_that_is_shut_down():
    with open_executor(2) as info:
        assert isinstance(info.executor, cf.ProcessPoolExecutor)
        assert (info.kind, info.slots) == ("process-pool", 2)
        assert info.executor.submit(pow, 3, 3).result() == 27
    with pytest.raises(RuntimeError):  # shut down on leaving
        info.executor.submit(pow, 2, 2)


def test_default_is_the_usable_cores_and_zero_is_refused():
    assert default_workers() >= 1
    with pytest.raises(ScenarioError, match="--workers: expected at least 1, got 0"):
        with open_executor(0):
            pass
