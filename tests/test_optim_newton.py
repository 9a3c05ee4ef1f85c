"""Newton's method: one step on a quadratic, damping, and argument checks."""

import numpy as np
import pytest

from gdlearn.optim import Newton
from gdlearn.schedules import StepDecay


def spd_matrix(rng, n, kappa=1e3):
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return q @ np.diag(np.geomspace(1.0, kappa, n)) @ q.T


def test_solves_an_ill_conditioned_quadratic_in_one_step():
    rng = np.random.default_rng(0)
    a, b = spd_matrix(rng, 4), rng.standard_normal(4)
    x0 = rng.standard_normal(4)
    x1 = Newton().step(x0, a @ x0 - b, a)
    np.testing.assert_allclose(x1, np.linalg.solve(a, b), rtol=1e-9)
    np.testing.assert_allclose(a @ x1 - b, 0.0, atol=1e-10)


def test_damping_shrinks_each_eigen_component_by_lambda_over_lambda_plus_delta():
    h = np.diag([4.0, 1.0])
    x0, g = np.array([1.0, 1.0]), np.array([2.0, 3.0])
    undamped = Newton().step(x0, g, h)
    damped = Newton(damping=1.0).step(x0, g, h)
    np.testing.assert_allclose(x0 - undamped, [2.0 / 4.0, 3.0 / 1.0])
    np.testing.assert_allclose(x0 - damped, [2.0 / 5.0, 3.0 / 2.0])
    assert np.linalg.norm(x0 - damped) < np.linalg.norm(x0 - undamped)


def test_damping_makes_a_singular_hessian_solvable():
    h = np.array([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="damping"):
        Newton().step(np.zeros(2), np.ones(2), h)
    x = Newton(damping=0.5).step(np.zeros(2), np.ones(2), h)
    np.testing.assert_allclose(x, [-1 / 1.5, -1 / 0.5])


def test_lr_and_schedule_scale_the_step():
    h, g, x0 = np.diag([2.0, 8.0]), np.array([2.0, 8.0]), np.zeros(2)
    np.testing.assert_allclose(Newton(lr=0.5).step(x0, g, h), [-0.5, -0.5])
    opt = Newton(lr=StepDecay(1.0, step_size=1, gamma=0.5))
    x1 = opt.step(x0, g, h)
    x2 = opt.step(x1, g, h)
    np.testing.assert_allclose(x1, [-1.0, -1.0])
    np.testing.assert_allclose(x2 - x1, [-0.5, -0.5])
    assert opt.t == 2


def test_matrix_shaped_parameters_use_the_flat_hessian():
    rng = np.random.default_rng(1)
    a, b = spd_matrix(rng, 6, kappa=10.0), rng.standard_normal(6)
    x0 = rng.standard_normal((2, 3))
    x1 = Newton().step(x0, (a @ x0.ravel() - b).reshape(2, 3), a)
    assert x1.shape == (2, 3)
    np.testing.assert_allclose(x1.ravel(), np.linalg.solve(a, b), rtol=1e-10)


def test_inputs_are_not_modified_and_flag_is_set():
    x0, g, h = np.array([1.0, 2.0]), np.array([1.0, 1.0]), np.eye(2)
    Newton(damping=0.1).step(x0, g, h)
    np.testing.assert_array_equal(x0, [1.0, 2.0])
    np.testing.assert_array_equal(h, np.eye(2))
    assert Newton.needs_hessian is True


@pytest.mark.parametrize(
    "args, exc, name",
    [
        (({"a": np.zeros(2)}, {"a": np.zeros(2)}, np.eye(2)), TypeError, "dict"),
        ((np.zeros(2), np.zeros(3), np.eye(2)), ValueError, "grad"),
        ((np.zeros(2), np.zeros(2), np.eye(3)), ValueError, "hess"),
        ((np.zeros(2), np.zeros(2), np.ones(2)), ValueError, "hess"),
    ],
)
def test_bad_step_inputs(args, exc, name):
    with pytest.raises(exc, match=name):
        Newton().step(*args)


@pytest.mark.parametrize(
    "kw, exc, name",
    [(dict(lr=0.0), ValueError, "lr"), (dict(damping=-1.0), ValueError, "damping"),
     (dict(damping="big"), TypeError, "damping")],
)
def test_bad_arguments(kw, exc, name):
    with pytest.raises(exc, match=name):
        Newton(**kw)
