"""The sweep file (YAML): a base scenario, the parameters to vary, replications per point.

Example (``src/landbridge/data/sweeps/dostyk-tracks.yaml``)::

    name: dostyk-tracks
    scenario: default                  # bundled name, or a file relative to this one
    replications: 20                   # per point (default: the scenario's)
    set:                               # applied to every point
      horizon_days: 60
    grid:                              # Cartesian product, first key varies slowest
      crossings.ASK-DST.transshipment.tracks: [2, 4]
      crossings.ASK-DST.clearance_h.mean: {from: 2.0, to: 6.0, step: 4.0}
    labels:
      crossings.ASK-DST.transshipment.tracks: Dostyk transshipment tracks
    chart:
      - {table: crossings, kpi: wait_mean_h, where: {crossing: ASK-DST}}

Parameter paths are explained in :mod:`landbridge.runners.params`. Every record forbids
unknown keys; problems are reported with the file and the path inside it, all at once.
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Union

from landbridge.textfiles import load_yaml_file
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator

from landbridge.analysis.schema import KPI_SCHEMA
from landbridge.errors import Problem, SweepError, UnknownNameError
from landbridge.scenario.loader import pydantic_problems

__all__ = ["Sweep", "Range", "ChartKpi", "KPI_COLUMNS", "load_sweep", "parse_sweep",
           "bundled_sweeps", "sweep_path"]

#: Value columns of the KPI tables a chart can plot, and their key columns (what
#: ``where`` may filter on): from the one KPI declaration, :mod:`landbridge.analysis.schema`.
KPI_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(spec.values) for name, spec in KPI_SCHEMA.items() if not spec.daily}
KPI_KEYS: dict[str, tuple[str, ...]] = {
    name: tuple(spec.keys) for name, spec in KPI_SCHEMA.items() if not spec.daily}


class _Rec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


MAX_POINTS = 2_000
"""Most points a sweep may have (each point is a compiled scenario held in memory)."""
MAX_REPLICATIONS = 200_000
"""Most replications (points × replications per point) of one sweep."""


class Range(_Rec):
    """Evenly spaced values ``from, from + step, ...`` up to and including ``to``
    (within 1e-9 · step). Integers stay integers when all three are integers."""

    from_: float = Field(alias="from")
    to: float
    step: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Range":
        if self.to < self.from_:
            raise ValueError(f"'to' ({self.to:g}) is below 'from' ({self.from_:g})")
        if (self.to - self.from_) / self.step > 10000:
            raise ValueError("more than 10,000 values; use a larger step")
        return self

    def values(self) -> list[float | int]:
        n = int(math.floor((self.to - self.from_) / self.step + 1e-9)) + 1
        vals = [self.from_ + i * self.step for i in range(n)]
        if all(float(v).is_integer() for v in (self.from_, self.to, self.step)):
            return [int(round(v)) for v in vals]
        return [round(v, 12) for v in vals]


class ChartKpi(_Rec):
    """One KPI to chart against the varied parameters: a value column (``kpi``) of a
    KPI table (``table``), on the rows selected by ``where`` (key column → value, e.g.
    ``{crossing: ASK-DST, direction: a_to_b}``); one panel per selected row."""

    table: Literal["od", "crossings", "road", "run"]
    kpi: str
    where: dict[str, str] = Field(default_factory=dict)
    title: str | None = None

    @model_validator(mode="after")
    def _known(self) -> "ChartKpi":
        cols = KPI_COLUMNS[self.table]
        if self.kpi not in cols:
            raise ValueError(f"unknown KPI {self.kpi!r} of table {self.table}; expected one of "
                             + ", ".join(cols))
        bad = [k for k in self.where if k not in KPI_KEYS[self.table]]
        if bad:
            keys = ", ".join(KPI_KEYS[self.table]) or "nothing (one row)"
            raise ValueError(f"cannot filter table {self.table} on {', '.join(bad)}; "
                             f"its keys are {keys}")
        return self


class Sweep(_Rec):
    """A parameter sweep: see the module docstring.

    ``points`` run in this order: the ``grid`` product first (first key varies slowest),
    then the explicit ``points``. Point ``p``, replication ``r`` uses the seed
    ``numpy.random.SeedSequence(seed, spawn_key=(p, r))``.
    """

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    scenario: str = Field(min_length=1)
    replications: StrictInt | None = Field(default=None, ge=1, le=10000)
    seed: StrictInt | None = Field(default=None, ge=0, le=2**63 - 1)
    set: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, Union[list[Any], Range]] = Field(default_factory=dict)
    points: list[dict[str, Any]] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)
    chart: list[ChartKpi] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something_varies(self) -> "Sweep":
        if not self.grid and not self.points:
            raise ValueError("nothing to sweep: give grid or points")
        for path, vals in self.grid.items():
            if isinstance(vals, list) and not vals:
                raise ValueError(f"grid.{path}: empty list of values")
        for i, p in enumerate(self.points):
            if not p:
                raise ValueError(f"points[{i}]: empty point (give at least one parameter)")
        n_points = len(self.points)
        grid_points = 1
        for path, vals in self.grid.items():
            n = len(vals) if isinstance(vals, list) else len(vals.values())
            if isinstance(vals, list) and len(set(map(repr, vals))) != len(vals):
                raise ValueError(f"grid.{path}: a value is repeated: {vals}")
            grid_points *= n
        n_points += grid_points if self.grid else 0
        if n_points > MAX_POINTS:
            raise ValueError(f"{n_points:,} points (grid product and points); at most "
                             f"{MAX_POINTS:,} are allowed: use fewer values or larger steps")
        reps = self.replications or 1
        if n_points * reps > MAX_REPLICATIONS:
            raise ValueError(f"{n_points:,} points × {reps:,} replications = "
                             f"{n_points * reps:,} runs; at most {MAX_REPLICATIONS:,}")
        _same_parameter_twice([("set", self.set), ("grid", self.grid)])
        for i, p in enumerate(self.points):
            _same_parameter_twice([("set", self.set), (f"points[{i}]", p)])
        known = set(self.grid) | {k for p in self.points for k in p}
        unknown = sorted(set(self.labels) - known)
        if unknown:
            raise ValueError("labels for parameters that are not varied: " + ", ".join(unknown))
        return self

    def parameters(self) -> list[str]:
        """The varied parameter paths, grid keys first, in file order."""
        out = list(self.grid)
        for p in self.points:
            out += [k for k in p if k not in out]
        return out

    def label(self, path: str) -> str:
        return self.labels.get(path, path)


def _same_parameter_twice(groups: list[tuple[str, dict]]) -> None:
    """Refuse one scenario value given under two spellings (``crossings.X.f`` and
    ``overrides.crossings.X.f``), or in ``set`` and varied: one would silently
    overwrite the other, and points would be labelled with values they did not run."""
    from landbridge.runners.params import PathError, normalize_path

    seen: dict[tuple, str] = {}
    for where, params in groups:
        for key in params:
            try:
                norm = tuple(normalize_path(key))
            except PathError:
                continue  # malformed: reported with the point
            spelled = f"{where}.{key}"
            if norm in seen:
                raise ValueError(f"{seen[norm]} and {spelled} set the same scenario value; "
                                 "give it once")
            seen[norm] = spelled


def _sweeps_dir() -> Path:
    return Path(str(resources.files("landbridge") / "data" / "sweeps"))


def bundled_sweeps() -> list[str]:
    """Names of the bundled sweep files (``dostyk-tracks``, ...)."""
    d = _sweeps_dir()
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


def sweep_path(name_or_path: str | Path) -> Path:
    """The file of a sweep path or bundled sweep name.

    Raises
    ------
    SweepError
        When a ``.yaml`` path does not exist.
    UnknownNameError
        When it is neither a file nor a bundled sweep name.
    """
    p = Path(name_or_path)
    if p.exists():
        return p
    if p.suffix in (".yaml", ".yml"):
        raise SweepError([Problem(str(p), "", "", "sweep file not found")])
    bundled = _sweeps_dir() / f"{name_or_path}.yaml"
    if bundled.exists():
        return bundled
    raise UnknownNameError(f"{name_or_path!r} is neither a sweep file nor a bundled sweep "
                           f"({', '.join(bundled_sweeps()) or 'none'})")


def parse_sweep(data: Any, file: str = "<sweep>") -> Sweep:
    """Validate a sweep given as plain data.

    Raises
    ------
    SweepError
        Listing every schema problem (file, path inside it, what was expected).
    """
    if not isinstance(data, dict):
        raise SweepError([Problem(file, "", "", "expected a mapping at the top level")])
    try:
        return Sweep.model_validate(data)
    except ValidationError as err:
        problems = pydantic_problems(err, file)
        problems = [Problem(p.file, p.item, p.field,
                            p.message.replace("scenario format", "sweep format"))
                    for p in problems]
        raise SweepError(problems) from None


def load_sweep(name_or_path: str | Path) -> tuple[Sweep, Path]:
    """Load a sweep file (or bundled sweep name); return it with its path.

    Raises
    ------
    SweepError
        Malformed YAML (with the line) or schema problems (all of them).
    UnknownNameError
        Neither a file nor a bundled sweep.
    """
    path = sweep_path(name_or_path)
    data = load_yaml_file(path, SweepError)
    return parse_sweep(data, str(path)), path
