"""Muon: momentum orthogonalized by Newton–Schulz for matrices, AdamW for the rest."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._validate import check_beta, check_bool, check_int, check_nonnegative, check_positive
from gdlearn.optim._checks import check_betas
from gdlearn.optim.adam import AdamW
from gdlearn.optim.base import LearningRate, Optimizer, _check_lr
from gdlearn.optim.orthogonalize import newton_schulz

__all__ = ["Muon"]


class Muon(Optimizer):
    r"""Muon (Jordan et al., 2024): steepest descent in the spectral norm, for matrices.

    For a matrix parameter :math:`W` of shape (fan-in, fan-out), with learning rate
    :math:`\alpha`, momentum :math:`\beta`, weight decay :math:`\nu`, update
    :math:`k = 1, 2, \dots` with gradient :math:`G_k` is (:math:`m_0 = 0`)

    .. math::

        \begin{aligned}
        m_k &= \beta\, m_{k-1} + (1 - \beta)\, G_k, \\
        D_k &= \beta\, m_k + (1 - \beta)\, G_k
          \quad \text{(Nesterov)}, \\
        O_k &= \operatorname{NS}_5(D_k) \approx
          \operatorname{orth}(D_k), \\
        W_k &= (1 - \alpha\nu)\, W_{k-1}
          - \alpha\, s\, O_k,
        \end{aligned}

    with :math:`D_k = m_k` when ``nesterov=False``, :math:`\operatorname{NS}_5` the
    five-step quintic Newton–Schulz iteration (:func:`~gdlearn.optim.newton_schulz`) and
    the shape factor :math:`s = \sqrt{\max(1, \text{fan-out}/\text{fan-in})}`.
    :math:`\operatorname{orth}(D) = U V^\top` for :math:`D = U S V^\top` is the
    steepest-descent direction in the spectral norm: the update has the singular
    directions of the momentum, each with the same length.

    **Other parameters.** A parameter that is not 2-D (a bias, a scalar, a 3-D array), and
    any key whose per-key setting is ``orthogonalize=False`` (for example the first and
    last layers, as Jordan et al. advise), is updated by :class:`~gdlearn.optim.AdamW` with
    ``adamw_lr`` (default: ``lr``), ``adamw_betas``, ``adamw_eps`` and
    ``adamw_weight_decay``.

    Parameters
    ----------
    lr : float or callable, default 0.02
        Learning rate :math:`\alpha` (> 0), or a schedule ``lr(t)``.
    momentum : float, default 0.95
        :math:`\beta \in [0, 1)`.
    nesterov : bool, default True
        Orthogonalize the look-ahead :math:`\beta m_k + (1 - \beta) G_k` instead of
        :math:`m_k`.
    ns_steps : int, default 5
        Newton–Schulz steps.
    eps : float, default 1e-7
        :math:`\varepsilon` of the Frobenius scaling in Newton–Schulz.
    weight_decay : float, default 0.0
        Decoupled decay :math:`\nu \ge 0` of the matrices, multiplied by :math:`\alpha`.
    bias_correction : bool, default False
        Divide :math:`m_k` by :math:`1 - \beta^k` (and, with Nesterov, :math:`m_k` by
        :math:`1 - \beta^{k+1}` and :math:`G_k` by :math:`1 - \beta^k`) before the
        Newton–Schulz step, as optax does.  The reference code does not.
    orthogonalize : bool, default True
        Use the Muon rule for 2-D parameters; ``False`` (usually per key, through
        ``param_groups``) sends them to AdamW as well.
    adamw_lr : float, callable or None, default None
        Learning rate of the AdamW fallback; ``None`` uses ``lr`` (and its schedule).
    adamw_betas : tuple of two floats, default (0.9, 0.95)
        AdamW's :math:`(\beta_1, \beta_2)`.
    adamw_eps : float, default 1e-10
        AdamW's :math:`\varepsilon`.
    adamw_weight_decay : float, default 0.0
        AdamW's decoupled decay.

    Attributes
    ----------
    state : dict
        ``"momentum_buffer"`` (:math:`m_k`) for the Muon keys; ``"exp_avg"`` and
        ``"exp_avg_sq"`` for the AdamW keys.

    Notes
    -----
    The rule and defaults are those of Jordan's reference code (``Muon`` and
    ``MuonWithAuxAdam``): a moving-average buffer, Nesterov look-ahead, no bias
    correction, five steps with :math:`(a_1, a_3, a_5) = (3.4445, -4.7750, 2.0315)`, and the
    shape factor :math:`\sqrt{\max(1, \text{rows}/\text{cols})}` of torch's
    (fan-out, fan-in) weights, which is :math:`\sqrt{\max(1, \text{cols}/\text{rows})}`
    here, where a weight is (fan-in, fan-out) as in :class:`gdlearn.mlp.MLP` and optax.

    optax: ``optax.contrib.muon(lr, beta=momentum, eps=eps, weight_decay=nu,
    nesterov=nesterov, adam_b1=..., adam_b2=..., adam_weight_decay=...)`` equals this class
    with ``bias_correction=True`` on the matrices.  Its fallback for the other parameters
    is AdamW with Nesterov momentum when ``nesterov=True`` (and uses ``eps`` for both), so
    on vectors the two agree only with ``nesterov=False`` and ``adamw_eps=eps``.

    References
    ----------
    - Jordan, K., Jin, Y., Boza, V., You, J., Cesista, F., Newhouse, L. and Bernstein, J.
      (2024). Muon: an optimizer for hidden layers in neural networks. Blog post.
    - Bernstein, J. and Newhouse, L. (2024). Old optimizer, new norm: an anthology.
      arXiv:2409.20325.
    """

    def __init__(
        self,
        lr: LearningRate = 0.02,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_steps: int = 5,
        eps: float = 1e-7,
        weight_decay: float = 0.0,
        bias_correction: bool = False,
        orthogonalize: bool = True,
        adamw_lr: LearningRate | None = None,
        adamw_betas: tuple[float, float] = (0.9, 0.95),
        adamw_eps: float = 1e-10,
        adamw_weight_decay: float = 0.0,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        self.momentum = check_beta("momentum", momentum)
        self.nesterov = check_bool("nesterov", nesterov)
        self.ns_steps = check_int("ns_steps", ns_steps)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.bias_correction = check_bool("bias_correction", bias_correction)
        self.orthogonalize = check_bool("orthogonalize", orthogonalize)
        self.adamw_lr = None if adamw_lr is None else _check_lr(adamw_lr)
        self.adamw_betas = check_betas(adamw_betas)
        self.adamw_eps = check_positive("adamw_eps", adamw_eps)
        self.adamw_weight_decay = check_nonnegative("adamw_weight_decay", adamw_weight_decay)
        self._adamw = AdamW(lr=1.0, betas=self.adamw_betas, eps=self.adamw_eps,
                            weight_decay=self.adamw_weight_decay)
        self.state_names = ("momentum_buffer", "exp_avg", "exp_avg_sq")
        self._build_groups()

    def _uses_muon(self, x: np.ndarray) -> bool:
        return self.orthogonalize and x.ndim == 2

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        if self._uses_muon(x):
            return {"momentum_buffer": np.zeros_like(x)}
        return {"exp_avg": np.zeros_like(x), "exp_avg_sq": np.zeros_like(x)}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        if not self._uses_muon(x):
            self._adamw.t = self.t
            aux_lr = lr if self.adamw_lr is None else self._lr_at(self.adamw_lr, self.t)
            return self._adamw._update(x, g, state, aux_lr)
        beta, k = self.momentum, self.t + 1                 # this is update number k
        m = state["momentum_buffer"]
        m *= beta
        m += (1.0 - beta) * g                               # m_k = beta m_{k-1} + (1 - beta) G_k
        if self.bias_correction:
            m_ahead, g_now, m_now = (m / (1.0 - beta ** (k + 1)), g / (1.0 - beta**k),
                                     m / (1.0 - beta**k))
        else:
            m_ahead, g_now, m_now = m, g, m
        d = beta * m_ahead + (1.0 - beta) * g_now if self.nesterov else m_now
        o = newton_schulz(d, self.ns_steps, eps=self.eps)   # O_k ~ orth(D_k)
        scale = np.sqrt(max(1.0, x.shape[1] / x.shape[0]))  # sqrt(max(1, fan_out / fan_in))
        if self.weight_decay:
            x = x * (1.0 - lr * self.weight_decay)
        return x - (lr * scale) * o
