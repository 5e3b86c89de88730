"""The page's what-if: lever settings → a scenario file with ``base:`` → a checked scenario.

Nothing here imports Dash: the levers are plain data (:class:`Levers`), the what-if is
the scenario format itself (``base: default`` plus the keys it changes), and checking
it is exactly what the command line does with that file (:func:`check_whatif` writes the
text to a file in the page's work directory and loads and compiles it with
:func:`landbridge.scenario.load_scenario`). So the YAML the page shows is the whole
truth: ``landbridge simulate that.yaml`` reproduces the page's run byte for byte.

Safety: a what-if from the browser may name only a bundled scenario as its ``base``
and may not name a ``network`` directory (:func:`refuse_paths`); file-system paths
never come from the browser.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from landbridge.errors import Problem, ScenarioError

__all__ = ["Levers", "Lever", "LIMITS", "whatif_data", "whatif_yaml", "check_whatif",
           "refuse_paths", "base_data", "problems_text", "default_window", "stored_whatif"]

#: Bounds the page enforces before anything runs (the scenario schema allows more).
LIMITS = {"horizon_days": (7.0, 366.0), "replications": (1, 10), "queued_runs": 4,
          "yaml_bytes": 200_000}

_PAGE_FILE = "<page>"


@dataclass(frozen=True)
class Lever:
    """One disruption set on the page: ``kind`` closure, capacity_scale or
    duration_scale of ``target`` (a crossing, link or node id) from ``start`` to
    ``end`` (ISO dates, as typed), with ``factor`` for the scaling kinds."""

    kind: str
    target: str
    start: str
    end: str
    factor: float | None = None


@dataclass(frozen=True)
class Levers:
    """Everything the page's controls set.

    Attributes
    ----------
    base : str
        The bundled scenario the what-if starts from.
    name : str
        The what-if's scenario name.
    horizon_days, seed, replications
        Run length, root seed and replications (the baseline is run with the same).
    disruptions : tuple of Lever
        Closures and scalings added to the base's disruptions.
    demand_scale : dict
        ``{"westbound": f, "eastbound": f}``: the what-if's ``demand_scale`` (the demand
        rows of that direction have ``teu_per_week`` multiplied by ``f``; 1 = unchanged).
    policies : tuple of dict
        Policies in the scenario format (``{kind: pre_declaration, crossing: ...}``),
        added to the base's.
    investments : tuple of str
        Ids of the base's candidate investments switched on: their policies are added.
    base_changes : dict
        Top-level keys that replace the base's before the levers act: a stored what-if
        run chosen as the baseline, rebuilt on its bundled base (:func:`stored_whatif`);
        the levers' entries are appended to these lists.
    """

    base: str = "default"
    name: str = "what-if"
    horizon_days: float = 60.0
    seed: int | None = None
    replications: int = 1
    disruptions: tuple[Lever, ...] = ()
    demand_scale: dict[str, float] = field(default_factory=dict)
    policies: tuple[dict[str, Any], ...] = ()
    investments: tuple[str, ...] = ()
    base_changes: dict[str, Any] = field(default_factory=dict)

    def with_(self, **changes: Any) -> "Levers":
        """A copy with ``changes``."""
        return replace(self, **changes)


def base_data(base: str) -> dict[str, Any]:
    """The bundled scenario ``base`` as plain data (its own ``base:`` resolved).

    Raises
    ------
    ScenarioError
        ``base`` is not a bundled scenario name.
    """
    from landbridge.scenario import bundled_scenarios, load_scenario

    if base not in bundled_scenarios():
        raise ScenarioError([Problem(_PAGE_FILE, "base", "",
                                     f"expected a bundled scenario "
                                     f"({', '.join(bundled_scenarios())}), got {base!r}")])
    sc, _ = load_scenario(base)
    return sc.model_dump(mode="json", by_alias=True, exclude_none=True)


def _number(x: Any) -> Any:
    """A float that is whole stays a float (the schema wants numbers, and ``1.0`` and
    ``1`` are the same in YAML); other values are passed through for the schema to judge."""
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else x


def whatif_data(levers: Levers, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The what-if as scenario data in the what-if syntax
    (:mod:`landbridge.scenario.whatif`): ``base``, ``name``, run settings,
    ``demand_scale`` and entries appended to the base's lists (``disruptions+``,
    ``policies+``; a switched-on investment appends its policies).

    Parameters
    ----------
    levers : Levers
    base : dict, optional
        :func:`base_data` of ``levers.base`` (read when not given).

    Returns
    -------
    dict
        Keys in the order a reader expects: base, name, horizon_days, warmup_days (only
        when the base's warm-up is not shorter than the horizon), seed, replications,
        demand_scale, disruptions+, policies+. Values are as typed: the scenario loader
        and schema judge them (:func:`check_whatif`).
    """
    base = base if base is not None else base_data(levers.base)
    out: dict[str, Any] = {"base": levers.base, "name": levers.name,
                           "horizon_days": _number(levers.horizon_days)}
    warmup = float(base.get("warmup_days") or 0.0)
    if isinstance(levers.horizon_days, (int, float)) and warmup >= levers.horizon_days:
        out["warmup_days"] = 0.0
    out["seed"] = levers.seed if levers.seed is not None else base.get("seed")
    out["replications"] = levers.replications
    changes = dict(levers.base_changes)
    out.update(changes)
    scales = {k: _number(v) for k, v in levers.demand_scale.items()
              if v is not None and v != 1}
    if scales:
        out["demand_scale"] = scales
    investments = changes.get("investments", base.get("investments", []))
    by_id = {inv["id"]: inv for inv in investments}
    extra = list(levers.policies)
    for inv_id in levers.investments:
        if inv_id not in by_id:
            raise ScenarioError([Problem(_PAGE_FILE, "investments", "",
                                         f"unknown candidate investment {inv_id!r}; the base "
                                         f"has {', '.join(sorted(by_id)) or 'none'}")])
        extra += [dict(p) for p in by_id[inv_id]["policies"]]
    for key, added in (("disruptions", [_disruption(d) for d in levers.disruptions]),
                       ("policies", extra)):
        if not added:
            continue
        if key in changes:  # a list the stored what-if replaced: the levers extend it
            out[key] = list(changes[key]) + added
        else:
            out[key + "+"] = added
    return out


