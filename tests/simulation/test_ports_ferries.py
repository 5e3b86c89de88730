"""Ports and ferries (issue 9 item 4): hand-computed timelines for both departure rules,
a port closure holding handling, seasonal weather cancellations within their binomial
confidence interval, and the refusal of a ferry that cannot carry one container."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pytest
import simpy

from landbridge.errors import NetworkError, ScenarioError
from landbridge.network.distributions import Fixed
from landbridge.network.capacity import ferry_weather_availability, port_capacity
from landbridge.network.loader import load_network
from landbridge.network.model import Link, Network, Node, Port, PortHandling
from landbridge.simulation.ferry import FerryCrossing
from landbridge.simulation.port import PortTerminals

CLOCK = datetime(2021, 1, 1, tzinfo=timezone.utc)


class FakeDisruptions:
    """The board's Disruptions interface over explicit windows."""

    def __init__(self, closures=None, factors=None):
        self._closures = closures or {}
        self._factors = factors or {}

    def closures(self, target_type, target_id):
        return list(self._closures.get((target_type, target_id), []))

    def is_closed(self, target_type, target_id, t_h):
        return any(s <= t_h < e for s, e in self.closures(target_type, target_id))

    def factor(self, kind, target_type, target_id, t_h):
        f = 1.0
        for s, e, k in self._factors.get((kind, target_type, target_id), []):
            if s <= t_h < e:
                f *= k
        return f


@dataclass
class Train:
    id: str
    containers: int
    teu: float
    state: str = "running"
    node: str = ""


def _node(nid, lon):
    return Node(id=nid, name=f"Port {nid}", country="KZ" if nid == "A" else "AZ", lat=42.0,
                lon=lon, timezone="UTC", kind="seaport", gauge_mm=1520, source="test")


def _port(nid, positions=1, units_per_h=5.0, setup_h=1.0, clearance_h=1.0, teams=1,
          storage=4):
    # handling of a 10-wagon train: setup 1 h + 10 / 5 wagons/h = 3 h
    return Port(node=nid, name=f"Port {nid}", timezone="UTC",
                handling=PortHandling(method="roll_on_roll_off", positions=positions,
                                      units_per_h=units_per_h, setup_h=Fixed(value=setup_h)),
                customs_teams=teams, clearance_h=Fixed(value=clearance_h),
                storage_trains=storage, source="test")


def _network(ports=True, **ferry):
    fields = dict(id="A-B", mode="ferry", from_node="A", to_node="B", length_km=400.0,
                  running_time_h=18.0, sailings_per_week=7.0, capacity_wagons_per_sailing=20,
                  capacity_teu_per_sailing=40.0, source="test")
    fields.update(ferry)
    link = Link(**fields)
    return Network(nodes={"A": _node("A", 51.0), "B": _node("B", 49.0)}, links={"A-B": link},
                   crossings={}, ports={"A": _port("A"), "B": _port("B")} if ports else {})


class World:
    """One environment with a ferry A→B and a log of (train, event, node, where, t)."""

    def __init__(self, network, disruptions=None, seed=1, clock=CLOCK, teu_per_container=2.0):
        self.env = simpy.Environment()
        self.log = []
        self.done = {}
        dis = disruptions or FakeDisruptions()

        def rng_for(name):
            return np.random.default_rng([seed, sum(map(ord, name))])

        def record(train, event, node, where):
            self.log.append((train.id, event, node, where, self.env.now))

        ports = PortTerminals(self.env, network, rng_for, dis, clock, record)
        self.ferry = FerryCrossing(self.env, network, "A-B", "fwd", rng_for("ferry:A-B:fwd"),
                                   dis, record, ports=ports, clock_start=clock,
                                   teu_per_container=teu_per_container,
                                   background_rng=rng_for("ferry-background:A-B:fwd"))

    def send(self, train, at_h):
        def proc():
            yield self.env.timeout(at_h)
            yield from self.ferry.carry(train)
            self.done[train.id] = self.env.now
        self.env.process(proc())

    def t(self, train_id, event):
        return [t for tid, ev, _, _, t in self.log if tid == train_id and ev == event]


