"""Passing a built model to HiGHS (`highspy`) in one call, quietly and on one thread."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

_BANNER_SHOWN = False


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """HiGHS prints a banner on the C-level stdout when the first instance is made; send it
    to stderr so that ``--format json`` output stays clean."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def new_highs(threads: int = 1) -> highspy.Highs:
    """A silent HiGHS instance on `threads` threads."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        h = highspy.Highs()
    else:
        with _stdout_to_stderr():
            h = highspy.Highs()
        _BANNER_SHOWN = True
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    return h


@dataclass(frozen=True)
class Solution:
    status: str  # HiGHS model status, e.g. "Optimal"
    optimal: bool
    objective: float
    x: np.ndarray  # column values
    row_dual: np.ndarray  # d objective / d row bound (LP, or the LP with integers fixed)


def solve(
    cost: np.ndarray,
    a: sp.csc_matrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    integrality: np.ndarray,
    threads: int = 1,
) -> Solution:
    """Minimise cost @ x subject to row_lower <= A x <= row_upper and column bounds.

    With integer columns the MILP is solved first; the integers are then fixed at their
    values and the LP re-solved, so that row duals (shadow prices) are still reported.
    """
    h = new_highs(threads)
    _pass(
        h,
        cost,
        a,
        row_lower,
        row_upper,
        col_lower,
        col_upper,
        integrality if integrality.any() else None,
    )
    h.run()
    status = h.getModelStatus()
    optimal = status == highspy.HighsModelStatus.kOptimal
    if not optimal:
        return Solution(
            h.modelStatusToString(status),
            False,
            float("nan"),
            np.zeros(len(cost)),
            np.zeros(len(row_lower)),
        )
    x = np.array(h.getSolution().col_value)
    objective = h.getInfo().objective_function_value
    if integrality.any():
        fixed = integrality.astype(bool)
        lower, upper = col_lower.copy(), col_upper.copy()
        lower[fixed] = upper[fixed] = np.round(x[fixed])
        h = new_highs(threads)
        _pass(h, cost, a, row_lower, row_upper, lower, upper, None)
        h.run()
    duals = np.array(h.getSolution().row_dual)
    return Solution(h.modelStatusToString(status), True, objective, x, duals)


def _pass(
    h: highspy.Highs,
    cost: np.ndarray,
    a: sp.csc_matrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    integrality: np.ndarray | None,
) -> None:
    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = a.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = col_lower
    lp.col_upper_ = np.where(np.isinf(col_upper), highspy.kHighsInf, col_upper)
    lp.row_lower_ = np.where(np.isinf(row_lower), -highspy.kHighsInf, row_lower)
    lp.row_upper_ = np.where(np.isinf(row_upper), highspy.kHighsInf, row_upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr
    lp.a_matrix_.index_ = a.indices
    lp.a_matrix_.value_ = a.data
    if integrality is not None:
        lp.integrality_ = [highspy.HighsVarType(int(v)) for v in integrality]
    h.passModel(lp)
