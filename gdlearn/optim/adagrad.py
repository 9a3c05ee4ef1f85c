"""AdaGrad: a per-coordinate step size from the running sum of squared gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._validate import check_nonnegative, check_positive
from gdlearn.optim.base import LearningRate, Optimizer

__all__ = ["AdaGrad"]


class AdaGrad(Optimizer):
    r"""AdaGrad (Duchi, Hazan and Singer, 2011), exactly as ``torch.optim.Adagrad``.

    With learning rate :math:`\gamma`, learning-rate decay :math:`\eta`, weight decay
    :math:`\lambda`, initial accumulator :math:`s_0` and :math:`\epsilon`, update
    :math:`t = 1, 2, \dots` with gradient :math:`g_t = \nabla f(\theta_{t-1})` is

    .. math::

        \begin{aligned}
        \tilde\gamma_t &= \frac{\gamma}{1 + (t - 1)\,\eta}, \\
        g_t &\leftarrow g_t + \lambda\,\theta_{t-1}, \\
        s_t &= s_{t-1} + g_t^2, \\
        \theta_t &= \theta_{t-1} - \tilde\gamma_t\, \frac{g_t}{\sqrt{s_t} + \epsilon},
        \end{aligned}

    all operations element-wise.  A coordinate that has seen large gradients gets a small
    step; the effective step of every coordinate only shrinks, which suits sparse, convex
    problems and stalls long non-convex runs.

    Parameters
    ----------
    lr : float or callable, default 1e-2
        Learning rate :math:`\gamma` (> 0), or a schedule ``lr(t)``.
    lr_decay : float, default 0.0
        Learning-rate decay :math:`\eta \ge 0`.
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0`, added to the gradient.
    initial_accumulator_value : float, default 0.0
        Starting value :math:`s_0 \ge 0` of the sum of squares.
    eps : float, default 1e-10
        :math:`\epsilon > 0`, added to :math:`\sqrt{s_t}`.

    Attributes
    ----------
    state : dict
        ``"sum"``: the accumulated squares :math:`s_t`.

    Notes
    -----
    Same names, defaults and rule as ``torch.optim.Adagrad``.  With a schedule, the
    schedule's value replaces :math:`\gamma` before the ``lr_decay`` division.

    References
    ----------
    - Duchi, J., Hazan, E. and Singer, Y. (2011). Adaptive subgradient methods for online
      learning and stochastic optimization. *Journal of Machine Learning Research* 12,
      2121-2159.
    """

    def __init__(
        self,
        lr: LearningRate = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        self.lr_decay = check_nonnegative("lr_decay", lr_decay)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.initial_accumulator_value = check_nonnegative(
            "initial_accumulator_value", initial_accumulator_value
        )
        self.eps = check_positive("eps", eps)
        self.state_names = ("sum",)
        self._build_groups()

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {"sum": np.full_like(x, self.initial_accumulator_value)}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        clr = lr / (1.0 + self.t * self.lr_decay)          # self.t = t - 1 updates done so far
        if self.weight_decay:
            g = g + self.weight_decay * x
        s = state["sum"]
        s += g * g                                          # s_t = s_{t-1} + g_t^2
        return x - clr * g / (np.sqrt(s) + self.eps)
