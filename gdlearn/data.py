"""Seeded synthetic data sets and the small helpers every training script needs.

Every function that draws random numbers takes ``rng``, a :class:`numpy.random.Generator`
(``np.random.default_rng(seed)``): the same seed gives the same data on any machine.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from gdlearn._data_loss import check_X, check_y
from gdlearn._validate import check_finite_array, check_int, check_nonnegative, check_positive, check_rng
from gdlearn.functional import sigmoid

__all__ = [
    "make_linear",
    "make_logistic",
    "make_moons",
    "make_spirals",
    "add_bias",
    "standardize",
    "train_test_split",
    "minibatches",
]




def make_linear(n: int, d: int, rng: np.random.Generator, noise: float = 0.1, w: Any = None,
                bias: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Regression data :math:`y = Xw + b + \varepsilon`.

    Parameters
    ----------
    n, d : int
        Number of samples and of features.
    rng : numpy.random.Generator
        Source of random numbers.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise :math:`\varepsilon`.
    w : array_like, optional
        True weights, shape ``(d,)``; drawn from :math:`N(0, I)` when omitted.
    bias : float, default 0.0
        The intercept :math:`b` (not part of ``w_true``).

    Returns
    -------
    X : numpy.ndarray, shape (n, d)
        Standard normal inputs.
    y : numpy.ndarray, shape (n,)
        Targets.
    w_true : numpy.ndarray, shape (d,)
        The weights used.
    """
    n, d, rng = check_int("n", n, 1), check_int("d", d, 1), check_rng(rng)
    noise = check_nonnegative("noise", noise)
    if isinstance(bias, bool) or not isinstance(bias, numbers.Real) or not np.isfinite(bias):
        raise ValueError(f"bias must be a finite real number, got {bias!r}")
    w_true = rng.normal(size=d) if w is None else check_finite_array("w", w).copy()
    if w_true.shape != (d,):
        raise ValueError(f"w must have shape ({d},), got {w_true.shape}")
    X = rng.normal(size=(n, d))
    y = X @ w_true + float(bias) + noise * rng.normal(size=n)
    return X, y, w_true


