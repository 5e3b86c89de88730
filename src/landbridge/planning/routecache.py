"""Candidate corridors kept on disk between runs of the planner.

Finding the k distinct corridors of every origin–destination pair
(:func:`landbridge.network.find_routes` with ``distinct="crossings"``) is one Dijkstra
search per banned-crossing set: on the bundled network and its ~100 pairs, most of the
time ``plan`` spends before the LP. The answer depends only on the network's content,
the pair, the train length and k, so it is stored once per network in a JSON file named
by a SHA-256 digest of:

* the network's nodes, links, crossings and ports, as their JSON dumps, sorted by id;
* ``k`` and the search's ``distinct`` rule;
* the source text of :mod:`landbridge.network.routing` (a change to the search
  invalidates every stored answer).

A file that cannot be read or parsed is ignored and rewritten; writes go through
:func:`landbridge.outpaths.write_atomic` (a temporary file in the same directory renamed
over the old one, atomic on POSIX), so two planners sharing the cache never see half a
file. The cache is opt-in: the library
uses it only when given one (the CLI passes :func:`default_route_cache`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable

from landbridge.network.model import Network
from landbridge.network.routing import Route

__all__ = ["RouteCache", "default_route_cache", "network_digest"]

_DISTINCT = "crossings"


def network_digest(network: Network, k: int) -> str:
    """SHA-256 hex digest of the network's content, ``k`` and the routing code."""
    from landbridge.network import routing

    h = hashlib.sha256()
    for table in (network.nodes, network.links, network.crossings, network.ports):
        for key in sorted(table):
            h.update(table[key].model_dump_json().encode())
            h.update(b"\n")
        h.update(b"\x1e")
    h.update(f"k={k};distinct={_DISTINCT}".encode())
    h.update(Path(routing.__file__).read_bytes())
    return h.hexdigest()


class RouteCache:
    """Candidate routes per network in ``directory`` (created when first written)."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory).expanduser()

    def routes(self, network: Network, k: int, pairs: list[tuple[str, str, int]],
               compute: Callable[[str, str, int], list[Route]]
               ) -> list[list[Route] | Exception]:
        """The routes of every ``(origin, destination, containers)`` in ``pairs``:
        stored ones read back, the others ``compute``-d and stored. Where ``compute``
        raises, that pair's entry is the exception (nothing stored for it), so the
        caller can report every pair."""
        path = self.directory / f"routes-{network_digest(network, k)}.json"
        stored: dict[str, list[dict]] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                stored = data
        except (OSError, ValueError):
            stored = {}
        out: list[list[Route] | Exception] = []
        added = False
        for o, d, containers in pairs:
            key = f"{o}|{d}|{containers}"
            found = None
            if key in stored:
                try:
                    found = [Route.from_dict(r) for r in stored[key]]
                except (KeyError, TypeError, ValueError):
                    found = None
            if found is None:
                try:
                    found = compute(o, d, containers)
                except Exception as exc:  # noqa: BLE001 - handed back per pair
                    out.append(exc)
                    continue
                stored[key] = [r.to_dict() for r in found]
                added = True
            out.append(found)
        if added:
            self._write(path, stored)
        return out

    def _write(self, path: Path, data: dict) -> None:
        from landbridge.outpaths import write_atomic

        try:
            write_atomic(path, json.dumps(data))
        except OSError:
            pass  # a cache that cannot be written only costs time


def default_route_cache() -> RouteCache | None:
    """The user's cache, ``$XDG_CACHE_HOME/landbridge`` (default ``~/.cache/landbridge``);
    None when ``LANDBRIDGE_NO_CACHE`` is set."""
    if os.environ.get("LANDBRIDGE_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return RouteCache(Path(base) / "landbridge")
