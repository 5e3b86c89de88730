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

import contextlib
import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import pyarrow.parquet as pq

from landbridge.errors import Problem, StoreError, UsageError

__all__ = ["write_run_dir", "kpis_to_json", "read_kpis_json", "default_run_dir",
           "network_snapshot"]


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 6)
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())
    if value is pd.NA or value is None:
        return None
    return value


def kpis_to_json(tables: dict[str, pd.DataFrame]) -> dict[str, list[dict]]:
    """KPI tables as JSON-ready lists of records (NaN → null, floats rounded to 1e-6)."""
    return {name: [{k: _clean(v) for k, v in row.items()} for row in df.to_dict("records")]
            for name, df in tables.items()}


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
        (id, origin, destination, nodes, links, teu_per_train), each sorted by id.
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
                     teu_per_train=p.teu_per_train)
                for p in sorted(compiled.services, key=lambda p: p.id)]
    return {"nodes": nodes, "links": links, "crossings": crossings, "services": services}


def check_output_dir(out: str | Path) -> None:
    """Check that ``out`` can become a new run directory: it does not exist or is an
    empty directory, and its parent is (or can be made) a writable directory.

    Raises
    ------
    UsageError
        Naming ``--out`` and what is wrong; nothing is written.
    """
    out = Path(out)
    if str(out).strip() in ("", "."):
        raise UsageError([Problem(str(out), "--out", "", "expected a directory name")])
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError([Problem(str(out), "--out", "",
                                  "exists and is not an empty directory; choose another or "
                                  "remove it (nothing was written)")])
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=f".{out.name}.probe-", dir=parent)
        os.rmdir(probe)
    except OSError as exc:
        raise UsageError([Problem(str(out), "--out", "",
                                  f"cannot write in {parent}: {exc.strerror or exc}")]) from None


@contextlib.contextmanager
def atomic_dir(out: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling directory of ``out``; when the block succeeds it
    replaces ``out`` in one rename (``out`` must be absent or empty unless
    ``overwrite``), when it fails it is removed: all files or none."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700; a run is as readable as any dir
    try:
        yield tmp
        if out.exists():
            if overwrite:
                shutil.rmtree(out)
            else:
                out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_run_dir(run, out: str | Path, overwrite: bool = False) -> Path:
    """Write ``run`` (a :class:`~landbridge.runners.SimulationRun`) to ``out``.

    Raises
    ------
    UsageError
        When ``out`` exists and is not empty and ``overwrite`` is false, or cannot be
        written (nothing is touched).
    """
    out = Path(out)
    if not overwrite:
        check_output_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_dir(out, overwrite) as tmp:
        (tmp / "manifest.json").write_text(
            json.dumps(run.manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        sc = run.compiled.scenario.model_dump(mode="json", by_alias=True)
        (tmp / "scenario.json").write_text(json.dumps(sc, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
        tables = run.summary.tables()
        doc = {"manifest": run.manifest, "tables": kpis_to_json(tables)}
        (tmp / "kpis.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
        for name, df in tables.items():
            df.to_csv(tmp / f"kpis_{name}.csv", index=False, float_format="%.6g",
                      lineterminator="\n")
        pq.write_table(run.events(), tmp / "events.parquet", compression="zstd")
        (tmp / "network.json").write_text(
            json.dumps(network_snapshot(run.compiled), indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8")
    return out
