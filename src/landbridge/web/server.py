"""Start and stop the what-if page: the run queue on the executor seam, the Dash app, and
a werkzeug WSGI server on ``host:port`` (127.0.0.1 unless told otherwise)."""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from landbridge.errors import Problem, UsageError

__all__ = ["Server", "running_server", "serve", "listen_socket"]

_LISTEN_BACKLOG = 128  # werkzeug's LISTEN_QUEUE


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


def listen_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` and listening, for the page's server.

    Binding comes first, before any worker process starts or anything is printed, so a
    host that does not resolve or is not an address of this machine, or a port in use,
    is one clear error. The address family is the one werkzeug picks for ``host``
    (IPv6 when it contains a colon).

    Parameters
    ----------
    host : str
        A host name or IP address of this machine.
    port : int
        TCP port, 0 to 65535 (0: any free port).

    Returns
    -------
    socket.socket
        Bound and listening; the caller closes it.

    Raises
    ------
    UsageError
        Naming ``host`` (does not resolve, not an address here) or ``port`` (in use,
        not allowed, out of range) with the system's reason.
    """
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise UsageError([Problem("<serve>", "port", "",
                                  f"expected a TCP port from 0 to 65535; found {port!r}")])
    if not host or not host.strip() or "://" in host or "/" in host:
        raise UsageError([Problem("<serve>", "host", "",
                                  "expected a host name or IP address of this machine "
                                  f"(e.g. 127.0.0.1, or 0.0.0.0 for every address); found "
                                  f"{host!r}")])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM,
                                   socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) and exc.strerror else exc
        raise UsageError([Problem("<serve>", "host", "",
                                  f"{host!r} does not resolve to an "
                                  f"{'IPv6' if family == socket.AF_INET6 else 'IPv4'} "
                                  f"address ({reason}); give a host name or IP address of "
                                  "this machine, e.g. 127.0.0.1")]) from None
    address = infos[0][4]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug does
        sock.bind(address)
        sock.listen(_LISTEN_BACKLOG)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        if exc.errno == errno.EADDRINUSE:
            raise UsageError([Problem("<serve>", "port", "",
                                      f"port {port} on {host} is in use by another program "
                                      f"({reason}); give another port, or 0 for any free "
                                      "one")]) from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise UsageError([Problem("<serve>", "port", "",
                                      f"not allowed to listen on port {port} ({reason}); "
                                      "ports below 1024 need privileges, give one above")]
                             ) from None
        shown = host if address[0] == host else f"{host} ({address[0]})"
        raise UsageError([Problem("<serve>", "host", "",
                                  f"cannot listen on {shown} port {port}: "
                                  f"{reason}; give an address of this machine, e.g. "
                                  "127.0.0.1")]) from None
    return sock


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
        The host does not resolve or is not an address here, the port is taken
        (:func:`listen_socket`); ``workers`` < 1. Raised before any worker starts.
    """
    if workers < 1:
        raise UsageError([Problem("<serve>", "workers", "", f"expected at least 1, got {workers}")])
    listener = listen_socket(host, port)  # before anything starts: a bad address fails now
    try:
        with _serving(listener, host, store, workers, max_pending, announce) as server:
            yield server
    finally:
        listener.close()


@contextlib.contextmanager
def _serving(listener: socket.socket, host: str, store: str | Path | None, workers: int,
             max_pending: int | None, announce: Callable[[str], None] | None
             ) -> Iterator[Server]:
    from werkzeug.serving import make_server

    from landbridge.runners import open_executor
    from landbridge.store import DEFAULT_STORE, ResultsStore
    from landbridge.web.app import create_app
    from landbridge.web.jobs import JobQueue
    from landbridge.web.whatif import LIMITS

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
            # on the socket bound above (werkzeug's own bind would sys.exit(1) on failure)
            wsgi = make_server(host, listener.getsockname()[1], app.server, threaded=True,
                               fd=listener.fileno())
            shown_host = f"[{host}]" if ":" in host else host
            server = Server(url=f"http://{shown_host}:{wsgi.port}/", wsgi=wsgi,
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
        from landbridge import interrupts

        interrupts.clear()  # the intended way to stop serving: not an interrupted command
