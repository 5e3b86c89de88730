"""The KPI tables, declared once: names, keys, dtypes, units, descriptions, display.

Everything that reads or writes KPI tables takes its names and types from
:data:`KPI_SCHEMA`: the KPI code (:mod:`landbridge.analysis.kpis`) builds its frames
with :meth:`TableSpec.frame`, the results store creates its ``kpi_<table>`` DDL from
:func:`duckdb_columns`, the run directory's JSON and CSV writers round with
:func:`storage_value`, the CLI and the report format with :func:`format_value`, and
``docs/results.md`` embeds :func:`schema_markdown`.

A table has *key* columns (identify a row; strings, or ``day``), *attribute* columns
(describe the key, e.g. a service's corridor; carried through the summary unchanged)
and *value* columns (numbers; after :func:`~landbridge.analysis.kpis.summarize` the mean
over replications, with a ``<name>_ci95`` half-width unless the table is ``daily``).
Stored values are rounded to 6 decimals (:func:`storage_value`), the one rounding of
numbers written to files; display rounding is per column (``digits``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["Column", "TableSpec", "KPI_SCHEMA", "TABLE_NAMES", "duckdb_columns",
           "storage_value", "format_value", "schema_markdown", "column_spec",
           "summary_columns", "storage_frame", "storage_column", "kpi_csv", "check_finite"]

Role = Literal["key", "attr", "value"]
Dtype = Literal["str", "int", "float"]

_DUCKDB = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE"}


@dataclass(frozen=True)
class Column:
    """One column of a KPI table.

    Attributes
    ----------
    name : str
        Column name; the unit is in the name (``_d``, ``_h``, ``_teu``, ``per_day``).
    dtype : {"str", "int", "float"}
        Type of the column per replication (value columns are ``float`` in a summary).
    unit : str
        Unit as shown in headers (``d``, ``h``, ``TEU``, ``trains/day``, ``%`` ...).
    description : str
        One line: what the column measures.
    role : {"key", "attr", "value"}
    digits : int
        Decimals shown by the CLI and the report.
    percent : bool
        A share stored as a fraction (0–1) and shown as a percentage.
    infinite : str
        What an infinite value means, for a column that may hold one (stored empty,
        like a missing value); in any other column an infinite value is a defect and
        :func:`check_finite` refuses it.
    """

    name: str
    dtype: Dtype
    unit: str
    description: str
    role: Role = "value"
    digits: int = 2
    percent: bool = False
    infinite: str = ""


@dataclass(frozen=True)
class TableSpec:
    """One KPI table: its columns in order, whether it is a daily table (averaged
    over replications without confidence intervals), and whether every value is
    ``defined`` (a number in every replication: a missing value is a defect)."""

    name: str
    description: str
    columns: tuple[Column, ...]
    daily: bool = False
    defined: bool = False

    @property
    def keys(self) -> list[str]:
        return [c.name for c in self.columns if c.role == "key"]

    @property
    def attrs(self) -> list[str]:
        return [c.name for c in self.columns if c.role == "attr"]

    @property
    def values(self) -> list[str]:
        return [c.name for c in self.columns if c.role == "value"]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"KPI table {self.name} has no column {name!r}")

    def frame(self, rows: list[dict] | pd.DataFrame | None = None, rep: bool = True
              ) -> pd.DataFrame:
        """A per-replication frame with exactly this table's columns (and ``rep``)."""
        cols = (["rep"] if rep else []) + self.names
        df = pd.DataFrame(rows if rows is not None else [], columns=cols)
        for c in self.columns:
            if c.dtype == "str":
                df[c.name] = df[c.name].astype(object)
            elif c.dtype == "int" and c.role != "value":
                df[c.name] = pd.to_numeric(df[c.name]).astype("int64")
            else:
                df[c.name] = pd.to_numeric(df[c.name], errors="coerce").astype(float)
        return df


def _c(name, dtype, unit, description, role="value", digits=2, percent=False,
       infinite="") -> Column:
    return Column(name, dtype, unit, description, role, digits, percent, infinite)


_TRANSIT = (
    _c("trains", "float", "trains", "distinct trains (train ids) that delivered boxes "
       "dispatched in the statistics window: a train carrying several lots after "
       "consolidation counts once (once in each group whose lots it carries)", digits=0),
    _c("teu_delivered", "float", "TEU", "TEU delivered of those dispatched in the window",
       digits=0),
    _c("transit_mean_d", "float", "d", "mean transit time, dispatch to delivery"),
    _c("transit_p50_d", "float", "d", "median transit time"),
    _c("transit_p95_d", "float", "d", "95th percentile of transit time"),
)

