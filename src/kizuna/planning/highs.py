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
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner on the C-level stdout when the first instance is made; drop it
    so that ``--format json`` output stays clean and the CLI quiet."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def new_highs(threads: int = 1) -> highspy.Highs:
    """A silent HiGHS instance on `threads` threads."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        h = highspy.Highs()
    else:
        with _quiet_stdout():
            h = highspy.Highs()
        _BANNER_SHOWN = True
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    return h


@dataclass(frozen=True)
class LinearProgram:
    """minimise cost @ x  s.t.  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper;
    columns with integrality 1 are integer (infinite bounds as numpy inf)."""

    cost: np.ndarray
    a: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray


@dataclass(frozen=True)
class Solution:
    status: str  # HiGHS model status, e.g. "Optimal"
    optimal: bool
    objective: float
    x: np.ndarray  # column values
    row_dual: np.ndarray  # d objective / d row bound (LP, or the LP with integers fixed)


def solve(lp: LinearProgram, threads: int = 1) -> Solution:
    """Solve `lp` with HiGHS.

    With integer columns the MILP is solved first; the integers are then fixed at their
    values and the LP re-solved, so that row duals (shadow prices) are still reported.
    """
    h = new_highs(threads)
    mip = bool(lp.integrality.any())
    _pass(h, lp, lp.col_lower, lp.col_upper, mip)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        return Solution(
            h.modelStatusToString(status),
            False,
            float("nan"),
            np.zeros(len(lp.cost)),
            np.zeros(len(lp.row_lower)),
        )
    x = np.array(h.getSolution().col_value)
    objective = h.getInfo().objective_function_value
    if mip:
        fixed = lp.integrality.astype(bool)
        lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
        lower[fixed] = upper[fixed] = np.round(x[fixed])
        h = new_highs(threads)
        _pass(h, lp, lower, upper, False)
        h.run()
    duals = np.array(h.getSolution().row_dual)
    return Solution(h.modelStatusToString(status), True, objective, x, duals)


def _pass(
    h: highspy.Highs, lp: LinearProgram, col_lower: np.ndarray, col_upper: np.ndarray, mip: bool
) -> None:
    model = highspy.HighsLp()
    model.num_col_ = len(lp.cost)
    model.num_row_ = lp.a.shape[0]
    model.col_cost_ = lp.cost
    model.col_lower_ = col_lower
    model.col_upper_ = np.where(np.isinf(col_upper), highspy.kHighsInf, col_upper)
    model.row_lower_ = np.where(np.isinf(lp.row_lower), -highspy.kHighsInf, lp.row_lower)
    model.row_upper_ = np.where(np.isinf(lp.row_upper), highspy.kHighsInf, lp.row_upper)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = lp.a.indptr
    model.a_matrix_.index_ = lp.a.indices
    model.a_matrix_.value_ = lp.a.data
    if mip:
        model.integrality_ = [highspy.HighsVarType(int(v)) for v in lp.integrality]
    h.passModel(model)
