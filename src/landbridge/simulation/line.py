"""Line sections, used first come, first served at the section.

Each rail link has a capacity in trains per day per direction; a train may enter it
no earlier than the minimum headway (24 h / trains per day) after the previous train
entered in the same direction, and leaves it no earlier than that train left (no
overtaking inside a section). On single track the capacity is train *pairs* per day
(as single-track capacity is published, e.g. Dostyk–Aktogay's 12 pairs/day): both
directions share one headway of 24 h / (2 × pairs per day), so a direction may use
the paths the other leaves free. A train's use of a
section is decided when the train reaches it, so a train never waits for one that
reaches the section later.

Where no train joins — every train using a link comes from the previous link, all
double track — consecutive links form one :class:`LineChain`, entered first come,
first served at its first link: trains reach each later link of the chain in the order
they entered it (none overtakes, none joins; trains may leave at a junction), so
deciding the whole chain at its entry gives the same times as deciding link by link,
with one event instead of one per link.
"""

from __future__ import annotations

from typing import Callable, Iterator

import numpy as np
import simpy

from landbridge.network.distributions import Exponential, Fixed, LogNormal
from landbridge.network.model import Network
from landbridge.simulation.disruptions import Disruptions
from landbridge.simulation.kinds import TrainState
from landbridge.simulation.train import Train

__all__ = ["LineChain", "section_key", "batched_sampler"]


def section_key(network: Network, link_id: str, direction: str) -> tuple[str, str]:
    """The capacity a train uses on ``link_id``: per direction on double track,
    shared by both directions (``"both"``) on single track."""
    return (link_id, "both" if network.links[link_id].tracks == 1 else direction)


class LineChain:
    """Consecutive line sections entered first come, first served at the first one.

    Parameters
    ----------
    env : simpy.Environment
    network : Network
    links : sequence of (link_id, direction)
        The sections in the order travelled (``fwd``/``rev`` relative to the link).
    state : dict
        Section key → ``[next_entry_h, last_exit_h]``, shared by every chain of the
        replication (single-track sections are shared by both directions).
    draw : callable
        Zero-argument running-time factor sampler (the chain's own stream).
    disruptions : Disruptions
    record : callable
        ``record(train, event, node, where)`` — the event log.
    """

    __slots__ = ("env", "links", "_sections", "_state", "_draw", "_dis", "_record",
                 "_closures", "_scaled", "closed")

    def __init__(self, env: simpy.Environment, network: Network,
                 links: list[tuple[str, str]], state: dict, draw: Callable[[], float],
                 disruptions: Disruptions, record):
        self.env = env
        self.links = tuple(links)
        self._state = state
        self._draw = draw
        self._dis = disruptions
        self._record = record
        secs = []
        for lid, d in links:
            link = network.links[lid]
            key = section_key(network, lid, d)
            state.setdefault(key, [float("-inf"), float("-inf")])
            headway_h = link.min_headway_h / (2.0 if key[1] == "both" else 1.0)
            secs.append((lid, state[key], link.base_running_time_h, headway_h,
                         disruptions.has("capacity_scale", "link", lid)
                         or disruptions.has("duration_scale", "link", lid)))
        self._sections = tuple(secs)
        self._closures = tuple((i, lid, disruptions.closures("link", lid))
                               for i, (lid, _) in enumerate(links)
                               if disruptions.closures("link", lid))
        self._scaled = any(s[4] for s in secs)
        self.closed = bool(self._closures)  # see has_closures (a plain attribute: hot path)

    def _first_open_start(self, t: float) -> float:
        """Earliest start ``>= t`` at which no link of the chain is closed when the
        train reaches it (at uncontended running times)."""
        offsets = []
        acc = 0.0
        for _, _, base_h, _, _ in self._sections:
            offsets.append(acc)
            acc += base_h
        for _ in range(100000):
            moved = False
            for i, lid, windows in self._closures:
                a = t + offsets[i]
                b = a + self._sections[i][2]
                for s, e in windows:
                    if s < b and e > a:
                        t = e - offsets[i]
                        moved = True
                        break
                if moved:
                    break
            if not moved:
                return t
        raise RuntimeError("no opening found on a line chain")  # pragma: no cover

    @property
    def has_closures(self) -> bool:
        """Whether a closure window applies to a link of the chain (then use
        :meth:`traverse`; otherwise :meth:`exit_h` suffices)."""
        return bool(self._closures)

    def exit_h(self, t: float) -> float:
        """Enter the chain at ``t`` (first come, first served) and return when the
        train leaves its last link; updates the sections' state."""
        draw = self._draw
        if self._scaled:
            factor = self._dis.factor
            for lid, st, base_h, headway_h, scaled in self._sections:
                entry = t if t > st[0] else st[0]
                if scaled:
                    st[0] = entry + headway_h / factor("capacity_scale", "link", lid, entry)
                    t = entry + base_h * draw() * factor("duration_scale", "link", lid, entry)
                else:
                    st[0] = entry + headway_h
                    t = entry + base_h * draw()
                if t < st[1]:
                    t = st[1]
                st[1] = t
        else:
            for _, st, base_h, headway_h, _ in self._sections:
                entry = t if t > st[0] else st[0]
                st[0] = entry + headway_h
                t = entry + base_h * draw()
                if t < st[1]:
                    t = st[1]
                st[1] = t
        return t

    def traverse(self, train: Train) -> Iterator[simpy.Event]:
        """Run ``train`` through the chain (a SimPy process body), held at its node
        while a link would be closed when reached."""
        env = self.env
        now = env.now
        if self._closures:
            t0 = self._first_open_start(now)
            if t0 > now:
                train.state = TrainState.held
                self._record(train, "held", train.node, self.links[0][0])
                yield env.timeout(t0 - now)
                self._record(train, "released", train.node, self.links[0][0])
        train.state = TrainState.running
        yield env.timeout(self.exit_h(env.now) - env.now)


def batched_sampler(dist, rng: np.random.Generator, batch: int = 256) -> Callable[[], float]:
    """A zero-argument sampler of ``dist`` drawing ``batch`` values at a time from
    ``rng`` (the hot paths: line running times, clearance); fixed values need no draw.

    The values come in the order single draws would (numpy's lognormal and exponential
    draw element by element), but ``rng`` is drawn ahead: use it only where nothing
    else draws from the same generator."""
    if isinstance(dist, Fixed):
        value = float(dist.value)
        return lambda: value
    if isinstance(dist, LogNormal):
        mu, sigma = dist._params()
        lo = dist.min_value

        def fill() -> list[float]:
            return (lo + rng.lognormal(mu, sigma, size=batch))[::-1].tolist()
    elif isinstance(dist, Exponential):
        scale = dist.mean_value

        def fill() -> list[float]:
            return rng.exponential(scale, size=batch)[::-1].tolist()
    else:
        return dist.sampler(rng)
    buf: list[float] = []

    def draw() -> float:
        if not buf:
            buf.extend(fill())
        return buf.pop()

    return draw
