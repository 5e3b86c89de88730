"""The exception tree of landbridge.

Two families, as in networkx (``NetworkXError`` vs ``NetworkXUnfeasible``):

* :class:`InputError` — the input is wrong (a file, a field, a value). It carries
  every :class:`Problem` found, so a user fixes them all in one go.
* :class:`NoAnswerError` — the input is valid but the question has no answer
  (no route between two nodes, an infeasible plan).

:class:`InvariantError` is raised when a model invariant (conservation of TEU)
fails: a defect, never a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "LandbridgeError",
    "Problem",
    "InputError",
    "NetworkError",
    "ScenarioError",
    "SweepError",
    "UsageError",
    "UnknownNameError",
    "NoAnswerError",
    "NoRouteError",
    "InfeasiblePlanError",
    "InvariantError",
    "StoreError",
]


class LandbridgeError(Exception):
    """Base class of every error landbridge raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Attributes
    ----------
    file : str
        The file the problem is in (or ``"<scenario>"`` for in-memory input).
    item : str
        The item inside the file: a node id, ``services[3]``, a line number.
    field : str
        The field of the item, dotted (``properties.lat``); empty for the whole item.
    message : str
        What was found and what was expected.
    """

    file: str
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ".".join(x for x in (self.item, self.field) if x)
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


class InputError(LandbridgeError):
    """Bad input; ``problems`` lists every problem found, not only the first."""

    kind = "input"

    def __init__(self, problems: list[Problem]):
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the {self.kind}"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class NetworkError(InputError):
    """A network file is malformed or inconsistent."""

    kind = "network"


class ScenarioError(InputError):
    """A scenario (or sweep) file is malformed or inconsistent."""

    kind = "scenario"


class SweepError(ScenarioError):
    """A sweep file is malformed, or a point of it makes an invalid scenario."""

    kind = "sweep"


class UnknownNameError(LandbridgeError, LookupError):
    """A name (node, crossing, scenario, run) that is not known; the message
    suggests the closest known names."""


class UsageError(InputError):
    """A command-line value is wrong (an option, an output path)."""

    kind = "command line"


class NoAnswerError(LandbridgeError):
    """The input is valid but the question asked of it has no answer."""


class NoRouteError(NoAnswerError):
    """No path joins the two nodes with the allowed modes."""


class InfeasiblePlanError(NoAnswerError):
    """The LP has no feasible (or a bounded) solution.

    ``constraints`` names the constraints involved.
    """

    def __init__(self, message: str, constraints: list[str] | None = None):
        self.constraints = list(constraints or [])
        if self.constraints:
            message += " (constraints involved: " + ", ".join(self.constraints) + ")"
        super().__init__(message)


class InvariantError(LandbridgeError):
    """A model invariant does not hold (e.g. TEU conservation): a defect."""


class StoreError(LandbridgeError):
    """The results store is missing, locked, corrupt, or lacks the run asked for."""
