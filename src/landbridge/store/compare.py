"""Differences between the KPIs of two runs, with confidence intervals.

The KPI summary of a run holds, for each KPI, the mean over ``n`` replications and the
half-width ``h`` of its Student-t 95 % interval (``h = t(0.975, n−1) · s/√n``, see
:mod:`landbridge.analysis.kpis`). The standard error ``s/√n = h / t(0.975, n−1)`` is
recovered from it, and the difference ``b − a`` of two independent runs gets Welch's
interval:

.. math::

    \\mathrm{se} = \\sqrt{\\mathrm{se}_a^2 + \\mathrm{se}_b^2},\\qquad
    \\nu = \\frac{\\mathrm{se}^4}{\\mathrm{se}_a^4/(n_a-1) + \\mathrm{se}_b^4/(n_b-1)},\\qquad
    \\Delta \\pm t(0.975, \\nu)\\,\\mathrm{se}

(Welch, B. L. (1947), "The generalization of 'Student's' problem when several different
population variances are involved", *Biometrika* 34(1–2), 28–35.) With a single
replication on either side there is no interval (``None``).
"""

from __future__ import annotations

import math

import pandas as pd

from landbridge.analysis.schema import KPI_SCHEMA
from landbridge.analysis.stats import t975

__all__ = ["compare_kpis", "welch_ci95", "COMPARED_TABLES", "KEY_COLUMNS"]

#: Tables compared (the daily tables have no confidence intervals; the report overlays them).
COMPARED_TABLES = ("run", "od", "services", "corridors", "crossings", "road")

#: Key columns of each KPI table (from :mod:`landbridge.analysis.schema`).
KEY_COLUMNS = {name: spec.keys for name, spec in KPI_SCHEMA.items()}


def _num(x) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def welch_ci95(h_a: float | None, n_a: int | None, h_b: float | None, n_b: int | None
               ) -> float | None:
    """Half-width of the Welch 95 % interval of ``mean_b − mean_a`` from the two
    Student-t half-widths ``h_a``, ``h_b`` over ``n_a``, ``n_b`` replications.

    Returns
    -------
    float or None
        ``None`` when either side has fewer than two replications or no half-width;
        ``0.0`` when both sides have no spread.

    Examples
    --------
    >>> round(welch_ci95(0.0, 5, 0.0, 5), 6)
    0.0
    """
    h_a, h_b = _num(h_a), _num(h_b)
    if h_a is None or h_b is None or not n_a or not n_b or n_a < 2 or n_b < 2:
        return None
    se_a = h_a / t975(n_a - 1)
    se_b = h_b / t975(n_b - 1)
    se2 = se_a ** 2 + se_b ** 2
    if se2 == 0.0:
        return 0.0
    nu = se2 ** 2 / (se_a ** 4 / (n_a - 1) + se_b ** 4 / (n_b - 1))
    return float(t975(max(nu, 1.0)) * math.sqrt(se2))


def _label(table: str, row: dict) -> str:
    keys = KEY_COLUMNS.get(table, [])
    if table == "od":
        return f"{row['origin']}→{row['destination']}"
    return " ".join(str(row[k]) for k in keys) if keys else "all"


def compare_kpis(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame],
                 tables: tuple[str, ...] = COMPARED_TABLES) -> pd.DataFrame:
    """KPI differences ``b − a`` in long form, one row per table, key and KPI.

    Parameters
    ----------
    a, b : dict of str to DataFrame
        KPI summary tables (``Kpis.tables()`` after ``summarize``, or the store's).
        ``a`` is the reference (the baseline).
    tables : tuple of str
        Tables to compare.

    Returns
    -------
    DataFrame
        Columns ``table, key, kpi, a, a_ci95, b, b_ci95, delta, delta_ci95,
        significant`` (``delta = b − a``; ``significant`` when the Welch 95 % interval
        excludes 0, ``None`` without an interval). Keys present in only one run have
        ``None`` on the other side. Sorted by table (in ``tables`` order), key, KPI.
    """
    rows = []
    for table in tables:
        ta, tb = a.get(table), b.get(table)
        if ta is None and tb is None:
            continue
        ta = ta if ta is not None else pd.DataFrame()
        tb = tb if tb is not None else pd.DataFrame()
        keys = KEY_COLUMNS.get(table, [])
        cols = [c for c in list(ta.columns) + [c for c in tb.columns if c not in ta.columns]
                if c not in keys and c != "replications" and not c.endswith("_ci95")
                and c not in (KPI_SCHEMA[table].attrs if table in KPI_SCHEMA else [])]

        def index(df: pd.DataFrame) -> dict[str, dict]:
            out = {}
            for rec in df.to_dict("records"):
                out[_label(table, rec)] = rec
            return out

        ia, ib = index(ta), index(tb)
        for key in sorted(set(ia) | set(ib)):
            ra, rb = ia.get(key, {}), ib.get(key, {})
            for kpi in cols:
                va, vb = _num(ra.get(kpi)), _num(rb.get(kpi))
                if va is None and vb is None:
                    continue
                delta = vb - va if va is not None and vb is not None else None
                ci = welch_ci95(ra.get(f"{kpi}_ci95"), _int(ra.get("replications")),
                                rb.get(f"{kpi}_ci95"), _int(rb.get("replications"))) \
                    if delta is not None else None
                rows.append(dict(table=table, key=key, kpi=kpi, a=va,
                                 a_ci95=_num(ra.get(f"{kpi}_ci95")), b=vb,
                                 b_ci95=_num(rb.get(f"{kpi}_ci95")), delta=delta,
                                 delta_ci95=ci,
                                 significant=None if ci is None else bool(abs(delta) > ci)))
    return pd.DataFrame(rows, columns=["table", "key", "kpi", "a", "a_ci95", "b", "b_ci95",
                                       "delta", "delta_ci95", "significant"])


def _int(x) -> int | None:
    v = _num(x)
    return None if v is None else int(round(v))


MAIN_KPIS: dict[str, list[str]] = {
    "run": ["teu_dispatched", "teu_delivered", "trains_dispatched", "trains_delivered",
            "backlog_teu", "waiting_at_crossings_teu", "held_teu"],
    "od": ["trains", "teu_delivered", "transit_mean_d", "transit_p50_d", "transit_p95_d"],
    "services": ["teu_delivered", "transit_mean_d", "transit_p95_d"],
    "corridors": ["teu_delivered", "transit_mean_d", "transit_p95_d"],
    "crossings": ["trains_per_day", "teu_per_day", "wait_mean_h", "wait_p95_h",
                  "dwell_mean_h", "queue_max_trains", "util_teams", "util_tracks"],
    "road": ["trucks_per_day", "wait_mean_h", "queue_max_trucks", "util_lanes"],
}
"""The KPIs shown by default when two runs are compared (CLI and report)."""
