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
    """Hand the arrays to HiGHS in one call (the array form of passModel copies in C++;
    filling a HighsLp field by field converts element by element and costs ~0.2 s at 300k
    nonzeros). Pure LPs run without presolve: on these models it only drops redundant rows
    and costs more than it saves (docs/performance.md)."""
    if not mip:
        h.setOptionValue("presolve", "off")
    inf = highspy.kHighsInf
    h.passModel(
        len(lp.cost),
        lp.a.shape[0],
        lp.a.nnz,
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        np.ascontiguousarray(lp.cost, dtype=np.float64),
        np.ascontiguousarray(col_lower, dtype=np.float64),
        np.where(np.isinf(col_upper), inf, col_upper).astype(np.float64),
        np.where(np.isinf(lp.row_lower), -inf, lp.row_lower).astype(np.float64),
        np.where(np.isinf(lp.row_upper), inf, lp.row_upper).astype(np.float64),
        lp.a.indptr.astype(np.int32),
        lp.a.indices.astype(np.int32),
        np.ascontiguousarray(lp.a.data, dtype=np.float64),
        (lp.integrality if mip else np.zeros(len(lp.cost))).astype(np.int32),
    )