def _plain(v: Any) -> Any:
    """Scenario data as a what-if file writes it: a midnight date-time as its date (a
    run's ``scenario.json`` has ``2021-08-01T00:00:00`` where the file said
    ``2021-08-01``, and the two must hash alike)."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, str) and len(v) == 19 and v.endswith("T00:00:00"):
        return v[:10]
    return v


#: Keys a what-if's settings give, not its changes.
_SETTINGS = ("name", "horizon_days", "warmup_days", "seed", "replications")


def stored_whatif(scenario: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A stored run's scenario (its ``scenario.json``) as a bundled base and the
    top-level keys that differ from it: what the page needs to build on a stored
    what-if run (and to rebuild that run, as its baseline).

    The base is the bundled scenario the fewest keys differ from; a differing key is
    given whole (``disruptions: [...]``), so the result is a what-if file of the
    page's own kind (``base:`` a bundled name). The caller checks that it rebuilds the
    run: its scenario hash must equal the run's (a scenario the page cannot express,
    e.g. one on another network, is refused by :func:`check_whatif` or hashes
    differently).

    Returns
    -------
    (str, dict)
        The base's name and the differing keys (run settings left out).

    Raises
    ------
    ScenarioError
        ``scenario`` is not valid scenario data.
    """
    from landbridge.scenario import bundled_scenarios, parse_scenario

    sc = parse_scenario(scenario, "scenario.json")
    mine = _plain(sc.model_dump(mode="json", by_alias=True, exclude_none=True))
    best: tuple[int, str, dict[str, Any]] | None = None
    for name in bundled_scenarios():
        base = _plain(base_data(name))
        diff = {k: v for k, v in mine.items()
                if k not in _SETTINGS and base.get(k) != v}
        diff.update({k: None for k in base if k not in mine and k not in _SETTINGS})
        if best is None or len(diff) < best[0]:
            best = (len(diff), name, diff)
    assert best is not None  # there are bundled scenarios
    return best[1], best[2]


def _disruption(d: Lever) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": d.kind, "target": d.target,
                           "window": {"start": d.start, "end": d.end}}
    if d.kind != "closure":
        out["factor"] = _number(d.factor)
    return out


class _Dumper(yaml.SafeDumper):
    pass


