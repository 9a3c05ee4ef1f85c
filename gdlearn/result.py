"""What a run of :func:`gdlearn.loop.minimize` or :func:`gdlearn.loop.fit` returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gdlearn._tree import Params

__all__ = ["History", "Result"]


@dataclass(repr=False)
class History:
    """What happened at every recorded point, as numpy arrays.

    Attributes
    ----------
    loss : numpy.ndarray
        Loss at each recorded point, shape ``(k + 1,)``; index 0 is the starting point.
    grad_norm : numpy.ndarray
        Euclidean norm of the (unclipped) gradient at each recorded point, shape ``(k + 1,)``.
    lr : numpy.ndarray
        Learning rate of each update, shape ``(number of updates,)``.
    x : numpy.ndarray or None
        The recorded points stacked, shape ``(k + 1, *x.shape)``, when the parameters are one array
        and points were recorded; else None.
    """

    loss: np.ndarray
    grad_norm: np.ndarray
    lr: np.ndarray
    x: np.ndarray | None = None

    def __repr__(self) -> str:
        xs = "None" if self.x is None else f"array{self.x.shape}"
        return f"History(loss=array({len(self.loss)},), lr=array({len(self.lr)},), x={xs})"


@dataclass(repr=False)
class Result:
    """Outcome of :func:`minimize` or :func:`fit`.

    Attributes
    ----------
    x : numpy.ndarray or dict
        Final parameters (the last recorded point).
    fun : float
        Loss at ``x`` (full-data loss for :func:`fit`).
    status : str
        ``"converged"``, ``"max_steps"``, ``"diverged"`` or ``"callback"``.
    message : str
        Why the loop stopped, in words.
    n_steps : int
        Number of accepted updates. A non-finite update is rejected and not counted (``x`` is
        the point before it); the point at which the blow-up or rising-loss check fires is
        finite, so it is accepted and counted.
    n_grad_evals : int
        Gradient evaluations (per-sample gradients for :func:`fit`).
    n_fun_evals : int
        Loss evaluations (per-sample for :func:`fit`), including those made by a line search.
    history : History
        Per-point record of the run.
    x_best, fun_best : numpy.ndarray or dict, float
        The recorded point with the lowest loss, and that loss (equal to ``x`` and ``fun``
        when the loss fell all the way; different after a run that diverged or oscillated).
    diverged_by : str or None
        The divergence check that stopped the run: ``"non-finite"``, ``"blow-up"`` or
        ``"rising-loss"`` (None unless ``status == "diverged"``).
    x_resume : numpy.ndarray or dict
        Where to continue the run from with ``reset=False``: the last point the optimizer
        stepped to.  It is ``x`` itself, except for an optimizer with ``eval_params``
        (schedule-free methods, weight averaging), whose ``x`` is the averaged point while the
        optimizer steps from another one.
    """

    x: Params
    fun: float
    status: str
    message: str
    n_steps: int
    n_grad_evals: int
    n_fun_evals: int
    history: History = field(default_factory=lambda: History(np.empty(0), np.empty(0), np.empty(0)))
    x_best: Params | None = None
    fun_best: float = float("nan")
    diverged_by: str | None = None
    x_resume: Params | None = None

    def __post_init__(self) -> None:
        if self.x_best is None:
            self.x_best, self.fun_best = self.x, self.fun
        if self.x_resume is None:
            self.x_resume = self.x

    @property
    def converged(self) -> bool:
        """True when the run stopped because a tolerance was met."""
        return self.status == "converged"

    @property
    def diverged(self) -> bool:
        """True when a divergence check stopped the run (``message`` says which)."""
        return self.status == "diverged"

    def __repr__(self) -> str:
        return (f"Result(status={self.status!r}, fun={self.fun:.6g}, n_steps={self.n_steps}, "
                f"message={self.message!r})")
