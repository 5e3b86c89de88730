"""Money as display text: the one formatter for amounts in USD (web labels, reports).

Amounts are kept in USD everywhere (``cost_usd``, ``saving_usd_per_week``); only the
display shortens them, to three significant digits, so a candidate costing 1,500,000
reads "USD 1.5 M" and never rounds to "USD 2 M".
"""

from __future__ import annotations

import math

__all__ = ["usd_short"]


def usd_short(amount_usd: float) -> str:
    """``amount_usd`` as short text: "USD 1.5 M", "USD 41.2 M", "USD 1.16 bn",
    "USD 750,000" (below a million: whole dollars with thousands separators).

    Three significant digits, trailing zeros dropped; negative amounts keep their sign
    ("USD -2.5 M").

    Parameters
    ----------
    amount_usd : float
        An amount in US dollars.

    Returns
    -------
    str
        The short text, always starting ``"USD "``.

    Raises
    ------
    ValueError
        If ``amount_usd`` is not a finite number (names the value).

    Examples
    --------
    >>> usd_short(1_500_000)
    'USD 1.5 M'
    >>> usd_short(1_160_000_000)
    'USD 1.16 bn'
    >>> usd_short(250_000)
    'USD 250,000'
    """
    x = float(amount_usd)
    if not math.isfinite(x):
        raise ValueError(f"amount_usd must be a finite number, got {amount_usd!r}")
    for scale, unit in ((1e9, "bn"), (1e6, "M")):
        if abs(x) >= scale:
            v = x / scale
            return f"USD {v:,.0f} {unit}" if abs(v) >= 1000 else f"USD {v:.3g} {unit}"
    return f"USD {x:,.0f}"
