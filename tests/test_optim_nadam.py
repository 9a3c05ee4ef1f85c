"""NAdam: first steps against torch.optim.NAdam's documented rule (Dozat 2016 with the
momentum schedule) by hand, the constant-momentum form, convergence, bad inputs, resume."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from gdlearn.optim import Adam, NAdam

X0 = (1.5, -0.5)
GRADS = ((3.0, -1.0), (0.1, -2.0), (0.2, 0.5), (-1.0, 0.3))


def run(opt, grads=GRADS, x0=X0):
    x = np.array(x0)
    path = []
    for g in grads:
        x = opt.step(x, np.array(g))
        path.append(x)
    return np.array(path)


def nadam_by_hand(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, psi=4e-3):
    """torch.optim.NAdam's algorithm box, coordinate by coordinate with plain floats."""
    b1, b2 = betas
    x, m, v, path = list(X0), [0.0, 0.0], [0.0, 0.0], []
    mu_product = 1.0
    for t, g in enumerate(GRADS, start=1):
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        mu_product *= mu
        for i in range(2):
            gi = g[i] + weight_decay * x[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            denom = math.sqrt(v[i] / (1 - b2**t)) + eps
            x[i] = (x[i] - lr * (1 - mu) / (1 - mu_product) * gi / denom
                    - lr * mu_next / (1 - mu_product * mu_next) * m[i] / denom)
        path.append(list(x))
    return np.array(path)


@pytest.mark.parametrize(
    "kw",
    [dict(lr=0.1), dict(lr=0.1, betas=(0.8, 0.5), eps=1e-3), dict(lr=0.05, weight_decay=0.3),
     dict(lr=0.1, momentum_decay=0.5), dict(lr=0.1, momentum_decay=0.0)],
)
def test_first_steps_by_hand(kw):
    hand = {k: v for k, v in kw.items() if k != "momentum_decay"}
    np.testing.assert_allclose(run(NAdam(**kw)),
                               nadam_by_hand(**hand, psi=kw.get("momentum_decay", 4e-3)), rtol=1e-14)


def test_constant_momentum_is_the_simplified_form():
    """momentum_decay = inf: mu_k = beta1, products beta1^k (optax's and Keras's NAdam)."""
    b1, b2, lr, eps = 0.9, 0.999, 0.1, 1e-8
    x, m, v = np.array(X0), 0.0, 0.0
    ours = run(NAdam(lr=lr, momentum_decay=math.inf))
    for t, g in enumerate(GRADS, start=1):
        g = np.array(g)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_bar = b1 * m / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1**t)
        x = x - lr * m_bar / (np.sqrt(v / (1 - b2**t)) + eps)
        np.testing.assert_allclose(ours[t - 1], x, rtol=1e-14)


def test_the_schedule_starts_the_momentum_at_half_beta1():
    opt = NAdam()
    assert opt._mu(0) == pytest.approx(0.45)
    assert opt._mu(10_000) == pytest.approx(0.9 * (1 - 0.5 * 0.96**40))
    assert not np.allclose(run(NAdam(lr=0.1)), run(NAdam(lr=0.1, momentum_decay=math.inf)))


def test_reaches_the_minimum_of_an_ill_scaled_quadratic():
    scales, target = np.array([1.0, 10.0, 100.0]), np.array([1.0, -2.0, 0.5])
    x, opt = np.zeros(3), NAdam(lr=0.05)
    for _ in range(3000):
        x = opt.step(x, scales * (x - target))
    np.testing.assert_allclose(x, target, atol=1e-6)


def test_differs_from_adam_from_the_first_step():
    assert not np.allclose(run(NAdam(lr=0.1))[0], run(Adam(lr=0.1))[0])


@pytest.mark.parametrize(
    ("kw", "error", "message"),
    [
        (dict(momentum_decay=-1.0), ValueError, r"momentum_decay must be a number >= 0 \(inf allowed\)"),
        (dict(momentum_decay=math.nan), ValueError, "momentum_decay must be a number >= 0"),
        (dict(momentum_decay="fast"), TypeError, "momentum_decay must be a real number"),
        (dict(betas=(1.0, 0.9)), ValueError, r"betas\[0\] must lie in \[0, 1\)"),
        (dict(eps=0.0), ValueError, "eps must be a finite number > 0"),
        (dict(lr=math.inf), ValueError, "lr must be a finite number > 0"),
    ],
)
def test_bad_inputs_raise_gdlearn_errors(kw, error, message):
    with pytest.raises(error, match=message):
        NAdam(**kw)


def test_save_load_resume_is_bit_for_bit():
    rng = np.random.default_rng(0)
    grads = [tuple(g) for g in rng.standard_normal((60, 2))]
    straight = run(NAdam(lr=0.01), grads)
    opt = NAdam(lr=0.01)
    half = run(opt, grads[:30])
    fresh = NAdam(lr=0.5)
    fresh.load_state_dict(pickle.loads(pickle.dumps(opt.state_dict())))
    np.testing.assert_array_equal(run(fresh, grads[30:], x0=half[-1]), straight[30:])


def test_float32_in_float32_out():
    opt = NAdam(lr=0.01)
    x = np.ones(3, dtype=np.float32)
    for _ in range(3):
        x = opt.step(x, 2 * x)
    assert x.dtype == np.float32 and opt.state["exp_avg"].dtype == np.float32
