"""The linear programme behind the small-cell check (crawler/linear_programme.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_array

from crawler.linear_programme import Programme, Unbounded


def test_least_values_match_linprog_for_many_objectives_on_one_model() -> None:
    # x0 + x1 = 7 and x1 + x2 = 9; x0 in 1..4, x1 in 1..inf, x2 in 5..inf
    a = csr_array(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]))
    b = np.array([7.0, 9.0])
    low, high = np.array([1.0, 1.0, 5.0]), np.array([4.0, np.inf, np.inf])
    programme = Programme(a, b, low, high)
    for objective in ([1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [1, 1, 1], [0, 0, -1]):
        value, x, duals = programme.least(np.array(objective, float))
        expected = linprog(objective, A_eq=a.toarray(), b_eq=b,
                           bounds=list(zip(low, [None if h == np.inf else h for h in high])),
                           method="highs")
        assert value == pytest.approx(expected.fun)
        assert a @ x == pytest.approx(b) and np.all(x >= low - 1e-9) and np.all(x <= high + 1e-9)
        assert len(duals) == 2
    # x1 is at most 4: 9 - x2 with x2 of 5 or more holds it (7 - x0 would allow 6), so
    # the second row's dual is not zero and the first's is
    value, _, duals = programme.least(np.array([0.0, -1.0, 0.0]))
    assert value == pytest.approx(-4.0)
    assert abs(duals[1]) > 1e-9 and abs(duals[0]) < 1e-9


def test_an_objective_without_a_least_value_is_unbounded() -> None:
    a = csr_array(np.array([[1.0, -1.0]]))  # x0 - x1 = 0: both can grow together
    programme = Programme(a, np.zeros(1), np.ones(2), np.full(2, np.inf))
    with pytest.raises(Unbounded):
        programme.least(np.array([-1.0, 0.0]))
    assert programme.least(np.array([1.0, 0.0]))[0] == pytest.approx(1.0)


def test_the_solver_says_nothing_on_standard_output(capfd: pytest.CaptureFixture[str]) -> None:
    programme = Programme(csr_array(np.ones((1, 2))), np.array([3.0]), np.ones(2), np.full(2, 4.0))
    programme.least(np.array([1.0, 0.0]))
    out, err = capfd.readouterr()
    assert out == "" and err == ""
