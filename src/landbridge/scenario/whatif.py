"""What-if files: a few lines on top of a base scenario.

A scenario file that starts with ``base:`` (a bundled name or another file) takes the
base's keys and changes them:

* ``key: value`` replaces the base's key (a list is replaced as a whole);
* ``<list>-: [id, ...]`` removes entries from one of the base's lists by id and
  ``<list>+: [...]`` appends entries, for the lists in :data:`LIST_KEYS`; removals come
  first, so removing and adding the same id replaces that entry; an id removed twice, an
  added id the list still has, or an added entry equal to another (a demand row twice
  would double its flow) is refused (equal policies add up and are allowed);
* ``overrides+`` adds link and crossing overrides to the base's, field by field
  (``overrides`` replaces them all);
* ``demand_scale`` multiplies the TEU per week of the demand rows the file ends up with
  (:func:`apply_demand_scale`).

Ids (:func:`entry_id`): an entry's ``id`` where it has one (services, investments,
disruptions); otherwise one derived from what the entry is about: demand
``ORIGIN-DESTINATION`` as written in the row (``XA-DUI``), road flows
``CROSSING:DIRECTION`` (``KHR-NZH:a_to_b``), policies and id-less disruptions
``KIND:TARGET`` (``operate_24h:TC-BKT``; a disruption with an id answers to both). A
derived id names every entry it derives from (``demand-: [XA-DUI]`` removes every
Xi'an→Duisburg row).

The result is plain scenario data: the :class:`~landbridge.scenario.schema.Scenario`
model, its JSON and its hash never see these keys. :class:`Origins` remembers which
file and place every key and list entry came from, so a problem found in the merged
data names the file and the path where the user wrote it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from landbridge.errors import LandbridgeError, Problem, ScenarioError
from landbridge.suggest import did_you_mean

__all__ = ["LIST_KEYS", "WHATIF_KEYS", "DIRECTIONS", "Origins", "entry_id", "derived_id",
           "merge_whatif", "apply_demand_scale", "demand_direction", "raise_if",
           "relative_network"]

LIST_KEYS = ("services", "demand", "road_flows", "disruptions", "policies", "investments")
"""Scenario lists a what-if can add entries to (``<key>+``) or remove them from (``<key>-``)."""

WHATIF_KEYS = ("base", "demand_scale", "overrides+", *(k + "+" for k in LIST_KEYS),
               *(k + "-" for k in LIST_KEYS))
"""Top-level keys the loader resolves before the scenario is validated."""

DIRECTIONS = ("westbound", "eastbound")
_SCALE_KEYS = ("all", *DIRECTIONS, "od")


@dataclass
class Origins:
    """Where each top-level key and list entry of merged scenario data was written.

    ``keys`` maps a top-level key to its file; ``entries`` maps a list key to one
    ``(file, path)`` per entry (``("whatif.yaml", "demand+[0]")``). Problems found
    when compiling (routes, trains implied) name the merged list index in the top file.
    """

    keys: dict[str, str] = field(default_factory=dict)
    entries: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    paths: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Dotted places of the merged data written under another name: an ``overrides+``
    section, id or field (``overrides.crossings.ASK-DST`` → ``(file,
    "overrides+.crossings.ASK-DST")``)."""
    scaled: dict[int, str] = field(default_factory=dict)
    """Demand rows (merged index) whose ``teu_per_week`` ``demand_scale`` changed: how
    (``"992.3 as written × demand_scale 1000 in whatif.yaml"``), added to a problem
    about that value."""

    @classmethod
    def of_file(cls, data: dict, file: str) -> "Origins":
        """Everything in ``data`` written in ``file``."""
        o = cls()
        for k, v in data.items():
            o.keys[k] = file
            if isinstance(v, list):
                o.entries[k] = [(file, f"{k}[{i}]") for i in range(len(v))]
        return o

    def edited(self) -> bool:
        """Whether some list mixes entries of several files or added with ``+`` (so an
        entry's index in the merged list is not where it was written)."""
        return any(len({f for f, _ in where}) > 1 or any("+[" in p for _, p in where)
                   for where in self.entries.values())

    def locate(self, problem: Problem) -> Problem:
        """``problem`` (found in the merged data) moved to the file and path it was
        written at; list entries its message names (``disruptions[6].id``) are named
        as written too. Unchanged when its item is not a key of the merged data. A
        problem with a demand row's scaled ``teu_per_week`` says how it was scaled."""
        m = re.match(r"^demand\[(\d+)\]\.teu_per_week$", problem.item)
        how = self.scaled.get(int(m.group(1))) if m and not problem.field else None
        located = self._locate(problem)
        if how is None:
            return located
        return Problem(located.file, located.item, located.field,
                       f"{located.message} (teu_per_week {how})")

    def _locate(self, problem: Problem) -> Problem:
        item = problem.item
        for prefix in sorted(self.paths, key=len, reverse=True):
            if item == prefix or item.startswith((prefix + ".", prefix + "[")):
                file, path = self.paths[prefix]
                return Problem(file, path + item[len(prefix):], problem.field,
                               self._message(problem.message, file))
        # a problem of a whole link or crossing whose message starts with a field this
        # file wrote in overrides+ ("background_wagons_by_month needs 12 numbers"):
        # name that entry as written, not the base's overrides
        lead = re.match(r"[A-Za-z_]+", problem.message) if not problem.field else None
        written = self.paths.get(f"{item}.{lead.group(0)}") if lead else None
        if written is not None:
            file, path = written
            return Problem(file, path.rsplit(".", 1)[0], "", self._message(problem.message, file))
        m = re.match(r"^([A-Za-z_]+)(?:\[(\d+)\])?(.*)$", item)
        if not m:  # a whole-scenario problem: still name the entries it mentions as written
            return Problem(problem.file, item, problem.field,
                           self._message(problem.message, problem.file))
        key, index, rest = m.group(1), m.group(2), m.group(3)
        if index is not None and key in self.entries:
            i = int(index)
            if i < len(self.entries[key]):
                file, path = self.entries[key][i]
                return Problem(file, path + rest, problem.field,
                               self._message(problem.message, file))
        if key in self.keys:
            file = self.keys[key]
            return Problem(file, item, problem.field, self._message(problem.message, file))
        return Problem(problem.file, item, problem.field,
                       self._message(problem.message, problem.file))

    def _message(self, message: str, file: str) -> str:
        """``message`` with each merged list entry it names (``demand[174]``) named as
        written (``demand+[0]``), with its file when that is not ``file``."""

        def written(m: re.Match) -> str:
            where = self.entries.get(m.group(1), [])
            i = int(m.group(2))
            if i >= len(where):
                return m.group(0)
            f, path = where[i]
            return path + (m.group(3) or "") + ("" if f == file else f" (in {f})")

        keys = "|".join(re.escape(k) for k in self.entries)
        if not keys:
            return message
        return re.sub(rf"\b({keys})\[(\d+)\]((?:\.[A-Za-z_]+)*)", written, message)


