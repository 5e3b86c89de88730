"""The corridor network: nodes, links, border crossing points; loading, validation, routing.

Names are imported on first use (PEP 562), so ``import landbridge.network`` costs nothing
until a name is used: the command line's help and argument checks stay fast, and routing
(networkx) is loaded only by what routes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# public name -> the module that defines it (one place; add new names here)
_EXPORTS = {
    "Distribution": "distributions", "Exponential": "distributions", "Fixed": "distributions",
    "LogNormal": "distributions", "Triangular": "distributions", "Uniform": "distributions",
    "bundled_network_path": "loader", "load_network": "loader", "validate_network": "loader",
    "BorderCrossing": "model", "Link": "model", "Mode": "model", "Network": "model",
    "Node": "model", "NodeKind": "model", "OperatingHours": "model", "Transshipment": "model",
    "Port": "model", "PortHandling": "model", "DepartureRule": "model",
    "HandlingMethod": "model",
    "Leg": "routing", "Route": "routing", "find_routes": "routing", "network_graph": "routing",
    "route_from_nodes": "routing",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'landbridge.network' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"landbridge.network.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from landbridge.network.distributions import (Distribution, Exponential, Fixed,
                                                  LogNormal, Triangular, Uniform)
    from landbridge.network.loader import bundled_network_path, load_network, validate_network
    from landbridge.network.model import (BorderCrossing, DepartureRule, HandlingMethod, Link,
                                          Mode, Network, Node, NodeKind, OperatingHours, Port,
                                          PortHandling, Transshipment)
    from landbridge.network.routing import (Leg, Route, find_routes, network_graph,
                                            route_from_nodes)
