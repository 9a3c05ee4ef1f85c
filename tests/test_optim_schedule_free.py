"""Schedule-Free SGD and AdamW (Defazio et al., 2024): the first steps by hand, the rule written
out independently, the special cases beta = 0 (SGD and its Polyak average) and beta = 1 (primal
averaging), convergence, the boundary checks, save and resume, dtypes, dict parameters."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from gdlearn.optim import SGD, PolyakAveraging, ScheduleFreeAdamW, ScheduleFreeSGD
from gdlearn.schedules import CosineDecay

RNG = np.random.default_rng(0)
Q, _ = np.linalg.qr(RNG.standard_normal((5, 5)))
A = Q @ np.diag([0.5, 1.0, 2.0, 4.0, 8.0]) @ Q.T
C = RNG.standard_normal(5)
X_STAR = np.linalg.solve(A, C)


def grad(theta):
    return A @ theta - C


def reference(steps, y0, lr, beta, *, adam=False, beta2=0.999, eps=1e-8, wd=0.0, warmup=0, power=2.0):
    """The paper's rule, written out again: returns the lists of y_t and x_t (t = 1 .. steps + 1)."""
    z, x, y = y0.copy(), y0.copy(), y0.copy()
    v = np.zeros_like(y0)
    weight_sum = 0.0
    ys, xs = [y], [x]
    for t in range(1, steps + 1):
        g = grad(y)
        gamma = lr * (min(1.0, t / warmup) if warmup else 1.0)
        if adam:
            v = beta2 * v + (1 - beta2) * g**2
            gamma *= math.sqrt(1 - beta2**t)
            d = g / (np.sqrt(v) + eps)
        else:
            d = g
        z = z - gamma * (d + wd * y)
        if power is None:
            c = 1 / (t + 1)
        else:
            weight_sum += gamma**power
            c = gamma**power / weight_sum
        x = (1 - c) * x + c * z
        y = (1 - beta) * z + beta * x
        ys.append(y)
        xs.append(x)
    return ys, xs


def run(opt, y, steps):
    ys, xs = [y], [opt.eval_params(y)]
    for _ in range(steps):
        y = opt.step(y, grad(y))
        ys.append(y)
        xs.append(opt.eval_params(y))
    return ys, xs


def test_first_three_steps_by_hand():
    """f(y) = y^2 / 2, lr 0.5, beta 0.9, from y = 1 (the docstring's example)."""
    opt = ScheduleFreeSGD(lr=0.5, momentum=0.9)
    y = np.array([1.0])
    y = opt.step(y, y)      # z2 = 1 - 0.5 = 0.5, c2 = 1: x2 = 0.5, y2 = 0.5
    assert y[0] == 0.5 and opt.eval_params(y)[0] == 0.5
    y = opt.step(y, y)      # z3 = 0.25, c3 = 1/2: x3 = 0.375, y3 = 0.1 * 0.25 + 0.9 * 0.375
    assert y[0] == pytest.approx(0.3625, abs=1e-15)
    assert opt.eval_params(y)[0] == pytest.approx(0.375, abs=1e-15)
    y = opt.step(y, y)      # z4 = 0.25 - 0.5 * 0.3625, c4 = 1/3
    z4 = 0.25 - 0.5 * 0.3625
    x4 = (2 / 3) * 0.375 + z4 / 3
    assert opt.eval_params(y)[0] == pytest.approx(x4, abs=1e-15)
    assert y[0] == pytest.approx(0.1 * z4 + 0.9 * x4, abs=1e-15)
    assert opt.last_lr == 0.5


