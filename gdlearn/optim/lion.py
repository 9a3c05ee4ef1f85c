"""Lion, the sign of an interpolated momentum (Chen et al., 2023)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._validate import check_nonnegative
from gdlearn.optim._checks import check_betas
from gdlearn.optim.base import LearningRate, Optimizer

__all__ = ["Lion"]


class Lion(Optimizer):
    r"""Lion, "EvoLved Sign Momentum" (Chen et al., 2023), found by a program search.

    With learning rate :math:`\alpha`, rates :math:`(\beta_1, \beta_2)` and weight decay
    :math:`\nu`, update :math:`k = 1, 2, \dots` with gradient
    :math:`g_k = \nabla f(\theta_{k-1})` is (element-wise, :math:`m_0 = 0`)

    .. math::

        \begin{aligned}
        c_k &= \beta_1 m_{k-1} + (1 - \beta_1)\, g_k, \\
        \theta_k &= \theta_{k-1} - \alpha \bigl(
          \operatorname{sign}(c_k) + \nu\, \theta_{k-1}\bigr), \\
        m_k &= \beta_2 m_{k-1} + (1 - \beta_2)\, g_k .
        \end{aligned}

    The step direction :math:`c_k` weights the new gradient by :math:`1 - \beta_1 = 0.1`,
    more than the buffer :math:`m_k` does (:math:`1 - \beta_2 = 0.01`): the sign reacts to
    a new gradient at once, while the buffer keeps a long memory.  Every coordinate moves by
    :math:`\alpha` (plus the decay), so Lion wants a learning rate 3 to 10 times smaller than
    AdamW's, and a weight decay as much larger (the paper's advice).

    Parameters
    ----------
    lr : float or callable, default 1e-4
        Learning rate :math:`\alpha` (> 0), or a schedule ``lr(t)``.
    betas : tuple of two floats, default (0.9, 0.99)
        :math:`\beta_1` (interpolation for the step) and :math:`\beta_2` (decay of the
        buffer), each in [0, 1).
    weight_decay : float, default 0.0
        Decoupled decay :math:`\nu \ge 0`, multiplied by the learning rate as in the paper.

    Attributes
    ----------
    state : dict
        ``"exp_avg"`` (:math:`m_k`).

    Notes
    -----
    The rule is the paper's Program 1 (its ``lr`` and ``wd``; its ``update`` is
    :math:`c_k`).  optax: ``optax.lion(lr, b1=beta1, b2=beta2, weight_decay=nu)`` gives the
    same iterates (its default ``weight_decay`` is ``1e-3``; the authors' code's and this
    class's is 0).  torch.optim has no Lion; the authors' PyTorch code has these names and
    defaults (it multiplies :math:`\theta` by :math:`1 - \alpha\nu` first, the same rule).

    References
    ----------
    - Chen, X., Liang, C., Huang, D., Real, E., Wang, K., Pham, H., Dong, X., Luong, T.,
      Hsieh, C.-J., Lu, Y. and Le, Q. V. (2023). Symbolic discovery of optimization
      algorithms. *NeurIPS*.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlearn.optim import Lion
    >>> opt = Lion(lr=0.1)
    >>> print(opt.step(np.array([1.0, -3.0]), np.array([0.001, -50.0])))
    [ 0.9 -2.9]
    """

    def __init__(
        self,
        lr: LearningRate = 1e-4,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        self.betas = check_betas(betas)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.state_names = ("exp_avg",)
        self._build_groups()

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {"exp_avg": np.zeros_like(x)}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        beta1, beta2 = self.betas
        m = state["exp_avg"]
        c = beta1 * m + (1.0 - beta1) * g                   # c_k = b1 m_{k-1} + (1 - b1) g_k
        direction = np.sign(c)
        if self.weight_decay:
            direction = direction + self.weight_decay * x   # sign(c_k) + nu theta_{k-1}
        m *= beta2
        m += (1.0 - beta2) * g                              # m_k = b2 m_{k-1} + (1 - b2) g_k
        return x - lr * direction
