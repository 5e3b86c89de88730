"""Mode comparison: each rail corridor, sea and air side by side.

For an origin and a destination: the ``k`` best rail corridors
(:func:`~landbridge.network.find_routes`) with their static transit time (running times,
mean crossing service times, half the ferry sailing interval; no queueing), tariff
(USD/FEU: link tariffs, else the sourced per-km defaults) and CO2 (kg/TEU: km × the
mode's intensity); the sea alternative (:class:`~landbridge.planning.modes.PortSeaRouter`)
and air (:func:`~landbridge.planning.modes.air_leg`). Every factor's source is listed in
:attr:`ModeComparison.sources`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Sequence

from landbridge.network.model import Network
from landbridge.network.routing import DEFAULT_TRAIN_CONTAINERS, find_routes
from landbridge.planning.assignment import path_metrics
from landbridge.planning.modes import (
    ModeFactors,
    PortSeaRouter,
    SeaRouter,
    air_leg,
    load_mode_factors,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["ModeOption", "ModeComparison", "compare_modes"]


@dataclass(frozen=True)
class ModeOption:
    """One way to go: ``mode`` (rail, sea, air), ``corridor`` (crossings passed, or
    ports), ``distance_km``, ``days``, ``usd_per_feu``, ``co2_kg_per_teu``."""

    mode: str
    corridor: str
    distance_km: float
    days: float
    usd_per_feu: float
    co2_kg_per_teu: float

    def to_dict(self) -> dict:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class ModeComparison:
    """Options for ``origin`` → ``destination`` (node ids), rail first, and the
    sources of every factor used."""

    origin: str
    destination: str
    options: tuple[ModeOption, ...]
    sources: dict[str, str]

    def to_dict(self) -> dict:
        return {"origin": self.origin, "destination": self.destination,
                "options": [o.to_dict() for o in self.options], "sources": self.sources}

    def to_frame(self) -> "pd.DataFrame":
        """The options as a pandas DataFrame (one row per option)."""
        import pandas as pd

        return pd.DataFrame([asdict(o) for o in self.options],
                            columns=["mode", "corridor", "distance_km", "days", "usd_per_feu",
                                     "co2_kg_per_teu"])


def compare_modes(network: Network, origin: str, destination: str, k: int = 5,
                  containers: int = DEFAULT_TRAIN_CONTAINERS,
                  factors: ModeFactors | None = None,
                  sea_router: SeaRouter | None = None,
                  via: Sequence[str] = ()) -> ModeComparison:
    """Compare the rail corridors, sea and air between two places.

    Parameters
    ----------
    network : Network
    origin, destination : str
        Node ids, names or aliases.
    k : int
        Rail corridors wanted.
    containers : int
        Boxes per train (transshipment time at gauge breaks).
    factors : ModeFactors, optional
        Default: the bundled ``modes.yaml``.
    sea_router : SeaRouter, optional
        Default :class:`PortSeaRouter`.
    via : sequence of str
        Nodes every rail corridor passes, in order (a via port is where the ferry
        leaves); sea and air go port to port and airport to airport regardless.

    Raises
    ------
    UnknownNameError
        When a name matches no node.
    NoRouteError
        When there is no rail route (sea and air are still priced by the caller's
        choice: this function needs at least one rail corridor).
    """
    f = factors or load_mode_factors()
    sea_router = sea_router or PortSeaRouter(f)
    o, d = network.resolve(origin), network.resolve(destination)
    options: list[ModeOption] = []
    for r in find_routes(network, o, d, k=k, containers=containers, via=via):
        tariff, hours = path_metrics(network, r, containers, f)
        co2 = sum(leg.length_km * f.co2_kg_per_teu_km(leg.mode, leg.gauge_mm, leg.from_country)
                  for leg in r.legs)
        modes = {leg.mode for leg in r.legs}
        label = "rail" if modes == {"rail"} else "+".join(
            m for m in ("rail", "ferry", "road") if m in modes)
        ferries = set(r.ferries)
        passed = " · ".join(f"{c} ferry" if c in ferries else c for c in r.checkpoints)
        countries = r.countries
        passed = passed or ("no border" if len(countries) == 1 else "–".join(countries))
        options.append(ModeOption(label, passed, r.length_km, hours / 24.0, tariff, co2))
    sea = sea_router.sea_leg(network, o, d)
    if sea is not None:
        options.append(ModeOption("sea", f"{sea.origin_port}→{sea.destination_port}",
                                  sea.sea_km + sea.hinterland_km, sea.days, sea.usd_per_feu,
                                  sea.co2_kg_per_teu))
    air = air_leg(network, o, d, f)
    options.append(ModeOption("air", "great circle + 95 km", air.distance_km, air.days,
                              air.usd_per_feu, air.co2_kg_per_teu))
    return ModeComparison(o, d, tuple(options), f.sources())