def entry_id(key: str, entry: Any) -> str | None:
    """The id of ``entry`` in the scenario list ``key`` (see the module docstring);
    ``None`` when the entry is malformed (the schema check reports it)."""
    if not isinstance(entry, dict):
        return None
    if isinstance(entry.get("id"), str) and key in ("services", "investments", "disruptions"):
        return entry["id"]
    return derived_id(key, entry)


def _matches(key: str, entry: Any, rid: str) -> bool:
    """Whether ``rid`` names ``entry``: its id, or (for a disruption with an id) also
    its derived ``KIND:TARGET``."""
    return rid in (entry_id(key, entry), derived_id(key, entry))


def derived_id(key: str, entry: Any) -> str | None:
    """The id derived from what ``entry`` is about (``None`` for services and
    investments, which always have ids)."""
    if not isinstance(entry, dict):
        return None
    if key == "demand":
        o, d = entry.get("origin"), entry.get("destination")
        return f"{o}-{d}" if isinstance(o, str) and isinstance(d, str) else None
    if key == "road_flows":
        c, d = entry.get("crossing"), entry.get("direction")
        return f"{c}:{d}" if isinstance(c, str) and isinstance(d, str) else None
    if key in ("policies", "disruptions"):
        kind = entry.get("kind")
        target = next((entry[f] for f in ("target", "crossing", "link")
                       if isinstance(entry.get(f), str)), None)
        return f"{kind}:{target}" if isinstance(kind, str) and target else None
    return None


