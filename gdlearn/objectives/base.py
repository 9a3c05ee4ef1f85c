"""The :class:`Objective` base class: a function with its gradient, Hessian and known minima."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Objective"]


class Objective:
    r"""A smooth test function :math:`f:\mathbb{R}^d \to \mathbb{R}` with exact derivatives.

    A subclass sets the attributes below and writes three small methods:

    * ``_value(x)`` for ``x`` of shape ``(dim, *grid)``, returning an array of shape ``grid``
      (write it with ``x[0], x[1], ...`` and element-wise numpy so that it vectorizes),
    * ``_grad(x)`` and ``_hess(x)`` for one point ``x`` of shape ``(dim,)``.

    The public methods check the shape of the point and call them.  Points are not required
    to be finite: after a divergent step the value is ``inf`` or ``nan`` (without a floating-point
    warning), which the training loop reports as divergence.

    Attributes
    ----------
    name : str
        Display name, e.g. ``"Rosenbrock"``.
    dim : int
        Number of variables :math:`d`.
    minima : list of numpy.ndarray
        Known global minimizers (for Himmelblau all four minima, which share the value 0).
    min_value : float
        The global minimum value :math:`\min_x f(x)`.
    xlim, ylim : tuple of float or None
        A plotting window showing the interesting region (2-D objectives only).
    """

    name: str = "objective"
    dim: int = 2
    minima: list[np.ndarray]
    min_value: float = 0.0
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None

    # -- public API -----------------------------------------------------------------------
    def value(self, x: Any) -> float | np.ndarray:
        """Function value at one point, or at every point of a grid.

        Parameters
        ----------
        x : array_like
            Shape ``(dim,)`` for one point, or ``(dim, *grid)`` for many points: for a contour
            plot pass ``np.stack([X, Y])`` where ``X, Y = np.meshgrid(...)``.

        Returns
        -------
        float or numpy.ndarray
            A float for one point; an array of shape ``grid`` otherwise.
        """
        x = self._as_points(x, grid=True)
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.asarray(self._value(x), dtype=float)
        return float(out) if x.ndim == 1 else out

    def grad(self, x: Any) -> np.ndarray:
        """Gradient at one point ``x`` of shape ``(dim,)``; returns shape ``(dim,)``."""
        x = self._as_points(x, grid=False)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(self._grad(x), dtype=float).reshape(self.dim)

    def hess(self, x: Any) -> np.ndarray:
        """Hessian at one point ``x`` of shape ``(dim,)``; returns shape ``(dim, dim)``."""
        x = self._as_points(x, grid=False)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(self._hess(x), dtype=float).reshape(self.dim, self.dim)

    def __call__(self, x: Any) -> float | np.ndarray:
        """Same as :meth:`value`."""
        return self.value(x)

    def distance_to_minimum(self, x: Any) -> float:
        """Euclidean distance from ``x`` (shape ``(dim,)``) to the nearest known minimizer."""
        x = self._as_points(x, grid=False)
        if not self.minima:
            raise ValueError(f"{self.name} has no known minimizer")
        return float(min(np.linalg.norm(x - m) for m in self.minima))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dim={self.dim})"

    # -- to be written by subclasses --------------------------------------------------------
    def _value(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _grad(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _hess(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    # -- helpers ----------------------------------------------------------------------------
    def _as_points(self, x: Any, grid: bool) -> np.ndarray:
        try:
            arr = np.asarray(x, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"x must be a numeric array: {exc}") from None
        if grid:
            if arr.ndim == 0 or arr.shape[0] != self.dim:
                raise ValueError(
                    f"x must have shape ({self.dim},) or ({self.dim}, *grid) for {self.name}, "
                    f"got {arr.shape}"
                )
        elif arr.shape != (self.dim,):
            raise ValueError(f"x must have shape ({self.dim},) for {self.name}, got {arr.shape}")
        return arr
