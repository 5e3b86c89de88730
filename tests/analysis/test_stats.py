"""t quantiles without scipy.stats, checked against scipy (available in tests)."""

import numpy as np
import pytest
from scipy import stats

from landbridge.analysis.stats import ci95_halfwidth, t975


@pytest.mark.parametrize("nu", [1, 2, 3, 4, 7, 10, 29, 30])
def test_tabulated_points_are_exact(nu):
    assert t975(nu) == pytest.approx(stats.t.ppf(0.975, nu), abs=1e-6)


def test_everywhere_within_half_a_percent():
    nu = np.linspace(1.0, 200.0, 797)
    ours = np.array([t975(v) for v in nu])
    assert np.max(np.abs(ours / stats.t.ppf(0.975, nu) - 1)) < 5e-3


def test_ci_of_three_values_by_hand():
    # mean 2, s = 1, n = 3: t(0.975, 2) / sqrt(3) = 4.302653 / 1.7320508
    assert ci95_halfwidth([1.0, 2.0, 3.0]) == pytest.approx(4.302653 / 3 ** 0.5, rel=1e-6)
    assert ci95_halfwidth([5.0]) is None


def test_bad_degrees_of_freedom():
    with pytest.raises(ValueError, match="nu must be >= 1"):
        t975(0.5)
