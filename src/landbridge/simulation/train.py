"""Trains and the consignments ("lots") they carry.

A lot is a service's boxes of one departure that travel together: it keeps its
service, departure, dispatch time and corridor however often it changes train, so
transit times per origin–destination, service and corridor stay exact under
consolidation. A train is mutable simulation state, not a record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from landbridge.simulation.kinds import TrainState

if TYPE_CHECKING:  # pragma: no cover
    from landbridge.simulation.approach import ApproachGate
    from landbridge.simulation.crossing import CrossingSide
    from landbridge.simulation.segments import Piece, ServiceRoute

__all__ = ["Lot", "Train"]


@dataclass(slots=True, eq=False)
class Lot:
    """``containers`` boxes of departure ``departure`` (1-based) of ``route.service``,
    dispatched at ``dispatch_h``, now on piece ``piece`` of ``route``; ``since_h`` is
    when they entered the current re-formation buffer."""

    route: "ServiceRoute"
    departure: int
    dispatch_h: float
    containers: int
    piece: int = 0
    since_h: float = 0.0

    def split(self, containers: int) -> "Lot":
        """Take ``containers`` boxes off this lot as a new lot (same identity)."""
        self.containers -= containers
        return Lot(self.route, self.departure, self.dispatch_h, containers, self.piece,
                   self.since_h)


@dataclass(slots=True, eq=False)
class Train:
    """A block train running ``piece`` with ``lots`` on board.

    ``service``, ``departure``, ``dispatch_h`` and ``corridor`` label the train in the
    event log (those of its first lot; ``label`` is the event log's tuple of them, with
    the id and TEU, renewed by :meth:`relabel`); ``yard`` is the crossing side whose
    receiving-yard track it keeps until it may move on (back-pressure); ``admission``
    the approach gate of the crossing it was sent towards (until it is accepted there)
    and ``eta_h`` its expected arrival; ``seg`` the index of the segment it is on."""

    id: str
    lots: list[Lot]
    piece: "Piece"
    node: str
    teu_per_container: float
    state: TrainState = TrainState.running
    seg: int = 0
    containers: int = 0
    teu: float = 0.0
    service: str = ""
    departure: int = 0
    dispatch_h: float = 0.0
    corridor: str = ""
    at_origin: bool = False
    diverted: bool = False
    yard: "CrossingSide | None" = None
    admission: "ApproachGate | None" = None
    eta_h: float = 0.0
    label: tuple = ()

    def __post_init__(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        """Recompute load and labels from the lots."""
        lots = self.lots
        self.containers = lots[0].containers if len(lots) == 1 else \
            sum(lot.containers for lot in lots)
        self.teu = self.containers * self.teu_per_container
        first = lots[0]
        self.service = first.route.service
        self.departure = first.departure
        self.dispatch_h = first.dispatch_h
        self.corridor = first.route.corridor
        self.label = (self.id, self.service, self.teu, self.dispatch_h, self.corridor,
                      self.departure)

    def release_yard(self) -> None:
        """Give back the yard track kept at the last crossing, if any."""
        side = self.yard
        if side is not None:
            self.yard = None
            side.release_yard()