_CROSSING_KEYS = (
    _c("crossing", "str", "", "border crossing point id", role="key"),
    _c("direction", "str", "", "a_to_b (station_a → station_b) or b_to_a", role="key"),
)

#: Every KPI table, in the order of ``kpis.json``.
KPI_SCHEMA: dict[str, TableSpec] = {t.name: t for t in (
    TableSpec("od", "Transit time per origin–destination pair", (
        _c("origin", "str", "", "origin terminal id", role="key"),
        _c("destination", "str", "", "destination terminal id", role="key"),
        *_TRANSIT)),
    TableSpec("services", "Transit time per service (one route, so one corridor)", (
        _c("service", "str", "", "service id", role="key"),
        _c("origin", "str", "", "origin terminal id", role="attr"),
        _c("destination", "str", "", "destination terminal id", role="attr"),
        _c("corridor", "str", "", "gauge-break crossings of the route, in order "
           "(joined by ' > ')", role="attr"),
        *_TRANSIT)),
    TableSpec("corridors", "Transit time per corridor (all services whose route has the "
              "same gauge-break crossings)", (
        _c("corridor", "str", "", "gauge-break crossings in order (joined by ' > ')",
           role="key"),
        *_TRANSIT)),
    TableSpec("crossings", "Rail border crossing points, per direction", (
        *_CROSSING_KEYS,
        _c("trains_per_day", "float", "trains/day", "trains accepted into the receiving "
           "yard per day after the warm-up (simulated; the corridor_load table's load is "
           "the scheduled demand)"),
        _c("teu_per_day", "float", "TEU/day", "TEU accepted per day", digits=0),
        _c("wait_mean_h", "float", "h", "mean wait from arrival to the start of clearance"),
        _c("wait_p95_h", "float", "h", "95th percentile of that wait"),
        _c("dwell_mean_h", "float", "h", "mean time from arrival to departure"),
        _c("queue_max_trains", "float", "trains", "longest queue of trains waiting for "
           "clearance", digits=0),
        _c("util_teams", "float", "%", "busy share of the inspection teams", digits=0,
           percent=True),
        _c("util_tracks", "float", "%", "busy share of the transshipment tracks",
           digits=0, percent=True),
        _c("util_yard", "float", "%", "occupied share of the receiving-yard tracks "
           "(lower bound)", digits=0, percent=True))),
    TableSpec("queue_by_day", "Queue at each crossing and direction, by day", (
        *_CROSSING_KEYS,
        _c("day", "int", "day", "day from the start date (0 = start date)", role="key"),
        _c("queue_max_trains", "float", "trains", "daily maximum of the queue", digits=1),
        _c("queue_mean_trains", "float", "trains", "daily time-average of the queue"),
        _c("trains_accepted", "float", "trains", "trains accepted into the yard that day",
           digits=1)), daily=True),
    TableSpec("throughput_by_day", "Dispatches, deliveries and trains held at origins, "
              "by day", (
        _c("day", "int", "day", "day from the start date", role="key"),
        _c("teu_dispatched", "float", "TEU", "TEU dispatched that day", digits=0),
        _c("teu_delivered", "float", "TEU", "TEU delivered that day", digits=0),
        _c("held_origin_mean_trains", "float", "trains", "time-average number of trains "
           "held at their origin terminal (a congested crossing ahead)"),
        _c("held_origin_max_trains", "float", "trains", "daily maximum of trains held at "
           "their origin terminal", digits=1)), daily=True),
    TableSpec("road", "Road border posts, per direction", (
        *_CROSSING_KEYS,
        _c("binding_limit", "str", "", "the smaller daily capacity when demand reaches "
           "80 % of it: measure (the post would keep up without the scenario's closures "
           "and capacity measures), quota (max_trucks_per_day), hours (lanes × opening "
           "hours) or lanes (not enough even around the clock); none below 80 %",
           role="attr"),
        _c("trucks_per_day", "float", "trucks/day", "trucks processed per day", digits=0),
        _c("teu_per_day", "float", "TEU/day", "TEU processed per day", digits=0),
        _c("quota_trucks_per_day", "float", "trucks/day", "the post's daily quota "
           "(max_trucks_per_day; empty without one)", digits=0),
        _c("wait_mean_h", "float", "h", "mean truck wait"),
        _c("queue_max_trucks", "float", "trucks", "longest truck queue", digits=0),
        _c("queue_end_trucks", "float", "trucks", "trucks queued at the end", digits=0),
        _c("days_limited", "float", "%", "share of days that ended with trucks still "
           "queued (overnight queues included)", digits=0, percent=True),
        _c("util_lanes", "float", "%", "busy share of the lane-hours available: lanes "
           "× opening hours × the scenario's capacity measures in force", digits=0,
           percent=True))),
    TableSpec("corridor_load", "Load on each corridor's limiting element (the "
              "simulation's end-of-run accounting): scheduled trains per calendar day over "
              "the whole horizon, warm-up included, against the capacity time-averaged "
              "over the run (measures included) — the timetable, not the simulated "
              "flow, so demand, load, capacity and utilisation are the same in every "
              "replication (95 % CI 0); the crossings table counts the trains that "
              "actually crossed, after the warm-up", (
        _c("corridor", "str", "", "gauge-break crossings in order (joined by ' > ')",
           role="key"),
        _c("direction", "str", "", "westbound or eastbound", role="key"),
        _c("limiting_element", "str", "", "the element that limits the corridor",
           role="attr"),
        _c("limiting_kind", "str", "", "crossing, line or ferry", role="attr"),
        _c("sentence", "str", "", "the overload sentence, or the backlog sentence when "
           "the average load fits but TEU were unshipped at the end (empty when neither; "
           "from the first replication that has one)", role="attr"),
        _c("capacity_note", "str", "", "how the capacity was averaged when measures "
           "(disruptions) changed it: the measures and the capacity without them "
           "(empty when none)", role="attr"),
        _c("demand_trains_per_day", "float", "trains/day", "scheduled trains per "
           "calendar day the corridor's services dispatch over the whole horizon "
           "(warm-up included; the same in every replication)"),
        _c("load_trains_per_day", "float", "trains/day", "scheduled load on the limiting "
           "element: trains per calendar day of every corridor using it, in full-length "
           "train equivalents, over the whole horizon (not the trains that crossed: see "
           "the crossings table)"),
        _c("capacity_trains_per_day", "float", "trains/day", "capacity of the limiting "
           "element time-averaged over the whole horizon, the scenario's measures "
           "included (capacity_note names them)",
           infinite="unlimited: the route has no capacity-limited element"),
        _c("utilization", "float", "%", "scheduled load / time-averaged capacity (the "
           "same in every replication)", digits=0, percent=True,
           infinite="the limiting element has no capacity: closed the whole horizon"),
        _c("unshipped_teu", "float", "TEU", "TEU unshipped at the corridor's origins at "
           "the end", digits=0),
        _c("delivered_teu", "float", "TEU", "TEU delivered on the corridor", digits=0),
        _c("overloaded", "float", "%", "share of replications in which the load "
           "exceeded the capacity", digits=0, percent=True))),
    TableSpec("reformation", "Re-formation points (trains re-formed to a shorter "
              "length or consolidated)", (
        _c("node", "str", "", "re-formation point (node id)", role="key"),
        _c("teu_in", "float", "TEU", "TEU put into the buffer", digits=0),
        _c("teu_out", "float", "TEU", "TEU that left on onward trains", digits=0),
        _c("dwell_mean_h", "float", "h", "TEU-weighted mean dwell of the boxes that "
           "left"),
        _c("dwell_max_h", "float", "h", "longest dwell of a box that left"),
        _c("teu_left", "float", "TEU", "TEU still waiting at the end", digits=0))),
    TableSpec("diversions", "Held trains diverted to another corridor by the "
              "scenario's rerouting policy, per corridor left, corridor taken and "
              "direction, over the whole horizon (a row for every diversion the policy "
              "allows, zero when none happened)", (
        _c("from_corridor", "str", "", "the service's own corridor that the train left "
           "(gauge-break crossings joined by ' > ')", role="key"),
        _c("to_corridor", "str", "", "the alternative corridor it took", role="key"),
        _c("direction", "str", "", "westbound or eastbound", role="key"),
        _c("diverted_trains", "float", "trains", "trains diverted", digits=0),
        _c("diverted_teu", "float", "TEU", "TEU on the diverted trains", digits=0),
        _c("diversion_cost_usd", "float", "USD", "diverted TEU × the policy's "
           "cost_usd_per_teu", digits=0))),
    TableSpec("run", "The whole run", (
        _c("teu_dispatched", "float", "TEU", "TEU dispatched over the horizon", digits=0),
        _c("teu_delivered", "float", "TEU", "TEU delivered over the horizon", digits=0),
        _c("trains_dispatched", "float", "trains", "trains dispatched", digits=0),
        _c("trains_delivered", "float", "trains", "trains delivered (re-formed onward "
           "trains count as trains)", digits=0),
        _c("backlog_teu", "float", "TEU", "TEU waiting at the end: at crossings, held "
           "upstream, in re-formation buffers", digits=0),
        _c("undelivered_teu", "float", "TEU", "dispatched − delivered (backlog plus TEU "
           "still running)", digits=0),
        _c("waiting_at_crossings_teu", "float", "TEU", "TEU waiting at crossings at the "
           "end", digits=0),
        _c("held_teu", "float", "TEU", "TEU held upstream at the end", digits=0),
        _c("in_buffers_teu", "float", "TEU", "TEU in re-formation buffers at the end",
           digits=0),
        _c("in_transit_teu", "float", "TEU", "TEU running at the end", digits=0),
        _c("diverted_trains", "float", "trains", "trains held at their origin and "
           "diverted to another corridor by the rerouting policy over the horizon",
           digits=0),
        _c("diverted_teu", "float", "TEU", "TEU on the diverted trains", digits=0),
        _c("diversion_cost_usd", "float", "USD", "diverted TEU × the rerouting policy's "
           "cost_usd_per_teu", digits=0),
        _c("events", "float", "events", "rows in the event log", digits=0)),
        defined=True),
)}

