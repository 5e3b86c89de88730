"""Read scenario files (YAML) and the bundled scenarios; collect every problem.

Errors name the file, the path inside it (``services[3].departures_per_week``) and what
was expected; malformed YAML names the line.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from landbridge.errors import LandbridgeError, Problem, ScenarioError, UnknownNameError
from landbridge.textfiles import load_yaml_file
from landbridge.scenario.schema import Scenario, cross_field_problems
from landbridge.suggest import close_matches, did_you_mean
from landbridge.scenario.whatif import (
    LIST_KEYS,
    WHATIF_KEYS,
    Origins,
    apply_demand_scale,
    merge_whatif,
    raise_if,
    relative_network,
)

__all__ = ["load_scenario", "parse_scenario", "bundled_scenarios", "scenario_path",
           "scenario_file_label",
           "scenario_hash", "scenario_json_schema", "pydantic_problems"]

_UNION_TAGS = {"fixed", "exponential", "lognormal", "triangular", "uniform", "closure",
               "capacity_scale", "duration_scale", "random_failure", "pre_declaration",
               "operate_24h", "add_resources", "contactless_handover", "add_sailings",
               "line_capacity"}


def _scenarios_dir() -> Path:
    return Path(str(resources.files("landbridge") / "data" / "scenarios"))


def bundled_scenarios() -> list[str]:
    """Names of the bundled scenarios (``default``, ``pandemic-2021``, ``restored``, ...)."""
    return sorted(p.stem for p in _scenarios_dir().glob("*.yaml"))


def scenario_file_label(path: str | Path | None) -> str | None:
    """How a run records its scenario file: ``bundled:<name>.yaml`` for a bundled
    scenario (so the run's manifest and KPI files have the same bytes wherever the
    package is installed), else the path as given.

    Parameters
    ----------
    path : str, Path or None
        The scenario file (None for a scenario built in memory).

    Returns
    -------
    str or None
        ``bundled:<name>.yaml``, the path as given, or None when ``path`` is None.
        Raises nothing: a path that cannot be resolved (OSError) is recorded as given.
    """
    if path is None:
        return None
    p = Path(path)
    try:
        if p.resolve().parent == _scenarios_dir().resolve():
            return f"bundled:{p.name}"
    except OSError:
        pass
    return str(path)


def scenario_path(name_or_path: str | Path | None) -> Path:
    """The file of a bundled scenario name or a path; ``None`` means ``default``.

    Raises
    ------
    UnknownNameError
        When it is neither an existing file nor a bundled scenario name.
    """
    if name_or_path is None:
        name_or_path = "default"
    if not str(name_or_path).strip():  # Path("") is ".", the current directory
        raise UnknownNameError("an empty scenario name; give a bundled scenario "
                               f"({', '.join(bundled_scenarios())}) or a scenario file.")
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.exists():
            raise ScenarioError([Problem(str(p), "", "", "file not found")])
        return p
    bundled = _scenarios_dir() / f"{name_or_path}.yaml"
    if bundled.exists():
        return bundled
    close = close_matches(str(name_or_path), bundled_scenarios())
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise UnknownNameError(
        f"{name_or_path!r} is neither a scenario file nor a bundled scenario "
        f"({', '.join(bundled_scenarios())}).{hint}")


_TYPE_TAG = re.compile(r"^(function-[a-z-]+|union|literal|list|dict|tuple|set)\[.*\]$")
"""A union member's label in a pydantic error location (``literal['fastest']``,
``list[str]``): the alternative tried, not a field the user wrote."""


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and (part in _UNION_TAGS or bool(_TYPE_TAG.match(part))
                                      or part.startswith("function-"))


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if _is_tag(part):
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _relevant(errors: list[dict]) -> list[dict]:
    """Drop the errors of union alternatives the input plainly is not: where one
    alternative failed deeper inside (the input is a list, an item is wrong), the
    others' "should be 'fastest'" is noise."""
    deepest: dict[tuple, int] = {}
    for e in errors:
        loc = tuple(e["loc"])
        for i, part in enumerate(loc):
            if _is_tag(part) and part not in _UNION_TAGS:
                deepest[loc[:i]] = max(deepest.get(loc[:i], 0), len(loc) - i)
    out = []
    for e in errors:
        loc = tuple(e["loc"])
        cut = next((i for i, p in enumerate(loc) if _is_tag(p) and p not in _UNION_TAGS), None)
        if cut is not None and len(loc) - cut == 1 and deepest.get(loc[:cut], 1) > 1:
            continue
        out.append(e)
    return out


