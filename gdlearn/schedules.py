r"""Learning-rate schedules: small callables ``schedule(t) -> float``.

``t`` is the number of updates already made, so ``schedule(0)`` is the rate of the first
update.  Any optimizer in :mod:`gdlearn.optim` accepts a schedule in place of a number:
``SGD(lr=CosineDecay(0.1, total_steps=100))``.  Schedules compose: :class:`LinearWarmup`
and :class:`PerEpoch` wrap another schedule, and :func:`join` runs several one after the
other.  :class:`WarmupStableDecay`, :class:`OneCycle` and :class:`LinearDecay` (written in
``gdlearn/_schedules_decay.py``) are re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from gdlearn._validate import check_int, check_nonnegative, check_positive

__all__ = [
    "BaseSchedule",
    "Constant",
    "StepDecay",
    "ExponentialDecay",
    "InverseTimeDecay",
    "CosineDecay",
    "LinearWarmup",
    "PerEpoch",
    "Joined",
    "join",
    "as_schedule",
    "WarmupStableDecay",
    "OneCycle",
    "LinearDecay",
]

ScheduleLike = float | Callable[[int], float]


class BaseSchedule:
    """Base class: subclasses write ``_value(t)``; calling checks ``t`` first."""

    def __call__(self, t: int) -> float:
        return self._value(check_int("t", t, minimum=0))

    def _value(self, t: int) -> float:
        raise NotImplementedError

    def values(self, n: int) -> np.ndarray:
        """The rates of the first ``n`` updates, ``[self(0), ..., self(n - 1)]``, as an array."""
        return np.array([self._value(t) for t in range(check_int("n", n, minimum=0))], dtype=float)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Constant(BaseSchedule):
    r"""The same rate at every step: :math:`\eta_t = \eta`.

    Parameters
    ----------
    lr : float
        The rate :math:`\eta > 0`.
    """

    def __init__(self, lr: float) -> None:
        self.lr = check_positive("lr", lr)

    def _value(self, t: int) -> float:
        return self.lr


class StepDecay(BaseSchedule):
    r"""Multiply the rate by ``gamma`` every ``step_size`` steps (``torch.optim.lr_scheduler.StepLR``).

    .. math::

        \eta_t = \eta_0 \, \gamma^{\lfloor t / s \rfloor}

    Parameters
    ----------
    lr : float
        Initial rate :math:`\eta_0 > 0`.
    step_size : int
        Number :math:`s \ge 1` of steps between two decays.
    gamma : float, default 0.1
        Factor :math:`\gamma > 0` applied at each decay.
    """

    def __init__(self, lr: float, step_size: int, gamma: float = 0.1) -> None:
        self.lr = check_positive("lr", lr)
        self.step_size = check_int("step_size", step_size, minimum=1)
        self.gamma = check_positive("gamma", gamma)

    def _value(self, t: int) -> float:
        return self.lr * self.gamma ** (t // self.step_size)


class ExponentialDecay(BaseSchedule):
    r"""Multiply the rate by ``gamma`` at every step (``torch.optim.lr_scheduler.ExponentialLR``).

    .. math::

        \eta_t = \eta_0 \, \gamma^{t}

    Parameters
    ----------
    lr : float
        Initial rate :math:`\eta_0 > 0`.
    gamma : float
        Factor :math:`\gamma > 0` per step (below 1 for a decay).
    """

    def __init__(self, lr: float, gamma: float) -> None:
        self.lr = check_positive("lr", lr)
        self.gamma = check_positive("gamma", gamma)

    def _value(self, t: int) -> float:
        return self.lr * self.gamma**t


class InverseTimeDecay(BaseSchedule):
    r"""The rate falls like :math:`1/t`, the classic Robbins-Monro condition for SGD.

    .. math::

        \eta_t = \frac{\eta_0}{1 + r\, t / T}

    Parameters
    ----------
    lr : float
        Initial rate :math:`\eta_0 > 0`.
    decay_rate : float
        Decay rate :math:`r \ge 0` (0 gives a constant rate).
    decay_steps : int, default 1
        Time scale :math:`T \ge 1` of the decay.
    """

    def __init__(self, lr: float, decay_rate: float, decay_steps: int = 1) -> None:
        self.lr = check_positive("lr", lr)
        self.decay_rate = check_nonnegative("decay_rate", decay_rate)
        self.decay_steps = check_int("decay_steps", decay_steps, minimum=1)

    def _value(self, t: int) -> float:
        return self.lr / (1.0 + self.decay_rate * t / self.decay_steps)


class CosineDecay(BaseSchedule):
    r"""Half a cosine from ``lr`` down to ``min_lr`` over ``total_steps`` steps (Loshchilov and Hutter, 2017).

    .. math::

        \eta_t = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min})
        \left(1 + \cos\frac{\pi \min(t, T)}{T}\right)

    so :math:`\eta_0` at :math:`t = 0` and :math:`\eta_{\min}` from :math:`t = T` on
    (no restarts; ``torch.optim.lr_scheduler.CosineAnnealingLR`` with ``T_max = T`` and
    ``eta_min = min_lr``, held at the minimum after :math:`T`).

    Parameters
    ----------
    lr : float
        Initial rate :math:`\eta_0 > 0`.
    total_steps : int
        Length :math:`T \ge 1` of the decay.
    min_lr : float, default 0.0
        Final rate :math:`0 \le \eta_{\min} \le \eta_0`.
    """

    def __init__(self, lr: float, total_steps: int, min_lr: float = 0.0) -> None:
        self.lr = check_positive("lr", lr)
        self.total_steps = check_int("total_steps", total_steps, minimum=1)
        self.min_lr = check_nonnegative("min_lr", min_lr)
        if self.min_lr > self.lr:
            raise ValueError(f"min_lr ({self.min_lr}) must not exceed lr ({self.lr})")

    def _value(self, t: int) -> float:
        frac = min(t, self.total_steps) / self.total_steps
        return self.min_lr + 0.5 * (self.lr - self.min_lr) * (1.0 + math.cos(math.pi * frac))


class LinearWarmup(BaseSchedule):
    r"""Ramp the rate up linearly for ``warmup_steps`` steps, then hand over to ``after``.

    With :math:`W` warm-up steps and :math:`a_t` the following schedule
    (a constant when ``after`` is a number),

    .. math::

        \eta_t = \begin{cases}
            a_0 \, \dfrac{t + 1}{W} & t < W, \\
            a_{t - W} & t \ge W .
        \end{cases}

    The first update already uses :math:`a_0 / W > 0`: the common off-by-one
    :math:`a_0\, t / W` would waste the first update with a rate of 0.  The last warm-up
    step reaches the full rate :math:`a_0`.

    Parameters
    ----------
    after : float or callable
        The rate (> 0) or schedule :math:`a` to continue with; its step count starts at 0
        when the warm-up ends.
    warmup_steps : int
        Number :math:`W \ge 1` of warm-up steps.
    """

    def __init__(self, after: ScheduleLike, warmup_steps: int) -> None:
        self.after = as_schedule(after, name="after")
        self.warmup_steps = check_int("warmup_steps", warmup_steps, minimum=1)

    def _value(self, t: int) -> float:
        if t < self.warmup_steps:
            return float(self.after(0)) * (t + 1) / self.warmup_steps
        return float(self.after(t - self.warmup_steps))


class PerEpoch(BaseSchedule):
    r"""Hold the rate constant within each epoch: :math:`\eta_t = s(\lfloor t / n \rfloor)`.

    Turns a schedule written in epochs into one in steps, for minibatch training with
    :math:`n` steps per epoch.

    Parameters
    ----------
    schedule : callable
        The schedule :math:`s` in epochs.
    steps_per_epoch : int
        Number :math:`n \ge 1` of updates per epoch.
    """

    def __init__(self, schedule: Callable[[int], float], steps_per_epoch: int) -> None:
        if not callable(schedule):
            raise TypeError(f"schedule must be callable, got {type(schedule).__name__}")
        self.schedule = schedule
        self.steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, minimum=1)

    def _value(self, t: int) -> float:
        return float(self.schedule(t // self.steps_per_epoch))


class Joined(BaseSchedule):
    r"""Several schedules one after another, switching at given step boundaries.

    With schedules :math:`s_0, \dots, s_k` and boundaries :math:`0 < b_1 < \dots < b_k`
    (and :math:`b_0 = 0`), :math:`\eta_t = s_i(t - b_i)` for :math:`b_i \le t < b_{i+1}`:
    each schedule restarts its own count at its boundary (as ``optax.join_schedules``).
    Built by :func:`join`.

    Parameters
    ----------
    schedules : sequence of float or callable
        The :math:`k + 1` pieces (numbers become constants).
    boundaries : sequence of int
        The :math:`k` increasing switching steps, each >= 1.
    """

    def __init__(self, schedules: Sequence[ScheduleLike], boundaries: Sequence[int]) -> None:
        self.schedules = [as_schedule(s, name=f"schedules[{i}]") for i, s in enumerate(schedules)]
        self.boundaries = [check_int(f"boundaries[{i}]", b, minimum=1) for i, b in enumerate(boundaries)]
        if len(self.schedules) != len(self.boundaries) + 1:
            raise ValueError(
                f"boundaries must have one entry fewer than schedules: got {len(self.boundaries)} "
                f"boundaries for {len(self.schedules)} schedules"
            )
        if any(b0 >= b1 for b0, b1 in zip(self.boundaries[:-1], self.boundaries[1:], strict=True)):
            raise ValueError(f"boundaries must be strictly increasing, got {self.boundaries}")

    def _value(self, t: int) -> float:
        start, piece = 0, self.schedules[0]
        for boundary, schedule in zip(self.boundaries, self.schedules[1:], strict=True):
            if t < boundary:
                break
            start, piece = boundary, schedule
        return float(piece(t - start))


def join(schedules: Sequence[ScheduleLike], boundaries: Sequence[int]) -> Joined:
    """Run ``schedules[i]`` from step ``boundaries[i - 1]`` on, restarting its count there.

    Example: ``join([LinearWarmup(0.1, 10), CosineDecay(0.1, 90)], [10])`` warms up for 10
    steps, then decays over 90 (for this warm-up alone ``LinearWarmup(CosineDecay(0.1, 90), 10)``
    is equivalent).  See :class:`Joined`.
    """
    return Joined(schedules, boundaries)


def as_schedule(lr: ScheduleLike, name: str = "lr") -> Callable[[int], float]:
    """Return ``lr`` if it is callable, or :class:`Constant` ``(lr)`` for a number (> 0).

    Raises
    ------
    TypeError
        If ``lr`` is neither a real number nor callable.
    ValueError
        If ``lr`` is a number that is not finite and > 0.
    """
    if callable(lr):
        return lr
    return Constant(check_positive(name, lr))


# the schedules of current practice live in their own module (it imports BaseSchedule from here)
from gdlearn._schedules_decay import LinearDecay, OneCycle, WarmupStableDecay  # noqa: E402