#: The KPI table names in order.
TABLE_NAMES: tuple[str, ...] = tuple(KPI_SCHEMA)

#: The delay totals of a run against its baseline (:mod:`landbridge.analysis.delay`),
#: per replication then mean and 95 % CI; not stored as a KPI table. The descriptions
#: are the labels the report and the CLI show.
DELAY_TOTALS = TableSpec("delay_totals", "Delay of a run against its baseline: "
                         "consignments matched by replication, service and departure "
                         "(see `landbridge.analysis.delay`)", (
    _c("teu_delayed_1d", "float", "TEU", "TEU delivered more than 1 day later than in "
       "the baseline", digits=0),
    _c("teu_delayed_2d", "float", "TEU", "TEU delivered more than 2 days later than in "
       "the baseline", digits=0),
    _c("teu_days_delay", "float", "TEU·d", "TEU-days of delay (TEU × days late, summed)",
       digits=0),
    _c("matched_teu", "float", "TEU", "TEU matched with the baseline's consignments",
       digits=0),
    _c("censored_teu", "float", "TEU", "TEU not yet delivered in this run at the end "
       "(their delay counted to the end: a lower bound)", digits=0),
    _c("mean_delay_h", "float", "h", "mean delay per matched TEU (negative: earlier "
       "than in the baseline)", digits=1),
))

