"""Parameter paths: where a sweep puts its values in the scenario.

A path addresses one value of the scenario as written in a scenario file (defaults
filled in), with dots between keys and ``[i]`` for list items:

``horizon_days``
    a top-level field.
``demand[0].teu_per_week``, ``policies[1].clearance_factor``, ``services[2].departures_per_week``
    a field of a list item (the item must exist in the base scenario).
``overrides.crossings.ASK-DST.inspection_teams``
    a scenario override of a network field.

Shorthand for overrides, **filled from the network**: ``crossings.<id>.<field>...`` and
``links.<id>.<field>...`` mean ``overrides.crossings.<id>...`` and
``overrides.links.<id>...``; when the path goes *into* a structured field that the base
scenario does not override yet (``crossings.ASK-DST.transshipment.tracks``,
``crossings.ASK-DST.clearance_h.mean``), the field is first copied from the network, so
only the addressed value changes (a lognormal keeps its ``cv`` and ``min``). The same
filling applies to the long form.

Values are put into the scenario as plain data and the result is validated again with
:func:`landbridge.scenario.parse_scenario` and compiled, so a path or value the scenario
format rejects is reported with the sweep file and the point it came from.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from landbridge.network.model import Network

__all__ = ["parse_path", "set_path", "normalize_path", "PathError"]

_SEGMENT = re.compile(r"^(?P<key>[^.\[\]]+)(?P<idx>(\[\d+\])*)$")


class PathError(ValueError):
    """A parameter path that is malformed or does not fit the scenario (the message says
    which part and what was expected)."""


def parse_path(path: str) -> list[str | int]:
    """Split ``path`` into keys (str) and list indices (int).

    Examples
    --------
    >>> parse_path("policies[0].clearance_factor")
    ['policies', 0, 'clearance_factor']
    >>> parse_path("crossings.ASK-DST.transshipment.tracks")
    ['crossings', 'ASK-DST', 'transshipment', 'tracks']

    Raises
    ------
    PathError
        For an empty path or segment, or brackets not of the form ``[<digits>]``.
    """
    if not isinstance(path, str) or not path.strip():
        raise PathError("empty parameter path")
    parts: list[str | int] = []
    for seg in path.split("."):
        m = _SEGMENT.match(seg)
        if not m:
            raise PathError(f"malformed segment {seg!r} in {path!r}; expected key or key[index]")
        parts.append(m.group("key"))
        parts.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group("idx")))
    return parts


def normalize_path(path: str) -> list[str | int]:
    """:func:`parse_path`, with the ``crossings.``/``links.`` shorthand expanded to
    ``overrides.crossings.``/``overrides.links.``."""
    parts = parse_path(path)
    if parts[0] in ("crossings", "links"):
        parts = ["overrides", *parts]
    return parts


def _network_default(network: Network | None, kind: str, rid: str, field: str) -> Any:
    if network is None:
        return None
    records = network.crossings if kind == "crossings" else network.links
    rec = records.get(rid)
    if rec is None:
        known = ", ".join(sorted(records)[:12])
        raise PathError(f"unknown {kind[:-1]} {rid!r} in the network (known: {known}, ...)")
    data = rec.model_dump(mode="json", by_alias=True)
    if field not in data:
        raise PathError(f"{type(rec).__name__} has no field {field!r}; expected one of "
                        + ", ".join(sorted(data)))
    return data[field]


def set_path(data: dict, path: str, value: Any, network: Network | None = None) -> dict:
    """Return a deep copy of the scenario dict ``data`` with ``value`` at ``path``.

    Parameters
    ----------
    data : dict
        A scenario as plain data (``Scenario.model_dump(mode="json", by_alias=True)``).
    path : str
        A parameter path (see the module docstring).
    value : Any
        The value to put there (YAML scalars, lists or mappings).
    network : Network, optional
        The base network, used to fill structured override fields before going into
        them; without it those fields must already be in ``data``.

    Raises
    ------
    PathError
        A malformed path, an index outside its list, a key into a non-mapping, an
        unknown crossing or link id.
    """
    parts = normalize_path(path)
    out = copy.deepcopy(data)
    node: Any = out
    for depth, key in enumerate(parts[:-1]):
        nxt = parts[depth + 1]
        where = _show(parts[:depth + 1])
        if isinstance(key, int):
            if not isinstance(node, list):
                raise PathError(f"{_show(parts[:depth])} is not a list")
            if key >= len(node):
                raise PathError(f"{where}: index {key} outside the list "
                                f"({len(node)} item{'s' if len(node) != 1 else ''} in the "
                                "base scenario)")
            node = node[key]
            continue
        if not isinstance(node, dict):
            raise PathError(f"{_show(parts[:depth])} is not a mapping; cannot go into {key!r}")
        if key not in node or node[key] is None:
            filled = None
            if (depth == 3 and parts[0] == "overrides" and parts[1] in ("crossings", "links")):
                filled = copy.deepcopy(_network_default(network, str(parts[1]), str(parts[2]), key))
            elif depth == 2 and parts[0] == "overrides" and parts[1] in ("crossings", "links"):
                _network_default(network, str(parts[1]), key, "id")  # check the id exists
            node[key] = filled if filled is not None else ([] if isinstance(nxt, int) else {})
        node = node[key]
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise PathError(f"{_show(parts)}: no such list item in the base scenario")
        node[last] = copy.deepcopy(value)
    else:
        if not isinstance(node, dict):
            raise PathError(f"{_show(parts[:-1])} is not a mapping; cannot set {last!r}")
        node[last] = copy.deepcopy(value)
    return out


def _show(parts: list[str | int]) -> str:
    s = ""
    for p in parts:
        s += f"[{p}]" if isinstance(p, int) else (("." if s else "") + p)
    return s or "<scenario>"
