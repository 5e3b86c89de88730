"""A KPI that is not a finite number is refused where it is computed, naming the KPI,
its row and the replication, instead of being written as an empty cell of
``kpis_<table>.csv`` that a planner could read as zero (bad-input pass BREAK: an
infinite diversion cost was stored blank). Only columns that declare what an infinite
value means (:attr:`Column.infinite`) may hold one, and only tables not ``defined``
may miss a value."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from landbridge.analysis.kpis import Kpis, replication_kpis, summarize
from landbridge.analysis.schema import KPI_SCHEMA, check_finite, schema_markdown
from landbridge.errors import InvariantError

SUFFIX = (", not a finite number; it is refused rather than stored as an empty cell (a "
          "defect, or an input beyond what the model computes)")


def _run_row(**values) -> pd.DataFrame:
    row = {c: 1.0 for c in KPI_SCHEMA["run"].values}
    row.update(values)
    return KPI_SCHEMA["run"].frame([dict(rep=2, **row)])


def test_an_infinite_run_kpi_is_refused_naming_kpi_and_replication():
    with pytest.raises(InvariantError) as exc:
        check_finite("run", _run_row(diversion_cost_usd=math.inf), "replication 2")
    assert str(exc.value) == "replication 2: KPI run.diversion_cost_usd is inf" + SUFFIX


def test_a_missing_run_kpi_is_refused_the_run_table_is_defined():
    with pytest.raises(InvariantError) as exc:
        check_finite("run", _run_row(teu_delivered=math.nan), "replication 2")
    assert str(exc.value) == "replication 2: KPI run.teu_delivered is nan" + SUFFIX
    check_finite("run", _run_row(), "replication 2")  # all finite: accepted


def test_keyed_rows_are_named_and_missing_values_of_other_tables_pass():
    spec = KPI_SCHEMA["crossings"]
    row = {c.name: (0.5 if c.dtype != "str" else "x") for c in spec.columns}
    row.update(crossing="ASK-DST", direction="a_to_b")
    ok = spec.frame([dict(rep=0, **{**row, "wait_mean_h": math.nan})])
    check_finite("crossings", ok, "replication 0")  # missing (no train): allowed
    bad = spec.frame([dict(rep=0, **{**row, "wait_p95_h": -math.inf})])
    with pytest.raises(InvariantError) as exc:
        check_finite("crossings", bad, "replication 0")
    assert str(exc.value) == ("replication 0: KPI crossings.wait_p95_h (crossing ASK-DST, "
                              "direction a_to_b) is -inf" + SUFFIX)


def test_declared_infinities_are_allowed_and_documented():
    spec = KPI_SCHEMA["corridor_load"]
    assert spec.column("capacity_trains_per_day").infinite.startswith("unlimited")
    row = {c.name: (1.0 if c.dtype != "str" else "c") for c in spec.columns}
    row.update(capacity_trains_per_day=math.inf, utilization=math.inf)
    check_finite("corridor_load", spec.frame([dict(rep=0, **row)]), "replication 0")
    md = schema_markdown()
    assert ("(empty when infinite: unlimited: the route has no capacity-limited element)"
            in md)
    assert "The whole run (each value: mean over replications and `<name>_ci95`). Every " \
           "value is a number in every replication." in md


def test_replication_kpis_refuses_an_infinite_end_state(tmp_path):
    """Through the real computation: one replication of a tiny scenario whose end state
    carries an infinite diversion cost."""
    from netfactory import two_corridor_network

    from landbridge.scenario import compile_scenario, load_scenario
    from landbridge.simulation.run import simulate_replication

    two_corridor_network(tmp_path / "net")
    f = tmp_path / "tiny.yaml"
    f.write_text("name: tiny\nstart_date: 2025-01-01\nhorizon_days: 5\nwarmup_days: 0\n"
                 "network: net\nservices:\n"
                 "  - {id: ad, origin: A, destination: D, departures_per_week: 7}\n")
    sc, path = load_scenario(str(f))
    compiled = compile_scenario(sc, file=path)
    result = simulate_replication(compiled, 0)
    k = replication_kpis(result, compiled)
    assert k.run.diversion_cost_usd.tolist() == [0.0]  # finite as simulated
    summarize([k])
    bad = dataclasses.replace(result, end=dataclasses.replace(result.end,
                                                              diversion_cost_usd=math.inf))
    with pytest.raises(InvariantError) as exc:
        replication_kpis(bad, compiled)
    assert str(exc.value) == "replication 0: KPI run.diversion_cost_usd is inf" + SUFFIX


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_an_overflowing_mean_is_refused():
    per = [Kpis(**{n: KPI_SCHEMA[n].frame() for n in Kpis.TABLES}) for _ in range(2)]
    per = [dataclasses.replace(k, run=_run_row(events=1.7e308).assign(rep=r))
           for r, k in enumerate(per)]
    with pytest.raises(InvariantError) as exc:
        summarize(per)
    assert str(exc.value).startswith("the mean over replications: KPI run.events is inf")
