"""Open state at whole hours, all at once (used by the road posts): the same answer as
``Availability.next_open(t) <= t + 1e-9`` hour by hour, and hand-checked hours."""

from datetime import datetime

import numpy as np

from landbridge.network.model import OperatingHours
from landbridge.simulation.availability import Availability

START = datetime(2021, 1, 1)


def _scalar(av: Availability, n: int) -> np.ndarray:
    return np.array([av.next_open(float(h)) <= h + 1e-9 for h in range(n)])


def test_daytime_window_and_a_closure_by_hand():
    # 09–18 local time in UTC (no offset): open at hours 9..17 of each day; the
    # closure [33.5, 40.25) shuts hours 34..40 (day 2, 10:00-16:00; 09:00 is open)
    av = Availability(OperatingHours(open_h=9.0, close_h=18.0), "UTC", START,
                      [(33.5, 40.25)])
    got = av.open_at_hours(48)
    want = [h % 24 in range(9, 18) and not 33.5 <= h < 40.25 for h in range(48)]
    assert got.tolist() == want
    # day 2: 09:00 open, 10:00-16:00 closed, 17:00 open again (17 >= 16.25)
    assert np.flatnonzero(got[24:]).tolist() == [9, 17]


def test_same_as_next_open_with_offsets_dst_wrap_and_odd_closures():
    rng = np.random.default_rng(7)
    ends = np.cumsum(rng.exponential(40.0, size=60))
    closures = [(float(s), float(s + d)) for s, d in zip(ends, rng.exponential(3.0, 60))]
    closures += [(100.0, 101.0 + 1e-10), (200.0, 200.0 + 5e-10), (300.25, 310.0)]
    cases = [
        (OperatingHours(open_h=8.0, close_h=20.0), "Europe/Warsaw"),  # DST on 28 March
        (OperatingHours(open_h=20.0, close_h=8.0), "Asia/Almaty"),  # wraps midnight
        (OperatingHours(open_h=9.5, close_h=17.75), "Asia/Kolkata"),  # +05:30
        (OperatingHours(open_h=0.0, close_h=24.0), "Asia/Shanghai"),  # 24 h, closures
    ]
    n = 24 * 120
    for hours, tz in cases:
        av = Availability(hours, tz, START, closures)
        assert (av.open_at_hours(n) == _scalar(av, n)).all(), tz
    always = Availability(OperatingHours(), "UTC", START)
    assert always.open_at_hours(5).all()
