r"""Functions with several minima: Himmelblau, Rastrigin (any dimension) and the six-hump camel.

References
----------
D. M. Himmelblau, *Applied Nonlinear Programming*, McGraw-Hill, 1972.

L. A. Rastrigin, *Systems of Extremal Control*, Nauka, Moscow, 1974.

L. C. W. Dixon and G. P. Szegö, "The global optimisation problem: an introduction",
in *Towards Global Optimisation 2*, North-Holland, 1978.
"""

from __future__ import annotations

import numpy as np

from gdlearn._validate import check_int, check_positive
from gdlearn.objectives.base import Objective

__all__ = ["Himmelblau", "Rastrigin", "SixHumpCamel"]


class Himmelblau(Objective):
    r"""Himmelblau's function: four global minima of value 0.

    .. math::

        f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2.

    ``minima`` holds all four: :math:`(3, 2)` exactly, and :math:`(-2.805118, 3.131313)`,
    :math:`(-3.779310, -3.283186)`, :math:`(3.584428, -1.848127)` to double precision
    (refined by Newton's method on :math:`\nabla f = 0`).  Which one gradient descent reaches
    depends on the starting point.
    """

    def __init__(self) -> None:
        self.dim = 2
        self.minima = [
            np.array([3.0, 2.0]),
            np.array([-2.805118086952745, 3.131312518250573]),
            np.array([-3.779310253377747, -3.2831859912861696]),
            np.array([3.5844283403304917, -1.8481265269644034]),
        ]
        self.min_value = 0.0
        self.name = "Himmelblau"
        self.xlim, self.ylim = (-5.0, 5.0), (-5.0, 5.0)

    def __repr__(self) -> str:
        return "Himmelblau()"

    def _value(self, x: np.ndarray) -> np.ndarray:
        return (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2

    def _grad(self, x: np.ndarray) -> np.ndarray:
        u, v = x
        p, q = u**2 + v - 11, u + v**2 - 7
        return np.array([4 * u * p + 2 * q, 2 * p + 4 * v * q])

    def _hess(self, x: np.ndarray) -> np.ndarray:
        u, v = x
        off = 4 * u + 4 * v
        return np.array([[12 * u**2 + 4 * v - 42, off], [off, 4 * u + 12 * v**2 - 26]])


class Rastrigin(Objective):
    r"""Rastrigin's function: a bowl covered with a regular grid of local minima.

    .. math::

        f(x) = A n + \sum_{i=1}^{n} \big[ x_i^2 - A \cos(2\pi x_i) \big],

    with the global minimum :math:`f(0) = 0`; a local minimum sits near every integer point.

    Parameters
    ----------
    n : int, default 2
        Number of variables, at least 1.
    A : float, default 10.0
        Amplitude of the ripples (> 0).
    """

    def __init__(self, n: int = 2, A: float = 10.0) -> None:
        self.dim = check_int("n", n, minimum=1)
        self.A = check_positive("A", A)
        self.minima = [np.zeros(self.dim)]
        self.min_value = 0.0
        self.name = "Rastrigin"
        if self.dim == 2:
            self.xlim, self.ylim = (-5.12, 5.12), (-5.12, 5.12)

    def __repr__(self) -> str:
        return f"Rastrigin(n={self.dim}, A={self.A})"

    def _value(self, x: np.ndarray) -> np.ndarray:
        return self.A * self.dim + np.sum(x**2 - self.A * np.cos(2 * np.pi * x), axis=0)

    def _grad(self, x: np.ndarray) -> np.ndarray:
        return 2 * x + 2 * np.pi * self.A * np.sin(2 * np.pi * x)

    def _hess(self, x: np.ndarray) -> np.ndarray:
        return np.diag(2 + 4 * np.pi**2 * self.A * np.cos(2 * np.pi * x))


class SixHumpCamel(Objective):
    r"""The six-hump camel function: six local minima, two of them global.

    .. math::

        f(x, y) = \Big(4 - 2.1 x^2 + \frac{x^4}{3}\Big) x^2 + x y + (-4 + 4 y^2)\, y^2,

    with global minima :math:`\pm(0.0898420, -0.7126564)` and value :math:`-1.0316285`
    (both refined by Newton's method to double precision).
    """

    def __init__(self) -> None:
        self.dim = 2
        m = np.array([0.08984201310031807, -0.7126564030207396])
        self.minima = [m, -m]
        self.min_value = -1.0316284534898774
        self.name = "Six-hump camel"
        self.xlim, self.ylim = (-2.0, 2.0), (-1.1, 1.1)

    def __repr__(self) -> str:
        return "SixHumpCamel()"

    def _value(self, x: np.ndarray) -> np.ndarray:
        u, v = x[0], x[1]
        return (4 - 2.1 * u**2 + u**4 / 3) * u**2 + u * v + (-4 + 4 * v**2) * v**2

    def _grad(self, x: np.ndarray) -> np.ndarray:
        u, v = x
        return np.array([8 * u - 8.4 * u**3 + 2 * u**5 + v, u - 8 * v + 16 * v**3])

    def _hess(self, x: np.ndarray) -> np.ndarray:
        u, v = x
        return np.array([[8 - 25.2 * u**2 + 10 * u**4, 1.0], [1.0, -8 + 48 * v**2]])
