"""Tests of gdlearn.loop with a local plain-GD optimizer, a local quadratic and a local linear model."""

import warnings

import numpy as np
import pytest

from gdlearn.linesearch import ArmijoGD
from gdlearn.loop import History, Result, fit, minimize
from gdlearn.optim.base import Optimizer


class GD(Optimizer):
    def _update(self, x, g, state, lr):
        return x - lr * g


class Recorder(GD):
    """Plain GD that remembers the gradients it was given (to check clipping)."""

    def reset(self):
        super().reset()
        self.seen = []

    def _update(self, x, g, state, lr):
        self.seen.append(g.copy())
        return x - lr * g


class NewtonLocal(Optimizer):
    needs_hessian = True

    def step(self, x, g, h):
        self.t += 1
        self.last_lr = 1.0
        return x - np.linalg.solve(h, g)


class Quadratic:
    """f(x) = 1/2 (x - c)^T diag(lam) (x - c)."""

    def __init__(self, lam=(1.0, 10.0), c=(1.0, -2.0)):
        self.lam, self.c = np.array(lam), np.array(c)

    def value(self, x):
        d = x - self.c
        return 0.5 * float(np.sum(self.lam * d * d))

    def grad(self, x):
        return self.lam * (x - self.c)

    def hess(self, x):
        return np.diag(self.lam)


class LinReg:
    """J(w) = (1/2m) ||X_idx w - y_idx||^2, the mean over the rows idx."""

    def __init__(self, n=64, d=3, seed=0):
        rng = np.random.default_rng(seed)
        self.X = rng.normal(size=(n, d))
        self.w_true = np.arange(1.0, d + 1)
        self.y = self.X @ self.w_true + 0.01 * rng.normal(size=n)
        self.n_samples = n
        self.batches = []

    def value(self, w, idx=None):
        X, y = (self.X, self.y) if idx is None else (self.X[idx], self.y[idx])
        r = X @ w - y
        return 0.5 * float(r @ r) / len(y)

    def grad(self, w, idx=None):
        if idx is not None:
            self.batches.append(np.array(idx))
        X, y = (self.X, self.y) if idx is None else (self.X[idx], self.y[idx])
        return X.T @ (X @ w - y) / len(y)


Q = Quadratic()
X0 = np.array([4.0, 3.0])


def test_converges_on_gtol():
    res = minimize(Q, X0, GD(lr=0.1), gtol=1e-8, max_steps=5000)
    assert isinstance(res, Result) and res.status == "converged" and res.converged
    assert np.linalg.norm(Q.grad(res.x)) <= 1e-8
    assert res.history.grad_norm[-1] <= 1e-8 < res.history.grad_norm[-2]
    np.testing.assert_allclose(res.x, Q.c, atol=1e-8)
    # GD on a diagonal quadratic: the slow coordinate shrinks by (1 - 0.1 * 1) per step
    k = res.n_steps
    assert abs(res.x[0] - 1.0) == pytest.approx(3.0 * 0.9**k, rel=1e-6)
    assert res.n_grad_evals == k + 1 and res.n_fun_evals == k + 1


def test_converges_on_ftol():
    res = minimize(Q, X0, GD(lr=0.1), ftol=1e-6, max_steps=5000)
    assert res.status == "converged" and "ftol" in res.message
    loss = res.history.loss
    assert abs(loss[-1] - loss[-2]) <= 1e-6 * max(1.0, abs(loss[-1]))
    assert np.all(np.abs(np.diff(loss[:-1])) > 1e-6 * np.maximum(1.0, np.abs(loss[1:-1])))


def test_max_steps_and_history_shapes():
    res = minimize(Q, X0, GD(lr=0.05), max_steps=25)
    assert res.status == "max_steps" and not res.converged and res.n_steps == 25
    h = res.history
    assert isinstance(h, History)
    assert h.loss.shape == (26,) and h.grad_norm.shape == (26,)
    assert h.lr.shape == (25,) and h.x.shape == (26, 2)
    np.testing.assert_array_equal(h.x[0], X0)
    np.testing.assert_array_equal(h.x[-1], res.x)
    np.testing.assert_allclose(h.lr, 0.05)
    np.testing.assert_allclose(h.loss, [Q.value(p) for p in h.x])
    np.testing.assert_allclose(h.grad_norm, [np.linalg.norm(Q.grad(p)) for p in h.x])
    np.testing.assert_allclose(h.x[1], X0 - 0.05 * Q.grad(X0))
    assert res.fun == h.loss[-1]
    assert minimize(Q, X0, GD(lr=0.05), max_steps=5, record_points=False).history.x is None


