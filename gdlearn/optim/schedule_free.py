"""Schedule-Free SGD and AdamW (Defazio et al., 2024): momentum replaced by interpolation and
averaging, so that no decaying learning-rate schedule is needed.

Three sequences run side by side: the base sequence :math:`z` (plain SGD or AdamW steps), the
running average :math:`x` of the :math:`z`'s, which is the point to *evaluate*, and the
interpolation :math:`y = (1 - \\beta) z + \\beta x`, where the gradient is *taken*.  In gdlearn
``step(y, g)`` receives the gradient at ``y`` and returns the next ``y``; ``eval_params(y)``
returns :math:`x`.  :func:`gdlearn.loop.minimize` and :func:`gdlearn.loop.fit` call
``eval_params`` themselves, so their ``Result.x`` and ``Result.fun`` are at :math:`x`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gdlearn._tree import Params
from gdlearn._validate import check_beta, check_int, check_nonnegative, check_positive, check_unit_interval
from gdlearn.optim.base import LearningRate, Optimizer

__all__ = ["ScheduleFreeSGD", "ScheduleFreeAdamW"]


def _check_power(value: Any) -> float | None:
    return None if value is None else check_nonnegative("weight_lr_power", value)


class _ScheduleFree(Optimizer):
    """What the two schedule-free optimizers share: the warm-up, the average, the output."""

    #: the interpolation weight beta (set by the subclass)
    _beta: float
    warmup_steps: int
    weight_lr_power: float | None
    weight_decay: float

    def current_lr(self) -> float:
        """The rate :math:`\\gamma_t` of the next update, warm-up (and Adam's factor) included."""
        return super().current_lr() * self._factor(self.t + 1)

    def _factor(self, t: int) -> float:
        """Multiplier of the base rate at update ``t`` (1, 2, ...): the linear warm-up."""
        return min(1.0, t / self.warmup_steps) if self.warmup_steps else 1.0

    def eval_params(self, params: Params) -> Params:
        """The point to evaluate: the average :math:`x_{t+1}` after ``t`` updates.

        ``params`` is the current gradient point :math:`y` (what :meth:`step` returned); it is
        returned unchanged before the first step, when :math:`x = y`.  The result is a copy.
        """
        if "x" not in self.state:
            return params
        x = self.state["x"]
        return {k: v.copy() for k, v in x.items()} if isinstance(x, dict) else x.copy()

    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        # the sum of the averaging weights is kept in float64 whatever the parameters' dtype:
        # in float16 a sum of 2048 ones would stop growing
        return {"z": np.array(x, copy=True), "x": np.array(x, copy=True),
                **self._extra_arrays(x), "weight_sum": np.zeros((), dtype=np.float64)}

    def _extra_arrays(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {}

    def _direction(self, g: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        return g

    def _update(self, y: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        t = self.t + 1                                      # this is update number t
        z, x = state["z"], state["x"]
        d = self._direction(g, state)                       # g_t, or g_t / (sqrt(v_t) + eps)
        if self.weight_decay:
            d = d + self.weight_decay * y                   # the decay is taken at y_t
        z -= lr * d                                         # z_{t+1} = z_t - gamma_t d_t
        if self.weight_lr_power is None:
            c = 1.0 / (t + 1)                               # the uniform average of z_1..z_{t+1}
        else:
            weight = lr**self.weight_lr_power               # gamma_t^p
            state["weight_sum"] += weight
            total = state["weight_sum"].item()
            c = weight / total if total > 0 else 0.0        # c_{t+1} = gamma_t^p / sum gamma_i^p
        x *= 1.0 - c
        x += c * z                                          # x_{t+1} = (1 - c) x_t + c z_{t+1}
        beta = self._beta
        return (1.0 - beta) * z + beta * x                  # y_{t+1}


class ScheduleFreeSGD(_ScheduleFree):
    r"""Schedule-Free SGD (Defazio et al., 2024, "The Road Less Scheduled").

    With rate :math:`\gamma`, interpolation weight :math:`\beta` (``momentum``), warm-up
    length :math:`T_{\mathrm w}`, weight decay :math:`\lambda` and weight power :math:`p`,
    starting from :math:`z_1 = x_1 = y_1 = \theta_0`, update :math:`t = 1, 2, \dots` with
    the gradient :math:`g_t = \nabla f(y_t)` taken at :math:`y_t` is

    .. math::

        \begin{aligned}
        \gamma_t &= \gamma \min(1, t / T_{\mathrm w}), \\
        z_{t+1} &= z_t - \gamma_t\,(g_t + \lambda y_t), \\
        c_{t+1} &= \gamma_t^{\,p} \Big/ \sum_{i=1}^{t}
                   \gamma_i^{\,p}, \\
        x_{t+1} &= (1 - c_{t+1})\, x_t
                   + c_{t+1}\, z_{t+1}, \\
        y_{t+1} &= (1 - \beta)\, z_{t+1} + \beta\, x_{t+1} .
        \end{aligned}

    ``step(y_t, g_t)`` returns :math:`y_{t+1}`, the next point at which to take a
    gradient; :meth:`eval_params` returns :math:`x_{t+1}`, the point to evaluate (the
    book writes :math:`\bar\theta_k` for :math:`x` and :math:`\tilde\theta_k` for
    :math:`y`).  With :math:`p = 2` (the default, the paper's warm-up weighting) and a
    constant rate, :math:`x_{t+1}` is the uniform average of :math:`z_2, \dots, z_{t+1}`;
    with ``weight_lr_power=None``, :math:`c_{t+1} = 1/(t+1)` as in the paper's theory, and
    :math:`x_{t+1}` is the uniform average of :math:`z_1, \dots, z_{t+1}`.  With
    :math:`\beta = 0` the gradient is taken at :math:`z`, which is then plain SGD, and
    :math:`x` is its Polyak-Ruppert average; with :math:`\beta = 1` the gradient is taken
    at the average itself (primal averaging).

    Parameters
    ----------
    lr : float or callable, default 1.0
        Learning rate :math:`\gamma` (> 0), or a schedule ``lr(t)`` (the warm-up multiplies
        it); the method is meant for a constant rate.
    momentum : float, default 0.9
        Interpolation weight :math:`\beta \in [0, 1]` (the paper's :math:`\beta`).
    weight_decay : float, default 0.0
        :math:`\lambda \ge 0`, applied at :math:`y_t` and scaled by :math:`\gamma_t`.
    warmup_steps : int, default 0
        Linear warm-up length :math:`T_{\mathrm w} \ge 0` (0: none).
    weight_lr_power : float or None, default 2.0
        Power :math:`p \ge 0` of the rate in the averaging weights; None for
        :math:`c_{t+1} = 1/(t+1)`.

    Attributes
    ----------
    state : dict
        ``"z"`` (:math:`z_{t+1}`), ``"x"`` (:math:`x_{t+1}`) and ``"weight_sum"``
        (:math:`\sum_i \gamma_i^{\,p}`, float64).

    Notes
    -----
    ``last_lr`` and ``current_lr()`` give :math:`\gamma_t`, warm-up included.  The paper's
    weights use :math:`\gamma_t`; the reference code and optax use the largest rate so far,
    :math:`\max_{i \le t}\gamma_i`, the same for any non-decreasing rate (warm-up, then
    constant).  Mapping to ``optax.contrib.schedule_free_sgd(learning_rate, warmup_steps,
    b1, weight_decay, weight_lr_power)``: ``b1`` is ``momentum`` (optax needs it > 0), and
    optax's ``params`` are :math:`y`; ``optax.contrib.schedule_free_eval_params`` gives
    :math:`x`.  Without warm-up the two coincide step for step (tests/test_parity.py);
    optax's warm-up gives the SGD step the rate :math:`\gamma (t-1)/T_{\mathrm w}` (0 at the
    first update) but weights the average with :math:`\gamma t/T_{\mathrm w}`, so with a
    warm-up the two differ.  The reference PyTorch code is
    ``schedulefree.SGDScheduleFree(params, lr, momentum, weight_decay, warmup_steps, r,
    weight_lr_power)``, with ``r = 0``.

    References
    ----------
    - Defazio, A., Yang, X., Mehta, H., Mishchenko, K., Khaled, A. and Cutkosky, A. (2024).
      The road less scheduled. *NeurIPS*. arXiv:2405.15682.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlearn.optim import ScheduleFreeSGD
    >>> opt = ScheduleFreeSGD(lr=0.5, momentum=0.9)
    >>> y = np.array([1.0])
    >>> for _ in range(3):
    ...     y = opt.step(y, y)          # gradient of f(y) = y^2 / 2, taken at y
    >>> print(y, opt.eval_params(y))    # the gradient point y and the average x
    [0.2525] [0.27291667]
    """

    def __init__(
        self,
        lr: LearningRate = 1.0,
        momentum: float = 0.9,
        weight_decay: float = 0.0,
        warmup_steps: int = 0,
        weight_lr_power: float | None = 2.0,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        self.momentum = check_unit_interval("momentum", momentum)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.warmup_steps = check_int("warmup_steps", warmup_steps)
        self.weight_lr_power = _check_power(weight_lr_power)
        self._beta = self.momentum
        self.state_names = ("z", "x", "weight_sum")
        self._build_groups()


class ScheduleFreeAdamW(_ScheduleFree):
    r"""Schedule-Free AdamW (Defazio et al., 2024, Algorithm 1 of "The Road Less Scheduled").

    With rate :math:`\gamma`, ``betas`` :math:`(\beta, \beta_2)`, :math:`\epsilon`, decay
    :math:`\lambda`, warm-up length :math:`T_{\mathrm w}` and weight power :math:`p`,
    starting from :math:`z_1 = x_1 = y_1 = \theta_0` and :math:`v_0 = 0`, update
    :math:`t = 1, 2, \dots` with :math:`g_t = \nabla f(y_t)` is

    .. math::

        \begin{aligned}
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2, \\
        \gamma_t &= \gamma \sqrt{1 - \beta_2^{\,t}}
                    \min(1, t / T_{\mathrm w}), \\
        z_{t+1} &= z_t - \gamma_t \frac{g_t}{\sqrt{v_t}
                   + \epsilon} - \gamma_t \lambda y_t, \\
        c_{t+1} &= \gamma_t^{\,p} \Big/ \sum_{i=1}^{t}
                   \gamma_i^{\,p}, \\
        x_{t+1} &= (1 - c_{t+1})\, x_t
                   + c_{t+1}\, z_{t+1}, \\
        y_{t+1} &= (1 - \beta)\, z_{t+1} + \beta\, x_{t+1} .
        \end{aligned}

    There is no first moment: the interpolation with :math:`\beta` takes the place of
    momentum.  The bias correction of :math:`v_t` sits in :math:`\gamma_t`, as in the
    paper, so it also enters the averaging weights.  ``step`` returns :math:`y_{t+1}`;
    :meth:`eval_params` returns :math:`x_{t+1}` (see :class:`ScheduleFreeSGD`).

    Parameters
    ----------
    lr : float or callable, default 0.0025
        Learning rate :math:`\gamma` (> 0), or a schedule ``lr(t)``.
    betas : tuple of two floats, default (0.9, 0.999)
        :math:`\beta \in [0, 1]` (interpolation) and :math:`\beta_2 \in [0, 1)`.
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added after the square root of the uncorrected :math:`v_t`.
    weight_decay : float, default 0.0
        :math:`\lambda \ge 0`, applied at :math:`y_t`, scaled by :math:`\gamma_t`.
    warmup_steps : int, default 0
        Linear warm-up length :math:`T_{\mathrm w} \ge 0` (0: none).
    weight_lr_power : float or None, default 2.0
        Power :math:`p` in the averaging weights; None for :math:`c_{t+1} = 1/(t+1)`.

    Attributes
    ----------
    state : dict
        ``"z"``, ``"x"``, ``"exp_avg_sq"`` (:math:`v_t`) and ``"weight_sum"`` (float64).

    Notes
    -----
    This is the rule of the paper and of the reference ``AdamWScheduleFreePaper``.  optax's
    ``optax.contrib.schedule_free_adamw`` (like the reference ``AdamWScheduleFree``) divides by
    :math:`\sqrt{v_t/(1 - \beta_2^t)} + \epsilon` instead, that is, it scales
    :math:`\epsilon` by :math:`\sqrt{1-\beta_2^t}` differently, and leaves the bias factor
    out of the averaging weights: the two coincide when :math:`\beta_2 = 0` and without
    warm-up, and differ otherwise.  Written with optax's general
    ``optax.contrib.schedule_free`` wrapper around ``scale_by_rms(decay=b2, eps=eps,
    eps_in_sqrt=False, bias_correction=False)``, ``add_decayed_weights`` and the rate
    :math:`\gamma_t` above, the paper's rule is reproduced step for step, warm-up included
    (tests/test_parity.py).  ``last_lr`` is :math:`\gamma_t`.

    References
    ----------
    - Defazio, A., Yang, X., Mehta, H., Mishchenko, K., Khaled, A. and Cutkosky, A. (2024).
      The road less scheduled. *NeurIPS*. arXiv:2405.15682.
    - Loshchilov, I. and Hutter, F. (2019). Decoupled weight decay regularization. *ICLR*.
    """

    def __init__(
        self,
        lr: LearningRate = 0.0025,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        warmup_steps: int = 0,
        weight_lr_power: float | None = 2.0,
        *,
        maximize: bool = False,
        param_groups: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(lr, maximize=maximize, param_groups=param_groups)
        try:
            beta, beta2 = betas
        except (TypeError, ValueError):
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
        self.betas = (check_unit_interval("betas[0]", beta), check_beta("betas[1]", beta2))
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonnegative("weight_decay", weight_decay)
        self.warmup_steps = check_int("warmup_steps", warmup_steps)
        self.weight_lr_power = _check_power(weight_lr_power)
        self._beta = self.betas[0]
        self.state_names = ("z", "x", "exp_avg_sq", "weight_sum")
        self._build_groups()

    def _factor(self, t: int) -> float:
        return super()._factor(t) * math.sqrt(1.0 - self.betas[1] ** t)

    def _extra_arrays(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {"exp_avg_sq": np.zeros_like(x)}

    def _direction(self, g: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        v = state["exp_avg_sq"]
        beta2 = self.betas[1]
        v *= beta2
        v += (1.0 - beta2) * np.square(g)                   # v_t = b2 v_{t-1} + (1 - b2) g_t^2
        return g / (np.sqrt(v) + self.eps)
