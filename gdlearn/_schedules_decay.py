r"""The schedules of current practice: warm-up-stable-decay, one-cycle, linear decay to zero.

Re-exported by :mod:`gdlearn.schedules` (import them from there).  As every gdlearn schedule,
each is called with ``t``, the number of updates already made, and keeps only its constructor's
settings as attributes, so an optimizer's ``state_dict`` saves it by its settings.
"""

from __future__ import annotations

import math

from gdlearn._validate import check_int, check_nonnegative, check_positive, check_unit_interval
from gdlearn.schedules import BaseSchedule

__all__ = ["WarmupStableDecay", "OneCycle", "LinearDecay"]

_WSD_SHAPES = ("linear", "1-sqrt", "cosine")


def _check_min_lr(min_lr: float, lr: float, name: str = "lr") -> float:
    min_lr = check_nonnegative("min_lr", min_lr)
    if min_lr > lr:
        raise ValueError(f"min_lr ({min_lr}) must not exceed {name} ({lr})")
    return min_lr


class LinearDecay(BaseSchedule):
    r"""A straight line from ``lr`` down to ``min_lr`` (by default zero) over ``total_steps`` steps.

    .. math::

        \eta_t = \eta_{\min} + (\eta_0 - \eta_{\min})
        \Bigl(1 - \frac{\min(t, T)}{T}\Bigr)

    ``torch.optim.lr_scheduler.LinearLR(start_factor=1, end_factor=min_lr / lr,
    total_iters=T)`` and ``optax.linear_schedule(lr, min_lr, T)``.  Decaying linearly to zero
    is the schedule that the last-iterate analysis of SGD recommends (Defazio et al., 2023)
    and that matched or beat cosine in the large language-model runs of Bergsma et al. (2025).

    Parameters
    ----------
    lr : float
        Initial rate :math:`\eta_0 > 0`.
    total_steps : int
        Length :math:`T \ge 1` of the decay; the rate is :math:`\eta_{\min}` from :math:`t = T` on.
    min_lr : float, default 0.0
        Final rate :math:`0 \le \eta_{\min} \le \eta_0`.
    """

    def __init__(self, lr: float, total_steps: int, min_lr: float = 0.0) -> None:
        self.lr = check_positive("lr", lr)
        self.total_steps = check_int("total_steps", total_steps, minimum=1)
        self.min_lr = _check_min_lr(min_lr, self.lr)

    def _value(self, t: int) -> float:
        frac = min(t, self.total_steps) / self.total_steps
        return self.min_lr + (self.lr - self.min_lr) * (1.0 - frac)


class WarmupStableDecay(BaseSchedule):
    r"""Warm-up, a long constant phase, then a short decay (WSD; Hu et al., 2024; Hägele et al., 2024).

    With :math:`T` steps in all, :math:`T_{\mathrm w}` of warm-up and :math:`T_{\mathrm d}` of
    decay, starting at :math:`T_{\mathrm s} = T - T_{\mathrm d}`,

    .. math::

        \begin{aligned}
        \eta_t &= \eta\, \frac{t + 1}{T_{\mathrm w}}
            \quad (t < T_{\mathrm w}), \\
        \eta_t &= \eta
            \quad (T_{\mathrm w} \le t < T_{\mathrm s}), \\
        \eta_t &= \eta_{\min} + (\eta - \eta_{\min})\,
            h\Bigl(\frac{t - T_{\mathrm s}}{T_{\mathrm d}}\Bigr)
            \quad (t \ge T_{\mathrm s}),
        \end{aligned}

    with :math:`h(s) = 1 - s` (``"linear"``), :math:`1 - \sqrt{s}` (``"1-sqrt"``, the
    cool-down Hägele et al. found best) or :math:`\tfrac12(1 + \cos\pi s)` (``"cosine"``),
    and :math:`s` capped at 1, so the rate is :math:`\eta_{\min}` from :math:`t = T` on.
    The warm-up is :class:`~gdlearn.schedules.LinearWarmup`'s (no wasted first step at rate 0).

    Because the decay is short and comes last, one long constant run can be branched into
    decays at several lengths: the point of WSD for runs whose length is not known ahead.

    Parameters
    ----------
    lr : float
        Peak rate :math:`\eta > 0`.
    total_steps : int
        :math:`T \ge 1`.
    decay_steps : int
        :math:`T_{\mathrm d} \ge 1` (Hägele et al. use about 20 % of :math:`T`).
    warmup_steps : int, default 0
        :math:`T_{\mathrm w} \ge 0`, with :math:`T_{\mathrm w} + T_{\mathrm d} \le T`.
    shape : {"linear", "1-sqrt", "cosine"}, default "linear"
        The decay :math:`h`.
    min_lr : float, default 0.0
        Final rate :math:`0 \le \eta_{\min} \le \eta`.
    """

    def __init__(self, lr: float, total_steps: int, decay_steps: int, warmup_steps: int = 0,
                 shape: str = "linear", min_lr: float = 0.0) -> None:
        self.lr = check_positive("lr", lr)
        self.total_steps = check_int("total_steps", total_steps, minimum=1)
        self.decay_steps = check_int("decay_steps", decay_steps, minimum=1)
        self.warmup_steps = check_int("warmup_steps", warmup_steps)
        if self.warmup_steps + self.decay_steps > self.total_steps:
            raise ValueError(f"warmup_steps + decay_steps ({self.warmup_steps} + {self.decay_steps}) "
                             f"must not exceed total_steps ({self.total_steps})")
        if shape not in _WSD_SHAPES:
            raise ValueError(f"shape must be one of {_WSD_SHAPES}, got {shape!r}")
        self.shape = shape
        self.min_lr = _check_min_lr(min_lr, self.lr)

    def _value(self, t: int) -> float:
        if t < self.warmup_steps:
            return self.lr * (t + 1) / self.warmup_steps
        decay_start = self.total_steps - self.decay_steps
        if t < decay_start:
            return self.lr
        s = min(1.0, (t - decay_start) / self.decay_steps)
        if self.shape == "linear":
            h = 1.0 - s
        elif self.shape == "1-sqrt":
            h = 1.0 - math.sqrt(s)
        else:
            h = 0.5 * (1.0 + math.cos(math.pi * s))
        return self.min_lr + (self.lr - self.min_lr) * h