def test_schedule_learning_rates_recorded():
    res = minimize(Q, X0, GD(lr=lambda t: 0.1 / (1 + t)), max_steps=4)
    np.testing.assert_allclose(res.history.lr, [0.1, 0.05, 0.1 / 3, 0.025])


def test_diverged_keeps_last_and_best_point_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = minimize(Q, X0, GD(lr=0.5), max_steps=100000)  # 0.5 * 10 = 5 > 2: |1 - 5| = 4 per step
    assert res.status == "diverged" and res.diverged and not res.converged
    assert "rising-loss check" in res.message and "smaller learning rate" in res.message
    assert np.all(np.isfinite(res.x)) and np.isfinite(res.fun)
    np.testing.assert_array_equal(res.x, res.history.x[-1])
    f0 = Q.value(X0)
    assert res.fun == res.history.loss[-1] > f0 + 1e3 * max(1.0, f0)
    # the run stops at the first loss past the threshold: the one before was below it
    assert res.history.loss[-2] <= f0 + 1e3 * max(1.0, f0)
    assert res.fun_best == res.history.loss.min() and res.fun_best <= f0
    np.testing.assert_array_equal(res.x_best, res.history.x[np.argmin(res.history.loss)])
    assert res.n_steps == len(res.history.lr) == len(res.history.loss) - 1


