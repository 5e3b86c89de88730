"""Mutated input files for the fuzz suite and the fuzz campaign.

A *case* is a directory holding a small but complete input set — the two-corridor test
network (``net/``), a scenario using every part of the format (``s.yaml``) and a sweep
over it (``sweep.yaml``) — in which one file was mutated, and the command that reads
it. Mutations work on the parsed document (types, missing and unknown keys, extremes,
unicode, references, nesting, dates given as numbers) or on the text (YAML 1.1
spellings, aliases and alias bombs, deep nesting, long numbers, truncation, duplicate
keys), or replace a file by a special one (FIFO, device, directory, symbolic link).

Each case says whether the input **must be refused**: a mutation that makes it
invalid for certain (an unknown key, a number where a date belongs, ``1:30`` where a
number belongs, text where a number belongs). Accepting such an input is a *silent
misread*. Other mutations may be refused or accepted.

Everything is driven by one ``random.Random``, so a case is reproduced from its seed.
"""

from __future__ import annotations

import copy
import json
import os
import random
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from netfactory import two_corridor_network  # noqa: E402

__all__ = ["Case", "make_case", "base_scenario", "base_sweep", "TARGETS"]

TARGETS = ("scenario", "scenario", "scenario", "nodes", "links", "crossings", "sweep")
"""What a case mutates (the scenario is mutated most: it is what users write)."""

# mappings whose keys are free (never "unknown")
_FREE = {"sources", "meta"}


def base_scenario() -> dict[str, Any]:
    """A small scenario on the two-corridor network that uses most of the format."""
    return {
        "name": "fz", "description": "fuzz seed", "start_date": date(2025, 1, 1),
        "horizon_days": 5.0, "warmup_days": 1.0, "seed": 7, "replications": 1,
        "network": "net",
        "train": {"teu_per_train": 82.0, "teu_per_container": 2.0},
        "services": [
            {"id": "s1", "origin": "A", "destination": "D", "route": ["A", "B", "D"],
             "departures_per_week": 7.0, "teu_per_train": 80.0},
            {"id": "s2", "origin": "D", "destination": "A", "weekdays": ["mon", "thu"],
             "times": ["08:00", "20:30"]},
        ],
        "demand": [{"origin": "A", "destination": "D", "teu_per_week": 500.0,
                    "route": "fastest"}],
        "disruptions": [
            {"kind": "closure", "id": "c1", "target": "B-C",
             "window": {"start": date(2025, 1, 2), "end": date(2025, 1, 3)}},
            {"kind": "capacity_scale", "target": "A-B", "factor": 0.5,
             "window": {"start_day": 1.0, "end_day": 2.0}},
            {"kind": "random_failure", "target": "E-F", "mtbf_h": 200.0, "mttr_h": 4.0},
        ],
        "policies": [{"kind": "pre_declaration", "crossing": "B-C", "clearance_factor": 0.5},
                     {"kind": "add_resources", "crossing": "E-F", "inspection_teams": 1}],
        "overrides": {"crossings": {"B-C": {"inspection_teams": 3}},
                      "links": {"C-D": {"capacity_trains_per_day": 30.0}}},
        "investments": [{"id": "i1", "name": "more teams", "cost_usd": 1e6,
                         "policies": [{"kind": "add_resources", "crossing": "B-C",
                                       "inspection_teams": 2}]}],
        "sources": {"demand": "test"},
    }


def base_sweep() -> dict[str, Any]:
    """A two-point sweep over the scenario (about a second to run)."""
    return {"name": "fz", "scenario": "s.yaml", "replications": 1, "seed": 3,
            "set": {"horizon_days": 2.0},
            "grid": {"crossings.B-C.inspection_teams": [1, 2]},
            "labels": {"crossings.B-C.inspection_teams": "teams"}}


@dataclass
class Case:
    """One mutated input set in ``root`` and how to check it.

    ``args`` is the command line (without ``landbridge``), run in ``root``;
    ``must_refuse`` says the input is invalid for certain; ``label`` describes the
    mutation; ``files`` are the names a message may cite.
    """

    root: Path
    target: str
    label: str
    args: list[str]
    must_refuse: bool = False
    files: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- document mutations
_VALUES: list[Any] = [
    0, -1, 1, 2, 3, 10**30, 1e308, -1e308, 1e-300, 0.5, -0.0, "", "x", "ünïcødé 🚂 测试",
    "\u202e\u0000", None, True, False, [], {}, [1, "a"], {"k": 1}, "2021-01-01",
    date(2021, 1, 1), "a" * 5000, "A", "B-C", "nope", "fastest", [[["deep"]]],
]


