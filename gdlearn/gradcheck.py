r"""Check a gradient against centred finite differences.

The centred difference

.. math::

    \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

has truncation error :math:`O(h^2)` and rounding error about :math:`\epsilon |f| / h`
(:math:`\epsilon \approx 2.2\times 10^{-16}`); with the default :math:`h = 10^{-6}` both are
around :math:`10^{-10}` for well-scaled functions, so a correct gradient agrees to about
:math:`10^{-9}` relative error and a wrong one (a sign error, a missing factor) is off by
order one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdlearn._tree import Params, as_params, check_same_structure, flatten, unflatten
from gdlearn._validate import check_nonnegative, check_positive

__all__ = ["numerical_grad", "check_grad", "GradCheck"]


def numerical_grad(f: Callable[[Params], float], x: Params, h: float = 1e-6) -> Params:
    """Centred-difference gradient of a scalar function.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; receives a fresh copy of the point each time.
    x : numpy.ndarray or dict of numpy.ndarray
        The point (finite).
    h : float, default 1e-6
        The step: coordinate ``i`` is estimated from ``f(x + h e_i)`` and ``f(x - h e_i)``.

    Returns
    -------
    numpy.ndarray or dict of numpy.ndarray
        Same structure and shapes as ``x``.

    Examples
    --------
    >>> g = numerical_grad(lambda v: float(np.sum(v**2)), np.array([1.0, -2.0]))
    >>> np.round(g, 6).tolist()
    [2.0, -4.0]
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    h = check_positive("h", h)
    x = as_params("x", x)
    flat = flatten(x)
    out = np.empty_like(flat)
    for i in range(flat.size):
        plus, minus = flat.copy(), flat.copy()
        plus[i] += h
        minus[i] -= h
        f_plus, f_minus = _scalar(f(unflatten(plus, x))), _scalar(f(unflatten(minus, x)))
        out[i] = (f_plus - f_minus) / (2.0 * h)
    return unflatten(out, x)


def _scalar(value: Any) -> float:
    arr = np.asarray(value, dtype=float)
    if arr.size != 1:
        raise ValueError(f"f must return a scalar, got an array of shape {arr.shape}")
    return float(arr.reshape(()))


def _index_label(i: int, shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(int(j)) for j in np.unravel_index(i, shape)) + "]" if shape else ""


def _coordinate_names(x: Params) -> list[str]:
    if isinstance(x, dict):
        return [f"{k}{_index_label(i, np.shape(leaf))}"
                for k, leaf in x.items() for i in range(np.size(leaf))]
    return [_index_label(i, np.shape(x)) or "[]" for i in range(np.size(x))]


@dataclass
class GradCheck:
    r"""Result of :func:`check_grad`.

    With :math:`a` the analytic and :math:`n` the numerical gradient, both flattened:

    * ``rel_error`` :math:`= \|a - n\|_2 / \max(\|a\|_2 + \|n\|_2, 10^{-12})`, between 0 and 1;
    * ``abs_error`` :math:`= \max_i |a_i - n_i|`;
    * ``per_coordinate`` :math:`= |a_i - n_i| / \max(|a_i| + |n_i|, 10^{-12})` for every coordinate;
    * ``worst``: the 5 coordinates with the largest :math:`|a_i - n_i|`, as tuples
      ``(flat index, a_i, n_i, per-coordinate relative error)``;
    * ``passed``: ``rel_error < tol`` or ``abs_error < atol`` (the second clause accepts a
      gradient that is zero up to rounding, where a relative error means nothing).
    """

    rel_error: float
    abs_error: float
    analytic: np.ndarray
    numerical: np.ndarray
    per_coordinate: np.ndarray
    worst: list[tuple[int, float, float, float]]
    passed: bool
    tol: float
    atol: float
    h: float
    names: list[str] = field(default_factory=list, repr=False)

    def report(self) -> str:
        """A readable multi-line summary with the worst coordinates."""
        verdict = "PASSED" if self.passed else "FAILED"
        labels = [self.names[i] if self.names else str(i) for i, *_ in self.worst]
        width = max([12] + [len(s) + 2 for s in labels])
        lines = [
            f"gradient check {verdict}: relative error {self.rel_error:.3e} (tol {self.tol:.0e}), "
            f"max abs error {self.abs_error:.3e}, {self.analytic.size} coordinates, h={self.h:.0e}",
            f"  {'coordinate':<{width}}{'analytic':>14}{'numerical':>14}{'rel. error':>12}",
        ]
        for name, (_, a, n, r) in zip(labels, self.worst, strict=True):
            lines.append(f"  {name:<{width}}{a:>14.6e}{n:>14.6e}{r:>12.2e}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()


def check_grad(f: Callable[[Params], float], grad: Callable[[Params], Params] | Params, x: Params,
               h: float = 1e-6, tol: float = 1e-7, atol: float = 1e-8) -> GradCheck:
    """Compare an analytic gradient with centred differences at ``x``.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    grad : callable or array or dict of arrays
        ``grad(x)`` returning the analytic gradient (same structure as ``x``), or that
        gradient already computed.
    x : numpy.ndarray or dict of numpy.ndarray
        The point.
    h : float, default 1e-6
        Finite-difference step.
    tol : float, default 1e-7
        Pass when the relative error is below ``tol`` ... (centred differences of a correct
        gradient in float64 reach about 1e-9 to 1e-11; 1e-7 to 1e-4 already means "look closer",
        the reading of the book's gradient-checking chapter)
    atol : float, default 1e-8
        ... or the largest absolute difference is below ``atol``.

    Returns
    -------
    GradCheck
        See :class:`GradCheck` for the exact definitions of the errors.

    Examples
    --------
    >>> f = lambda v: float(v[0] ** 2 * v[1])
    >>> good = lambda v: np.array([2 * v[0] * v[1], v[0] ** 2])
    >>> bad = lambda v: np.array([-2 * v[0] * v[1], v[0] ** 2])
    >>> x = np.array([1.5, -0.5])
    >>> check_grad(f, good, x).passed, check_grad(f, bad, x).passed
    (True, False)
    """
    tol, atol = check_positive("tol", tol), check_nonnegative("atol", atol)
    x = as_params("x", x)
    analytic_tree = grad(unflatten(flatten(x), x)) if callable(grad) else grad
    if isinstance(analytic_tree, dict):
        analytic_tree = {k: np.asarray(v, dtype=float) for k, v in analytic_tree.items()}
    else:
        analytic_tree = np.asarray(analytic_tree, dtype=float)
    check_same_structure(x, analytic_tree)
    if isinstance(x, dict):
        analytic_tree = {k: analytic_tree[k] for k in x}
    a = flatten(analytic_tree)
    n = flatten(numerical_grad(f, x, h))
    diff = np.abs(a - n)
    rel = float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-12))
    per = diff / np.maximum(np.abs(a) + np.abs(n), 1e-12)
    order = np.argsort(-diff, kind="stable")[:5]
    worst = [(int(i), float(a[i]), float(n[i]), float(per[i])) for i in order]
    abs_err = float(diff.max()) if diff.size else 0.0
    passed = bool(np.all(np.isfinite(a)) and (rel < tol or abs_err < atol))
    return GradCheck(rel_error=rel, abs_error=abs_err, analytic=a, numerical=n, per_coordinate=per,
                     worst=worst, passed=passed, tol=tol, atol=atol, h=float(h),
                     names=_coordinate_names(x))
