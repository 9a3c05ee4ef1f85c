"""Weight averaging around any optimizer: Polyak-Ruppert (a uniform average of the iterates) and
an exponential moving average (EMA).

The wrapped optimizer's steps are unchanged: ``step`` returns exactly what the optimizer alone
would return, and the average is kept beside it.  ``eval_params(params)`` returns the average,
the point to evaluate; :func:`gdlearn.loop.minimize` and :func:`gdlearn.loop.fit` call it, so
their ``Result.x`` and ``Result.fun`` are at the average.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import numpy as np

from gdlearn._tree import Params, tree_copy
from gdlearn._validate import check_beta, check_bool, check_int

__all__ = ["PolyakAveraging", "EMA"]


def _as_like(value: Any, like: Params) -> Params:
    """``value`` with the structure and dtypes of ``like`` (a copy)."""
    if isinstance(like, dict):
        return {k: np.array(value[k], dtype=like[k].dtype, copy=True) for k in like}
    return np.array(value, dtype=np.asarray(like).dtype, copy=True)


class _Averaging:
    """The wrappers' plumbing: delegation to the optimizer, reset, save and resume (they
    satisfy :class:`gdlearn.protocols.OptimizerLike` without subclassing Optimizer)."""

    def __init__(self, optimizer: Any) -> None:
        if isinstance(optimizer, type):
            raise TypeError(f"optimizer must be an instance, e.g. {optimizer.__name__}(lr=0.1), "
                            f"not the class {optimizer.__name__}")
        if not callable(getattr(optimizer, "step", None)) or not callable(getattr(optimizer, "reset", None)):
            raise TypeError(f"optimizer must be an optimizer instance with step() and reset(), "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.reset()

    # the loop reads these from the wrapped optimizer
    @property
    def needs_hessian(self) -> bool:
        return bool(getattr(self.optimizer, "needs_hessian", False))

    @property
    def needs_value(self) -> bool:
        return bool(getattr(self.optimizer, "needs_value", False))

    @property
    def last_lr(self) -> float | None:
        return self.optimizer.last_lr

    def current_lr(self) -> float:
        """The learning rate of the wrapped optimizer's next update."""
        return self.optimizer.current_lr()

    def reset(self) -> None:
        """Reset the wrapped optimizer and forget the average."""
        self.optimizer.reset()
        self.t = 0
        self.n_averaged = 0
        self.average: Params | None = None

    def step(self, params: Params, grad: Params, *extra: Any) -> Params:
        """One step of the wrapped optimizer (its result is returned unchanged), then the average."""
        new = self.optimizer.step(params, grad, *extra)
        if self.t == 0:
            self._first(_as_like(params, new))
        self.t += 1
        self._observe(new)
        return new

    def eval_params(self, params: Params) -> Params:
        """The averaged parameters (a copy), or ``params`` while nothing has been averaged yet."""
        if self.average is None:
            return params
        return tree_copy(self._reported())

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        """The wrapped optimizer's state, the average and its count, as plain data."""
        return {
            "optimizer": type(self).__name__,
            "hyperparameters": dict(self.hyperparameters),
            "wrapped": self.optimizer.state_dict(),
            "t": self.t,
            "n_averaged": self.n_averaged,
            "average": copy.deepcopy(self.average),
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore what :meth:`state_dict` saved (the wrapped optimizer's settings included)."""
        name = state_dict.get("optimizer")
        if name != type(self).__name__:
            raise ValueError(f"this state was saved by {name}, not by {type(self).__name__}")
        self.__init__(self.optimizer, **state_dict["hyperparameters"])  # type: ignore[misc]
        self.optimizer.load_state_dict(state_dict["wrapped"])
        self.t = int(state_dict["t"])
        self.n_averaged = int(state_dict["n_averaged"])
        self.average = copy.deepcopy(state_dict["average"])

    def __repr__(self) -> str:
        hyper = "".join(f", {k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}({self.optimizer!r}{hyper})"

    # -- written by the subclasses ----------------------------------------------------
    def _first(self, params0: Params) -> None:
        """Called with the starting point at the first step."""

    def _observe(self, params: Params) -> None:
        raise NotImplementedError

    def _reported(self) -> Params:
        assert self.average is not None
        return self.average


class PolyakAveraging(_Averaging):
    r"""Polyak-Ruppert averaging: the uniform average of the iterates from step ``start`` on.

    With :math:`\theta_k` the point after :math:`k` updates of the wrapped optimizer
    (:math:`\theta_0` the starting point) and :math:`s` = ``start``, after :math:`t \ge s`
    updates

    .. math::

        \begin{aligned}
        \bar\theta_t &= \frac{1}{t - s + 1}
            \sum_{k=s}^{t} \theta_k, \\
        \bar\theta_t &= \bar\theta_{t-1}
            + \frac{\theta_t - \bar\theta_{t-1}}{t - s + 1},
        \end{aligned}

    the second line being how it is computed.  Before step :math:`s`, ``eval_params``
    returns the current iterate.

    Parameters
    ----------
    optimizer : Optimizer
        Any optimizer instance; its steps are unchanged.
    start : int, default 1
        The first iterate :math:`s \ge 0` in the average (0 includes the starting point).

    Attributes
    ----------
    average : array or dict or None
        :math:`\bar\theta_t` (None before step :math:`s`).
    n_averaged : int
        Number of iterates in the average, :math:`t - s + 1`.

    Notes
    -----
    With ``start = s`` this is ``torch.optim.swa_utils.AveragedModel(model)`` (its default
    running mean) with ``update_parameters(model)`` called after every optimizer step from
    step :math:`s` on.  Averaging the iterates of SGD with a slowly decreasing rate gives
    the optimal asymptotic variance (Polyak and Juditsky, 1992; Ruppert, 1988).

    References
    ----------
    - Polyak, B. T. and Juditsky, A. B. (1992). Acceleration of stochastic approximation by
      averaging. *SIAM Journal on Control and Optimization* 30(4), 838-855.
    - Ruppert, D. (1988). Efficient estimations from a slowly convergent Robbins-Monro
      process. Technical report 781, Cornell University.
    - Izmailov, P. et al. (2018). Averaging weights leads to wider optima and better
      generalization. *UAI*.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlearn.optim import SGD, PolyakAveraging
    >>> opt = PolyakAveraging(SGD(lr=0.5), start=0)
    >>> x = np.array([4.0])
    >>> for _ in range(3):
    ...     x = opt.step(x, x)          # iterates 4, 2, 1, 0.5
    >>> print(x, opt.eval_params(x))    # the last iterate and the mean of all four
    [0.5] [1.875]
    """

    def __init__(self, optimizer: Any, start: int = 1) -> None:
        self.start = check_int("start", start)
        super().__init__(optimizer)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return {"start": self.start}

    def _first(self, params0: Params) -> None:
        if self.start == 0:
            self._include(params0)

    def _observe(self, params: Params) -> None:
        if self.t >= self.start:
            self._include(params)

    def _include(self, params: Params) -> None:
        self.n_averaged += 1
        if self.average is None:
            self.average = tree_copy(params)
            return
        n = self.n_averaged
        if isinstance(params, dict):
            for k, avg in self.average.items():  # type: ignore[union-attr]
                avg += (params[k] - avg) / n
        else:
            self.average += (params - self.average) / n  # type: ignore[operator]


class EMA(_Averaging):
    r"""An exponential moving average of the iterates, with or without bias correction.

    With decay :math:`\rho` and :math:`\theta_k` the point after :math:`k` updates of the
    wrapped optimizer, the average after :math:`t \ge 1` updates is, with bias correction
    (the default, as ``optax.ema(decay, debias=True)``),

    .. math::

        \begin{aligned}
        m_t &= \rho\, m_{t-1} + (1 - \rho)\, \theta_t,
        \quad m_0 = 0, \\
        \bar\theta_t &= m_t / (1 - \rho^{\,t}),
        \end{aligned}

    and without it (``bias_correction=False``, as ``torch.optim.swa_utils.AveragedModel``
    with ``get_ema_multi_avg_fn(decay)``, updated after every step)

    .. math::

        \bar\theta_1 = \theta_1, \qquad
        \bar\theta_t = \bar\theta_{t-1}
            + (1 - \rho)(\theta_t - \bar\theta_{t-1}) .

    The first form gives :math:`\theta_k` the weight :math:`(1 - \rho)\rho^{t-k}/(1 - \rho^t)`;
    the second gives it :math:`(1 - \rho)\rho^{t-k}` for :math:`k \ge 2` and
    :math:`\rho^{t-1}` for :math:`k = 1`.  In both the weights sum to 1 and the average
    covers about the last :math:`1/(1 - \rho)` iterates; the two agree once
    :math:`\rho^t` is negligible.  (optax's ``debias=False``, an average that starts from
    zero, is not offered: it is biased towards the origin.)

    Parameters
    ----------
    optimizer : Optimizer
        Any optimizer instance; its steps are unchanged.
    decay : float, default 0.999
        :math:`\rho \in [0, 1)`.
    bias_correction : bool, default True
        Divide by :math:`1 - \rho^t` (optax) or start at the first iterate (torch).

    Attributes
    ----------
    average : array or dict or None
        :math:`m_t` (with bias correction: ``eval_params`` divides it by :math:`1 - \rho^t`)
        or :math:`\bar\theta_t`.

    References
    ----------
    - Polyak, B. T. and Juditsky, A. B. (1992). Acceleration of stochastic approximation by
      averaging. *SIAM Journal on Control and Optimization* 30(4), 838-855.
    - Kingma, D. P. and Ba, J. (2015). Adam: a method for stochastic optimization. *ICLR*
      (Section 7.2, temporal averaging with bias correction).
    """

    def __init__(self, optimizer: Any, decay: float = 0.999, bias_correction: bool = True) -> None:
        self.decay = check_beta("decay", decay)
        self.bias_correction = check_bool("bias_correction", bias_correction)
        super().__init__(optimizer)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return {"decay": self.decay, "bias_correction": self.bias_correction}

    def _observe(self, params: Params) -> None:
        rho = self.decay
        self.n_averaged += 1
        if self.average is None:
            if self.bias_correction:            # m_1 = (1 - rho) theta_1
                self.average = (
                    {k: (1.0 - rho) * v for k, v in params.items()} if isinstance(params, dict)
                    else (1.0 - rho) * params)
            else:                               # torch: the first iterate itself
                self.average = tree_copy(params)
            return
        pairs = (self.average.items() if isinstance(params, dict)   # type: ignore[union-attr]
                 else [(None, self.average)])
        for k, avg in pairs:
            p = params if k is None else params[k]
            if self.bias_correction:
                avg *= rho
                avg += (1.0 - rho) * p          # m_t = rho m_{t-1} + (1 - rho) theta_t
            else:
                avg += (1.0 - rho) * (p - avg)  # lerp towards theta_t by 1 - rho

    def _reported(self) -> Params:
        assert self.average is not None
        if not self.bias_correction:
            return self.average
        scale = 1.0 - self.decay ** self.n_averaged
        if isinstance(self.average, dict):
            return {k: v / scale for k, v in self.average.items()}
        return self.average / scale

