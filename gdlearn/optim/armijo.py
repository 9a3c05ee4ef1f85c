"""Gradient descent with a backtracking (Armijo) line search at every step."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gdlearn._validate import check_int, check_positive
from gdlearn.linesearch import _check_open_unit, backtracking
from gdlearn.optim.base import Optimizer

__all__ = ["ArmijoGD"]


class ArmijoGD(Optimizer):
    r"""Gradient descent with a backtracking (Armijo) line search at every step.

    .. math::

        \begin{aligned}
        x_{t+1} &= x_t - \alpha_t g_t, \qquad \alpha_t = \alpha_0 \rho^{i_t}, \\
        i_t &= \min\{i \ge 0 : f(x_t - \alpha_0\rho^i g_t) \\
        &\qquad\quad \le f(x_t) - c\,\alpha_0\rho^i \|g_t\|^2\}.
        \end{aligned}

    Because it needs function values, :meth:`step` takes ``f`` as a third argument
    (``needs_value = True``; :func:`gdlearn.loop.minimize` passes it).  When the search fails
    (no step passed in ``max_iter`` tries, e.g. at round-off level near a minimum) the point is
    kept unchanged and the step recorded as 0.

    Parameters
    ----------
    alpha0 : float, default 1.0
        First trial step of every search.
    rho : float, default 0.5
        Shrink factor in (0, 1).
    c : float, default 1e-4
        Sufficient-decrease constant in (0, 1).
    max_iter : int, default 50
        Maximum trial steps per search.

    Attributes
    ----------
    alphas : list of float
        Accepted step of every update so far.
    n_evals : int
        Total number of calls of ``f`` made by the searches (one ``f(x)`` per update included).
    last_lr : float or None
        Step taken by the last update (read by :func:`gdlearn.loop.minimize` for its history).

    References
    ----------
    L. Armijo, "Minimization of functions having Lipschitz continuous first partial derivatives",
    Pacific Journal of Mathematics 16(1), 1966.
    """

    needs_value = True

    def __init__(self, alpha0: float = 1.0, rho: float = 0.5, c: float = 1e-4, max_iter: int = 50) -> None:
        super().__init__(lr=check_positive("alpha0", alpha0))
        self.alpha0 = float(alpha0)
        self.rho = _check_open_unit("rho", rho)
        self.c = _check_open_unit("c", c)
        self.max_iter = check_int("max_iter", max_iter, minimum=1)
        self.reset()

    def reset(self) -> None:
        """Forget the step count, the recorded steps and the evaluation count."""
        super().reset()
        self.alphas: list[float] = []
        self.n_evals = 0
        self.last_lr: float | None = None

    def step(self, x: np.ndarray, g: np.ndarray, f: Callable[[np.ndarray], float]) -> np.ndarray:  # type: ignore[override]
        """Return ``x`` moved along ``-g`` by the step the line search accepts."""
        if isinstance(x, dict) or isinstance(g, dict):
            raise TypeError("ArmijoGD works on one array of parameters, not a dict")
        if not callable(f):
            raise TypeError("ArmijoGD.step needs the objective's value function f as third argument")
        ls = backtracking(f, x, g, alpha0=self.alpha0, rho=self.rho, c=self.c, max_iter=self.max_iter)
        self.n_evals += ls.n_evals
        alpha = ls.alpha if ls.success else 0.0
        new = ls.x_new if ls.success else np.array(x, dtype=float)
        self.alphas.append(alpha)
        self.t += 1
        self.last_lr = alpha
        return new
