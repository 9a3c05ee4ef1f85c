r"""Backtracking line search with the Armijo (sufficient decrease) condition.

Starting from a trial step :math:`\alpha_0`, the step is multiplied by :math:`\rho \in (0, 1)` until

.. math::

    f(x + \alpha d) \le f(x) + c\, \alpha\, \nabla f(x)^\top d,

where :math:`d` is a descent direction (:math:`\nabla f(x)^\top d < 0`; by default :math:`d = -\nabla f(x)`)
and :math:`c \in (0, 1)` is small (:math:`10^{-4}` is the usual choice).  For a smooth :math:`f` such a step
always exists, so the loop ends (Nocedal and Wright, *Numerical Optimization*, 2nd ed., 2006, Algorithm 3.1;
L. Armijo, "Minimization of functions having Lipschitz continuous first partial derivatives",
Pacific Journal of Mathematics 16(1), 1966).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdlearn._validate import check_finite_array, check_int, check_positive

__all__ = ["LineSearch", "backtracking"]


@dataclass
class LineSearch:
    """Outcome of :func:`backtracking`.

    Attributes
    ----------
    alpha : float
        The accepted step (the last one tried when ``success`` is False; 0 at a stationary point).
    x_new : numpy.ndarray
        ``x + alpha * direction``.
    f_new : float
        ``f(x_new)``.
    n_evals : int
        Number of calls of ``f`` made by the search (including ``f(x)`` when ``fx`` was not given).
    success : bool
        Whether the Armijo condition holds at ``alpha``.
    """

    alpha: float
    x_new: np.ndarray
    f_new: float
    n_evals: int
    success: bool


def _check_open_unit(name: str, value: float) -> float:
    value = check_positive(name, value)
    if value >= 1.0:
        raise ValueError(f"{name} must lie in (0, 1), got {value}")
    return value


def backtracking(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    g: np.ndarray,
    direction: np.ndarray | None = None,
    alpha0: float = 1.0,
    rho: float = 0.5,
    c: float = 1e-4,
    max_iter: int = 50,
    fx: float | None = None,
) -> LineSearch:
    r"""Find a step satisfying the Armijo condition by repeated shrinking.

    Tries :math:`\alpha = \alpha_0, \rho\alpha_0, \rho^2\alpha_0, \dots` and accepts the first with
    :math:`f(x + \alpha d) \le f(x) + c\,\alpha\, g^\top d`.  A trial point where ``f`` is not finite
    counts as a failure of the condition.

    Parameters
    ----------
    f : callable
        The function, ``f(x) -> float``.
    x : numpy.ndarray
        Current point.
    g : numpy.ndarray
        Gradient of ``f`` at ``x``.
    direction : numpy.ndarray, optional
        Search direction :math:`d`; defaults to :math:`-g`.  Must satisfy :math:`g^\top d < 0`.
    alpha0 : float, default 1.0
        First trial step.
    rho : float, default 0.5
        Shrink factor in (0, 1).
    c : float, default 1e-4
        Sufficient-decrease constant in (0, 1).
    max_iter : int, default 50
        Maximum number of trial steps.
    fx : float, optional
        ``f(x)`` if already known (saves one evaluation).

    Returns
    -------
    LineSearch
        With ``success=False`` when no trial step passed in ``max_iter`` tries.  When ``direction`` is
        not given and ``g`` is exactly zero, ``x`` is stationary: ``alpha=0`` and ``x_new`` is ``x``.

    Raises
    ------
    ValueError
        If ``direction`` is not a descent direction, or on bad arguments.

    Examples
    --------
    >>> f = lambda x: float(x @ x)
    >>> x = np.array([1.0, 2.0])
    >>> ls = backtracking(f, x, 2 * x)
    >>> ls.alpha, ls.x_new.tolist(), ls.n_evals
    (0.5, [0.0, 0.0], 3)
    """
    if isinstance(x, dict):
        raise TypeError("backtracking works on one array; flatten dict parameters first")
    x = check_finite_array("x", x)
    g = check_finite_array("g", g)
    if g.shape != x.shape:
        raise ValueError(f"g has shape {g.shape} but x has shape {x.shape}")
    alpha0 = check_positive("alpha0", alpha0)
    rho = _check_open_unit("rho", rho)
    c = _check_open_unit("c", c)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    n_evals = 0
    if fx is None:
        fx = float(f(x))
        n_evals += 1
    fx = float(fx)
    if not np.isfinite(fx):
        raise ValueError(f"f(x) must be finite, got {fx}")

    if direction is None:
        if not np.any(g):
            return LineSearch(0.0, x.copy(), fx, n_evals, True)
        d = -g
    else:
        d = check_finite_array("direction", direction)
        if d.shape != x.shape:
            raise ValueError(f"direction has shape {d.shape} but x has shape {x.shape}")
    slope = float(np.sum(g * d))
    if not slope < 0:
        raise ValueError(f"direction is not a descent direction: g.d = {slope:.3g} must be < 0")

    alpha = alpha0
    with np.errstate(all="ignore"):  # a long trial step may overflow; it is then rejected
        for _ in range(max_iter):
            x_new = x + alpha * d
            f_new = float(f(x_new))
            n_evals += 1
            if np.isfinite(f_new) and f_new <= fx + c * alpha * slope:
                return LineSearch(alpha, x_new, f_new, n_evals, True)
            last = (alpha, x_new, f_new)
            alpha *= rho
    return LineSearch(last[0], last[1], last[2], n_evals, False)


def __getattr__(name: str) -> object:
    # ArmijoGD is an optimizer and lives in gdlearn.optim; this keeps the old import path working
    if name == "ArmijoGD":
        from gdlearn.optim.armijo import ArmijoGD

        return ArmijoGD
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