def _models_in(tp: Any) -> list[type[BaseModel]]:
    """The pydantic models a type annotation can hold (through Optional, list, Union)."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for arg in get_args(tp) for m in _models_in(arg)]


def _known_fields(loc: tuple[Any, ...]) -> list[str]:
    """The field names valid where the unknown key at ``loc`` was found (``loc`` as
    pydantic gives it, starting at the :class:`Scenario`); empty where free keys are
    allowed."""
    models: list[type[BaseModel]] = [Scenario]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if part in _UNION_TAGS:
            models = [m for m in models if "kind" in m.model_fields
                      and m.model_fields["kind"].default == part]
            continue
        models = [sub for m in models if part in m.model_fields
                  for sub in _models_in(m.model_fields[part].annotation)]
    names = {f.alias or n for m in models for n, f in m.model_fields.items()}
    if models == [Scenario]:
        names |= set(WHATIF_KEYS)
    return sorted(names)


def pydantic_problems(err: ValidationError, file: str) -> list[Problem]:
    """Turn a pydantic error into :class:`Problem` records with dotted/indexed paths."""
    problems: list[Problem] = []
    for e in _relevant(err.errors()):
        path = _loc(tuple(e["loc"]))
        msg = e["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if e["type"] == "extra_forbidden":
            msg = "unknown field (not part of the scenario format)" + did_you_mean(
                str(e["loc"][-1]), _known_fields(tuple(e["loc"])))
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif e["type"] != "value_error" and "input" in e and not isinstance(e["input"], dict):
            msg = f"{msg}; found {e['input']!r}"
        same = next((i for i, p in enumerate(problems) if p.item == path
                     and p.message.startswith("Input should be ")), None)
        if same is not None and msg.startswith("Input should be "):
            # alternatives of one union at one place: one problem, "should be A or B"
            head, _, found = problems[same].message.partition("; found ")
            alt = msg[len("Input should be "):].partition("; found ")[0]
            problems[same] = Problem(file, path, "", f"{head} or {alt}"
                                     + (f"; found {found}" if found else ""))
            continue
        problems.append(Problem(file, path, "", msg))
    return problems


def parse_scenario(data: Any, file: str = "<scenario>") -> Scenario:
    """Validate a scenario given as plain data (e.g. from YAML).

    What-if keys are resolved first, as in a file: ``base:`` (a bundled name, or a file
    relative to ``file``'s directory), ``<list>+``/``<list>-`` and ``demand_scale``.

    Raises
    ------
    ScenarioError
        Listing every schema problem.
    """
    if isinstance(data, dict) and any(k in data for k in WHATIF_KEYS):
        problems: list[Problem] = []
        data, origins = _resolve(data, Path(file), problems)
        try:
            scenario = _parse(data, file)
        except ScenarioError as exc:
            problems += [origins.locate(p) for p in exc.problems]
        raise_if(list(dict.fromkeys(problems)))
        return scenario
    return _parse(data, file)


def _parse(data: Any, file: str) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, "", "", "expected a mapping at the top level")])
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        problems = pydantic_problems(err, file)
        # whole-scenario checks do not run when a field fails: run them on the raw data
        # (unless the whole-scenario validator did run and already said it)
        said = " | ".join(p.message for p in problems)
        problems += [Problem(file, "", "", m) for m in cross_field_problems(data)
                     if m not in said]
        raise ScenarioError(problems) from None


def _read_scenario_data(path: Path) -> Any:
    return load_yaml_file(path, ScenarioError)


def _base_path(ref: Any, path: Path, chain: tuple[Path, ...]) -> Path:
    """The file ``base: ref`` in ``path`` names (a file relative to ``path`` or a
    bundled scenario name)."""
    if not isinstance(ref, str) or not ref.strip():
        raise ScenarioError([Problem(str(path), "base", "",
                                     "expected a bundled scenario name or a scenario file")])
    candidate = path.parent / ref
    try:
        base_path = candidate if candidate.suffix in (".yaml", ".yml") or candidate.exists() \
            else scenario_path(ref)
    except UnknownNameError as exc:
        raise ScenarioError([Problem(str(path), "base", "", str(exc))]) from None
    base_path = base_path.resolve()
    if base_path in chain or base_path == path.resolve() or len(chain) > 8:
        raise ScenarioError([Problem(str(path), "base", "",
                                     f"circular or too deep 'base' chain through {base_path}")])
    if not base_path.exists():
        raise ScenarioError([Problem(str(path), "base", "", f"no scenario file {base_path}")])
    if not base_path.is_file():  # e.g. 'base: .' (the file's own directory)
        raise ScenarioError([Problem(str(path), "base", "",
                                     f"{ref!r} is {base_path}: "
                                     + ("a directory" if base_path.is_dir()
                                        else "not a regular file")
                                     + ", expected a YAML file or a bundled scenario "
                                     "name")])
    return base_path


def _resolve(data: Any, path: Path, problems: list[Problem],
             chain: tuple[Path, ...] = ()) -> tuple[Any, Origins]:
    """Resolve ``base:``, the list edits and ``demand_scale`` of the scenario ``data``
    written in ``path`` (see :mod:`landbridge.scenario.whatif`); return plain scenario
    data and where each part of it was written. Problems are appended to ``problems``;
    one that stops the resolution (an unreadable base) is raised."""
    file = str(path)
    if not isinstance(data, dict):
        return data, Origins()
    if "base" not in data:
        edits = [k for k in data if isinstance(k, str) and k.endswith(("+", "-"))]
        problems += [Problem(file, k, "", f"{k} edits a base scenario's list; start the file "
                             "with base: (a bundled name or a file)") for k in edits]
        data = {k: v for k, v in data.items() if k not in edits}
        origins = Origins.of_file(data, file)
    else:
        base_path = _base_path(data["base"], path, chain)
        base, base_origins = _resolve(_read_scenario_data(base_path), base_path, problems,
                                      chain + (path.resolve(),))
        if not isinstance(base, dict):
            raise ScenarioError([Problem(str(base_path), "", "",
                                         "expected a mapping at the top level")])
        base = relative_network(base, base_path)  # relative to the file that said it
        data_in = data
        data, origins, found = merge_whatif(base, base_origins, data_in, file)
        problems += found
        if "name" not in data_in:  # a what-if must not pass for its base in the results store
            data["name"] = re.sub(r"[^A-Za-z0-9_.\-]", "-", path.stem).lstrip(".-")[:64] or "what-if"
            origins.keys["name"] = file
    problems += apply_demand_scale(data, origins, lambda: _longitude(data, path))
    return data, origins


def _longitude(data: dict, path: Path):
    """Node name → longitude on the network ``data`` names (bundled when omitted)."""
    from landbridge.network import load_network

    ref = data.get("network")
    if ref is not None and not isinstance(ref, str):
        raise ScenarioError([Problem(str(path), "network", "", "expected a directory path")])
    net = load_network(None if ref is None else
                       (Path(ref) if Path(ref).is_absolute() else path.parent / ref))
    return lambda name: net.nodes[net.resolve(name)].lon


def load_scenario(name_or_path: str | Path | None = None) -> tuple[Scenario, Path]:
    """Load a scenario from a YAML file or a bundled name; return it with its file path.

    A file may start from another scenario with ``base: default`` (a bundled name or a
    file relative to it) and change it in a few lines: its top-level keys replace the
    base's, ``<list>+``/``<list>-`` add entries to or remove them from the base's lists
    by id, and ``demand_scale`` scales demand (globally, per direction or per pair);
    see :mod:`landbridge.scenario.whatif`. Without its own ``name`` it is named after
    its file; a relative ``network`` of the base stays relative to the base's file.
    Problems name the file and the path where the faulty part was written, down the
    ``base:`` chain.

    Raises
    ------
    ScenarioError
        Malformed YAML (with the line), schema problems (all of them), an id that
        matches no entry of the base.
    UnknownNameError
        Unknown bundled name.
    """
    path = scenario_path(name_or_path)
    problems: list[Problem] = []
    data, origins = _resolve(_read_scenario_data(path), path, problems)
    try:
        scenario = _parse(data, str(path))
    except ScenarioError as exc:
        # the schema failed, so the scenario cannot be compiled yet; still report the
        # names it gets wrong now, so that every problem is listed in one go
        said = {p.item for p in exc.problems}
        extra = [p for p in _reference_problems(data, path) if p.item not in said]
        problems += [origins.locate(p) for p in exc.problems + extra]
    raise_if(list(dict.fromkeys(problems)))
    if origins.edited():
        # compiling would report a wrong name at its index in the merged list
        # (demand[174]); report it here where the user wrote it (demand+[0])
        raise_if([origins.locate(p) for p in _reference_problems(data, path)])
    return scenario, path


def locate_problems(problems: list[Problem], scenario: Scenario, file: str | Path
                    ) -> list[Problem]:
    """Problems found in a compiled scenario (``demand[174].route``) moved to where they
    were written, when the scenario came from the what-if ``file``: its own item
    (``demand+[0].route``) or the base file's.

    The what-if is resolved again to know where each entry came from (only when there
    are problems). Problems are returned unchanged when ``file`` is not a what-if, does
    not resolve, or resolves to lists of other lengths than ``scenario``'s (then the
    scenario was edited since it was loaded and the indices are its own).

    Parameters
    ----------
    problems : list of Problem
        Found by compiling ``scenario``; items name the merged data's paths.
    scenario : Scenario
        The scenario compiled.
    file : str or Path
        The file it was loaded from.

    Returns
    -------
    list of Problem
    """
    path = Path(file)
    if not problems or not path.is_file():
        return problems
    try:
        data = _read_scenario_data(path)
        if not isinstance(data, dict) or "base" not in data:
            return problems
        merged, origins = _resolve(data, path, [])
    except LandbridgeError:
        return problems
    for key in LIST_KEYS:
        if len(merged.get(key) or []) != len(getattr(scenario, key)):
            return problems
    return list(dict.fromkeys(origins.locate(p) for p in problems))


def _reference_problems(data: Any, path: Path) -> list[Problem]:
    """Unknown node, crossing and link names in raw scenario data (best effort: the
    network must load; malformed entries are left to the schema check)."""
    from landbridge.network import load_network

    if not isinstance(data, dict):
        return []
    net_ref = data.get("network")
    try:
        if net_ref is None:
            net = load_network(None)
        elif isinstance(net_ref, str):
            p = Path(net_ref)
            net = load_network(p if p.is_absolute() else path.parent / p)
        else:
            return []
    except LandbridgeError:
        return []
    file = str(path)
    out: list[Problem] = []

    def name(where: str, value: Any) -> None:
        if isinstance(value, str):
            try:
                net.resolve(value)
            except LandbridgeError as exc:
                out.append(Problem(file, where, "", str(exc)))

    def ident(where: str, value: Any, known, kind: str) -> None:
        if isinstance(value, str) and value not in known:
            out.append(Problem(file, where, "", f"unknown {kind} {value!r}"
                               + did_you_mean(value, sorted(set(known)))))

    def entries(key: str):
        items = data.get(key)
        return [(i, x) for i, x in enumerate(items) if isinstance(x, dict)] \
            if isinstance(items, list) else []

    for key in ("services", "demand"):
        for i, x in entries(key):
            for f in ("origin", "destination"):
                name(f"{key}[{i}].{f}", x.get(f))
            if isinstance(x.get("route"), list):
                for j, n in enumerate(x["route"]):
                    name(f"{key}[{i}].route[{j}]", n)
    targets = list(net.crossings) + list(net.links) + list(net.nodes)
    for i, x in entries("disruptions"):
        ident(f"disruptions[{i}].target", x.get("target"), targets, "crossing, link or node")
    for i, x in entries("road_flows"):
        ident(f"road_flows[{i}].crossing", x.get("crossing"), net.crossings, "crossing")

    def policies(prefix: str, items: Any) -> None:
        if not isinstance(items, list):
            return
        for i, x in enumerate(items):
            if isinstance(x, dict):
                if "crossing" in x:
                    ident(f"{prefix}[{i}].crossing", x["crossing"], net.crossings, "crossing")
                if "link" in x:
                    ident(f"{prefix}[{i}].link", x["link"], net.links, "link")

    policies("policies", data.get("policies"))
    for i, x in entries("investments"):
        policies(f"investments[{i}].policies", x.get("policies"))
    ov = data.get("overrides")
    if isinstance(ov, dict):
        for key, known, kind in (("links", net.links, "link"),
                                 ("crossings", net.crossings, "crossing")):
            if isinstance(ov.get(key), dict):
                for k in ov[key]:
                    ident(f"overrides.{key}.{k}", k, known, kind)
    return out


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (sorted keys): the scenario's identity
    in run manifests."""
    text = json.dumps(scenario.model_dump(mode="json", by_alias=True), sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def scenario_json_schema() -> dict:
    """The scenario file format as a JSON Schema (draft 2020-12) dict.

    A file is either a complete scenario (``$defs/ScenarioFile``: the
    :class:`Scenario` fields, ``start_date`` and ``horizon_days`` required, plus
    ``demand_scale``) or a what-if (``$defs/WhatIfFile``: ``base`` required, every
    scenario field optional, plus ``demand_scale`` and the ``<list>+``/``<list>-``
    edits of :mod:`landbridge.scenario.whatif`). The schema checks each file on its
    own; that a what-if's ids exist in its base is checked on loading.
    """
    model = Scenario.model_json_schema(by_alias=True)
    defs = model.pop("$defs", {})
    props = model["properties"]
    factor = {"type": "number", "exclusiveMinimum": 0, "maximum": 1000}
    defs["DemandScale"] = {
        "title": "DemandScale",
        "description": "Multiplies teu_per_week of the demand rows (after the base and "
                       "the list edits): a number scales every row; in a mapping, all, "
                       "westbound (destination west of origin), eastbound and od (demand "
                       "id ORIGIN-DESTINATION: factor) multiply where they apply.",
        "oneOf": [factor, {"type": "object", "additionalProperties": False, "properties": {
            "all": factor, "westbound": factor, "eastbound": factor,
            "od": {"type": "object", "minProperties": 1, "additionalProperties": factor}}}]}
    scale = {"$ref": "#/$defs/DemandScale"}
    full = {**model, "title": "ScenarioFile",
            "properties": {**props, "demand_scale": scale}}
    edits: dict[str, Any] = {}
    for key in LIST_KEYS:
        edits[key + "+"] = {"type": "array", "items": props[key]["items"],
                            "description": f"Entries appended to the base's {key}."}
        edits[key + "-"] = {"type": "array", "items": {"type": "string", "minLength": 1},
                            "description": f"Ids of the base's {key} entries to remove "
                                           "(before the additions)."}
    edits["overrides+"] = {**{k: v for k, v in props["overrides"].items() if k != "default"},
                           "description": "Link and crossing overrides added to the base's, "
                                          "field by field."}
    whatif = {
        "title": "WhatIfFile", "type": "object", "additionalProperties": False,
        "description": "A scenario on top of a base: its keys replace the base's, "
                       "<list>+ adds entries, <list>- removes entries by id, "
                       "demand_scale scales demand.",
        "required": ["base"],
        "properties": {"base": {"type": "string", "minLength": 1,
                                "description": "A bundled scenario name or a scenario "
                                               "file relative to this one."},
                       **props, "demand_scale": scale, **edits}}
    defs["ScenarioFile"], defs["WhatIfFile"] = full, whatif
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "landbridge scenario",
            "description": "A landbridge scenario file: a complete scenario or a what-if "
                           "on top of a base scenario.",
            "oneOf": [{"$ref": "#/$defs/ScenarioFile"}, {"$ref": "#/$defs/WhatIfFile"}],
            "$defs": defs}
