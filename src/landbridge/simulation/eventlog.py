"""The event log: one row per train event, kept as columns while the model runs.

Columns (all plain types, written to Parquet by :mod:`landbridge.store`):

=============  ======  ==============================================================
replication    int     replication index
seq            int     order of recording (ties in ``time_h`` keep this order)
train          str     train id (``SERVICE-0001``; re-formed trains add ``.rN``)
service        str     service id
event          str     one of :data:`EVENTS`
node           str     node id where the event happens
crossing       str     border crossing point id, or "" away from crossings
time_h         float   simulation time, hours from ``start_date`` 00:00 UTC
teu            float   TEU on the train at the event
dispatch_h     float   dispatch time at the origin of the train's first containers
=============  ======  ==============================================================
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["EventLog", "EVENTS", "SCHEMA"]

EVENTS = (
    "dispatch",          # left the origin terminal
    "held",              # held before a run: the next crossing's approach is full
    "released",          # hold lifted
    "arrive",            # arrived at a border crossing point
    "yard_in",           # got a receiving-yard track (accepted by the crossing)
    "clearance_start",   # an inspection team starts border/customs control
    "cleared",           # control finished
    "handed_over",       # locomotive/crew handover finished
    "transship_start",   # transshipment track and cranes start
    "transshipped",      # transshipment finished
    "depart",            # left the crossing
    "ferry_wait",        # arrived at a ferry port
    "ferry_sail",        # sailed
    "ferry_arrive",      # arrived at the other port
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
])


class EventLog:
    """Events recorded in order, one tuple each; :meth:`to_table` gives a pyarrow Table."""

    __slots__ = ("replication", "rows")

    def __init__(self, replication: int):
        self.replication = replication
        self.rows: list[tuple[str, str, str, str, str, float, float, float]] = []

    def record(self, train: str, service: str, event: str, node: str, crossing: str,
               time_h: float, teu: float, dispatch_h: float) -> None:
        """Append one event (columns as in the module docstring; hours, TEU)."""
        self.rows.append((train, service, event, node, crossing, time_h, teu, dispatch_h))

    def __len__(self) -> int:
        return len(self.rows)

    def to_table(self) -> pa.Table:
        """The events as a pyarrow Table of :data:`SCHEMA`, ``seq`` numbering them."""
        n = len(self.rows)
        cols = list(zip(*self.rows)) if n else [()] * 8
        names = ("train", "service", "event", "node", "crossing", "time_h", "teu",
                 "dispatch_h")
        data = {"replication": pa.array([self.replication] * n, pa.int32()),
                "seq": pa.array(range(n), pa.int64())}
        for name, col in zip(names, cols):
            data[name] = pa.array(col, SCHEMA.field(name).type)
        return pa.table(data, schema=SCHEMA)
