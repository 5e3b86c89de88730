"""The validation scorecard in the report (and as a page of its own): which runs have
observations, the section from the template, and `simulate --report --validate` /
`report --validate` on a hand-computable scenario."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "analysis"))

from test_scorecard import _table, _tiny  # noqa: E402

from landbridge.analysis.validation import (Observation, Scorecard, ScoreRow,  # noqa: E402
                                            load_observations)
from landbridge.cli import app  # noqa: E402
from landbridge.report.data import load_run  # noqa: E402
from landbridge.report.html import build_report  # noqa: E402
from landbridge.report.scorecard import (row_scenario_of,  # noqa: E402
                                         scorecard_page)
from landbridge.scenario import load_scenario, parse_scenario  # noqa: E402
from landbridge.workflow import scorecard_of_run  # noqa: E402

runner = CliRunner()


def _card() -> Scorecard:
    def obs(id_, role, lo, hi, cause=""):
        return Observation(id=id_, scenario="cre-2021", year=2021, role=role,
                           kind="crossing_trains_per_day", value=None, low=lo, high=hi,
                           unit="trains/day", source=f"source of {id_} <2021>",
                           miss_cause=cause)
    return Scorecard((ScoreRow(obs("in", "calibration", 10, 12), 11.0, 0.5, 3, "inside"),
                      ScoreRow(obs("out", "validation", 20, 21, "demand is even"), 24.4,
                               0.3, 3, "outside")))


def test_the_report_embeds_the_scorecard_section_only_when_given(report_runs):
    busy, _ = report_runs
    run = load_run(busy)
    assert 'id="validation"' not in build_report(run)
    html = build_report(run, scorecard=_card(), scorecard_note="Scored on this run.")
    section = html[html.index('<section id="validation">'):]
    section = section[:section.index("</section>")]
    assert "calibration 1/1 inside · validation 0/1 inside" in section
    assert "Scored on this run." in section
    assert section.count("<tr><td") == 2
    assert '<td class="k verdict-outside">outside</td>' in section
    assert "miss: demand is even" in section and "&lt;2021&gt;" in section  # escaped
    # after the KPI tables, before the scenario
    assert html.index('id="kpis"') < html.index('id="validation"') < html.index(
        'id="scenario"')


def test_the_page_of_its_own_is_the_same_section():
    page = scorecard_page(_card())
    assert page.startswith("<!DOCTYPE html>") and 'name="generator"' in page
    assert "calibration 1/1 inside · validation 0/1 inside" in page
    assert '<td class="k verdict-inside">inside</td>' in page


def test_which_scenarios_have_observations():
    rows = load_observations()
    default, _ = load_scenario("default")
    assert row_scenario_of(default, rows) == "cre-2021"  # cre-2021 under another name
    data = default.model_dump(mode="json", by_alias=True)
    shorter = parse_scenario(dict(data, horizon_days=20.0, seed=7, replications=2), "x")
    assert row_scenario_of(shorter, rows) == "cre-2021"  # run settings aside
    closed = parse_scenario(dict(data, disruptions=list(data["disruptions"]) + [
        {"kind": "closure", "target": "ASK-DST",
         "window": {"start": "2021-03-01", "end": "2021-03-11"}}]), "x")
    assert row_scenario_of(closed, rows) is None  # a what-if is another scenario


def test_simulate_report_validate_scores_the_run_itself(tmp_path):
    """20 h = 0.83 days from A to B: inside [0.5, 1.5], outside [5, 6]."""
    sc = _tiny(tmp_path)
    obs = _table(tmp_path, sc, [
        {"id": "near", "role": "calibration", "range": [0.5, 1.5]},
        {"id": "far", "role": "validation", "range": [5, 6], "miss_cause": "test cause"}])
    out = tmp_path / "run"
    res = runner.invoke(app, ["simulate", str(sc), "-r", "2", "--out", str(out),
                              "--store", str(tmp_path / "s.duckdb")])
    assert res.exit_code == 0, res.output
    card, how = scorecard_of_run(out, observations=obs)  # simulated again, same run
    assert [(r.observation.id, r.verdict) for r in card.rows] == [("near", "inside"),
                                                                   ("far", "outside")]
    assert abs(card.rows[0].simulated - 20 / 24) < 1e-9
    assert "simulated again" in how and "2 replications" in how
    # a scenario no row is about: nothing simulated, a sentence why
    other = yaml.safe_load(sc.read_text())
    other["demand"][0]["teu_per_week"] = 88 * 14
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(other))
    res = runner.invoke(app, ["simulate", str(tmp_path / "other.yaml"), "-r", "1",
                              "--out", str(tmp_path / "o"), "--store",
                              str(tmp_path / "s.duckdb")])
    assert res.exit_code == 0, res.output
    card, how = scorecard_of_run(tmp_path / "o", observations=obs)
    assert card is None and "no published observation is about scenario 'tiny'" in how
    # the flags: the bundled observations are about the corridor years, not 'tiny'
    res = runner.invoke(app, ["simulate", str(sc), "-r", "1", "--out", str(tmp_path / "v"),
                              "--store", str(tmp_path / "s.duckdb"), "--validate"])
    assert res.exit_code == 0, res.output
    assert "No validation: no published observation is about scenario 'tiny'" in res.output
    assert 'id="validation"' not in (tmp_path / "v" / "report.html").read_text()
    res = runner.invoke(app, ["report", str(tmp_path / "v"), "--validate", "--store",
                              str(tmp_path / "s.duckdb"), "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    assert "No validation" in res.output and (tmp_path / "r.html").exists()
