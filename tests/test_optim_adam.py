"""Adam, AMSGrad and AdamW: first three steps against the published rules by hand."""

import math

import numpy as np
import pytest

from gdlearn.optim import Adam, AdamW

X0 = (1.5, -0.5)
# A fixed gradient sequence with a large first gradient, so that AMSGrad's maximum matters.
GRADS = ((3.0, -1.0), (0.1, -2.0), (0.2, 0.5))


def run(opt, grads=GRADS):
    x = np.array(X0)
    path = []
    for g in grads:
        x = opt.step(x, np.array(g))
        path.append(x)
    return np.array(path)


def adam_by_hand(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                 bias_correction=True, decoupled=False):
    """torch.optim.Adam / AdamW as documented, coordinate by coordinate with plain floats."""
    b1, b2 = betas
    x = list(X0)
    m, v, vmax = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    path = []
    for t, g in enumerate(GRADS, start=1):
        for i in range(2):
            gi = g[i]
            if decoupled:
                x[i] = x[i] * (1 - lr * weight_decay)
            else:
                gi = gi + weight_decay * x[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            bc1 = 1 - b1**t if bias_correction else 1.0
            bc2 = 1 - b2**t if bias_correction else 1.0
            m_hat = m[i] / bc1
            if amsgrad:
                vmax[i] = max(vmax[i], v[i])
                v_hat = vmax[i] / bc2
            else:
                v_hat = v[i] / bc2
            x[i] = x[i] - lr * m_hat / (math.sqrt(v_hat) + eps)
        path.append(list(x))
    return np.array(path)


ADAM = [
    dict(lr=0.1),
    dict(lr=0.1, betas=(0.8, 0.5), eps=1e-3),
    dict(lr=0.1, betas=(0.8, 0.5), amsgrad=True),
    dict(lr=0.1, betas=(0.9, 0.99), bias_correction=False),
    dict(lr=0.1, betas=(0.8, 0.5), amsgrad=True, bias_correction=False, eps=0.1),
    dict(lr=0.05, weight_decay=0.5),
    dict(lr=0.05, betas=(0.0, 0.0)),
]


@pytest.mark.parametrize("kw", ADAM, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
def test_adam_first_three_steps(kw):
    np.testing.assert_allclose(run(Adam(**kw)), adam_by_hand(**kw), rtol=1e-13)


def test_amsgrad_and_bias_correction_change_the_steps():
    base = adam_by_hand(lr=0.1, betas=(0.8, 0.5))
    assert not np.allclose(base, adam_by_hand(lr=0.1, betas=(0.8, 0.5), amsgrad=True))
    assert not np.allclose(base, adam_by_hand(lr=0.1, betas=(0.8, 0.5), bias_correction=False))


def test_first_adam_step_in_plain_numbers():
    # t = 1: m_hat = g, v_hat = g^2, step = lr g / (|g| + eps) = lr sign(g) up to eps
    x = Adam(lr=0.1).step(np.array([1.5, -0.5]), np.array([3.0, -1.0]))
    np.testing.assert_allclose(x, [1.5 - 0.1 * 3 / (3 + 1e-8), -0.5 + 0.1 / (1 + 1e-8)], rtol=1e-15)


def test_without_bias_correction_the_first_step_is_3_times_longer():
    # m_1 = 0.1 g = 0.2, v_1 = 0.001 g^2 = 0.004: step = lr * 0.2 / (sqrt(0.004) + eps) = 3.16 lr
    x = Adam(lr=0.01, bias_correction=False).step(np.array([0.0]), np.array([2.0]))
    assert x[0] == pytest.approx(-0.01 * 0.2 / (math.sqrt(0.004) + 1e-8), rel=1e-14)
    assert x[0] == pytest.approx(-0.01 * 0.1 / math.sqrt(0.001), rel=1e-6)


ADAMW = [dict(lr=0.05, weight_decay=0.5), dict(lr=0.1, betas=(0.8, 0.5), weight_decay=0.2, amsgrad=True)]


@pytest.mark.parametrize("kw", ADAMW)
def test_adamw_first_three_steps(kw):
    np.testing.assert_allclose(run(AdamW(**kw)), adam_by_hand(decoupled=True, **kw), rtol=1e-13)


def test_adamw_differs_from_adam_with_weight_decay():
    adam = run(Adam(lr=0.05, weight_decay=0.5))
    adamw = run(AdamW(lr=0.05, weight_decay=0.5))
    assert not np.allclose(adam[0], adamw[0])
    # and both agree when there is no decay
    np.testing.assert_allclose(run(Adam(lr=0.05)), run(AdamW(lr=0.05, weight_decay=0.0)), rtol=1e-15)


def test_adamw_default_weight_decay_is_torchs():
    assert AdamW().weight_decay == 0.01 and Adam().weight_decay == 0.0


def test_state_names():
    opt = Adam(amsgrad=True)
    opt.step(np.ones(3), np.ones(3))
    assert set(opt.state) == {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    np.testing.assert_allclose(opt.state["exp_avg"], 0.1)
    np.testing.assert_allclose(opt.state["exp_avg_sq"], 0.001)


def test_zero_dimensional_parameter():
    x = Adam(lr=0.1).step(np.array(1.0), np.array(2.0))
    assert np.shape(x) == () and float(x) == pytest.approx(0.9)


@pytest.mark.parametrize(
    "cls, kw, exc, name",
    [
        (Adam, dict(lr=0.0), ValueError, "lr"),
        (Adam, dict(lr=math.nan), ValueError, "lr"),
        (Adam, dict(betas=(1.0, 0.999)), ValueError, "betas"),
        (Adam, dict(betas=(0.9, -0.1)), ValueError, "betas"),
        (Adam, dict(betas=0.9), TypeError, "betas"),
        (Adam, dict(betas=(0.9, 0.99, 0.9)), TypeError, "betas"),
        (Adam, dict(eps=0.0), ValueError, "eps"),
        (Adam, dict(eps=math.inf), ValueError, "eps"),
        (Adam, dict(weight_decay=-0.1), ValueError, "weight_decay"),
        (Adam, dict(amsgrad="no"), TypeError, "amsgrad"),
        (Adam, dict(bias_correction=None), TypeError, "bias_correction"),
        (AdamW, dict(lr=-1.0), ValueError, "lr"),
        (AdamW, dict(betas=(0.9, 1.5)), ValueError, "betas"),
        (AdamW, dict(weight_decay=-0.01), ValueError, "weight_decay"),
        (AdamW, dict(eps=-1.0), ValueError, "eps"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(cls, kw, exc, name):
    with pytest.raises(exc, match=name):
        cls(**kw)