@pytest.mark.parametrize("settings", [
    {"lr": 0.1, "beta": 0.9},
    {"lr": 0.05, "beta": 0.5, "wd": 0.1, "warmup": 7},
    {"lr": 0.1, "beta": 0.9, "power": None},
    {"lr": 0.1, "beta": 0.98, "power": 0.0, "warmup": 3},
])
def test_sgd_follows_the_rule_written_out(settings):
    ys, xs = reference(60, C.copy(), settings["lr"], settings["beta"], wd=settings.get("wd", 0.0),
                       warmup=settings.get("warmup", 0), power=settings.get("power", 2.0))
    opt = ScheduleFreeSGD(lr=settings["lr"], momentum=settings["beta"], weight_decay=settings.get("wd", 0.0),
                          warmup_steps=settings.get("warmup", 0), weight_lr_power=settings.get("power", 2.0))
    ours_y, ours_x = run(opt, C.copy(), 60)
    np.testing.assert_allclose(ours_y, ys, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(ours_x, xs, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("settings", [
    {"lr": 0.05, "beta": 0.9},
    {"lr": 0.02, "beta": 0.95, "beta2": 0.99, "eps": 1e-6, "wd": 0.05, "warmup": 10},
])
def test_adamw_follows_algorithm_1_written_out(settings):
    ys, xs = reference(60, C.copy(), settings["lr"], settings["beta"], adam=True,
                       beta2=settings.get("beta2", 0.999), eps=settings.get("eps", 1e-8),
                       wd=settings.get("wd", 0.0), warmup=settings.get("warmup", 0))
    opt = ScheduleFreeAdamW(lr=settings["lr"], betas=(settings["beta"], settings.get("beta2", 0.999)),
                            eps=settings.get("eps", 1e-8), weight_decay=settings.get("wd", 0.0),
                            warmup_steps=settings.get("warmup", 0))
    ours_y, ours_x = run(opt, C.copy(), 60)
    np.testing.assert_allclose(ours_y, ys, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(ours_x, xs, rtol=1e-13, atol=1e-14)
    t = 60
    gamma_t = settings["lr"] * math.sqrt(1 - settings.get("beta2", 0.999) ** t)
    assert opt.last_lr == pytest.approx(gamma_t, rel=1e-14)  # warm-up over, bias factor in


@pytest.mark.parametrize("power, start", [(2.0, 1), (None, 0)])
def test_beta_zero_is_sgd_with_its_polyak_average(power, start):
    """beta = 0: the gradient is taken at z, which is plain SGD; x averages the z's."""
    sf = ScheduleFreeSGD(lr=0.1, momentum=0.0, weight_lr_power=power)
    avg = PolyakAveraging(SGD(lr=0.1), start=start)
    y = w = C.copy()
    for _ in range(50):
        y, w = sf.step(y, grad(y)), avg.step(w, grad(w))
        np.testing.assert_allclose(y, w, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(sf.eval_params(y), avg.eval_params(w), rtol=1e-13, atol=1e-14)


def test_beta_one_is_primal_averaging():
    """beta = 1: the gradient is taken at the average x itself (Nesterov-Shikhman, Tao et al.)."""
    opt = ScheduleFreeSGD(lr=0.1, momentum=1.0, weight_lr_power=None)
    y = z = x = C.copy()
    for t in range(1, 40):
        g = grad(x)
        z = z - 0.1 * g
        x = x + (z - x) / (t + 1)
        y = opt.step(y, grad(y))
        np.testing.assert_allclose(y, x, rtol=1e-13, atol=1e-14)


def test_converges_at_the_averaged_point():
    for opt in (ScheduleFreeSGD(lr=0.2), ScheduleFreeAdamW(lr=0.05)):
        y = np.zeros(5)
        for _ in range(3000):
            y = opt.step(y, grad(y))
        assert np.linalg.norm(opt.eval_params(y) - X_STAR) < 1e-3 * np.linalg.norm(X_STAR)


def test_eval_params_before_a_step_is_the_point_itself_and_a_copy_after():
    opt = ScheduleFreeSGD(lr=0.1)
    y = np.ones(3)
    assert opt.eval_params(y) is y
    y = opt.step(y, y)
    x = opt.eval_params(y)
    x[:] = 100.0
    assert not np.any(opt.state["x"] == 100.0)


@pytest.mark.parametrize("factory, exc, message", [
    (lambda: ScheduleFreeSGD(momentum=1.5), ValueError, r"momentum must lie in \[0, 1\], got 1.5"),
    (lambda: ScheduleFreeSGD(lr=-1.0), ValueError, "lr must be a finite number > 0"),
    (lambda: ScheduleFreeSGD(warmup_steps=-1), ValueError, "warmup_steps must be >= 0"),
    (lambda: ScheduleFreeSGD(warmup_steps=2.5), TypeError, "warmup_steps must be an integer"),
    (lambda: ScheduleFreeSGD(weight_lr_power=-2.0), ValueError, "weight_lr_power must be a finite"),
    (lambda: ScheduleFreeAdamW(betas=(0.9, 1.0)), ValueError, r"betas\[1\] must lie in \[0, 1\)"),
    (lambda: ScheduleFreeAdamW(betas=(1.2, 0.9)), ValueError, r"betas\[0\] must lie in \[0, 1\]"),
    (lambda: ScheduleFreeAdamW(betas=0.9), TypeError, "betas must be a pair"),
    (lambda: ScheduleFreeAdamW(eps=0.0), ValueError, "eps must be a finite number > 0"),
])
def test_bad_settings_raise_gdlearn_errors(factory, exc, message):
    with pytest.raises(exc, match=message):
        factory()


FACTORIES = {
    "sgd": lambda: ScheduleFreeSGD(lr=0.1, weight_decay=0.01, warmup_steps=5),
    "adamw": lambda: ScheduleFreeAdamW(lr=0.05, weight_decay=0.01, warmup_steps=5),
    "sgd-schedule": lambda: ScheduleFreeSGD(lr=CosineDecay(0.1, total_steps=100)),
    "sgd-uniform": lambda: ScheduleFreeSGD(lr=0.1, weight_lr_power=None),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_save_load_resume_is_bit_for_bit(name):
    straight_y, straight_x = run(FACTORIES[name](), C.copy(), 100)
    opt = FACTORIES[name]()
    half, _ = run(opt, C.copy(), 50)
    saved = pickle.loads(pickle.dumps(opt.state_dict()))
    fresh = FACTORIES[name]()
    fresh.load_state_dict(saved)
    ys, xs = run(fresh, half[-1], 50)
    np.testing.assert_array_equal(ys[-1], straight_y[-1])
    np.testing.assert_array_equal(xs[-1], straight_x[-1])


@pytest.mark.parametrize("name", sorted(FACTORIES))
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_float32_in_gives_float32_out(name, dtype):
    opt = FACTORIES[name]()
    y = np.linspace(-1, 1, 5).astype(dtype)
    for _ in range(3):
        y = opt.step(y, grad(y.astype(float)).astype(dtype))
        assert y.dtype == dtype and opt.eval_params(y).dtype == dtype
    for key, value in opt.state.items():
        assert value.dtype == (np.float64 if key == "weight_sum" else dtype)


def test_dict_parameters_with_per_key_settings_and_zero_dim():
    params = {"w": C.copy(), "b": np.array(0.5)}
    opt = ScheduleFreeAdamW(lr=0.05, weight_decay=0.1, param_groups=[{"keys": ["b"], "weight_decay": 0.0}])
    alone_w = ScheduleFreeAdamW(lr=0.05, weight_decay=0.1)
    alone_b = ScheduleFreeAdamW(lr=0.05, weight_decay=0.0)
    w, b = C.copy(), np.array(0.5)
    for _ in range(20):
        gw, gb = grad(params["w"]), 2 * params["b"]
        params = opt.step(params, {"w": gw, "b": gb})
        w, b = alone_w.step(w, grad(w)), alone_b.step(b, 2 * b)
    x = opt.eval_params(params)
    assert set(x) == {"w", "b"} and x["b"].shape == ()
    np.testing.assert_array_equal(x["w"], alone_w.eval_params(w))
    np.testing.assert_array_equal(x["b"], alone_b.eval_params(b))


def test_maximize_is_descent_on_the_negated_gradient():
    up, down = ScheduleFreeSGD(lr=0.1, maximize=True), ScheduleFreeSGD(lr=0.1)
    y1 = y2 = C.copy()
    for _ in range(10):
        y1, y2 = up.step(y1, -grad(y1)), down.step(y2, grad(y2))
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(up.eval_params(y1), down.eval_params(y2))


def test_warmup_rates_and_reset():
    opt = ScheduleFreeSGD(lr=0.4, warmup_steps=4)
    assert [opt.current_lr()] == [0.1]
    y = np.ones(2)
    rates = []
    for _ in range(6):
        y = opt.step(y, y)
        rates.append(opt.last_lr)
    assert rates == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.4, 0.4])
    opt.reset()
    assert opt.t == 0 and opt.state == {} and opt.eval_params(y) is y
