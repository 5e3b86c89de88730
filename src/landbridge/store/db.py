"""The results store: every run's manifest, scenario and KPI tables in one DuckDB file.

Tables (all keyed by ``run_id``)::

    runs               run_id, created_seq, scenario_name, scenario_hash, seed,
                       replications, start_date, horizon_days, warmup_days,
                       landbridge_version, manifest (JSON), scenario (JSON), run_dir
    kpi_<table>        one per KPI table of :data:`landbridge.analysis.schema.KPI_SCHEMA`
                       (od, services, corridors, crossings, queue_by_day,
                       throughput_by_day, road, run): the summary over replications,
                       plus run_id and row_index (row order); column types from the
                       schema
    events (view)      the run directories' ``events.parquet`` through ``read_parquet``,
                       with a run_id column
    store_meta         format version of the store

A run is recorded in one transaction: a process killed while recording leaves no row
of that run behind (DuckDB discards an uncommitted transaction on the next open).
DuckDB lets one process write a database file at a time; a store that another process
holds is retried with growing pauses until ``timeout_s``, then a :class:`StoreError`
says who holds it. Every connection is opened for one operation and closed at once, so
a store is never held between commands.

Run ids are short and deterministic: ``<scenario>-<hash8>-s<seed>`` from the manifest,
with ``-2``, ``-3``... when the same scenario and seed were recorded before. Nothing
in the store depends on the wall clock; ``created_seq`` orders the runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb
import pandas as pd

from landbridge.analysis.schema import TABLE_NAMES
from landbridge.errors import Problem, StoreError, UnknownNameError, UsageError
from landbridge.store.rundir import atomic_dir, read_run_json

__all__ = ["ResultsStore", "DEFAULT_STORE", "KPI_TABLES", "STORE_VERSION"]

#: Where ``landbridge simulate`` records runs unless ``--store`` says otherwise.
DEFAULT_STORE = Path("runs") / "landbridge.duckdb"

#: The KPI tables of a run (declared in :mod:`landbridge.analysis.schema`).
KPI_TABLES = TABLE_NAMES

#: Format version of the store, kept in ``store_meta``.
STORE_VERSION = "1"

# never fetch DuckDB extensions from the internet (e.g. when asked to open a SQLite file)
_DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

_RUN_COLUMNS = ["run_id", "created_seq", "scenario_name", "scenario_hash", "seed",
                "replications", "start_date", "horizon_days", "warmup_days",
                "landbridge_version", "run_dir"]

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
INSERT OR IGNORE INTO store_meta VALUES ('format', 'landbridge results store'),
                                        ('version', '{STORE_VERSION}');
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    created_seq BIGINT NOT NULL UNIQUE,
    scenario_name VARCHAR NOT NULL,
    scenario_hash VARCHAR NOT NULL,
    seed BIGINT NOT NULL,
    replications INTEGER NOT NULL,
    start_date DATE,
    horizon_days DOUBLE,
    warmup_days DOUBLE,
    landbridge_version VARCHAR,
    manifest JSON NOT NULL,
    scenario JSON NOT NULL,
    run_dir VARCHAR NOT NULL UNIQUE
);
"""


def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")
    return s or "run"


_read_json = read_run_json


