"""Weight averaging around any optimizer: Polyak-Ruppert and EMA against averages computed by
hand, the wrapped steps unchanged, save and resume, dict parameters, the boundary checks."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from gdlearn.optim import EMA, SGD, Adam, PolyakAveraging
from gdlearn.protocols import OptimizerLike
from gdlearn.schedules import CosineDecay

RNG = np.random.default_rng(3)
NOISE = RNG.standard_normal((60, 4))


def noisy_grad(x, k):
    return 2.0 * x - 1.0 + 0.5 * NOISE[k]


def iterates(opt, steps=60, x0=None):
    """Run ``opt`` and return all iterates theta_0..theta_steps and the averages after each step."""
    x = np.full(4, 3.0) if x0 is None else x0
    xs, avgs = [x], []
    for k in range(steps):
        x = opt.step(x, noisy_grad(x, k))
        xs.append(x)
        avgs.append(opt.eval_params(x) if hasattr(opt, "eval_params") else x)
    return np.array(xs), avgs


def test_the_wrapped_steps_are_unchanged():
    bare, _ = iterates(Adam(lr=0.05))
    for wrapper in (PolyakAveraging(Adam(lr=0.05)), EMA(Adam(lr=0.05), decay=0.9)):
        np.testing.assert_array_equal(iterates(wrapper)[0], bare)


@pytest.mark.parametrize("start", [0, 1, 17])
def test_polyak_is_the_mean_of_the_iterates_from_start(start):
    opt = PolyakAveraging(SGD(lr=0.1), start=start)
    xs, avgs = iterates(opt)
    for t in range(1, 61):
        expected = xs[start:t + 1].mean(axis=0) if t >= start else xs[t]
        np.testing.assert_allclose(avgs[t - 1], expected, rtol=1e-13, atol=1e-14)
    assert opt.n_averaged == 61 - start


@pytest.mark.parametrize("bias_correction", [True, False])
def test_ema_weights_by_hand(bias_correction):
    rho = 0.8
    opt = EMA(SGD(lr=0.1), decay=rho, bias_correction=bias_correction)
    xs, avgs = iterates(opt)
    for t in (1, 2, 5, 60):
        k = np.arange(1, t + 1)
        weights = (1 - rho) * rho ** (t - k)
        if bias_correction:
            weights = weights / (1 - rho**t)          # optax.ema(decay, debias=True)
        else:
            weights[0] = rho ** (t - 1)               # torch: the average starts at theta_1
        assert weights.sum() == pytest.approx(1.0)
        np.testing.assert_allclose(avgs[t - 1], weights @ xs[1:t + 1], rtol=1e-13, atol=1e-14)


def test_averaging_reduces_the_noise_around_the_minimum():
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((4000, 4))
    runs = {"last": SGD(lr=0.05), "polyak": PolyakAveraging(SGD(lr=0.05), start=2000),
            "ema": EMA(SGD(lr=0.05), decay=0.99)}
    errors = {}
    for name, opt in runs.items():
        x = np.full(4, 3.0)
        for k in range(4000):
            x = opt.step(x, 2.0 * x - 1.0 + noise[k])
        point = opt.eval_params(x) if name != "last" else x
        errors[name] = np.linalg.norm(point - 0.5)
    assert errors["polyak"] < errors["ema"] < errors["last"]


FACTORIES = {
    "polyak": lambda: PolyakAveraging(SGD(lr=CosineDecay(0.1, total_steps=60), momentum=0.9), start=10),
    "ema": lambda: EMA(Adam(lr=0.05), decay=0.95),
    "ema-torch": lambda: EMA(SGD(lr=0.1), decay=0.9, bias_correction=False),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_save_load_resume_is_bit_for_bit(name):
    xs, avgs = iterates(FACTORIES[name]())
    opt = FACTORIES[name]()
    x = np.full(4, 3.0)
    for k in range(30):
        x = opt.step(x, noisy_grad(x, k))
    saved = pickle.loads(pickle.dumps(opt.state_dict()))
    fresh = FACTORIES[name]()
    fresh.load_state_dict(saved)
    for k in range(30, 60):
        x = fresh.step(x, noisy_grad(x, k))
    np.testing.assert_array_equal(x, xs[-1])
    np.testing.assert_array_equal(fresh.eval_params(x), avgs[-1])
    with pytest.raises(ValueError, match="saved by"):
        (EMA(SGD()) if name.startswith("polyak") else PolyakAveraging(SGD())).load_state_dict(saved)


def test_dict_parameters_float32_and_reset():
    opt = EMA(SGD(lr=0.1), decay=0.5)
    p = {"W": np.ones((2, 2), dtype=np.float32), "b": np.zeros(2, dtype=np.float32)}
    for _ in range(3):
        p = opt.step(p, {"W": p["W"], "b": p["b"] - 1})
    avg = opt.eval_params(p)
    assert avg["W"].dtype == np.float32 and avg["W"].shape == (2, 2)
    # W: iterates 0.9, 0.81, 0.729 with weights (0.5 * (0.25, 0.5, 1)) / 0.875
    assert avg["W"][0, 0] == pytest.approx((0.125 * 0.9 + 0.25 * 0.81 + 0.5 * 0.729) / 0.875, rel=1e-6)
    opt.reset()
    assert opt.average is None and opt.t == 0 and opt.optimizer.t == 0 and opt.eval_params(p) is p


def test_the_wrapper_is_an_optimizer_for_the_loop():
    opt = PolyakAveraging(SGD(lr=0.1))
    assert isinstance(opt, OptimizerLike)
    assert not opt.needs_hessian and not opt.needs_value and opt.last_lr is None
    assert opt.current_lr() == 0.1
    assert repr(EMA(SGD(lr=0.1), decay=0.9)).startswith("EMA(SGD(lr=0.1") and "decay=0.9" in repr(
        EMA(SGD(lr=0.1), decay=0.9))


@pytest.mark.parametrize("factory, exc, message", [
    (lambda: EMA(SGD(), decay=1.0), ValueError, r"decay must lie in \[0, 1\), got 1.0"),
    (lambda: EMA(SGD(), bias_correction=1), TypeError, "bias_correction must be True or False"),
    (lambda: PolyakAveraging(SGD(), start=-1), ValueError, "start must be >= 0"),
    (lambda: PolyakAveraging(SGD), TypeError, "optimizer must be an instance, e.g. SGD"),
    (lambda: EMA(0.1), TypeError, "optimizer must be an optimizer instance with step"),
])
def test_bad_settings_raise_gdlearn_errors(factory, exc, message):
    with pytest.raises(exc, match=message):
        factory()
