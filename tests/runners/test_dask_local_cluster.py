"""The Dask LocalCluster of ``open_executor(scheduler="local")`` (``sweep --scheduler
local``) lives exactly as long as the ``with`` block: it is closed and its worker
processes are gone after the block, also when the block or the client's start fails,
and each worker is killed by the kernel if this process dies (stop-15 'left' item).
No timing: the checks read the cluster's status and /proc after the block returns."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

import pytest

from landbridge.runners.executors import open_executor

distributed = pytest.importorskip("distributed")
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses prctl, /proc")

PR_GET_PDEATHSIG = 2  # <linux/prctl.h>


def _pdeathsig() -> int:
    """The parent-death signal of the calling thread (0: none)."""
    value = ctypes.c_int(0)
    ctypes.CDLL(None, use_errno=True).prctl(PR_GET_PDEATHSIG, ctypes.byref(value), 0, 0, 0)
    return value.value


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


class Boom(Exception):
    pass


@linux
def test_local_cluster_workers_die_with_us_and_are_gone_after_the_block():
    with pytest.raises(Boom):
        with open_executor(2, "local") as info:
            client = distributed.default_client()
            cluster = client.cluster
            assert info.kind == "dask" and info.slots == 2
            pids = client.run(os.getpid)
            assert len(pids) == 2 and all(p != os.getpid() for p in pids.values())
            # run in each worker's main thread: SIGKILL when this process dies
            assert set(client.run(_pdeathsig).values()) == {signal.SIGKILL}
            assert set(client.run(os.getppid).values()) == {os.getpid()}
            assert info.executor.submit(sum, [1, 2, 3]).result() == 6
            raise Boom  # leaving by an exception closes everything too
    assert cluster.status == distributed.core.Status.closed
    assert client.status == "closed"
    assert [p for p in pids.values() if _running(p)] == []


def test_a_client_that_fails_to_start_closes_the_cluster(monkeypatch):
    started = []

    class Recorded(distributed.LocalCluster):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    def refuse(*args, **kwargs):
        raise RuntimeError("no client today")  # not a connection error: passed on as is

    monkeypatch.setattr(distributed, "LocalCluster", Recorded)
    monkeypatch.setattr(distributed, "Client", refuse)
    with pytest.raises(RuntimeError, match="no client today"):
        with open_executor(1, "local"):
            pass  # pragma: no cover - not reached
    (cluster,) = started
    assert cluster.status == distributed.core.Status.closed