def _train(i, containers=10):
    return Train(id=f"T{i}", containers=containers, teu=2.0 * containers)


def test_when_loaded_ferry_hand_computed_timeline():
    # capacity 2 trains of 10 wagons, sails when full; customs 1 h and handling 3 h per
    # train at each port, one linkspan and one customs team at each.
    w = World(_network(departure_rule="when_loaded", min_load_fraction=1.0, max_wait_h=100.0))
    w.send(_train(1), 0.0)
    w.send(_train(2), 5.0)
    w.env.run(until=200)
    # T1: customs 0–1, loaded 1–4; T2: customs 5–6, loaded 6–9 → vessel full, sails at 9
    assert w.t("T1", "loaded") == [4.0] and w.t("T2", "loaded") == [9.0]
    assert w.t("T1", "ferry_sail") == [9.0] and w.t("T2", "ferry_sail") == [9.0]
    # 18 h voyage → arrival 27; unloading in boarding order on one linkspan: 27–30, 30–33;
    # then customs 1 h each: T1 30–31, T2 33–34
    assert w.t("T1", "ferry_arrive") == [27.0]
    assert w.t("T1", "unloaded") == [30.0] and w.t("T2", "unloaded") == [33.0]
    assert w.done == {"T1": 31.0, "T2": 34.0}
    assert w.ferry.sailings == 1


def test_when_loaded_ferry_sails_part_loaded_after_max_wait():
    w = World(_network(departure_rule="when_loaded", min_load_fraction=1.0, max_wait_h=48.0))
    w.send(_train(1), 0.0)
    w.env.run(until=200)
    # loading began at 1 h (after customs); nobody else comes → sails at 1 + 48 = 49
    assert w.t("T1", "ferry_sail") == [49.0]
    assert w.done["T1"] == 49.0 + 18.0 + 3.0 + 1.0


def test_when_loaded_next_vessel_waits_for_the_fleet_interval():
    # capacity one train; 7 sailings/week → the next vessel berths 24 h after the last left
    w = World(_network(departure_rule="when_loaded", min_load_fraction=1.0, max_wait_h=100.0,
                       capacity_wagons_per_sailing=10, capacity_teu_per_sailing=20.0))
    w.send(_train(1), 0.0)
    w.send(_train(2), 0.0)
    w.env.run(until=300)
    # T1 customs 0–1, loaded 1–4, sails 4 (full); T2 customs 1–2 (one team), then waits for
    # the next vessel, at the berth from 4 + 24 = 28: loaded 28–31, sails 31
    assert w.t("T1", "ferry_sail") == [4.0]
    assert w.t("T2", "load_start") == [28.0] and w.t("T2", "ferry_sail") == [31.0]


def test_timetable_ferry_hand_computed_timeline():
    # 7 sailings/week → departures at 0, 24, 48, ... h
    w = World(_network(departure_rule="timetable"))
    w.send(_train(1), 20.0)
    w.send(_train(2), 30.0)
    w.env.run(until=200)
    # T1: customs 20–21, loaded 21–24 → the 24 h departure; T2: customs 30–31, loaded
    # 31–34 → the 48 h departure
    assert w.t("T1", "ferry_sail") == [24.0] and w.t("T2", "ferry_sail") == [48.0]
    assert w.t("T1", "ferry_arrive") == [42.0] and w.t("T2", "ferry_arrive") == [66.0]
    assert w.done == {"T1": 46.0, "T2": 70.0}


def test_timetable_is_the_default_rule():
    w = World(_network())
    w.send(_train(1), 20.0)
    w.env.run(until=100)
    assert w.t("T1", "ferry_sail") == [24.0]


def test_port_closed_for_a_window_holds_handling():
    # port A closed 2–10 h: T1's loading (1 h done of 3 by 2 h) resumes at 10, ends at 12
    dis = FakeDisruptions(closures={("node", "A"): [(2.0, 10.0)]})
    w = World(_network(departure_rule="when_loaded", min_load_fraction=0.5, max_wait_h=100.0),
              disruptions=dis)
    w.send(_train(1), 0.0)
    w.env.run(until=100)
    assert w.t("T1", "load_start") == [1.0]
    assert w.t("T1", "loaded") == [12.0]
    assert w.t("T1", "ferry_sail") == [12.0]


