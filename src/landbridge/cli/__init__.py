"""The `landbridge` command (typer). Thin: parse, call the library, map errors."""

from __future__ import annotations

import typer

from landbridge.cli import plan_cmd, plot_cmd, runs_cmd, serve_cmd, simulate_cmd, sweep_cmd
from landbridge.cli.network_cmd import network_app, route
from landbridge.cli import validate_cmd

app = typer.Typer(
    name="landbridge",
    help="Simulator and capacity planner for the China–Europe overland freight corridors "
         "through Kazakhstan.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: typer's rich help costs ~0.4 s of start-up (issue 13)
)
app.command("route")(route)
app.add_typer(network_app, name="network")
validate_cmd.register(app)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"landbridge {version('landbridge')}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version,
                                       is_eager=True, help="Print the version and exit.")
          ) -> None:
    """Simulator and capacity planner for the China–Europe overland freight corridors
    through Kazakhstan."""


for _module in (simulate_cmd, runs_cmd, plan_cmd, sweep_cmd, serve_cmd, plot_cmd):
    _module.register(app)


def _plain_help(t: typer.Typer) -> None:
    for group in t.registered_groups:
        group.typer_instance.rich_markup_mode = None
        _plain_help(group.typer_instance)


_plain_help(app)


def main() -> None:
    """Entry point of the console script.

    Ctrl-C (SIGINT) and SIGTERM go through :func:`landbridge.interrupts.handle_signal`:
    the interrupt is recorded before it is raised, so one that Python discards (it
    landed in a weakref callback or a ``__del__``) is raised again at the next safe
    point of the run (after each replication, before writing, recording, reporting).
    An interrupted command exits 130 with ``interrupted`` and removes its partial
    output; one that still ended normally after an interrupt exits 130 too, never 0
    (``serve``, stopped by Ctrl-C as intended, clears the interrupt and exits 0)."""
    import signal

    from landbridge import interrupts

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    interrupts.install()
    try:
        app()
    except SystemExit as exc:
        if exc.code not in (0, None) or not interrupts.requested():
            raise
    finally:  # a caller of main() in-process (tests) gets its handlers back
        signal.signal(signal.SIGINT, before[0])
        signal.signal(signal.SIGTERM, before[1])
    if interrupts.requested():
        from landbridge.cli._common import err

        err.print("interrupted", markup=False)
        raise SystemExit(130)
