"""What `landbridge simulate` does after writing a run directory: record the run in the
results store and, on request, write its HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["after_simulate"]


def after_simulate(path: str | Path, store: str | Path | None = None,
                   report: bool = False) -> dict[str, Any]:
    """Record the run directory ``path`` in ``store`` (default ``runs/landbridge.duckdb``)
    and, with ``report``, write ``path/report.html``.

    Parameters
    ----------
    path : str or Path
        The run directory.
    store : str or Path, optional
        The DuckDB results store.
    report : bool
        Also write the HTML report.

    Returns
    -------
    dict
        ``run_id``, ``store`` and, with ``report``, ``report`` (the HTML file).

    Raises
    ------
    StoreError
        The store is locked past its timeout, damaged or of another format.
    """
    from landbridge.errors import StoreError
    from landbridge.store import ResultsStore

    st = ResultsStore(store)
    try:
        run_id = st.record(path)
    except StoreError as exc:
        raise StoreError(f"{exc}. The run directory {path} was written; record it later "
                         f"with `landbridge runs add {path}`") from None
    out: dict[str, Any] = {"run_id": run_id, "store": str(st.path)}
    if report:
        from landbridge.report import write_report

        out["report"] = str(write_report(path, Path(path) / "report.html", run_id=run_id))
    return out