def make_logistic(n: int, d: int, rng: np.random.Generator,
                  scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Binary labels drawn from a logistic model: :math:`y_i \sim \mathrm{Bernoulli}(\sigma(x_i^\top w))`.

    Parameters
    ----------
    n, d : int
        Number of samples and of features.
    rng : numpy.random.Generator
        Source of random numbers.
    scale : float, default 1.0
        The norm of ``w_true`` (its direction is uniformly random).  As :math:`x \sim N(0, I)`,
        the logits :math:`x^\top w` have standard deviation exactly ``scale``: a larger scale
        gives cleaner (more separable) classes.

    Returns
    -------
    X : numpy.ndarray, shape (n, d)
        Standard normal inputs.
    y : numpy.ndarray, shape (n,)
        Labels 0/1 (integers).
    w_true : numpy.ndarray, shape (d,)
        The weights used.
    """
    n, d, rng = check_int("n", n, 1), check_int("d", d, 1), check_rng(rng)
    scale = check_positive("scale", scale)
    direction = rng.normal(size=d)
    w_true = scale * direction / np.linalg.norm(direction)
    X = rng.normal(size=(n, d))
    z = X @ w_true
    y = (rng.random(n) < sigmoid(z)).astype(int)
    return X, y, w_true


def make_moons(n: int, rng: np.random.Generator, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles in the plane (class 0 on top, class 1 below), shuffled.

    Class 0 lies on the upper unit half circle, class 1 on a lower half circle centred at
    ``(1, 0.5)``; each point gets Gaussian noise of standard deviation ``noise``.

    Parameters
    ----------
    n : int
        Total number of points (at least 2; class 0 gets ``ceil(n/2)``).
    rng : numpy.random.Generator
        Source of random numbers.
    noise : float, default 0.1
        Noise standard deviation.

    Returns
    -------
    X : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray, shape (n,)
        Integer labels 0/1.
    """
    n, rng = check_int("n", n, 2), check_rng(rng)
    noise = check_nonnegative("noise", noise)
    n0 = (n + 1) // 2
    t0, t1 = np.linspace(0.0, np.pi, n0), np.linspace(0.0, np.pi, n - n0)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + noise * rng.normal(size=(n, 2))
    y = np.concatenate([np.zeros(n0, dtype=int), np.ones(n - n0, dtype=int)])
    order = rng.permutation(n)
    return X[order], y[order]


def make_spirals(n_per_class: int, rng: np.random.Generator, n_classes: int = 2,
                 noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    r"""Interleaved spiral arms, one per class: a classic data set that a linear model cannot fit.

    Point :math:`j` of class :math:`k` has radius :math:`r_j` spaced evenly in :math:`[0.05, 1]`
    and angle :math:`2\pi k/K + 4 r_j + \text{noise}\cdot\varepsilon`, so each arm makes
    about two thirds of a turn.

    Parameters
    ----------
    n_per_class : int
        Points per class.
    rng : numpy.random.Generator
        Source of random numbers.
    n_classes : int, default 2
        Number of arms :math:`K`.
    noise : float, default 0.1
        Standard deviation of the angular noise (radians).

    Returns
    -------
    X : numpy.ndarray, shape (n_per_class * n_classes, 2)
    y : numpy.ndarray, shape (n_per_class * n_classes,)
        Integer labels, in class order.
    """
    m, rng = check_int("n_per_class", n_per_class, 1), check_rng(rng)
    k_total = check_int("n_classes", n_classes, 2)
    noise = check_nonnegative("noise", noise)
    r = np.linspace(0.05, 1.0, m)
    xs, ys = [], []
    for k in range(k_total):
        theta = 2 * np.pi * k / k_total + 4.0 * r + noise * rng.normal(size=m)
        xs.append(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
        ys.append(np.full(m, k, dtype=int))
    return np.vstack(xs), np.concatenate(ys)


def add_bias(X: Any) -> np.ndarray:
    """Prepend a column of ones to ``X`` (shape ``(n, d)`` becomes ``(n, d + 1)``).

    Examples
    --------
    >>> add_bias(np.array([[2.0], [3.0]])).tolist()
    [[1.0, 2.0], [1.0, 3.0]]
    """
    X = check_X(X)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def standardize(X: Any, mean: Any = None, std: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shift and scale every column to mean 0 and standard deviation 1.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Data.
    mean, std : array_like, optional
        Statistics to use, e.g. those of the training set when standardizing a test set; by
        default they are computed from ``X`` (population standard deviation, ``ddof=0``).
        A zero standard deviation (a constant column) is replaced by 1.

    Returns
    -------
    Xs : numpy.ndarray
        ``(X - mean) / std``.
    mean, std : numpy.ndarray, shape (d,)
        The statistics used.
    """
    X = check_X(X)
    d = X.shape[1]
    mean = X.mean(axis=0) if mean is None else check_finite_array("mean", mean)
    std = X.std(axis=0) if std is None else check_finite_array("std", std)
    for name, arr in (("mean", mean), ("std", std)):
        if arr.shape != (d,):
            raise ValueError(f"{name} must have shape ({d},), got {arr.shape}")
    if np.any(std < 0):
        raise ValueError("std must be >= 0")
    std = np.where(std > 0, std, 1.0)
    return (X - mean) / std, mean, std


def train_test_split(X: Any, y: Any, rng: np.random.Generator,
                     test_size: float | int = 0.25) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split into training and test sets.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Inputs.
    y : array_like, shape (n,) or (n, k)
        Targets.
    rng : numpy.random.Generator
        Source of the random permutation.
    test_size : float or int, default 0.25
        A fraction in (0, 1) (the test set gets ``ceil(test_size * n)`` rows) or a number of rows;
        both sets must end up non-empty.

    Returns
    -------
    X_train, X_test, y_train, y_test : numpy.ndarray
    """
    X = check_X(X)
    y = check_y(y, X.shape[0], ndim=(1, 2))
    rng, n = check_rng(rng), X.shape[0]
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, numbers.Real) and not isinstance(test_size, bool) and 0 < test_size < 1:
        n_test = int(np.ceil(test_size * n))
    else:
        raise ValueError(f"test_size must be a fraction in (0, 1) or a number of rows, got {test_size!r}")
    if not 1 <= n_test <= n - 1:
        raise ValueError(f"test_size={test_size!r} leaves an empty training or test set for n={n}")
    order = rng.permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def minibatches(n: int, batch_size: int, rng: np.random.Generator | None = None,
                shuffle: bool = True) -> list[np.ndarray]:
    """Index arrays of one epoch: every index in ``range(n)`` appears in exactly one batch.

    Parameters
    ----------
    n : int
        Number of samples.
    batch_size : int
        Rows per batch; the last batch holds the ``n % batch_size`` left over, if any.
    rng : numpy.random.Generator, optional
        Source of the permutation; required when ``shuffle`` is True.
    shuffle : bool, default True
        Draw a fresh random order (call once per epoch); otherwise ``0, 1, ..., n - 1``.

    Returns
    -------
    list of numpy.ndarray

    Examples
    --------
    >>> [b.tolist() for b in minibatches(5, 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    n, batch_size = check_int("n", n, 1), check_int("batch_size", batch_size, 1)
    order = check_rng(rng).permutation(n) if shuffle else np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
