"""Sign descent: signSGD and, with momentum, signum (Bernstein et al., 2018)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._validate import check_beta
from gdlearn.optim.base import LearningRate, Optimizer

__all__ = ["SignSGD"]


class SignSGD(Optimizer):
    r"""signSGD and signum (Bernstein et al., 2018): a step of fixed length per coordinate.

    With learning rate :math:`\alpha` and momentum :math:`\beta`, update
    :math:`k = 1, 2, \dots` with gradient :math:`g_k = \nabla f(\theta_{k-1})` is
    (element-wise, :math:`m_0 = 0`)

    .. math::

        \begin{aligned}
        m_k &= \beta\, m_{k-1} + (1 - \beta)\, g_k, \\
        \theta_k &= \theta_{k-1}
          - \alpha \operatorname{sign}(m_k),
        \end{aligned}

    with :math:`\operatorname{sign}(0) = 0`.  With :math:`\beta = 0` there is no buffer and
    :math:`m_k = g_k`: this is signSGD, the steepest-descent step in the
    :math:`\ell_\infty` norm (every coordinate moves by exactly :math:`\alpha`, whatever the
    size of its gradient).  With :math:`\beta > 0` it is *signum*, the paper's Algorithm 2:
    the sign of an exponential moving average of the gradients.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Learning rate :math:`\alpha` (> 0), or a schedule ``lr(t)``: the length of every
        coordinate's step.
    momentum : float, default 0.0
        :math:`\beta \in [0, 1)`, the decay of the moving average (0: signSGD).

    Attributes
    ----------
    state : dict
        ``"momentum_buffer"`` (:math:`m_k`) when ``momentum > 0``, else empty.

    Notes
    -----
    The buffer is the paper's moving average :math:`\beta m + (1 - \beta) g`; the sum
    :math:`\beta m + g` of torch's SGD is the same buffer times :math:`1/(1 - \beta) > 0` at
    every step, so the sign, and every iterate, is the same.  For the same reason no bias
    correction is needed.
    optax: ``optax.sign_sgd(lr)`` for ``momentum=0`` and ``optax.signum(lr, beta=momentum)``
    otherwise, iterate for iterate.  torch.optim has no sign method.

    References
    ----------
    - Bernstein, J., Wang, Y.-X., Azizzadenesheli, K. and Anandkumar, A. (2018). signSGD:
      compressed optimisation for non-convex problems. *ICML*.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlearn.optim import SignSGD
    >>> opt = SignSGD(lr=0.1)
    >>> print(opt.step(np.array([1.0, -3.0, 2.0]), np.array([0.001, -50.0, 0.0])))
    [ 0.9 -2.9  2. ]
    """

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        momentum: float = 0.0,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        self.momentum = check_beta("momentum", momentum)
        self.state_names = ("momentum_buffer",) if self.momentum > 0 else ()
        self._build_groups()

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {"momentum_buffer": np.zeros_like(x)} if self.momentum > 0 else {}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        if self.momentum > 0:
            m = state["momentum_buffer"]
            m *= self.momentum
            m += (1.0 - self.momentum) * g                  # m_k = beta m_{k-1} + (1 - beta) g_k
            g = m
        return x - lr * np.sign(g)                          # theta - lr sign(m_k)
