"""Tests of gdlearn.models: exact gradients, Hessians, stability, closed forms, validation."""

import warnings

import numpy as np
import pytest

from gdlearn.gradcheck import numerical_grad
from gdlearn.models import (
    LinearRegression,
    LogisticRegression,
    SoftmaxRegression,
    logsumexp,
    sigmoid,
    softmax,
)

RNG_SEED = 7


def data(n=40, d=4, k=3, seed=RNG_SEED):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, rng.normal(size=n), rng.integers(0, 2, size=n), rng.integers(0, k, size=n), rng


def models(l2):
    X, y_reg, y_bin, y_cls, _ = data()
    return [
        LinearRegression(X, y_reg, l2=l2),
        LogisticRegression(X, y_bin, l2=l2),
        SoftmaxRegression(X, y_cls, l2=l2),
    ]


def param(model, rng):
    shape = model.shape if isinstance(model, SoftmaxRegression) else (model.n_features,)
    return rng.normal(size=shape)


def fd_jacobian(grad, w, h=1e-6):
    flat = w.ravel()
    cols = []
    for j in range(flat.size):
        e = np.zeros_like(flat)
        e[j] = h
        plus, minus = grad((flat + e).reshape(w.shape)), grad((flat - e).reshape(w.shape))
        cols.append(((plus - minus) / (2 * h)).ravel())
    return np.column_stack(cols)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_full_gradient_matches_centred_differences(l2):
    rng = np.random.default_rng(0)
    for model in models(l2):
        for _ in range(5):
            w = param(model, rng)
            g = model.grad(w)
            assert g.shape == w.shape
            np.testing.assert_allclose(g, numerical_grad(model.value, w), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_minibatch_gradient_matches_centred_differences_and_a_model_on_the_rows(l2):
    rng = np.random.default_rng(1)
    for model in models(l2):
        idx = rng.choice(model.n_samples, size=7, replace=False)
        w = param(model, rng)
        g = model.grad(w, idx)
        num = numerical_grad(lambda v, m=model, rows=idx: m.value(v, rows), w)
        np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-9)
        sub = type(model)(model.X[idx], model.y[idx], l2=l2)
        if isinstance(model, SoftmaxRegression):
            sub = SoftmaxRegression(model.X[idx], model.y[idx], n_classes=model.n_classes, l2=l2)
        np.testing.assert_allclose(g, sub.grad(w), rtol=1e-12, atol=1e-14)
        assert model.value(w, idx) == pytest.approx(sub.value(w), rel=1e-12)


