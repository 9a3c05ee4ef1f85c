"""A small, fair optimizer benchmark: workloads with targets, time to target, performance profiles.

The method is AlgoPerf's (Dahl et al., 2023) at the scale of a notebook:

* a :class:`Workload` is a training problem with a **target**: a score (lower is better: a loss
  gap, an error rate) that a run must reach, checked every ``eval_every`` steps;
* :func:`run_to_target` trains from a seeded start and reports the number of **steps** and of
  **gradient evaluations** it took to reach the target (``inf`` if it did not, within the
  workload's budget of gradient evaluations);
* :func:`tune` spends the same budget of trials on every optimizer (a grid of settings) and picks
  the setting with the smallest median cost over a set of tuning seeds;
* :func:`performance_profile` (Dolan and Moré, 2002) turns a table of costs, one row per problem
  and one column per optimizer, into the fraction of problems each optimizer solves within a
  factor :math:`\\tau` of the best one; :func:`profile_score` integrates it as AlgoPerf does.

Costs are counted, never timed: a gradient on a minibatch counts 1; a function value asked for by
a line search counts 1; a Hessian counts ``d`` (what ``d`` Hessian-vector products, or a
finite-difference Hessian from ``d`` gradients, would cost).

References
----------
- Dahl, G. E. et al. (2023). Benchmarking neural network training algorithms. arXiv:2306.07179.
- Dolan, E. D. and Moré, J. J. (2002). Benchmarking optimization software with performance
  profiles. *Mathematical Programming* 91(2), 201-213.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdlearn._tree import Params, flatten, tree_all_finite, unflatten
from gdlearn._validate import check_int, check_rng

__all__ = ["Workload", "Run", "run_to_target", "tune", "performance_ratios",
           "performance_profile", "profile_score"]


@dataclass(frozen=True)
class Workload:
    """A training problem with a target.

    Parameters
    ----------
    name : str
        Short name, used in tables.
    init : callable
        ``init(rng) -> params``: the starting point, drawn from ``rng``.
    grad : callable
        ``grad(params, idx) -> gradient`` on the examples ``idx`` (``None``: all of them).
    value : callable
        ``value(params, idx) -> float``: the training loss on the same examples (for line searches).
    score : callable
        ``score(params) -> float``: the quantity compared with ``target``; lower is better.
    target : float
        The run succeeds at the first evaluation where ``score <= target``.
    budget : int
        The most gradient evaluations a run may spend (see :func:`run_to_target` for how they
        are counted); for a first-order method without line search, its step budget.
    eval_every : int, default 1
        The score is checked after every ``eval_every`` steps (so step counts are multiples).
    n_samples, batch_size : int, optional
        For a minibatch workload: each epoch visits a fresh permutation of the ``n_samples``
        examples in minibatches of ``batch_size`` (the last, shorter one is dropped). Without
        them every step uses all the data (``idx = None``).
    hess : callable, optional
        ``hess(params, idx) -> (d, d) array`` for second-order methods.
    """

    name: str
    init: Callable[[np.random.Generator], Params]
    grad: Callable[[Params, Any], Params]
    value: Callable[[Params, Any], float]
    score: Callable[[Params], float]
    target: float
    budget: int
    eval_every: int = 1
    n_samples: int | None = None
    batch_size: int | None = None
    hess: Callable[[Params, Any], np.ndarray] | None = None

    def __post_init__(self) -> None:
        check_int("budget", self.budget, minimum=1)
        check_int("eval_every", self.eval_every, minimum=1)
        if (self.n_samples is None) != (self.batch_size is None):
            raise ValueError("give both n_samples and batch_size (a minibatch workload) or neither")
        if self.batch_size is not None and not 1 <= self.batch_size <= self.n_samples:
            raise ValueError(f"batch_size must be between 1 and n_samples = {self.n_samples}, "
                             f"got {self.batch_size}")


@dataclass(frozen=True)
class Run:
    """The outcome of one run: cost to target (``inf`` if missed), status and last score.

    ``status`` is ``"reached"``, ``"budget"`` (the budget of gradient evaluations ran out) or
    ``"diverged"`` (a non-finite parameter or score).
    """

    steps: float
    evals: float
    status: str
    final_score: float


def _batches(workload: Workload, rng: np.random.Generator) -> Iterable[Any]:
    if workload.batch_size is None:
        while True:
            yield None
    per_epoch = workload.n_samples // workload.batch_size
    while True:
        order = rng.permutation(workload.n_samples)
        for j in range(per_epoch):
            yield order[j * workload.batch_size:(j + 1) * workload.batch_size]


def _eval_point(optimizer: Any, params: Params) -> Params:
    """The point whose score counts: an optimizer that keeps an averaged iterate names it."""
    point = getattr(optimizer, "eval_params", None)
    return point(params) if callable(point) else params


def run_to_target(workload: Workload, optimizer: Any, rng: np.random.Generator,
                  max_evals: float = np.inf) -> Run:
    """Train from ``workload.init(rng)`` until the target is reached or the budget is spent.

    A run reaches the target at the first check (every ``workload.eval_every`` steps) where
    the score is at most the target, provided it has spent at most ``workload.budget``
    gradient evaluations by then.

    Parameters
    ----------
    workload : Workload
    optimizer : gdlearn optimizer
        A fresh instance (it is reset first).  ``needs_value`` optimizers (a line search) get
        the minibatch loss and are charged every call of it; ``needs_hessian`` optimizers get
        the minibatch Hessian and are charged ``d`` gradient evaluations for it.  An optimizer
        with an ``eval_params(params)`` method (schedule-free) is scored at that point.
    rng : numpy.random.Generator
        Draws the start, then the order of the minibatches.
    max_evals : float, default inf
        A tighter budget than the workload's: :func:`tune` uses it to cut a run that can no
        longer beat the best one so far.

    Returns
    -------
    Run
    """
    check_rng(rng)
    if optimizer.needs_hessian and workload.hess is None:
        raise ValueError(f"workload {workload.name!r} has no Hessian for {type(optimizer).__name__}")
    optimizer.reset()
    params = workload.init(rng)
    flat = isinstance(params, dict) and optimizer.needs_value
    like = params
    if flat:  # a line search works on one array: ravel the parameters for it
        params = flatten(params)
    evals = 0
    batches = _batches(workload, rng)
    limit = min(workload.budget, max_evals)
    k = 0
    while True:
        if evals >= limit:
            p = unflatten(params, like) if flat else params
            score = float(workload.score(_eval_point(optimizer, p)))
            return Run(np.inf, np.inf, "budget", score if np.isfinite(score) else np.nan)
        k += 1
        idx = next(batches)
        p = unflatten(params, like) if flat else params
        g = workload.grad(p, idx)
        evals += 1
        if optimizer.needs_hessian:
            h = workload.hess(p, idx)
            evals += h.shape[0]
            params = optimizer.step(params, g, h)
        elif optimizer.needs_value:
            before = optimizer.n_evals
            params = optimizer.step(params, flatten(g) if flat else g,
                                    lambda q, idx=idx: workload.value(
                                        unflatten(q, like) if flat else q, idx))
            evals += optimizer.n_evals - before
        else:
            params = optimizer.step(params, g)
        if not tree_all_finite(params):
            return Run(np.inf, np.inf, "diverged", np.nan)
        if evals > limit:  # a step of several evaluations went past the budget
            continue
        if k % workload.eval_every == 0:
            p = unflatten(params, like) if flat else params
            score = float(workload.score(_eval_point(optimizer, p)))
            if not np.isfinite(score):
                return Run(np.inf, np.inf, "diverged", np.nan)
            if score <= workload.target:
                return Run(float(k), float(evals), "reached", score)


def tune(workload: Workload, make: Callable[[float], Any], grid: Sequence[float],
         seeds: Sequence[int], cost: str = "evals") -> tuple[float, np.ndarray]:
    """Pick the setting of ``grid`` with the smallest median cost over the tuning ``seeds``.

    Parameters
    ----------
    workload : Workload
    make : callable
        ``make(value) -> optimizer`` for one setting (say, a learning rate).
    grid : sequence of float
        The settings tried: the tuning budget is ``len(grid) * len(seeds)`` runs.
    seeds : sequence of int
        Seeds of the tuning runs (keep them apart from the seeds that are reported).  Use an
        odd number: with ``cost="evals"`` a run is then cut as soon as it has spent more
        evaluations than the best median so far, and a setting's remaining seeds are skipped
        once most of its runs have been cut; neither can change the choice (a median of an
        odd number of runs is one of them).
    cost : {"evals", "steps"}, default "evals"

    Returns
    -------
    best : float
        The chosen setting: smallest median cost, ties to the earlier one in ``grid``.  If no
        setting reaches the target on most seeds, the one with the lowest median final score.
    costs : numpy.ndarray, shape (len(grid), len(seeds))
        Cost of every tuning run (``inf`` where the target was missed or the run was cut).
    """
    if cost not in ("evals", "steps"):
        raise ValueError(f"cost must be 'evals' or 'steps', got {cost!r}")
    if len(grid) == 0 or len(seeds) == 0:
        raise ValueError("grid and seeds must not be empty")
    costs = np.empty((len(grid), len(seeds)))
    finals = np.empty_like(costs)
    cut = len(seeds) % 2 == 1 and cost == "evals"
    for i, value in enumerate(grid):
        cap = np.median(costs[:i], axis=1).min(initial=np.inf) if cut else np.inf
        costs[i], finals[i] = np.inf, np.inf
        for j, seed in enumerate(seeds):
            run = run_to_target(workload, make(value), np.random.default_rng(seed), cap)
            costs[i, j] = getattr(run, cost)
            finals[i, j] = run.final_score if np.isfinite(run.final_score) else np.inf
            if np.sum(costs[i, :j + 1] > cap) > len(seeds) // 2:
                break  # the median is already above the best one: skip the other seeds
    med = np.median(costs, axis=1)
    if np.isfinite(med).any():
        return grid[int(np.argmin(med))], costs
    return grid[int(np.argmin(np.median(finals, axis=1)))], costs


def performance_ratios(costs: Any) -> np.ndarray:
    r"""Ratios :math:`r_{p,s} = t_{p,s} / \min_{s'} t_{p,s'}` of a cost table.

    Parameters
    ----------
    costs : array_like, shape (n_problems, n_solvers)
        Positive costs; ``inf`` marks a failure.  A problem no solver solved gets ``inf``
        ratios throughout.

    Returns
    -------
    numpy.ndarray, same shape
    """
    t = np.asarray(costs, dtype=float)
    if t.ndim != 2 or t.size == 0:
        raise ValueError(f"costs must be a non-empty 2-D table (problems x solvers), got shape "
                         f"{t.shape}")
    if np.any(np.isnan(t)) or np.any(t <= 0):
        raise ValueError("costs must be positive numbers or inf (no NaN, no zero)")
    best = t.min(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        r = t / best
    r[~np.isfinite(best[:, 0])] = np.inf
    return r


def performance_profile(costs: Any, taus: Any) -> np.ndarray:
    r"""Dolan and Moré's performance profile :math:`\rho_s(\tau)` of every solver.

    .. math::

        \rho_s(\tau) = \frac{1}{n_p}\,
        \bigl|\{p : r_{p,s} \le \tau\}\bigr| ,

    the fraction of problems solver :math:`s` solves within a factor :math:`\tau \ge 1` of the
    best solver on that problem.

    Parameters
    ----------
    costs : array_like, shape (n_problems, n_solvers)
        As in :func:`performance_ratios`.
    taus : array_like
        Factors :math:`\tau \ge 1`.

    Returns
    -------
    numpy.ndarray, shape (len(taus), n_solvers)
    """
    r = performance_ratios(costs)
    tau = np.atleast_1d(np.asarray(taus, dtype=float))
    if tau.ndim != 1 or np.any(np.isnan(tau)) or np.any(tau < 1):
        raise ValueError("taus must be a 1-D list of factors >= 1")
    return (r[None, :, :] <= tau[:, None, None]).mean(axis=1)


def profile_score(costs: Any, tau_max: float = 4.0) -> np.ndarray:
    r"""AlgoPerf's benchmark score: the profile's mean height over :math:`1 \le \tau \le \tau_{\max}`.

    .. math::

        B_s = \frac{1}{\tau_{\max} - 1}
        \int_1^{\tau_{\max}} \rho_s(\tau)\, d\tau ,

    computed exactly (the profile is a step function): between 0 (never within
    :math:`\tau_{\max}` of the best) and 1 (the best on every problem).
    """
    if not tau_max > 1:
        raise ValueError(f"tau_max must be > 1, got {tau_max}")
    r = performance_ratios(costs)
    # a problem solved at ratio r contributes the length of [r, tau_max] to the integral
    inside = np.clip(tau_max - r, 0.0, None)
    inside[~np.isfinite(r)] = 0.0
    return inside.mean(axis=0) / (tau_max - 1)