def _typed(table: str, df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The KPI frame with the store types declared in :mod:`landbridge.analysis.schema`
    (keys and attributes by their dtype, values DOUBLE): nothing guessed from the data."""
    from landbridge.analysis.schema import duckdb_columns

    types = duckdb_columns(table, [str(c) for c in df.columns])
    out = pd.DataFrame(index=df.index)
    for col, t in types.items():
        values = df[col]
        if t == "VARCHAR":
            out[col] = values.astype("string")
        elif t == "BIGINT":
            out[col] = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        else:
            out[col] = pd.to_numeric(values, errors="coerce").astype("Float64")
    return out, types


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class ResultsStore:
    """A DuckDB results store file (created on the first :meth:`record`).

    Parameters
    ----------
    path : str or Path, optional
        The database file; default :data:`DEFAULT_STORE` (``runs/landbridge.duckdb``).
    timeout_s : float, optional
        How long to retry when another process holds the file (s); default 30.

    Examples
    --------
    >>> store = ResultsStore("runs/landbridge.duckdb")      # doctest: +SKIP
    >>> run_id = store.record("runs/default-1a2b3c4d-s1")   # doctest: +SKIP
    >>> store.kpis(run_id, "od")                             # doctest: +SKIP
    """

    def __init__(self, path: str | Path | None = None, timeout_s: float = 30.0):
        self.path = Path(path) if path is not None else DEFAULT_STORE
        self.timeout_s = float(timeout_s)

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.path)!r})"

    # ------------------------------------------------------------------ connections
    @contextlib.contextmanager
    def _connect(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation; retries while another process holds the file.

        Raises
        ------
        StoreError
            Missing store (when reading), still locked after ``timeout_s``, not a DuckDB
            file, or a DuckDB file that is not a landbridge store.
        """
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a directory; the results store is a DuckDB file "
                             "(e.g. --store runs/landbridge.duckdb)")
        if self.path.exists() and not self.path.is_file():
            raise StoreError(f"{self.path} is not a regular file (a device, pipe or socket); "
                             "the results store is a DuckDB file (e.g. --store "
                             "runs/landbridge.duckdb)")
        if not write and not self.path.is_file():
            raise StoreError(f"no results store at {self.path}: run `landbridge simulate` "
                             "first, or give the store with --store PATH")
        if write:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the directory of {self.path}: {exc}") from None
        started = time.monotonic()
        deadline = started + self.timeout_s
        pause = 0.02
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=not write, config=_DUCKDB_CONFIG)
                break
            except duckdb.Error as exc:
                msg = str(exc)
                # another process holds the file, or is still writing a new store's
                # header (a file shorter than one DuckDB block): wait and try again
                creating = (self.path.is_file() and self.path.stat().st_size < 16384
                            and time.monotonic() < started + 2.0)
                # "lock" as a word: a corrupt file's "checksum ... in block at
                # location 4096" is not a lock (it waited 30 s, then said 'locked')
                if re.search(r"\block\b", msg, re.IGNORECASE) or creating:
                    if time.monotonic() >= deadline:
                        holder = re.search(r"held in (.*?)(?:\. See|$)", msg)
                        who = f" ({holder.group(1)})" if holder else ""
                        raise StoreError(
                            f"the results store {self.path} is locked by another process{who} "
                            f"and stayed locked for {self.timeout_s:g} s; try again when that "
                            "run has finished, or use another store (--store)") from None
                    time.sleep(pause)
                    pause = min(pause * 2, 0.5)
                    continue
                raise StoreError(f"{self.path} cannot be opened as a results store: "
                                 f"{msg.splitlines()[0]} (is the file damaged or not a "
                                 "DuckDB database? move it away to start a new store)") from None
        try:
            self._check_format(con, write)
            yield con
        except duckdb.Error as exc:
            raise StoreError(f"results store {self.path}: {str(exc).splitlines()[0]}") from None
        finally:
            con.close()

    def _check_format(self, con: duckdb.DuckDBPyConnection, write: bool) -> None:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()}
        if "store_meta" in tables:
            meta = dict(con.execute("SELECT key, value FROM store_meta").fetchall())
            if meta.get("version") != STORE_VERSION:
                raise StoreError(f"{self.path} is a results store of format version "
                                 f"{meta.get('version')!r}; this landbridge reads version "
                                 f"{STORE_VERSION!r}")
            return
        if tables:
            raise StoreError(f"{self.path} is a DuckDB database but not a landbridge results "
                             f"store (it has tables {', '.join(sorted(tables))})")
        if not write:
            raise StoreError(f"{self.path} is an empty database, not a landbridge results store")
        con.execute("BEGIN TRANSACTION")
        con.execute(_SCHEMA)
        con.execute("COMMIT")

    # ---------------------------------------------------------------------- writing
    def record(self, run_dir: str | Path,
               _before_commit: Callable[[], None] | None = None) -> str:
        """Record a run directory (written by :func:`~landbridge.store.write_run_dir`).

        Recording the same directory again returns its existing run id.

        Parameters
        ----------
        run_dir : str or Path
            Holds ``manifest.json``, ``scenario.json``, ``kpis.json`` and
            ``events.parquet``.

        Returns
        -------
        str
            The run id.

        Raises
        ------
        StoreError
            A file of the run directory is missing or unreadable; the store is locked,
            damaged or of another format.
        """
        run_dir = Path(run_dir).resolve()
        manifest = _read_json(run_dir / "manifest.json")
        scenario = _read_json(run_dir / "scenario.json")
        kpis = _read_json(run_dir / "kpis.json")
        if not (run_dir / "events.parquet").is_file():
            raise StoreError(f"{run_dir / 'events.parquet'}: missing; is {run_dir} a "
                             "complete run directory?")
        try:
            tables = {name: pd.DataFrame(rows) for name, rows in kpis["tables"].items()}
            name, digest = manifest["scenario_name"], manifest["scenario_hash"]
            seed, reps = int(manifest["seed"]), int(manifest["replications"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"{run_dir}: manifest.json or kpis.json lacks {exc} "
                             "(not written by this landbridge?)") from None
        with self._connect(write=True) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                found = con.execute("SELECT run_id FROM runs WHERE run_dir = ?",
                                    [str(run_dir)]).fetchone()
                if found:
                    con.execute("ROLLBACK")
                    return found[0]
                base = f"{_slug(name)}-{digest[:8]}-s{seed}"
                taken = {r[0] for r in con.execute(
                    "SELECT run_id FROM runs WHERE run_id = ? OR run_id LIKE ?",
                    [base, base + "-%"]).fetchall()}
                run_id, n = base, 1
                while run_id in taken:
                    n += 1
                    run_id = f"{base}-{n}"
                seq = con.execute("SELECT coalesce(max(created_seq), 0) + 1 FROM runs"
                                  ).fetchone()[0]
                con.execute(
                    "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, seq, name, digest, seed, reps, manifest.get("start_date"),
                     manifest.get("horizon_days"), manifest.get("warmup_days"),
                     manifest.get("landbridge_version"),
                     json.dumps(manifest, ensure_ascii=False),
                     json.dumps(scenario, ensure_ascii=False), str(run_dir)])
                for table, df in tables.items():
                    self._insert_kpis(con, table, run_id, df)
                self._refresh_events_view(con)
                if _before_commit is not None:
                    _before_commit()
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise
        return run_id

    @staticmethod
    def _insert_kpis(con, table: str, run_id: str, df: pd.DataFrame) -> None:
        if not re.fullmatch(r"[a-z_]+", table):
            raise StoreError(f"unexpected KPI table name {table!r} in kpis.json")
        typed, types = _typed(table, df)
        typed.insert(0, "row_index", range(len(typed)))
        typed.insert(0, "run_id", run_id)
        types = {"run_id": "VARCHAR", "row_index": "BIGINT", **types}
        name = f"kpi_{table}"
        cols = ", ".join(f"{_quote(c)} {t}" for c, t in types.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols})")
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
            [name]).fetchall()}
        for c, t in types.items():
            if c not in have:
                con.execute(f"ALTER TABLE {name} ADD COLUMN {_quote(c)} {t}")
        if len(typed):
            con.register("_kpi_rows", typed)
            try:
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _kpi_rows")
            finally:
                con.unregister("_kpi_rows")

    @staticmethod
    def _refresh_events_view(con, temp: bool = False) -> None:
        """(Re)define the ``events`` view over the run directories' event logs that
        exist (a ``temp`` view in a read-only session: run directories deleted since
        they were recorded are left out instead of breaking every query)."""
        rows = con.execute("SELECT run_id, run_dir FROM runs ORDER BY created_seq").fetchall()
        files = [(rid, str(Path(d) / "events.parquet")) for rid, d in rows
                 if (Path(d) / "events.parquet").is_file()]
        if not files:
            if not temp:
                con.execute("DROP VIEW IF EXISTS events")
            return
        lit = lambda s: "'" + s.replace("'", "''") + "'"  # noqa: E731
        mapping = " UNION ALL ".join(f"SELECT {lit(r)} AS run_id, {lit(f)} AS file"
                                     for r, f in files)
        paths = "[" + ", ".join(lit(f) for _, f in files) + "]"
        con.execute(
            f"CREATE OR REPLACE {'TEMP ' if temp else ''}VIEW events AS "
            "SELECT m.run_id, e.* EXCLUDE (filename) "
            f"FROM read_parquet({paths}, filename = true, union_by_name = true) e "
            f"JOIN ({mapping}) m ON e.filename = m.file")

    def delete(self, run: str, files: bool = False) -> str:
        """Remove a run's rows (in one transaction); with ``files`` also the files
        landbridge wrote into its run directory (those listed in its
        ``.landbridge-files.json`` and unchanged; see
        :func:`landbridge.outpaths.remove_written`), never other files.

        Returns
        -------
        str
            The run id removed.
        """
        with self._connect(write=True) as con:
            run_id = self._resolve(con, run)
            run_dir = con.execute("SELECT run_dir FROM runs WHERE run_id = ?",
                                  [run_id]).fetchone()[0]
            con.execute("BEGIN TRANSACTION")
            try:
                for t in self._kpi_tables(con):
                    con.execute(f"DELETE FROM kpi_{t} WHERE run_id = ?", [run_id])
                con.execute("DELETE FROM runs WHERE run_id = ?", [run_id])
                self._refresh_events_view(con)
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise
        if files:
            from landbridge.outpaths import remove_written

            remove_written(run_dir)
        return run_id

    # ---------------------------------------------------------------------- reading
    @staticmethod
    def _kpi_tables(con) -> list[str]:
        return sorted(r[0][4:] for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_name LIKE 'kpi_%'").fetchall())

    @staticmethod
    def _resolve(con, ref: str) -> str:
        """Run id for ``ref``: a run id, a unique prefix of one, ``latest``, a scenario
        name (its latest run) or a run directory."""
        if not ref.strip():  # '' starts every id: it would pick a store's only run
            raise UnknownNameError("an empty run id; give a run id, a unique prefix of "
                                   "one, latest, a scenario name or a run directory.")
        ids = [r[0] for r in con.execute(
            "SELECT run_id FROM runs ORDER BY created_seq").fetchall()]
        if ref in ids:
            return ref
        if ref == "latest" and ids:
            return ids[-1]
        pref = [i for i in ids if i.startswith(ref)]
        if len(pref) == 1:
            return pref[0]
        by_name = con.execute("SELECT run_id FROM runs WHERE scenario_name = ? "
                              "ORDER BY created_seq DESC LIMIT 1", [ref]).fetchone()
        if by_name:
            return by_name[0]
        if Path(ref).is_dir():
            by_dir = con.execute("SELECT run_id FROM runs WHERE run_dir = ?",
                                 [str(Path(ref).resolve())]).fetchone()
            if by_dir:
                return by_dir[0]
        if len(pref) > 1:
            raise UnknownNameError(f"run {ref!r} is ambiguous: it starts "
                                   f"{', '.join(pref[:5])}{'...' if len(pref) > 5 else ''}")
        import difflib

        close = difflib.get_close_matches(ref, ids, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        known = "the store is empty" if not ids else "`landbridge runs list` shows the runs"
        raise UnknownNameError(f"no run {ref!r} in the results store ({known}).{hint}")

    def resolve(self, ref: str) -> str:
        """The run id that ``ref`` denotes: a run id, a unique prefix, ``latest``, a
        scenario name (its latest run) or a recorded run directory.

        Raises
        ------
        UnknownNameError
            No (or more than one) run matches; the message suggests close run ids.
        """
        with self._connect() as con:
            return self._resolve(con, ref)

    def resolve_matching(self, ref: str, manifest: dict[str, Any]) -> str:
        """Like :meth:`resolve`, but a scenario name denotes that scenario's latest run
        made with the same seed, start date, horizon and replications as ``manifest``
        (the run it is to be compared with), when there is one; otherwise its latest run.
        A baseline then stays the matching one when runs of another horizon were stored
        after it.

        Raises
        ------
        UnknownNameError
            As :meth:`resolve`.
        """
        keys = ("seed", "start_date", "horizon_days", "replications")
        with self._connect() as con:
            ids = [r[0] for r in con.execute("SELECT run_id FROM runs").fetchall()]
            pref = [i for i in ids if i.startswith(ref)]
            if ref not in ids and ref != "latest" and len(pref) != 1:  # as _resolve
                rows = con.execute("SELECT run_id, manifest FROM runs WHERE scenario_name = ? "
                                   "ORDER BY created_seq DESC", [ref]).fetchall()
                for run_id, text in rows:
                    have = json.loads(text)
                    if all(have.get(k) == manifest.get(k) for k in keys):
                        return run_id
            return self._resolve(con, ref)

    def find_identical(self, manifest: dict[str, Any]) -> tuple[str, str] | None:
        """The latest stored run with the same manifest as ``manifest`` (scenario hash,
        seed, replications, horizon, landbridge version...; ``scenario_file`` aside)
        whose run directory is still complete, as ``(run_id, run_dir)``; else None.
        Same manifest means the same results, byte for byte."""
        ignore = {"scenario_file"}
        want = {k: v for k, v in manifest.items() if k not in ignore}
        with self._connect() as con:
            rows = con.execute(
                "SELECT run_id, run_dir, manifest FROM runs WHERE scenario_hash = ? AND "
                "seed = ? AND replications = ? ORDER BY created_seq DESC",
                [manifest.get("scenario_hash"), int(manifest.get("seed", -1)),
                 int(manifest.get("replications", -1))]).fetchall()
        for run_id, run_dir, text in rows:
            have = {k: v for k, v in json.loads(text).items() if k not in ignore}
            d = Path(run_dir)
            if have == want and all((d / f).is_file() for f in (
                    "manifest.json", "kpis.json", "events.parquet", "scenario.json")):
                return run_id, run_dir
        return None

    def runs(self) -> pd.DataFrame:
        """All runs, oldest first (no manifest/scenario JSON; see :meth:`run`)."""
        with self._connect() as con:
            return con.execute(f"SELECT {', '.join(_RUN_COLUMNS)} FROM runs "
                               "ORDER BY created_seq").df()

    def run(self, ref: str) -> dict[str, Any]:
        """One run: its ``runs`` row with ``manifest`` and ``scenario`` as dicts."""
        with self._connect() as con:
            run_id = self._resolve(con, ref)
            df = con.execute("SELECT * FROM runs WHERE run_id = ?", [run_id]).df()
        row = df.iloc[0].to_dict()
        row["manifest"] = json.loads(row["manifest"])
        row["scenario"] = json.loads(row["scenario"])
        row["start_date"] = str(row["start_date"])[:10]
        return row

    def kpis(self, ref: str, table: str | None = None
             ) -> pd.DataFrame | dict[str, pd.DataFrame]:
        """A run's KPI table (``od``, ``crossings``, ...) or, without ``table``, all of
        them, in the row order of the run's ``kpis.json``.

        Raises
        ------
        UnknownNameError
            Unknown run or table.
        """
        with self._connect() as con:
            run_id = self._resolve(con, ref)
            have = self._kpi_tables(con)
            names = have if table is None else [table]
            if table is not None and table not in have:
                raise UnknownNameError(f"no KPI table {table!r}; the store has "
                                       f"{', '.join(have)}")
            out = {}
            for t in names:
                cols = [r[0] for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "ORDER BY ordinal_position", [f"kpi_{t}"]).fetchall()
                    if r[0] not in ("run_id", "row_index")]
                if not cols:
                    out[t] = pd.DataFrame()
                    continue
                out[t] = con.execute(
                    f"SELECT {', '.join(_quote(c) for c in cols)} FROM kpi_{t} "
                    "WHERE run_id = ? ORDER BY row_index", [run_id]).df()
        ordered = {t: out[t] for t in KPI_TABLES if t in out}
        ordered.update({t: v for t, v in out.items() if t not in ordered})
        return ordered[table] if table is not None else ordered

    def events(self, ref: str, where: str | None = None) -> pd.DataFrame:
        """A run's event log (all replications) from its ``events.parquet``.

        Parameters
        ----------
        ref : str
            The run.
        where : str, optional
            A SQL condition on the event columns, e.g. ``"event = 'deliver'"``.

        Raises
        ------
        StoreError
            The run directory or its event log is gone.
        """
        info = self.run(ref)
        path = Path(info["run_dir"]) / "events.parquet"
        if not path.is_file():
            raise StoreError(f"the event log of run {info['run_id']} is gone: {path} is "
                             "missing (run directories must stay where they were recorded)")
        con = duckdb.connect(config=_DUCKDB_CONFIG)
        try:
            sql = "SELECT * FROM read_parquet(?)" + (f" WHERE {where}" if where else "")
            return con.execute(sql + " ORDER BY replication, seq", [str(path)]).df()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read {path}: {str(exc).splitlines()[0]}") from None
        finally:
            con.close()

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run a read-only SQL query on the store (tables ``runs``, ``kpi_*``, view
        ``events``) and return the result."""
        with self._connect() as con:
            self._refresh_events_view(con, temp=True)
            return con.execute(sql, params or []).df()

    def compare(self, ref_a: str, ref_b: str) -> pd.DataFrame:
        """KPI differences ``b − a`` with Welch 95 % confidence intervals; see
        :func:`landbridge.store.compare.compare_kpis`."""
        from landbridge.store.compare import compare_kpis

        return compare_kpis(self.kpis(ref_a), self.kpis(ref_b))

    def export(self, ref: str, out: str | Path, format: str = "csv") -> Path:
        """Write a run's KPI tables, manifest, scenario and events to directory ``out``
        as ``csv`` or ``parquet`` files (atomically: all files or none).

        Raises
        ------
        StoreError
            ``out`` exists and is not empty, or the event log is gone.
        """
        if format not in ("csv", "parquet"):
            raise UsageError([Problem("<command line>", "--format", "",
                                      f"{format!r}: expected csv or parquet")])
        out = Path(out)
        from landbridge.store.rundir import check_output_dir

        check_output_dir(out)
        info = self.run(ref)
        tables = self.kpis(info["run_id"])
        events = self.events(info["run_id"])
        with atomic_dir(out) as tmp:
            for name, df in {**{f"kpis_{t}": d for t, d in tables.items()},
                             "events": events}.items():
                if format == "csv":
                    from landbridge.analysis.schema import kpi_csv

                    (tmp / f"{name}.csv").write_text(kpi_csv(df), encoding="utf-8")
                else:
                    df.to_parquet(tmp / f"{name}.parquet", index=False, compression="zstd")
            for name in ("manifest", "scenario"):
                (tmp / f"{name}.json").write_text(
                    json.dumps(info[name], indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
        return out