def merge_whatif(base: dict, base_origins: Origins, data: dict, file: str
                 ) -> tuple[dict, Origins, list[Problem]]:
    """Apply the what-if ``data`` (written in ``file``) to the resolved ``base``.

    Parameters
    ----------
    base : dict
        The base scenario's data, its own ``base:`` already resolved.
    base_origins : Origins
        Where the base's keys and entries were written.
    data : dict
        The what-if file's top-level mapping (``base`` is ignored here).
    file : str
        The what-if file, for origins and problems.

    Returns
    -------
    (dict, Origins, list of Problem)
        The merged data (without what-if keys except ``demand_scale``, which
        :func:`apply_demand_scale` resolves), its origins and the problems found: an
        id that matches no entry, a list both replaced and edited, a malformed edit,
        an id removed twice, an added entry that repeats another
        (:func:`_duplicate_additions`; it is left out of the merged list).
    """
    merged = {k: v for k, v in base.items() if k not in WHATIF_KEYS}
    origins = Origins(dict(base_origins.keys),
                      {k: list(v) for k, v in base_origins.entries.items()},
                      dict(base_origins.paths))
    problems: list[Problem] = []
    for k, v in data.items():
        if k in ("base", "demand_scale") or (isinstance(k, str) and k.endswith(("+", "-"))):
            continue
        merged[k] = v
        origins.keys[k] = file
        origins.paths = {p: w for p, w in origins.paths.items()
                         if p != k and not p.startswith((f"{k}.", f"{k}["))}
        if isinstance(v, list):
            origins.entries[k] = [(file, f"{k}[{i}]") for i in range(len(v))]
        else:
            origins.entries.pop(k, None)
    for k in data:
        if (isinstance(k, str) and k.endswith(("+", "-")) and k[:-1] not in LIST_KEYS
                and k != "overrides+"):
            problems.append(Problem(file, k, "", "unknown list to edit; "
                                    f"lists that take + and -: {', '.join(LIST_KEYS)}; "
                                    "overrides takes +" + did_you_mean(k[:-1], LIST_KEYS)))
    if "overrides+" in data:
        problems += _merge_overrides(merged, data, file, origins)
    for key in LIST_KEYS:
        if key + "-" not in data and key + "+" not in data:
            continue
        removals, additions = data.get(key + "-", ()), data.get(key + "+", ())
        if key in data:
            problems.append(Problem(file, key, "", f"give either {key} (replaces the base's "
                                    f"list) or {key}+/{key}- (edit it), not both"))
            continue
        current = merged.get(key, [])
        if not isinstance(current, list):
            continue  # the base's own problem; the schema check reports it
        where = list(origins.entries.get(key, [(origins.keys.get(key, file), f"{key}[{i}]")
                                               for i in range(len(current))]))
        if removals != ():
            if not isinstance(removals, list) or not all(isinstance(x, str) for x in removals):
                problems.append(Problem(file, f"{key}-", "", "expected a list of ids "
                                        f"(e.g. [{_example_id(key)}]); found {removals!r}"))
            else:
                known = [i for i in (entry_id(key, e) for e in current) if i is not None]
                drop: set[int] = set()
                first: dict[str, int] = {}
                for j, rid in enumerate(removals):
                    if rid in first:
                        problems.append(Problem(
                            file, f"{key}-[{j}]", "", f"id {rid!r} is listed twice (also at "
                            f"{key}-[{first[rid]}]); list each id once"))
                        continue
                    first[rid] = j
                    hit = [i for i, e in enumerate(current) if _matches(key, e, rid)]
                    if not hit:
                        problems.append(Problem(
                            file, f"{key}-[{j}]", "",
                            f"no {key} entry with id {rid!r} in the base"
                            + (did_you_mean(rid, known) or
                               (f"; its ids: {', '.join(sorted(set(known))[:12])}" if known
                                else "; the base has none"))))
                    drop.update(hit)
                keep = [i for i in range(len(current)) if i not in drop]
                current = [current[i] for i in keep]
                where = [where[i] for i in keep]
        if additions != ():
            if not isinstance(additions, list):
                problems.append(Problem(file, f"{key}+", "",
                                        f"expected a list of entries to add; found {additions!r}"))
            else:
                found, keep_added = _duplicate_additions(key, current, where, additions, file)
                problems += found
                current = current + [additions[i] for i in keep_added]
                where = where + [(file, f"{key}+[{i}]") for i in keep_added]
        merged[key] = current
        origins.keys[key] = file
        origins.entries[key] = where
    if "demand_scale" in data:
        merged["demand_scale"] = data["demand_scale"]
        origins.keys["demand_scale"] = file
    return merged, origins, problems