_SUMMARY_EXTRA = {"replications": _c("replications", "int", "", "replications averaged",
                                     role="attr", digits=0)}


def column_spec(table: str, name: str) -> Column | None:
    """The :class:`Column` of ``table.name``; ``<value>_ci95`` gets its value's spec
    (same unit and digits); ``None`` for a column the schema does not know."""
    spec = KPI_SCHEMA.get(table)
    if name in _SUMMARY_EXTRA:
        return _SUMMARY_EXTRA[name]
    if spec is None:
        return None
    base = name[:-5] if name.endswith("_ci95") else name
    try:
        return spec.column(base)
    except KeyError:
        return None


def summary_columns(table: str) -> list[str]:
    """Columns of a summary table: keys, attributes, each value (and its ``_ci95``
    unless daily), ``replications``."""
    spec = KPI_SCHEMA[table]
    cols = spec.keys + spec.attrs
    for v in spec.values:
        cols += [v] if spec.daily else [v, f"{v}_ci95"]
    return cols + ["replications"]


def duckdb_columns(table: str, columns: list[str] | None = None) -> dict[str, str]:
    """DuckDB types of a summary table's columns (keys and attributes by dtype, values
    and half-widths DOUBLE, ``replications`` BIGINT). Unknown columns (from a newer
    landbridge) are DOUBLE if numeric-looking names, else VARCHAR — never guessed from
    the data."""
    out = {}
    for name in columns if columns is not None else summary_columns(table):
        col = column_spec(table, name)
        if col is None:
            out[name] = "VARCHAR"
        elif col.role == "value" or name.endswith("_ci95"):
            out[name] = "DOUBLE"
        else:
            out[name] = _DUCKDB[col.dtype]
    return out


