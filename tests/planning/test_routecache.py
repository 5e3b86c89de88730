"""Candidate corridors kept on disk: read back instead of searched, keyed by content."""

import json

import pytest

from landbridge.planning import RouteCache, plan, plan_scenario
from landbridge.planning import context as context_mod
from landbridge.planning.routecache import network_digest
from landbridge.scenario import compile_scenario, load_scenario
from toy import FakeSea, toy_scenario


def counted_find_routes(monkeypatch):
    calls = []
    real = context_mod.find_routes

    def spy(*args, **kw):
        calls.append(args[1:3])
        return real(*args, **kw)

    monkeypatch.setattr(context_mod, "find_routes", spy)
    return calls


def test_second_plan_reads_the_routes_back(tmp_path, monkeypatch):
    calls = counted_find_routes(monkeypatch)
    sc, path = load_scenario(str(toy_scenario(tmp_path, teu_per_week=500.0)))
    compiled = compile_scenario(sc, file=path)
    cache = RouteCache(tmp_path / "cache")
    first = plan(compiled, k=2, sea_router=FakeSea(), route_cache=cache)
    assert calls == [("A", "D")]
    (stored,) = list((tmp_path / "cache").glob("routes-*.json"))
    assert list(json.loads(stored.read_text())) == ["A|D|44"]
    second = plan(compiled, k=2, sea_router=FakeSea(), route_cache=cache)
    assert calls == [("A", "D")]                      # no second search
    assert [p.route for p in second.assignment.paths] == [p.route for p in first.assignment.paths]
    assert second.assignment.objective_usd_per_week == first.assignment.objective_usd_per_week


def test_a_corrupt_cache_file_is_ignored_and_rewritten(tmp_path, monkeypatch):
    calls = counted_find_routes(monkeypatch)
    sc, path = load_scenario(str(toy_scenario(tmp_path)))
    compiled = compile_scenario(sc, file=path)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / f"routes-{network_digest(compiled.network, 5)}.json").write_text("{not json")
    plan(compiled, sea_router=FakeSea(), route_cache=RouteCache(cache_dir))
    assert len(calls) == 1


def test_the_key_changes_with_the_network_and_k(tmp_path):
    sc, path = load_scenario(str(toy_scenario(tmp_path)))
    net = compile_scenario(sc, file=path).network
    slower = net.links["A-E"].model_copy(update={"speed_kmh": 50.0})
    from landbridge.network.model import Network

    other = Network(nodes=dict(net.nodes), links={**net.links, "A-E": slower},
                    crossings=dict(net.crossings))
    assert network_digest(net, 5) == network_digest(net, 5)
    assert network_digest(net, 5) != network_digest(net, 4)
    assert network_digest(net, 5) != network_digest(other, 5)


def test_plan_scenario_takes_an_in_memory_what_if(tmp_path, monkeypatch):
    sc, path = load_scenario(str(toy_scenario(tmp_path, teu_per_week=500.0)))
    monkeypatch.chdir(path.parent)                    # its network: "net", relative
    doubled = sc.model_copy(update={"demand": [
        d.model_copy(update={"teu_per_week": 2 * d.teu_per_week}) for d in sc.demand]})
    res = plan_scenario(doubled, sea_router=FakeSea(), investments=False)
    assert res.assignment.demand_teu_per_week == pytest.approx(1000.0)


def test_plan_scenario_refuses_other_types_by_name():
    with pytest.raises(TypeError, match="got int"):
        plan_scenario(42)


def test_a_failed_search_is_handed_back_and_not_stored(tmp_path):
    from landbridge.errors import NoRouteError

    sc, path = load_scenario(str(toy_scenario(tmp_path)))
    net = compile_scenario(sc, file=path).network

    def compute(o, d, n):
        raise NoRouteError(f"no rail route from {o} to {d}")

    cache = RouteCache(tmp_path / "c")
    (entry,) = cache.routes(net, 5, [("A", "D", 44)], compute)
    assert isinstance(entry, NoRouteError)
    assert not (tmp_path / "c").exists()
