r"""Curved and skewed valleys: Rosenbrock (any dimension), Beale and Booth.

References
----------
H. H. Rosenbrock, "An automatic method for finding the greatest or least value of a
function", The Computer Journal 3(3), 1960.

E. M. L. Beale, "On an iterative method for finding a local minimum of a function of more
than one variable", Technical Report 25, Statistical Techniques Research Group, Princeton, 1958.

M. Jamil and X.-S. Yang, "A literature survey of benchmark functions for global optimization
problems", International Journal of Mathematical Modelling and Numerical Optimisation 4(2), 2013.
"""

from __future__ import annotations

import numbers

import numpy as np

from gdlearn._validate import check_int, check_positive
from gdlearn.objectives.base import Objective

__all__ = ["Rosenbrock", "Beale", "Booth"]


class Rosenbrock(Objective):
    r"""Rosenbrock's banana valley in :math:`n \ge 2` dimensions.

    .. math::

        f(x) = \sum_{i=1}^{n-1} \Big[ b\,(x_{i+1} - x_i^2)^2 + (a - x_i)^2 \Big].

    The minimum value is 0.  For :math:`n = 2` it is attained at :math:`(a, a^2)`; for
    :math:`n > 2` at :math:`(a, \dots, a)`, which needs :math:`a^2 = a`, so there ``a`` must be
    0 or 1 (other values have no closed-form minimizer and are refused).  The valley floor
    :math:`x_{i+1} = x_i^2` is flat along the curve and steep across it (Hessian condition
    number about 2500 at the minimum for the default parameters), which makes plain gradient
    descent crawl.

    Parameters
    ----------
    n : int, default 2
        Number of variables.
    a, b : float, default 1.0 and 100.0
        Shape parameters; ``b`` > 0.
    """

    def __init__(self, n: int = 2, a: float = 1.0, b: float = 100.0) -> None:
        self.dim = check_int("n", n, minimum=2)
        if isinstance(a, bool) or not isinstance(a, numbers.Real) or not np.isfinite(a):
            raise ValueError(f"a must be a finite real number, got {a!r}")
        self.a, self.b = float(a), check_positive("b", b)
        if self.dim == 2:
            self.minima = [np.array([self.a, self.a**2])]
        elif self.a in (0.0, 1.0):
            self.minima = [np.full(self.dim, self.a)]
        else:
            raise ValueError(f"for n > 2 the minimizer is known only when a is 0 or 1, got a={self.a}")
        self.min_value = 0.0
        self.name = "Rosenbrock"
        if self.dim == 2:
            self.xlim, self.ylim = (-2.0, 2.0), (-1.0, 3.0)

    def __repr__(self) -> str:
        return f"Rosenbrock(n={self.dim}, a={self.a}, b={self.b})"

    def _value(self, x: np.ndarray) -> np.ndarray:
        head, tail = x[:-1], x[1:]
        return np.sum(self.b * (tail - head**2) ** 2 + (self.a - head) ** 2, axis=0)

    def _grad(self, x: np.ndarray) -> np.ndarray:
        head, tail = x[:-1], x[1:]
        r = tail - head**2
        g = np.zeros(self.dim)
        g[:-1] += -4.0 * self.b * head * r - 2.0 * (self.a - head)
        g[1:] += 2.0 * self.b * r
        return g

    def _hess(self, x: np.ndarray) -> np.ndarray:
        head, tail = x[:-1], x[1:]
        h = np.zeros((self.dim, self.dim))
        i = np.arange(self.dim - 1)
        h[i, i] += 12.0 * self.b * head**2 - 4.0 * self.b * tail + 2.0
        h[i + 1, i + 1] += 2.0 * self.b
        h[i, i + 1] = h[i + 1, i] = -4.0 * self.b * head
        return h


class Beale(Objective):
    r"""Beale's function: a flat plateau with sharp ridges near the corners.

    .. math::

        \begin{aligned}
        f(x, y) = {}&(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 \\
        &+ (2.625 - x + xy^3)^2,
        \end{aligned}

    with the global minimum :math:`f(3, 0.5) = 0`.
    """

    _C = (1.5, 2.25, 2.625)

    def __init__(self) -> None:
        self.dim = 2
        self.minima = [np.array([3.0, 0.5])]
        self.min_value = 0.0
        self.name = "Beale"
        self.xlim, self.ylim = (-4.5, 4.5), (-4.5, 4.5)

    def __repr__(self) -> str:
        return "Beale()"

    def _value(self, x: np.ndarray) -> np.ndarray:
        u, v = x[0], x[1]
        return sum((c - u + u * v**k) ** 2 for k, c in enumerate(self._C, start=1))

    def _grad(self, x: np.ndarray) -> np.ndarray:
        u, v = x
        g = np.zeros(2)
        for k, c in enumerate(self._C, start=1):
            r = c - u + u * v**k
            g += 2.0 * r * np.array([v**k - 1.0, k * u * v ** (k - 1)])
        return g

    def _hess(self, x: np.ndarray) -> np.ndarray:
        u, v = x
        h = np.zeros((2, 2))
        for k, c in enumerate(self._C, start=1):
            r = c - u + u * v**k
            j = np.array([v**k - 1.0, k * u * v ** (k - 1)])
            second = np.array([[0.0, k * v ** (k - 1)],
                               [k * v ** (k - 1), k * (k - 1) * u * v ** max(k - 2, 0)]])
            h += 2.0 * (np.outer(j, j) + r * second)
        return h


class Booth(Objective):
    r"""Booth's function, a convex quadratic in disguise.

    .. math::

        \begin{aligned}
        f(x, y) &= (x + 2y - 7)^2 + (2x + y - 5)^2, \\
        \nabla^2 f &= \begin{pmatrix} 10 & 8 \\ 8 & 10 \end{pmatrix},
        \end{aligned}

    with the global minimum :math:`f(1, 3) = 0` (Hessian eigenvalues 2 and 18, :math:`\kappa = 9`).
    """

    def __init__(self) -> None:
        self.dim = 2
        self.minima = [np.array([1.0, 3.0])]
        self.min_value = 0.0
        self.name = "Booth"
        self.xlim, self.ylim = (-10.0, 10.0), (-10.0, 10.0)

    def __repr__(self) -> str:
        return "Booth()"

    def _value(self, x: np.ndarray) -> np.ndarray:
        return (x[0] + 2 * x[1] - 7) ** 2 + (2 * x[0] + x[1] - 5) ** 2

    def _grad(self, x: np.ndarray) -> np.ndarray:
        u, v = x
        return np.array([10 * u + 8 * v - 34, 8 * u + 10 * v - 38], dtype=float)

    def _hess(self, x: np.ndarray) -> np.ndarray:
        return np.array([[10.0, 8.0], [8.0, 10.0]])
