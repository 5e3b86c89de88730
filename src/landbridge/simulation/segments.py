"""A route cut into what a train does along it: runs, crossings, ferries; and into
*pieces* between re-formation points.

* a **run**: consecutive ordinary rail links with the same train-length limit;
* a **crossing**: a rail border crossing point (its border link included);
* a **ferry**: a ferry link with its ports.

Where the next segment takes shorter trains than the train arriving (``max_train_wagons``
of a link or crossing, the wagons or TEU of a ferry sailing), the boxes are re-formed:
the route is cut there into *pieces*. A piece is run by one train from its start (the
origin or a re-formation point) to its end (the next re-formation point or the
destination); boxes of any service whose next piece is the same (same start, end and
links) share the onward trains there (consolidation).
"""

from __future__ import annotations

from dataclasses import dataclass

from landbridge.network.model import Mode, Network
from landbridge.network.routing import Route
from landbridge.simulation.kinds import SegmentKind

__all__ = ["Segment", "Piece", "ServiceRoute", "segments_of", "pieces_of",
           "ferry_containers_per_sailing", "corridor_label"]


@dataclass(frozen=True)
class Segment:
    """A piece of a route: ``kind``; ``links`` the link ids (a crossing or ferry has
    one); ``nodes`` the nodes passed, from the start node to the end node;
    ``directions`` ``fwd``/``rev`` relative to each link's from/to; ``crossing`` the
    border crossing point id; ``max_containers`` the longest train the segment takes
    (``None``: no limit)."""

    kind: SegmentKind
    links: tuple[str, ...]
    nodes: tuple[str, ...]
    directions: tuple[str, ...]
    crossing: str | None = None
    max_containers: int | None = None


@dataclass(frozen=True)
class Piece:
    """The part of a route one train runs: ``start`` → ``end`` over ``segments``,
    trains of at most ``max_containers`` boxes; ``final`` when ``end`` is the
    destination. ``key`` (start, end, links) identifies it across services."""

    key: tuple
    start: str
    end: str
    segments: tuple[Segment, ...]
    max_containers: int
    final: bool


@dataclass(frozen=True)
class ServiceRoute:
    """A service on one of its routes: the pieces, the corridor label and the
    direction (``westbound`` when the destination lies west of the origin)."""

    service: str
    origin: str
    destination: str
    route: Route
    pieces: tuple[Piece, ...]
    corridor: str
    direction: str
    containers_per_train: int


def corridor_label(route: Route) -> str:
    """The route's corridor as text: its gauge-break crossings (or all its crossings)
    joined by " > ", e.g. ``ASK-DST > BRE-MAL``; "" without crossings."""
    return " > ".join(route.corridor)


def ferry_containers_per_sailing(link, teu_per_container: float) -> int | None:
    """Containers one sailing of ferry ``link`` takes (wagons and TEU limits), or
    ``None`` when unlimited."""
    cap = link.capacity_wagons_per_sailing
    if link.capacity_teu_per_sailing is not None:
        teu_cap = int(link.capacity_teu_per_sailing // teu_per_container)
        cap = teu_cap if cap is None else min(cap, teu_cap)
    return cap


def segments_of(network: Network, route: Route, teu_per_container: float) -> list[Segment]:
    """Cut ``route`` into runs, crossings and ferry crossings (in order)."""
    segs: list[Segment] = []
    run_links: list[str] = []
    run_nodes: list[str] = []
    run_dirs: list[str] = []

    def flush() -> None:
        if run_links:
            limits = [network.links[lid].max_train_wagons for lid in run_links]
            lim = min((x for x in limits if x is not None), default=None)
            segs.append(Segment(SegmentKind.run, tuple(run_links), tuple(run_nodes),
                                tuple(run_dirs), max_containers=lim))
            run_links.clear()
            run_nodes.clear()
            run_dirs.clear()

    for leg in route.legs:
        link = network.links[leg.link]
        direction = "fwd" if leg.from_node == link.from_node else "rev"
        crossing = network.crossing_on_link(link.id)
        if crossing is not None and crossing.mode == "rail":
            flush()
            segs.append(Segment(SegmentKind.crossing, (link.id,), (leg.from_node, leg.to_node),
                                (direction,), crossing=crossing.id,
                                max_containers=link.max_train_wagons))
        elif link.mode is Mode.ferry:
            flush()
            segs.append(Segment(SegmentKind.ferry, (link.id,), (leg.from_node, leg.to_node),
                                (direction,),
                                max_containers=ferry_containers_per_sailing(
                                    link, teu_per_container)))
        else:
            if run_links and link.max_train_wagons != network.links[run_links[-1]].max_train_wagons:
                flush()  # the length limit changes here: a run ends where it does
            if not run_nodes:
                run_nodes.append(leg.from_node)
            run_links.append(link.id)
            run_nodes.append(leg.to_node)
            run_dirs.append(direction)
    flush()
    return segs


def pieces_of(segments: list[Segment], origin: str, containers: int) -> tuple[Piece, ...]:
    """Cut ``segments`` into pieces where the train length limit drops below the
    length of the train arriving (a train of ``containers`` boxes leaves ``origin``).

    Raises
    ------
    ValueError
        When a segment takes no container at all (``max_containers < 1``).
    """
    pieces: list[Piece] = []
    length = containers
    start = origin
    current: list[Segment] = []

    def close(end: str, final: bool) -> None:
        links = tuple(lid for s in current for lid in s.links)
        pieces.append(Piece(key=(start, end, links), start=start, end=end,
                            segments=tuple(current), max_containers=length, final=final))

    for seg in segments:
        lim = seg.max_containers
        if lim is not None and lim < 1:
            raise ValueError(f"segment over {', '.join(seg.links)} takes no container "
                             f"(at most {lim} per train or sailing)")
        if lim is not None and lim < length:
            here = seg.nodes[0]
            close(here, False)
            start, length, current = here, lim, []
        current.append(seg)
    close(segments[-1].nodes[-1] if segments else origin, True)
    return tuple(pieces)
