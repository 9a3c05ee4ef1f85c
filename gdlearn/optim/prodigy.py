"""Prodigy: Adam whose step size estimates the distance to the solution (Mishchenko and Defazio)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from gdlearn._tree import Params
from gdlearn._validate import check_beta, check_bool, check_nonnegative, check_positive
from gdlearn.optim._checks import check_betas
from gdlearn.optim.base import LearningRate, Optimizer

__all__ = ["Prodigy"]

#: settings that param_groups may change: the distance estimate is shared by every parameter
_PER_KEY = {"weight_decay"}


class Prodigy(Optimizer):
    r"""Prodigy (Mishchenko and Defazio, 2024): Adam with a learned step size.

    Adam's step is scaled by :math:`\hat r_k`, an estimate of the distance
    :math:`r^\star = \lVert\theta_0 - \theta^\star\rVert` to a solution, which starts at a
    small :math:`\hat r_0` and only grows (the paper writes :math:`d_k`; here :math:`d` is
    the dimension).  Step :math:`k = 0, 1, \dots` with
    :math:`g_k = \nabla f(\theta_k)` is the paper's Algorithm 3
    (:math:`m_0 = v_0 = s_0 = 0`, :math:`u_0 = 0`, products elementwise):

    .. math::

        \begin{aligned}
        m_{k+1} &= \beta_1 m_k
          + (1 - \beta_1)\, \hat r_k\, g_k, \\
        v_{k+1} &= \beta_2 v_k
          + (1 - \beta_2)\, \hat r_k^2\, g_k^2, \\
        u_{k+1} &= \beta_3 u_k + (1 - \beta_3)\,
          \alpha_k \hat r_k^2\, g_k^\top(\theta_0 - \theta_k), \\
        s_{k+1} &= \beta_3 s_k
          + (1 - \beta_3)\, \alpha_k \hat r_k^2\, g_k, \\
        \hat r_{k+1} &= \max\Bigl(\hat r_k,\;
          c\, \frac{u_{k+1}}{\lVert s_{k+1}\rVert_1}\Bigr), \\
        \theta_{k+1} &= \theta_k - \alpha_k \hat r_k
          \frac{m_{k+1}}{\sqrt{v_{k+1}} + \hat r_k \varepsilon} .
        \end{aligned}

    The ratio :math:`u_{k+1} / \lVert s_{k+1}\rVert_1` is a lower bound on :math:`r^\star` for a
    convex :math:`f` when :math:`\beta_3 = 1` (D-Adaptation's argument, Defazio and Mishchenko,
    2023); Prodigy's weights :math:`\hat r_k^2` and the decay :math:`\beta_3 = \sqrt{\beta_2}`
    (the default) make it grow faster.  :math:`\alpha_k` is a multiplier, 1 by default, or a
    schedule (the authors recommend a cosine or linear decay from 1).

    Options beyond Algorithm 3, as in the authors' ``prodigyopt`` package:

    - ``weight_decay`` :math:`\nu` adds the decoupled (AdamW) term
      :math:`-\alpha_k \hat r_k \nu\, \theta_k` to the step;
    - ``growth_rate`` :math:`\omega` caps the growth:
      :math:`\hat r_{k+1} \le \omega\, \hat r_k`;
    - ``safeguard_warmup=True`` drops :math:`\alpha_k` from :math:`s_{k+1}` (for a warm-up
      schedule, whose small :math:`\alpha_k` would otherwise inflate the ratio);
    - ``bias_correction=True`` replaces :math:`\alpha_k` everywhere by
      :math:`\alpha_k \sqrt{1 - \beta_2^{k+1}} / (1 - \beta_1^{k+1})` (Adam's correction).

    When :math:`\lVert s_{k+1}\rVert_1 = 0` (every gradient so far was zero) the estimate is
    kept: :math:`\hat r_{k+1} = \hat r_k`.

    Parameters
    ----------
    lr : float or callable, default 1.0
        The multiplier :math:`\alpha_k > 0` of the learned step, or a schedule ``lr(t)``.
        Leave it at 1 unless a schedule is wanted.
    betas : tuple of two floats, default (0.9, 0.999)
        Adam's decay rates :math:`\beta_1, \beta_2 \in [0, 1)`.
    beta3 : float or None, default None
        Decay :math:`\beta_3 \in [0, 1)` of :math:`u_k` and :math:`s_k`; None means
        :math:`\sqrt{\beta_2}` (the paper's choice).
    eps : float, default 1e-8
        :math:`\varepsilon \ge 0`; the denominator adds :math:`\hat r_k \varepsilon`.
        With 0, a coordinate whose gradients were all zero gives 0/0.
    weight_decay : float, default 0.0
        Decoupled weight decay :math:`\nu \ge 0`.
    d0 : float, default 1e-6
        The initial estimate :math:`\hat r_0 > 0` (deliberately too small).
    d_coef : float, default 1.0
        :math:`c > 0`, multiplies each new estimate (the authors' preferred knob).
    growth_rate : float, default inf
        :math:`\omega \ge 1`, the largest factor by which :math:`\hat r` may grow in one step.
    safeguard_warmup : bool, default False
        Leave :math:`\alpha_k` out of :math:`s_{k+1}`.
    bias_correction : bool, default False
        Use Adam's bias correction (off in the paper and in ``prodigyopt``; always on in
        optax).

    Attributes
    ----------
    d : float
        The current estimate :math:`\hat r_k` (the one the next step uses).
    d_history : list of float
        :math:`\hat r_0, \hat r_1, \dots`: the estimate each update used.
    d_numerator : float
        :math:`u_k / ((1 - \beta_3)\, \hat r_0)`.
    state : dict
        ``"exp_avg"`` (:math:`m_k`), ``"exp_avg_sq"`` (:math:`v_k`), ``"s"``
        (:math:`s_k / ((1 - \beta_3)\, \hat r_0)`) and ``"params0"`` (:math:`\theta_0`),
        in the parameters' dtype, except for float16 parameters: their state is float32 and
        the step is computed in float32 (:math:`v_1 \approx 10^{-15} g_0^2` underflows in
        float16, and :math:`s_k` grows like :math:`\hat r_k^2 / \hat r_0`, past its largest
        number); the new parameters are float16.  A float16 run needs a larger ``d0``
        (say 1e-3): steps of about :math:`3\hat r_0 = 3\cdot 10^{-6}` are lost to its
        rounding, so :math:`\theta` never moves and the estimate never grows.

    Notes
    -----
    **The code.** Like ``prodigyopt`` and optax, the code leaves out the common factor
    :math:`1 - \beta_3` of :math:`u_k` and :math:`s_k` and divides both by :math:`\hat r_0`
    (which keeps :math:`\hat r_0^2` from underflowing in float32); the ratio, and so every
    iterate, is unchanged.  The estimate is one number shared by all parameters (dict
    parameters included); ``param_groups`` may set only ``weight_decay``.  In float32 the
    first steps, about :math:`3\hat r_0` long, span only a few units in the last place of
    :math:`\theta_0` (the floats near :math:`|\theta_0|` are :math:`|\theta_0|\, 2^{-23}`
    apart), so :math:`\theta_0 - \theta_k` and the early estimates are rounded coarsely: a
    float32 run follows another path than the float64 one, though it converges as well.

    **Mapping to optax** (``optax.contrib.prodigy``): ``learning_rate`` is ``lr``,
    ``estim_lr0`` is ``d0``, ``estim_lr_coef`` is ``d_coef``, and ``betas``, ``beta3``,
    ``eps``, ``weight_decay`` and ``safeguard_warmup`` keep their names.  optax always uses
    the bias correction and puts the *new* estimate :math:`\hat r_{k+1}` in the
    denominator's :math:`\hat r\varepsilon` (so does ``prodigyopt``); it has no growth
    rate, and an all-zero first gradient makes its estimate NaN.  With
    ``bias_correction=True`` and ``eps=0`` the two produce the same iterates
    (``tests/test_parity.py``).

    **Mapping to prodigyopt** (``prodigyopt.Prodigy``, the authors' PyTorch class):
    ``use_bias_correction`` is ``bias_correction``; its default ``decouple=True`` is the
    weight decay here (the coupled variant is not offered: add :math:`\nu\theta` to the
    gradient).  Its growth cap takes the running maximum of the raw estimates,
    :math:`\min(\max_{j \le k+1} c\,u_j/\lVert s_j\rVert_1, \omega \hat r_k)`, and does not
    cap the first rise from :math:`\hat r_0`; this class caps
    :math:`\max(\hat r_k, c\,u_{k+1}/\lVert s_{k+1}\rVert_1)` at :math:`\omega\hat r_k` at
    every step.  With ``growth_rate=inf`` the two agree.

    References
    ----------
    - Mishchenko, K. and Defazio, A. (2024). Prodigy: an expeditiously adaptive
      parameter-free learner. *ICML*. arXiv:2306.06101.
    - Defazio, A. and Mishchenko, K. (2023). Learning-rate-free learning by D-Adaptation.
      *ICML*.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlearn.optim import Prodigy
    >>> opt = Prodigy()
    >>> x = np.array([3.0, -2.0])
    >>> for _ in range(300):
    ...     x = opt.step(x, x - np.array([1.0, 1.0]))   # f = |x - (1, 1)|^2 / 2
    >>> print(np.round(x, 3), opt.d > 1e-6)
    [1. 1.] True
    """

    def __init__(
        self,
        lr: LearningRate = 1.0,
        betas: tuple[float, float] = (0.9, 0.999),
        beta3: float | None = None,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        d0: float = 1e-6,
        d_coef: float = 1.0,
        growth_rate: float = math.inf,
        safeguard_warmup: bool = False,
        bias_correction: bool = False,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        self.d0 = check_positive("d0", d0)  # reset() (called by the base class) reads d0
        self._root: Prodigy = self
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        self.betas = check_betas(betas)
        self.beta3 = None if beta3 is None else check_beta("beta3", beta3)
        self.eps = check_nonnegative("eps", eps)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.d_coef = check_positive("d_coef", d_coef)
        self.growth_rate = _check_growth_rate(growth_rate)
        self.safeguard_warmup = check_bool("safeguard_warmup", safeguard_warmup)
        self.bias_correction = check_bool("bias_correction", bias_correction)
        self.state_names = ("exp_avg", "exp_avg_sq", "s", "params0")
        self._build_groups()
        for rule in self._group_rules.values():
            rule._root = self  # the groups share this optimizer's estimate

    # -- the shared estimate ----------------------------------------------------------------
    def reset(self) -> None:
        """Forget all state; the estimate returns to ``d0`` and the step count to zero."""
        super().reset()
        self.d = float(self.d0)
        self.d_numerator = 0.0
        self.d_history: list[float] = []
        self._acc = [0.0, 0.0]

    def step(self, params: Params, grad: Params) -> Params:
        """One Prodigy update with the current estimate, then the new estimate from its sums."""
        self._acc = [0.0, 0.0]      # this step's term of u / ((1 - b3) d0) and ||s|| / ((1 - b3) d0)
        d = self.d
        new = super().step(params, grad)
        self.d_history.append(d)
        beta3 = self._beta3
        self.d_numerator = beta3 * self.d_numerator + self._acc[0]
        s_norm = self._acc[1]
        if s_norm > 0.0:
            d_hat = self.d_coef * self.d_numerator / s_norm
            self.d = min(max(d, d_hat), self.growth_rate * d)
        return new

    @property
    def _beta3(self) -> float:
        return math.sqrt(self.betas[1]) if self.beta3 is None else self.beta3

    def _extra_state(self) -> dict[str, Any]:
        return {"d": self.d, "d_numerator": self.d_numerator, "d_history": list(self.d_history)}

    def _load_extra_state(self, extra: dict[str, Any]) -> None:
        self.d = float(extra["d"])
        self.d_numerator = float(extra["d_numerator"])
        self.d_history = [float(v) for v in extra["d_history"]]

    def _check_groups(self, groups: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
        checked = super()._check_groups(groups)
        for i, group in enumerate(checked):
            other = set(group) - {"keys"} - _PER_KEY
            if other:
                raise ValueError(
                    f"param_groups[{i}] sets {sorted(other)}; Prodigy's param_groups may set only "
                    "weight_decay: the step-size estimate is shared by all parameters")
        return checked

    # -- one parameter array ----------------------------------------------------------------
    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        # float16 cannot hold r_0^2 g^2 (v) nor r^2 / r_0 (s): its state is float32
        dtype = np.promote_types(x.dtype, np.float32)
        return {"exp_avg": np.zeros(x.shape, dtype), "exp_avg_sq": np.zeros(x.shape, dtype),
                "s": np.zeros(x.shape, dtype), "params0": x.astype(dtype)}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        if x.dtype == np.float16:            # computed in float32, returned in float16
            x, g = x.astype(np.float32), g.astype(np.float32)
        root = self._root
        beta1, beta2 = self.betas
        d, d0 = root.d, root.d0
        if self.bias_correction:
            t = self.t + 1
            lr = lr * math.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)
        m, v, s = state["exp_avg"], state["exp_avg_sq"], state["s"]
        weight = d * d / d0 * lr                               # alpha_k r_k^2, over d0
        root._acc[0] += weight * float(np.vdot(g, state["params0"] - x))
        dg = d * g
        m *= beta1
        m += (1.0 - beta1) * dg                                # m = b1 m + (1 - b1) r g
        v *= beta2
        v += (1.0 - beta2) * np.square(dg)                     # v = b2 v + (1 - b2) r^2 g^2
        s *= self._beta3
        s += (d * d / d0 if self.safeguard_warmup else weight) * g
        root._acc[1] += float(np.sum(np.abs(s)))
        step = m / (np.sqrt(v) + d * self.eps)
        if self.weight_decay:
            step += self.weight_decay * x
        return x - (lr * d) * step


def _check_growth_rate(value: Any) -> float:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        value = float(value)
        if value >= 1.0:          # inf allowed: no cap
            return value
        raise ValueError(f"growth_rate must be >= 1 (inf for no cap), got {value}")
    raise TypeError(f"growth_rate must be a real number, got {type(value).__name__}")
