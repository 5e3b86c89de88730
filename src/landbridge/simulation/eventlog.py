"""The event log: one row per train event, kept as columns while the model runs.

Columns (all plain types, written to Parquet by :mod:`landbridge.store`):

=============  ======  ==============================================================
replication    int     replication index
seq            int     order in time (rows at the same ``time_h`` in the order logged)
train          str     train id (``SERVICE-0001``; re-formed trains add ``.rN``)
service        str     service id
event          str     one of :data:`EVENTS`
node           str     node id where the event happens
crossing       str     border crossing point id, or "" away from crossings
time_h         float   simulation time, hours from ``start_date`` 00:00 UTC
teu            float   TEU on the train at the event
dispatch_h     float   dispatch time at the origin of the train's first lot (of the lot
                       on a ``deliver`` row)
corridor       str     corridor of the train's first lot (of the lot on ``deliver``):
                       its gauge-break crossings joined by " > "; "" without crossings
departure      int     departure number (1-based) of that lot within its service
=============  ======  ==============================================================

A train carries lots (a service's boxes of one departure); ``deliver`` is logged once
per lot, with the lot's service, TEU, dispatch time, corridor and departure, so
transit times per origin–destination, service and corridor stay exact when boxes of
several services share a train after re-formation.

A component may log a row as soon as its time is known, ahead of the simulation clock
(a crossing logs a train's clearance when the train is accepted); the table is ordered
by time, and rows at or after the end of the run are not part of it.

While the model runs the log is kept as columns, with no object per row: the time in a
float array, the event, node and crossing as references to their (shared) strings, and
the train's *label* — its id, service, TEU, dispatch time, corridor and departure,
one tuple per train shared by its rows until it changes (:meth:`Train.relabel
<landbridge.simulation.train.Train.relabel>`). About 40 bytes a row instead of 160.
"""

from __future__ import annotations

import gc
from array import array

import numpy as np
import pyarrow as pa
import pyarrow._compute as _compute

__all__ = ["EventLog", "EVENTS", "SCHEMA"]

EVENTS = (
    "dispatch",          # left the origin terminal
    "held",              # held where it stands: no room at the next crossing (crossing
                         # column) or a closed line; at the origin its boxes are unshipped
    "released",          # hold lifted
    "divert",            # a held train rerouted to another corridor (crossing = avoided);
                         # ends its hold (no released row)
    "arrive",            # arrived at a border crossing point
    "yard_in",           # got a receiving-yard track (accepted by the crossing)
    "clearance_start",   # an inspection team starts border/customs control
    "cleared",           # control finished
    "handed_over",       # locomotive/crew handover finished
    "transship_start",   # transshipment track and cranes start
    "transshipped",      # transshipment finished
    "depart",            # left the crossing
    # ports and ferries (simulation.port, simulation.ferry)
    "port_arrive",       # arrived at a port
    "port_full",         # the port's rail yard is full: waits outside
    "customs_start",     # port customs/border control starts
    "customs_cleared",   # port control finished
    "ferry_wait",        # ready to board, waiting to be called aboard
    "load_start",        # loading onto the ship starts
    "loaded",            # loaded
    "ferry_board",       # aboard a sailing
    "ferry_sail",        # sailed
    "ferry_cancel",      # sailing weather-bound
    "ferry_arrive",      # arrived at the other port
    "unload_start",      # unloading starts
    "unloaded",          # unloaded
    "port_depart",       # left the arrival port
    "reform_in",         # train's containers put into the re-formation buffer
    "reform_out",        # a new train formed from the buffer
    "deliver",           # arrived at the destination terminal
)

SCHEMA = pa.schema([
    ("replication", pa.int32()),
    ("seq", pa.int64()),
    ("train", pa.string()),
    ("service", pa.string()),
    ("event", pa.string()),
    ("node", pa.string()),
    ("crossing", pa.string()),
    ("time_h", pa.float64()),
    ("teu", pa.float64()),
    ("dispatch_h", pa.float64()),
    ("corridor", pa.string()),
    ("departure", pa.int32()),
])


_LABEL_FIELDS = ("train", "service", "teu", "dispatch_h", "corridor", "departure")