def test_mean_of_minibatch_gradients_over_an_epoch_is_the_full_gradient():
    rng = np.random.default_rng(2)
    for model in models(0.1):
        w = param(model, rng)
        batches = np.array_split(rng.permutation(model.n_samples), 4)  # equal sizes: 40 = 4 * 10
        mean = sum(model.grad(w, b) for b in batches) / len(batches)
        np.testing.assert_allclose(mean, model.grad(w), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_hessians_match_centred_differences_of_the_gradient(l2):
    rng = np.random.default_rng(3)
    for model in models(l2):
        w = param(model, rng)
        idx = rng.choice(model.n_samples, size=9, replace=False)
        for rows in (None, idx):
            H = model.hess(w, rows)
            num = fd_jacobian(lambda v, m=model, rows=rows: m.grad(v, rows), w)
            np.testing.assert_allclose(H, num, rtol=1e-6, atol=1e-8)
            np.testing.assert_allclose(H, H.T, atol=1e-14)
            assert np.linalg.eigvalsh(H).min() > -1e-12


def test_l2_term_is_added_whole():
    rng = np.random.default_rng(4)
    lam = 0.25
    for plain, reg in zip(models(0.0), models(lam), strict=True):
        w = param(plain, rng)
        idx = np.array([0, 5, 9])
        for rows in (None, idx):
            assert reg.value(w, rows) - plain.value(w, rows) == pytest.approx(0.5 * lam * np.sum(w**2))
            np.testing.assert_allclose(reg.grad(w, rows) - plain.grad(w, rows), lam * w, atol=1e-14)


def test_linear_regression_by_hand():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([1.0, 2.0])
    w = np.array([1.0, 0.0])
    # residuals Xw - y = (0, 1): J = (0 + 1) / (2 * 2) = 0.25, grad = X^T r / 2 = (1.5, 2)
    assert LinearRegression(X, y).value(w) == 0.25
    np.testing.assert_allclose(LinearRegression(X, y).grad(w), [1.5, 2.0])
    assert LinearRegression(X, y, l2=0.5).value(w) == 0.5
    np.testing.assert_allclose(LinearRegression(X, y, l2=0.5).hess(), X.T @ X / 2 + 0.5 * np.eye(2))
    np.testing.assert_allclose(LinearRegression(X, y).predict(w), [1.0, 3.0])
    np.testing.assert_allclose(LinearRegression(X, y).predict(w, np.array([[2.0, 5.0]])), [2.0])


def test_linear_regression_solve_equals_lstsq_and_ridge():
    X, y, _, _, _ = data(n=30, d=5)
    w = LinearRegression(X, y).solve()
    np.testing.assert_allclose(w, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-12)
    np.testing.assert_allclose(LinearRegression(X, y).grad(w), 0.0, atol=1e-12)
    lam = 0.2
    w_ridge = LinearRegression(X, y, l2=lam).solve()
    expected = np.linalg.solve(X.T @ X + 30 * lam * np.eye(5), X.T @ y)  # (X^T X + n lam I) w = X^T y
    np.testing.assert_allclose(w_ridge, expected, rtol=1e-10)
    np.testing.assert_allclose(LinearRegression(X, y, l2=lam).grad(w_ridge), 0.0, atol=1e-12)


def test_linear_regression_solve_minimum_norm_when_rank_deficient():
    X = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    y = np.array([2.0, 4.0, 6.0])
    np.testing.assert_allclose(LinearRegression(X, y).solve(), [1.0, 1.0])


def test_logistic_matches_naive_formula_at_moderate_logits():
    X, _, y, _, rng = data()
    model = LogisticRegression(X, y)
    w = rng.normal(size=4)
    p = 1 / (1 + np.exp(-(X @ w)))
    naive = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert model.value(w) == pytest.approx(naive, rel=1e-12)
    np.testing.assert_allclose(model.predict_proba(w), p, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(w), (p >= 0.5).astype(int))
    assert model.score(w) == pytest.approx(np.mean((p >= 0.5) == y))


def test_losses_are_finite_and_exact_for_huge_logits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log = LogisticRegression(np.array([[1000.0], [-1000.0], [1000.0]]), np.array([0, 1, 1]))
        # per-sample losses: log(1 + e^1000) = 1000, log(1 + e^-1000) + 1000 = 1000, log(1 + e^-1000) = 0
        assert log.value(np.array([1.0])) == pytest.approx(2000.0 / 3)
        np.testing.assert_allclose(log.grad(np.array([1.0])), [2000.0 / 3])
        assert np.all(np.isfinite(log.hess(np.array([1.0]))))
        soft = SoftmaxRegression(np.array([[1.0], [1.0]]), np.array([2, 0]), n_classes=3)
        W = np.array([[1000.0, 0.0, -1000.0]])
        # logits (1000, 0, -1000): label 2 costs 2000, label 0 costs 0
        assert soft.value(W) == pytest.approx(1000.0)
        assert np.all(np.isfinite(soft.grad(W)))
        np.testing.assert_allclose(soft.grad(W), [[0.5, 0.0, -0.5]], atol=1e-12)


def test_softmax_with_two_classes_equals_logistic():
    X, _, y, _, rng = data()
    w = rng.normal(size=4)
    W = np.column_stack([np.zeros(4), w])
    soft, log = SoftmaxRegression(X, y, n_classes=2), LogisticRegression(X, y)
    assert soft.value(W) == pytest.approx(log.value(w), rel=1e-12)
    np.testing.assert_allclose(soft.grad(W)[:, 1], log.grad(w), rtol=1e-10)
    np.testing.assert_allclose(soft.predict_proba(W)[:, 1], log.predict_proba(w), rtol=1e-12)


def test_softmax_predict_and_score():
    X, _, _, y, rng = data()
    model = SoftmaxRegression(X, y)
    assert model.n_classes == 3 and model.shape == (4, 3)
    W = rng.normal(size=(4, 3))
    P = model.predict_proba(W)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(W), np.argmax(X @ W, axis=1))
    assert model.score(W) == pytest.approx(np.mean(model.predict(W) == y))


