"""Small statistics without ``scipy.stats`` (which takes seconds to import).

The 97.5 % quantile of Student's t distribution, ``t(0.975, ν)``, is what every 95 %
interval in landbridge needs: at the tabulated ``ν`` (1 to 4 in steps of 1/4, then the
integers to 30; values to 6 decimals as in Abramowitz & Stegun (1964), *Handbook of
Mathematical Functions*, table 26.10) exactly; between them ``log t`` interpolated
linearly in ``1/ν`` (within 0.4 % of the exact quantile; Welch's ``ν`` is rarely an
integer); above 30 the Cornish–Fisher expansion about the normal quantile (A&S
26.7.5), within 1e-7 there.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

__all__ = ["t975", "ci95_halfwidth", "mean_ci95", "number_or_none"]

_Z975 = 1.959963984540054
_NU = (1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0, 3.25, 3.5, 3.75, 4.0, 5, 6, 7, 8,
       9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
       30)
_T975 = (12.706205, 8.027951, 6.016663, 4.948848, 4.302653, 3.87548, 3.574655, 3.352545,
         3.182446, 3.04834, 2.940089, 2.850989, 2.776445, 2.570582, 2.446912, 2.364624,
         2.306004, 2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.13145,
         2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658,
         2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272)


def _cornish_fisher(nu: float) -> float:
    z = _Z975
    g1 = (z ** 3 + z) / 4
    g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
    g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
    g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160
    return z + g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4


def t975(nu: float) -> float:
    """The 97.5 % quantile of Student's t with ``nu`` degrees of freedom (``nu ≥ 1``,
    not necessarily an integer, e.g. Welch's).

    Raises
    ------
    ValueError
        ``nu`` below 1 or not finite.

    Examples
    --------
    >>> round(t975(4), 4)
    2.7764
    >>> round(t975(1e9), 4)
    1.96
    """
    nu = float(nu)
    if not nu >= 1.0 or math.isnan(nu):
        raise ValueError(f"degrees of freedom nu must be >= 1, got {nu}")
    if math.isinf(nu):
        return _Z975
    if nu >= 30.0:
        return _cornish_fisher(nu)
    i = bisect.bisect_right(_NU, nu) - 1
    if _NU[i] == nu:
        return _T975[i]
    lo, hi = _NU[i], _NU[i + 1]
    w = (1.0 / lo - 1.0 / nu) / (1.0 / lo - 1.0 / hi)
    return math.exp(math.log(_T975[i]) + w * (math.log(_T975[i + 1]) - math.log(_T975[i])))


def ci95_halfwidth(values) -> float | None:
    """Half-width ``t(0.975, n−1)·s/√n`` of the 95 % interval of the mean of ``values``
    (missing values dropped); ``None`` for fewer than two values."""
    x = np.asarray([v for v in values if v is not None], dtype=float)
    x = x[~np.isnan(x)]
    if len(x) < 2:
        return None
    return float(t975(len(x) - 1) * np.std(x, ddof=1) / math.sqrt(len(x)))


def mean_ci95(values) -> tuple[float | None, float | None]:
    """``(mean, ci95 half-width)`` of ``values`` (missing dropped; ``(None, None)`` when
    empty)."""
    x = np.asarray([v for v in values if v is not None], dtype=float)
    x = x[~np.isnan(x)]
    if not len(x):
        return None, None
    return float(x.mean()), ci95_halfwidth(x)


def number_or_none(v) -> float | None:
    """``v`` as a float, or None when it is None, not a number or NaN (a KPI cell that
    has no value: a missing CI, an empty table cell read back from CSV or DuckDB).

    Parameters
    ----------
    v : object
        A number, a numeric string, None or anything else.

    Returns
    -------
    float or None
    """
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f
