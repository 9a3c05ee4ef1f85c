r"""Data-bound losses with exact gradients: linear, logistic and softmax regression.

Every model holds its data ``X`` (shape ``(n_samples, n_features)``) and targets ``y`` and
offers ``value(w, idx=None)`` and ``grad(w, idx=None)``.  ``idx``, an integer index array,
restricts the mean to a minibatch of rows; the L2 term :math:`\tfrac{\lambda}{2}\|w\|^2` is
always added whole, so the minibatch gradient is an unbiased estimate of the full one when
``idx`` is drawn uniformly.  There is no implicit intercept: add a column of ones with
:func:`gdlearn.data.add_bias`.

The cross-entropy losses are computed from the logits with stable formulas, so a logit of
1000 gives a finite loss of about 1000 instead of ``inf`` or ``nan``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._data_loss import DataLoss, check_labels, check_y
from gdlearn.functional import logsumexp, sigmoid, softmax  # re-exported: older imports work

__all__ = [
    "sigmoid",
    "softmax",
    "logsumexp",
    "LinearRegression",
    "LogisticRegression",
    "SoftmaxRegression",
]


class LinearRegression(DataLoss):
    r"""Least squares with an optional L2 (ridge) penalty.

    .. math::

        \begin{aligned}
        J(w) &= \frac{1}{2n}\|Xw - y\|^2 + \frac{\lambda}{2}\|w\|^2, \\
        \nabla J(w) &= \frac{1}{n} X^\top (Xw - y) + \lambda w, \\
        \nabla^2 J &= \frac{1}{n} X^\top X + \lambda I.
        \end{aligned}

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
        Inputs (finite, non-empty).
    y : array_like, shape (n_samples,)
        Targets.
    l2 : float, default 0.0
        Penalty weight :math:`\lambda \ge 0`.
    """

    def __init__(self, X: Any, y: Any, l2: float = 0.0) -> None:
        super().__init__(X, y, l2)

    def value(self, w: Any, idx: Any = None) -> float:
        """Loss :math:`J(w)` on all rows, or on the rows ``idx``."""
        w = self._check_w(w, (self.n_features,))
        X, y = self._rows(idx)
        with np.errstate(over="ignore", invalid="ignore"):
            r = X @ w - y
            return float(0.5 * np.mean(r**2) + 0.5 * self.l2 * (w @ w))

    def grad(self, w: Any, idx: Any = None) -> np.ndarray:
        """Gradient :math:`\\nabla J(w)`, shape ``(n_features,)``."""
        w = self._check_w(w, (self.n_features,))
        X, y = self._rows(idx)
        with np.errstate(over="ignore", invalid="ignore"):
            return X.T @ (X @ w - y) / X.shape[0] + self.l2 * w

    def hess(self, w: Any = None, idx: Any = None) -> np.ndarray:
        """Hessian :math:`X^\\top X / n + \\lambda I` (independent of ``w``)."""
        X, _ = self._rows(idx)
        return X.T @ X / X.shape[0] + self.l2 * np.eye(self.n_features)

    def solve(self) -> np.ndarray:
        """The exact minimizer: ``numpy.linalg.lstsq`` (minimum-norm) when ``l2 == 0``, else the
        regularized normal equations :math:`(X^\\top X/n + \\lambda I) w = X^\\top y / n`."""
        if self.l2 == 0:
            return np.linalg.lstsq(self.X, self.y, rcond=None)[0]
        return np.linalg.solve(self.hess(), self.X.T @ self.y / self.n_samples)

    def predict(self, w: Any, X: Any = None) -> np.ndarray:
        """Predictions :math:`Xw` (on the training inputs when ``X`` is None)."""
        return self._predict_X(X) @ self._check_w(w, (self.n_features,))


class LogisticRegression(DataLoss):
    r"""Binary logistic regression (cross-entropy from the logits :math:`z = Xw`).

    .. math::

        \begin{aligned}
        J(w) &= \frac{1}{n}\sum_i \big[\log(1 + e^{z_i}) - y_i z_i\big] \\
        &\quad + \frac{\lambda}{2}\|w\|^2, \\
        \nabla J(w) &= \frac{1}{n} X^\top(\sigma(z) - y) + \lambda w,
        \end{aligned}

    .. math::

        \begin{aligned}
        \nabla^2 J(w) = {}&\frac{1}{n} X^\top \operatorname{diag}\big(\sigma(z)(1-\sigma(z))\big) X \\
        &+ \lambda I.
        \end{aligned}

    :math:`\log(1 + e^{z})` is evaluated as ``np.logaddexp(0, z)``, finite for any finite ``z``.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
        Inputs.
    y : array_like, shape (n_samples,)
        Labels in {0, 1}.
    l2 : float, default 0.0
        Penalty weight :math:`\lambda \ge 0`.
    """

    def __init__(self, X: Any, y: Any, l2: float = 0.0) -> None:
        super().__init__(X, y, l2)
        if not np.all((self.y == 0) | (self.y == 1)):
            raise ValueError("y must hold labels 0 and 1 only")

    def value(self, w: Any, idx: Any = None) -> float:
        """Mean cross-entropy plus the L2 term."""
        w = self._check_w(w, (self.n_features,))
        X, y = self._rows(idx)
        with np.errstate(over="ignore", invalid="ignore"):
            z = X @ w
            return float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * self.l2 * (w @ w))

    def grad(self, w: Any, idx: Any = None) -> np.ndarray:
        """Gradient, shape ``(n_features,)``."""
        w = self._check_w(w, (self.n_features,))
        X, y = self._rows(idx)
        with np.errstate(over="ignore", invalid="ignore"):
            return X.T @ (sigmoid(X @ w) - y) / X.shape[0] + self.l2 * w

    def hess(self, w: Any, idx: Any = None) -> np.ndarray:
        """Hessian, shape ``(n_features, n_features)``."""
        w = self._check_w(w, (self.n_features,))
        X, _ = self._rows(idx)
        s = sigmoid(X @ w)
        return (X * (s * (1.0 - s))[:, None]).T @ X / X.shape[0] + self.l2 * np.eye(self.n_features)

    def predict_proba(self, w: Any, X: Any = None) -> np.ndarray:
        """:math:`P(y = 1 \\mid x) = \\sigma(x^\\top w)` for every row."""
        return sigmoid(self._predict_X(X) @ self._check_w(w, (self.n_features,)))

    def predict(self, w: Any, X: Any = None) -> np.ndarray:
        """Labels 0/1 (probability at least 0.5 gives 1)."""
        return (self.predict_proba(w, X) >= 0.5).astype(int)

    def score(self, w: Any, X: Any = None, y: Any = None) -> float:
        """Accuracy on ``(X, y)`` (default: the training data)."""
        y = self.y if y is None else check_y(y, self._predict_X(X).shape[0])
        return float(np.mean(self.predict(w, X) == y))


class SoftmaxRegression(DataLoss):
    r"""Multinomial logistic regression with weights ``W`` of shape ``(n_features, n_classes)``.

    .. math::

        \begin{aligned}
        J(W) &= \frac{1}{n}\sum_i \Big[\log\sum_k e^{Z_{ik}} - Z_{i y_i}\Big] \\
        &\quad + \frac{\lambda}{2}\|W\|_F^2, \\
        \nabla J(W) &= \frac{1}{n} X^\top (P - Y) + \lambda W,
        \end{aligned}

    with :math:`Z = XW`, :math:`P = \operatorname{softmax}(Z)` row by row and :math:`Y` the
    one-hot labels.  Without a penalty the loss is unchanged when the same vector is added to
    every column of ``W``, so the Hessian is singular; ``l2 > 0`` makes it positive definite.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
        Inputs.
    y : array_like, shape (n_samples,)
        Integer labels ``0 .. n_classes - 1``.
    n_classes : int, optional
        Number of classes (default ``max(y) + 1``, at least 2).
    l2 : float, default 0.0
        Penalty weight :math:`\lambda \ge 0`.
    """

    def __init__(self, X: Any, y: Any, n_classes: int | None = None, l2: float = 0.0) -> None:
        super().__init__(X, y, l2)
        self.y, self.n_classes = check_labels(self.y, n_classes)

    @property
    def shape(self) -> tuple[int, int]:
        """Shape of the weight matrix, ``(n_features, n_classes)``."""
        return (self.n_features, self.n_classes)

    def value(self, W: Any, idx: Any = None) -> float:
        """Mean cross-entropy plus the L2 term."""
        W = self._check_w(W, self.shape)
        X, y = self._rows(idx)
        with np.errstate(over="ignore", invalid="ignore"):
            Z = X @ W
            data = np.mean(logsumexp(Z, axis=1) - Z[np.arange(len(y)), y])
            return float(data + 0.5 * self.l2 * np.sum(W**2))

    def grad(self, W: Any, idx: Any = None) -> np.ndarray:
        """Gradient, shape ``(n_features, n_classes)``."""
        W = self._check_w(W, self.shape)
        X, y = self._rows(idx)
        with np.errstate(over="ignore", invalid="ignore"):
            P = softmax(X @ W, axis=1)
            P[np.arange(len(y)), y] -= 1.0
            return X.T @ P / X.shape[0] + self.l2 * W

    def hess(self, W: Any, idx: Any = None) -> np.ndarray:
        r"""Hessian with respect to ``W.ravel()`` (row-major), shape ``(d K, d K)``:

        :math:`\frac1n\sum_i x_i x_i^\top \otimes (\operatorname{diag} p_i - p_i p_i^\top) + \lambda I`.
        """
        W = self._check_w(W, self.shape)
        X, _ = self._rows(idx)
        P = softmax(X @ W, axis=1)
        S = P[:, :, None] * np.eye(self.n_classes) - P[:, :, None] * P[:, None, :]
        H = np.einsum("ni,nj,nab->iajb", X, X, S, optimize=True) / X.shape[0]
        size = self.n_features * self.n_classes
        return H.reshape(size, size) + self.l2 * np.eye(size)

    def predict_proba(self, W: Any, X: Any = None) -> np.ndarray:
        """Class probabilities, shape ``(n, n_classes)``."""
        return softmax(self._predict_X(X) @ self._check_w(W, self.shape), axis=1)

    def predict(self, W: Any, X: Any = None) -> np.ndarray:
        """The most probable class of every row."""
        return np.argmax(self._predict_X(X) @ self._check_w(W, self.shape), axis=1)

    def score(self, W: Any, X: Any = None, y: Any = None) -> float:
        """Accuracy on ``(X, y)`` (default: the training data)."""
        y = self.y if y is None else check_y(y, self._predict_X(X).shape[0])
        return float(np.mean(self.predict(W, X) == y))