def test_stable_helpers():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = np.array([-1000.0, -30.0, -1.0, 0.0, 2.0, 40.0, 1000.0])
        s = sigmoid(z)
        assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
        mid = z[1:-1]
        np.testing.assert_allclose(s[1:-1], 1 / (1 + np.exp(-mid)), rtol=1e-14)
        np.testing.assert_allclose(sigmoid(-z), 1 - s, atol=1e-15)
        assert isinstance(sigmoid(0.0), float)
        Z = np.array([[1000.0, 1000.0, -np.inf], [1.0, 2.0, 3.0]])
        expected = [1000.0 + np.log(2.0), np.log(np.exp([1, 2, 3]).sum())]
        np.testing.assert_allclose(logsumexp(Z, axis=1), expected)
        assert logsumexp(Z, axis=1, keepdims=True).shape == (2, 1)
        assert logsumexp(np.array([-np.inf, -np.inf])) == -np.inf
        P = softmax(Z, axis=1)
        np.testing.assert_allclose(P[0], [0.5, 0.5, 0.0])
        np.testing.assert_allclose(P[1], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
        np.testing.assert_allclose(softmax(Z.T, axis=0), P.T)


@pytest.mark.parametrize("cls", [LinearRegression, LogisticRegression, SoftmaxRegression])
def test_bad_inputs(cls):
    X = np.ones((4, 2))
    y = np.array([0, 1, 1, 0])
    with pytest.raises(ValueError, match="X is empty"):
        cls(np.empty((0, 2)), np.empty(0))
    with pytest.raises(ValueError, match=r"len\(X\) != len\(y\)"):
        cls(X, y[:3])
    with pytest.raises(ValueError, match="X holds NaN"):
        cls(np.array([[1.0, np.nan], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]]), y)
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        cls(np.ones(4), y)
    with pytest.raises(ValueError, match="y holds NaN"):
        cls(X, np.array([0.0, np.nan, 1.0, 0.0]))
    with pytest.raises(ValueError, match="l2 must be"):
        cls(X, y, l2=-1.0)
    with pytest.raises(TypeError, match="X must be a numeric array"):
        cls([["a", "b"]], [0])
    model = cls(X, y)
    w = np.zeros(model.shape if cls is SoftmaxRegression else 2)
    with pytest.raises(ValueError, match="w must have shape"):
        model.value(np.zeros(5))
    with pytest.raises(ValueError, match="idx must lie in"):
        model.grad(w, np.array([0, 4]))
    with pytest.raises(ValueError, match="idx must be a non-empty 1-D array of integer"):
        model.grad(w, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="idx must be a non-empty"):
        model.value(w, np.array([], dtype=int))
    with pytest.raises(ValueError, match="X must have 2 columns"):
        model.predict(w, np.ones((3, 5)))


def test_label_validation():
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="y must hold labels 0 and 1"):
        LogisticRegression(X, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="integer class labels"):
        SoftmaxRegression(X, np.array([0.0, 1.5, 1.0]))
    with pytest.raises(ValueError, match="integer class labels"):
        SoftmaxRegression(X, np.array([0, -1, 1]))
    with pytest.raises(ValueError, match="n_classes is 2"):
        SoftmaxRegression(X, np.array([0, 1, 2]), n_classes=2)
    with pytest.raises(ValueError, match="n_classes must be >= 2"):
        SoftmaxRegression(X, np.array([0, 0, 0]), n_classes=1)
    assert SoftmaxRegression(X, np.array([0, 1, 1]), n_classes=4).shape == (2, 4)


def test_repr_and_sizes():
    X, y, _, _, _ = data(n=10, d=3)
    model = LinearRegression(X, y, l2=0.1)
    assert (model.n_samples, model.n_features) == (10, 3)
    assert repr(model) == "LinearRegression(n_samples=10, n_features=3, l2=0.1)"
