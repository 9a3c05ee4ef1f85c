"""SignSGD (signSGD, signum) and Lion: first steps against the published rules by hand,
convergence, bad inputs, save and resume, dtypes."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from gdlearn.optim import Lion, SignSGD

X0 = (1.5, -0.5, 0.25)
GRADS = ((3.0, -1.0, 0.0), (-0.1, -2.0, 0.5), (0.2, 0.5, -0.5), (-4.0, 0.1, 0.3))


def run(opt, grads=GRADS, x0=X0):
    x = np.array(x0)
    path = []
    for g in grads:
        x = opt.step(x, np.array(g))
        path.append(x)
    return np.array(path)


def sign(u):
    return (u > 0) - (u < 0)


def signum_by_hand(lr, beta):
    """Bernstein et al. (2018), Algorithm 2 (beta = 0: Algorithm 1), with plain floats."""
    x, m, path = list(X0), [0.0] * 3, []
    for g in GRADS:
        for i in range(3):
            m[i] = beta * m[i] + (1 - beta) * g[i]
            x[i] = x[i] - lr * sign(m[i])
        path.append(list(x))
    return np.array(path)


def lion_by_hand(lr, beta1, beta2, wd):
    """Chen et al. (2023), Program 1, with plain floats."""
    x, m, path = list(X0), [0.0] * 3, []
    for g in GRADS:
        for i in range(3):
            c = beta1 * m[i] + (1 - beta1) * g[i]
            x[i] = x[i] - lr * (sign(c) + wd * x[i])
            m[i] = beta2 * m[i] + (1 - beta2) * g[i]
        path.append(list(x))
    return np.array(path)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_signum_first_steps_by_hand(beta):
    np.testing.assert_allclose(run(SignSGD(lr=0.1, momentum=beta)), signum_by_hand(0.1, beta),
                               rtol=0, atol=1e-15)


def test_signsgd_moves_every_coordinate_by_lr_and_zero_stays():
    x = SignSGD(lr=0.25).step(np.array([1.0, 1.0, 1.0]), np.array([1e-12, -1e6, 0.0]))
    np.testing.assert_array_equal(x, [0.75, 1.25, 1.0])


def test_signum_buffer_is_the_moving_average():
    opt = SignSGD(lr=0.1, momentum=0.9)
    run(opt)
    expected = np.zeros(3)
    for g in GRADS:
        expected = 0.9 * expected + 0.1 * np.array(g)
    np.testing.assert_allclose(opt.state["momentum_buffer"], expected, rtol=1e-15)
    # the momentum carries the sign: the second step of coordinate 0 still goes down
    assert run(SignSGD(lr=0.1, momentum=0.9))[1, 0] == pytest.approx(1.3)


@pytest.mark.parametrize(("betas", "wd"), [((0.9, 0.99), 0.0), ((0.5, 0.8), 0.3), ((0.0, 0.0), 0.1)])
def test_lion_first_steps_by_hand(betas, wd):
    np.testing.assert_allclose(run(Lion(lr=0.1, betas=betas, weight_decay=wd)),
                               lion_by_hand(0.1, *betas, wd), rtol=0, atol=1e-15)


def test_lion_interpolates_but_stores_the_slow_average():
    opt = Lion(lr=0.1)
    run(opt, grads=((1.0, 1.0, 1.0), (-1.0, -0.05, 0.0)))
    np.testing.assert_allclose(opt.state["exp_avg"], [0.01 * 0.99 - 0.01, 0.0099 - 0.0005, 0.0099])
    # step 2: c = 0.9 * 0.01 + 0.1 * g = (-0.091, 0.004, 0.009): the new gradient wins in coordinate 0
    path = run(Lion(lr=0.1), grads=((1.0, 1.0, 1.0), (-1.0, -0.05, 0.0)))
    np.testing.assert_allclose(path[1] - path[0], [0.1, -0.1, -0.1])


def test_lion_with_zero_betas_is_signsgd_and_decay_shrinks():
    np.testing.assert_array_equal(run(Lion(lr=0.1, betas=(0.0, 0.0))), run(SignSGD(lr=0.1)))
    x = Lion(lr=0.1, weight_decay=0.5).step(np.array([2.0]), np.array([0.0]))
    np.testing.assert_allclose(x, [2.0 * (1 - 0.05)])


@pytest.mark.parametrize("make", [lambda lr: SignSGD(lr=lr, momentum=0.9),
                                  lambda lr: Lion(lr=lr)], ids=["signum", "lion"])
def test_sign_methods_reach_the_minimum_with_a_decaying_rate(make):
    """A fixed-length step ends in a cycle of size ~lr around the minimum; a decaying rate
    (here 0.5 / k) shrinks it, and the iterate converges to the minimum."""
    scales = np.array([1.0, 10.0, 100.0])
    target = np.array([1.0, -2.0, 0.5])
    x = np.zeros(3)
    opt = make(lambda t: 0.5 / (t + 1))
    for _ in range(5000):
        x = opt.step(x, scales * (x - target))
    np.testing.assert_allclose(x, target, atol=5e-3)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: SignSGD(lr=-1.0), ValueError, "lr must be a finite number > 0"),
        (lambda: SignSGD(lr=0.1, momentum=1.0), ValueError, r"momentum must lie in \[0, 1\)"),
        (lambda: SignSGD(lr=0.1, momentum="0.9"), TypeError, "momentum must be a real number"),
        (lambda: Lion(lr=0.1, betas=(0.9, 1.0)), ValueError, r"betas\[1\] must lie in \[0, 1\)"),
        (lambda: Lion(lr=0.1, betas=0.9), TypeError, r"betas must be a pair"),
        (lambda: Lion(lr=0.1, weight_decay=-0.1), ValueError, "weight_decay must be a finite number >= 0"),
    ],
)
def test_bad_inputs_raise_gdlearn_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("make", [lambda: SignSGD(lr=0.01, momentum=0.9),
                                  lambda: Lion(lr=0.01, weight_decay=0.1)], ids=["signum", "lion"])
def test_save_load_resume_is_bit_for_bit(make):
    rng = np.random.default_rng(0)
    grads = [tuple(g) for g in rng.standard_normal((40, 3))]
    straight = run(make(), grads)
    opt = make()
    half = run(opt, grads[:20])
    fresh = make()
    fresh.load_state_dict(pickle.loads(pickle.dumps(opt.state_dict())))
    np.testing.assert_array_equal(run(fresh, grads[20:], x0=half[-1]), straight[20:])


@pytest.mark.parametrize("make", [lambda: SignSGD(lr=0.01, momentum=0.5), lambda: Lion(lr=0.01)])
def test_float32_in_float32_out_and_dict_params(make):
    opt = make()
    x = {"W": np.ones((2, 2), dtype=np.float32), "b": np.float32(0.5) * np.ones(2, dtype=np.float32)}
    for _ in range(3):
        x = opt.step(x, {k: v * 2 for k, v in x.items()})
    assert all(v.dtype == np.float32 for v in x.values())
    assert all(a.dtype == np.float32 for per_key in opt.state.values() for a in per_key.values())
