"""A stored run of a what-if (not a bundled scenario) as the page's baseline.

Why it could not be one: the page offered only stored runs whose scenario is bundled,
because a what-if from the page must name a bundled ``base:`` and its baseline was that
base. Now a stored what-if is rebuilt as its bundled base plus the keys it changes
(``web.whatif.stored_whatif``), offered when that rebuilds it exactly (same scenario
hash), and the levers act on top of it; its rebuilt baseline file hashes as the stored
run, so the page's baseline job reuses the stored run.
"""

from __future__ import annotations

import json

import yaml

from landbridge.runners import InProcessExecutor
from landbridge.scenario import load_scenario, scenario_hash
from landbridge.web.jobs import JobQueue
from landbridge.web.whatif import (Lever, Levers, base_data, check_whatif, stored_whatif,
                                   whatif_data, whatif_yaml)

STORED = """base: default
name: dostyk-closed
horizon_days: 8
warmup_days: 0
replications: 1
disruptions+:
  - {kind: closure, target: ASK-DST, window: {start: 2021-01-03, end: 2021-01-06}}
"""
KHORGOS = Lever(kind="closure", target="KHG-ALT", start="2021-01-04", end="2021-01-07")


def test_a_stored_whatif_is_its_bundled_base_and_the_keys_it_changes(tmp_path):
    f = tmp_path / "stored.yaml"
    f.write_text(STORED)
    sc, _ = load_scenario(f)
    # as the run directory keeps it: scenario.json, dates become date-times
    data = json.loads(json.dumps(sc.model_dump(mode="json", by_alias=True)))
    base, changes = stored_whatif(data)
    default = base_data("default")
    assert base == "default" and list(changes) == ["disruptions"]
    assert len(changes["disruptions"]) == len(default["disruptions"]) + 1
    assert changes["disruptions"][-1]["window"] == {"start": "2021-01-03",
                                                    "end": "2021-01-06"}
    # the levers act on top of it: the stored list, then the page's closure
    lv = Levers(base=base, name="both-closed", horizon_days=8, replications=1,
                disruptions=(KHORGOS,), base_changes=changes)
    text = whatif_yaml(whatif_data(lv, default))
    d = yaml.safe_load(text)
    assert "disruptions+" not in d
    assert [x["target"] for x in d["disruptions"][-2:]] == ["ASK-DST", "KHG-ALT"]
    compiled, _ = check_whatif(text, tmp_path / "work")
    assert len(compiled.scenario.disruptions) == len(default["disruptions"]) + 2


def test_the_page_offers_a_stored_whatif_run_and_rebuilds_it_as_the_baseline(tmp_path):
    from landbridge.web.app import _baseline_yaml, create_app
    from landbridge.workflow import run_scenario

    f = tmp_path / "stored.yaml"
    f.write_text(STORED)
    store = tmp_path / "runs" / "landbridge.duckdb"
    out = run_scenario(f, store=store, runs_root=tmp_path / "runs", report=False)
    jobs = JobQueue(InProcessExecutor(), store, tmp_path / "runs", tmp_path / "work")
    try:
        app = create_app(jobs, store, tmp_path / "work")
        options = app.callback_map["baseline.options"]["callback"].__wrapped__(None)
        mine = [o for o in options if o["value"] == f"run:{out.run_id}"]
        assert mine and "what-if dostyk-closed on default" in mine[0]["label"]
    finally:
        jobs.shutdown()
    # the baseline file of a what-if on top of it is the stored run: same hash, reused
    base, changes = stored_whatif(json.loads((out.run_dir / "scenario.json").read_text()))
    lv = Levers(base=base, name="both-closed", horizon_days=8, replications=1,
                seed=out.compiled.scenario.seed, disruptions=(KHORGOS,),
                base_changes=changes)
    text = whatif_yaml(whatif_data(lv, base_data(base)))
    compiled, _ = check_whatif(text, tmp_path / "work")
    btext = _baseline_yaml(text, compiled.scenario,
                           {"base": base, "name": "dostyk-closed", "changes": changes})
    bcompiled, _ = check_whatif(btext, tmp_path / "work")
    assert scenario_hash(bcompiled.scenario) == out.manifest["scenario_hash"]
