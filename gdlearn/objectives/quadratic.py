r"""The quadratic bowl :math:`f(x) = \tfrac12 (x - c)^\top A (x - c)` with chosen eigenvalues."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from gdlearn._validate import check_finite_array, check_int, check_rng
from gdlearn.objectives.base import Objective

__all__ = ["Quadratic"]


def _rotation_matrix(rotation: Any, dim: int) -> np.ndarray:
    if rotation is None:
        return np.eye(dim)
    if isinstance(rotation, numbers.Real) and not isinstance(rotation, bool):
        if dim != 2:
            raise ValueError(f"rotation given as an angle needs 2 eigenvalues, got {dim}")
        angle = float(rotation)
        if not np.isfinite(angle):
            raise ValueError(f"rotation angle must be finite, got {angle}")
        c, s = np.cos(angle), np.sin(angle)
        return np.array([[c, -s], [s, c]])
    q = check_finite_array("rotation", rotation)
    if q.shape != (dim, dim):
        raise ValueError(f"rotation must be an angle or a ({dim}, {dim}) matrix, got shape {q.shape}")
    if not np.allclose(q.T @ q, np.eye(dim), atol=1e-8):
        raise ValueError("rotation must be an orthogonal matrix (Q^T Q = I)")
    return q


class Quadratic(Objective):
    r"""Quadratic bowl with prescribed eigenvalues, orientation and centre.

    .. math::

        \begin{aligned}
        f(x) &= \tfrac12 (x - c)^\top A (x - c), \\
        A &= Q \operatorname{diag}(\lambda) Q^\top, \\
        \nabla f(x) &= A (x - c), \qquad \nabla^2 f(x) = A.
        \end{aligned}

    For positive eigenvalues the minimizer is :math:`c` with value 0; gradient descent with step
    :math:`1/L` contracts the error by :math:`1 - 1/\kappa` per step, where
    :math:`L = \lambda_{\max}`, :math:`\mu = \lambda_{\min}` and :math:`\kappa = L/\mu`.
    Negative eigenvalues are allowed (a saddle): then ``minima`` is empty and ``min_value`` is
    :math:`-\infty`.

    Parameters
    ----------
    eigenvalues : array_like
        The eigenvalues :math:`\lambda_1, \dots, \lambda_d` (finite); their number is ``dim``.
    rotation : None, float or array_like, optional
        ``None`` keeps the axes (:math:`Q = I`); a number is an angle in radians (2-D only);
        a ``(dim, dim)`` orthogonal matrix is used as :math:`Q` directly.
    center : array_like, optional
        The centre :math:`c` (default: the origin).

    Attributes
    ----------
    A : numpy.ndarray
        The symmetric matrix :math:`A`.
    eigenvalues : numpy.ndarray
        :math:`\lambda` as given.
    L, mu, kappa : float
        Largest and smallest eigenvalue and their ratio (``inf`` when ``mu <= 0``).
    center : numpy.ndarray
        The centre :math:`c`.

    Examples
    --------
    >>> f = Quadratic([1.0, 10.0], rotation=np.pi / 4)
    >>> f.kappa
    10.0
    >>> f.value([0.0, 0.0])
    0.0
    """

    def __init__(self, eigenvalues: Any, rotation: Any = None, center: Any = None) -> None:
        lam = check_finite_array("eigenvalues", eigenvalues)
        if lam.ndim != 1 or lam.size == 0:
            raise ValueError(f"eigenvalues must be a non-empty 1-D array, got shape {lam.shape}")
        self.dim = lam.size
        self.eigenvalues = lam.copy()
        self.Q = _rotation_matrix(rotation, self.dim)
        a = (self.Q * lam) @ self.Q.T
        self.A = 0.5 * (a + a.T)
        if center is None:
            self.center = np.zeros(self.dim)
        else:
            self.center = check_finite_array("center", center)
            if self.center.shape != (self.dim,):
                raise ValueError(f"center must have shape ({self.dim},), got {self.center.shape}")
        self.L = float(lam.max())
        self.mu = float(lam.min())
        self.kappa = self.L / self.mu if self.mu > 0 else float("inf")
        if self.mu >= 0:
            self.minima = [self.center.copy()]
            self.min_value = 0.0
        else:
            self.minima = []
            self.min_value = float("-inf")
        self.name = "Quadratic"
        if self.dim == 2:
            self.xlim = (self.center[0] - 2.0, self.center[0] + 2.0)
            self.ylim = (self.center[1] - 2.0, self.center[1] + 2.0)

    @classmethod
    def with_condition(cls, kappa: float, dim: int = 2, rng: np.random.Generator | None = None) -> Quadratic:
        r"""A bowl centred at the origin with condition number ``kappa``.

        The eigenvalues are spaced geometrically from :math:`\mu = 1` to :math:`L = \kappa`.

        Parameters
        ----------
        kappa : float
            Condition number, at least 1.
        dim : int, default 2
            Number of variables, at least 2.
        rng : numpy.random.Generator, optional
            If given, the eigenvectors are a random (Haar-distributed) orthogonal matrix;
            otherwise they are the coordinate axes.

        Returns
        -------
        Quadratic
        """
        if isinstance(kappa, bool) or not isinstance(kappa, numbers.Real):
            raise TypeError(f"kappa must be a real number, got {type(kappa).__name__}")
        if not np.isfinite(kappa) or kappa < 1:
            raise ValueError(f"kappa must be a finite number >= 1, got {kappa}")
        dim = check_int("dim", dim, minimum=2)
        lam = np.geomspace(1.0, float(kappa), dim)
        lam[-1] = float(kappa)
        rotation = None
        if rng is not None:
            check_rng(rng)
            q, r = np.linalg.qr(rng.normal(size=(dim, dim)))
            rotation = q * np.where(np.diag(r) < 0, -1.0, 1.0)
        return cls(lam, rotation=rotation)

    def __repr__(self) -> str:
        return f"Quadratic(eigenvalues={np.round(self.eigenvalues, 6).tolist()})"

    def _value(self, x: np.ndarray) -> np.ndarray:
        d = x - self.center.reshape((self.dim,) + (1,) * (x.ndim - 1))
        return 0.5 * np.sum(d * np.tensordot(self.A, d, axes=(1, 0)), axis=0)

    def _grad(self, x: np.ndarray) -> np.ndarray:
        return self.A @ (x - self.center)

    def _hess(self, x: np.ndarray) -> np.ndarray:
        return self.A.copy()
