"""Observed against simulated: the validation scorecard of ``landbridge validate``.

A table of published observations (``data/observations.yaml``) names, for each row, the
scenario it belongs to, what was observed (a value with a tolerance, or a range), its
source and year, and its *role*: ``calibration`` (the row was used to set a parameter or
a flow of the bundled data) or ``validation`` (only checked). For each row this module
computes the simulated figure from the runs of the row's scenario, per replication, and
its mean with a 95 % confidence interval over replications; the row is *inside* when
that interval overlaps the observed range.

Row kinds (``kind``) and what is simulated:

``crossing_trains_per_day``
    trains accepted per day at ``crossings`` (summed), ``direction`` ``a_to_b``,
    ``b_to_a`` or ``both`` (KPI table ``crossings``, ``trains_per_day``).
``crossing_teu_per_day``
    the same in TEU (``teu_per_day``).
``crossing_wait_h``
    ``statistic`` ``wait_mean_h``, ``wait_p95_h`` or ``dwell_mean_h`` at one crossing and
    direction (a queue episode is a ``wait_p95_h`` row).
``od_transit_days``
    ``statistic`` ``transit_mean_d``, ``transit_p50_d`` or ``transit_p95_d`` of an
    ``origin``–``destination`` pair (KPI table ``od``).
``section_transit_days``
    mean time of the trains that leave one of ``from_crossings`` and later arrive at one
    of ``to_crossings`` (event log: ``depart`` → ``arrive``), e.g. the 1520 mm section
    from the Chinese border to Brest.
``trains_dispatched_per_year`` / ``teu_dispatched_per_year``
    ``dispatch`` events of the services whose origin and destination are not in
    ``exclude_nodes``, × 365 / horizon days.

The verdict of a row is ``inside``, ``outside`` or ``no data`` (the scenario produced
nothing to measure, e.g. no train of that pair was delivered).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from landbridge.analysis.stats import t975
from landbridge.errors import InputError, Problem

__all__ = ["Observation", "ObservationsError", "ScoreRow", "Scorecard", "KINDS",
           "load_observations", "bundled_observations_path", "simulated_values",
           "score_observations"]

KINDS = ("crossing_trains_per_day", "crossing_teu_per_day", "crossing_wait_h",
         "od_transit_days", "section_transit_days", "trains_dispatched_per_year",
         "teu_dispatched_per_year")
ROLES = ("calibration", "validation")
_WAIT_STATS = ("wait_mean_h", "wait_p95_h", "dwell_mean_h")
_OD_STATS = ("transit_mean_d", "transit_p50_d", "transit_p95_d")
_DIRECTIONS = ("a_to_b", "b_to_a", "both")


class ObservationsError(InputError):
    """The observations table is malformed (every problem listed)."""

    kind = "observations table"


@dataclass(frozen=True)
class Observation:
    """One published observation (a row of the observations table).

    ``low``/``high`` is the observed range in ``unit``: given as ``range: [low, high]``
    or as ``value`` ± ``tolerance_pct`` percent. ``params`` holds the kind's own fields
    (crossings, origin, statistic, ...).
    """

    id: str
    scenario: str
    year: int
    role: str
    kind: str
    value: float | None
    low: float
    high: float
    unit: str
    source: str
    params: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    miss_cause: str = ""


@dataclass(frozen=True)
class ScoreRow:
    """A scored observation: the simulated mean, its 95 % CI half-width (None with one
    replication), the number of replications that measured it, and the verdict."""

    observation: Observation
    simulated: float | None
    ci95: float | None
    n: int
    verdict: str

    def to_dict(self) -> dict:
        o = self.observation
        return {"id": o.id, "scenario": o.scenario, "year": o.year, "role": o.role,
                "kind": o.kind, "observed": o.value, "observed_low": o.low,
                "observed_high": o.high, "unit": o.unit, "simulated": self.simulated,
                "simulated_ci95": self.ci95, "replications": self.n,
                "verdict": self.verdict, "source": o.source, "note": o.note,
                "miss_cause": o.miss_cause if self.verdict != "inside" else ""}


@dataclass(frozen=True)
class Scorecard:
    """All scored rows and the counts per role."""

    rows: tuple[ScoreRow, ...]

    def counts(self) -> dict[str, dict[str, int]]:
        """``{role: {"inside": n, "rows": n}}`` for calibration and validation."""
        out = {r: {"inside": 0, "rows": 0} for r in ROLES}
        for row in self.rows:
            c = out[row.observation.role]
            c["rows"] += 1
            c["inside"] += row.verdict == "inside"
        return out

    def summary_line(self) -> str:
        """``calibration 5/6 inside · validation 7/12 inside``."""
        c = self.counts()
        return " · ".join(f"{r} {c[r]['inside']}/{c[r]['rows']} inside" for r in ROLES)

    @property
    def all_inside(self) -> bool:
        """Every row inside its observed range."""
        return all(r.verdict == "inside" for r in self.rows)

    def to_dict(self) -> dict:
        return {"summary": self.counts(), "summary_line": self.summary_line(),
                "rows": [r.to_dict() for r in self.rows]}


def bundled_observations_path() -> Path:
    """``data/observations.yaml`` inside the package."""
    return Path(str(resources.files("landbridge") / "data" / "observations.yaml"))


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v)


def load_observations(path: str | Path | None = None) -> list[Observation]:
    """Read and check an observations table (default: the bundled one).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file with ``observations:``, a list of rows (see the bundled file).

    Returns
    -------
    list of Observation
        In file order.

    Raises
    ------
    ObservationsError
        Every problem at once, naming the file, the row id and the field: a missing
        source or year, an unknown kind or role, no range, a range with low > high, a
        duplicate id, a missing field of the row's kind.
    """
    from landbridge.textfiles import load_yaml_file

    p = Path(path) if path is not None else bundled_observations_path()
    data = load_yaml_file(p, ObservationsError)
    f = str(p)
    problems: list[Problem] = []
    rows = data.get("observations") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise ObservationsError([Problem(f, "observations", "", "expected a non-empty list "
                                         "of rows under the key 'observations'")])
    out: list[Observation] = []
    seen: set[str] = set()
    common = {"id", "scenario", "year", "role", "kind", "value", "tolerance_pct", "range",
              "unit", "source", "note", "miss_cause"}
    for i, r in enumerate(rows):
        item = f"observations[{i}]"
        if not isinstance(r, dict):
            problems.append(Problem(f, item, "", "expected a mapping"))
            continue
        rid = r.get("id")
        if isinstance(rid, str) and rid:
            item = rid
            if rid in seen:
                problems.append(Problem(f, item, "id", "duplicate id"))
            seen.add(rid)
        else:
            problems.append(Problem(f, item, "id", "missing or empty id"))
        n0 = len(problems)
        for key in ("scenario", "source", "unit"):
            if not isinstance(r.get(key), str) or not r.get(key).strip():
                problems.append(Problem(f, item, key, "missing; expected text"))
        if not isinstance(r.get("year"), int) or isinstance(r.get("year"), bool):
            problems.append(Problem(f, item, "year", f"expected a year, found {r.get('year')!r}"))
        if r.get("role") not in ROLES:
            problems.append(Problem(f, item, "role", f"expected one of {', '.join(ROLES)}, "
                                    f"found {r.get('role')!r}"))
        kind = r.get("kind")
        if kind not in KINDS:
            problems.append(Problem(f, item, "kind", f"expected one of {', '.join(KINDS)}, "
                                    f"found {kind!r}"))
        value, low, high = r.get("value"), None, None
        if "range" in r:
            rng = r["range"]
            if (isinstance(rng, list) and len(rng) == 2 and all(_number(x) for x in rng)
                    and rng[0] <= rng[1]):
                low, high = float(rng[0]), float(rng[1])
            else:
                problems.append(Problem(f, item, "range", f"expected [low, high] numbers with "
                                        f"low ≤ high, found {rng!r}"))
        elif _number(value) and _number(r.get("tolerance_pct")) and r["tolerance_pct"] >= 0:
            tol = float(r["tolerance_pct"]) / 100.0
            low, high = sorted((value * (1 - tol), value * (1 + tol)))
        else:
            problems.append(Problem(f, item, "value", "give range: [low, high] or value "
                                    "with tolerance_pct"))
        if value is not None and not _number(value):
            problems.append(Problem(f, item, "value", f"expected a number, found {value!r}"))
        params = {k: v for k, v in r.items() if k not in common}
        problems.extend(_kind_problems(f, item, kind, params))
        if len(problems) == n0:
            out.append(Observation(
                id=rid, scenario=r["scenario"], year=r["year"], role=r["role"], kind=kind,
                value=None if value is None else float(value), low=low, high=high,
                unit=r["unit"], source=r["source"].strip(), params=params,
                note=str(r.get("note") or "").strip(),
                miss_cause=str(r.get("miss_cause") or "").strip()))
    if problems:
        raise ObservationsError(problems)
    return out


def _kind_problems(f: str, item: str, kind: Any, p: dict) -> list[Problem]:
    need: dict[str, Callable[[Any], bool]] = {}
    is_ids = (lambda v: isinstance(v, list) and v and all(isinstance(x, str) for x in v))
    is_str = (lambda v: isinstance(v, str) and bool(v))
    if kind in ("crossing_trains_per_day", "crossing_teu_per_day"):
        need = {"crossings": is_ids, "direction": lambda v: v in _DIRECTIONS}
    elif kind == "crossing_wait_h":
        need = {"crossing": is_str, "direction": lambda v: v in ("a_to_b", "b_to_a"),
                "statistic": lambda v: v in _WAIT_STATS}
    elif kind == "od_transit_days":
        need = {"origin": is_str, "destination": is_str,
                "statistic": lambda v: v in _OD_STATS}
    elif kind == "section_transit_days":
        need = {"from_crossings": is_ids, "to_crossings": is_ids}
    elif kind in ("trains_dispatched_per_year", "teu_dispatched_per_year"):
        need = {"exclude_nodes": lambda v: v is None or isinstance(v, list)}
    else:
        return []
    out = [Problem(f, item, k, f"missing or invalid for kind {kind}: {p.get(k)!r}")
           for k, ok in need.items() if not ok(p.get(k))]
    extra = sorted(set(p) - set(need))
    if extra:
        out.append(Problem(f, item, extra[0], f"unknown field for kind {kind} "
                           f"(expected {', '.join(sorted(need))})"))
    return out


# ----------------------------------------------------------------- simulated figures
def _crossing_rows(kpis, crossings: Iterable[str], direction: str) -> pd.DataFrame:
    df = kpis.crossings
    df = df[df["crossing"].isin(list(crossings))]
    if direction != "both":
        df = df[df["direction"] == direction]
    return df


def _per_replication(obs: Observation, kpis, events: pd.DataFrame | None,
                     compiled) -> float | None:
    p = obs.params
    k = obs.kind
    if k in ("crossing_trains_per_day", "crossing_teu_per_day"):
        col = "trains_per_day" if k == "crossing_trains_per_day" else "teu_per_day"
        df = _crossing_rows(kpis, p["crossings"], p["direction"])
        vals = pd.to_numeric(df[col], errors="coerce").dropna()
        return float(vals.sum()) if len(df) else 0.0
    if k == "crossing_wait_h":
        df = _crossing_rows(kpis, [p["crossing"]], p["direction"])
        vals = pd.to_numeric(df[p["statistic"]], errors="coerce").dropna()
        return float(vals.iloc[0]) if len(vals) else None
    if k == "od_transit_days":
        df = kpis.od
        df = df[(df["origin"] == p["origin"]) & (df["destination"] == p["destination"])]
        vals = pd.to_numeric(df[p["statistic"]], errors="coerce").dropna()
        return float(vals.iloc[0]) if len(vals) else None
    if k == "section_transit_days":
        return _section_days(events, p["from_crossings"], p["to_crossings"])
    if k in ("trains_dispatched_per_year", "teu_dispatched_per_year"):
        excluded = set(p.get("exclude_nodes") or [])
        keep = {s.id for s in compiled.services
                if s.origin not in excluded and s.destination not in excluded}
        ev = events[(events["event"] == "dispatch") & events["service"].isin(keep)]
        per_year = 365.0 / compiled.scenario.horizon_days
        if k == "trains_dispatched_per_year":
            return float(len(ev)) * per_year
        return float(ev["teu"].sum()) * per_year
    raise ValueError(f"unknown kind {k!r}")  # pragma: no cover - load_observations checks


def _section_days(events: pd.DataFrame, from_x: Sequence[str], to_x: Sequence[str]
                  ) -> float | None:
    dep = events[(events["event"] == "depart") & events["crossing"].isin(list(from_x))]
    arr = events[(events["event"] == "arrive") & events["crossing"].isin(list(to_x))]
    if dep.empty or arr.empty:
        return None
    d = dep.groupby("train")["time_h"].min().rename("t0")
    a = arr[["train", "time_h"]].merge(d, left_on="train", right_index=True)
    a = a[a["time_h"] > a["t0"]]
    if a.empty:
        return None
    per_train = a.groupby("train").apply(lambda g: (g["time_h"] - g["t0"]).min(),
                                         include_groups=False)
    return float(per_train.mean() / 24.0)


def _needs_events(obs: Observation) -> bool:
    return obs.kind in ("section_transit_days", "trains_dispatched_per_year",
                        "teu_dispatched_per_year")


def simulated_values(obs: Observation, run, _frames: dict | None = None) -> list[float]:
    """The simulated figure of ``obs`` in each replication of ``run`` (a
    :class:`landbridge.runners.SimulationRun` of the row's scenario); replications that
    measured nothing are left out. ``_frames`` caches event frames between rows."""
    out = []
    frames = {} if _frames is None else _frames
    for result, kpis in zip(run.results, run.per_replication):
        events = None
        if _needs_events(obs):
            if id(result) not in frames:
                frames[id(result)] = result.events.select(
                    ["train", "service", "event", "crossing", "time_h", "teu"]).to_pandas()
            events = frames[id(result)]
        v = _per_replication(obs, kpis, events, run.compiled)
        if v is not None and np.isfinite(v):
            out.append(v)
    return out


def _mean_ci(values: Sequence[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    m = float(np.mean(values))
    if len(values) < 2:
        return m, None
    return m, float(t975(len(values) - 1) * np.std(values, ddof=1) / np.sqrt(len(values)))


def score_observations(observations: Sequence[Observation], runs: Mapping[str, Any]
                       ) -> Scorecard:
    """Score every observation against the run of its scenario.

    Parameters
    ----------
    observations : sequence of Observation
    runs : mapping of scenario name → SimulationRun
        One run per scenario named by the rows.

    Returns
    -------
    Scorecard
        A row is inside when [mean − CI, mean + CI] overlaps [low, high] (with one
        replication, when the mean lies in [low, high]).

    Raises
    ------
    KeyError
        When a row's scenario has no run.
    """
    rows = []
    frames: dict = {}
    for o in observations:
        vals = simulated_values(o, runs[o.scenario], frames)
        m, ci = _mean_ci(vals)
        if m is None:
            verdict = "no data"
        else:
            lo, hi = (m - (ci or 0.0), m + (ci or 0.0))
            verdict = "inside" if hi >= o.low and lo <= o.high else "outside"
        rows.append(ScoreRow(o, m, ci, len(vals), verdict))
    return Scorecard(tuple(rows))
