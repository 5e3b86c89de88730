"""`landbridge serve`: the what-if page in the browser (Dash, imported only here)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from landbridge.cli._common import err, handle_errors, out


def serve(
    port: int = typer.Option(8050, "--port", min=0, max=65535,
                             help="Port to listen on (0: any free port)."),
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Address to listen on; the default serves this machine "
                                  "only. Anything else lets others on the network run "
                                  "simulations here."),
    store: Optional[Path] = typer.Option(None, "--store",
                                         help="Results store (DuckDB file); default "
                                              "runs/landbridge.duckdb. Run directories go "
                                              "beside it."),
    workers: int = typer.Option(2, "--workers", min=1, max=64,
                                help="Worker processes running the page's simulations."),
) -> None:
    """Serve the interactive what-if page (levers, runs, results) at http://HOST:PORT/."""
    _serve(port, host, store, workers)


@handle_errors
def _serve(port: int, host: str, store: Optional[Path], workers: int) -> None:
    from landbridge.errors import Problem, UsageError
    from landbridge.web import serve as run_server

    def announce(url: str) -> None:
        # called once the address is bound: a host that does not resolve or bind is a
        # usage error (exit 2) before anything is printed
        if host not in ("127.0.0.1", "localhost", "::1"):
            err.print(f"note: listening on {host}: anyone who reaches this address can run "
                      "simulations on this machine", markup=False)
        out.print(f"landbridge what-if page: {url}  (Ctrl-C to stop)", markup=False)

    try:
        run_server(host=host, port=port, store=store, workers=workers, announce=announce)
    except UsageError as exc:  # the library names its parameters; name the options here
        raise UsageError([Problem("<command line>", f"--{p.item}", p.field, p.message)
                          if p.file == "<serve>" else p for p in exc.problems]) from None
    err.print("stopped", markup=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