def test_diverged_to_overflow_and_nan_without_warnings():
    f = (lambda x: float(np.exp(x[0] ** 2)), lambda x: 2 * x * np.exp(x ** 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = minimize(f, np.array([1.0]), GD(lr=10.0), max_steps=50)
    assert res.status == "diverged" and np.isfinite(res.x).all() and np.isfinite(res.fun)
    nan_grad = (lambda x: float(x @ x), lambda x: np.full_like(x, np.nan) if x[0] < 0.5 else 2 * x)
    res = minimize(nan_grad, np.array([1.0, 1.0]), GD(lr=0.3), max_steps=50)
    assert res.status == "diverged" and res.n_steps == 0  # x_1 = 0.4 has a NaN gradient
    np.testing.assert_allclose(res.x, [1.0, 1.0])  # the point with a NaN gradient is rejected


def test_clip_by_value():
    opt = Recorder(lr=0.01)
    minimize(Q, X0, opt, max_steps=3, clip_value=2.0)
    g0 = Q.grad(X0)  # (3, 50)
    np.testing.assert_allclose(opt.seen[0], [2.0, 2.0])
    assert np.all(np.abs(np.array(opt.seen)) <= 2.0)
    assert not np.allclose(opt.seen[0] / np.linalg.norm(opt.seen[0]), g0 / np.linalg.norm(g0))


def test_clip_by_norm_keeps_direction():
    opt = Recorder(lr=0.01)
    res = minimize(Q, X0, opt, max_steps=3, clip_norm=5.0)
    g0 = Q.grad(X0)
    np.testing.assert_allclose(opt.seen[0], g0 * 5.0 / np.linalg.norm(g0))
    np.testing.assert_allclose(np.linalg.norm(opt.seen[0]), 5.0)
    np.testing.assert_allclose(res.history.x[1], X0 - 0.01 * 5.0 * g0 / np.linalg.norm(g0))
    # the history keeps the raw gradient norm
    assert res.history.grad_norm[0] == pytest.approx(np.linalg.norm(g0))
    # a short gradient is left alone
    opt = Recorder(lr=0.01)
    minimize(Q, Q.c + 0.01, opt, max_steps=1, clip_norm=5.0)
    np.testing.assert_allclose(opt.seen[0], Q.grad(Q.c + 0.01))


def test_clip_value_then_norm():
    opt = Recorder(lr=0.01)
    minimize(Q, X0, opt, max_steps=1, clip_value=4.0, clip_norm=1.0)
    np.testing.assert_allclose(opt.seen[0], np.array([3.0, 4.0]) / 5.0)


def test_callback_stop_and_arguments():
    calls = []

    def cb(k, x, loss, g):
        calls.append(k)
        assert loss == pytest.approx(Q.value(x)) and np.allclose(g, Q.grad(x))
        return k == 7

    res = minimize(Q, X0, GD(lr=0.01), callback=cb, max_steps=100)
    assert res.status == "callback" and res.n_steps == 7 and calls == list(range(8))


def test_tuple_objective_gives_same_run():
    a = minimize(Q, X0, GD(lr=0.05), max_steps=30)
    b = minimize((Q.value, Q.grad), X0, GD(lr=0.05), max_steps=30)
    np.testing.assert_array_equal(a.history.x, b.history.x)


def test_optimizer_needing_hessian_and_value():
    res = minimize(Q, X0, NewtonLocal(lr=1.0), gtol=1e-10)
    assert res.converged and res.n_steps == 1
    np.testing.assert_allclose(res.x, Q.c)
    with pytest.raises(TypeError, match="Hessian"):
        minimize((Q.value, Q.grad), X0, NewtonLocal(lr=1.0))
    opt = ArmijoGD()
    res = minimize(Q, X0, opt, gtol=1e-8, max_steps=500)
    assert res.converged
    np.testing.assert_allclose(res.history.lr, opt.alphas)  # the accepted steps, not alpha0
    assert res.n_fun_evals == res.n_steps + 1 + opt.n_evals


def test_optimizer_is_reset_between_runs():
    opt = GD(lr=lambda t: 0.1 * 0.5**t)
    a = minimize(Q, X0, opt, max_steps=5)
    b = minimize(Q, X0, opt, max_steps=5)
    np.testing.assert_array_equal(a.x, b.x)


def test_bad_input():
    with pytest.raises(ValueError, match="x0"):
        minimize(Q, np.array([np.nan, 1.0]), GD(lr=0.1))
    with pytest.raises(ValueError, match="x0"):
        minimize(Q, {"w": np.array([1.0, np.inf])}, GD(lr=0.1))
    with pytest.raises(ValueError, match="grad has shape"):
        minimize((Q.value, lambda x: np.ones(3)), X0, GD(lr=0.1))
    with pytest.raises(TypeError, match="objective"):
        minimize(lambda x: 0.0, X0, GD(lr=0.1))
    bad = [({"gtol": -1.0}, "gtol"), ({"clip_norm": 0.0}, "clip_norm"), ({"max_steps": -1}, "max_steps")]
    for kw, word in bad:
        with pytest.raises(ValueError, match=word):
            minimize(Q, X0, GD(lr=0.1), **kw)


def test_nonfinite_start_value_is_diverged():
    res = minimize((lambda x: float("nan"), lambda x: x), X0, GD(lr=0.1))
    assert res.status == "diverged" and res.n_steps == 0
    np.testing.assert_array_equal(res.x, X0)


def test_dict_params():
    def value(p):
        return 0.5 * float(np.sum((p["a"] - 1.0) ** 2) + 4.0 * np.sum(p["b"] ** 2))

    def grad(p):
        return {"a": p["a"] - 1.0, "b": 4.0 * p["b"]}

    p0 = {"a": np.zeros((2, 2)), "b": np.ones(3)}
    res = minimize((value, grad), p0, GD(lr=0.2), gtol=1e-9, max_steps=1000, clip_norm=10.0)
    assert res.converged and res.history.x is None
    np.testing.assert_allclose(res.x["a"], 1.0)
    np.testing.assert_allclose(res.x["b"], 0.0, atol=1e-9)
    np.testing.assert_array_equal(p0["a"], 0.0)  # the start is not modified


def test_progress_prints(capsys):
    minimize(Q, X0, GD(lr=0.05), max_steps=20, progress=True)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("step  0/20") and out[-1].startswith("max_steps")
    assert 10 <= len(out) <= 13


# -- fit -----------------------------------------------------------------------------------
def test_fit_epochs_minibatches_and_counts():
    model = LinReg(n=64)
    res = fit(model, np.zeros(3), GD(lr=0.1), epochs=5, batch_size=10, rng=np.random.default_rng(0))
    assert res.status == "max_steps" and res.n_steps == 5 * 7  # ceil(64 / 10) = 7 updates per epoch
    assert res.n_grad_evals == 5 * 64
    assert res.history.loss.shape == (6,) and res.history.lr.shape == (35,) and res.history.x.shape == (6, 3)
    sizes = [len(b) for b in model.batches]
    assert sizes == ([10] * 6 + [4]) * 5  # the last minibatch of each epoch is short
    for e in range(5):  # each epoch is a permutation of the rows
        np.testing.assert_array_equal(np.sort(np.concatenate(model.batches[7 * e:7 * e + 7])), np.arange(64))
    assert not np.array_equal(np.concatenate(model.batches[:7]), np.concatenate(model.batches[7:14]))
    assert res.history.loss[-1] < 0.01 * res.history.loss[0]
    np.testing.assert_allclose(res.history.loss, [model.value(w) for w in res.history.x])
    assert res.fun == res.history.loss[-1] and np.array_equal(res.x, res.history.x[-1])


def test_fit_full_batch_equals_minimize():
    model = LinReg(n=40)
    a = fit(model, np.zeros(3), GD(lr=0.2), epochs=15, batch_size=40, rng=np.random.default_rng(1),
            shuffle=False, eval_every=1)
    b = minimize(model, np.zeros(3), GD(lr=0.2), max_steps=15)
    np.testing.assert_allclose(a.history.x, b.history.x, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a.history.loss, b.history.loss, rtol=1e-12)


def test_fit_reproducible_with_same_seed():
    runs = [fit(LinReg(), np.zeros(3), GD(lr=0.05), epochs=3, batch_size=5, rng=np.random.default_rng(s))
            for s in (7, 7, 8)]
    np.testing.assert_array_equal(runs[0].x, runs[1].x)
    np.testing.assert_array_equal(runs[0].history.loss, runs[1].history.loss)
    assert not np.array_equal(runs[0].x, runs[2].x)


def test_fit_eval_every_and_final_evaluation():
    res = fit(LinReg(n=30), np.zeros(3), GD(lr=0.05), epochs=2, batch_size=4, rng=np.random.default_rng(0),
              eval_every=5)
    # 8 updates per epoch, 16 in all: evaluations at 0, 5, 10, 15 and the end (16)
    assert res.n_steps == 16 and res.history.loss.shape == (5,)


def test_fit_diverges_cleanly_and_callback_stops():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = fit(LinReg(), np.zeros(3), GD(lr=50.0), epochs=200, batch_size=8, rng=np.random.default_rng(0))
    assert res.status == "diverged" and np.isfinite(res.x).all() and np.isfinite(res.fun)
    np.testing.assert_array_equal(res.x, res.history.x[-1])
    res = fit(LinReg(), np.zeros(3), GD(lr=0.05), epochs=10, batch_size=8, rng=np.random.default_rng(0),
              callback=lambda k, w, loss, g: loss < 1.0)
    assert res.status == "callback" and res.fun < 1.0 <= res.history.loss[-2]


def test_fit_dict_params_and_clipping():
    class DictModel(LinReg):
        def value(self, p, idx=None):
            return super().value(p["w"], idx)

        def grad(self, p, idx=None):
            return {"w": super().grad(p["w"], idx)}

    res = fit(DictModel(), {"w": np.zeros(3)}, GD(lr=0.1), epochs=20, batch_size=16,
              rng=np.random.default_rng(0), clip_norm=1.0)
    assert res.history.x is None
    np.testing.assert_allclose(res.x["w"], [1.0, 2.0, 3.0], atol=0.05)


RNG = np.random.default_rng(0)


def test_fit_bad_input():
    with pytest.raises(TypeError, match="rng"):
        fit(LinReg(), np.zeros(3), GD(lr=0.1), epochs=1, batch_size=4, rng=0)
    with pytest.raises(ValueError, match="batch_size"):
        fit(LinReg(), np.zeros(3), GD(lr=0.1), epochs=1, batch_size=0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="params0"):
        fit(LinReg(), np.array([np.nan, 0, 0]), GD(lr=0.1), epochs=1, batch_size=4, rng=RNG)


def test_rate_decided_during_the_step_is_recorded():
    class LearnedRate(GD):
        """Doubles its rate at the start of every step and logs the rate it used."""

        def reset(self):
            super().reset()
            self.rate, self.lr_history = 0.001, []

        def step(self, x, g):
            self.rate *= 2
            self.lr_history.append(self.rate)
            self.last_lr = self.rate  # the loop reads last_lr (OptimizerLike)
            return x - self.rate * g

    res = minimize(Q, X0, LearnedRate(lr=0.001), max_steps=3)
    np.testing.assert_allclose(res.history.lr, [0.002, 0.004, 0.008])
