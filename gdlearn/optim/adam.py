"""Adam (with the AMSGrad option and a switch for bias correction) and AdamW."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._validate import check_bool, check_nonnegative, check_positive
from gdlearn.optim._checks import check_betas
from gdlearn.optim.base import LearningRate, Optimizer

__all__ = ["Adam", "AdamW"]

#: arrays longer than this are updated in blocks of this many entries (a few hundred kB each)
_BLOCK = 1 << 15


class Adam(Optimizer):
    r"""Adam (Kingma and Ba, 2015) and AMSGrad (Reddi et al., 2018), as ``torch.optim.Adam``.

    With learning rate :math:`\gamma`, decay rates :math:`(\beta_1, \beta_2)`, weight decay
    :math:`\lambda` and :math:`\epsilon`, update :math:`t = 1, 2, \dots` with gradient
    :math:`g_t = \nabla f(\theta_{t-1})` is (element-wise, :math:`m_0 = v_0 = 0`)

    .. math::

        \begin{aligned}
        g_t &\leftarrow g_t + \lambda\,\theta_{t-1}, \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2, \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}, \\
        \theta_t &= \theta_{t-1} - \gamma\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} .
        \end{aligned}

    With ``amsgrad=True`` (Reddi et al., 2018) the denominator uses the running maximum
    :math:`v^{\max}_t = \max(v^{\max}_{t-1}, v_t)` in place of :math:`v_t`, so the second-moment
    estimate of a coordinate never decreases (as in PyTorch, the maximum is still divided by
    :math:`1 - \beta_2^t`, so with bias correction the step can still grow while that factor
    settles).  With ``bias_correction=False`` (a teaching switch, not
    in PyTorch) :math:`\hat m_t = m_t` and :math:`\hat v_t = v_t`.  Since the moments start at
    zero, :math:`m_t` is then too small by the factor :math:`1 - \beta_1^t` and
    :math:`\sqrt{v_t}` by :math:`\sqrt{1 - \beta_2^t}`; with the default betas the first step
    is :math:`0.1 / \sqrt{0.001} \approx 3.2` times too long, which the correction repairs.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Learning rate :math:`\gamma` (> 0), or a schedule ``lr(t)``.
    betas : tuple of two floats, default (0.9, 0.999)
        Decay rates :math:`\beta_1, \beta_2 \in [0, 1)` of the two moment estimates.
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added after the square root and the bias correction.
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0`, added to the gradient (coupled; see :class:`AdamW`).
    amsgrad : bool, default False
        Use the AMSGrad maximum of the second moments.
    bias_correction : bool, default True
        Divide the moments by :math:`1 - \beta^t`.

    Attributes
    ----------
    state : dict
        ``"exp_avg"`` (:math:`m_t`), ``"exp_avg_sq"`` (:math:`v_t`) and, with AMSGrad,
        ``"max_exp_avg_sq"`` (:math:`v^{\max}_t`).

    Notes
    -----
    Same names, defaults and rule as ``torch.optim.Adam``, including ``maximize``
    (PyTorch's ``foreach``, ``fused`` and ``capturable`` options are not offered).  The code
    is the textbook form above, line by line, with :math:`\hat m_t` and :math:`\hat v_t`
    computed as written; a large array is processed in cache-sized blocks, which changes
    nothing in the arithmetic (every operation is element-wise).

    References
    ----------
    - Kingma, D. P. and Ba, J. (2015). Adam: a method for stochastic optimization. *ICLR*.
    - Reddi, S. J., Kale, S. and Kumar, S. (2018). On the convergence of Adam and beyond.
      *ICLR*.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlearn.optim import Adam
    >>> opt = Adam(lr=0.1)
    >>> x = opt.step(np.array([1.0, -3.0]), np.array([0.5, -20.0]))
    >>> print(x)                        # the first step moves every coordinate by about lr
    [ 0.9 -2.9]
    """

    _decoupled = False

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        bias_correction: bool = True,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        self.betas = check_betas(betas)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.amsgrad = check_bool("amsgrad", amsgrad)
        self.bias_correction = check_bool("bias_correction", bias_correction)
        self.state_names = ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if self.amsgrad else ())
        self._build_groups()

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {name: np.zeros_like(x) for name in self.state_names}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        if x.size <= _BLOCK:
            return self._adam(x, g, state["exp_avg"], state["exp_avg_sq"], state.get("max_exp_avg_sq"), lr)
        # A large array runs the same lines block by block: each block's temporaries stay in the
        # CPU cache, so a step reads and writes memory about as often as the in-place form would.
        new = np.empty_like(x)
        flat = [a.reshape(-1) if a is not None else None for a in
                (x, g, state["exp_avg"], state["exp_avg_sq"], state.get("max_exp_avg_sq"), new)]
        for i in range(0, x.size, _BLOCK):
            block = slice(i, i + _BLOCK)
            x_b, g_b, m_b, v_b, vmax_b, new_b = (a[block] if a is not None else None for a in flat)
            new_b[...] = self._adam(x_b, g_b, m_b, v_b, vmax_b, lr)
        return new

    def _adam(self, x: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray,
              v_max: np.ndarray | None, lr: float) -> np.ndarray:
        """One Adam update of ``x``; ``m``, ``v`` (and ``v_max``) are updated in place."""
        beta1, beta2 = self.betas
        t = self.t + 1                                      # this is update number t
        if self.weight_decay and not self._decoupled:
            g = g + self.weight_decay * x                   # coupled L2: g_t + lambda theta
        m *= beta1
        m += (1.0 - beta1) * g                              # m_t = b1 m_{t-1} + (1 - b1) g_t
        v *= beta2
        v += (1.0 - beta2) * np.square(g)                   # v_t = b2 v_{t-1} + (1 - b2) g_t^2
        if v_max is not None:                               # AMSGrad: the running maximum
            v = np.maximum(v_max, v, out=v_max)
        if self.bias_correction:
            m_hat = m / (1.0 - beta1**t)                    # m_hat_t = m_t / (1 - b1^t)
            v_hat = v / (1.0 - beta2**t)                    # v_hat_t = v_t / (1 - b2^t)
        else:
            m_hat, v_hat = m.copy(), v.copy()
        denom = np.sqrt(v_hat, out=v_hat)
        denom += self.eps                                   # sqrt(v_hat_t) + eps
        step = np.divide(m_hat, denom, out=m_hat)
        step *= lr                                          # lr * m_hat_t / (sqrt(v_hat_t) + eps)
        if self._decoupled and self.weight_decay:
            return x * (1.0 - lr * self.weight_decay) - step  # AdamW: decay, then the Adam step
        return x - step


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as ``torch.optim.AdamW``.

    The weight decay shrinks the parameters directly instead of entering the gradient, and
    so bypasses Adam's per-coordinate scaling.  Update :math:`t = 1, 2, \dots` with gradient
    :math:`g_t = \nabla f(\theta_{t-1})` (no :math:`\lambda\theta` added to it) is

    .. math::

        \begin{aligned}
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2, \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}, \\
        \theta_t &= (1 - \gamma\lambda)\, \theta_{t-1} - \gamma\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon},
        \end{aligned}

    with :math:`\hat v_t` replaced by the running maximum under ``amsgrad=True``.  With
    :math:`\lambda = 0` it is :class:`Adam`; with :math:`\lambda > 0` the two differ from the
    very first step.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Learning rate :math:`\gamma` (> 0), or a schedule ``lr(t)``.
    betas : tuple of two floats, default (0.9, 0.999)
        Decay rates :math:`\beta_1, \beta_2 \in [0, 1)`.
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added after the square root.
    weight_decay : float, default 1e-2
        Decoupled decay :math:`\lambda \ge 0` (PyTorch's default).
    amsgrad : bool, default False
        Use the AMSGrad maximum of the second moments.

    Notes
    -----
    Same names, defaults and order of operations as ``torch.optim.AdamW``: the decay factor
    :math:`1 - \gamma\lambda` multiplies :math:`\theta_{t-1}` before the Adam step is
    subtracted, and it is scaled by the (scheduled) learning rate :math:`\gamma`, as in
    PyTorch; the paper writes a separate schedule multiplier :math:`\eta_t` instead.

    References
    ----------
    - Loshchilov, I. and Hutter, F. (2019). Decoupled weight decay regularization. *ICLR*.
    - Kingma, D. P. and Ba, J. (2015). Adam: a method for stochastic optimization. *ICLR*.
    """

    _decoupled = True

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         maximize=maximize, param_groups=param_groups)
