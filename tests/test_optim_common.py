"""Behaviour every first-order optimizer shares: dict parameters, schedules, reset, input checks."""

import math

import numpy as np
import pytest

from gdlearn._tree import flatten, unflatten
from gdlearn.optim import SGD, SGDHD, AdaDelta, AdaGrad, Adam, AdamHD, AdamW, RMSProp
from gdlearn.schedules import StepDecay

# Settings chosen so that every piece of state is exercised.
FACTORIES = {
    "sgd": lambda lr=0.05: SGD(lr=lr),
    "heavy_ball": lambda lr=0.05: SGD(lr=lr, momentum=0.9, dampening=0.2, weight_decay=0.01),
    "nesterov": lambda lr=0.05: SGD(lr=lr, momentum=0.9, nesterov=True),
    "adagrad": lambda lr=0.1: AdaGrad(lr=lr, lr_decay=0.1, initial_accumulator_value=0.1),
    "rmsprop": lambda lr=0.01: RMSProp(lr=lr, centered=True, momentum=0.5, weight_decay=0.01),
    "adadelta": lambda lr=0.5: AdaDelta(lr=lr, weight_decay=0.01),
    "adam": lambda lr=0.05: Adam(lr=lr, amsgrad=True, weight_decay=0.01),
    "adamw": lambda lr=0.05: AdamW(lr=lr, weight_decay=0.1),
    "sgdhd": lambda lr=0.05: SGDHD(lr=lr, hyper_lr=1e-2),
    "adamhd": lambda lr=0.05: AdamHD(lr=lr, hyper_lr=1e-3),
}
SCHEDULABLE = [k for k in FACTORIES if not k.endswith("hd")]

RNG = np.random.default_rng(42)
SHAPES = {"W": (2, 3), "b": (4,), "c": ()}
CURV = {k: RNG.uniform(0.5, 3.0, size=s) for k, s in SHAPES.items()}
SHIFT = {k: RNG.standard_normal(s) for k, s in SHAPES.items()}
START = {k: RNG.standard_normal(s) for k, s in SHAPES.items()}


def grad_dict(x):
    """Gradient of sum(curv * (x - shift)^2 / 2), leaf by leaf."""
    return {k: CURV[k] * (x[k] - SHIFT[k]) for k in x}


def grad_flat(v):
    return flatten(CURV) * (v - flatten(SHIFT))


