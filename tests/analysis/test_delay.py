"""Delay against a baseline on hand-made event logs (values computed by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from landbridge.analysis.delay import (ComparabilityError, RunEvents, consignments,
                                       delay_against_baseline)

COLS = ["replication", "seq", "train", "service", "event", "node", "crossing", "time_h",
        "teu", "dispatch_h"]


def _log(rows):
    out = []
    for i, (rep, train, svc, event, node, crossing, t, teu, disp) in enumerate(rows):
        out.append((rep, i, train, svc, event, node, crossing, t, teu, disp))
    return pd.DataFrame(out, columns=COLS)


def _trains(rep, delays_h, crossing_wait_h=None):
    """Service S from A to D: departures at 0, 24, 48 h, 100 TEU each, 72 h transit
    plus ``delays_h[i]``; each passes crossing X (sides XA/XB) at dispatch + 24 h and
    waits ``crossing_wait_h[i]`` h for clearance."""
    rows = []
    for i, extra in enumerate(delays_h):
        t0 = 24.0 * i
        tr = f"S-{i + 1:04d}"
        w = (crossing_wait_h or [0.0] * len(delays_h))[i]
        rows += [(rep, tr, "S", "dispatch", "A", "", t0, 100.0, t0),
                 (rep, tr, "S", "arrive", "XA", "X", t0 + 24, 100.0, t0),
                 (rep, tr, "S", "clearance_start", "XA", "X", t0 + 24 + w, 100.0, t0),
                 (rep, tr, "S", "deliver", "D", "", t0 + 72 + extra, 100.0, t0)]
    return rows


def _run(rows, seed=1, horizon_h=240.0):
    return RunEvents(events=_log(rows), seed=seed, start_date="2021-03-01", warmup_h=0.0,
                     horizon_h=horizon_h, services={"S": ("A", "D", "X")},
                     crossings={"X": ("XA", "XB")})


def test_hand_counted_delay_two_replications():
    base = _run(_trains(0, [0, 0, 0]) + _trains(1, [0, 0, 0]))
    # rep 0: delays 30 h, 50 h, 0 h; rep 1: 10 h, 60 h, 20 h
    run = _run(_trains(0, [30, 50, 0]) + _trains(1, [10, 60, 20]))
    s = delay_against_baseline(run, base)
    assert s.replications == 2
    # > 1 d: rep0 {30, 50} = 200 TEU, rep1 {60} = 100 TEU → mean 150
    assert s.total("teu_delayed_1d")[0] == pytest.approx(150.0)
    # > 2 d: rep0 {50} 100, rep1 {60} 100
    assert s.total("teu_delayed_2d") == (pytest.approx(100.0), pytest.approx(0.0))
    # TEU-days: rep0 100·80/24, rep1 100·90/24 → mean 100·85/24
    assert s.total("teu_days_delay")[0] == pytest.approx(100 * 85 / 24)
    assert s.total("matched_teu")[0] == 300.0
    # extra transit per OD: rep0 mean 80/3 h, rep1 90/3 h → 85/3 h = 85/72 d
    od = s.od.iloc[0]
    assert (od.origin, od.destination) == ("A", "D")
    assert od.extra_transit_d == pytest.approx(85 / 72)
    assert s.corridors.iloc[0].extra_transit_d == pytest.approx(85 / 72)
    # backlog: the deficit never exceeds one train (100 TEU), which is not above the
    # default tolerance of 100 TEU: never behind in either replication
    assert s.backlog["never_behind"] == 2
    lines = s.headline({"A": "Alpha", "D": "Delta"})
    assert lines[0].startswith("150 ± ") and "TEU delayed by more than 1 day" in lines[0]
    assert any("Alpha → Delta" in x for x in lines)


def test_backlog_and_queue_recovery_days():
    base = _run(_trains(0, [0, 0, 0]))
    run = _run(_trains(0, [100, 100, 100], crossing_wait_h=[48, 48, 48]))
    s = delay_against_baseline(run, base, tolerance_teu=50.0)
    # same dispatches; cumulative deliveries, baseline: day 3 100, day 4 200, day 5+ 300;
    # run (172 h → day 7, 196 h → day 8, 220 h → day 9): excess backlog 100, 200, 300,
    # 300, 200, 100, 0 on days 3..9; the last day above 50 TEU is day 8 → back on day 9
    assert s.backlog["day"] == 9.0 and s.backlog["not_recovered"] == 0
    assert s.date_of(9.0) == "2021-03-10"
    # queue at X (XA→XB): trains wait 48 h from 24, 48, 72 h: queue 1,2,3,2,1 →
    # last day with a mean above 0.5 is day 4 (96–120 h: one train until 120) → day 5
    q = s.queues.iloc[0]
    assert (q.crossing, q.direction, q.day) == ("X", "XA→XB", 5.0)


def test_consignment_numbering_without_departure_column():
    ev = _log(_trains(0, [0, 5]))
    c = consignments(ev)
    assert list(c.departure) == [1, 2]
    assert list(c.deliver_h) == [72.0, 101.0]


def test_refuses_different_seeds_and_start_dates():
    base = _run(_trains(0, [0]))
    with pytest.raises(ComparabilityError, match="seed differs"):
        delay_against_baseline(_run(_trains(0, [0]), seed=2), base)


def test_warns_on_different_horizons():
    base = _run(_trains(0, [0, 0, 0]), horizon_h=200.0)
    s = delay_against_baseline(_run(_trains(0, [0, 0, 0])), base)
    assert any("horizon differs" in w for w in s.warnings)


def test_more_demand_is_a_backlog_and_a_timetable_warning():
    base = _run(_trains(0, [0, 0, 0]))
    # twice the departures (every 12 h), the second half never delivered by 240 h
    rows = []
    for i in range(6):
        t0 = 12.0 * i
        tr = f"S-{i + 1:04d}"
        rows.append((0, tr, "S", "dispatch", "A", "", t0, 100.0, t0))
        if i < 3:
            rows.append((0, tr, "S", "deliver", "D", "", t0 + 72, 100.0, t0))
    s = delay_against_baseline(_run(rows), base, tolerance_teu=50.0)
    # backlog: run dispatches 600 TEU by day 2 and delivers 300; the baseline clears all:
    # excess 300 TEU on the last day → not back by the end
    assert s.backlog["not_recovered"] == 1 and s.backlog["peak_deficit_teu"] == 300.0
    assert any("timetables differ" in w for w in s.warnings)


# ---- the backlog headline over replications (hand-computed; tolerance 50 TEU) -------
# Baseline deliveries at 72, 96, 120 h (days 3, 4, 5). With +100 h each (172, 196,
# 220 h: days 7, 8, 9) the excess backlog is 100, 200, 300, 300, 200, 100, 0 on days
# 3..9: back on day 9 (2021-03-10), peak 300. With +52 h (124, 148, 172 h: days 5, 6,
# 7) it is 100, 200, 200, 100, 0 on days 3..7: back on day 7 (2021-03-08), peak 200.
# With +1000 h nothing is delivered by the 240 h horizon: 300 TEU behind at the end.


def test_backlog_some_replications_back_is_not_given_as_the_date():
    base = _run(_trains(0, [0, 0, 0]) + _trains(1, [0, 0, 0]))
    run = _run(_trains(0, [100, 100, 100]) + _trains(1, [1000, 1000, 1000]))
    s = delay_against_baseline(run, base, tolerance_teu=50.0)
    b = s.backlog
    assert (b["days"], b["recovered"], b["not_recovered"], b["never_behind"]) == \
        ([9.0, None], 1, 1, 0)
    assert s.backlog_sentence() == (
        "Backlog back to baseline in 1 of 2 replications (2021-03-10); 1 of 2 still had "
        "a backlog at the end of the 10-day run (peak 300 TEU above it).")
    assert s.backlog_sentence() in s.headline()


def test_backlog_all_back_is_the_median_and_range():
    base = _run(_trains(0, [0, 0, 0]) + _trains(1, [0, 0, 0]))
    run = _run(_trains(0, [100, 100, 100]) + _trains(1, [52, 52, 52]))
    s = delay_against_baseline(run, base, tolerance_teu=50.0)
    assert (s.backlog["median_day"], s.backlog["min_day"], s.backlog["max_day"]) == \
        (8.0, 7.0, 9.0)
    assert s.backlog_sentence() == (
        "Backlog back to baseline on 2021-03-09 (median of 2 replications, range "
        "2021-03-08 – 2021-03-10; peak 250 TEU above it).")


def test_backlog_back_where_behind_and_never_behind_elsewhere():
    base = _run(_trains(0, [0, 0, 0]) + _trains(1, [0, 0, 0]))
    run = _run(_trains(0, [100, 100, 100]) + _trains(1, [0, 0, 0]))
    s = delay_against_baseline(run, base, tolerance_teu=50.0)
    assert s.backlog_sentence() == (
        "Backlog back to baseline on 2021-03-10 in the 1 replication that fell behind "
        "(1 never did; peak 150 TEU above it).")


def test_backlog_none_back_and_never_behind():
    base = _run(_trains(0, [0, 0, 0]))
    s = delay_against_baseline(_run(_trains(0, [1000, 1000, 1000])), base,
                               tolerance_teu=50.0)
    assert s.backlog_sentence() == ("Backlog still above the baseline's at the end of the "
                                    "10-day run in 1 of 1 replication (peak 300 TEU above it).")
    s = delay_against_baseline(_run(_trains(0, [0, 0, 0])), base, tolerance_teu=50.0)
    assert s.backlog_sentence() == "The backlog never rose above the baseline's."


def test_web_backlog_card_gives_a_date_only_when_every_replication_is_back():
    from landbridge.web.headline import backlog_figure

    base = _run(_trains(0, [0, 0, 0]) + _trains(1, [0, 0, 0]))
    some = delay_against_baseline(
        _run(_trains(0, [100, 100, 100]) + _trains(1, [1000, 1000, 1000])), base,
        tolerance_teu=50.0)
    f = backlog_figure(some)
    assert (f.text, f.value) == ("in 1 of 2 replications (2021-03-10)", None)
    assert "1 of 2 still behind at the end" in f.label
    every = delay_against_baseline(
        _run(_trains(0, [100, 100, 100]) + _trains(1, [52, 52, 52])), base,
        tolerance_teu=50.0)
    f = backlog_figure(every)
    assert (f.text, f.value) == ("2021-03-09", "2021-03-09")
    assert "range 2021-03-08 – 2021-03-10" in f.label


# ---- queues back to baseline: the backlog's k-of-n rule (analysis.delay.recovery_*) --


def test_queue_back_in_some_replications_is_not_given_as_the_date():
    # rep 0: waits of 48 h → queue 1, 2, 3, 2, 1 on days 1–5 → back on day 5 (2021-03-06);
    # rep 1: waits of 1,000 h → 3 trains still queued at the 240-h end → not back
    base = _run(_trains(0, [0, 0, 0]) + _trains(1, [0, 0, 0]))
    run = _run(_trains(0, [0, 0, 0], crossing_wait_h=[48, 48, 48])
               + _trains(1, [0, 0, 0], crossing_wait_h=[1000, 1000, 1000]))
    s = delay_against_baseline(run, base, tolerance_teu=50.0)
    q = s.queues.iloc[0].to_dict()
    assert (q["days"], q["recovered"], q["not_recovered"], q["never_behind"]) == \
        ([5.0, None], 1, 1, 0)
    assert s.queue_back(q) == "in 1 of 2 replications (2021-03-06); 1 of 2 not back by the end"
    assert "Queues back to baseline: X XA→XB in 1 of 2 replications (2021-03-06); 1 of 2 " \
           "not back by the end." in s.headline()


def test_recovery_phrase_rules_by_hand():
    from landbridge.analysis.delay import recovery_phrase, recovery_statistic

    def date_of(d):
        return f"day {d:g}"

    st = recovery_statistic([5.0, 9.0, 7.0], 0, 0, 3)
    assert (st["k"], st["median_day"], st["min_day"], st["max_day"]) == (3, 7.0, 5.0, 9.0)
    assert recovery_phrase(st, date_of) == "day 7 (median of 3, range day 5 – day 9)"
    assert recovery_phrase(recovery_statistic([None, 4.0, None], 1, 1, 3), date_of) == \
        "in 1 of 3 replications (day 4); 1 of 3 not back by the end"
    assert recovery_phrase(recovery_statistic([None, None, None], 0, 3, 3), date_of) == \
        "not back by the end in 3 of 3 replications"
    assert recovery_phrase(recovery_statistic([None, 4.0], 1, 0, 2), date_of) == \
        "day 4 in the 1 replication above it (1 never above it)"
    assert recovery_phrase(recovery_statistic([None, None], 2, 0, 2), date_of) == \
        "never above it"