def test_link_closure_holds_the_sailing_and_capacity_scale_splits_loads():
    dis = FakeDisruptions(closures={("link", "A-B"): [(0.0, 30.0)]},
                          factors={("capacity_scale", "link", "A-B"): [(0.0, 1000.0, 0.5)]})
    w = World(_network(departure_rule="when_loaded", min_load_fraction=1.0, max_wait_h=100.0),
              disruptions=dis)
    w.send(_train(1), 0.0)
    w.send(_train(2), 0.0)
    w.env.run(until=300)
    # half capacity = one 10-wagon train per sailing: T1 loaded 1–4 and ready, but the link
    # is closed until 30 → sails 30; T2 takes the next vessel, berthing at 30 + 24 = 54
    assert w.t("T1", "ferry_sail") == [30.0]
    assert w.t("T2", "load_start") == [54.0] and w.t("T2", "ferry_sail") == [57.0]


def test_ferry_without_port_records_takes_no_port_time():
    w = World(_network(ports=False, departure_rule="when_loaded", min_load_fraction=0.5,
                       max_wait_h=10.0))
    w.send(_train(1), 3.0)
    w.env.run(until=100)
    assert w.t("T1", "ferry_sail") == [3.0] and w.done["T1"] == 21.0


@pytest.mark.slow
@pytest.mark.parametrize("month,p", [(1, 0.35), (7, 0.05), (12, 0.5)])
def test_seasonal_cancellations_within_binomial_interval(month, p):
    probs = [0.35, 0.35, 0.25, 0.15, 0.1, 0.05, 0.05, 0.05, 0.1, 0.25, 0.5, 0.5]
    clock = datetime(2021, month, 1, tzinfo=timezone.utc)
    net = _network(ports=False, departure_rule="timetable", sailings_per_week=168.0,
                   weather_cancellation_by_month=probs)
    w = World(net, clock=clock, seed=month)
    days = 28
    for i in range(days * 24):  # one train an hour, each alone on its hourly sailing
        w.send(_train(i, containers=1), float(i))
    w.env.run(until=days * 24)
    n = w.ferry.sailings + w.ferry.cancellations
    assert n >= days * 24 - 1
    rate = w.ferry.cancellations / n
    half = 3.29 * math.sqrt(p * (1 - p) / n)  # 99.9 % normal-approximation interval
    assert abs(rate - p) <= half, (rate, p, n)


def test_capacity_below_one_container_is_refused():
    # 2 TEU per sailing validates for FEU, but a scenario of 3-TEU units cannot board one
    net = _network(capacity_wagons_per_sailing=None, capacity_teu_per_sailing=2.0)
    with pytest.raises(ScenarioError, match=r"A-B.*less than one\s+container"):
        World(net, teu_per_container=3.0)


def test_train_longer_than_a_sailing_is_refused():
    w = World(_network())
    with pytest.raises(ScenarioError, match="re-formed before the ferry"):
        w.ferry.carry(_train(1, containers=21))


def test_when_loaded_needs_its_parameters():
    with pytest.raises(ValueError, match="when_loaded ferry needs min_load_fraction"):
        _network(departure_rule="when_loaded", max_wait_h=10.0)
    with pytest.raises(ValueError, match="12 probabilities"):
        _network(weather_cancellation_by_month=[0.1] * 11)


def test_bundled_ports_cover_every_ferry_end():
    net = load_network()
    ferry_ends = {n for k in net.links.values() if k.mode.value == "ferry"
                  for n in (k.from_node, k.to_node)}
    assert ferry_ends <= set(net.ports)
    caspian = net.links["KUR-ALAT"]
    assert caspian.ferry_rule.value == "when_loaded"
    # published: Kuryk closed by weather about half the time in November and December
    assert caspian.cancellation_probability(11) == caspian.cancellation_probability(12) == 0.5


