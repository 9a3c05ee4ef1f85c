"""NAdam: Adam with Nesterov momentum (Dozat, 2016), as ``torch.optim.NAdam``."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from gdlearn._validate import check_nonnegative, check_positive
from gdlearn.optim._checks import check_betas
from gdlearn.optim.base import LearningRate, Optimizer

__all__ = ["NAdam"]


def _check_momentum_decay(value: Any) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"momentum_decay must be a real number, got {type(value).__name__}")
    value = float(value)
    if math.isnan(value) or value < 0:
        raise ValueError(f"momentum_decay must be a number >= 0 (inf allowed), got {value}")
    return value


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016): Adam whose first moment takes a Nesterov look-ahead.

    With learning rate :math:`\alpha`, rates :math:`(\beta_1, \beta_2)`, momentum decay
    :math:`\omega` and :math:`\varepsilon`, the momentum schedule is
    :math:`\beta_{1,k} = \beta_1\,(1 - \tfrac12\, 0.96^{k \omega})`, and update
    :math:`k = 1, 2, \dots` with gradient :math:`g_k = \nabla f(\theta_{k-1})` is
    (element-wise, :math:`m_0 = v_0 = 0`)

    .. math::

        \begin{aligned}
        m_k &= \beta_1 m_{k-1} + (1 - \beta_1)\, g_k, \\
        v_k &= \beta_2 v_{k-1} + (1 - \beta_2)\, g_k^2, \\
        D_k &= \sqrt{v_k / (1 - \beta_2^k)} + \varepsilon, \\
        \bar m_k &= \frac{(1 - \beta_{1,k})\, g_k}
          {1 - \textstyle\prod_{i \le k} \beta_{1,i}} \\
          &\quad + \frac{\beta_{1,k+1}\, m_k}
          {1 - \textstyle\prod_{i \le k+1} \beta_{1,i}}, \\
        \theta_k &= \theta_{k-1} - \alpha\, \bar m_k / D_k .
        \end{aligned}

    :math:`\bar m_k` is the bias-corrected first moment one step ahead: the new gradient
    with the weight it will have in :math:`m_k`, plus :math:`m_k` with the weight it will
    have in :math:`m_{k+1}`, exactly as Nesterov's momentum evaluates the step ahead.  The
    schedule :math:`\beta_{1,k}` (Dozat's, after Sutskever et al. 2013) warms the momentum up
    from :math:`\beta_1/2` towards :math:`\beta_1` over a few thousand steps.  With
    ``momentum_decay=inf``, :math:`\beta_{1,k} = \beta_1` at every step and the products are
    :math:`\beta_1^k`: the simplified form of optax and Keras.

    Parameters
    ----------
    lr : float or callable, default 2e-3
        Learning rate :math:`\alpha` (> 0), or a schedule ``lr(t)``.
    betas : tuple of two floats, default (0.9, 0.999)
        :math:`\beta_1, \beta_2 \in [0, 1)`.
    eps : float, default 1e-8
        :math:`\varepsilon > 0`, added after the square root.
    weight_decay : float, default 0.0
        L2 penalty :math:`\nu \ge 0`, added to the gradient (coupled, as in Adam).
    momentum_decay : float, default 4e-3
        :math:`\omega \ge 0` of the momentum schedule; ``math.inf`` for a constant
        :math:`\beta_{1,k} = \beta_1`.

    Attributes
    ----------
    state : dict
        ``"exp_avg"`` (:math:`m_k`) and ``"exp_avg_sq"`` (:math:`v_k`).

    Notes
    -----
    The rule, names and defaults of ``torch.optim.NAdam`` (without its
    ``decoupled_weight_decay`` option): Dozat's Algorithm 2, whose momentum schedule
    (:math:`\mu_k` there) is :math:`\beta_{1,k}` here, with :math:`m_k` averaged with the
    constant :math:`\beta_1` as in torch, and without the paper's extra factor
    :math:`\beta_2` on :math:`v_k` (which every library drops).  The products
    :math:`\prod \beta_{1,i}` depend only on :math:`k` and are recomputed (in the same
    order) after a restore, so they are not part of the state.  optax:
    ``optax.nadam(lr, b1, b2, eps)`` is this class with ``momentum_decay=math.inf``; at the
    default schedule the two differ from the first step.

    References
    ----------
    - Dozat, T. (2016). Incorporating Nesterov momentum into Adam. *ICLR workshop*.
    - Sutskever, I., Martens, J., Dahl, G. and Hinton, G. (2013). On the importance of
      initialization and momentum in deep learning. *ICML*.

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> from gdlearn.optim import NAdam
    >>> opt = NAdam(lr=0.1, momentum_decay=math.inf)
    >>> x = opt.step(np.array([1.0, -3.0]), np.array([0.5, -20.0]))
    >>> print(np.round(x, 4))         # the look-ahead makes the first step 1.47 lr long
    [ 0.8526 -2.8526]
    """

    def __init__(
        self,
        lr: LearningRate = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        self.betas = check_betas(betas)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.momentum_decay = _check_momentum_decay(momentum_decay)
        self.state_names = ("exp_avg", "exp_avg_sq")
        self._products = [1.0]  # _products[k] = mu_1 mu_2 ... mu_k
        self._build_groups()

    def _mu(self, k: int) -> float:
        """The momentum of update ``k``: beta1 (1 - 0.96^(k psi) / 2)."""
        return self.betas[0] * (1.0 - 0.5 * 0.96 ** (k * self.momentum_decay))

    def _product(self, k: int) -> float:
        while len(self._products) <= k:
            self._products.append(self._products[-1] * self._mu(len(self._products)))
        return self._products[k]

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {"exp_avg": np.zeros_like(x), "exp_avg_sq": np.zeros_like(x)}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        beta1, beta2 = self.betas
        k = self.t + 1                                      # this is update number k
        if self.weight_decay:
            g = g + self.weight_decay * x
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1.0 - beta1) * g                              # m_k
        v *= beta2
        v += (1.0 - beta2) * np.square(g)                   # v_k
        denom = np.sqrt(v / (1.0 - beta2**k)) + self.eps    # D_k
        mu, mu_next = self._mu(k), self._mu(k + 1)
        coef_g = lr * (1.0 - mu) / (1.0 - self._product(k))
        coef_m = lr * mu_next / (1.0 - self._product(k + 1))
        return x - (coef_g * g + coef_m * m) / denom
