"""landbridge: simulator and capacity planner for the China–Europe overland freight
corridors through Kazakhstan.

The public API is what ``__all__`` lists; everything else is internal.
"""

from importlib.metadata import PackageNotFoundError, version

from landbridge.errors import (
    InfeasiblePlanError,
    InputError,
    InvariantError,
    LandbridgeError,
    NetworkError,
    NoAnswerError,
    NoRouteError,
    Problem,
    ScenarioError,
    StoreError,
    UnknownNameError,
    UsageError,
)
from landbridge.network import (
    BorderCrossing,
    Link,
    Network,
    Node,
    Route,
    find_routes,
    load_network,
)

try:
    __version__ = version("landbridge")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "__version__",
    # errors
    "LandbridgeError", "Problem", "InputError", "NetworkError", "ScenarioError",
    "UnknownNameError", "UsageError", "NoAnswerError", "NoRouteError", "InfeasiblePlanError",
    "InvariantError", "StoreError",
    # network
    "Network", "Node", "Link", "BorderCrossing", "Route", "load_network", "find_routes",
]
