"""The one training loop: :func:`minimize` for functions, :func:`fit` for minibatch training.

Both stop for a stated reason (``Result.status``): ``"converged"`` (gradient norm or loss change
below tolerance), ``"max_steps"``, ``"diverged"`` (a non-finite loss, gradient or parameter, a loss
that exploded, or a loss that rose far above its start and keeps rising; ``Result.message`` names
the check) or ``"callback"``.  A diverged run never returns NaN: ``Result.x`` is the last point
whose loss and gradient were finite and ``Result.x_best`` the best one seen; the loop runs under
``np.errstate(all="ignore")`` so an overflow does not flood the output with warnings.

Memory does not grow with the size of the model times the number of steps unless asked:
points are recorded only when they are small (``record_points="auto"``) or on request.
:class:`~gdlearn.result.Result` and :class:`~gdlearn.result.History` live in :mod:`gdlearn.result`
and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from gdlearn._loop_utils import (
    RISE,
    Divergence,
    check_optimizer,
    clip_grad,
    optional,
    print_progress,
    resolve_objective,
)
from gdlearn._tree import (
    Params,
    as_params,
    as_tree,
    check_same_structure,
    tree_all_finite,
    tree_norm,
)
from gdlearn._validate import check_int, check_nonnegative, check_positive, check_rng
from gdlearn.data import minibatches
from gdlearn.protocols import HasEvalParams, ObjectiveLike, OptimizerLike
from gdlearn.result import History, Result

__all__ = ["History", "Result", "minimize", "fit", "DEFAULT_GTOL", "AUTO_RECORD"]

#: default gradient-norm tolerance of :func:`minimize` (scipy's ``minimize(method="BFGS")`` uses 1e-5)
DEFAULT_GTOL = 1e-5
#: ``record_points="auto"`` stores the points when their total size is at most this many numbers
AUTO_RECORD = 1_000_000


def _point_buffer(x: Params, max_steps: int, record_points: bool | str) -> np.ndarray | None:
    if record_points not in (True, False, "auto"):
        raise ValueError(f"record_points must be True, False or 'auto', got {record_points!r}")
    if record_points is False:
        return None
    if isinstance(x, dict):
        if record_points is True:
            raise ValueError("record_points=True needs the parameters as one array, not a dict")
        return None
    if record_points == "auto" and x.size * (max_steps + 1) > AUTO_RECORD:
        return None
    buffer = np.empty((max_steps + 1, *x.shape), dtype=x.dtype)  # filled as the run goes
    buffer[0] = x
    return buffer


def check_rise(rise: float | None) -> float | None:
    """The rising-loss threshold: None (check off) or a positive number."""
    return optional(check_positive, "rise", rise)


# -- minimize --------------------------------------------------------------------------------
def minimize(
    objective: ObjectiveLike | tuple[Callable, ...],
    x0: Params,
    optimizer: OptimizerLike,
    *,
    max_steps: int = 1000,
    gtol: float | None = DEFAULT_GTOL,
    ftol: float | None = None,
    clip_value: float | None = None,
    clip_norm: float | None = None,
    callback: Callable[[int, Params, float, Params], bool | None] | None = None,
    progress: bool = False,
    record_points: bool | Literal["auto"] = "auto",
    reset: bool = True,
    rise: float | None = RISE,
) -> Result:
    r"""Minimize a function with a first- or second-order optimizer.

    Each iteration clips the gradient (if asked), calls the optimizer, evaluates loss and gradient
    at the new point and checks the stopping rules, in this order:

    * divergence (``Result.diverged_by`` names the check that fired, ``Result.message`` says
      what it saw): ``"non-finite"``, a non-finite new point, loss or gradient (the new point
      is rejected); ``"blow-up"``, a loss above :math:`10^{12}\max(1, |f_0|)`; or
      ``"rising-loss"``, a loss that has risen more than ``rise`` :math:`\cdot\max(1, |f_0|)`
      above :math:`f_0` and is still setting new highs (the last two points are accepted);
    * :math:`|f_k - f_{k-1}| \le \text{ftol}\cdot\max(1, |f_k|)` → ``"converged"``;
    * :math:`\|\nabla f(x_k)\| \le \text{gtol}` (also checked at :math:`x_0`) → ``"converged"``;
    * ``callback`` returned True → ``"callback"``;
    * ``max_steps`` updates made → ``"max_steps"``.

    Parameters
    ----------
    objective : ObjectiveLike or tuple
        Anything with ``value(x)`` and ``grad(x)`` (see :class:`gdlearn.protocols.ObjectiveLike`;
        ``value_and_grad(x)`` is used when present, ``hess(x)`` for an optimizer with
        ``needs_hessian``), or a tuple ``(f, grad)`` / ``(f, grad, hess)`` of callables.
    x0 : numpy.ndarray or dict of numpy.ndarray
        Starting point (finite; copied, never modified). float32 stays float32.
    optimizer : OptimizerLike
        An optimizer *instance* (e.g. ``SGD(lr=0.1)``); ``step(x, g, H)`` is called when it
        ``needs_hessian``, ``step(x, g, f)`` when it ``needs_value``.
    max_steps : int, default 1000
        Maximum number of updates.
    gtol : float or None, default 1e-5
        Stop when the gradient norm is at most ``gtol`` (:data:`DEFAULT_GTOL`, as scipy's BFGS);
        None runs to ``max_steps`` unless another rule stops it. "Converged" means a small
        gradient, not a minimum: a saddle point or a flat plateau stops the run too.
    ftol : float, optional
        Stop when the loss changes by at most ``ftol * max(1, |f|)`` in one step (off when None).
    clip_value, clip_norm : float, optional
        Clip the gradient with :func:`gdlearn.clip.clip_grad_value` then
        :func:`gdlearn.clip.clip_grad_norm`.
    callback : callable, optional
        ``callback(k, x, loss, grad)`` is called at every accepted point, ``k = 0`` being ``x0``;
        returning True stops the run.
    progress : bool, default False
        Print a one-line summary about every 10 % of ``max_steps``.
    record_points : True, False or "auto", default "auto"
        Store every point in ``history.x`` (one array only). ``"auto"`` records when all the
        points together hold at most :data:`AUTO_RECORD` numbers, so a large model does not fill
        the memory; the buffer is allocated once.
    reset : bool, default True
        Reset the optimizer first. ``reset=False`` continues a run: pass the previous result's
        ``x_resume`` as ``x0`` and the same optimizer (its moments and step count carry on).
        ``x_resume`` is ``x`` except for an optimizer with ``eval_params``, whose ``x`` is the
        averaged point, not the one it steps from.
    rise : float or None, default 1e3
        The rising-loss check's threshold (:data:`gdlearn._loop_utils.RISE`); None switches the
        check off, for a run that is meant to climb before it falls (a warm-up, a hop out of a
        basin). The non-finite and blow-up checks always apply.

    Returns
    -------
    Result
        ``x`` is the last accepted point, ``x_best`` the one with the lowest loss.  For an
        optimizer with ``eval_params`` (:class:`gdlearn.protocols.HasEvalParams`: schedule-free
        methods, weight averaging) ``x`` is ``optimizer.eval_params(last point)``, the averaged
        point, and ``fun`` its loss (one more evaluation); ``history`` and the stopping rules
        still use the points the optimizer steps from.

    Raises
    ------
    ValueError
        If ``x0`` holds NaN/inf, the objective's value is not a scalar, the gradient's shape
        differs from ``x0``'s, or on a bad setting.
    TypeError
        If the optimizer is a class rather than an instance, or the objective lacks ``value``
        and ``grad``.

    Examples
    --------
    >>> from gdlearn.optim import SGD
    >>> quadratic = (lambda x: float(x @ x), lambda x: 2 * x)
    >>> res = minimize(quadratic, np.array([1.0, -2.0]), SGD(lr=0.1), gtol=1e-8)
    >>> res.status, res.n_steps
    ('converged', 90)
    """
    optimizer = check_optimizer(optimizer)
    x = as_params("x0", x0)
    max_steps = check_int("max_steps", max_steps)
    gtol, ftol = optional(check_nonnegative, "gtol", gtol), optional(check_nonnegative, "ftol", ftol)
    clip_value = optional(check_positive, "clip_value", clip_value)
    clip_norm = optional(check_positive, "clip_norm", clip_norm)
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    if reset:
        optimizer.reset()
    points = _point_buffer(x, max_steps, record_points)
    clipping = clip_value is not None or clip_norm is not None
    needs_hessian, needs_value = optimizer.needs_hessian, optimizer.needs_value
    n_f = n_g = 0

    with np.errstate(all="ignore"):
        value_and_grad, value, hess, f, g = resolve_objective(objective, optimizer, x)
        n_f, n_g = n_f + 1, n_g + 1
        gn = tree_norm(g)
        losses, gnorms, lrs = [f], [gn], []
        diverge = Divergence(f, check_rise(rise))
        diverged_by = None
        x_best, f_best = x, f
        every = max(1, max_steps // 10)
        status, message = "max_steps", f"reached max_steps={max_steps}"
        if not (np.isfinite(f) and np.isfinite(gn)):
            status, message = "diverged", "the loss or gradient at x0 is not finite (non-finite check)"
            diverged_by = "non-finite"
        elif gtol is not None and gn <= gtol:
            status, message = "converged", f"gradient norm {gn:.3g} <= gtol={gtol:g} at x0"
        elif callback is not None and callback(0, x, f, g):
            status, message = "callback", "callback asked to stop at step 0"
        k = 0
        if progress:
            print_progress(0, max_steps, f, gn)

        def counted_value(p: Params) -> float:
            nonlocal n_f
            n_f += 1
            return value(p)

        while status == "max_steps" and k < max_steps:
            step_grad = clip_grad(g, clip_value, clip_norm) if clipping else g
            if needs_hessian:
                new = optimizer.step(x, step_grad, hess(x))
            elif needs_value:
                new = optimizer.step(x, step_grad, counted_value)
            else:
                new = optimizer.step(x, step_grad)
            lr = optimizer.last_lr
            # a non-finite new point gives a non-finite loss or gradient: the check below catches it
            f_new, g_new = value_and_grad(new)
            n_f, n_g = n_f + 1, n_g + 1
            gn = tree_norm(g_new)
            why = diverge.check(f_new, gn, k + 1, lr)
            if why is not None and why[0] == "non-finite":
                status, (diverged_by, message) = "diverged", why  # the point is rejected
                break
            k += 1
            x, g, f_prev, f = new, g_new, f, f_new
            losses.append(f)
            gnorms.append(gn)
            lrs.append(lr)
            if f < f_best:
                x_best, f_best = x, f  # steps return new arrays, so no copy is needed
            if points is not None:
                points[k] = x
            if progress and (k % every == 0 or k == max_steps):
                print_progress(k, max_steps, f, gn)
            if why is not None:
                status, (diverged_by, message) = "diverged", why
            elif ftol is not None and abs(f - f_prev) <= ftol * max(1.0, abs(f)):
                status, message = "converged", f"loss change {abs(f - f_prev):.3g} <= ftol={ftol:g}"
            elif gtol is not None and gn <= gtol:
                status, message = "converged", f"gradient norm {gn:.3g} <= gtol={gtol:g}"
            elif callback is not None and callback(k, x, f, g):
                status, message = "callback", f"callback asked to stop at step {k}"
    if progress:
        print(f"{status}: {message}")
    if points is not None:
        points = points[:k + 1].copy() if k + 1 < len(points) else points
    history = History(np.array(losses), np.array(gnorms), np.array(lrs, dtype=float), points)
    x_resume = x
    if isinstance(optimizer, HasEvalParams):  # report the averaged point, where it is finite
        x_eval = optimizer.eval_params(x)
        if x_eval is not x:
            with np.errstate(all="ignore"):
                f_eval, n_f = float(value(x_eval)), n_f + 1
            if np.isfinite(f_eval):
                x, f = x_eval, f_eval
                if f < f_best:
                    x_best, f_best = x, f
    return Result(x, f, status, message, k, n_g, n_f, history, x_best, f_best, diverged_by, x_resume)


# -- fit -------------------------------------------------------------------------------------
class _Recorder:
    """Full-data evaluations of :func:`fit`: records good points, detects divergence, runs the callback."""

    def __init__(self, model: Any, n: int, callback: Callable | None, record_x: bool,
                 rise: float | None) -> None:
        self.model, self.n, self.callback, self.rise = model, n, callback, rise
        self.losses: list[float] = []
        self.gnorms: list[float] = []
        self.points: list[np.ndarray] | None = [] if record_x else None
        self.n_f = 0
        self.diverge: Divergence | None = None
        self.x: Params | None = None  # last recorded point
        self.x_best: Params | None = None
        self.f_best = np.inf
        self.k = -1  # update count at the last recorded point
        self.message = ""
        self.diverged_by: str | None = None

    def __call__(self, params: Params, k: int, lr: float | None) -> str | None:
        """Evaluate at ``params`` after ``k`` updates; return a stop status or None to go on."""
        self.n_f += self.n
        f = float(self.model.value(params))
        g = as_tree("model.grad(params)", self.model.grad(params))
        gn = tree_norm(g)
        if self.diverge is None:
            check_same_structure(params, g)
            self.diverge = Divergence(f, self.rise)
            finite = np.isfinite(f) and np.isfinite(gn)
            why = None if finite else ("non-finite", "the loss or gradient at params0 is not finite")
        else:
            why = self.diverge.check(f, gn, k, lr)
        if why is not None and why[0] == "non-finite":
            self.diverged_by, self.message = why[0], f"full data: {why[1]}"
            return "diverged"
        self.losses.append(f)
        self.gnorms.append(gn)
        if self.points is not None:
            self.points.append(params)
        self.x, self.k = params, k
        if f < self.f_best:
            self.x_best, self.f_best = params, f
        if why is not None:
            self.diverged_by, self.message = why[0], f"full data: {why[1]}"
            return "diverged"
        if self.callback is not None and self.callback(k, params, f, g):
            self.message = f"callback asked to stop after {k} updates"
            return "callback"
        return None


def fit(
    model: Any,
    params0: Params,
    optimizer: OptimizerLike,
    *,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator | None = None,
    shuffle: bool = True,
    clip_norm: float | None = None,
    clip_value: float | None = None,
    callback: Callable[[int, Params, float, Params], bool | None] | None = None,
    progress: Callable[[int, Params, Params], bool | None] | None = None,
    eval_every: str | int = "epoch",
    reset: bool = True,
    rise: float | None = RISE,
) -> Result:
    """Train a data-bound model by minibatch gradient descent.

    Every epoch visits the rows once, in a fresh random order drawn from ``rng`` (in order when
    ``shuffle=False``), in minibatches of ``batch_size`` rows (the last may be shorter, see
    :func:`gdlearn.data.minibatches`); each minibatch gives one update with
    ``model.grad(params, idx)``.  At every evaluation point (before training, after each epoch or
    every ``eval_every`` updates, and at the end) the full-data loss and gradient are computed,
    recorded and checked for divergence (the checks of :func:`minimize`).

    Parameters
    ----------
    model : object
        Has ``value(w, idx=None)``, ``grad(w, idx=None)`` and ``n_samples`` (see :mod:`gdlearn.models`);
        ``hess(w)`` (full data) for an optimizer with ``needs_hessian``.
    params0 : numpy.ndarray or dict of numpy.ndarray
        Starting parameters (copied).
    optimizer : OptimizerLike
        An optimizer instance (``needs_value`` optimizers get the minibatch loss).
    epochs : int
        Number of passes over the data.
    batch_size : int
        Rows per minibatch (``n_samples`` for full-batch gradient descent, 1 for plain SGD).
    rng : numpy.random.Generator, optional
        Source of the shuffling; the same seed gives the same run. Needed only when ``shuffle``.
    shuffle : bool, default True
        Reshuffle the rows every epoch.
    clip_norm, clip_value : float, optional
        Gradient clipping, as in :func:`minimize`.
    callback : callable, optional
        ``callback(k, params, loss, grad)`` at every evaluation point, with ``k`` the number of updates
        made and the full-data loss and gradient; True stops the run (status ``"callback"``).
    progress : callable, optional
        ``progress(k, params, grad)`` after every update, with the minibatch gradient that update
        used; it forces no full-data evaluation. True stops the run (status ``"callback"``).
    eval_every : "epoch" or int, default "epoch"
        Evaluate after every epoch, or after every ``eval_every`` updates (1 records every step).
    reset : bool, default True
        Reset the optimizer first (``False`` continues a run, as in :func:`minimize`: pass the
        previous result's ``x_resume`` as ``params``).
    rise : float or None, default 1e3
        The rising-loss check's threshold, as in :func:`minimize` (None switches it off).

    Returns
    -------
    Result
        ``status`` is ``"max_steps"`` after all epochs, else ``"diverged"`` or ``"callback"``.
        ``x`` and ``fun`` are the last recorded point and its full-data loss (on divergence to a
        non-finite value: the last good evaluation point); ``x_best`` the recorded point with the
        lowest full-data loss.  For an optimizer with ``eval_params`` (schedule-free methods,
        weight averaging) every evaluation is at ``optimizer.eval_params(params)``, the averaged
        point, so ``x``, ``fun``, ``x_best``, ``history`` and ``callback`` see that point.
        ``n_steps`` counts updates and ``history.lr`` has one entry per update, while
        ``history.loss``, ``grad_norm`` and ``x`` have one per evaluation point.
        ``n_grad_evals`` counts the per-sample gradients used by the updates (``epochs * n_samples``
        for a full run); ``n_fun_evals`` counts per-sample losses, the full-data evaluations included.
    """
    for name in ("value", "grad"):
        if not callable(getattr(model, name, None)):
            raise TypeError(f"model must have a {name}(params, idx=None) method")
    optimizer = check_optimizer(optimizer)
    n = check_int("model.n_samples", getattr(model, "n_samples", None), minimum=1)
    params = as_params("params0", params0)
    epochs = check_int("epochs", epochs)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if shuffle:
        check_rng(rng)
    if eval_every != "epoch":
        eval_every = check_int("eval_every", eval_every, minimum=1)
    clip_value = optional(check_positive, "clip_value", clip_value)
    clip_norm = optional(check_positive, "clip_norm", clip_norm)
    for name, fn in (("callback", callback), ("progress", progress)):
        if fn is not None and not callable(fn):
            raise TypeError(f"{name} must be callable")
    hess = getattr(model, "hess", None)
    if optimizer.needs_hessian and not callable(hess):
        raise TypeError(f"{type(optimizer).__name__} needs the Hessian but the model has no hess(w)")
    if reset:
        optimizer.reset()
    at = optimizer.eval_params if isinstance(optimizer, HasEvalParams) else (lambda p: p)
    evaluate = _Recorder(model, n, callback, record_x=not isinstance(params, dict), rise=check_rise(rise))
    lrs: list[float] = []
    n_g, k, status, lr = 0, 0, None, None
    with np.errstate(all="ignore"):
        status = evaluate(at(params), 0, None)
        if status == "diverged":
            evaluate.x = evaluate.x_best = params
        for _ in range(epochs if status is None else 0):
            for idx in minibatches(n, batch_size, rng, shuffle=shuffle):
                g = as_tree("model.grad(params, idx)", model.grad(params, idx))
                n_g += len(idx)

                def batch_value(p: Params, idx: np.ndarray = idx) -> float:
                    evaluate.n_f += len(idx)
                    return float(model.value(p, idx))

                new = None
                if tree_all_finite(g):
                    g = clip_grad(g, clip_value, clip_norm)
                    if optimizer.needs_hessian:
                        new = optimizer.step(params, g, hess(params))
                    elif optimizer.needs_value:
                        new = optimizer.step(params, g, batch_value)
                    else:
                        new = optimizer.step(params, g)
                    lr = optimizer.last_lr
                if new is None or not tree_all_finite(new):
                    status, evaluate.diverged_by = "diverged", "non-finite"
                    evaluate.message = (f"the minibatch gradient or the parameters became non-finite at "
                                        f"update {k + 1} (non-finite check); try a smaller learning "
                                        f"rate, or check the gradient with gdlearn.check_grad")
                    break
                params, k = new, k + 1
                lrs.append(lr)
                if progress is not None and progress(k, params, g):
                    status, evaluate.message = "callback", f"progress asked to stop after {k} updates"
                    break
                if eval_every != "epoch" and k % eval_every == 0:
                    status = evaluate(at(params), k, lr)
                    if status is not None:
                        break
            if status is None and eval_every == "epoch":
                status = evaluate(at(params), k, lr)
            if status is not None:
                break
        if status in (None, "callback") and evaluate.k != k:  # the last updates were not yet evaluated
            status = evaluate(at(params), k, lr) or status
    if status is None:
        status, evaluate.message = "max_steps", f"ran {epochs} epochs ({k} updates)"
    history = History(np.array(evaluate.losses), np.array(evaluate.gnorms), np.array(lrs, dtype=float),
                      None if evaluate.points is None else np.stack(evaluate.points))
    fun = evaluate.losses[-1] if evaluate.losses else float("nan")
    return Result(evaluate.x, fun, status, evaluate.message, k, n_g, evaluate.n_f, history,
                  evaluate.x_best, evaluate.f_best if evaluate.x_best is not None else fun,
                  evaluate.diverged_by, params)