def _walk(doc: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    out = [(path, doc)]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _walk(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _walk(v, path + (i,))
    return out


def _get(doc: Any, path: tuple) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _is_free(path: tuple, geojson: bool = False) -> bool:
    """Whether a mapping at ``path`` may hold any key (GeoJSON: only ``properties`` are
    checked; a Feature may carry e.g. ``bbox``)."""
    keys = [p for p in path if isinstance(p, str)]
    if geojson and "properties" not in keys:
        return True
    return any(k in _FREE for k in keys)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def mutate_doc(doc: Any, rng: random.Random, geojson: bool = False) -> tuple[Any, str, bool]:
    """One mutation of a parsed document: (new document, label, must_refuse)."""
    doc = copy.deepcopy(doc)
    nodes = _walk(doc)
    path, value = rng.choice(nodes[1:] or nodes)
    parent_path, key = path[:-1], path[-1] if path else None
    parent = _get(doc, parent_path) if path else None
    op = rng.choice(["replace", "replace", "replace", "delete", "unknown_key", "duplicate",
                     "empty", "nest", "number_as_date", "text_number", "extreme"])
    where = ".".join(map(str, path)) or "<top>"
    if op == "unknown_key":
        maps = [(p, v) for p, v in nodes if isinstance(v, dict) and not _is_free(p, geojson)]
        if maps:
            p, m = rng.choice(maps)
            real = [k for k in m if isinstance(k, str)]
            name = (rng.choice(real)[:-1] + "k") if real and rng.random() < 0.5 else \
                rng.choice(["colour", "departures_per_wek", "ünknown", "x" * 200, "id2"])
            if name not in m:
                m[name] = rng.choice(_VALUES)
                return doc, f"unknown key {'.'.join(map(str, p))}.{name}", True
        op = "replace"
    if parent is None:
        return rng.choice(_VALUES), "whole document replaced", True
    if op == "delete" and isinstance(parent, (dict, list)):
        del parent[key]
        return doc, f"delete {where}", False
    if op == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(value))
        return doc, f"duplicate {where}", False
    if op == "empty":
        parent[key] = type(value)() if isinstance(value, (list, dict, str)) else None
        return doc, f"empty {where}", False
    if op == "nest":
        v: Any = value
        for _ in range(rng.choice([3, 20, 70, 200])):
            v = [v] if rng.random() < 0.5 else {"k": v}
        parent[key] = v
        return doc, f"nested {where}", False
    if op == "number_as_date" and isinstance(value, (date, str)) and \
            str(value)[:2] in ("20", "19"):
        parent[key] = rng.choice([0, 20210101, 1.5e9])
        return doc, f"number as date at {where}", isinstance(value, date)
    if op == "text_number" and _is_number(value):
        parent[key] = str(value)
        return doc, f"number as text at {where}", not _is_free(path)
    if op == "extreme" and _is_number(value):
        parent[key] = rng.choice([0, -1, 10**30, 1e308, -1e308, 1e-300, 2**63])
        return doc, f"extreme number at {where}", False
    parent[key] = rng.choice(_VALUES)
    return doc, f"replace {where} by {parent[key]!r:.40}", False


# -------------------------------------------------------------------- text mutations
_RAW = [("1:30", "number"), ("010", "number"), ("0x1F", "number"), ("0o17", "number"),
        ("1_000", "number"), ("yes", "bool"), ("NO", "bool"), ("on", "bool"),
        ("~", None), (".nan", None), (".inf", None), ("1e999", None), ("9" * 5001, None),
        ("*undefined", None), ("!!python/object/apply:os.system ['true']", None),
        ("!!binary AAAA", None), ("{", None), ("[[[[", None), ("'unterminated", None),
        ("2021-02-30", None), ("2021-01-01 12:00:00", None), ("&a [*a]", None)]


def _alias_bomb() -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def mutate_yaml_text(text: str, doc: Any, rng: random.Random) -> tuple[str, str, bool]:
    """One text-level mutation of a YAML file: (text, label, must_refuse)."""
    op = rng.choice(["raw_value", "raw_value", "raw_value", "bomb", "deep", "truncate",
                     "dup_key", "bytes", "tabs", "bom", "long_number"])
    lines = text.splitlines()
    if op == "raw_value":
        cands = [i for i, ln in enumerate(lines)
                 if ": " in ln and not ln.rstrip().endswith(":") and not ln.lstrip().startswith("#")]
        i = rng.choice(cands)
        head, old = lines[i].split(": ", 1)
        raw, kind = rng.choice(_RAW)
        old = old.strip().strip("'\"")
        was_number = _looks_number(old)
        was_bool = old in ("true", "false")
        lines[i] = f"{head}: {raw}"
        must = (kind == "number" and was_number) or (kind == "bool" and was_bool)
        return "\n".join(lines) + "\n", f"raw {raw[:20]!r} at line {i + 1}", must
    if op == "bomb":
        return text + _alias_bomb(), "alias bomb", True
    if op == "deep":
        n = rng.choice([70, 1000, 20000])
        return text + "deep: " + "[" * n + "]" * n + "\n", f"nesting {n}", True
    if op == "truncate":
        cut = rng.randrange(1, max(2, len(text)))
        return text[:cut], f"truncated at {cut}", False
    if op == "dup_key":
        top = [ln for ln in lines if ln and not ln.startswith((" ", "-", "#"))]
        return text + (rng.choice(top) if top else "a: 1\na: 2") + "\n", "duplicate key", True
    if op == "bytes":
        b = bytearray(text.encode())
        for _ in range(rng.randint(1, 5)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return b.decode("utf-8", "surrogateescape"), "bytes flipped", False
    if op == "tabs":
        return text.replace("  ", "\t", 1), "a tab as indentation", False
    if op == "bom":
        return "\ufeff" + text, "BOM", False
    return text + "big: " + "7" * rng.choice([101, 5001, 100000]) + "\n", "long number", True


def _looks_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def mutate_json_text(text: str, rng: random.Random) -> tuple[str, str, bool]:
    """One text-level mutation of a JSON file: (text, label, must_refuse)."""
    op = rng.choice(["deep", "long_number", "dup_key", "truncate", "nan", "bytes"])
    if op == "deep":
        n = rng.choice([70, 1000, 100000])
        return text.rstrip()[:-1] + ', "deep": ' + "[" * n + "]" * n + "}", f"nesting {n}", True
    if op == "long_number":
        return text.replace('"length_km": ', '"length_km": ' + "9" * 5000, 1), \
            "5000-digit number", '"length_km"' in text
    if op == "dup_key":
        return text.replace('"type": "FeatureCollection"',
                            '"type": "FeatureCollection", "type": "FeatureCollection"', 1), \
            "duplicate key", '"type": "FeatureCollection"' in text
    if op == "truncate":
        return text[:rng.randrange(1, len(text))], "truncated", True
    if op == "nan":
        return text.replace('"length_km": ', '"length_km": NaN, "x": ', 1), "NaN", \
            '"length_km"' in text
    b = bytearray(text.encode())
    for _ in range(rng.randint(1, 5)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return b.decode("utf-8", "surrogateescape"), "bytes flipped", False


# ---------------------------------------------------------------------- special files
def special_file(path: Path, rng: random.Random) -> str:
    """Replace ``path`` by a FIFO, a device link, a directory or a dangling link."""
    if path.exists() or path.is_symlink():
        path.unlink()
    kind = rng.choice(["fifo", "zero", "urandom", "directory", "dangling"])
    if kind == "fifo":
        os.mkfifo(path)
    elif kind in ("zero", "urandom"):
        path.symlink_to(f"/dev/{kind}")
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to(path.parent / "nothing-here")
    return f"{path.name} is a {kind}"


# ------------------------------------------------------------------------------ cases
def _write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


def make_case(root: Path, rng: random.Random, target: str | None = None) -> Case:
    """Write a fresh input set into ``root`` with one mutation; return the case."""
    root.mkdir(parents=True, exist_ok=True)
    net = two_corridor_network(root / "net")
    scenario, sweep = base_scenario(), base_sweep()
    target = target or rng.choice(TARGETS)
    files = {"scenario": root / "s.yaml", "sweep": root / "sweep.yaml",
             "nodes": net / "nodes.geojson", "links": net / "links.geojson",
             "crossings": net / "crossings.yaml"}
    _write_text(files["scenario"], yaml.safe_dump(scenario, sort_keys=False,
                                                  allow_unicode=True))
    _write_text(files["sweep"], yaml.safe_dump(sweep, sort_keys=False))
    path = files[target]
    how = rng.random()
    if how < 0.06:
        label, must = special_file(path, rng), True
    elif path.suffix == ".yaml":
        doc = yaml.safe_load(path.read_text())
        if how < 0.45:
            text, label, must = mutate_yaml_text(path.read_text(), doc, rng)
        else:
            new, label, must = mutate_doc(doc, rng)
            text = yaml.safe_dump(new, sort_keys=False, allow_unicode=True)
        _write_text(path, text)
    else:
        if how < 0.35:
            text, label, must = mutate_json_text(path.read_text(), rng)
        else:
            new, label, must = mutate_doc(json.loads(path.read_text()), rng, geojson=True)
            text = json.dumps(new, ensure_ascii=rng.random() < 0.5, default=str)
        _write_text(path, text)
    if target == "sweep":
        args = ["sweep", "sweep.yaml", "--workers", "1", "--no-store", "--out", "sweep-out",
                "--json"]
    elif target == "scenario":
        args = ["scenario", "validate", "s.yaml"]
    else:
        args = rng.choice([["network", "validate", "net"], ["scenario", "validate", "s.yaml"]])
    names = [str(p.relative_to(root)) for p in files.values()]
    return Case(root, target, f"{target}: {label}", args, must, names)
