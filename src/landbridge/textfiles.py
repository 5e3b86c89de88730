"""Reading the project's text inputs (JSON, GeoJSON, YAML) strictly.

Both parsers reject duplicate keys, which plain ``json`` and ``yaml.safe_load`` accept
silently (the last value wins): a duplicated ``id`` or ``horizon_days`` is a mistake
the user must see. YAML errors carry the line number.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from landbridge.errors import InputError, Problem

__all__ = ["DuplicateKeyError", "loads_json", "loads_yaml", "load_yaml_file"]


class DuplicateKeyError(ValueError):
    """A mapping has the same key twice; ``line`` is 1-based where known."""

    def __init__(self, key: str, line: int | None = None):
        self.key = key
        self.line = line
        super().__init__(f"duplicate key {key!r}" + (f" at line {line}" if line else ""))


def loads_json(text: str) -> Any:
    """Parse JSON text, rejecting duplicate keys.

    Raises
    ------
    json.JSONDecodeError
        Malformed JSON (with ``lineno``).
    DuplicateKeyError
        An object with a repeated key.
    """

    def pairs(items: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for k, v in items:
            if k in out:
                raise DuplicateKeyError(k)
            out[k] = v
        return out

    return json.loads(text, object_pairs_hook=pairs)


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys, reads ``1e9`` as a number (YAML 1.2, where
    YAML 1.1 needs ``1.0e9``) and reports impossible dates with their line."""

    def construct_mapping(self, node, deep=False):  # noqa: D401 - yaml API
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hashable = key in seen
            except TypeError:
                hashable = False
            if hashable:
                raise DuplicateKeyError(str(key), key_node.start_mark.line + 1)
            try:
                seen.add(key)
            except TypeError:
                pass
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):  # noqa: D401 - yaml API
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"no such date or time {node.value!r} ({exc})",
                node.start_mark) from None


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                 _UniqueKeyLoader.construct_yaml_timestamp)
_UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


def loads_yaml(text: str) -> Any:
    """Parse YAML text safely (no Python tags), rejecting duplicate keys.

    Raises
    ------
    yaml.YAMLError
        Malformed YAML (``problem_mark`` gives the line).
    DuplicateKeyError
        A mapping with a repeated key (with its line).
    """
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


def load_yaml_file(path: str | Path, error: type[InputError] = InputError) -> Any:
    """Read and parse a YAML file (see :func:`loads_yaml`).

    Raises
    ------
    InputError (or the subclass ``error``)
        Unreadable file, malformed YAML or a duplicate key, naming the file and line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except IsADirectoryError:
        raise error([Problem(str(path), "", "", "is a directory, expected a YAML file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error([Problem(str(path), "", "", f"cannot read the file: {exc}")]) from None
    try:
        return loads_yaml(text)
    except DuplicateKeyError as exc:
        raise error([Problem(str(path), f"line {exc.line}", "",
                             f"duplicate key {exc.key!r}; keys must be unique")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error([Problem(str(path), where, "", f"malformed YAML: {problem}")]) from None
