"""AdaGrad, RMSProp and AdaDelta: first three steps against the published rules by hand."""

import math

import numpy as np
import pytest

from gdlearn.optim import AdaDelta, AdaGrad, RMSProp

A = (2.0, 0.5)
B = (1.0, -1.0)
X0 = (1.5, -0.5)


def grad(x):
    return [a * xi - b for a, xi, b in zip(A, x, B, strict=True)]


def run(opt, steps=3):
    x = np.array(X0)
    path = []
    for _ in range(steps):
        x = opt.step(x, np.array(grad(list(x))))
        path.append(x)
    return np.array(path)


# ---------------------------------------------------------------- AdaGrad (Duchi et al. 2011)
def adagrad_by_hand(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    x = list(X0)
    s = [initial_accumulator_value] * 2
    path = []
    for t in range(1, 4):
        clr = lr / (1 + (t - 1) * lr_decay)
        g = grad(x)
        for i in range(2):
            gi = g[i] + weight_decay * x[i]
            s[i] = s[i] + gi * gi
            x[i] = x[i] - clr * gi / (math.sqrt(s[i]) + eps)
        path.append(list(x))
    return np.array(path)


ADAGRAD = [
    dict(lr=0.5),
    dict(lr=0.3, lr_decay=0.5, weight_decay=0.1, initial_accumulator_value=0.2, eps=1e-3),
]


@pytest.mark.parametrize("kw", ADAGRAD)
def test_adagrad_first_three_steps(kw):
    np.testing.assert_allclose(run(AdaGrad(**kw)), adagrad_by_hand(**kw), rtol=1e-13)


def test_adagrad_first_step_is_lr_times_sign():
    # s_1 = g^2, so the first step is lr * g / (|g| + eps): lr in every coordinate
    x = AdaGrad(lr=0.5).step(np.array([1.0, 1.0]), np.array([100.0, -0.01]))
    np.testing.assert_allclose(x, [0.5, 1.5], rtol=1e-7)


# ------------------------------------------------------------ RMSProp (Tieleman & Hinton 2012)
def rmsprop_by_hand(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    x = list(X0)
    v, gbar, buf = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    path = []
    for _ in range(3):
        g = grad(x)
        for i in range(2):
            gi = g[i] + weight_decay * x[i]
            v[i] = alpha * v[i] + (1 - alpha) * gi * gi
            if centered:
                gbar[i] = alpha * gbar[i] + (1 - alpha) * gi
                avg = math.sqrt(v[i] - gbar[i] ** 2) + eps
            else:
                avg = math.sqrt(v[i]) + eps
            if momentum > 0:
                buf[i] = momentum * buf[i] + gi / avg
                x[i] = x[i] - lr * buf[i]
            else:
                x[i] = x[i] - lr * gi / avg
        path.append(list(x))
    return np.array(path)


RMSPROP = [
    dict(lr=0.01),
    dict(lr=0.05, alpha=0.9, centered=True, momentum=0.7),
    dict(lr=0.02, alpha=0.5, momentum=0.9, weight_decay=0.3, eps=1e-4),
    dict(lr=0.03, alpha=0.8, centered=True),
]


@pytest.mark.parametrize("kw", RMSPROP)
def test_rmsprop_first_three_steps(kw):
    np.testing.assert_allclose(run(RMSProp(**kw)), rmsprop_by_hand(**kw), rtol=1e-12)


def test_rmsprop_variants_differ():
    plain = rmsprop_by_hand(lr=0.05, alpha=0.9)
    centered = rmsprop_by_hand(lr=0.05, alpha=0.9, centered=True)
    assert not np.allclose(plain, centered)


def test_rmsprop_state_names():
    opt = RMSProp(momentum=0.5, centered=True)
    opt.step(np.ones(2), np.ones(2))
    assert set(opt.state) == {"square_avg", "grad_avg", "momentum_buffer"}
    assert set(RMSProp().state_names) == {"square_avg"}


# ----------------------------------------------------------------- AdaDelta (Zeiler 2012)
def adadelta_by_hand(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    x = list(X0)
    v, u = [0.0, 0.0], [0.0, 0.0]
    path = []
    for _ in range(3):
        g = grad(x)
        for i in range(2):
            gi = g[i] + weight_decay * x[i]
            v[i] = rho * v[i] + (1 - rho) * gi * gi
            delta = math.sqrt(u[i] + eps) / math.sqrt(v[i] + eps) * gi
            u[i] = rho * u[i] + (1 - rho) * delta * delta
            x[i] = x[i] - lr * delta
        path.append(list(x))
    return np.array(path)


ADADELTA = [dict(), dict(lr=0.5, rho=0.5, eps=1e-2, weight_decay=0.1)]


@pytest.mark.parametrize("kw", ADADELTA)
def test_adadelta_first_three_steps(kw):
    np.testing.assert_allclose(run(AdaDelta(**kw)), adadelta_by_hand(**kw), rtol=1e-13)


def test_adadelta_state_names():
    opt = AdaDelta()
    opt.step(np.ones(2), np.ones(2))
    assert set(opt.state) == {"square_avg", "acc_delta"}


# ------------------------------------------------------------------------ bad arguments
@pytest.mark.parametrize(
    "cls, kw, exc, name",
    [
        (AdaGrad, dict(lr=-1.0), ValueError, "lr"),
        (AdaGrad, dict(lr_decay=-0.1), ValueError, "lr_decay"),
        (AdaGrad, dict(weight_decay=-0.1), ValueError, "weight_decay"),
        (AdaGrad, dict(initial_accumulator_value=-1.0), ValueError, "initial_accumulator_value"),
        (AdaGrad, dict(eps=0.0), ValueError, "eps"),
        (RMSProp, dict(lr=math.inf), ValueError, "lr"),
        (RMSProp, dict(alpha=1.0), ValueError, "alpha"),
        (RMSProp, dict(alpha=-0.1), ValueError, "alpha"),
        (RMSProp, dict(eps=-1e-8), ValueError, "eps"),
        (RMSProp, dict(weight_decay=-0.1), ValueError, "weight_decay"),
        (RMSProp, dict(momentum=-0.1), ValueError, "momentum"),
        (RMSProp, dict(centered=1), TypeError, "centered"),
        (AdaDelta, dict(lr=0.0), ValueError, "lr"),
        (AdaDelta, dict(rho=1.0), ValueError, "rho"),
        (AdaDelta, dict(rho=-0.5), ValueError, "rho"),
        (AdaDelta, dict(rho="0.9"), TypeError, "rho"),
        (AdaDelta, dict(eps=0.0), ValueError, "eps"),
        (AdaDelta, dict(weight_decay=-1.0), ValueError, "weight_decay"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(cls, kw, exc, name):
    with pytest.raises(exc, match=name):
        cls(**kw)