def _duplicate_additions(key: str, current: list, where: list[tuple[str, str]],
                         additions: list, file: str) -> tuple[list[Problem], list[int]]:
    """Refuse entries of ``<key>+`` that repeat another: an id (services, investments,
    disruptions with an id) that an earlier added entry or a kept base entry has, or an
    entry equal to an earlier added or kept one (a demand row added twice would double
    its flow silently). Equal policies are allowed: they add up (two investments that
    each add a track). Returns the problems and the indices of the additions kept
    (a refused entry is left out, so the schema check does not report it again)."""
    problems: list[Problem] = []
    keep: list[int] = []
    explicit = key in ("services", "investments", "disruptions")
    base_ids = {e["id"]: n for n, e in enumerate(current)
                if explicit and isinstance(e, dict) and isinstance(e.get("id"), str)}
    added_ids: dict[str, int] = {}
    for j, e in enumerate(additions):
        if not isinstance(e, dict):
            keep.append(j)  # malformed: the schema check names it
            continue
        rid = e.get("id") if explicit and isinstance(e.get("id"), str) else None
        same_added = same_base = None
        if key != "policies":
            same_added = next((i for i in keep if additions[i] == e), None)
            same_base = next((n for n, b in enumerate(current) if b == e), None)
        if rid is not None and rid in added_ids:
            problems.append(Problem(file, f"{key}+[{j}].id", "",
                                    f"duplicate id {rid!r}: {key}+[{added_ids[rid]}] has it "
                                    "too; ids must be unique"))
        elif rid is not None and rid in base_ids:
            bf, bp = where[base_ids[rid]]
            problems.append(Problem(file, f"{key}+[{j}].id", "",
                                    f"duplicate id {rid!r}: the base's {bp} (in {bf}) has it "
                                    f"too; to replace that entry, also list {rid!r} in "
                                    f"{key}-"))
        elif same_added is not None or same_base is not None:
            what = (f"{key}+[{same_added}]" if same_added is not None else
                    "the base's {1} (in {0})".format(*where[same_base]))
            hint = (f"; to scale its flow use demand_scale: {{od: {{{entry_id(key, e)}: 2}}}}"
                    if key == "demand" and entry_id(key, e) else "; give it once")
            problems.append(Problem(file, f"{key}+[{j}]", "",
                                    f"the same entry as {what} (id {entry_id(key, e)!r})"
                                    + hint))
        else:
            keep.append(j)
            if rid is not None:
                added_ids[rid] = j
    return problems, keep


