"""What the training loop needs from an objective and from an optimizer, as declared protocols.

:func:`gdlearn.loop.minimize` takes any object that satisfies :class:`ObjectiveLike` (or a tuple
``(f, grad)`` / ``(f, grad, hess)`` of callables) and any :class:`OptimizerLike`; every class of
:mod:`gdlearn.optim` is one (subclass :class:`gdlearn.optim.Optimizer` to write your own).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from gdlearn._tree import Params

__all__ = ["ObjectiveLike", "HasValueAndGrad", "HasHessian", "OptimizerLike", "HasEvalParams"]


@runtime_checkable
class ObjectiveLike(Protocol):
    """A differentiable function: ``value(x)`` is a scalar, ``grad(x)`` has the structure of ``x``."""

    def value(self, x: Params) -> float: ...

    def grad(self, x: Params) -> Params: ...


@runtime_checkable
class HasValueAndGrad(Protocol):
    """An objective that computes value and gradient in one pass (the loop then calls only this)."""

    def value_and_grad(self, x: Params) -> tuple[float, Params]: ...


@runtime_checkable
class HasHessian(Protocol):
    """An objective with its Hessian, for second-order optimizers (``needs_hessian``)."""

    def hess(self, x: Params) -> Any: ...


@runtime_checkable
class OptimizerLike(Protocol):
    """One update rule with its state.

    ``step(x, g)`` returns the new point; ``step(x, g, H)`` when ``needs_hessian`` and
    ``step(x, g, f)`` when ``needs_value``; ``last_lr`` is the rate the last step used.
    """

    needs_hessian: bool
    needs_value: bool
    last_lr: float | None

    def step(self, params: Params, grad: Params, *extra: Any) -> Params: ...

    def reset(self) -> None: ...

    def current_lr(self) -> float: ...


@runtime_checkable
class HasEvalParams(Protocol):
    """An optimizer whose point to evaluate is not the point it steps from.

    ``eval_params(params)`` returns the point to evaluate given the current iterate: the
    averaged :math:`x` of :class:`~gdlearn.optim.ScheduleFreeSGD` and
    :class:`~gdlearn.optim.ScheduleFreeAdamW` (whose iterates are the gradient points
    :math:`y`), or the average kept by :class:`~gdlearn.optim.PolyakAveraging` and
    :class:`~gdlearn.optim.EMA`.  :func:`gdlearn.loop.minimize` and :func:`gdlearn.loop.fit`
    report ``Result.x`` and ``Result.fun`` there.
    """

    def eval_params(self, params: Params) -> Params: ...