@pytest.mark.parametrize("name", FACTORIES)
def test_dict_of_arrays_gives_the_same_steps_as_one_concatenated_array(name):
    x_dict, x_flat = dict(START), flatten(START)
    opt_dict, opt_flat = FACTORIES[name](), FACTORIES[name]()
    for _ in range(6):
        x_dict = opt_dict.step(x_dict, grad_dict(x_dict))
        x_flat = opt_flat.step(x_flat, grad_flat(x_flat))
    assert set(x_dict) == set(SHAPES)
    assert all(np.shape(x_dict[k]) == s for k, s in SHAPES.items())
    np.testing.assert_allclose(flatten(x_dict), x_flat, rtol=1e-12, atol=1e-14)
    assert not np.allclose(x_flat, flatten(START))          # it moved
    for state_name, leaves in opt_dict.state.items():      # state has the parameters' structure
        np.testing.assert_allclose(flatten(leaves), opt_flat.state[state_name], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", FACTORIES)
def test_grad_dict_key_order_does_not_matter(name):
    opt_a, opt_b = FACTORIES[name](), FACTORIES[name]()
    xa = xb = dict(START)
    for _ in range(3):
        xa = opt_a.step(xa, grad_dict(xa))
        g = grad_dict(xb)
        xb = opt_b.step(xb, {k: g[k] for k in reversed(list(g))})
    np.testing.assert_allclose(flatten(xa), flatten({k: xb[k] for k in xa}), rtol=1e-13)


@pytest.mark.parametrize("name", FACTORIES)
def test_inputs_are_never_modified(name):
    opt = FACTORIES[name]()
    x, g = flatten(START), grad_flat(flatten(START))
    x_copy, g_copy = x.copy(), g.copy()
    for _ in range(3):
        new = opt.step(x, g)
        np.testing.assert_array_equal(x, x_copy)
        np.testing.assert_array_equal(g, g_copy)
        assert new is not x and new is not g
    d = {k: v.copy() for k, v in START.items()}
    opt.reset()
    opt.step(d, grad_dict(d))
    for k in d:
        np.testing.assert_array_equal(d[k], START[k])


@pytest.mark.parametrize("name", SCHEDULABLE)
def test_a_schedule_gives_the_rate_of_each_step(name):
    calls = []

    def schedule(t):
        calls.append(t)
        return [0.1, 0.02, 0.005][t]

    x0 = flatten(START)
    opt = FACTORIES[name](lr=schedule)
    x1 = opt.step(x0, grad_flat(x0))
    x2 = opt.step(x1, grad_flat(x1))
    assert calls == [0, 1]
    # the same two steps with a constant rate changed by hand between them
    ref = FACTORIES[name](lr=0.1)
    y1 = ref.step(x0, grad_flat(x0))
    ref.lr = 0.02
    y2 = ref.step(y1, grad_flat(y1))
    np.testing.assert_allclose(x1, y1, rtol=1e-14)
    np.testing.assert_allclose(x2, y2, rtol=1e-14)
    assert opt.current_lr() == 0.005 and opt.t == 2


def test_schedule_on_plain_sgd_by_hand():
    opt = SGD(lr=StepDecay(0.5, step_size=1, gamma=0.1))
    x1 = opt.step(np.array([1.0]), np.array([2.0]))       # 1 - 0.5 * 2 = 0
    x2 = opt.step(x1, np.array([2.0]))                     # 0 - 0.05 * 2 = -0.1
    assert x1[0] == pytest.approx(0.0) and x2[0] == pytest.approx(-0.1)


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
def test_a_schedule_returning_a_bad_rate_raises(bad):
    opt = SGD(lr=lambda t: bad)
    with pytest.raises(ValueError, match="schedule"):
        opt.step(np.zeros(2), np.ones(2))


@pytest.mark.parametrize("name", FACTORIES)
def test_reset_clears_state_and_step_count(name):
    x0 = flatten(START)
    opt = FACTORIES[name]()
    first = opt.step(x0, grad_flat(x0))
    for _ in range(4):
        opt.step(first, grad_flat(first))
    assert opt.t == 5
    opt.reset()
    assert opt.t == 0 and opt.state == {}
    again = opt.step(x0, grad_flat(x0))
    np.testing.assert_array_equal(again, first)


@pytest.mark.parametrize("name", FACTORIES)
def test_gradient_must_match_the_parameters(name):
    opt = FACTORIES[name]()
    # gdlearn's own messages (numpy's broadcast error also mentions "shape": match more than that)
    with pytest.raises(ValueError, match=r"grad has shape \(4,\) but params has shape \(3,\)"):
        opt.step(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"grad has shape \(4,\) but params has shape \(2, 2\)"):
        opt.step(np.zeros((2, 2)), np.zeros(4))
    with pytest.raises(ValueError, match=r"grad keys \['b'\] differ from params keys \['a'\]"):
        opt.step({"a": np.zeros(2)}, {"b": np.zeros(2)})
    with pytest.raises(ValueError, match=r"grad\['a'\] has shape \(3,\), params\['a'\] has \(2,\)"):
        opt.step({"a": np.zeros(2)}, {"a": np.zeros(3)})
    with pytest.raises(TypeError, match="grad must have the same structure as params"):
        opt.step({"a": np.zeros(2)}, np.zeros(2))
    assert opt.t == 0


@pytest.mark.parametrize("name", FACTORIES)
def test_repr_names_the_class_and_hyper_parameters(name):
    text = repr(FACTORIES[name]())
    assert text.startswith(type(FACTORIES[name]()).__name__ + "(") and "lr=" in text


def test_unflatten_round_trip_used_above():
    np.testing.assert_array_equal(flatten(unflatten(flatten(START), START)), flatten(START))
