"""The LP solver seam: one problem record, one method, HiGHS behind it.

``minimise c·x  subject to  A_ub x <= b_ub,  A_eq x = b_eq,  x >= 0``, solved by HiGHS
(Q. Huangfu and J. A. J. Hall, "Parallelizing the dual revised simplex method",
*Mathematical Programming Computation* 10, 2018) through ``scipy.optimize.linprog``.
Duals follow scipy's sign convention: ``marginals`` are the sensitivities
∂(objective)/∂(right-hand side), ≤ 0 for a binding ``<=`` row of a minimisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import optimize, sparse

__all__ = ["LpProblem", "LpSolution", "LpSolver", "HighsSolver"]


@dataclass(frozen=True)
class LpProblem:
    """A linear programme with named variables and rows (names appear in errors)."""

    c: np.ndarray
    a_ub: sparse.csr_matrix
    b_ub: np.ndarray
    a_eq: sparse.csr_matrix
    b_eq: np.ndarray
    var_names: tuple[str, ...]
    ub_names: tuple[str, ...]
    eq_names: tuple[str, ...]


@dataclass(frozen=True)
class LpSolution:
    """``status``: 0 optimal, 2 infeasible, 3 unbounded, other: solver trouble
    (scipy's codes); ``x``, ``objective``, row ``marginals`` (empty unless optimal)."""

    status: int
    message: str
    x: np.ndarray
    objective: float
    ub_marginals: np.ndarray
    eq_marginals: np.ndarray


class LpSolver(Protocol):
    """Solves an :class:`LpProblem`."""

    def solve(self, problem: LpProblem) -> LpSolution:
        """Minimise ``c·x`` subject to the problem's rows, ``x >= 0``; the solution's
        ``status`` is 0 optimal, 2 infeasible, 3 unbounded (scipy's codes)."""
        ...


class HighsSolver:
    """``scipy.optimize.linprog(method="highs")``: dual simplex or IPM chosen by HiGHS."""

    def solve(self, problem: LpProblem) -> LpSolution:
        """Solve with HiGHS; the marginals are scipy's ``ineqlin``/``eqlin`` duals
        (USD per unit of the row's right-hand side)."""
        kw = {}
        if problem.a_ub.shape[0]:
            kw.update(A_ub=problem.a_ub, b_ub=problem.b_ub)
        if problem.a_eq.shape[0]:
            kw.update(A_eq=problem.a_eq, b_eq=problem.b_eq)
        res = optimize.linprog(problem.c, bounds=(0, None), method="highs", **kw)
        if res.status != 0:
            return LpSolution(int(res.status), str(res.message), np.zeros(len(problem.c)),
                              float("nan"), np.zeros(0), np.zeros(0))
        ub = np.asarray(res.ineqlin.marginals) if problem.a_ub.shape[0] else np.zeros(0)
        eq = np.asarray(res.eqlin.marginals) if problem.a_eq.shape[0] else np.zeros(0)
        return LpSolution(0, str(res.message), np.asarray(res.x), float(res.fun), ub, eq)
