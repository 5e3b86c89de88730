"""A ferry route in one direction behind its approach gate.

Trains are sent towards the departure port only while the projected number waiting
there — from arrival at the port until they board, outside or in the port's rail yard
— fits the room (approach sidings, the port's yard, the standing room of the line
leading to it); beyond it they are held upstream, as at a border crossing
(:mod:`~landbridge.simulation.approach`). The port and ferry stages themselves are
:class:`~landbridge.simulation.ferry.FerryCrossing`'s.
"""

from __future__ import annotations

from typing import Iterator

import simpy

from landbridge.simulation.approach import ApproachGate
from landbridge.simulation.disruptions import Disruptions
from landbridge.simulation.ferry import FerryCrossing
from landbridge.simulation.train import Train

__all__ = ["FerryStop"]


class FerryStop:
    """``ferry`` with an approach gate.

    Parameters
    ----------
    env : simpy.Environment
    ferry : FerryCrossing
        Built with ``record=None``: this object records its events (it watches
        ``ferry_board`` to let the next train be sent).
    room_trains : int
        Trains that may wait at the port.
    trains_per_h : float
        Trains the ferry carries per hour (sailings × trains per sailing).
    disruptions : Disruptions
    record : callable
        ``record(train, event, node, where)`` — the event log.
    """

    def __init__(self, env: simpy.Environment, ferry: FerryCrossing, room_trains: int,
                 trains_per_h: float, disruptions: Disruptions, record):
        link_id = ferry.link_id
        self.id = link_id
        self.target = ("link", link_id)
        self.gate = ApproachGate(
            env, room_trains, lambda t: trains_per_h,
            lambda t: disruptions.closed_until("link", link_id, t),
            [t for w in disruptions.closures("link", link_id) for t in w])
        self._rec = record
        self.ferry = ferry
        ferry.record = self._record

    def _record(self, train, event: str, node: str, where: str | None = "") -> None:
        if event == "ferry_board" and train.admission is self.gate:
            train.admission = None
            self.gate.accepted()
        self._rec(train, event, node, where)

    def carry(self, train: Train) -> Iterator[simpy.Event]:
        """Take ``train`` across (a process body): it joins the port's queue, then the
        ferry component does the rest."""
        if train.admission is self.gate:
            self.gate.arrived(train)
        yield from self.ferry.carry(train)
