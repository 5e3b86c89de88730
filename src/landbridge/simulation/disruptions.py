"""Disruptions of one replication as a frozen value object.

A scenario's disruption windows (closures, capacity and duration scaling) and its
random failures (closures drawn from MTBF/MTTR) are expanded once, at the start of a
replication, into windows per target. A node target closes the crossings at that node,
the links touching it and, for a terminal, its dispatches.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

from landbridge.network.model import Network

__all__ = ["Disruptions"]

Window = tuple[float, float]


def _merge(windows) -> tuple[Window, ...]:
    out: list[list[float]] = []
    for s, e in sorted(windows):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


@dataclass(frozen=True)
class Disruptions:
    """Closure and scaling windows by target, on the simulation clock (hours).

    ``closed``: (target_type, id) → merged closure windows, sorted;
    ``scales``: (kind, target_type, id) → (start_h, end_h, factor) windows, where
    ``kind`` is ``capacity_scale`` or ``duration_scale``;
    ``directed``: (kind, target_type, id, direction) → the same, for windows on one
    side of a crossing only (``direction`` ``a_to_b`` or ``b_to_a``).
    Build it with :meth:`build`.
    """

    closed: Mapping[tuple[str, str], tuple[Window, ...]] = field(default_factory=dict)
    scales: Mapping[tuple[str, str, str], tuple[tuple[float, float, float], ...]] = field(
        default_factory=dict)
    directed: Mapping[tuple[str, str, str, str], tuple[tuple[float, float, float], ...]] = \
        field(default_factory=dict)

    @classmethod
    def build(cls, network: Network, windows, failures, horizon_h: float,
              rng_for: Callable[[str], np.random.Generator]) -> "Disruptions":
        """Expand compiled windows and failures.

        Parameters
        ----------
        network : Network
        windows : iterable of WindowEffect
            ``kind``, ``target_type``, ``target``, ``start_h``, ``end_h``, ``factor`` and
            ``direction`` (None: both directions).
        failures : iterable of (target_type, target, mtbf_h, mttr_h)
            Random failures: up times and repairs exponential (means in hours), drawn
            from the stream ``failure:<target_type>:<target>``.
        horizon_h : float
        rng_for : callable
            Stream by name (:class:`~landbridge.simulation.streams.Streams`).
        """
        closed: dict[tuple[str, str], list[Window]] = {}
        scales: dict[tuple[str, str, str], list[tuple[float, float, float]]] = {}
        directed: dict[tuple[str, str, str, str], list[tuple[float, float, float]]] = {}
        for w in windows:
            direction = getattr(w, "direction", None)
            if direction is not None:  # one side of a crossing (checked when compiling)
                if w.kind == "closure":
                    raise ValueError(f"a closure has no direction ({w.target})")
                directed.setdefault((w.kind, w.target_type, w.target, direction), []).append(
                    (w.start_h, w.end_h, w.factor))
                continue
            for ttype, tid in _expand(network, w.target_type, w.target):
                if w.kind == "closure":
                    closed.setdefault((ttype, tid), []).append((w.start_h, w.end_h))
                else:
                    scales.setdefault((w.kind, ttype, tid), []).append(
                        (w.start_h, w.end_h, w.factor))
        for ttype, tid, mtbf, mttr in failures:
            rng = rng_for(f"failure:{ttype}:{tid}")
            drawn = []
            t = 0.0
            while True:
                t += float(rng.exponential(mtbf))
                if t >= horizon_h:
                    break
                d = float(rng.exponential(mttr))
                drawn.append((t, t + d))
                t += d
            for t2, i2 in _expand(network, ttype, tid):
                closed.setdefault((t2, i2), []).extend(drawn)
        return cls(closed=MappingProxyType({k: _merge(v) for k, v in closed.items()}),
                   scales=MappingProxyType({k: tuple(v) for k, v in scales.items()}),
                   directed=MappingProxyType({k: tuple(v) for k, v in directed.items()}))

    def closures(self, target_type: str, target_id: str) -> tuple[Window, ...]:
        """Merged closure windows of a target, sorted by start."""
        return self.closed.get((target_type, target_id), ())

    def is_closed(self, target_type: str, target_id: str, t_h: float) -> bool:
        """Whether the target is closed at ``t_h``."""
        return self.closed_until(target_type, target_id, t_h) > t_h

    def closed_until(self, target_type: str, target_id: str, t_h: float) -> float:
        """End of the closure containing ``t_h``, or ``t_h`` itself when open."""
        ws = self.closed.get((target_type, target_id))
        if not ws:
            return t_h
        i = bisect.bisect_right(ws, (t_h, float("inf"))) - 1
        if i >= 0 and ws[i][0] <= t_h < ws[i][1]:
            return ws[i][1]
        return t_h

    def has(self, kind: str, target_type: str, target_id: str,
            direction: str | None = None) -> bool:
        """Whether any ``kind`` window (``closure``, ``capacity_scale``,
        ``duration_scale``) applies to the target (with ``direction``, to that side of
        a crossing: its windows for both directions and those for that side)."""
        if kind == "closure":
            return (target_type, target_id) in self.closed
        return (kind, target_type, target_id) in self.scales or (
            direction is not None and (kind, target_type, target_id, direction) in self.directed)

    def windows(self, kind: str, target_type: str, target_id: str,
                direction: str | None = None) -> tuple[tuple[float, float, float], ...]:
        """The ``kind`` windows (start_h, end_h, factor) on the target: those for both
        directions and, with ``direction``, those for that side only."""
        both = self.scales.get((kind, target_type, target_id), ())
        if direction is None:
            return both
        return both + self.directed.get((kind, target_type, target_id, direction), ())

    def factor(self, kind: str, target_type: str, target_id: str, t_h: float,
               direction: str | None = None) -> float:
        """Product of the ``kind`` factors in force at ``t_h`` (1 when none); with
        ``direction`` (``a_to_b``/``b_to_a``), a crossing side's own windows count too,
        without it only the windows for both directions."""
        f = 1.0
        for s, e, k in self.windows(kind, target_type, target_id, direction):
            if s <= t_h < e:
                f *= k
        return f

    def mean_capacity_factor(self, target_type: str, target_id: str, horizon_h: float, *,
                             capacity: bool = True, duration: bool = True,
                             direction: str | None = None) -> float:
        """Time average over ``[0, horizon_h)`` of open × capacity factor / duration
        factor (either factor left out on request): the share of its static capacity
        the target (with ``direction``, that side of a crossing) offers over the run."""
        if horizon_h <= 0:
            return 1.0
        cuts = {0.0, horizon_h}
        for s, e in self.closures(target_type, target_id):
            cuts.update((s, e))
        for kind in ("capacity_scale", "duration_scale"):
            for s, e, _ in self.windows(kind, target_type, target_id, direction):
                cuts.update((s, e))
        pts = sorted(c for c in cuts if 0.0 <= c <= horizon_h)
        total = 0.0
        for a, b in zip(pts, pts[1:]):
            m = (a + b) / 2.0
            if self.is_closed(target_type, target_id, m):
                continue
            f = 1.0
            if capacity:
                f *= self.factor("capacity_scale", target_type, target_id, m, direction)
            if duration:
                f /= self.factor("duration_scale", target_type, target_id, m, direction)
            total += (b - a) * f
        return total / horizon_h


def _expand(network: Network, ttype: str, tid: str) -> list[tuple[str, str]]:
    if ttype != "node":
        return [(ttype, tid)]
    out = [("node", tid)]
    for c in network.crossings.values():
        if tid in (c.station_a, c.station_b):
            out.append(("crossing", c.id))
    for link in network.links.values():
        if tid in (link.from_node, link.to_node):
            out.append(("link", link.id))
    return out