def _merge_overrides(merged: dict, data: dict, file: str, origins: Origins) -> list[Problem]:
    """``overrides+``: the base's overrides with these added, field by field (this
    file's value wins for a field both give). ``origins`` learns which sections, ids
    and fields were written in ``file`` (as ``overrides+.…``)."""
    extra = data["overrides+"]
    if "overrides" in data:
        return [Problem(file, "overrides", "", "give either overrides (replaces the base's) "
                        "or overrides+ (adds to them), not both")]
    if not isinstance(extra, dict):
        return [Problem(file, "overrides+", "", "expected a mapping with links: and/or "
                        f"crossings: by id; found {extra!r}")]
    base = merged.get("overrides") or {}
    if not isinstance(base, dict):
        return []  # the base's own problem; the schema check reports it
    origins.keys.setdefault("overrides", file)  # the base's own overrides keep their file

    def written(merged_path: str) -> None:
        origins.paths[merged_path] = (file, "overrides+" + merged_path[len("overrides"):])

    out = dict(base)
    for section, ids in extra.items():
        have = base.get(section)
        if not isinstance(ids, dict) or not isinstance(have or {}, dict) or not have:
            out[section] = ids  # new (or malformed: the schema check names it)
            written(f"overrides.{section}")
            continue
        combined = dict(have)
        for i, fields in ids.items():
            old = combined.get(i)
            if isinstance(old, dict) and isinstance(fields, dict):
                combined[i] = {**old, **fields}
                for f in fields:
                    written(f"overrides.{section}.{i}.{f}")
            else:
                combined[i] = fields
                written(f"overrides.{section}.{i}")
        out[section] = combined
    merged["overrides"] = out
    return []


def _example_id(key: str) -> str:
    return {"services": "my-service", "demand": "XA-DUI", "road_flows": "KHR-NZH:a_to_b",
            "disruptions": "alashankou-2021", "policies": "operate_24h:TC-BKT",
            "investments": "dostyk-track"}[key]


def _positive(v: Any) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            and 0 < v <= 1000)


def demand_direction(origin_lon: float, destination_lon: float) -> str:
    """``"westbound"`` when the destination lies west of the origin (smaller longitude,
    so every China→Europe row), else ``"eastbound"``."""
    return "westbound" if destination_lon < origin_lon else "eastbound"


