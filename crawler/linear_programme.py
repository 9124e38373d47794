"""One linear programme solved for many objectives: how far a reader can push hidden
cells given a table's lines (disclosure.py asks it hundreds of times per table).

It talks to HiGHS, the solver behind ``scipy.optimize.linprog``, through the binding
SciPy ships (``scipy.optimize._highspy``; SciPy is pinned, and a test runs every path
here). ``linprog`` rebuilds and re-checks the whole model on every call, which cost three
quarters of the time of an export's protection; here the model is passed once, only the
objective changes between solves, and HiGHS starts each solve from the last basis. The
``highspy`` package would be the public door to the same solver, but its ``Highs()``
prints a banner to standard output before any option can silence it (HiGHS issue 2749),
and a command's standard output is the user's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize._highspy import _core


class Unbounded(Exception):
    """The objective has no least value: some pushed cell can grow without end."""


class Programme:
    """``a @ x == b`` with ``low <= x <= high`` (``high`` may hold ``inf``)."""

    def __init__(self, a: Any, b: np.ndarray, low: np.ndarray, high: np.ndarray) -> None:
        a = a.tocsr()
        self.columns = a.shape[1]
        self._highs = _core._Highs()
        self._highs.setOptionValue("output_flag", False)  # before anything else: no log
        lp = _core.HighsLp()
        lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
        lp.col_cost_ = np.zeros(self.columns)
        lp.col_lower_ = np.asarray(low, float)
        lp.col_upper_ = np.where(np.isinf(high), _core.kHighsInf, high).astype(float)
        lp.row_lower_ = lp.row_upper_ = np.asarray(b, float)
        lp.a_matrix_.format_ = _core.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
        if self._highs.passModel(lp) != _core.HighsStatus.kOk:
            raise RuntimeError("the solver refused the programme")
        self._all = np.arange(self.columns, dtype=np.int32)

    def least(self, objective: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """The least value of ``objective @ x``, an ``x`` that reaches it, and the rows'
        duals there (a row whose dual is not zero is one that holds the value up)."""
        self._highs.changeColsCost(self.columns, self._all, np.asarray(objective, float))
        self._highs.run()
        status = self._highs.getModelStatus()
        if status == _core.HighsModelStatus.kOptimal:
            solution = self._highs.getSolution()
            return (self._highs.getInfo().objective_function_value,
                    np.asarray(solution.col_value), np.asarray(solution.row_dual))
        if status in (_core.HighsModelStatus.kUnbounded,
                      _core.HighsModelStatus.kUnboundedOrInfeasible):
            # the true table is feasible, so "unbounded or infeasible" is unbounded
            raise Unbounded
        raise RuntimeError(f"the solver gave up: {self._highs.modelStatusToString(status)}")
