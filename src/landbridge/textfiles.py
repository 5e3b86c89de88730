"""Reading the project's text inputs (JSON, GeoJSON, YAML) strictly.

Both parsers reject duplicate keys, which plain ``json`` and ``yaml.safe_load`` accept
silently (the last value wins): a duplicated ``id`` or ``horizon_days`` is a mistake
the user must see. YAML errors carry the line number.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

__all__ = ["DuplicateKeyError", "loads_json", "loads_yaml"]


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
