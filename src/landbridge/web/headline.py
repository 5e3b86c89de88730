"""The page's headline: the delay of the what-if against its baseline, in a few figures.

The figures come from :func:`landbridge.workflow.delay_headline` (consignments paired by
replication, service and departure; see :mod:`landbridge.analysis.delay`), the same
computation ``landbridge runs compare`` and the report use, plus the change in TEU
delivered and in the backlog at the end from the two runs' KPIs. Each figure has a
stable key: the page shows it in an element ``headline-<key>``, which the browser test
compares with the same function applied to the command line's runs.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Figure", "headline_of_dirs", "backlog_figure"]


@dataclass(frozen=True)
class Figure:
    """One headline figure: ``key``, ``label``, its ``text`` as shown, and ``value``."""

    key: str
    label: str
    text: str
    value: float | str | None


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _pm(v: float | None, ci: float | None, digits: int = 0, sign: bool = False) -> str:
    if v is None:
        return "–"
    s = f"{v:+,.{digits}f}" if sign else f"{v:,.{digits}f}"
    return s + (f" ± {ci:,.{digits}f}" if ci is not None else "")


def _run_total(run_dir: Path, col: str) -> float | None:
    doc = json.loads((run_dir / "kpis.json").read_text(encoding="utf-8"))
    rows = doc.get("tables", {}).get("run") or [{}]
    return _num(rows[0].get(col))


def backlog_figure(s) -> Figure:
    """The ``backlog_cleared`` figure of a
    :class:`~landbridge.analysis.delay.DelaySummary`: the date deliveries were back to
    the baseline's (the median over the replications that fell behind, the range in the
    label), its ``value`` that date only when every replication that fell behind was
    back by the end; else how many were back, or "not by the end" / "never behind"."""
    b, n = s.backlog, s.replications
    recovered = int(b.get("recovered") or 0)
    when = s.date_of(_num(b.get("median_day")))
    label = "deliveries back to the baseline's"
    if b.get("never_behind") == n:
        text, value = "never behind", None
    elif when is None:
        text, value = "not by the end", None
    elif b.get("not_recovered"):  # a date, but not the answer: only some were back
        text, value = f"in {recovered} of {n} replications ({when})", None
        label += f"; {b['not_recovered']} of {n} still behind at the end"
    else:
        text, value = when, when
        if recovered > 1:
            label += (f" (median of {recovered} replications, range "
                      f"{s.date_of(b['min_day'])} – {s.date_of(b['max_day'])})")
    return Figure("backlog_cleared", label, text, value)


def headline_of_dirs(run_dir: str | Path, baseline_dir: str | Path,
                     store: str | Path | None = None) -> tuple[list[Figure], list[str]]:
    """The headline of the run in ``run_dir`` against the one in ``baseline_dir``.

    Parameters
    ----------
    run_dir, baseline_dir : str or Path
        Run directories (same scenario, seed and replications except the change).
    store : str or Path, optional
        The results store they are recorded in (for their run ids).

    Returns
    -------
    (list of Figure, list of str)
        The figures: ``teu_delayed_1d``, ``teu_delayed_2d``, ``teu_days_delay`` (mean
        over paired replications, ± the 95 % half-width with several),
        ``backlog_cleared`` (:func:`backlog_figure`), ``delivered_delta`` and
        ``backlog_delta`` (TEU at the end, what-if −
        baseline) and ``corridor-<label>`` (extra transit per corridor, days, the three
        largest changes); and the headline's sentences.

    Raises
    ------
    ComparabilityError
        The runs cannot be paired (different seed or start date).
    StoreError
        A run directory is incomplete.
    """
    from landbridge.workflow import delay_headline

    run_dir, baseline_dir = Path(run_dir), Path(baseline_dir)
    h = delay_headline(run_dir, baseline_dir, store=store)
    s = h.summary
    out = []
    for key, label in (("teu_delayed_1d", "TEU delayed by more than 1 day"),
                       ("teu_delayed_2d", "TEU delayed by more than 2 days"),
                       ("teu_days_delay", "TEU-days of delay")):
        v, ci = s.total(key)
        out.append(Figure(key, label, _pm(_num(v), _num(ci)), _num(v)))
    out.append(backlog_figure(s))
    for key, col, label in (("delivered_delta", "teu_delivered", "TEU delivered, change"),
                            ("backlog_delta", "backlog_teu", "backlog at the end (TEU), change")):
        v, w = _run_total(run_dir, col), _run_total(baseline_dir, col)
        d = None if v is None or w is None else v - w
        out.append(Figure(key, label, _pm(d, None, 0, True), d))
    cor = s.corridors
    if len(cor):
        cor = cor[cor.extra_transit_d.notna()]
        top = cor.reindex(cor.extra_transit_d.abs().sort_values(ascending=False,
                                                                kind="stable").index)
        for r in top.head(3).to_dict("records"):
            label = r["corridor"] or "(no crossing)"
            key = "corridor-" + re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")
            out.append(Figure(key, f"extra transit via {label} (days)",
                              _pm(_num(r["extra_transit_d"]), _num(r["ci95"]), 2, True),
                              _num(r["extra_transit_d"])))
    return out, list(h.lines)
