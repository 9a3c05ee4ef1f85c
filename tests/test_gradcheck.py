"""Tests of gdlearn.gradcheck."""

import numpy as np
import pytest

from gdlearn.gradcheck import GradCheck, check_grad, numerical_grad


def cubic(x):
    """f(x) = sum(x^3) + x0 * x1, gradient 3x^2 + (x1, x0, 0, ...)."""
    return float(np.sum(x**3) + x[0] * x[1])


def cubic_grad(x):
    g = 3 * x**2
    g[0] += x[1]
    g[1] += x[0]
    return g


def tree_f(p):
    return float(np.sum(np.tanh(p["W"] @ p["v"])) + 0.5 * p["b"] @ p["b"])


def tree_grad(p):
    s = 1 - np.tanh(p["W"] @ p["v"]) ** 2
    return {"W": np.outer(s, p["v"]), "v": p["W"].T @ s, "b": p["b"].copy()}


def tree_point(seed=0):
    rng = np.random.default_rng(seed)
    return {"W": rng.normal(size=(3, 2)), "v": rng.normal(size=2), "b": rng.normal(size=4)}


def test_numerical_grad_matches_hand_gradient():
    x = np.random.default_rng(0).normal(size=5)
    np.testing.assert_allclose(numerical_grad(cubic, x), cubic_grad(x), rtol=1e-8, atol=1e-9)


def test_numerical_grad_of_a_quadratic_is_exact_up_to_rounding():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    x = np.array([0.5, -1.5])
    g = numerical_grad(lambda v: 0.5 * v @ A @ v, x)
    np.testing.assert_allclose(g, A @ x, atol=1e-9)


def test_numerical_grad_keeps_structure_and_shapes():
    p = tree_point()
    g = numerical_grad(tree_f, p)
    assert set(g) == set(p)
    for k in p:
        assert g[k].shape == p[k].shape
        np.testing.assert_allclose(g[k], tree_grad(p)[k], rtol=1e-7, atol=1e-9)
    X = np.random.default_rng(1).normal(size=(2, 3))
    assert numerical_grad(lambda m: float(np.sum(m**2)), X).shape == (2, 3)


def test_numerical_grad_does_not_modify_input():
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()
    numerical_grad(cubic, x)
    np.testing.assert_array_equal(x, before)


def test_check_grad_passes_a_correct_gradient():
    x = np.random.default_rng(3).normal(size=6)
    res = check_grad(cubic, cubic_grad, x)
    assert isinstance(res, GradCheck)
    assert res.passed
    assert res.rel_error < 1e-8
    assert res.analytic.shape == res.numerical.shape == res.per_coordinate.shape == (6,)
    assert "PASSED" in str(res)


def test_check_grad_catches_a_planted_sign_error():
    x = np.array([0.3, -1.2, 2.0, 0.7])

    def wrong(v):
        g = cubic_grad(v)
        g[2] = -g[2]
        return g

    res = check_grad(cubic, wrong, x)
    assert not res.passed
    assert res.rel_error > 0.1
    assert res.worst[0][0] == 2
    i, a, n, r = res.worst[0]
    assert a == pytest.approx(-12.0) and n == pytest.approx(12.0, rel=1e-8) and r == pytest.approx(1.0)
    assert res.per_coordinate[2] == pytest.approx(1.0)
    assert res.per_coordinate[[0, 1, 3]].max() < 1e-8
    assert res.abs_error == pytest.approx(24.0, rel=1e-8)
    text = res.report()
    assert "FAILED" in text and "[2]" in text


def test_check_grad_catches_a_missing_factor():
    x = np.array([1.0, 2.0])
    res = check_grad(lambda v: float(v @ v), lambda v: v, x)  # forgot the factor 2
    assert not res.passed
    assert res.rel_error == pytest.approx(1 / 3, rel=1e-6)  # |2x - x| / (|x| + |2x|)


def test_check_grad_rel_error_definition():
    x = np.array([1.0, 2.0])
    a = np.array([2.0, 4.4])
    res = check_grad(lambda v: float(v @ v), a, x)  # a precomputed gradient
    n = np.array([2.0, 4.0])
    expected = np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))
    assert res.rel_error == pytest.approx(expected, rel=1e-6)
    assert res.abs_error == pytest.approx(0.4, rel=1e-6)
    np.testing.assert_allclose(res.per_coordinate, [0.0, 0.4 / 8.4], atol=1e-8)


def test_check_grad_with_dict_params():
    p = tree_point(5)
    assert check_grad(tree_f, tree_grad, p).passed

    def wrong(q):
        g = tree_grad(q)
        g["v"] = -g["v"]
        return g

    res = check_grad(tree_f, wrong, p)
    assert not res.passed
    assert res.names[res.worst[0][0]].startswith("v[")
    assert "v[" in res.report()


def test_check_grad_at_a_stationary_point_passes_through_atol():
    res = check_grad(lambda v: float(np.sum((v - 1.0) ** 2)), lambda v: 2 * (v - 1.0), np.ones(3))
    assert res.passed
    assert res.abs_error < 1e-8


def test_check_grad_accepts_a_dict_gradient_in_another_key_order():
    p = tree_point(2)
    g = tree_grad(p)
    reordered = {k: g[k] for k in reversed(list(g))}
    assert check_grad(tree_f, reordered, p).passed


def test_bad_inputs():
    x = np.ones(3)
    with pytest.raises(ValueError, match="h must be"):
        numerical_grad(cubic, x, h=0.0)
    with pytest.raises(TypeError, match="f must be callable"):
        numerical_grad(3.0, x)
    with pytest.raises(ValueError, match="f must return a scalar"):
        numerical_grad(lambda v: v, x)
    with pytest.raises(ValueError, match="x holds NaN"):
        numerical_grad(cubic, np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="grad has shape"):
        check_grad(cubic, lambda v: np.ones(4), x)
    with pytest.raises(TypeError, match="same structure"):
        check_grad(cubic, lambda v: {"a": v}, x)
    with pytest.raises(ValueError, match="tol must be"):
        check_grad(cubic, cubic_grad, x, tol=-1.0)
