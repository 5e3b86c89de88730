"""The `landbridge` command (typer). Thin: parse, call the library, map errors."""

from __future__ import annotations

import typer

from landbridge.cli.network_cmd import network_app, route

app = typer.Typer(
    name="landbridge",
    help="Simulator and capacity planner for the China–Europe overland freight corridors "
         "through Kazakhstan.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("route")(route)
app.add_typer(network_app, name="network")


def _register_optional() -> None:
    """Attach the command groups of the other packages (each in its own module)."""
    import importlib

    for module, attr in (
        ("landbridge.cli.simulate_cmd", "register"),
        ("landbridge.cli.runs_cmd", "register"),
        ("landbridge.cli.plan_cmd", "register"),
        ("landbridge.cli.sweep_cmd", "register"),
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        getattr(mod, attr)(app)


_register_optional()


def _sigterm(signum, frame):  # pragma: no cover - exercised by killing the process
    raise KeyboardInterrupt


def main() -> None:
    """Entry point of the console script. SIGTERM is treated like Ctrl-C, so a
    terminated run removes its partial output and exits with 130."""
    import signal

    signal.signal(signal.SIGTERM, _sigterm)
    app()