def test_ports_file_problems_are_collected(tmp_path):
    import shutil

    from landbridge.network.loader import bundled_network_path

    d = tmp_path / "net"
    shutil.copytree(bundled_network_path(), d)
    text = (d / "ports.yaml").read_text()
    text = text.replace("node: MUK", "node: NOPE", 1)
    text = text.replace("timezone: Asia/Baku", "timezone: Asia/Tbilisi", 1)
    (d / "ports.yaml").write_text(text)
    with pytest.raises(NetworkError) as err:
        load_network(d)
    msg = str(err.value)
    assert "ports.yaml: NOPE.node: unknown node 'NOPE'" in msg
    assert "ports.yaml: ALAT.timezone" in msg
    assert "links.geojson: KGS-MUK.properties.to_node" in msg and "MUK" in msg


def test_weather_availability_and_port_capacity_hand_computed():
    probs = [0.35, 0.35, 0.25, 0.15, 0.1, 0.05, 0.05, 0.05, 0.1, 0.25, 0.5, 0.5]
    timetable = _network(weather_cancellation_by_month=probs).links["A-B"]
    assert ferry_weather_availability(timetable, 1) == pytest.approx(0.65)  # 1 − p
    # unscheduled, 4 vessels/week (42 h apart), re-checked after 24 h: in December
    # (p = 0.5) one failed attempt per departure on average → 42 / (42 + 24)
    loaded = _network(departure_rule="when_loaded", min_load_fraction=0.9, max_wait_h=48.0,
                      sailings_per_week=4.0, weather_retry_h=24.0,
                      weather_cancellation_by_month=probs).links["A-B"]
    assert ferry_weather_availability(loaded, 12) == pytest.approx(42.0 / 66.0)
    # year average weighs months by their days
    year = sum(d * (1 - p) for d, p in zip((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31),
                                           probs)) / 365
    assert ferry_weather_availability(timetable) == pytest.approx(year)
    # port A: one linkspan, 1 h setup + 10 wagons at 5/h = 3 h → 8 trains a day;
    # one customs team at 1 h → 24 a day
    assert port_capacity(_port("A"), 10) == {"handling": 8.0, "customs": 24.0}


# ---------------------------------------------------------------- background traffic


def test_background_wagons_take_slots_so_a_train_misses_the_sailing():
    """Hand-computed: 20 wagon slots per sailing, sails when full; 5 background wagons
    reach the port at 0.5 h and board at once (5/20). T1 (10 wagons) is cleared at 1 h and
    boards (15/20, loaded 1–4). T2 (10 wagons) is cleared at 3 h: 15 + 10 > 20, the vessel is
    full for it and sails when T1's loading ends, at 4 h, without T2. The next vessel berths
    24 h later (7 sailings/week), at 28: T2 loads 28–31; 10 background wagons arrive at 29
    (20/20) and the vessel sails at 31. Without the background wagons T2 would have loaded
    4–7 behind T1 on the one linkspan and sailed at 7."""
    w = World(_network(departure_rule="when_loaded", min_load_fraction=1.0, max_wait_h=100.0))
    w.send(_train(1), 0.0)
    w.send(_train(2), 2.0)

    def background():
        yield w.env.timeout(0.5)
        w.ferry.add_background(5)
        yield w.env.timeout(28.5)
        w.ferry.add_background(10)

    w.env.process(background())
    w.env.run(until=29.5)
    assert w.ferry.background_aboard == 10 and w.ferry.background_carried == 5
    w.env.run(until=200)
    assert w.t("T1", "ferry_sail") == [4.0]
    assert w.t("T2", "load_start") == [28.0] and w.t("T2", "ferry_sail") == [31.0]
    assert w.done == {"T1": 4.0 + 18.0 + 3.0 + 1.0, "T2": 31.0 + 18.0 + 3.0 + 1.0}
    assert w.ferry.sailings == 2
    assert (w.ferry.background_arrived, w.ferry.background_carried) == (15, 15)