def _flow_small(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    small = len(data) <= 6 and all(not isinstance(v, (list, dict)) or
                                   (isinstance(v, dict) and len(v) <= 2) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=small)


_Dumper.add_representer(dict, _flow_small)


def whatif_yaml(data: dict[str, Any]) -> str:
    """The what-if as YAML text, keys in the given order, list entries one per line.

    Dates typed as ``YYYY-MM-DD`` are written unquoted, so YAML reads them as dates
    exactly as in a hand-written scenario file.
    """
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    # an ISO date typed on the page is a string here; unquote it so YAML reads a date
    text = re.sub(r"'(\d{4}-\d{2}-\d{2})'", r"\1", text)
    return "# landbridge what-if, written by `landbridge serve`\n" + text


def refuse_paths(data: Any) -> None:
    """Refuse what a page must not name: a ``network`` directory, or a ``base`` that is
    not a bundled scenario (both would be file-system paths on the server).

    Raises
    ------
    ScenarioError
        Naming the key.
    """
    from landbridge.scenario import bundled_scenarios

    if not isinstance(data, dict):
        raise ScenarioError([Problem(_PAGE_FILE, "", "", "expected a mapping at the top level")])
    problems = []
    if "base" not in data:
        problems.append(Problem(_PAGE_FILE, "base", "",
                                "a what-if from the page must start from a bundled scenario "
                                f"(base: one of {', '.join(bundled_scenarios())})"))
    elif data["base"] not in bundled_scenarios():
        problems.append(Problem(_PAGE_FILE, "base", "",
                                f"expected a bundled scenario ({', '.join(bundled_scenarios())}); "
                                "the page takes no file paths"))
    if "network" in data:
        problems.append(Problem(_PAGE_FILE, "network", "",
                                "the page runs the bundled network only (no directories from "
                                "the browser)"))
    if problems:
        raise ScenarioError(problems)


def check_whatif(text: str, workdir: str | Path):
    """Check a what-if's YAML as the command line would, and keep it as a file.

    The text is written to ``workdir/<name>-<sha8>.yaml`` and loaded and compiled from
    there (``base:`` resolved, every problem collected), so the run the page starts and
    ``landbridge simulate`` on the downloaded text read the same bytes.

    Parameters
    ----------
    text : str
        The YAML.
    workdir : str or Path
        The page's private directory for what-if files.

    Returns
    -------
    (CompiledScenario, Path)
        The compiled what-if and its file.

    Raises
    ------
    ScenarioError
        Malformed YAML, a path where the page takes none, schema or network problems,
        or run settings beyond :data:`LIMITS` (all problems together where possible).
    """
    from landbridge.scenario import compile_scenario, load_scenario
    from landbridge.textfiles import loads_yaml

    if len(text.encode()) > LIMITS["yaml_bytes"]:
        raise ScenarioError([Problem(_PAGE_FILE, "", "",
                                     f"the what-if is larger than {LIMITS['yaml_bytes']:,} bytes")])
    try:
        data = loads_yaml(text)
    except Exception as exc:  # noqa: BLE001 - the YAML reader's own error carries the line
        from landbridge.textfiles import yaml_problem

        raise ScenarioError([yaml_problem(exc, _PAGE_FILE)]) from None
    refuse_paths(data)
    limits = _limit_problems(data)
    name = data.get("name") if isinstance(data.get("name"), str) else "what-if"
    safe = re.sub(r"[^A-Za-z0-9_.\-]", "-", name).lstrip(".-")[:48] or "what-if"
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"{safe}-{digest}.yaml"
    if not path.exists():
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    try:
        sc, p = load_scenario(path)
        compiled = compile_scenario(sc, file=p)
    except ScenarioError as exc:
        raise ScenarioError(limits + list(exc.problems)) from None
    if limits:
        raise ScenarioError(limits)
    return compiled, path


def _limit_problems(data: dict[str, Any]) -> list[Problem]:
    out = []
    lo, hi = LIMITS["horizon_days"]
    h = data.get("horizon_days")
    if isinstance(h, (int, float)) and not isinstance(h, bool) and not lo <= h <= hi:
        out.append(Problem(_PAGE_FILE, "horizon_days", "",
                           f"the page runs {lo:g} to {hi:g} days; got {h:g} (use "
                           "`landbridge simulate` for longer runs)"))
    r = data.get("replications")
    rlo, rhi = LIMITS["replications"]
    if isinstance(r, int) and not isinstance(r, bool) and not rlo <= r <= rhi:
        out.append(Problem(_PAGE_FILE, "replications", "",
                           f"the page runs {rlo} to {rhi} replications; got {r}"))
    return out


def problems_text(exc: Exception) -> list[str]:
    """The lines a page shows for an error: one per problem, never a traceback."""
    problems = getattr(exc, "problems", None)
    if problems:
        return [_short(str(p)) for p in problems]
    return [str(exc)]


def _short(line: str) -> str:
    # the page's files live in a private directory: show the file name, not the path
    return re.sub(r"(?:/[^\s:]+/)([^/\s:]+\.ya?ml)", r"\1", line)


def default_window(start_date: str, days: int = 10, offset_days: int = 10) -> tuple[str, str]:
    """A window of ``days`` days starting ``offset_days`` after ``start_date`` (ISO)."""
    s = date.fromisoformat(start_date) + timedelta(days=offset_days)
    return s.isoformat(), (s + timedelta(days=days)).isoformat()
