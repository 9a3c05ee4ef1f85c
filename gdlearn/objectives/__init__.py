"""Test functions for optimizers: value, exact gradient and Hessian, and known minima.

Every objective is an :class:`Objective`: ``f.value(x)`` (vectorized over grids),
``f.grad(x)``, ``f.hess(x)``, ``f.minima``, ``f.min_value`` and, for 2-D ones, a plotting
window ``f.xlim``, ``f.ylim``.

Examples
--------
>>> f = Rosenbrock()
>>> f.value([1.0, 1.0])
0.0
>>> f.grad([1.0, 1.0]).tolist()
[0.0, 0.0]
"""

from gdlearn.objectives.base import Objective
from gdlearn.objectives.multimodal import Himmelblau, Rastrigin, SixHumpCamel
from gdlearn.objectives.quadratic import Quadratic
from gdlearn.objectives.valleys import Beale, Booth, Rosenbrock

__all__ = [
    "Objective",
    "Quadratic",
    "Rosenbrock",
    "Himmelblau",
    "Beale",
    "Booth",
    "Rastrigin",
    "SixHumpCamel",
]