def apply_demand_scale(data: dict, origins: Origins,
                       longitudes: Callable[[], Callable[[str], float]] | None
                       ) -> list[Problem]:
    """Resolve ``demand_scale`` in ``data`` (in place): multiply the ``teu_per_week`` of
    each demand row by every factor that applies to it, then drop the key.

    ``demand_scale`` is a number (every row) or a mapping with any of ``all`` (every
    row), ``westbound``/``eastbound`` (:func:`demand_direction`) and ``od`` (a mapping
    from demand ids, :func:`entry_id`, to factors). Factors are in (0, 1000].

    Parameters
    ----------
    data : dict
        Merged scenario data.
    origins : Origins
        Where it was written (problems name that file).
    longitudes : callable or None
        Returns a function node name → longitude in degrees (raising
        :class:`LandbridgeError` for an unknown name); called once, and only when a
        direction is scaled (it may load the network).

    Returns
    -------
    list of Problem
        A malformed ``demand_scale``, an ``od`` id that matches no row, a row whose
        direction cannot be told.
    """
    if "demand_scale" not in data:
        return []
    spec = data.pop("demand_scale")
    file = origins.keys.get("demand_scale", "<scenario>")
    origins.keys.pop("demand_scale", None)
    problems: list[Problem] = []
    if _positive(spec):
        spec = {"all": spec}
    if not isinstance(spec, dict):
        return [Problem(file, "demand_scale", "", "expected a factor in (0, 1000] (e.g. 2) "
                        "or a mapping with all, westbound, eastbound and od (id: factor); "
                        f"found {spec!r}")]
    for k, v in spec.items():
        where = f"demand_scale.{k}"
        if k not in _SCALE_KEYS:
            problems.append(Problem(file, where, "", "unknown key; expected one of "
                                    f"{', '.join(_SCALE_KEYS)}" + did_you_mean(str(k), _SCALE_KEYS)))
        elif k == "od":
            if not isinstance(v, dict) or not v:
                problems.append(Problem(file, where, "", "expected a mapping of demand ids "
                                        f"to factors, e.g. {{XA-DUI: 1.5}}; found {v!r}"))
            else:
                for i, f in v.items():
                    if not _positive(f):
                        problems.append(Problem(file, f"{where}.{i}", "",
                                                f"expected a factor in (0, 1000]; found {f!r}"))
        elif not _positive(v):
            problems.append(Problem(file, where, "", f"expected a factor in (0, 1000]; found {v!r}"))
    demand = data.get("demand")
    if not isinstance(demand, list) or not demand:
        return problems or [Problem(file, "demand_scale", "", "there is no demand to scale "
                                    "(services are not scaled)")]
    od = spec.get("od") if isinstance(spec.get("od"), dict) else {}
    ids = [entry_id("demand", row) for row in demand]
    for i in od:
        if i not in ids:
            problems.append(Problem(file, f"demand_scale.od.{i}", "",
                                    f"no demand row with id {i!r}"
                                    + (did_you_mean(str(i), [x for x in ids if x])
                                       or " (a row's id is ORIGIN-DESTINATION as written)")))
    if problems:
        return problems
    longitude = None
    if any(k in spec for k in DIRECTIONS):
        if longitudes is None:
            return [Problem(file, "demand_scale", "", "directions need the network")]
        try:
            longitude = longitudes()
        except LandbridgeError as exc:
            return [Problem(file, "demand_scale", "",
                            f"directions need the scenario's network, which fails to load: {exc}")]
    scaled = []
    for n, row in enumerate(demand):
        if not isinstance(row, dict):
            scaled.append(row)
            continue
        factor = 1.0
        for k in ("all", "westbound", "eastbound"):
            if k not in spec:
                continue
            if k != "all":
                assert longitude is not None
                try:
                    d = demand_direction(longitude(row.get("origin")),
                                         longitude(row.get("destination")))
                except (LandbridgeError, TypeError, KeyError) as exc:
                    wf, wp = _where(origins, n)
                    problems.append(Problem(wf, wp, "", f"cannot tell its direction for "
                                            f"demand_scale.{k}: {exc}"))
                    break
                if d != k:
                    continue
            factor *= spec[k]
        if ids[n] in od:
            factor *= od[ids[n]]
        t = row.get("teu_per_week")
        if factor != 1.0 and isinstance(t, (int, float)) and not isinstance(t, bool):
            row = {**row, "teu_per_week": float(t) * factor}
            origins.scaled[n] = f"{t:g} as written × demand_scale {factor:g} in {file}"
        scaled.append(row)
    data["demand"] = scaled
    return problems


def _where(origins: Origins, n: int) -> tuple[str, str]:
    entries = origins.entries.get("demand", [])
    return entries[n] if n < len(entries) else (origins.keys.get("demand", "<scenario>"),
                                                 f"demand[{n}]")


def raise_if(problems: list[Problem]) -> None:
    """Raise :class:`ScenarioError` listing ``problems`` when there are any."""
    if problems:
        raise ScenarioError(problems)


def relative_network(data: dict, file: Path) -> dict:
    """``data`` with a relative ``network`` made relative to ``file``'s directory (a
    base's network stays where its own file says)."""
    net = data.get("network")
    if isinstance(net, str) and not Path(net).is_absolute():
        return {**data, "network": str(file.parent / net)}
    return data