def test_without_background_the_same_trains_share_one_sailing():
    w = World(_network(departure_rule="when_loaded", min_load_fraction=1.0, max_wait_h=100.0))
    w.send(_train(1), 0.0)
    w.send(_train(2), 2.0)
    w.env.run(until=200)
    # T2 fits (10 + 10 = 20): loaded 4–7 after T1 on the one linkspan, both sail at 7
    assert w.t("T1", "ferry_sail") == [7.0] and w.t("T2", "ferry_sail") == [7.0]


def test_background_wagons_are_conserved_and_follow_the_monthly_volumes():
    """Every background wagon that arrived has sailed, waits at the port or is aboard the
    vessel at the berth. Arrivals are Poisson with the month's volume as mean: the year's
    count lies within 4 standard deviations (sqrt of the mean) of the sum of the months,
    and January's of its own volume."""
    months = (300.0, 0.0, 600.0, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0)
    w = World(_network(departure_rule="when_loaded", min_load_fraction=0.9, max_wait_h=48.0,
                       sailings_per_week=4.0, background_wagons_by_month=months))
    jan = {}

    def watch():
        yield w.env.timeout(31 * 24.0)
        jan["n"] = w.ferry.background_arrived
        yield w.env.timeout(28 * 24.0)
        jan["feb"] = w.ferry.background_arrived - jan["n"]

    w.env.process(watch())
    for i in range(20):
        w.send(_train(i), 24.0 * 17 * i + 5.0)
    w.env.run(until=365 * 24.0)
    f = w.ferry
    assert f.background_arrived == f.background_carried + f.background_waiting \
        + f.background_aboard
    total = sum(months)
    assert abs(f.background_arrived - total) <= 4 * math.sqrt(total)
    assert abs(jan["n"] - 300.0) <= 4 * math.sqrt(300.0)
    assert jan["feb"] == 0  # no wagons in a month of zero volume
    assert len(w.done) == 20


def test_background_needs_twelve_non_negative_months():
    with pytest.raises(ValueError, match="background_wagons_by_month needs 12"):
        _network(departure_rule="when_loaded", min_load_fraction=0.9, max_wait_h=48.0,
                 background_wagons_by_month=(1.0,) * 11)
    with pytest.raises(ValueError, match="cannot be negative"):
        _network(departure_rule="when_loaded", min_load_fraction=0.9, max_wait_h=48.0,
                 background_wagons_by_month=(-1.0,) + (1.0,) * 11)
    with pytest.raises(ValueError, match=r"at most 100,000 wagons a month .*found \[1000000000.0\]"):
        _network(departure_rule="when_loaded", min_load_fraction=0.9, max_wait_h=48.0,
                 background_wagons_by_month=(1e9,) + (1.0,) * 11)
    with pytest.raises(ValueError, match="applies to ferry links"):
        Link(id="X-Y", mode="rail", from_node="X", to_node="Y", length_km=10.0, speed_kmh=20.0,
             gauge_mm=1520, capacity_trains_per_day=10.0, background_wagons_by_month=(1.0,) * 12,
             source="test")


def test_static_ferry_capacity_leaves_the_background_slots_out():
    """Hand-computed: 7 sailings/week = 1 a day of 20 wagons and 40 TEU; 30 background
    wagons a month = 360 a year = 360/365 a day; the containers keep (20 − 0.9863) wagons ×
    2 TEU = 38.03 TEU a day (40 without background)."""
    from landbridge.network.capacity import (ferry_background_wagons_per_day,
                                             ferry_capacity_teu_per_day)
    plain = _network(departure_rule="when_loaded", min_load_fraction=0.9, max_wait_h=48.0)
    busy = _network(departure_rule="when_loaded", min_load_fraction=0.9, max_wait_h=48.0,
                    background_wagons_by_month=(30.0,) * 12)
    assert ferry_capacity_teu_per_day(plain.links["A-B"]) == pytest.approx(40.0)
    assert ferry_background_wagons_per_day(busy.links["A-B"]) == pytest.approx(360 / 365)
    assert ferry_capacity_teu_per_day(busy.links["A-B"]) == pytest.approx(
        (20 - 360 / 365) * 2, abs=1e-9)
