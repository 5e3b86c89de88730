"""landbridge: simulator and capacity planner for the China–Europe overland freight
corridors through Kazakhstan.

The public API is what ``__all__`` lists; everything else is internal.
"""

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

_NETWORK_NAMES = ("BorderCrossing", "Link", "Network", "Node", "Route", "find_routes",
                  "load_network")


def __getattr__(name: str):
    """The network names are imported on first use (PEP 562): ``import landbridge`` and
    the command line's help load neither pydantic models nor networkx."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("landbridge")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            value = "0.0.0"
        globals()[name] = value
        return value
    if name in _NETWORK_NAMES:
        import landbridge.network as _network

        value = getattr(_network, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'landbridge' has no attribute {name!r}")



__all__ = [
    "__version__",
    # errors
    "LandbridgeError", "Problem", "InputError", "NetworkError", "ScenarioError",
    "UnknownNameError", "UsageError", "NoAnswerError", "NoRouteError", "InfeasiblePlanError",
    "InvariantError", "StoreError",
    # network
    "Network", "Node", "Link", "BorderCrossing", "Route", "load_network", "find_routes",
]
