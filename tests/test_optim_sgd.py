"""SGD: the first three steps against torch's rule written out by hand, and argument checks."""

import math

import numpy as np
import pytest

from gdlearn.optim import SGD

# f(x) = sum_i a_i x_i^2 / 2 - b_i x_i, so that the gradient changes from step to step.
A = (2.0, 0.5)
B = (1.0, -1.0)
X0 = (1.5, -0.5)


def grad(x):
    return [a * xi - b for a, xi, b in zip(A, x, B, strict=True)]


def sgd_by_hand(lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, steps=3):
    """torch.optim.SGD's documented rule, coordinate by coordinate with plain floats."""
    x = list(X0)
    buf = [None, None]
    path = []
    for _ in range(steps):
        g = grad(x)
        new = []
        for i in range(2):
            gi = g[i] + weight_decay * x[i]
            if momentum != 0:
                if buf[i] is None:
                    buf[i] = gi
                else:
                    buf[i] = momentum * buf[i] + (1 - dampening) * gi
                gi = gi + momentum * buf[i] if nesterov else buf[i]
            new.append(x[i] - lr * gi)
        x = new
        path.append(x)
    return np.array(path)


def run(opt, steps=3):
    x = np.array(X0)
    path = []
    for _ in range(steps):
        x = opt.step(x, np.array(grad(list(x))))
        path.append(x)
    return np.array(path)


SETTINGS = [
    dict(lr=0.1),
    dict(lr=0.3, weight_decay=0.2),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.2, momentum=0.8, dampening=0.3),
    dict(lr=0.1, momentum=0.9, nesterov=True),
    dict(lr=0.05, momentum=0.5, nesterov=True, weight_decay=0.1),
]


@pytest.mark.parametrize("kw", SETTINGS, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
def test_first_three_steps_match_the_rule_by_hand(kw):
    np.testing.assert_allclose(run(SGD(**kw)), sgd_by_hand(**kw), rtol=1e-13, atol=1e-15)


def test_one_step_in_plain_numbers():
    # x = (1.5, -0.5): g = (2*1.5 - 1, 0.5*(-0.5) + 1) = (2, 0.75); x - 0.1 g = (1.3, -0.575)
    np.testing.assert_allclose(SGD(lr=0.1).step(np.array([1.5, -0.5]), np.array([2.0, 0.75])), [1.3, -0.575])


def test_momentum_first_buffer_is_the_gradient_not_damped():
    # torch: b_1 = g_1 even with dampening; a damped first buffer would give 1.5 - 0.1*0.5*2 = 1.4
    x1 = SGD(lr=0.1, momentum=0.9, dampening=0.5).step(np.array([1.5]), np.array([2.0]))
    assert x1[0] == pytest.approx(1.3)


def test_settings_really_differ():
    paths = [sgd_by_hand(**kw)[-1] for kw in SETTINGS[2:5]]
    assert not np.allclose(paths[0], paths[1]) and not np.allclose(paths[0], paths[2])


def test_state_is_named_as_in_torch():
    opt = SGD(lr=0.1, momentum=0.9)
    opt.step(np.array([1.0, 2.0]), np.array([0.5, 0.5]))
    assert set(opt.state) == {"momentum_buffer"}
    np.testing.assert_allclose(opt.state["momentum_buffer"], [0.5, 0.5])
    plain = SGD(lr=0.1)
    plain.step(np.array([1.0]), np.array([1.0]))
    assert plain.state == {}


@pytest.mark.parametrize(
    "kw, exc, name",
    [
        (dict(lr=0.0), ValueError, "lr"),
        (dict(lr=-0.1), ValueError, "lr"),
        (dict(lr=math.nan), ValueError, "lr"),
        (dict(lr=math.inf), ValueError, "lr"),
        (dict(lr="0.1"), TypeError, "lr"),
        (dict(momentum=-0.5), ValueError, "momentum"),
        (dict(momentum=math.nan), ValueError, "momentum"),
        (dict(dampening=-0.1), ValueError, "dampening"),
        (dict(dampening=1.5), ValueError, "dampening"),
        (dict(weight_decay=-1e-4), ValueError, "weight_decay"),
        (dict(nesterov=True), ValueError, "nesterov"),
        (dict(nesterov=True, momentum=0.9, dampening=0.1), ValueError, "nesterov"),
        (dict(nesterov="yes", momentum=0.9), TypeError, "nesterov"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(kw, exc, name):
    with pytest.raises(exc, match=name):
        SGD(**kw)
