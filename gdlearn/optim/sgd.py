"""Stochastic gradient descent with optional heavy-ball or Nesterov momentum and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._validate import check_bool, check_nonnegative, check_unit_interval
from gdlearn.optim.base import LearningRate, Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Gradient descent, plain or with momentum, exactly as ``torch.optim.SGD``.

    With learning rate :math:`\gamma`, momentum :math:`\mu`, dampening :math:`\tau` and
    weight decay :math:`\lambda`, update :math:`t = 1, 2, \dots` with gradient
    :math:`g_t = \nabla f(\theta_{t-1})` is

    .. math::

        \begin{aligned}
        g_t &\leftarrow g_t + \lambda\,\theta_{t-1}, \\
        b_t &= \begin{cases} g_t & t = 1, \\
               \mu\, b_{t-1} + (1 - \tau)\, g_t & t > 1, \end{cases} \\
        d_t &= \begin{cases} g_t + \mu\, b_t & \text{(Nesterov)}, \\
               b_t & \text{(heavy ball)}, \end{cases} \\
        \theta_t &= \theta_{t-1} - \gamma\, d_t .
        \end{aligned}

    With :math:`\mu = 0` there is no buffer and :math:`d_t = g_t`: the stochastic
    approximation step of Robbins and Monro (1951).  With :math:`\tau = 0` the heavy-ball
    form is Polyak's (1964) :math:`\theta_{t} = \theta_{t-1} - \gamma g_t + \mu(\theta_{t-1}
    - \theta_{t-2})`.  The Nesterov form is the reformulation by Sutskever et al. (2013) of
    Nesterov's (1983) accelerated gradient, written (as in PyTorch) in terms of the gradient
    at the current point.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Learning rate :math:`\gamma` (> 0), or a schedule ``lr(t)``.
    momentum : float, default 0.0
        Momentum factor :math:`\mu \ge 0`.
    dampening : float, default 0.0
        Dampening :math:`\tau \in [0, 1]` of the gradient entering the buffer.
    nesterov : bool, default False
        Use Nesterov momentum; needs ``momentum > 0`` and ``dampening == 0``.
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0`, added to the gradient.

    Attributes
    ----------
    state : dict
        ``"momentum_buffer"`` (:math:`b_t`) when ``momentum > 0``, else empty.

    Notes
    -----
    Same names, defaults and rule as ``torch.optim.SGD(params, lr, momentum, dampening,
    weight_decay, nesterov)``; PyTorch's ``maximize`` and ``foreach`` options are not offered.
    Heavy ball on a quadratic with :math:`m I \preceq \nabla^2 f \preceq L I` and Polyak's
    tuning :math:`\gamma = 4/(\sqrt L + \sqrt m)^2`,
    :math:`\mu = ((\sqrt L - \sqrt m)/(\sqrt L + \sqrt m))^2` converges at the rate
    :math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)` per step, :math:`\kappa = L/m`, against
    :math:`(\kappa - 1)/(\kappa + 1)` for plain gradient descent with :math:`\gamma = 2/(L + m)`.

    References
    ----------
    - Robbins, H. and Monro, S. (1951). A stochastic approximation method. *Annals of
      Mathematical Statistics* 22(3), 400-407.
    - Polyak, B. T. (1964). Some methods of speeding up the convergence of iteration methods.
      *USSR Computational Mathematics and Mathematical Physics* 4(5), 1-17.
    - Nesterov, Y. (1983). A method for solving the convex programming problem with
      convergence rate O(1/k^2). *Soviet Mathematics Doklady* 27, 372-376.
    - Sutskever, I., Martens, J., Dahl, G. and Hinton, G. (2013). On the importance of
      initialization and momentum in deep learning. *ICML*.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlearn.optim import SGD
    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> x = np.array([1.0, -2.0])
    >>> x = opt.step(x, 2 * x)          # gradient of f(x) = ||x||^2
    >>> print(x)
    [ 0.8 -1.6]
    """

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        self.momentum = check_nonnegative("momentum", momentum)
        self.dampening = check_unit_interval("dampening", dampening)
        self.nesterov = check_bool("nesterov", nesterov)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening == 0")
        self.state_names = ("momentum_buffer",) if self.momentum > 0 else ()
        self._build_groups()

    _update_keeps_dtype = True  # x - lr * d in the temporary: an array of x's dtype

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {"momentum_buffer": np.zeros_like(x)} if self.momentum > 0 else {}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        if self.weight_decay:
            g = g + self.weight_decay * x
        if self.momentum > 0:
            buf = state["momentum_buffer"]
            if self.t == 0:
                np.copyto(buf, g)                           # b_1 = g_1
            else:
                buf *= self.momentum                        # b_t = mu b_{t-1} + (1 - tau) g_t
                buf += (1.0 - self.dampening) * g
            g = g + self.momentum * buf if self.nesterov else buf
        step = lr * g
        return np.subtract(x, step, out=step)               # theta - lr * d, in the temporary
