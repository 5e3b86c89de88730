"""Worker set-up for the Dask LocalCluster that ``open_executor(scheduler="local")``
starts: its worker processes die with this process.

Imported only when such a cluster is started (it imports ``distributed``), so the
command line's start-up stays light.
"""

from __future__ import annotations

from distributed import WorkerPlugin

__all__ = ["DieWithParent"]


class DieWithParent(WorkerPlugin):
    """Run :func:`landbridge.runners.executors.worker_init` in every worker process of
    the cluster, also in one the nanny restarts: Ctrl-C is ignored there (the parent
    handles it) and the kernel kills the worker when the process that started the
    cluster dies, even by SIGKILL (``PR_SET_PDEATHSIG``; Dask's own parent-alive pipe
    needs the worker's Python to run).

    Parameters
    ----------
    parent_pid : int
        The process that started the cluster (its nanny starts the workers).
    """

    name = "landbridge-die-with-parent"

    def __init__(self, parent_pid: int):
        self.parent_pid = parent_pid

    def setup(self, worker) -> None:  # noqa: D102 - WorkerPlugin hook
        from landbridge.runners.executors import worker_init

        worker_init(self.parent_pid)  # exits at once if that process is already gone
