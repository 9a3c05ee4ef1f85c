"""Tests of gdlearn.linesearch: the Armijo condition, shrinking by rho, evaluation counts, ArmijoGD."""

import numpy as np
import pytest

from gdlearn.linesearch import ArmijoGD, LineSearch, backtracking

A = np.array([[3.0, 1.0], [1.0, 2.0]])


def quad(x):
    return 0.5 * float(x @ A @ x)


def quad_grad(x):
    return A @ x


def rosen(x):
    return float((1 - x[0]) ** 2 + 10 * (x[1] - x[0] ** 2) ** 2)


def rosen_grad(x):
    return np.array([-2 * (1 - x[0]) - 40 * x[0] * (x[1] - x[0] ** 2), 20 * (x[1] - x[0] ** 2)])


class Counted:
    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, x):
        self.calls += 1
        return self.f(x)


@pytest.mark.parametrize("x", [np.array([1.0, -2.0]), np.array([10.0, 3.0]), np.array([-0.3, 0.01])])
@pytest.mark.parametrize("c", [1e-4, 0.3, 0.9])
def test_armijo_condition_holds(x, c):
    g = quad_grad(x)
    d = -g
    ls = backtracking(quad, x, g, c=c)
    assert isinstance(ls, LineSearch) and ls.success
    np.testing.assert_allclose(ls.x_new, x + ls.alpha * d)
    assert ls.f_new == pytest.approx(quad(ls.x_new))
    assert ls.f_new <= quad(x) + c * ls.alpha * float(g @ d)
    # maximality: the previous (larger) trial step violated the condition unless alpha == alpha0
    if ls.alpha < 1.0:
        big = ls.alpha / 0.5
        assert quad(x + big * d) > quad(x) + c * big * float(g @ d)


def test_alpha_shrinks_by_rho_and_evals_counted():
    f = Counted(lambda x: float(x @ x))
    x = np.array([1.0, 1.0])
    g = 2 * x  # f(x) = 2, g.d = -8, Armijo: 2 (1 - 2a)^2 <= 2 - 8 c a
    ls = backtracking(f, x, g, alpha0=4.0, rho=0.25, c=0.5)
    # trials: a = 4 gives 98 > -14, a = 1 gives 2 > -2, a = 0.25 gives 0.5 <= 1: accepted
    assert ls.alpha == 0.25
    assert ls.n_evals == 4 == f.calls  # f(x) plus three trials
    f.calls = 0
    ls = backtracking(f, x, g, alpha0=4.0, rho=0.25, c=0.5, fx=2.0)
    assert ls.n_evals == 3 == f.calls


def test_exact_step_sequence_on_1d_quadratic():
    # f(x) = x^2 at x = 1, d = -2: Armijo reads (1 - 2a)^2 <= 1 - 4e-4 a, true for 0 < a < 1 - 1e-4,
    # so a = 1 fails (1 > 0.9996) and a = 0.5 passes (0 <= 0.9998) after f(x) and two trials.
    ls = backtracking(lambda x: float(x[0] ** 2), np.array([1.0]), np.array([2.0]))
    assert ls.alpha == 0.5 and ls.f_new == 0.0 and ls.n_evals == 3


def test_non_descent_direction_raises():
    x = np.array([1.0, 2.0])
    g = quad_grad(x)
    with pytest.raises(ValueError, match="descent direction"):
        backtracking(quad, x, g, direction=g)
    with pytest.raises(ValueError, match="descent direction"):
        backtracking(quad, x, g, direction=np.array([g[1], -g[0]]))  # orthogonal: g.d = 0


def test_custom_descent_direction():
    x = np.array([2.0, -1.0])
    g = quad_grad(x)
    d = -np.linalg.solve(A, g)  # Newton direction: the unit step is exact on a quadratic
    ls = backtracking(quad, x, g, direction=d)
    assert ls.alpha == 1.0
    np.testing.assert_allclose(ls.x_new, 0.0, atol=1e-14)


def test_stationary_point_and_failure():
    x = np.zeros(2)
    ls = backtracking(quad, x, np.zeros(2))
    assert ls.alpha == 0.0 and ls.success and ls.n_evals == 1
    # a wrong gradient sign makes -g an ascent direction: no step passes, success is False
    x = np.array([1.0, 1.0])
    ls = backtracking(quad, x, -quad_grad(x), max_iter=5)
    assert not ls.success and ls.n_evals == 6
    assert ls.alpha == pytest.approx(0.5**4)


def test_nonfinite_trial_is_rejected():
    f = lambda x: float(np.exp(x[0] ** 2 * 1e4) if abs(x[0]) > 0.5 else x[0] ** 2)  # noqa: E731
    ls = backtracking(f, np.array([0.4]), np.array([0.8]), alpha0=100.0)
    assert ls.success and np.isfinite(ls.f_new)


@pytest.mark.parametrize("kw, word", [({"rho": 1.0}, "rho"), ({"rho": 0.0}, "rho"), ({"c": 1.5}, "c"),
                                      ({"alpha0": -1.0}, "alpha0"), ({"max_iter": 0}, "max_iter")])
def test_bad_arguments(kw, word):
    x = np.array([1.0, 1.0])
    with pytest.raises(ValueError, match=word):
        backtracking(quad, x, quad_grad(x), **kw)
    with pytest.raises(ValueError, match=word):
        ArmijoGD(**kw)


def test_shape_mismatch_and_nan():
    with pytest.raises(ValueError, match="g has shape"):
        backtracking(quad, np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="x holds NaN"):
        backtracking(quad, np.array([np.nan, 1.0]), np.ones(2))


def run(opt, f, grad, x, steps):
    for _ in range(steps):
        x = opt.step(x, grad(x), f)
    return x


def test_armijo_gd_converges_on_quadratic():
    opt = ArmijoGD()
    x = run(opt, quad, quad_grad, np.array([5.0, -3.0]), 150)
    np.testing.assert_allclose(x, 0.0, atol=1e-8)
    assert len(opt.alphas) == 150 and opt.t == 150
    assert all(a in {1.0, 0.5, 0.25, 0.125} for a in opt.alphas)  # L = 3.6: the steps stay in (0, 2/L)


def test_armijo_gd_converges_on_rosenbrock_like():
    f = Counted(rosen)
    opt = ArmijoGD(alpha0=1.0)
    x = run(opt, f, rosen_grad, np.array([-1.2, 1.0]), 3000)
    np.testing.assert_allclose(x, [1.0, 1.0], atol=1e-5)
    assert opt.n_evals == f.calls  # every call counted, f(x) of each step included
    assert opt.n_evals >= 2 * 3000


def test_armijo_gd_decreases_every_step_and_resets():
    opt = ArmijoGD(alpha0=2.0, rho=0.3)
    x = np.array([-1.2, 1.0])
    for _ in range(50):
        x_new = opt.step(x, rosen_grad(x), rosen)
        assert rosen(x_new) <= rosen(x) - 1e-4 * opt.last_lr * float(rosen_grad(x) @ rosen_grad(x))
        x = x_new
    opt.reset()
    assert opt.alphas == [] and opt.n_evals == 0 and opt.t == 0
    assert ArmijoGD.needs_value is True
    with pytest.raises(TypeError, match="dict"):
        opt.step({"w": np.ones(2)}, {"w": np.ones(2)}, rosen)
