"""Pieces shared by :func:`gdlearn.loop.minimize` and :func:`gdlearn.loop.fit`: the boundary
checks (done once per run), divergence checks, clipping and the progress line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gdlearn._tree import Params, as_tree, check_same_structure
from gdlearn.clip import clip_grad_norm, clip_grad_value
from gdlearn.gradcheck import _scalar
from gdlearn.protocols import HasHessian, HasValueAndGrad, ObjectiveLike, OptimizerLike

__all__ = ["BLOWUP", "RISE", "Divergence", "check_optimizer", "clip_grad", "optional",
           "print_progress", "resolve_objective"]

#: a loss this many times ``max(1, |f_0|)`` counts as divergence at once
BLOWUP = 1e12
#: a loss more than this many times ``max(1, |f_0|)`` above the start that sets a new high counts too
RISE = 1e3

ValueAndGrad = Callable[[Params], tuple[float, Params]]


def optional(check: Callable[[str, Any], float], name: str, value: Any) -> float | None:
    return None if value is None else check(name, value)


def clip_grad(g: Params, clip_value: float | None, clip_norm: float | None) -> Params:
    """Clip entry by entry to [-clip_value, clip_value], then rescale the whole tree to norm <= clip_norm."""
    if clip_value is not None:
        g = clip_grad_value(g, clip_value)
    if clip_norm is not None:
        g = clip_grad_norm(g, clip_norm)
    return g


def check_optimizer(optimizer: Any) -> OptimizerLike:
    """The optimizer boundary: an instance that satisfies :class:`OptimizerLike`."""
    if isinstance(optimizer, type):
        raise TypeError(
            f"optimizer must be an instance, e.g. {optimizer.__name__}(lr=0.1), "
            f"not the class {optimizer.__name__}"
        )
    if not isinstance(optimizer, OptimizerLike):
        raise TypeError(
            f"optimizer must have step(), reset(), current_lr(), needs_hessian, needs_value and last_lr "
            f"(subclass gdlearn.optim.Optimizer); got {type(optimizer).__name__}"
        )
    return optimizer


def print_progress(k: int, total: int, loss: float, gnorm: float, unit: str = "step") -> None:
    print(f"{unit} {k:>{len(str(total))}}/{total}  loss {loss:.4e}  |g| {gnorm:.3e}")


def resolve_objective(objective: Any, optimizer: OptimizerLike, x0: Params
                      ) -> tuple[ValueAndGrad, Callable[[Params], float], Callable | None, float, Params]:
    """Check the objective once, at ``x0``, and return fast callables for the loop.

    Returns ``(value_and_grad, value, hess, f0, g0)``: the loss and gradient at ``x0`` are
    computed here, where a value that is not a scalar, or a gradient whose structure differs
    from ``x0``, gets a clear error.
    """
    if isinstance(objective, tuple):
        if len(objective) not in (2, 3) or not all(callable(fn) for fn in objective):
            raise TypeError("objective as a tuple must be (f, grad) or (f, grad, hess) of callables")
        value, grad = objective[0], objective[1]
        hess = objective[2] if len(objective) == 3 else None
        value_and_grad = None
    elif isinstance(objective, ObjectiveLike):
        value, grad = objective.value, objective.grad
        hess = objective.hess if isinstance(objective, HasHessian) else None
        value_and_grad = objective.value_and_grad if isinstance(objective, HasValueAndGrad) else None
    else:
        raise TypeError("objective must have value(x) and grad(x) methods, or be a tuple (f, grad)")
    if optimizer.needs_hessian and not callable(hess):
        raise TypeError(f"{type(optimizer).__name__} needs the Hessian but the objective has no hess(x)")

    raw = value_and_grad(x0) if value_and_grad is not None else (value(x0), grad(x0))
    if isinstance(raw[0], (float, np.floating)) and np.ndim(raw[0]) == 0:
        to_float = float
    else:  # e.g. an array of shape (1,): accepted, converted at every call
        try:
            _scalar(raw[0])
        except (TypeError, ValueError):
            raise ValueError(
                f"the objective's value must be a scalar, got {type(raw[0]).__name__} of shape "
                f"{np.shape(raw[0])} at x0"
            ) from None
        to_float = _scalar
    g0 = as_tree("grad(x0)", raw[1])
    check_same_structure(x0, g0)
    f0 = to_float(raw[0])

    if value_and_grad is not None:
        def both(x: Params) -> tuple[float, Params]:
            f, g = value_and_grad(x)
            return to_float(f), g
    else:
        def both(x: Params) -> tuple[float, Params]:
            return to_float(value(x)), grad(x)

    def value_only(x: Params) -> float:
        return to_float(value(x))

    return both, value_only, hess, f0, g0


class Divergence:
    """The divergence checks of one run, each with its name and the message it gives.

    A run diverges when (1) the parameters, (2) the loss or the gradient become non-finite
    (``"non-finite"``), (3) the loss exceeds ``BLOWUP * max(1, |f_0|)`` (``"blow-up"``), or (4) the
    loss has risen more than ``rise * max(1, |f_0|)`` above its start and is still setting new
    highs (``"rising-loss"``; ``rise=None`` switches this check off).
    """

    NAMES = ("non-finite", "blow-up", "rising-loss")

    def __init__(self, f0: float, rise: float | None = RISE) -> None:
        self.f0 = f0
        self.scale = max(1.0, abs(f0)) if np.isfinite(f0) else 1.0
        self.highest = f0
        self.rise = rise

    def check(self, f: float, gn: float, k: int, lr: float | None) -> tuple[str, str] | None:
        """``(name, message)`` when the loss ``f`` / gradient norm ``gn`` after update ``k`` means
        divergence, else None."""
        advice = (f"; try a smaller learning rate (this step used lr={lr:.3g}), or check the "
                  f"gradient with gdlearn.check_grad" if lr else "")
        if not np.isfinite(f) or not np.isfinite(gn):
            what = "loss" if not np.isfinite(f) else "gradient"
            return "non-finite", f"the {what} became non-finite at step {k} (non-finite check){advice}"
        if f > BLOWUP * self.scale:
            return "blow-up", (f"the loss {f:.3g} at step {k} exceeds {BLOWUP:.0e} times its starting "
                               f"scale {self.scale:.3g} (blow-up check){advice}")
        rising = (self.rise is not None and f > self.highest
                  and f - self.f0 > self.rise * self.scale)
        self.highest = max(self.highest, f)
        if rising:
            return "rising-loss", (
                f"the loss rose from {self.f0:.3g} to {f:.3g} by step {k}, more than {self.rise:g} "
                f"times its starting scale, and is still climbing (rising-loss check){advice}")
        return None
