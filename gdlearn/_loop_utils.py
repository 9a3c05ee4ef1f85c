"""Pieces shared by :func:`gdlearn.loop.minimize` and :func:`gdlearn.loop.fit`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gdlearn._tree import Params, tree_map, tree_norm

__all__ = ["BLOWUP", "as_float_tree", "clip_grad", "optimizer_step", "optional", "print_progress",
           "resolve_objective"]

#: a loss this many times ``max(1, |f_0|)`` counts as divergence
BLOWUP = 1e12


def optional(check: Callable[[str, Any], float], name: str, value: Any) -> float | None:
    return None if value is None else check(name, value)


def clip_grad(g: Params, clip_value: float | None, clip_norm: float | None) -> Params:
    """Clip entry by entry to [-clip_value, clip_value], then rescale the whole tree to norm <= clip_norm."""
    if clip_value is not None:
        g = tree_map(lambda a: np.clip(a, -clip_value, clip_value), g)
    if clip_norm is not None:
        norm = tree_norm(g)
        if norm > clip_norm:
            g = tree_map(lambda a: a * (clip_norm / norm), g)
    return g


def as_float_tree(g: Any) -> Params:
    if isinstance(g, dict):
        return {k: np.asarray(v, dtype=float) for k, v in g.items()}
    return np.asarray(g, dtype=float)


def optimizer_step(optimizer: Any, x: Params, g: Params, value: Callable, hess: Callable | None
                   ) -> tuple[Params, float]:
    """One update; returns the new point and the learning rate it used.

    The rate is ``optimizer.current_lr()`` read before the step, unless the optimizer decides it
    during the step: then its ``last_lr`` attribute (line search) or the last entry of its
    ``lr_history`` list (hypergradient methods) is used.
    """
    lr = optimizer.current_lr() if hasattr(optimizer, "current_lr") else float("nan")
    if getattr(optimizer, "needs_hessian", False):
        new = optimizer.step(x, g, hess(x))
    elif getattr(optimizer, "needs_value", False):
        new = optimizer.step(x, g, value)
    else:
        new = optimizer.step(x, g)
    last = getattr(optimizer, "last_lr", None)
    history = getattr(optimizer, "lr_history", None)
    if last is None and isinstance(history, list) and history:
        last = history[-1]
    return as_float_tree(new), float(lr if last is None else last)


def print_progress(k: int, total: int, loss: float, gnorm: float, unit: str = "step") -> None:
    print(f"{unit} {k:>{len(str(total))}}/{total}  loss {loss:.4e}  |g| {gnorm:.3e}")


def resolve_objective(objective: Any, optimizer: Any) -> tuple[Callable, Callable, Callable | None]:
    if isinstance(objective, tuple):
        if len(objective) not in (2, 3) or not all(callable(fn) for fn in objective):
            raise TypeError("objective as a tuple must be (f, grad) or (f, grad, hess) of callables")
        value, grad = objective[0], objective[1]
        hess = objective[2] if len(objective) == 3 else None
    elif callable(getattr(objective, "value", None)) and callable(getattr(objective, "grad", None)):
        value, grad, hess = objective.value, objective.grad, getattr(objective, "hess", None)
    else:
        raise TypeError("objective must have value(x) and grad(x) methods, or be a tuple (f, grad)")
    if getattr(optimizer, "needs_hessian", False) and not callable(hess):
        raise TypeError(f"{type(optimizer).__name__} needs the Hessian but the objective has no hess(x)")
    return value, grad, hess
