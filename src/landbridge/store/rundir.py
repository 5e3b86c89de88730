"""Write a simulation run to a directory, atomically.

Layout of a run directory::

    manifest.json       scenario hash, seed, replications, package version, start date
    scenario.json       the scenario as validated (defaults filled in)
    kpis.json           KPI summary tables (mean and 95 % CI over replications)
    kpis_<table>.csv    the same tables as CSV (od, crossings, queue_by_day, ...)
    events.parquet      the event log of every replication (see simulation.eventlog)
    network.json        the network as simulated (overrides and policies applied) and
                        each service's route: what the report's map draws

Everything is first written into a temporary sibling directory and renamed into place
in one step, so an interrupted run leaves either the complete directory or nothing.
The bytes depend only on scenario and seed (no wall-clock time anywhere).
"""

from __future__ import annotations

import errno
import io
import itertools
import json
import math
import os
import queue
import re
import shutil
import stat
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from landbridge.errors import StoreError

__all__ = ["write_run_dir", "kpis_to_json", "kpis_json_text", "write_events_parquet",
           "EventsParquetEncoder",
           "read_kpis_json", "default_run_dir", "network_snapshot", "check_output_dir",
           "atomic_dir", "clean_stale_temporaries"]


#: Rows per Parquet row group of ``events.parquet``: the writer holds one row group's
#: encoded pages at a time (a year's log in one group took ~60 MB more at the peak).
EVENTS_ROW_GROUP = 65_536


def _storage_columns(df: pd.DataFrame) -> tuple[list[str], list[list]]:
    """Column names and each column's stored values (:func:`~landbridge.analysis.schema.
    storage_column`: rounded to 6 decimals, missing as None)."""
    from landbridge.analysis.schema import storage_column  # the one rounding of stored KPIs

    return [c for c in df.columns], [storage_column(df[c]) for c in df.columns]


def kpis_to_json(tables: dict[str, pd.DataFrame]) -> dict[str, list[dict]]:
    """KPI tables as JSON-ready lists of records (NaN → null, floats rounded to 1e-6)."""
    out = {}
    for name, df in tables.items():
        names, cols = _storage_columns(df)
        out[name] = [dict(zip(names, row)) for row in zip(*cols)] if cols else \
            [{} for _ in range(len(df))]
    return out


