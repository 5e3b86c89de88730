"""Re-formation points: where the train-length limit drops, boxes change train.

A train arriving at the end of its piece (not its destination) is dissolved: each lot
goes into the buffer of its *next* piece (same start, end and links, whichever
service it belongs to), first in, first out. As soon as a buffer holds a full train of
the next piece's length, an onward train is formed from its oldest boxes (a lot may be
split over two trains). Leftover boxes wait for the next train's worth to arrive, from
any service: consolidation, as container terminals at gauge and length changes
(Małaszewicze, Irún) do.

With a holding limit (``max_hold_h``, the scenario's ``reformation`` policy) a buffer
also sends what it holds as a *partial* (short) train once its oldest box has waited
``max_hold_h``. Each buffer has at most one timer pending: it is started when the
buffer becomes non-empty, set to the oldest box's deadline, and on firing either
forms the partial train (the deadline has come), sleeps again until the new oldest
box's deadline (a full train took the old oldest meanwhile), or ends (the buffer is
empty). No random draws: the same scenario and seed give the same events.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Callable

import simpy

from landbridge.simulation.kinds import TrainState
from landbridge.simulation.train import Lot, Train

__all__ = ["ReformationPoint", "ReformationStat"]


@dataclass(frozen=True)
class ReformationStat:
    """What happened at one re-formation point over a replication: TEU in and out,
    the mean and largest dwell of the boxes that left (hours, TEU-weighted mean) and
    the TEU still waiting at the end; ``trains_partial`` counts the short trains sent
    because a box had waited ``max_hold_h``."""

    node: str
    teu_in: float
    teu_out: float
    dwell_mean_h: float | None
    dwell_max_h: float | None
    teu_left: float
    trains_partial: int = 0


class _Buffer:
    __slots__ = ("lots", "containers", "timer")

    def __init__(self):
        self.lots: deque[Lot] = deque()
        self.containers = 0
        self.timer = False  # a holding timer is pending


class ReformationPoint:
    """The re-formation buffers at ``node``.

    Parameters
    ----------
    env : simpy.Environment
    node : str
    teu_per_container : float
    record : callable
        ``record(train, event, node, where)``.
    launch : callable
        ``launch(train)`` starts an onward train's process.
    max_hold_h : float or None
        Longest wait of a box in a buffer (hours) before what the buffer holds leaves
        as a partial train; None (default) waits for a full train however long.

    Raises
    ------
    ValueError
        If ``max_hold_h`` is not a positive finite number.
    """

    def __init__(self, env: simpy.Environment, node: str, teu_per_container: float,
                 record, launch: Callable[[Train], None], max_hold_h: float | None = None):
        if max_hold_h is not None and not 0 < max_hold_h < float("inf"):
            raise ValueError(f"re-formation point {node}: max_hold_h must be a positive "
                             f"number of hours; got {max_hold_h!r}")
        self.env = env
        self.max_hold_h = max_hold_h
        self.trains_partial = 0
        self.node = node
        self._teu = teu_per_container
        self._record = record
        self._launch = launch
        self._buffers: dict[tuple, _Buffer] = {}
        self._formed = 0
        self.containers_in = 0
        self.containers_out = 0
        self.container_hours = 0.0
        self.dwell_max_h: float | None = None

    @property
    def containers_waiting(self) -> int:
        """Boxes in the buffers now."""
        return sum(b.containers for b in self._buffers.values())

    def receive(self, train: Train) -> None:
        """Dissolve ``train`` here and form every full onward train the buffers hold."""
        now = self.env.now
        train.state = TrainState.reformed
        self._record(train, "reform_in", self.node, "")
        touched: dict[tuple, tuple] = {}
        for lot in train.lots:
            lot.piece += 1
            lot.since_h = now
            piece = lot.route.pieces[lot.piece]
            buf = self._buffers.get(piece.key)
            if buf is None:
                buf = self._buffers[piece.key] = _Buffer()
            buf.lots.append(lot)
            buf.containers += lot.containers
            self.containers_in += lot.containers
            touched.setdefault(piece.key, (piece, buf))
        train.lots = []
        for piece, buf in touched.values():
            self._form(piece, buf)
            if self.max_hold_h is not None and buf.containers and not buf.timer:
                buf.timer = True
                self.env.process(self._hold(piece, buf))

    def _hold(self, piece, buf: _Buffer):
        """The buffer's one holding timer: sleep until the oldest box's deadline, then
        send a partial train, or sleep on if a full train took that box meanwhile."""
        hold = self.max_hold_h
        while buf.containers:
            wait = buf.lots[0].since_h + hold - self.env.now
            if wait > 1e-9:
                yield self.env.timeout(wait)
                continue
            self.trains_partial += 1
            self._form(piece, buf, buf.containers)
        buf.timer = False

    def _form(self, piece, buf: _Buffer, partial: int = 0) -> None:
        """Form every full train the buffer holds, or (``partial`` > 0) one train of
        ``partial`` boxes."""
        limit = piece.max_containers
        now = self.env.now
        while buf.containers >= limit or partial:
            need = partial or limit
            size = need
            partial = 0
            lots: list[Lot] = []
            while need:
                head = buf.lots[0]
                if head.containers <= need:
                    buf.lots.popleft()
                    lots.append(head)
                    need -= head.containers
                else:
                    lots.append(head.split(need))
                    need = 0
            buf.containers -= size
            self.containers_out += size
            for lot in lots:
                dwell = now - lot.since_h
                self.container_hours += dwell * lot.containers
                if self.dwell_max_h is None or dwell > self.dwell_max_h:
                    self.dwell_max_h = dwell
            self._formed += 1
            train = Train(id=f"R-{self.node}-{self._formed:04d}", lots=lots, piece=piece,
                          node=self.node, teu_per_container=self._teu)
            self._record(train, "reform_out", self.node, "")
            self._launch(train)

    def stat(self) -> ReformationStat:
        """The point's figures so far."""
        out = self.containers_out
        return ReformationStat(
            node=self.node, teu_in=self.containers_in * self._teu,
            teu_out=out * self._teu,
            dwell_mean_h=self.container_hours / out if out else None,
            dwell_max_h=self.dwell_max_h,
            teu_left=self.containers_waiting * self._teu,
            trains_partial=self.trains_partial)
