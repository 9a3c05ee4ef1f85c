"""RMSProp: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._validate import check_beta, check_bool, check_nonnegative, check_positive
from gdlearn.optim.base import LearningRate, Optimizer

__all__ = ["RMSProp"]


class RMSProp(Optimizer):
    r"""RMSProp (Tieleman and Hinton, 2012), plain, centered or with momentum, as ``torch.optim.RMSprop``.

    With learning rate :math:`\gamma`, smoothing constant :math:`\alpha`, momentum
    :math:`\mu`, weight decay :math:`\lambda` and :math:`\epsilon`, update
    :math:`t = 1, 2, \dots` with gradient :math:`g_t = \nabla f(\theta_{t-1})` is
    (element-wise, all buffers start at 0)

    .. math::

        \begin{aligned}
        g_t &\leftarrow g_t + \lambda\,\theta_{t-1}, \\
        v_t &= \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2, \\
        \tilde v_t &= \begin{cases} v_t - \bar g_t^{\,2}, \quad
            \bar g_t = \alpha\, \bar g_{t-1} + (1 - \alpha)\, g_t & \text{(centered)}, \\
            v_t & \text{(plain)}, \end{cases} \\
        b_t &= \mu\, b_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon}, \qquad
        \theta_t = \theta_{t-1} - \gamma\, b_t .
        \end{aligned}

    With :math:`\mu = 0` the last line is simply
    :math:`\theta_t = \theta_{t-1} - \gamma\, g_t / (\sqrt{\tilde v_t} + \epsilon)`.  The
    centered variant (Graves, 2013) divides by an estimate of the gradient's standard
    deviation instead of its root mean square.

    Parameters
    ----------
    lr : float or callable, default 1e-2
        Learning rate :math:`\gamma` (> 0), or a schedule ``lr(t)``.
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha \in [0, 1)`.
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added to the square root.
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0`, added to the gradient.
    momentum : float, default 0.0
        Momentum factor :math:`\mu \ge 0`.
    centered : bool, default False
        Normalise by the centred second moment :math:`v_t - \bar g_t^2`.

    Attributes
    ----------
    state : dict
        ``"square_avg"`` (:math:`v_t`), plus ``"grad_avg"`` (:math:`\bar g_t`) when centered
        and ``"momentum_buffer"`` (:math:`b_t`) when ``momentum > 0``.

    Notes
    -----
    Same names, defaults and rule as ``torch.optim.RMSprop`` (PyTorch's ``maximize`` and
    ``foreach`` options are not offered).  PyTorch accepts any ``alpha >= 0``; here
    ``alpha`` must be below 1, since with :math:`\alpha = 1` the average never moves.
    In the centered variant :math:`v_t - \bar g_t^2` is clipped at 0 before the square root, so
    a rounding error can never produce NaN.

    References
    ----------
    - Tieleman, T. and Hinton, G. (2012). Lecture 6.5 - rmsprop: divide the gradient by a
      running average of its recent magnitude. *COURSERA: Neural Networks for Machine Learning*.
    - Graves, A. (2013). Generating sequences with recurrent neural networks.
      arXiv:1308.0850.
    """

    def __init__(
        self,
        lr: LearningRate = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        self.alpha = check_beta("alpha", alpha)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.momentum = check_nonnegative("momentum", momentum)
        self.centered = check_bool("centered", centered)
        self.state_names = (
            ("square_avg",)
            + (("grad_avg",) if self.centered else ())
            + (("momentum_buffer",) if self.momentum > 0 else ())
        )
        self._build_groups()

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {name: np.zeros_like(x) for name in self.state_names}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        a = self.alpha
        if self.weight_decay:
            g = g + self.weight_decay * x
        v = state["square_avg"]
        v *= a                                              # v_t = a v_{t-1} + (1 - a) g^2
        v += (1.0 - a) * g * g
        if self.centered:
            gbar = state["grad_avg"]
            gbar *= a                                       # gbar_t = a gbar_{t-1} + (1 - a) g
            gbar += (1.0 - a) * g
            # v_t >= gbar_t^2 in exact arithmetic; clip rounding errors below 0 before the sqrt
            denom = np.sqrt(np.maximum(v - gbar * gbar, 0.0)) + self.eps
        else:
            denom = np.sqrt(v) + self.eps
        if self.momentum > 0:
            buf = state["momentum_buffer"]
            buf *= self.momentum                            # b_t = mu b_{t-1} + g / denom
            buf += g / denom
            return x - lr * buf
        return x - lr * g / denom
