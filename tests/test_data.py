"""Tests of gdlearn.data."""

import numpy as np
import pytest

from gdlearn.data import (
    add_bias,
    make_linear,
    make_logistic,
    make_moons,
    make_spirals,
    minibatches,
    standardize,
    train_test_split,
)

MAKERS = {
    "linear": lambda rng: make_linear(50, 3, rng),
    "logistic": lambda rng: make_logistic(50, 3, rng),
    "moons": lambda rng: make_moons(51, rng),
    "spirals": lambda rng: make_spirals(20, rng, n_classes=3),
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_same_seed_same_data_other_seed_other_data(name):
    a = MAKERS[name](np.random.default_rng(42))
    b = MAKERS[name](np.random.default_rng(42))
    c = MAKERS[name](np.random.default_rng(43))
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])


def test_make_linear():
    X, y, w = make_linear(100, 4, np.random.default_rng(0))
    assert X.shape == (100, 4) and y.shape == (100,) and w.shape == (4,)
    X, y, w = make_linear(20, 2, np.random.default_rng(1), noise=0.0, w=[2.0, -1.0], bias=3.0)
    np.testing.assert_array_equal(w, [2.0, -1.0])
    np.testing.assert_allclose(y, 2 * X[:, 0] - X[:, 1] + 3.0, atol=1e-14)
    X, y, w = make_linear(2000, 3, np.random.default_rng(2), noise=0.5)
    resid = y - X @ w
    assert abs(resid.std() - 0.5) < 0.05


def test_make_logistic():
    X, y, w = make_logistic(400, 2, np.random.default_rng(0), scale=5.0)
    assert X.shape == (400, 2) and y.shape == (400,) and w.shape == (2,)
    assert set(np.unique(y)) <= {0, 1} and y.dtype.kind == "i"
    assert np.linalg.norm(w) == pytest.approx(5.0)
    # P(label agrees with sign of logit) = E sigma(|z|), z ~ N(0, 25): about 0.9
    agreement = np.mean(y == (X @ w > 0))
    assert 0.85 < agreement < 0.95
    X, y, w = make_logistic(4000, 3, np.random.default_rng(1), scale=1.0)
    assert (X @ w).std() == pytest.approx(1.0, abs=0.05)


def test_make_moons_geometry():
    X, y = make_moons(11, np.random.default_rng(0), noise=0.0)
    assert X.shape == (11, 2) and y.shape == (11,)
    assert np.sum(y == 0) == 6 and np.sum(y == 1) == 5
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1.0, X[y == 1, 1] - 0.5), 1.0)
    assert np.all(X[y == 0, 1] >= -1e-12) and np.all(X[y == 1, 1] <= 0.5 + 1e-12)


def test_make_spirals():
    X, y = make_spirals(30, np.random.default_rng(0), n_classes=4, noise=0.05)
    assert X.shape == (120, 2)
    np.testing.assert_array_equal(np.bincount(y), [30, 30, 30, 30])
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.min() >= 0.05 - 1e-12 and r.max() <= 1.0 + 1e-12


def test_add_bias():
    X = np.arange(6.0).reshape(3, 2)
    B = add_bias(X)
    np.testing.assert_array_equal(B, [[1, 0, 1], [1, 2, 3], [1, 4, 5]])
    with pytest.raises(ValueError, match="X is empty"):
        add_bias(np.empty((0, 2)))


def test_standardize():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[5.0, -3.0, 0.0], scale=[10.0, 0.1, 1.0], size=(200, 3))
    X[:, 2] = 7.0  # constant column
    Xs, mean, std = standardize(X)
    np.testing.assert_allclose(Xs.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Xs[:, :2].std(axis=0), 1.0)
    assert std[2] == 1.0 and np.all(Xs[:, 2] == 0.0)
    np.testing.assert_allclose(mean, X.mean(axis=0))
    test = rng.normal(size=(5, 3))
    ts, m2, s2 = standardize(test, mean, std)
    np.testing.assert_allclose(ts, (test - mean) / std)
    assert m2 is mean or np.array_equal(m2, mean)
    with pytest.raises(ValueError, match=r"mean must have shape \(3,\)"):
        standardize(X, mean=np.zeros(2))
    with pytest.raises(ValueError, match="X holds NaN"):
        standardize(np.array([[1.0, np.nan]]))


def test_train_test_split():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    Xtr, Xte, ytr, yte = train_test_split(X, y, np.random.default_rng(0))
    assert len(Xte) == 3 and len(Xtr) == 7  # ceil(0.25 * 10)
    np.testing.assert_array_equal(np.sort(np.concatenate([ytr, yte])), y)
    np.testing.assert_array_equal(Xtr[:, 0], 2 * ytr)  # rows stay aligned
    np.testing.assert_array_equal(Xte[:, 0], 2 * yte)
    again = train_test_split(X, y, np.random.default_rng(0))
    np.testing.assert_array_equal(again[3], yte)
    assert len(train_test_split(X, y, np.random.default_rng(0), test_size=4)[1]) == 4
    with pytest.raises(ValueError, match="test_size"):
        train_test_split(X, y, np.random.default_rng(0), test_size=1.5)
    with pytest.raises(ValueError, match="test_size"):
        train_test_split(X, y, np.random.default_rng(0), test_size=10)
    with pytest.raises(ValueError, match=r"len\(X\) != len\(y\)"):
        train_test_split(X, y[:-1], np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        train_test_split(X, y, 0)


@pytest.mark.parametrize(("n", "batch_size"), [(10, 3), (12, 4), (5, 10), (1, 1)])
def test_minibatches_cover_each_index_once_per_epoch(n, batch_size):
    rng = np.random.default_rng(0)
    for _ in range(3):
        batches = minibatches(n, batch_size, rng)
        allidx = np.concatenate(batches)
        np.testing.assert_array_equal(np.sort(allidx), np.arange(n))
        sizes = [len(b) for b in batches]
        assert len(batches) == -(-n // batch_size)
        assert all(s == batch_size for s in sizes[:-1]) and 1 <= sizes[-1] <= batch_size


def test_minibatches_order():
    assert [b.tolist() for b in minibatches(7, 3, shuffle=False)] == [[0, 1, 2], [3, 4, 5], [6]]
    a = minibatches(20, 6, np.random.default_rng(3))
    b = minibatches(20, 6, np.random.default_rng(3))
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
    assert not np.array_equal(np.concatenate(a), np.arange(20))
    rng = np.random.default_rng(3)
    first, second = minibatches(20, 6, rng), minibatches(20, 6, rng)
    assert not np.array_equal(np.concatenate(first), np.concatenate(second))


def test_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        minibatches(10, 0, rng)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        minibatches(10, 2)
    with pytest.raises(TypeError, match="n must be an integer"):
        make_linear(2.5, 2, rng)
    with pytest.raises(ValueError, match="noise must be"):
        make_linear(5, 2, rng, noise=-1.0)
    with pytest.raises(ValueError, match=r"w must have shape \(2,\)"):
        make_linear(5, 2, rng, w=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="bias must be"):
        make_linear(5, 2, rng, bias=np.nan)
    with pytest.raises(ValueError, match="scale must be"):
        make_logistic(5, 2, rng, scale=0.0)
    with pytest.raises(ValueError, match="n_classes must be >= 2"):
        make_spirals(5, rng, n_classes=1)
    with pytest.raises(TypeError, match="rng"):
        make_moons(10, rng=42)
