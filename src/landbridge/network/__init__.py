"""The corridor network: nodes, links, border crossing points; loading, validation, routing."""

from landbridge.network.distributions import (
    Distribution,
    Exponential,
    Fixed,
    LogNormal,
    Triangular,
    Uniform,
)
from landbridge.network.loader import bundled_network_path, load_network, validate_network
from landbridge.network.model import (
    BorderCrossing,
    Link,
    Mode,
    Network,
    Node,
    NodeKind,
    OperatingHours,
    Transshipment,
)
from landbridge.network.routing import Leg, Route, find_routes, network_graph, route_from_nodes

__all__ = [
    "BorderCrossing", "Distribution", "Exponential", "Fixed", "Leg", "Link", "LogNormal",
    "Mode", "Network", "Node", "NodeKind", "OperatingHours", "Route", "Transshipment",
    "Triangular", "Uniform", "bundled_network_path", "find_routes", "load_network",
    "network_graph", "route_from_nodes", "validate_network",
]
