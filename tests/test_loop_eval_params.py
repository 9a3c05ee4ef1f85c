"""The loop reports the averaged point of schedule-free optimizers and of weight averaging
(``eval_params``, :class:`gdlearn.protocols.HasEvalParams`), and nothing changes for the others."""

from __future__ import annotations

import numpy as np
import pytest

from gdlearn.loop import fit, minimize
from gdlearn.models import LinearRegression
from gdlearn.optim import EMA, SGD, PolyakAveraging, ScheduleFreeAdamW, ScheduleFreeSGD
from gdlearn.protocols import HasEvalParams

A = np.diag([1.0, 4.0])
C = np.array([1.0, -2.0])
QUADRATIC = (lambda x: float(0.5 * x @ A @ x - C @ x), lambda x: A @ x - C)


@pytest.mark.parametrize("make", [lambda: ScheduleFreeSGD(lr=0.2), lambda: ScheduleFreeAdamW(lr=0.05),
                                  lambda: PolyakAveraging(SGD(lr=0.2), start=5),
                                  lambda: EMA(SGD(lr=0.2), decay=0.9)])
def test_minimize_reports_the_averaged_point(make):
    opt = make()
    assert isinstance(opt, HasEvalParams)
    res = minimize(QUADRATIC, np.zeros(2), opt, max_steps=40, gtol=None)
    y = res.history.x[-1]                          # the last point the optimizer stepped from
    np.testing.assert_array_equal(res.x, opt.eval_params(y))
    assert not np.array_equal(res.x, y)
    assert res.fun == QUADRATIC[0](res.x)
    assert res.history.loss[-1] == QUADRATIC[0](y)  # the history keeps the gradient points
    assert res.n_fun_evals == 42                   # x0, 40 steps, and the averaged point
    assert res.fun_best <= res.fun


def test_minimize_without_eval_params_is_unchanged():
    opt = SGD(lr=0.2)
    assert not isinstance(opt, HasEvalParams)
    res = minimize(QUADRATIC, np.zeros(2), opt, max_steps=40, gtol=None)
    np.testing.assert_array_equal(res.x, res.history.x[-1])
    assert res.n_fun_evals == 41


def test_fit_evaluates_at_the_averaged_point():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3))
    model = LinearRegression(X, X @ np.array([1.0, -1.0, 0.5]) + 0.3 * rng.standard_normal(64))
    opt = EMA(SGD(lr=0.05), decay=0.9)
    res = fit(model, np.zeros(3), opt, epochs=4, batch_size=8, rng=np.random.default_rng(1))
    # the same run by hand: the same minibatches, the average evaluated after every epoch
    by_hand = EMA(SGD(lr=0.05), decay=0.9)
    w, order_rng, losses = np.zeros(3), np.random.default_rng(1), [model.value(np.zeros(3))]
    for _ in range(4):
        perm = order_rng.permutation(64)
        for i in range(0, 64, 8):
            w = by_hand.step(w, model.grad(w, perm[i:i + 8]))
        losses.append(model.value(by_hand.eval_params(w)))
    np.testing.assert_allclose(res.history.loss, losses, rtol=1e-12)
    np.testing.assert_allclose(res.x, by_hand.eval_params(w), rtol=1e-12)
    assert res.fun == pytest.approx(losses[-1], rel=1e-12)