class OneCycle(BaseSchedule):
    r"""The one-cycle policy (Smith and Topin, 2019), value for value ``torch.optim.lr_scheduler.OneCycleLR``.

    The rate climbs from :math:`\eta_{\max}/d` to :math:`\eta_{\max}` over the first fraction
    :math:`p` of the :math:`T` steps, then falls to :math:`\eta_{\max}/(d\,d_{\mathrm f})`.
    With :math:`a = pT - 1` (the step at the peak, as in PyTorch) and the cosine ramp
    :math:`r(u, v, s) = v + \tfrac12 (u - v)(1 + \cos \pi s)`,

    .. math::

        \begin{aligned}
        \eta_t &= r\Bigl(\frac{\eta_{\max}}{d}, \eta_{\max},
            \frac{t}{a}\Bigr) \quad (t \le a), \\
        \eta_t &= r\Bigl(\eta_{\max}, \frac{\eta_{\max}}{d\, d_{\mathrm f}},
            \frac{t - a}{T - 1 - a}\Bigr) \quad (t > a).
        \end{aligned}

    ``anneal_strategy="linear"`` uses :math:`r(u, v, s) = u + (v - u)s` instead;
    ``three_phase=True`` is PyTorch's three-phase form: up until :math:`a`, down to
    :math:`\eta_{\max}/d` at :math:`2pT - 2`, then down to the final rate at :math:`T - 1`.
    The last update, :math:`t = T - 1`, has the final rate, which is also returned for
    :math:`t \ge T` (where PyTorch raises an error or extrapolates).  A phase of length zero
    (PyTorch divides by zero there) ends at once.

    Parameters
    ----------
    max_lr : float
        Peak rate :math:`\eta_{\max} > 0`.
    total_steps : int
        :math:`T \ge 1`, the number of updates of the run.
    pct_start : float, default 0.3
        Fraction :math:`p \in [0, 1]` of the steps spent climbing.
    anneal_strategy : {"cos", "linear"}, default "cos"
        Shape of each ramp.
    div_factor : float, default 25.0
        :math:`d > 0`: the initial rate is :math:`\eta_{\max}/d`.
    final_div_factor : float, default 1e4
        :math:`d_{\mathrm f} > 0`: the final rate is :math:`\eta_{\max}/(d\, d_{\mathrm f})`.
    three_phase : bool, default False
        PyTorch's three-phase variant.

    Notes
    -----
    PyTorch's ``OneCycleLR`` also cycles the momentum in the opposite direction by default
    (``cycle_momentum=True``); a gdlearn schedule sets only the learning rate.
    """

    def __init__(self, max_lr: float, total_steps: int, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False) -> None:
        self.max_lr = check_positive("max_lr", max_lr)
        self.total_steps = check_int("total_steps", total_steps, minimum=1)
        self.pct_start = check_unit_interval("pct_start", pct_start)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self.anneal_strategy = anneal_strategy
        self.div_factor = check_positive("div_factor", div_factor)
        self.final_div_factor = check_positive("final_div_factor", final_div_factor)
        if not isinstance(three_phase, bool):
            raise TypeError(f"three_phase must be True or False, got {three_phase!r}")
        self.three_phase = three_phase

    def _ramp(self, start: float, end: float, frac: float) -> float:
        if self.anneal_strategy == "linear":
            return (end - start) * frac + start
        return end + (start - end) / 2.0 * (math.cos(math.pi * frac) + 1.0)

    def _value(self, t: int) -> float:
        initial = self.max_lr / self.div_factor
        final = initial / self.final_div_factor
        total = self.total_steps
        peak = float(self.pct_start * total) - 1
        if self.three_phase:
            phases = [(peak, initial, self.max_lr), (2 * peak, self.max_lr, initial),
                      (total - 1, initial, final)]
        else:
            phases = [(peak, initial, self.max_lr), (total - 1, self.max_lr, final)]
        if t >= total:
            return final
        start = 0.0
        for i, (end, lr_start, lr_end) in enumerate(phases):
            if t <= end or i == len(phases) - 1:
                frac = (t - start) / (end - start) if end != start else 1.0
                return self._ramp(lr_start, lr_end, frac)
            start = end
        raise AssertionError("unreachable")  # pragma: no cover
