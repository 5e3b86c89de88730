"""The sweep directory: what a sweep writes, one small file at a time.

Layout::

    sweep.json                 manifest: the sweep as validated, seed scheme, points
                               (parameters, scenario hash), replications, identity
    points/p000.json           the scenario of each point as validated
    reps/p000-r0000.json       one finished replication: its KPI tables (full precision)
    failures/p000-r0003.json   one failed replication: point, seed, spawn key, error
    summary.json               KPIs per point with 95 % CIs (all tables)
    summary_<table>.csv        the same per table; summary_points.csv: one row per point
    sweep.html                 the sweep report: chart of KPIs against the parameters

Every file is written to a temporary sibling and renamed into place (``os.replace``),
so an interruption at any moment leaves only complete files; a finished replication
is on disk before the next one is awaited. Summary files are rebuilt from ``reps/`` in
(point, replication) order, so they do not depend on which worker ran what, in what
order, or whether the sweep was resumed.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from landbridge.analysis.kpis import Kpis
from landbridge.outpaths import write_atomic  # the package's one atomic text write

__all__ = ["write_atomic", "write_json", "rep_file", "failure_file", "kpis_to_doc",
           "doc_to_kpis", "finished_replications", "read_rep", "read_failures",
           "REP_NAME"]

REP_NAME = re.compile(r"^p(\d+)-r(\d+)\.json$")


def write_json(path: Path, data: Any, indent: int | None = 2) -> None:
    """:func:`write_atomic` of ``data`` as JSON (NaN/inf refused; keys in given order)."""
    sep = None if indent is not None else (",", ":")
    write_atomic(path, json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False,
                                  separators=sep) + "\n")


def rep_file(out: Path, point: int, replication: int) -> Path:
    return out / "reps" / f"p{point:03d}-r{replication:04d}.json"


def failure_file(out: Path, point: int, replication: int) -> Path:
    return out / "failures" / f"p{point:03d}-r{replication:04d}.json"


def _plain(v: Any) -> Any:
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def kpis_to_doc(kpis: Kpis) -> dict[str, dict]:
    """KPI tables as ``{table: {"columns": [...], "data": [[...], ...]}}``; floats keep
    full precision (JSON round-trips them exactly), NaN becomes null."""
    doc = {}
    for name, df in kpis.tables().items():
        doc[name] = {"columns": [str(c) for c in df.columns],
                     "data": [[_plain(v) for v in row] for row in df.itertuples(index=False)]}
    return doc


def doc_to_kpis(doc: dict[str, dict]) -> Kpis:
    """Inverse of :func:`kpis_to_doc`."""
    return Kpis(**{name: pd.DataFrame(t["data"], columns=t["columns"]) for name, t in doc.items()})


def finished_replications(out: Path) -> set[tuple[int, int]]:
    """(point, replication) of every finished replication file in ``out/reps``."""
    d = out / "reps"
    if not d.is_dir():
        return set()
    found = set()
    for p in d.iterdir():
        m = REP_NAME.match(p.name)
        if m:
            found.add((int(m.group(1)), int(m.group(2))))
    return found


def read_rep(out: Path, point: int, replication: int) -> dict:
    """The record of one finished replication (``tables`` as :class:`Kpis` under
    ``kpis``)."""
    doc = json.loads(rep_file(out, point, replication).read_text(encoding="utf-8"))
    doc["kpis"] = doc_to_kpis(doc.pop("tables"))
    return doc


def read_failures(out: Path) -> list[dict]:
    """Failure records in (point, replication) order."""
    d = out / "failures"
    if not d.is_dir():
        return []
    recs = [json.loads(p.read_text(encoding="utf-8")) for p in d.glob("p*-r*.json")]
    return sorted(recs, key=lambda r: (r["point"], r["replication"]))
