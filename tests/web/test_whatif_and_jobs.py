"""The page's what-if (levers → YAML → the scenario the command line reads) and its run
queue, without a browser."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
import yaml

from landbridge.errors import ScenarioError, UsageError
from landbridge.runners import InProcessExecutor
from landbridge.scenario import load_scenario, scenario_hash
from landbridge.web.jobs import JobQueue
from landbridge.web.whatif import (
    Lever,
    Levers,
    base_data,
    check_whatif,
    problems_text,
    refuse_paths,
    whatif_data,
    whatif_yaml,
)

sys.path.insert(0, str(Path(__file__).parents[1] / "store"))

CLOSURE = Lever(kind="closure", target="ASK-DST", start="2021-01-21", end="2021-01-31")


@pytest.fixture(scope="module")
def default_data():
    return base_data("default")


def test_levers_become_a_whatif_file_the_cli_reads_the_same(default_data, tmp_path):
    lv = Levers(base="default", name="dostyk-10d", horizon_days=60, replications=2,
                disruptions=(CLOSURE,), demand_scale={"westbound": 2, "eastbound": None},
                investments=("dostyk-track",))
    text = whatif_yaml(whatif_data(lv, default_data))
    data = yaml.safe_load(text)
    assert data["base"] == "default" and data["horizon_days"] == 60.0
    assert data["disruptions+"] == [{"kind": "closure", "target": "ASK-DST",
                                     "window": {"start": __import__("datetime").date(2021, 1, 21),
                                                "end": __import__("datetime").date(2021, 1, 31)}}]
    inv = next(i for i in default_data["investments"] if i["id"] == "dostyk-track")
    assert data["policies+"] == inv["policies"]
    compiled, path = check_whatif(text, tmp_path / "work")
    sc = compiled.scenario
    # the page's file, loaded as the command line loads it, is the same scenario
    by_hand = tmp_path / "by-hand.yaml"
    by_hand.write_text(text)
    assert scenario_hash(load_scenario(by_hand)[0]) == scenario_hash(sc)
    assert path.read_text() == text
    # what the levers did: one more disruption window, westbound demand doubled
    assert len(sc.disruptions) == len(default_data.get("disruptions", [])) + 1
    assert sc.disruptions[-1].target == "ASK-DST"
    base_sc = load_scenario("default")[0]
    west = sum(d.teu_per_week for d in base_sc.demand
               if _lon(d.origin) > _lon(d.destination))
    east = sum(d.teu_per_week for d in base_sc.demand
               if _lon(d.origin) <= _lon(d.destination))
    assert sum(d.teu_per_week for d in sc.demand) == pytest.approx(2 * west + east)
    assert len(sc.policies) == len(base_sc.policies) + len(inv["policies"])


def _lon(node: str) -> float:
    from landbridge.network import load_network

    net = _lon.__dict__.setdefault("net", load_network(None))
    return net.nodes[node].lon


def test_a_window_that_ends_before_it_starts_gets_the_compilers_message(default_data,
                                                                       tmp_path):
    bad = Lever(kind="closure", target="ASK-DST", start="2021-02-10", end="2021-02-01")
    text = whatif_yaml(whatif_data(Levers(disruptions=(bad,)), default_data))
    with pytest.raises(ScenarioError) as e:
        check_whatif(text, tmp_path)
    lines = problems_text(e.value)
    assert any("disruptions" in x and "the window ends (2021-02-01T00:00:00+00:00) before "
               "it starts (2021-02-10T00:00:00+00:00)" in x for x in lines), lines
    assert all(str(tmp_path) not in x for x in lines)  # no server paths on the page


def test_a_negative_demand_scale_gets_the_loaders_message(default_data, tmp_path):
    text = whatif_yaml(whatif_data(Levers(demand_scale={"westbound": -1}), default_data))
    with pytest.raises(ScenarioError) as e:
        check_whatif(text, tmp_path)
    assert any("demand_scale.westbound: expected a factor in (0, 1000]; found -1" in x
               for x in problems_text(e.value)), problems_text(e.value)


def test_limits_and_paths_are_refused(tmp_path):
    with pytest.raises(ScenarioError) as e:
        check_whatif("base: default\nname: long\nhorizon_days: 400.0\nreplications: 11\n",
                     tmp_path)
    text = "\n".join(problems_text(e.value))
    assert "horizon_days: the page runs 7 to 366 days; got 400" in text
    assert "replications: the page runs 1 to 10 replications; got 11" in text
    for data, field in (({"base": "/etc/passwd", "name": "x"}, "base"),
                        ({"base": "default", "network": "/tmp"}, "network"),
                        ({"name": "no-base"}, "base")):
        with pytest.raises(ScenarioError) as e:
            refuse_paths(data)
        assert [p.item for p in e.value.problems] == [field]


def test_the_queue_runs_a_scenario_file_into_the_store_and_reuses_an_identical_run(tmp_path):
    from lb_runs import scenario_dict
    from netfactory import two_corridor_network

    two_corridor_network(tmp_path / "net")
    file = tmp_path / "tiny.yaml"
    file.write_text(yaml.safe_dump(scenario_dict(days=3.0, replications=2)))
    store = tmp_path / "runs" / "landbridge.duckdb"
    q = JobQueue(InProcessExecutor(), store, tmp_path / "runs", tmp_path / "work",
                 max_pending=2).start()
    try:
        first = q.wait(q.submit(file, "tiny").id, timeout=120)
        again = q.wait(q.submit(file, "tiny again").id, timeout=120)
    finally:
        q.shutdown()
    assert first.state == "done", first.message
    assert first.result["reused"] is False
    assert Path(first.result["run_dir"]).parent == tmp_path / "runs"
    assert (Path(first.result["run_dir"]) / "events.parquet").is_file()
    assert again.state == "done" and again.result["reused"] is True
    assert again.result["run_id"] == first.result["run_id"]
    views = q.jobs()
    assert [v["state"] for v in views] == ["done", "done"]
    assert views[1]["progress"] == 1.0


def test_the_queue_refuses_more_than_its_limit(tmp_path):
    class Never(InProcessExecutor):
        def submit(self, fn, /, *args, **kwargs):  # keeps every job queued
            import concurrent.futures as cf

            if fn.__name__ == "warm_up":
                return super().submit(fn, *args, **kwargs)
            return cf.Future()

    q = JobQueue(Never(), tmp_path / "s.duckdb", tmp_path, tmp_path / "work",
                 max_pending=2).start()
    try:
        q.submit(tmp_path / "a.yaml", "a")
        q.submit(tmp_path / "b.yaml", "b")
        with pytest.raises(UsageError) as e:
            q.submit(tmp_path / "c.yaml", "c")
    finally:
        q.shutdown()
    assert "2 runs are queued or running (at most 2)" in str(e.value.problems[0])
    assert [v["state"] for v in q.jobs()] == ["cancelled", "cancelled"]


def test_shutdown_stops_a_running_job_and_the_workers_leaving_no_partial_run(tmp_path):
    from lb_runs import scenario_dict
    from netfactory import two_corridor_network

    from landbridge.runners import open_executor
    from landbridge.web.tasks import read_progress

    two_corridor_network(tmp_path / "net")
    file = tmp_path / "long.yaml"
    file.write_text(yaml.safe_dump(scenario_dict(name="long", days=3600.0, replications=1)))
    runs = tmp_path / "runs"
    with open_executor(2) as info:
        q = JobQueue(info.executor, runs / "landbridge.duckdb", runs, tmp_path / "work",
                     max_pending=2).start()
        workers = list(q._workers)
        job = q.submit(file, "long")
        waited = 0
        while not (read_progress(job.progress_file) or 0) > 0 and waited < 1200:
            time.sleep(0.1)  # until the simulation is under way
            waited += 1
        assert job.state in ("queued", "running"), job.message
        q.shutdown()
        assert q.wait(job.id, timeout=60).state == "cancelled"
    assert len(workers) == 2 and [p.pid for p in workers if p.is_alive()] == []
    assert not runs.exists() or sorted(p.name for p in runs.iterdir()) == []
