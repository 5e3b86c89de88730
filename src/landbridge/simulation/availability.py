"""When a place is open: daily operating hours in local time, minus closure windows.

The simulation clock runs in hours from the scenario start (``start_date`` 00:00 UTC).
Local time at a crossing follows its IANA time zone, including daylight saving time
where the zone has it (Poland); the UTC offset is looked up once per simulated day.
"""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from landbridge.network.model import OperatingHours

__all__ = ["Availability"]

_EPS = 1e-9


class Availability:
    """Open/closed state of one place over simulated time.

    Parameters
    ----------
    hours : OperatingHours
        Daily window in local time.
    timezone : str
        IANA zone of the local time.
    clock_start : datetime
        UTC time of simulation hour 0.
    closures : list of (start_h, end_h)
        Closure windows on the simulation clock; they may overlap.
    """

    def __init__(self, hours: OperatingHours, timezone: str, clock_start: datetime,
                 closures: list[tuple[float, float]] | None = None):
        self.hours = hours
        self._tz = ZoneInfo(timezone)
        self._clock_start = clock_start
        self._offsets: dict[int, float] = {}
        merged: list[list[float]] = []
        for s, e in sorted(closures or []):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._closures = [(s, e) for s, e in merged]
        self._starts = [s for s, _ in self._closures]

    @property
    def always_open(self) -> bool:
        return self.hours.is_24h and not self._closures

    def _offset_h(self, t: float) -> float:
        day = int(t // 24)
        off = self._offsets.get(day)
        if off is None:
            when = self._clock_start + timedelta(hours=day * 24 + 12)
            delta = self._tz.utcoffset(when.replace(tzinfo=None))
            off = delta.total_seconds() / 3600.0 if delta is not None else 0.0
            self._offsets[day] = off
        return off

    def local_hour(self, t: float) -> float:
        """Hour of day (0–24) in local time at simulation time ``t``."""
        return (t + self._offset_h(t)) % 24.0

    def _in_hours(self, t: float) -> bool:
        if self.hours.is_24h:
            return True
        h = self.local_hour(t)
        o, c = self.hours.open_h, self.hours.close_h
        return (o <= h < c) if o < c else (h >= o or h < c)

    def _closure_at(self, t: float) -> tuple[float, float] | None:
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and self._closures[i][0] <= t < self._closures[i][1]:
            return self._closures[i]
        return None

    def next_open(self, t: float) -> float:
        """Earliest time ``>= t`` at which the place is open."""
        for _ in range(100000):
            closure = self._closure_at(t)
            if closure is not None:
                t = closure[1]
                continue
            if not self._in_hours(t):
                h = self.local_hour(t)
                wait = (self.hours.open_h - h) % 24.0
                t = t + (wait if wait > _EPS else 24.0)
                t = round(t, 9)
                continue
            return t
        raise RuntimeError("no opening found")  # pragma: no cover - closures are finite

    def open_at_hours(self, n_hours: int) -> np.ndarray:
        """Whether the place is open at each whole hour ``0 .. n_hours - 1``, as
        ``next_open(t) <= t + 1e-9`` says, computed for all hours at once.

        Parameters
        ----------
        n_hours : int
            How many whole hours to test, from hour 0 of the run.

        Returns
        -------
        numpy.ndarray of bool, shape (n_hours,)
            True where the place is open at that hour.

        The hours are tested by array: in a closure window, and the local hour within
        the daily window (the same arithmetic as :meth:`next_open`'s first step, so an
        hour found open is open exactly). A closed hour whose opening is provably more
        than 1e-9 h away (a closure ending, or the daily window opening, at least 1e-6 h
        later: every later step only moves on) is closed; any other hour is decided by
        :meth:`next_open` itself."""
        t = np.arange(n_hours, dtype=float)
        if self.always_open:
            return np.ones(n_hours, dtype=bool)
        in_closure = np.zeros(n_hours, dtype=bool)
        closure_end = np.zeros(n_hours)
        if self._closures:
            starts = np.array(self._starts)
            ends = np.array([e for _, e in self._closures])
            i = np.searchsorted(starts, t, side="right") - 1
            j = np.maximum(i, 0)
            in_closure = (i >= 0) & (starts[j] <= t) & (t < ends[j])
            closure_end = ends[j]
        if self.hours.is_24h:
            in_hours = np.ones(n_hours, dtype=bool)
            wait = np.full(n_hours, np.inf)
        else:
            days = -(-n_hours // 24)
            off = np.repeat([self._offset_h(24.0 * d) for d in range(days)], 24)[:n_hours]
            h = (t + off) % 24.0
            o, c = self.hours.open_h, self.hours.close_h
            in_hours = ((o <= h) & (h < c)) if o < c else ((h >= o) | (h < c))
            wait = (o - h) % 24.0
        open_ = ~in_closure & in_hours
        closed = (in_closure & (closure_end >= t + 1e-6)) | (
            ~in_closure & ~in_hours & (wait >= 1e-6))
        out = open_.copy()
        for k in np.flatnonzero(~open_ & ~closed):
            tk = float(k)
            out[k] = self.next_open(tk) <= tk + 1e-9
        return out

    def open_until(self, t: float) -> float:
        """End of the open interval containing ``t`` (``t`` must be open)."""
        end = float("inf")
        if not self.hours.is_24h:
            h = self.local_hour(t)
            end = t + ((self.hours.close_h - h) % 24.0 or 24.0)
        i = bisect.bisect_right(self._starts, t)
        if i < len(self._starts):
            end = min(end, self._starts[i])
        return end

    def closed_in(self, start: float, end: float) -> tuple[float, float] | None:
        """The first closure window overlapping [start, end), if any (hours ignored)."""
        i = max(bisect.bisect_right(self._starts, start) - 1, 0)
        for s, e in self._closures[i:]:
            if s >= end:
                break
            if e > start:
                return (s, e)
        return None
