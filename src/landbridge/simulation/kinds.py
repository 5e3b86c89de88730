"""Enumerations of the simulation: segment kinds and train states.

Both are ``str`` enums, so a value compares equal to its name and is written to the
event log and the end state as plain text.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["SegmentKind", "TrainState"]


class SegmentKind(str, Enum):
    """What a piece of a route is: consecutive line sections, a border crossing point
    or a ferry crossing (ports included)."""

    run = "run"
    crossing = "crossing"
    ferry = "ferry"


class TrainState(str, Enum):
    """Where a train stands, for the end-of-run accounting.

    ``unshipped``: formed at its origin terminal but held there (its boxes have not
    left); ``held``: held on the way, in a crossing's yard or at a re-formation point,
    for room downstream; ``waiting``: queued at a crossing or a port; ``running``: on
    a line or a ship; ``delivered`` and ``reformed`` (its boxes went to a re-formation
    buffer) end a train.
    """

    running = "running"
    waiting = "waiting"
    held = "held"
    unshipped = "unshipped"
    delivered = "delivered"
    reformed = "reformed"
