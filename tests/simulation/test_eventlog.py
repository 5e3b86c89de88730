"""The event log: rows logged ahead of the clock come out in time order, and rows at or
after the end of the run are not part of it."""

from mini import one_crossing_network, run

from landbridge.simulation.eventlog import EventLog


def test_rows_logged_ahead_are_ordered_by_time_and_cut_at_the_horizon():
    log = EventLog(replication=2, horizon_h=10.0)
    log.record("T1", "S", "arrive", "B", "X", 1.0, 2.0, 0.0)
    log.record("T1", "S", "cleared", "B", "X", 6.0, 2.0, 0.0)   # logged ahead
    log.record("T1", "S", "depart", "C", "X", 12.0, 2.0, 0.0)   # after the horizon
    log.record("T2", "S", "arrive", "B", "X", 3.0, 2.0, 0.0)
    log.record("T2", "S", "yard_in", "B", "X", 6.0, 2.0, 0.0)   # same time, logged later
    log.record("T2", "S", "cleared", "B", "X", 10.0, 2.0, 0.0)  # at the horizon: out
    t = log.to_table()
    assert t.column("event").to_pylist() == ["arrive", "arrive", "cleared", "yard_in"]
    assert t.column("train").to_pylist() == ["T1", "T2", "T1", "T2"]
    assert t.column("seq").to_pylist() == [0, 1, 2, 3]
    assert set(t.column("replication").to_pylist()) == {2}
    assert len(log) == 4


def test_a_train_in_clearance_at_the_end_has_no_later_rows(tmp_path):
    """Clearance 5 h (one team): trains leave every 4 h from hour 0 and reach the
    crossing 0.01 h later; they start clearance at 0.01, 5.01, 10.01, 15.01, 20.01 (the
    team frees them one after another). The run ends at 24 h: the train that starts at
    20.01 is still in control, so it has no 'cleared' (25.01) nor any later row."""
    net = one_crossing_network(tmp_path / "n", clearance_h={"kind": "fixed", "value": 5.0})
    result, _ = run(net, horizon_days=1, services=[
        {"id": "S", "origin": "A", "destination": "C", "departures_per_week": 42,
         "times": ["05:00"], "teu_per_train": 2}])
    ev = result.events.to_pandas()
    starts = [round(x, 6) for x in ev[ev.event == "clearance_start"].time_h]
    assert starts == [0.01, 5.01, 10.01, 15.01, 20.01]
    cleared = [round(x, 6) for x in ev[ev.event == "cleared"].time_h]
    assert cleared == [5.01, 10.01, 15.01, 20.01]
    assert ev.time_h.max() < 24.0
    assert ev.time_h.is_monotonic_increasing
    assert result.n_events == len(ev)


def test_the_table_is_built_without_importing_pandas():
    """pyarrow.array on Python objects imports pandas (about a second), Array.take
    pyarrow.compute (45-70 ms); a replication's event table is built from buffers and
    needs neither."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from landbridge.simulation.eventlog import EventLog\n"
            "log = EventLog(0, 10.0)\n"
            "log.record('T1', 'S', 'arrive', 'B', 'X', 1.0, 2.0, 0.5, 'X', 1)\n"
            "t = log.to_table()\n"
            "assert t.column('train').to_pylist() == ['T1'], t\n"
            "assert t.column('departure').to_pylist() == [1], t\n"
            "print('pandas' in sys.modules, 'pyarrow.compute' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False False"