class EventLog:
    """Events in the order logged, kept as columns; :meth:`to_table` gives a pyarrow
    Table ordered by time.

    Parameters
    ----------
    replication : int
        Replication index (the ``replication`` column).
    horizon_h : float, optional
        End of the run (hours): rows logged ahead at or after it are left out.

    The hot path appends to the columns directly (:meth:`appenders`); :meth:`record`
    logs one row from plain values.
    """

    __slots__ = ("replication", "horizon_h", "labels", "events", "nodes", "crossings",
                 "times")

    def __init__(self, replication: int, horizon_h: float = float("inf")):
        self.replication = replication
        self.horizon_h = horizon_h
        self.labels: list[tuple] = []  # (train, service, teu, dispatch_h, corridor, departure)
        self.events: list[str] = []
        self.nodes: list[str] = []
        self.crossings: list[str] = []
        self.times = array("d")

    def appenders(self):
        """The columns' append methods: (label, event, node, crossing, time_h)."""
        return (self.labels.append, self.events.append, self.nodes.append,
                self.crossings.append, self.times.append)

    def extenders(self):
        """The columns' extend methods, for several rows at once: (label, event, node,
        crossing, time_h), each taking a sequence."""
        return (self.labels.extend, self.events.extend, self.nodes.extend,
                self.crossings.extend, self.times.extend)

    def record(self, train: str, service: str, event: str, node: str, crossing: str,
               time_h: float, teu: float, dispatch_h: float, corridor: str = "",
               departure: int = 0) -> None:
        """Append one event (columns as in the module docstring; hours, TEU)."""
        self.labels.append((train, service, teu, dispatch_h, corridor, departure))
        self.events.append(event)
        self.nodes.append(node)
        self.crossings.append(crossing)
        self.times.append(time_h)

    def _order(self) -> np.ndarray | None:
        """Indices of the rows before the horizon, stably sorted by time (``None``:
        all rows, already in order)."""
        t = np.frombuffer(self.times, np.float64) if len(self.times) else np.empty(0)
        keep = None
        if len(t) and not t.max() < self.horizon_h:
            keep = np.flatnonzero(t < self.horizon_h)
            t = t[keep]
        if len(t) > 1 and bool((t[1:] < t[:-1]).any()):
            order = np.argsort(t, kind="stable")
            keep = order if keep is None else keep[order]
        return keep

    def __len__(self) -> int:
        if not len(self.times):
            return 0
        return int(np.count_nonzero(np.frombuffer(self.times, np.float64) < self.horizon_h))

    def to_table(self) -> pa.Table:
        """The events as a pyarrow Table of :data:`SCHEMA`, ``seq`` numbering them.

        Built from numpy buffers (``pyarrow.array`` on Python objects would import
        pandas, about a second, and ``Array.take`` pyarrow.compute, 45-70 ms, which a
        replication does not otherwise need). Python's cyclic garbage collector is
        paused meanwhile: the lists made here would set off passes over the whole log
        (every row's label is a tracked tuple) that free nothing."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._table()
        finally:
            if collecting:
                gc.enable()

    def _table(self) -> pa.Table:
        order = self._order()
        n = len(self.times) if order is None else len(order)
        data = {"replication": _numeric(np.full(n, self.replication, np.int32)),
                "seq": _numeric(np.arange(n, dtype=np.int64))}
        # labels: one tuple per train (state), shared by its rows: the distinct ones by
        # identity, then each label column taken from them
        distinct, codes = _distinct(self.labels, order)
        label = dict(zip(_LABEL_FIELDS, map(list, zip(*distinct)))) if distinct else \
            {name: [] for name in _LABEL_FIELDS}
        data["train"] = _take_strings(label["train"], codes)
        data["service"] = _few_strings(label["service"], codes)
        for name, values in (("event", self.events), ("node", self.nodes),
                             ("crossing", self.crossings)):
            data[name] = _few_strings(values, order)
        t = np.frombuffer(self.times, np.float64) if len(self.times) else np.empty(0)
        data["time_h"] = _numeric(t if order is None else t[order])
        data["teu"] = _numeric(np.array(label["teu"], np.float64)[codes])
        data["dispatch_h"] = _numeric(np.array(label["dispatch_h"], np.float64)[codes])
        data["corridor"] = _few_strings(label["corridor"], codes)
        data["departure"] = _numeric(np.array(label["departure"], np.int32)[codes])
        return pa.table(data, schema=SCHEMA)


def _numeric(values: np.ndarray) -> pa.Array:
    """A pyarrow array over a numpy array's buffer (int32, int64 or float64)."""
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values),
                                 [None, pa.py_buffer(values)])


def _take_strings(values: list[str], codes: np.ndarray) -> pa.Array:
    """A pyarrow string array (UTF-8 data, int32 offsets) whose row ``i`` is
    ``values[codes[i]]``: Arrow's ``take`` kernel, called through the compiled
    ``pyarrow._compute`` (``Array.take`` imports ``pyarrow.compute``, which builds a
    wrapper for every kernel: 45-70 ms of a replication's CPU, against 4 ms)."""
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, np.int32)
    offsets[1:] = np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)))
    distinct = pa.Array.from_buffers(pa.string(), len(encoded),
                                     [None, pa.py_buffer(offsets),
                                      pa.py_buffer(b"".join(encoded))])
    return _compute.call_function("take", [distinct, _numeric(codes)])


def _distinct(objects: list, order: np.ndarray | None) -> tuple[list, np.ndarray]:
    """The distinct objects of a column by identity (a train's label, a node's id: the
    same object on every row) and each row's index into them, rows in ``order``."""
    ids = np.fromiter(map(id, objects), np.int64, len(objects))
    _, first, codes = np.unique(ids, return_index=True, return_inverse=True)
    codes = codes.astype(np.int32) if order is None else codes[order].astype(np.int32)
    return [objects[i] for i in first.tolist()], codes


def _few_strings(values: list[str], order: np.ndarray | None) -> pa.Array:
    """A pyarrow string array of ``values`` (a column of few distinct strings) taken in
    ``order`` (numpy indices; ``None``: as they are)."""
    distinct = dict.fromkeys(values)
    for i, v in enumerate(distinct):
        distinct[v] = i
    codes = np.fromiter(map(distinct.__getitem__, values), np.int32, len(values))
    if order is not None:
        codes = codes[order]
    return _take_strings(list(distinct), codes)
