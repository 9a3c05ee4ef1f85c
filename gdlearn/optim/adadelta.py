"""AdaDelta: a step whose units match the parameters', from two running averages."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._validate import check_beta, check_nonnegative, check_positive
from gdlearn.optim.base import LearningRate, Optimizer

__all__ = ["AdaDelta"]


class AdaDelta(Optimizer):
    r"""AdaDelta (Zeiler, 2012), exactly as ``torch.optim.Adadelta``.

    With learning rate :math:`\gamma`, decay :math:`\rho`, weight decay :math:`\lambda` and
    :math:`\epsilon`, update :math:`t = 1, 2, \dots` with gradient
    :math:`g_t = \nabla f(\theta_{t-1})` is (element-wise, :math:`v_0 = u_0 = 0`)

    .. math::

        \begin{aligned}
        g_t &\leftarrow g_t + \lambda\,\theta_{t-1}, \\
        v_t &= \rho\, v_{t-1} + (1 - \rho)\, g_t^2, \\
        \Delta x_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\; g_t, \\
        u_t &= \rho\, u_{t-1} + (1 - \rho)\, \Delta x_t^2, \\
        \theta_t &= \theta_{t-1} - \gamma\, \Delta x_t .
        \end{aligned}

    The ratio of the two root mean squares gives the step the units of the parameters, so
    Zeiler's original method has no learning rate (:math:`\gamma = 1`, the default).  Since
    :math:`u_0 = 0`, the first step has size about :math:`\sqrt{\epsilon / (1 - \rho)}` in
    every coordinate whose gradient is not tiny (0.003 with the defaults): AdaDelta starts
    slowly and speeds up as :math:`u_t` grows.

    Parameters
    ----------
    lr : float or callable, default 1.0
        Learning rate :math:`\gamma` (> 0) scaling the step, or a schedule ``lr(t)``.
    rho : float, default 0.9
        Decay :math:`\rho \in [0, 1)` of both running averages.
    eps : float, default 1e-6
        :math:`\epsilon > 0`, added inside both square roots.
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0`, added to the gradient.

    Attributes
    ----------
    state : dict
        ``"square_avg"`` (:math:`v_t`) and ``"acc_delta"`` (:math:`u_t`).

    Notes
    -----
    Same names, defaults and rule as ``torch.optim.Adadelta``; PyTorch also accepts
    :math:`\rho = 1`, which freezes both averages, so here :math:`\rho < 1`.

    References
    ----------
    - Zeiler, M. D. (2012). ADADELTA: an adaptive learning rate method. arXiv:1212.5701.
    """

    def __init__(
        self,
        lr: LearningRate = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        self.rho = check_beta("rho", rho)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.state_names = ("square_avg", "acc_delta")
        self._build_groups()

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {"square_avg": np.zeros_like(x), "acc_delta": np.zeros_like(x)}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        rho, eps = self.rho, self.eps
        if self.weight_decay:
            g = g + self.weight_decay * x
        v, u = state["square_avg"], state["acc_delta"]
        v *= rho                                            # v_t = rho v_{t-1} + (1 - rho) g^2
        v += (1.0 - rho) * g * g
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u *= rho                                            # u_t = rho u_{t-1} + (1 - rho) delta^2
        u += (1.0 - rho) * delta * delta
        return x - lr * delta