def check_finite(table: str, df: pd.DataFrame, where: str) -> None:
    """Refuse a non-finite KPI instead of storing it as an empty cell (which a reader
    could take for zero or for "no data").

    An infinite value is allowed only in a column that declares what it means
    (:attr:`Column.infinite`); NaN (missing) only in tables not ``defined``.
    Half-widths (``<name>_ci95``) are checked for infinities too.

    Parameters
    ----------
    table : str
        The KPI table's name.
    df : DataFrame
        Its rows (one replication's, or the summary).
    where : str
        Named in the message: ``"replication 3"``, ``"the mean over replications"``.

    Raises
    ------
    InvariantError
        Naming the table, the KPI, the row's key and ``where``.
    """
    from landbridge.errors import InvariantError

    spec = KPI_SCHEMA[table]
    for col in spec.columns:
        if col.role != "value":
            continue
        for name in (col.name, f"{col.name}_ci95"):
            if name not in df.columns or not len(df):
                continue
            x = pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float)
            bad = np.isinf(x) if not col.infinite or name != col.name \
                else np.zeros(len(x), dtype=bool)
            if spec.defined and name == col.name:
                bad |= np.isnan(x)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                key = ", ".join(f"{k} {df[k].iloc[i]}" for k in spec.keys if k in df)
                raise InvariantError(
                    f"{where}: KPI {table}.{name}" + (f" ({key})" if key else "")
                    + f" is {float(x[i])!r}, not a finite number; it is refused rather than "
                    "stored as an empty cell (a defect, or an input beyond what the "
                    "model computes)")


def storage_value(value: Any) -> Any:
    """A value as written to ``kpis.json``/CSV: floats rounded to 6 decimals, NaN/inf
    and missing as ``None``, numpy scalars as Python ones."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        r = round(value, 6)
        return 0.0 if r == 0 else r
    return value


def storage_column(values: pd.Series) -> list:
    """``[storage_value(v) for v in values]``, fast for numeric columns (a float64
    column is rounded as Python floats, an integer or boolean one taken as is).

    Parameters
    ----------
    values : Series
        One column of a KPI table.

    Returns
    -------
    list
        Python scalars (float, int, bool, str) and ``None``.
    """
    kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else ""
    if kind == "f":
        return [None if (x != x or x in _INF) else (round(x, 6) or 0.0)
                for x in values.to_numpy(dtype=float).tolist()]
    if kind in ("i", "u", "b"):
        return values.to_numpy().tolist()
    return [v if type(v) is str else storage_value(v)
            for v in values.to_numpy(dtype=object).tolist()]


_INF = (math.inf, -math.inf)


def storage_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every cell passed through :func:`storage_value` (the values that
    ``kpis.json`` and the CSV files hold)."""
    return pd.DataFrame({c: storage_column(df[c]) for c in df.columns},
                        columns=list(df.columns))


def kpi_csv(df: pd.DataFrame) -> str:
    """A KPI table as CSV text with the same values as ``kpis.json`` (rounded to 6
    decimals, missing values empty), ``\\n`` line ends."""
    return storage_frame(df).to_csv(index=False, lineterminator="\n")


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def format_value(table: str, name: str, value: Any, ci95: Any = None,
                 sign: bool = False) -> str:
    """Display text of one cell: digits and percent from the schema, ``± ci95`` when
    given, "–" when missing."""
    if _missing(value):
        return "–"
    if isinstance(value, str):
        return value
    col = column_spec(table, name)
    digits = col.digits if col is not None else 2
    scale, suffix = (100.0, " %") if col is not None and col.percent else (1.0, "")
    try:
        v = float(value) * scale
    except (TypeError, ValueError):
        return str(value)
    text = f"{v:+,.{digits}f}" if sign else f"{v:,.{digits}f}"
    if not _missing(ci95):
        text += f" ± {float(ci95) * scale:,.{digits}f}"
    return text + suffix


def schema_markdown() -> str:
    """The KPI tables as Markdown (for ``docs/results.md``)."""
    lines = []
    for spec in KPI_SCHEMA.values():
        lines += [f"#### `{spec.name}`", "", spec.description
                  + (" (daily: averaged over replications, no interval)." if spec.daily
                     else " (each value: mean over replications and `<name>_ci95`).")
                  + (" Every value is a number in every replication." if spec.defined
                     else ""), "",
                  "| column | role | type | unit | meaning |", "|---|---|---|---|---|"]
        for c in spec.columns:
            unit = "fraction (shown as %)" if c.percent else c.unit
            desc = c.description + (f" (empty when infinite: {c.infinite})" if c.infinite
                                    else "")
            lines.append(f"| `{c.name}` | {c.role} | {c.dtype} | {unit} | {desc} |")
        lines.append("")
    spec = DELAY_TOTALS
    lines += [f"#### `{spec.name}` (against a baseline)", "", spec.description
              + " (each value: mean over replications and its 95 % CI).", "",
              "| measure | unit | meaning |", "|---|---|---|"]
    lines += [f"| `{c.name}` | {c.unit} | {c.description} |" for c in spec.columns]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - `python -m landbridge.analysis.schema`
    print(schema_markdown())
