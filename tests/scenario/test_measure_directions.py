"""Bundled measures that name one side of a crossing say so in their source."""

from landbridge.network import load_network
from landbridge.scenario import load_scenario


def test_alashankou_2021_cut_is_westbound_only_as_its_source_says():
    """Khabar 24 via RailFreight (2021-10-26): Alashankou handed over 5–6 trains a day
    *into Kazakhstan*; nothing is published about trains into China, so the cut is on
    Alashankou → Dostyk (station a → b of ASK-DST) only."""
    sc, _ = load_scenario("cre-2021")
    cut = next(d for d in sc.disruptions if d.id == "alashankou-2021")
    net = load_network()
    c = net.crossings[cut.target]
    assert (c.station_a, c.station_b, cut.direction) == ("ASK", "DST", "a_to_b")
    assert cut.factor == 0.51 and "into Kazakhstan" in cut.source


def test_every_one_side_measure_names_its_side_in_its_source():
    for name in ("cre-2019", "cre-2021", "cre-2024"):
        sc, _ = load_scenario(name)
        for d in sc.disruptions:
            if getattr(d, "direction", None) is not None:
                assert d.source and ("into" in d.source or "only" in d.source), (name, d.id)