def _json_scalar(v: Any) -> str:
    """One value as :func:`json.dumps` writes it (``ensure_ascii=False``)."""
    if isinstance(v, str):
        return json.encoder.encode_basestring(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return int.__repr__(v)
    if isinstance(v, float):
        if v != v:
            return "NaN"
        if v in (math.inf, -math.inf):
            return "Infinity" if v > 0 else "-Infinity"
        return float.__repr__(v)
    raise TypeError(f"not a JSON scalar: {v!r}")


def _json_column(values: list) -> list[str]:
    """:func:`_json_scalar` of each stored value of a column (stored floats are finite)."""
    types = set(map(type, values))
    if types <= {float, type(None)}:
        return ["null" if v is None else float.__repr__(v) for v in values]
    if types <= {str}:
        return list(map(json.encoder.encode_basestring, values))
    return [_json_scalar(v) for v in values]


def kpis_json_text(manifest: dict, tables: dict[str, pd.DataFrame]) -> str:
    """The text of ``kpis.json``: exactly ``json.dumps({"manifest": manifest,
    "tables": kpis_to_json(tables)}, indent=2, ensure_ascii=False)``, built column by
    column (the standard library's indented encoder is pure Python, ~1 s for a year's
    daily tables).

    Parameters
    ----------
    manifest : dict
        The run manifest (JSON-ready).
    tables : dict of DataFrame
        KPI tables by name (values of one table are scalars).

    Returns
    -------
    str
        Without a final newline.
    """
    parts = []
    for name, df in tables.items():
        names, cols = _storage_columns(df)
        keys = ["        " + _json_scalar(str(k)) + ": " for k in names]
        enc = [_json_column(col) for col in cols]
        if not keys:
            records = ["      {}"] * len(df)
        else:
            records = ["      {\n" + ",\n".join([k + v for k, v in zip(keys, row)])
                       + "\n      }" for row in zip(*enc)]
        body = "[\n" + ",\n".join(records) + "\n    ]" if records else "[]"
        parts.append("    " + _json_scalar(str(name)) + ": " + body)
    tables_text = "{\n" + ",\n".join(parts) + "\n  }" if parts else "{}"
    return ("{\n  \"manifest\": "
            + json.dumps(manifest, indent=2, ensure_ascii=False).replace("\n", "\n  ")
            + ",\n  \"tables\": " + tables_text + "\n}")


def _events_writer(sink, schema: pa.Schema) -> pq.ParquetWriter:
    """The Parquet writer of ``events.parquet`` (zstd; dictionary pages for the
    few-valued string columns, train ids plain: tens of thousands of them compress
    better so and skip building a dictionary per row group)."""
    few = [f.name for f in schema if pa.types.is_string(f.type) and f.name != "train"]
    return pq.ParquetWriter(sink, schema, compression="zstd", use_dictionary=few)


def write_events_parquet(tables, path: str | Path) -> None:
    """Write event logs (pyarrow Tables of one schema, e.g. each replication's) one
    after the other into one Parquet file in row groups of at most
    :data:`EVENTS_ROW_GROUP` rows, without concatenating them first. The bytes depend
    only on the rows (not on how the tables are chunked)."""
    tables = list(tables)
    with _events_writer(str(path), tables[0].schema) as writer:
        for table in tables:
            writer.write_table(table, row_group_size=EVENTS_ROW_GROUP)


class EventsParquetEncoder:
    """Encode event logs into the bytes of ``events.parquet`` on a background thread,
    each as soon as it is added (in the order added), so that a run's replications are
    written while later ones are still simulated. The bytes are those
    :func:`write_events_parquet` writes for the same logs.

    ``add(table)`` each log, then ``finish()`` for the bytes (re-raises an encoding
    error), or ``cancel()`` to stop without them.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._sink = io.BytesIO()
        self._thread = _Background(self._encode)

    def add(self, table: pa.Table) -> None:
        self._queue.put(table)

    def _encode(self) -> None:
        writer = None
        try:
            while (table := self._queue.get()) is not None:
                if writer is None:
                    writer = _events_writer(self._sink, table.schema)
                writer.write_table(table, row_group_size=EVENTS_ROW_GROUP)
        finally:
            if writer is not None:
                writer.close()

    def finish(self) -> bytes:
        """Wait for the logs added so far; the file's bytes."""
        self._queue.put(None)
        self._thread.join()
        return self._sink.getvalue()

    def cancel(self) -> None:
        """Stop after the log being encoded; nothing is returned or raised."""
        self._queue.put(None)


def read_kpis_json(path: str | Path) -> dict[str, pd.DataFrame]:
    """Read ``kpis.json`` back into DataFrames."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {name: pd.DataFrame(rows) for name, rows in data["tables"].items()}


def read_run_json(path: str | Path) -> Any:
    """Read one JSON file of a run directory.

    Raises
    ------
    StoreError
        The file is missing or is not readable JSON (the message names it).
    """
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{path}: missing; is {path.parent} a landbridge run directory "
                         "(written by `landbridge simulate`)?") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path}: cannot be read as JSON ({exc})") from None


def default_run_dir(root: str | Path, scenario_name: str, scenario_hash: str, seed: int) -> Path:
    """``root/<scenario>-<hash8>-s<seed>``, with ``-2``, ``-3``... when taken."""
    import re

    safe = re.sub(r"[^A-Za-z0-9_.\-]", "_", scenario_name).lstrip(".")[:64] or "run"
    base = Path(root) / f"{safe}-{scenario_hash[:8]}-s{seed}"
    p, n = base, 1
    while p.exists():
        n += 1
        p = base.with_name(f"{base.name}-{n}")
    return p


def network_snapshot(compiled) -> dict:
    """The network as simulated and the services' routes, as JSON-ready data.

    Written to ``network.json`` so that a run directory is self-describing: the report
    draws its map from it without re-reading network or scenario files (which may have
    moved or changed since).

    Parameters
    ----------
    compiled : CompiledScenario
        Its ``network`` has the scenario's overrides and policies applied.

    Returns
    -------
    dict
        ``nodes`` (id, name, country, kind, lon, lat), ``links`` (id, mode, from_node,
        to_node, length_km, capacity_trains_per_day, capacity_trucks_per_day),
        ``crossings`` (id, name, mode, station_a, station_b, link) and ``services``
        (id, origin, destination, nodes, links, corridor (gauge-break crossings joined
        by " > "), teu_per_train), each sorted by id.
    """
    net = compiled.network
    nodes = [dict(id=n.id, name=n.name, country=n.country, kind=str(getattr(n.kind, "value", n.kind)),
                  lon=n.lon, lat=n.lat) for n in sorted(net.nodes.values(), key=lambda n: n.id)]
    links = [dict(id=k.id, mode=str(getattr(k.mode, "value", k.mode)), from_node=k.from_node,
                  to_node=k.to_node, length_km=k.length_km,
                  capacity_trains_per_day=k.capacity_trains_per_day,
                  capacity_trucks_per_day=k.capacity_trucks_per_day)
             for k in sorted(net.links.values(), key=lambda k: k.id)]
    crossings = [dict(id=c.id, name=c.name, mode=c.mode, station_a=c.station_a,
                      station_b=c.station_b, link=c.link)
                 for c in sorted(net.crossings.values(), key=lambda c: c.id)]
    services = [dict(id=p.id, origin=p.origin, destination=p.destination,
                     nodes=list(p.route.nodes), links=list(p.route.links),
                     corridor=" > ".join(p.route.corridor), teu_per_train=p.teu_per_train)
                for p in sorted(compiled.services, key=lambda p: p.id)]
    return {"nodes": nodes, "links": links, "crossings": crossings, "services": services}


def check_output_dir(out: str | Path) -> None:
    """Check that ``out`` can become a new run directory (see
    :func:`landbridge.outpaths.check_output_dir`).

    Raises
    ------
    UsageError
        Naming ``--out`` and what is wrong; nothing is written.
    """
    from landbridge.outpaths import check_output_dir as check

    check(out)


_TMP_NAME = re.compile(r"^\..+\.tmp-[A-Za-z0-9_]{8}$")
_NEW_NAME = re.compile(r"^\..+\.new-[A-Za-z0-9_]{8}$")


def _lock(fd: int, block: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no locks, no cleaning
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
        return True
    except OSError:
        return False


def clean_stale_temporaries(parent: str | Path) -> list[Path]:
    """Remove the temporary directories (``.NAME.tmp-XXXXXXXX``) that a killed writer
    left in ``parent``; return those removed.

    A writer holds an exclusive ``flock`` on its temporary directory from before the
    directory gets its ``.tmp-`` name until it is renamed into place, so a temporary
    directory that can be locked has no living writer. Only directories of this naming
    pattern, owned by this user, are considered; a ``.NAME.new-XXXXXXXX`` directory (a
    writer killed between creating and locking it) is removed once an hour old.
    """
    parent = Path(parent)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    now = time.time()
    for e in entries:
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
            continue
        if not (_TMP_NAME.match(e.name) or (_NEW_NAME.match(e.name) and now - st.st_mtime > 3600)):
            continue
        try:
            fd = os.open(e.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            if _lock(fd, block=False):
                shutil.rmtree(e.path, ignore_errors=True)
                removed.append(Path(e.path))
        finally:
            os.close(fd)
    return removed


class atomic_dir:  # noqa: N801 - used as a function: ``with atomic_dir(out) as tmp``
    """Context manager: yield a temporary sibling directory of ``out``; when the block
    succeeds it becomes ``out`` in one rename, when it fails it is removed (all files or
    none). ``path`` is the directory written.

    ``out`` must be absent or empty unless ``overwrite``. With ``unique`` (or when
    ``out`` was filled by someone else meanwhile) the first free name of ``out``,
    ``out-2``, ``out-3``, ... is taken, by an atomic rename that fails rather than
    replace a directory with content: concurrent writers never lose a run. Stale
    temporary directories of killed writers are removed first
    (:func:`clean_stale_temporaries`).
    """

    def __init__(self, out: Path, overwrite: bool = False, unique: bool = False):
        self.out = Path(out)
        self.overwrite = overwrite
        self.unique = unique
        self.path: Path | None = None

    def __enter__(self) -> Path:
        parent = self.out.parent
        clean_stale_temporaries(parent)
        new = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.new-", dir=parent))
        self._fd = os.open(new, os.O_RDONLY | os.O_DIRECTORY)
        _lock(self._fd, block=True)
        self.tmp = new.with_name(new.name.replace(".new-", ".tmp-"))
        os.rename(new, self.tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o777 & ~umask)  # mkdtemp makes 0700; a run is as readable as any dir
        return self.tmp

    def _publish(self) -> Path:
        if self.overwrite and self.out.exists():
            shutil.rmtree(self.out)
        first = [self.out] if not self.unique else []
        # a default run name may already carry default_run_dir's "-N": count on from it
        m = re.fullmatch(r"(.+-s\d+)-(\d+)", self.out.name)
        stem, start = (m.group(1), int(m.group(2))) if m else (self.out.name, 1)
        names = itertools.chain(first, (  # lazily: list += genexpr built 100k Paths (~0.3 s)
            self.out.with_name(f"{stem}-{n}") if n > 1 else self.out.with_name(stem)
            for n in range(start, 100_000)))
        for cand in names:
            if self.unique and os.path.lexists(cand):
                continue
            try:
                os.rename(self.tmp, cand)  # replaces only an empty directory
                return cand
            except OSError as exc:
                taken = exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR,
                                      errno.EISDIR)
                if not taken and self.unique:
                    raise
                # taken meanwhile, or the given (empty) directory cannot be replaced
                # (a mount point, a sticky directory): the results go to the next free
                # name beside it rather than being lost after the whole simulation
                self.unique = True
        raise OSError(errno.EEXIST, f"no free name for {self.out}")  # pragma: no cover

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                try:
                    self.path = self._publish()
                except BaseException:
                    shutil.rmtree(self.tmp, ignore_errors=True)
                    raise
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
        finally:
            os.close(self._fd)
        return False


class _Background(threading.Thread):
    """``fn(*args)`` on a thread; :meth:`join` waits and re-raises its exception."""

    def __init__(self, fn, *args) -> None:
        super().__init__(name="landbridge-writer", daemon=True)
        self._call = (fn, args)
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        fn, args = self._call
        try:
            fn(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised by join in the caller
            self._error = exc

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        if self._error is not None:
            raise self._error


def _write_json_files(run, tmp: Path) -> None:
    """manifest.json, scenario.json, kpis.json, the KPI CSVs and network.json."""
    from landbridge.analysis.schema import kpi_csv

    (tmp / "manifest.json").write_text(
        json.dumps(run.manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sc = run.compiled.scenario.model_dump(mode="json", by_alias=True)
    (tmp / "scenario.json").write_text(json.dumps(sc, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    tables = run.summary.tables()
    (tmp / "kpis.json").write_text(kpis_json_text(run.manifest, tables) + "\n",
                                   encoding="utf-8")
    for name, df in tables.items():
        (tmp / f"kpis_{name}.csv").write_text(kpi_csv(df), encoding="utf-8")
    (tmp / "network.json").write_text(
        json.dumps(network_snapshot(run.compiled), indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8")


def write_run_dir(run, out: str | Path, overwrite: bool = False, unique: bool = False) -> Path:
    """Write ``run`` (a :class:`~landbridge.runners.SimulationRun`) to ``out``.

    Parameters
    ----------
    run : SimulationRun
    out : str or Path
        A new or empty directory; with ``unique``, the name to start from (``out``,
        ``out-2``, ... : the first free one is taken atomically).
    overwrite : bool
        Replace ``out`` whatever it holds.
    unique : bool
        Never fail or wait because the name is taken (concurrent runs of one scenario).

    Returns
    -------
    Path
        The run directory written. It lists its files in ``.landbridge-files.json``
        (what ``runs delete --files`` may delete).

    Raises
    ------
    UsageError
        When ``out`` exists and is not empty (without ``overwrite`` or ``unique``), or
        cannot be written (nothing is touched).
    """
    from landbridge.outpaths import check_name_lengths, write_files_list

    out = Path(out)
    if unique:
        check_name_lengths(out)
    elif not overwrite:
        check_output_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    target = atomic_dir(out, overwrite, unique)
    with target as tmp:
        # the Parquet encoder releases the GIL: the event log is written on a second
        # thread while this one writes the JSON and CSV files (each file has one writer,
        # so the bytes do not depend on the timing)
        encoded = getattr(run, "events_parquet", None)  # encoded as replications ended
        if encoded is not None:
            events = _Background((tmp / "events.parquet").write_bytes, encoded)
        else:  # each replication's log (a run without ``results`` gives ``events()``)
            logs = [r.events for r in run.results] if hasattr(run, "results") \
                else [run.events()]
            events = _Background(write_events_parquet, logs, tmp / "events.parquet")
        try:
            _write_json_files(run, tmp)
        finally:
            events.join()
        write_files_list(tmp)
    assert target.path is not None
    return target.path
