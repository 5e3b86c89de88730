"""Shared helpers of the command line: error mapping, consoles, JSON output."""

from __future__ import annotations

import functools
import json
import shlex
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import typer
from rich.console import Console

from landbridge.errors import (
    InputError,
    InvariantError,
    LandbridgeError,
    NoAnswerError,
    StoreError,
    UnknownNameError,
)
from landbridge.interrupts import RunInterrupted

F = TypeVar("F", bound=Callable[..., Any])

# piped or redirected output keeps whole table rows (rich would assume 80 columns)
out = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def Table(*args: Any, **kwargs: Any):  # noqa: N802 - stands in for rich.table.Table
    """A rich Table, imported when the first table is printed (keeps start-up light)."""
    from rich.table import Table as _Table

    return _Table(*args, **kwargs)

EXIT_INPUT = 2
EXIT_NO_ANSWER = 3
EXIT_STORE = 4
EXIT_INVARIANT = 5


def handle_errors(fn: F) -> F:
    """Map landbridge errors to a clear message on stderr and an exit code:
    2 bad input, 3 no answer, 4 results store, 5 broken invariant (a defect)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            err.print(f"[bold red]error:[/] {len(exc.problems)} problem"
                      f"{'s' if len(exc.problems) != 1 else ''} in the {exc.kind}:",
                      markup=True)
            for p in exc.problems:
                err.print(f"  - {p}", markup=False)
            raise typer.Exit(EXIT_INPUT)
        except UnknownNameError as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True)
            raise typer.Exit(EXIT_INPUT)
        except NoAnswerError as exc:
            err.print(f"[bold red]no answer:[/] {exc}", markup=True)
            raise typer.Exit(EXIT_NO_ANSWER)
        except StoreError as exc:
            err.print(f"[bold red]results store:[/] {exc}", markup=True)
            raise typer.Exit(EXIT_STORE)
        except InvariantError as exc:
            err.print(f"[bold red]invariant violated (a defect, please report):[/] {exc}",
                      markup=True)
            raise typer.Exit(EXIT_INVARIANT)
        except LandbridgeError as exc:  # pragma: no cover - every subclass handled above
            err.print(f"[bold red]error:[/] {exc}", markup=True)
            raise typer.Exit(1)
        except KeyboardInterrupt as exc:
            note = interrupted_note(exc) if isinstance(exc, RunInterrupted) \
                else (str(exc.args[0]) if exc.args else "")
            err.print("interrupted" + (f": {note}" if note else ""), markup=False)
            raise typer.Exit(130)

    return wrapper  # type: ignore[return-value]


def interrupted_note(exc: RunInterrupted, store: str | Path | None = None,
                     report_flags: str = "") -> str:
    """What an interrupt after the run directory was written leaves, and the commands
    that finish the job (``landbridge runs add``, ``landbridge report``).

    Parameters
    ----------
    exc : RunInterrupted
    store : str or Path, optional
        The ``--store`` given (repeated in the commands).
    report_flags : str
        Options for ``landbridge report`` (e.g. `` --baseline restored``).
    """
    st = f" --store {shlex.quote(str(store))}" if store is not None else ""
    where = shlex.quote(str(exc.run_dir))
    report = (f"landbridge report {shlex.quote(exc.run_id) if exc.run_id else where}"
              f"{report_flags}{st}")
    if exc.run_id is not None:
        text = f"the run is stored as {exc.run_id} in {exc.run_dir}"
    elif exc.store:
        text = (f"the run directory {exc.run_dir} was written completely but not recorded "
                f"in the results store; record it with `landbridge runs add {where}{st}`")
    else:
        text = f"the run directory {exc.run_dir} was written completely"
    if exc.report_missing:
        text += f"; its report was not written: write it with `{report}`"
    return text


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to stdout (keys in insertion order)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
