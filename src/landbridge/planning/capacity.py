"""Static capacity of every element the planner constrains, stage by stage.

Builds on :mod:`landbridge.network.capacity` (the deterministic bound ``n × H / s`` of
each stage: Kleinrock, *Queueing Systems* vol. 1, 1975, §2). An *element* is a rail
border crossing point, a rail line section, a ferry link or a road border post; each
has one or more *stages* and is counted per direction of travel:

==============  ====================================================  ==================
element         stages                                                unit
==============  ====================================================  ==================
crossing        receiving yard, inspection teams, transshipment,      trains/day
                max trains/day
section         line (``capacity_trains_per_day`` per direction;      trains/day
                single track: train pairs, 2 × them shared by both
                directions in one row, direction ``both``)
ferry           sailings (sailings/day × TEU per sailing)             TEU/day
road_post       lanes, max trucks/day                                 trucks/day
==============  ====================================================  ==================

Train capacities become TEU/day at a *reference train* (``teu_per_train`` TEU in
``containers`` boxes, the scenario's default train). A train of another size uses a
stage in proportion to its resource time: :func:`usage_h` gives the hours of the stage's
resource one train holds (transshipment and the receiving yard grow with the number of
boxes; an inspection team or a line slot does not).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property

from landbridge.network.capacity import crossing_capacity, ferry_capacity_teu_per_day
from landbridge.network.model import BorderCrossing, Mode, Network

__all__ = ["Stage", "crossing_stages", "link_stages", "road_post_stages", "usage_h",
           "element_label"]

TEU_PER_TRUCK = 2.0
"""One FEU per truck, as :func:`landbridge.network.capacity.crossing_capacity` assumes."""


@dataclass(frozen=True)
class Stage:
    """Capacity of one stage of one element in one direction.

    ``element_type`` is ``crossing``, ``section``, ``ferry`` or ``road_post``;
    ``direction`` is ``a_to_b``/``b_to_a`` for crossings and road posts (station a → b)
    and ``fwd``/``rev`` for links (from_node → to_node); ``units_per_day`` is in the
    stage's own unit (``unit``: trains, TEU or trucks per day); ``teu_per_day`` the same
    capacity in TEU at the reference train (or per truck).
    """

    element_type: str
    element: str
    name: str
    direction: str
    from_node: str
    to_node: str
    stage: str
    unit: str
    units_per_day: float
    teu_per_day: float

    @cached_property
    def key(self) -> str:
        """Unique constraint name, e.g. ``crossing ASK-DST a_to_b: transshipment``
        (computed once: the LP builder asks for it per path and row)."""
        return f"{self.element_type} {self.element} {self.direction}: {self.stage}"

    @property
    def label(self) -> str:
        """Human label, e.g. ``Alashankou–Dostyk (ASK→DST): transshipment``."""
        return f"{self.name} ({self.from_node}→{self.to_node}): {self.stage}"

    def to_dict(self) -> dict:
        return asdict(self)


def element_label(network: Network, element_type: str, element: str) -> str:
    """Display name of an element: the crossing's name or the link's end-node names."""
    if element_type in ("crossing", "road_post"):
        return network.crossings[element].name
    link = network.links[element]
    return f"{network.nodes[link.from_node].name}–{network.nodes[link.to_node].name}"


def _directions_crossing(c: BorderCrossing):
    return (("a_to_b", c.station_a, c.station_b), ("b_to_a", c.station_b, c.station_a))


def crossing_stages(network: Network, crossing_id: str, containers: int,
                    teu_per_container: float) -> list[Stage]:
    """Stages of a rail crossing in both directions, for a train of ``containers``
    boxes of ``teu_per_container`` TEU (capacity per direction, identical both ways)."""
    c = network.crossings[crossing_id]
    cap = crossing_capacity(c, containers, teu_per_container)
    return _both_directions(c, cap.stages, "trains/day", containers * teu_per_container)


def road_post_stages(network: Network, crossing_id: str) -> list[Stage]:
    """Stages of a road border post in both directions (trucks/day; TEU at 2 per truck)."""
    c = network.crossings[crossing_id]
    return _both_directions(c, crossing_capacity(c).stages, "trucks/day", TEU_PER_TRUCK)


def _both_directions(c, stages: dict[str, float], unit: str, teu_per_unit: float
                     ) -> list[Stage]:
    """One :class:`Stage` per direction and stage of crossing ``c`` (``stages``: units/day)."""
    element_type = "road_post" if unit == "trucks/day" else "crossing"
    return [Stage(element_type, c.id, c.name, direction, a, b, stage, unit, stages[stage],
                  stages[stage] * teu_per_unit)
            for direction, a, b in _directions_crossing(c) for stage in sorted(stages)]


def link_stages(network: Network, link_id: str, direction: str, containers: int,
                teu_per_container: float) -> list[Stage]:
    """Stages of a rail section (``line``) or ferry (``sailings``) in ``direction``
    (``fwd`` or ``rev``; a single-track section's one stage has direction ``both``:
    its ``capacity_trains_per_day`` counts train pairs, so 2 × that many trains a day
    in the two directions together); road links carry no stage (their posts do)."""
    link = network.links[link_id]
    a, b = (link.from_node, link.to_node) if direction == "fwd" else (link.to_node, link.from_node)
    name = element_label(network, "section", link_id)
    if link.mode is Mode.rail:
        assert link.capacity_trains_per_day is not None
        trains = link.capacity_trains_per_day
        if link.tracks == 1:
            # single track: capacity_trains_per_day counts train pairs; both directions
            # share the 2 × pairs paths (as simulation/line.py runs them): one row
            return [Stage("section", link.id, f"{name} (single track)", "both",
                          link.from_node, link.to_node, "line", "trains/day", 2 * trains,
                          2 * trains * containers * teu_per_container)]
        return [Stage("section", link.id, name, direction, a, b, "line", "trains/day", trains,
                      trains * containers * teu_per_container)]
    if link.mode is Mode.ferry:
        teu = ferry_capacity_teu_per_day(link, teu_per_wagon=teu_per_container)
        if teu is None:
            return []
        return [Stage("ferry", link.id, name, direction, a, b, "sailings", "TEU/day", teu, teu)]
    return []


def usage_h(network: Network, stage: Stage, containers: int) -> float:
    """Resource time one train of ``containers`` boxes takes from ``stage``, in hours
    (1 for stages counted per train or per TEU, so only ratios matter).

    The receiving yard is held through the whole mean dwell (clearance, handover,
    transshipment); a transshipment track through ``containers / (cranes × lifts/h) +
    setup``; an inspection team, a line slot and an agreed cap count one per train.
    """
    if stage.element_type != "crossing":
        return 1.0
    c = network.crossings[stage.element]
    if stage.stage == "receiving yard":
        return c.mean_dwell_h(containers)
    if stage.stage == "transshipment" and c.transshipment is not None:
        return c.transshipment.duration_h(containers)
    return 1.0
