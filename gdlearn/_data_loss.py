"""Shared machinery of the data-bound losses (:mod:`gdlearn.models`, :mod:`gdlearn.mlp`): input
validation and minibatch row selection."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._validate import check_finite_array, check_int, check_nonnegative

__all__ = ["DataLoss", "check_X", "check_y", "check_labels"]


def check_X(X: Any, name: str = "X") -> np.ndarray:
    """``X`` as a finite, non-empty 2-D float array, or a ``ValueError``/``TypeError`` naming it."""
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array: {exc}") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one row and one column")
    return check_finite_array(name, arr)


def check_y(y: Any, n: int, ndim: tuple[int, ...] = (1,)) -> np.ndarray:
    """``y`` as a finite float array with ``n`` rows and one of the allowed numbers of dimensions."""
    arr = check_finite_array("y", y)
    if arr.ndim not in ndim:
        raise ValueError(f"y must have {' or '.join(map(str, ndim))} dimension(s), got shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"len(X) != len(y): X has {n} rows but y has {arr.shape[0]}")
    return arr


def check_labels(y: np.ndarray, n_classes: int | None) -> tuple[np.ndarray, int]:
    """Integer class labels and the number of classes (``max(y) + 1`` by default, at least 2)."""
    if not np.all(y == np.round(y)) or np.any(y < 0):
        raise ValueError("y must hold integer class labels 0, 1, ..., n_classes - 1")
    labels = y.astype(int)
    k = int(labels.max()) + 1 if n_classes is None else check_int("n_classes", n_classes, minimum=2)
    if n_classes is not None and labels.max() >= k:
        raise ValueError(f"y holds label {labels.max()} but n_classes is {k}")
    return labels, max(k, 2)


class DataLoss:
    """Base of the data-bound losses: holds ``X``, ``y`` and ``l2``, selects minibatch rows
    (``idx``) and checks parameter shapes.  Subclasses write ``value(w, idx=None)`` and
    ``grad(w, idx=None)``."""

    def __init__(self, X: Any, y: Any, l2: float, y_ndim: tuple[int, ...] = (1,)) -> None:
        self.X = check_X(X)
        self.y = check_y(y, self.X.shape[0], y_ndim)
        self.l2 = check_nonnegative("l2", l2)

    @property
    def n_samples(self) -> int:
        """Number of rows of ``X``."""
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        """Number of columns of ``X``."""
        return self.X.shape[1]

    def _rows(self, idx: Any) -> tuple[np.ndarray, np.ndarray]:
        if idx is None:
            return self.X, self.y
        idx = np.asarray(idx)
        if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
            raise ValueError(f"idx must be a non-empty 1-D array of integer row indices, got {idx!r}")
        if idx.min() < 0 or idx.max() >= self.n_samples:
            raise ValueError(f"idx must lie in [0, {self.n_samples}), got values {idx.min()}..{idx.max()}")
        return self.X[idx], self.y[idx]

    def _predict_X(self, X: Any) -> np.ndarray:
        if X is None:
            return self.X
        X = check_X(X)
        if X.shape[1] != self.n_features:
            raise ValueError(f"X must have {self.n_features} columns, got {X.shape[1]}")
        return X

    def _check_w(self, w: Any, shape: tuple[int, ...]) -> np.ndarray:
        try:
            arr = np.asarray(w, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"w must be a numeric array: {exc}") from None
        if arr.shape != shape:
            raise ValueError(f"w must have shape {shape}, got {arr.shape}")
        return arr

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(n_samples={self.n_samples}, n_features={self.n_features}, l2={self.l2})"


