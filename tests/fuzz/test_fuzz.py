"""Property-based fuzzing of the input files through the command line (issue 14).

Hypothesis draws mutated input sets (``mutations.make_case``: the two-corridor test
network, a scenario using most of the format and a sweep, one file mutated in its
types, keys, extremes, unicode, references, nesting, YAML spellings, aliases or
replaced by a special file). Each is run by the real ``landbridge`` command in a
subprocess limited to 3 GiB of address space and 120 s (``harness.run_cli``), and
must end in a clean acceptance or a refusal (exit 2) whose message names the file —
never a traceback, a hang, unbounded memory, or the acceptance of an input that must
be refused. The longer campaign is ``benchmarks/fuzz_campaign.py``.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import FAILURES, judge, run_cli
from mutations import base_scenario, base_sweep, make_case
from netfactory import two_corridor_network

TARGETS = ["scenario", "nodes", "links", "crossings", "sweep"]


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), target=st.sampled_from(TARGETS))
def test_mutated_inputs_are_accepted_or_refused_cleanly(tmp_path_factory, seed, target):
    root = tmp_path_factory.mktemp("case")
    case = make_case(root, random.Random(seed), target)
    out = run_cli(case.args, root)
    verdict = judge(case, out)
    assert verdict not in FAILURES, (f"{verdict}: {case.label} (seed {seed}, target "
                                     f"{target}): {out.stderr[-2000:]}")
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("target, kind", [("scenario", "fifo"), ("nodes", "zero"),
                                          ("crossings", "urandom"), ("sweep", "fifo")])
def test_special_files_in_place_of_inputs(tmp_path, target, kind):
    """Each input file replaced by a FIFO or a device: refused by type, naming it."""
    two_corridor_network(tmp_path / "net")
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(base_scenario(), sort_keys=False))
    (tmp_path / "sweep.yaml").write_text(yaml.safe_dump(base_sweep(), sort_keys=False))
    path = {"scenario": tmp_path / "s.yaml", "sweep": tmp_path / "sweep.yaml",
            "nodes": tmp_path / "net" / "nodes.geojson",
            "crossings": tmp_path / "net" / "crossings.yaml"}[target]
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(Path("/dev") / kind)
    args = ["sweep", "sweep.yaml", "--workers", "1", "--no-store", "--out", "o"] \
        if target == "sweep" else ["scenario", "validate", "s.yaml"]
    out = run_cli(args, tmp_path, timeout=120)
    assert not out.timed_out and out.code == 2, out.stderr
    assert path.name in out.stderr and ("FIFO" in out.stderr or "device" in out.stderr)
    assert "Traceback" not in out.stderr
