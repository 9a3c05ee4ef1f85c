"""The one training loop: :func:`minimize` for functions, :func:`fit` for minibatch training.

Both stop for a stated reason (``Result.status``): ``"converged"`` (gradient norm or loss change
below tolerance), ``"max_steps"``, ``"diverged"`` (a non-finite loss, gradient or parameter, or a
loss that exploded) or ``"callback"``.  A diverged run never returns NaN: ``Result.x`` is the last
point whose loss and gradient were finite, and the loop runs under ``np.errstate(all="ignore")`` so
an overflow does not flood the output with warnings.  :class:`~gdlearn.result.Result` and
:class:`~gdlearn.result.History` live in :mod:`gdlearn.result` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gdlearn._loop_utils import (
    BLOWUP,
    as_float_tree,
    clip_grad,
    optimizer_step,
    optional,
    print_progress,
    resolve_objective,
)
from gdlearn._tree import Params, as_params, check_same_structure, tree_all_finite, tree_copy, tree_norm
from gdlearn._validate import check_int, check_nonnegative, check_positive
from gdlearn.result import History, Result

__all__ = ["History", "Result", "minimize", "fit"]


# -- minimize --------------------------------------------------------------------------------
def minimize(
    objective: Any,
    x0: Params,
    optimizer: Any,
    *,
    max_steps: int = 1000,
    gtol: float | None = None,
    ftol: float | None = None,
    clip_value: float | None = None,
    clip_norm: float | None = None,
    callback: Callable[[int, Params, float, Params], bool | None] | None = None,
    progress: bool = False,
    record_points: bool = True,
) -> Result:
    r"""Minimize a function with a first- or second-order optimizer.

    Each iteration clips the gradient (if asked), calls the optimizer, evaluates loss and gradient
    at the new point and checks the stopping rules, in this order:

    * non-finite new point, loss or gradient, or :math:`f_k > 10^{12}\max(1, |f_0|)` → ``"diverged"``
      (the new point is rejected: ``Result.x`` stays the last good one);
    * :math:`|f_k - f_{k-1}| \le \text{ftol}\cdot\max(1, |f_k|)` → ``"converged"``;
    * :math:`\|\nabla f(x_k)\| \le \text{gtol}` (also checked at :math:`x_0`) → ``"converged"``;
    * ``callback`` returned True → ``"callback"``;
    * ``max_steps`` updates made → ``"max_steps"``.

    Parameters
    ----------
    objective : object or tuple
        Anything with ``value(x)`` and ``grad(x)`` (and ``hess(x)`` for an optimizer with
        ``needs_hessian``), or a tuple ``(f, grad)`` of callables.
    x0 : numpy.ndarray or dict of numpy.ndarray
        Starting point (must be finite; it is copied, never modified).
    optimizer : Optimizer
        Anything with ``step(x, g)``; ``step(x, g, H)`` when ``optimizer.needs_hessian``;
        ``step(x, g, f)`` when ``optimizer.needs_value``.  It is ``reset()`` first, so one
        optimizer object can be reused for several runs.
    max_steps : int, default 1000
        Maximum number of updates.
    gtol, ftol : float, optional
        Tolerances of the gradient-norm and loss-change stopping rules (off when None).
    clip_value : float, optional
        Clip every gradient entry to ``[-clip_value, clip_value]``.
    clip_norm : float, optional
        Rescale the whole gradient to norm ``clip_norm`` when it is longer (direction kept).
        Applied after ``clip_value`` when both are given.
    callback : callable, optional
        ``callback(k, x, loss, grad)`` is called at every accepted point, ``k = 0`` being ``x0``;
        returning True stops the run.
    progress : bool, default False
        Print a one-line summary about every 10 % of ``max_steps``.
    record_points : bool, default True
        Store every point in ``history.x`` (array parameters only).

    Returns
    -------
    Result

    Raises
    ------
    ValueError
        If ``x0`` holds NaN/inf or the gradient's shape differs from ``x0``'s, or on a bad setting.

    Examples
    --------
    >>> from gdlearn.optim.base import Optimizer
    >>> class GD(Optimizer):
    ...     def _update(self, x, g, state, lr):
    ...         return x - lr * g
    >>> quadratic = (lambda x: float(x @ x), lambda x: 2 * x)
    >>> res = minimize(quadratic, np.array([1.0, -2.0]), GD(lr=0.1), gtol=1e-8)
    >>> res.status, res.n_steps
    ('converged', 90)
    """
    value, grad, hess = resolve_objective(objective, optimizer)
    x = as_params("x0", x0)
    max_steps = check_int("max_steps", max_steps)
    gtol, ftol = optional(check_nonnegative, "gtol", gtol), optional(check_nonnegative, "ftol", ftol)
    clip_value = optional(check_positive, "clip_value", clip_value)
    clip_norm = optional(check_positive, "clip_norm", clip_norm)
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    if hasattr(optimizer, "reset"):
        optimizer.reset()
    n_f = n_g = 0

    def counted_value(p: Params) -> float:
        nonlocal n_f
        n_f += 1
        return float(value(p))

    with np.errstate(all="ignore"):
        f = counted_value(x)
        g = as_float_tree(grad(x))
        n_g += 1
        check_same_structure(x, g)
        gn = tree_norm(g)
        losses, gnorms, lrs = [f], [gn], []
        points = [tree_copy(x)] if record_points and not isinstance(x, dict) else None
        limit = BLOWUP * max(1.0, abs(f))
        every = max(1, max_steps // 10)
        status, message = "max_steps", f"reached max_steps={max_steps}"
        if not (np.isfinite(f) and np.isfinite(gn)):
            status, message = "diverged", "the loss or gradient at x0 is not finite"
        elif gtol is not None and gn <= gtol:
            status, message = "converged", f"gradient norm {gn:.3g} <= gtol={gtol:g} at x0"
        elif callback is not None and callback(0, x, f, g):
            status, message = "callback", "callback asked to stop at step 0"
        k = 0
        if progress:
            print_progress(0, max_steps, f, gn)
        while status == "max_steps" and k < max_steps:
            new, lr = optimizer_step(optimizer, x, clip_grad(g, clip_value, clip_norm), counted_value, hess)
            if not tree_all_finite(new):
                status, message = "diverged", f"non-finite parameters after step {k + 1}"
                break
            f_new = counted_value(new)
            g_new = as_float_tree(grad(new))
            n_g += 1
            gn = tree_norm(g_new)
            if not (np.isfinite(f_new) and np.isfinite(gn)) or f_new > limit:
                status, message = "diverged", f"loss {f_new:.3g} or gradient norm {gn:.3g} at step {k + 1}"
                break
            k += 1
            x, g, f_prev, f = new, g_new, f, f_new
            losses.append(f)
            gnorms.append(gn)
            lrs.append(lr)
            if points is not None:
                points.append(tree_copy(x))
            if progress and (k % every == 0 or k == max_steps):
                print_progress(k, max_steps, f, gn)
            if ftol is not None and abs(f - f_prev) <= ftol * max(1.0, abs(f)):
                status, message = "converged", f"loss change {abs(f - f_prev):.3g} <= ftol={ftol:g}"
            elif gtol is not None and gn <= gtol:
                status, message = "converged", f"gradient norm {gn:.3g} <= gtol={gtol:g}"
            elif callback is not None and callback(k, x, f, g):
                status, message = "callback", f"callback asked to stop at step {k}"
    if progress:
        print(f"{status}: {message}")
    history = History(np.array(losses), np.array(gnorms), np.array(lrs, dtype=float),
                      None if points is None else np.stack(points))
    return Result(x, f, status, message, k, n_g, n_f, history)


# -- fit -------------------------------------------------------------------------------------
def _batches(n: int, batch_size: int, rng: np.random.Generator, shuffle: bool) -> list[np.ndarray]:
    order = rng.permutation(n) if shuffle else np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


class _Recorder:
    """Full-data evaluations of :func:`fit`: records good points, detects divergence, runs the callback."""

    def __init__(self, model: Any, n: int, callback: Callable | None, record_x: bool) -> None:
        self.model, self.n, self.callback = model, n, callback
        self.losses: list[float] = []
        self.gnorms: list[float] = []
        self.points: list[np.ndarray] | None = [] if record_x else None
        self.n_f = 0
        self.limit = np.inf
        self.x: Params | None = None  # last recorded point
        self.k = -1  # update count at the last recorded point
        self.message = ""

    def __call__(self, params: Params, k: int) -> str | None:
        """Evaluate at ``params`` after ``k`` updates; return a stop status or None to go on."""
        self.n_f += self.n
        f = float(self.model.value(params))
        g = as_float_tree(self.model.grad(params))
        if k == 0:
            check_same_structure(params, g)
            self.limit = BLOWUP * max(1.0, abs(f)) if np.isfinite(f) else np.inf
        gn = tree_norm(g)
        if not (np.isfinite(f) and np.isfinite(gn)) or f > self.limit:
            self.message = f"full-data loss {f:.3g} or gradient norm {gn:.3g} after {k} updates"
            return "diverged"
        self.losses.append(f)
        self.gnorms.append(gn)
        if self.points is not None:
            self.points.append(tree_copy(params))
        self.x, self.k = params, k
        if self.callback is not None and self.callback(k, params, f, g):
            self.message = f"callback asked to stop after {k} updates"
            return "callback"
        return None


def fit(
    model: Any,
    params0: Params,
    optimizer: Any,
    *,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator,
    shuffle: bool = True,
    clip_norm: float | None = None,
    clip_value: float | None = None,
    callback: Callable[[int, Params, float, Params], bool | None] | None = None,
    eval_every: str | int = "epoch",
) -> Result:
    """Train a data-bound model by minibatch gradient descent.

    Every epoch visits the rows once, in a fresh random order drawn from ``rng`` (in order when
    ``shuffle=False``), in minibatches of ``batch_size`` rows (the last may be shorter); each
    minibatch gives one update with ``model.grad(params, idx)``.  At every evaluation point (before
    training, after each epoch or every ``eval_every`` updates, and at the end) the full-data loss
    and gradient are computed, recorded and checked for divergence.

    Parameters
    ----------
    model : object
        Has ``value(w, idx=None)``, ``grad(w, idx=None)`` and ``n_samples`` (see :mod:`gdlearn.models`);
        ``hess(w)`` (full data) for an optimizer with ``needs_hessian``.
    params0 : numpy.ndarray or dict of numpy.ndarray
        Starting parameters (copied).
    optimizer : Optimizer
        As for :func:`minimize` (``needs_value`` optimizers get the minibatch loss); reset first.
    epochs : int
        Number of passes over the data.
    batch_size : int
        Rows per minibatch (``n_samples`` for full-batch gradient descent, 1 for plain SGD).
    rng : numpy.random.Generator
        Source of the shuffling; the same seed gives the same run.
    shuffle : bool, default True
        Reshuffle the rows every epoch.
    clip_norm, clip_value : float, optional
        Gradient clipping, as in :func:`minimize`.
    callback : callable, optional
        ``callback(k, params, loss, grad)`` at every evaluation point, with ``k`` the number of updates
        made and the full-data loss and gradient; True stops the run (status ``"callback"``).
    eval_every : "epoch" or int, default "epoch"
        Evaluate after every epoch, or after every ``eval_every`` updates (1 records every step).

    Returns
    -------
    Result
        ``status`` is ``"max_steps"`` after all epochs, else ``"diverged"`` or ``"callback"``.
        ``x`` and ``fun`` are the last recorded point and its full-data loss (on divergence: the last
        good evaluation point).  ``n_steps`` counts updates and ``history.lr`` has one entry per update,
        while ``history.loss``, ``grad_norm`` and ``x`` have one per evaluation point.
        ``n_grad_evals`` counts the per-sample gradients used by the updates (``epochs * n_samples``
        for a full run); ``n_fun_evals`` counts per-sample losses, the full-data evaluations included.
    """
    for name in ("value", "grad"):
        if not callable(getattr(model, name, None)):
            raise TypeError(f"model must have a {name}(params, idx=None) method")
    n = check_int("model.n_samples", getattr(model, "n_samples", None), minimum=1)
    params = as_params("params0", params0)
    epochs = check_int("epochs", epochs)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if eval_every != "epoch":
        eval_every = check_int("eval_every", eval_every, minimum=1)
    clip_value = optional(check_positive, "clip_value", clip_value)
    clip_norm = optional(check_positive, "clip_norm", clip_norm)
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    hess = getattr(model, "hess", None)
    if getattr(optimizer, "needs_hessian", False) and not callable(hess):
        raise TypeError(f"{type(optimizer).__name__} needs the Hessian but the model has no hess(w)")
    if hasattr(optimizer, "reset"):
        optimizer.reset()
    evaluate = _Recorder(model, n, callback, record_x=not isinstance(params, dict))
    lrs: list[float] = []
    n_g, k, status = 0, 0, None
    with np.errstate(all="ignore"):
        status = evaluate(params, 0)
        if status == "diverged":
            evaluate.x, evaluate.message = params, "the loss or gradient at params0 is not finite"
        for _ in range(epochs if status is None else 0):
            for idx in _batches(n, batch_size, rng, shuffle):
                g = as_float_tree(model.grad(params, idx))
                n_g += len(idx)

                def batch_value(p: Params, idx: np.ndarray = idx) -> float:
                    evaluate.n_f += len(idx)
                    return float(model.value(p, idx))

                new = None
                if tree_all_finite(g):
                    g = clip_grad(g, clip_value, clip_norm)
                    new, lr = optimizer_step(optimizer, params, g, batch_value, hess)
                if new is None or not tree_all_finite(new):
                    status = "diverged"
                    evaluate.message = f"non-finite minibatch gradient or parameters at update {k + 1}"
                    break
                params, k = new, k + 1
                lrs.append(lr)
                if eval_every != "epoch" and k % eval_every == 0:
                    status = evaluate(params, k)
                    if status is not None:
                        break
            if status is None and eval_every == "epoch":
                status = evaluate(params, k)
            if status is not None:
                break
        if status is None and evaluate.k != k:  # the last updates were not yet evaluated
            status = evaluate(params, k)
    if status is None:
        status, evaluate.message = "max_steps", f"ran {epochs} epochs ({k} updates)"
    history = History(np.array(evaluate.losses), np.array(evaluate.gnorms), np.array(lrs, dtype=float),
                      None if evaluate.points is None else np.stack(evaluate.points))
    fun = evaluate.losses[-1] if evaluate.losses else float("nan")
    return Result(evaluate.x, fun, status, evaluate.message, k, n_g, evaluate.n_f, history)
