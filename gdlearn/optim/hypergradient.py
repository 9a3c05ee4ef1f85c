"""Hypergradient descent: SGD and Adam that learn their own learning rate (Baydin et al., 2018)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._tree import Params, as_tree, check_same_structure
from gdlearn._validate import check_nonnegative, check_positive
from gdlearn.optim._checks import check_betas
from gdlearn.optim.base import Optimizer

__all__ = ["SGDHD", "AdamHD"]


def _dot(a: Params, b: Params) -> float:
    """Inner product of two trees of the same structure (dicts matched by key)."""
    if isinstance(a, dict):
        return float(sum(np.vdot(a[k], b[k]) for k in a))
    return float(np.vdot(a, b))


class _HypergradientOptimizer(Optimizer):
    """Shared machinery: a learned scalar rate, updated before each step from the last direction."""

    def __init__(self, lr: float, hyper_lr: float) -> None:
        if callable(lr):
            raise TypeError("lr must be a number here: the learning rate is learned, not scheduled")
        super().__init__(check_positive("lr", lr))
        self.hyper_lr = check_nonnegative("hyper_lr", hyper_lr)
        self.alpha = float(self.lr)
        self.lr_history: list[float] = []

    def current_lr(self) -> float:
        """The learning rate of the most recent update (``lr`` before the first one)."""
        return self.alpha

    def reset(self) -> None:
        """Forget all state, the learned rate and its history; the step count returns to zero."""
        super().reset()
        self.alpha = float(self.lr)
        self.lr_history = []

    def step(self, params: Params, grad: Params) -> Params:
        """Update the learning rate by its hypergradient, then take one step with it."""
        check_same_structure(as_tree("params", params), as_tree("grad", grad))
        if self.state:                              # alpha_t = alpha_{t-1} + beta g_t . d_{t-1}
            self.alpha += self.hyper_lr * _dot(grad, self.state["prev_direction"])
        self.lr_history.append(self.alpha)
        return super().step(params, grad)

    def _extra_state(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "lr_history": list(self.lr_history)}

    def _load_extra_state(self, extra: dict[str, Any]) -> None:
        self.alpha = float(extra["alpha"])
        self.lr_history = list(extra["lr_history"])


class SGDHD(_HypergradientOptimizer):
    r"""SGD-HD: gradient descent whose learning rate follows its own hypergradient (Baydin et al., 2018).

    The update :math:`\theta_t = \theta_{t-1} - \alpha\, \nabla f(\theta_{t-1})` depends on
    :math:`\alpha`, so the loss after the step has a derivative with respect to the rate
    used: :math:`\partial f(\theta_{t-1}) / \partial \alpha_{t-1} = -\nabla f(\theta_{t-1})
    \cdot \nabla f(\theta_{t-2})`.  SGD-HD takes one gradient step of size :math:`\beta` on
    :math:`\alpha` with it before each parameter step:

    .. math::

        \begin{aligned}
        g_t &= \nabla f(\theta_{t-1}), \\
        \alpha_t &= \alpha_{t-1} + \beta\; g_t \cdot g_{t-1}, \\
        \theta_t &= \theta_{t-1} - \alpha_t\, g_t ,
        \end{aligned}

    with :math:`g_0 = 0`, so the first update uses :math:`\alpha_1 = \alpha_0`.  The dot
    product runs over all parameters (one global rate).  When successive gradients point the
    same way (the rate is too small) :math:`\alpha` grows; when they alternate (too large,
    zig-zagging) it shrinks.

    Parameters
    ----------
    lr : float, default 1e-3
        Initial learning rate :math:`\alpha_0 > 0` (a number: schedules are not accepted).
    hyper_lr : float, default 1e-4
        Hypergradient step :math:`\beta \ge 0`; with 0 this is plain gradient descent.

    Attributes
    ----------
    alpha : float
        The learning rate :math:`\alpha_t` of the latest update (also :meth:`current_lr`).
    lr_history : list of float
        :math:`\alpha_1, \alpha_2, \dots`: the rate each update used.
    state : dict
        ``"prev_direction"``: the previous gradient :math:`g_{t-1}`.

    Notes
    -----
    PyTorch has no hypergradient optimizer; the authors' reference implementation is a
    ``torch.optim.Optimizer`` subclass ``SGDHD`` whose ``hypergrad_lr`` is ``hyper_lr`` here
    (it also offers momentum, which this class leaves out).  As in the paper, :math:`\alpha`
    is not clipped: a too large :math:`\beta` can drive it negative.

    References
    ----------
    - Baydin, A. G., Cornish, R., Martinez Rubio, D., Schmidt, M. and Wood, F. (2018).
      Online learning rate adaptation with hypergradient descent. *ICLR*.
    """

    def __init__(self, lr: float = 1e-3, hyper_lr: float = 1e-4) -> None:
        super().__init__(lr, hyper_lr)
        self.state_names = ("prev_direction",)

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {"prev_direction": np.zeros_like(x)}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        np.copyto(state["prev_direction"], g)
        return x - lr * g


class AdamHD(_HypergradientOptimizer):
    r"""Adam-HD: Adam whose global learning rate follows its hypergradient (Baydin et al., 2018).

    With :math:`d_t = \hat m_t / (\sqrt{\hat v_t} + \epsilon)` the Adam direction, the update
    is :math:`\theta_t = \theta_{t-1} - \alpha_t d_t`, and the hypergradient of the loss with
    respect to the previous rate is :math:`-g_t \cdot d_{t-1}`:

    .. math::

        \begin{aligned}
        g_t &= \nabla f(\theta_{t-1}), \qquad
        \alpha_t = \alpha_{t-1} + \beta\; g_t \cdot d_{t-1}, \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2, \\
        d_t &= \frac{m_t / (1 - \beta_1^t)}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}, \qquad
        \theta_t = \theta_{t-1} - \alpha_t\, d_t ,
        \end{aligned}

    with :math:`m_0 = v_0 = d_0 = 0` (the first update uses :math:`\alpha_0`).

    Parameters
    ----------
    lr : float, default 1e-3
        Initial learning rate :math:`\alpha_0 > 0` (a number).
    hyper_lr : float, default 1e-7
        Hypergradient step :math:`\beta \ge 0` (the paper's value for Adam-HD); with 0 this
        is :class:`~gdlearn.optim.Adam`.
    betas : tuple of two floats, default (0.9, 0.999)
        Decay rates :math:`\beta_1, \beta_2 \in [0, 1)`.
    eps : float, default 1e-8
        :math:`\epsilon > 0`.

    Attributes
    ----------
    alpha : float
        The learning rate :math:`\alpha_t` of the latest update.
    lr_history : list of float
        :math:`\alpha_1, \alpha_2, \dots`.
    state : dict
        ``"exp_avg"`` (:math:`m_t`), ``"exp_avg_sq"`` (:math:`v_t`) and ``"prev_direction"``
        (:math:`d_t`).

    Notes
    -----
    The moments follow ``torch.optim.Adam`` (same names); the rate update is the paper's
    Algorithm for Adam-HD.  The authors' PyTorch ``AdamHD`` (argument ``hypergrad_lr``)
    recomputes :math:`d_{t-1}` from the stored moments with :math:`\epsilon` added before the
    bias correction, which differs from the paper's :math:`d_{t-1}` only by a relative amount
    of order :math:`\epsilon / \sqrt{\hat v}`; this class follows the paper.

    References
    ----------
    - Baydin, A. G., Cornish, R., Martinez Rubio, D., Schmidt, M. and Wood, F. (2018).
      Online learning rate adaptation with hypergradient descent. *ICLR*.
    - Kingma, D. P. and Ba, J. (2015). Adam: a method for stochastic optimization. *ICLR*.
    """

    def __init__(
        self,
        lr: float = 1e-3,
        hyper_lr: float = 1e-7,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(lr, hyper_lr)
        self.betas = check_betas(betas)
        self.eps = check_positive("eps", eps)
        self.state_names = ("exp_avg", "exp_avg_sq", "prev_direction")

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {name: np.zeros_like(x) for name in self.state_names}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        beta1, beta2 = self.betas
        t = self.t + 1
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1.0 - beta1) * g
        v *= beta2
        v += (1.0 - beta2) * g * g
        m_hat = m / (1.0 - beta1**t)
        v_hat = v / (1.0 - beta2**t)
        d = state["prev_direction"]
        np.divide(m_hat, np.sqrt(v_hat) + self.eps, out=d)
        return x - lr * d


