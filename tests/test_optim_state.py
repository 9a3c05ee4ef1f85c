"""gdlearn 0.2: optimizer state bound to its parameters, save and resume, the dtype policy,
per-key settings, ``maximize`` and the boundary checks, each against gdlearn's own message."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from gdlearn.optim import SGD, SGDHD, AdaDelta, AdaGrad, Adam, AdamHD, AdamW, RMSProp
from gdlearn.schedules import CosineDecay, LinearWarmup

RNG = np.random.default_rng(0)

FACTORIES = {
    "sgd": lambda: SGD(lr=0.1),
    "sgd-momentum": lambda: SGD(lr=0.1, momentum=0.9, weight_decay=0.01),
    "nesterov": lambda: SGD(lr=0.1, momentum=0.9, nesterov=True),
    "adagrad": lambda: AdaGrad(lr=0.1, lr_decay=0.01),
    "rmsprop": lambda: RMSProp(lr=0.01, momentum=0.5, centered=True),
    "adadelta": lambda: AdaDelta(lr=1.0),
    "adam": lambda: Adam(lr=0.01, amsgrad=True),
    "adamw": lambda: AdamW(lr=0.01),
    "sgdhd": lambda: SGDHD(lr=0.01, hyper_lr=1e-3),
    "adamhd": lambda: AdamHD(lr=0.01, hyper_lr=1e-5),
}
SCHEDULED = {
    "sgd-cosine": lambda: SGD(lr=CosineDecay(0.1, total_steps=100), momentum=0.9),
    "adam-warmup": lambda: Adam(lr=LinearWarmup(CosineDecay(0.01, total_steps=100), warmup_steps=10)),
}


def quadratic_grad(x: np.ndarray) -> np.ndarray:
    scales = np.linspace(1.0, 5.0, x.size).reshape(x.shape)
    return scales * x - 1.0


def run(opt, x, steps):
    for _ in range(steps):
        x = opt.step(x, quadratic_grad(x))
    return x


# -- state bound to its parameters -----------------------------------------------------------
@pytest.mark.parametrize("name", ["sgd-momentum", "adam", "adagrad", "rmsprop", "adadelta", "sgd"])
def test_a_step_on_other_shapes_raises_until_reset(name):
    opt = FACTORIES[name]()
    opt.step(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"holds state for parameters shape \(3,\).*call reset\(\)"):
        opt.step(np.ones(1), np.ones(1))
    opt.reset()
    assert opt.step(np.ones(1), np.ones(1)).shape == (1,)


def test_stale_state_the_review_found_is_refused():
    """SGD(momentum=0.9) used to return shape (3,) for a step on shape (1,)."""
    opt = SGD(lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.step(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="make a new optimizer"):
        opt.step(np.zeros(1), np.ones(1))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"w": np.ones(2)}, {"w": np.ones(2), "b": np.ones(1)}),   # a new key
        ({"w": np.ones(2)}, np.ones(2)),                            # dict -> array
        (np.ones(2), {"w": np.ones(2)}),                            # array -> dict
        (np.ones(2), np.ones(2, dtype=np.float32)),                 # dtype change
        ({"w": np.ones(2)}, {"w": np.ones((2, 1))}),                # shape change in a dict
    ],
)
def test_structure_and_dtype_changes_are_refused(first, second):
    opt = Adam(lr=0.1)
    opt.step(first, first)
    with pytest.raises(ValueError, match=r"call reset\(\) first, or make a new optimizer"):
        opt.step(second, second)


# -- save and resume -------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted({**FACTORIES, **SCHEDULED}))
def test_save_load_resume_is_bit_for_bit(name):
    make = {**FACTORIES, **SCHEDULED}[name]
    x0 = RNG.standard_normal(5)
    straight = run(make(), x0, 100)
    opt = make()
    half = run(opt, x0, 50)
    saved = pickle.loads(pickle.dumps(opt.state_dict()))  # plain data: survives pickling
    fresh = make()
    fresh.load_state_dict(saved)
    np.testing.assert_array_equal(run(fresh, half, 50), straight)


def test_state_dict_is_a_copy_and_names_its_class():
    opt = SGD(lr=0.1, momentum=0.9)
    x = run(opt, np.ones(2), 3)
    saved = opt.state_dict()
    run(opt, x, 3)
    assert saved["t"] == 3 and saved["optimizer"] == "SGD"
    assert not np.array_equal(saved["state"]["momentum_buffer"], opt.state["momentum_buffer"])
    with pytest.raises(ValueError, match="saved by SGD, not by Adam"):
        Adam().load_state_dict(saved)


def test_schedule_is_rebuilt_from_its_settings():
    opt = SGD(lr=LinearWarmup(CosineDecay(0.1, total_steps=50), warmup_steps=5))
    saved = opt.state_dict()
    assert saved["hyperparameters"]["lr"]["schedule"] == "LinearWarmup"
    fresh = SGD(lr=0.5)
    fresh.load_state_dict(pickle.loads(pickle.dumps(saved)))
    assert [fresh.lr(t) for t in range(60)] == [opt.lr(t) for t in range(60)]


# -- dtype policy ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(FACTORIES))
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_float32_in_gives_float32_out_and_state(name, dtype):
    opt = FACTORIES[name]()
    x = np.linspace(-1, 1, 4).astype(dtype)
    for _ in range(3):
        x = opt.step(x, quadratic_grad(x).astype(dtype))
        assert x.dtype == dtype
    for value in opt.state.values():
        assert value.dtype == dtype


def test_integers_become_float64_and_complex_is_refused():
    assert SGD(lr=0.5).step(np.array([1, 2]), np.array([1, 1])).dtype == np.float64
    with pytest.raises(TypeError, match=r"params is complex \(complex128\); gdlearn works with real numbers"):
        SGD(lr=0.1).step(np.array([1 + 1j]), np.array([1.0]))
    with pytest.raises(TypeError, match="grad is complex"):
        Adam().step(np.array([1.0]), np.array([1j]))


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_zero_dimensional_parameters_stay_arrays(name):
    out = FACTORIES[name]().step(np.array(2.0), np.array(1.0))
    assert isinstance(out, np.ndarray) and out.shape == () and out.dtype == np.float64


# -- boundaries --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        ({}, ValueError, "empty dict"),
        ({"layer": {"W": np.ones(2)}}, TypeError, "nested structures are not supported"),
        ([np.ones(2), np.ones(2)], TypeError, "list or tuple is ambiguous"),
        ((np.ones(2), np.ones(2)), TypeError, "list or tuple is ambiguous"),
        ({1: np.ones(2)}, TypeError, "keys must be strings"),
    ],
)
def test_parameter_structures_gdlearn_does_not_take(params, error, message):
    with pytest.raises(error, match=message):
        SGD(lr=0.1).step(params, params)


@pytest.mark.parametrize("bad", [None, np.array([0.1, 0.2]), "0.1"])
def test_a_schedule_must_return_a_number(bad):
    opt = SGD(lr=lambda t: bad)
    with pytest.raises(TypeError, match="the lr schedule must return a number"):
        opt.step(np.ones(2), np.ones(2))


def test_a_schedule_class_is_not_a_schedule():
    with pytest.raises(TypeError, match="not the class CosineDecay|the class CosineDecay"):
        SGD(lr=CosineDecay)


# -- per-key settings --------------------------------------------------------------------------
def test_no_weight_decay_on_biases_equals_two_optimizers():
    params = {"W": RNG.standard_normal((3, 2)), "b": RNG.standard_normal(2)}
    grads = {"W": RNG.standard_normal((3, 2)), "b": RNG.standard_normal(2)}
    grouped = AdamW(lr=0.1, weight_decay=0.1, param_groups=[{"keys": ["b*"], "weight_decay": 0.0}])
    out = grouped.step(params, grads)
    np.testing.assert_array_equal(out["W"], AdamW(lr=0.1, weight_decay=0.1).step(params["W"], grads["W"]))
    np.testing.assert_array_equal(out["b"], AdamW(lr=0.1, weight_decay=0.0).step(params["b"], grads["b"]))


def test_per_key_learning_rate_and_momentum_state():
    params = {"W": np.ones(2), "b": np.ones(1)}
    opt = SGD(lr=0.1, param_groups=[{"keys": ["W"], "lr": 0.01, "momentum": 0.9}])
    out = opt.step(params, {"W": np.ones(2), "b": np.ones(1)})
    np.testing.assert_allclose(out["W"], 1 - 0.01)
    np.testing.assert_allclose(out["b"], 1 - 0.1)
    assert set(opt.state["momentum_buffer"]) == {"W"}        # only W keeps a momentum buffer
    out = opt.step(out, {"W": np.ones(2), "b": np.ones(1)})
    np.testing.assert_allclose(out["W"], 1 - 0.01 - 0.01 * 1.9)


def test_per_key_settings_are_checked_when_the_optimizer_is_made():
    with pytest.raises(ValueError, match=r"param_groups\[0\]: weight_decay must be a finite number >= 0"):
        SGD(lr=0.1, param_groups=[{"keys": ["b"], "weight_decay": -1.0}])
    with pytest.raises(ValueError, match=r"param_groups\[0\] sets \['betas'\]; SGD takes"):
        SGD(lr=0.1, param_groups=[{"keys": ["b"], "betas": (0.9, 0.99)}])
    with pytest.raises(TypeError, match="list of key names"):
        SGD(lr=0.1, param_groups=[{"keys": "b", "lr": 0.1}])


# -- maximize ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n in sorted(FACTORIES) if "hd" not in n])
def test_maximize_is_descent_on_the_negated_gradient(name):
    up, down = FACTORIES[name](), FACTORIES[name]()
    up.maximize = True
    x_up = x_down = RNG.standard_normal(3)
    for _ in range(5):
        g = quadratic_grad(x_up)
        x_up, x_down = up.step(x_up, g), down.step(x_down, -g)
        np.testing.assert_array_equal(x_up, x_down)


def test_maximize_climbs_a_concave_function():
    x = np.array([3.0])
    opt = Adam(lr=0.1, maximize=True)
    for _ in range(300):
        x = opt.step(x, -2 * (x - 1.0))         # gradient of -(x - 1)^2
    assert abs(x[0] - 1.0) < 1e-2


def test_hyperparameters_and_repr_come_from_the_signature():
    opt = Adam(lr=0.5, betas=(0.8, 0.9), maximize=True)
    hp = opt.hyperparameters
    assert hp["lr"] == 0.5 and hp["betas"] == (0.8, 0.9) and hp["maximize"] is True
    assert repr(opt).startswith("Adam(lr=0.5, betas=(0.8, 0.9), eps=1e-08")
    assert "bias_correction" not in AdamW().hyperparameters
