"""The report's delay tables: the schema's labels and the backlog's k-of-n rule for
queues (hand-built event logs of tests/analysis/test_delay.py's kind)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from landbridge.analysis.delay import delay_against_baseline
from landbridge.analysis.schema import DELAY_TOTALS
from landbridge.report.data import RunData
from landbridge.report.html import _delay_tables

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))
from test_delay import _run, _trains  # noqa: E402


def test_delay_tables_show_labels_and_replications_back():
    base = _run(_trains(0, [0, 0, 0]) + _trains(1, [0, 0, 0]))
    run = _run(_trains(0, [0, 0, 0], crossing_wait_h=[48, 48, 48])
               + _trains(1, [0, 0, 0], crossing_wait_h=[1000, 1000, 1000]))
    s = delay_against_baseline(run, base, tolerance_teu=50.0)
    rd = RunData(path=Path("."), run_id="r", manifest={"start_date": "2021-03-01"},
                 scenario={}, tables={}, events=pd.DataFrame(), network=None)
    totals, queues = (str(t["html"]) for t in _delay_tables(s, rd)[:2])
    for c in DELAY_TOTALS.columns:  # labels, not keys
        assert c.description.replace("'", "&#39;") in totals and f">{c.name}<" not in totals
    assert "teu_delayed_1d" not in totals and "censored_teu" not in totals
    assert "back to baseline (of 2 replications)" in queues
    assert "in 1 of 2 replications (2021-03-06); 1 of 2 not back by the end" in queues
