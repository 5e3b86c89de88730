"""Start and stop the what-if page: the run queue on the executor seam, the Dash app, and
a werkzeug WSGI server on ``host:port`` (127.0.0.1 unless told otherwise)."""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from landbridge.errors import Problem, UsageError

__all__ = ["Server", "running_server", "serve"]


@dataclass
class Server:
    """A running page: its ``url``, the WSGI server and the run queue."""

    url: str
    wsgi: object
    jobs: object

    def stop(self) -> None:
        """Stop serving, cancel queued runs and stop the worker processes."""
        self.wsgi.shutdown()  # type: ignore[attr-defined]
        self.jobs.shutdown()  # type: ignore[attr-defined]


@contextlib.contextmanager
def running_server(host: str = "127.0.0.1", port: int = 8050, store: str | Path | None = None,
                   workers: int = 2, max_pending: int | None = None,
                   announce: Callable[[str], None] | None = None) -> Iterator[Server]:
    """Open the run queue and the web server; on exit stop both (the block runs while
    the server serves in a background thread; :func:`serve` serves in the foreground).

    Parameters
    ----------
    host, port : str, int
        Where to listen (port 0: any free port; see ``Server.url``).
    store : str or Path, optional
        The results store (default ``runs/landbridge.duckdb``); run directories go
        beside it, the page's what-if files into ``<store dir>/serve/whatifs``.
    workers : int
        Worker processes for runs (1: in this process).
    max_pending : int, optional
        Runs queued or running at most (default ``LIMITS["queued_runs"]``).

    Raises
    ------
    UsageError
        The port is taken or the address cannot be bound; ``workers`` < 1.
    """
    from werkzeug.serving import make_server

    from landbridge.runners import open_executor
    from landbridge.store import DEFAULT_STORE, ResultsStore
    from landbridge.web.app import create_app
    from landbridge.web.jobs import JobQueue
    from landbridge.web.whatif import LIMITS

    if workers < 1:
        raise UsageError([Problem("<serve>", "workers", "", f"expected at least 1, got {workers}")])
    store_path = Path(store) if store is not None else DEFAULT_STORE
    existing = ResultsStore(store_path)
    if existing.path.exists():  # a damaged or foreign store fails now, not on the page
        existing.runs()
    runs_root = store_path.parent
    work_dir = runs_root / "serve"
    with open_executor(workers) as info:
        jobs = JobQueue(info.executor, store_path, runs_root, work_dir,
                        max_pending=max_pending or LIMITS["queued_runs"]).start()
        try:
            app = create_app(jobs, store_path, work_dir)
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
            try:
                wsgi = make_server(host, port, app.server, threaded=True)
            except OSError as exc:
                raise UsageError([Problem("<serve>", "port", "",
                                          f"cannot listen on {host}:{port}: "
                                          f"{exc.strerror or exc}")]) from None
            shown_host = f"[{host}]" if ":" in host else host
            server = Server(url=f"http://{shown_host}:{wsgi.server_port}/", wsgi=wsgi,
                            jobs=jobs)
            thread = threading.Thread(target=wsgi.serve_forever, name="landbridge-http",
                                      daemon=True)
            thread.start()
            try:
                if announce is not None:
                    announce(server.url)
                yield server
            finally:
                wsgi.shutdown()
                thread.join(10)
                wsgi.server_close()
        finally:
            jobs.shutdown()


def serve(host: str = "127.0.0.1", port: int = 8050, store: str | Path | None = None,
          workers: int = 2, announce: Callable[[str], None] | None = None) -> None:
    """Serve the what-if page until interrupted (Ctrl-C, or SIGTERM mapped to it by the
    command line); then stop the runs and worker processes and return.

    Parameters
    ----------
    host, port, store, workers, announce
        See :func:`running_server`.
    """
    stop = threading.Event()
    try:
        with running_server(host, port, store, workers, announce=announce):
            while not stop.wait(0.5):
                pass
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the context has stopped everything
        pass
