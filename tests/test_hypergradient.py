"""SGD-HD and Adam-HD (Baydin et al. 2018): the learned rate by hand, and its behaviour."""

import math

import numpy as np
import pytest

from gdlearn.optim import SGD, SGDHD, Adam, AdamHD

A = (2.0, 0.5)
B = (1.0, -1.0)
X0 = (1.5, -0.5)


def grad(x):
    return [a * xi - b for a, xi, b in zip(A, x, B, strict=True)]


def dot(u, v):
    return sum(ui * vi for ui, vi in zip(u, v, strict=True))


def test_sgdhd_rate_after_two_steps_by_hand():
    alpha0, beta = 0.1, 0.05
    opt = SGDHD(lr=alpha0, hyper_lr=beta)
    x1 = opt.step(np.array(X0), np.array(grad(X0)))
    x2 = opt.step(x1, np.array(grad(list(x1))))
    # by hand: g1 = grad(x0), alpha1 = alpha0 (no previous gradient), x1 = x0 - alpha1 g1;
    # g2 = grad(x1), alpha2 = alpha1 + beta g2 . g1, x2 = x1 - alpha2 g2
    g1 = grad(X0)                                   # (2.0, 0.75)
    hx1 = [X0[i] - alpha0 * g1[i] for i in range(2)]
    g2 = grad(hx1)
    alpha2 = alpha0 + beta * dot(g2, g1)
    hx2 = [hx1[i] - alpha2 * g2[i] for i in range(2)]
    assert opt.lr_history == pytest.approx([alpha0, alpha2], rel=1e-15)
    assert opt.current_lr() == pytest.approx(alpha2, rel=1e-15)
    np.testing.assert_allclose(x1, hx1, rtol=1e-15)
    np.testing.assert_allclose(x2, hx2, rtol=1e-15)
    # the numbers: g1 = (2, 0.75), x1 = (1.3, -0.575), g2 = (1.6, 0.7125), g2.g1 = 3.734375
    assert alpha2 == pytest.approx(0.1 + 0.05 * 3.734375)


def adamhd_by_hand(alpha0, beta, betas=(0.9, 0.999), eps=1e-8, steps=3):
    b1, b2 = betas
    x, m, v, d = list(X0), [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    alpha, alphas, path = alpha0, [], []
    for t in range(1, steps + 1):
        g = grad(x)
        alpha = alpha + beta * dot(g, d)            # h_t = -g_t . d_{t-1}; alpha_t = alpha - beta h_t
        for i in range(2):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            d[i] = (m[i] / (1 - b1**t)) / (math.sqrt(v[i] / (1 - b2**t)) + eps)
            x[i] = x[i] - alpha * d[i]
        alphas.append(alpha)
        path.append(list(x))
    return np.array(path), alphas


ADAMHD = [dict(alpha0=0.1, beta=0.01), dict(alpha0=0.05, beta=0.1, betas=(0.5, 0.9), eps=1e-3)]


@pytest.mark.parametrize("kw", ADAMHD)
def test_adamhd_first_three_steps_by_hand(kw):
    path, alphas = adamhd_by_hand(**kw)
    opt = AdamHD(lr=kw["alpha0"], hyper_lr=kw["beta"], **{k: kw[k] for k in ("betas", "eps") if k in kw})
    x, got = np.array(X0), []
    for _ in range(3):
        x = opt.step(x, np.array(grad(list(x))))
        got.append(x)
    np.testing.assert_allclose(got, path, rtol=1e-13)
    np.testing.assert_allclose(opt.lr_history, alphas, rtol=1e-13)
    assert len(set(alphas)) == 3                   # the rate really moved


def quadratic_run(opt, curvature, steps):
    x = np.array([1.0, -2.0])
    for _ in range(steps):
        x = opt.step(x, curvature * x)
    return x


def test_sgdhd_increases_a_too_small_rate():
    curvature = np.array([1.0, 2.0])
    opt = SGDHD(lr=1e-3, hyper_lr=1e-3)
    x = quadratic_run(opt, curvature, 100)
    rates = np.array(opt.lr_history)
    assert rates[-1] > 20 * rates[0]
    assert np.all(np.diff(rates[:20]) > 0)        # consecutive gradients agree: the rate grows
    fixed = quadratic_run(SGD(lr=1e-3), curvature, 100)
    assert np.linalg.norm(x) < 0.1 * np.linalg.norm(fixed)


def test_sgdhd_decreases_a_too_large_rate():
    # curvature 10 and lr 0.19 (just under 2/10): the iterates zig-zag, consecutive gradients
    # point in opposite directions, and the hypergradient lowers the rate
    opt = SGDHD(lr=0.19, hyper_lr=1e-5)
    x = quadratic_run(opt, np.array([10.0, 10.0]), 10)
    assert np.all(np.diff(opt.lr_history) < 0)
    fixed = quadratic_run(SGD(lr=0.19), np.array([10.0, 10.0]), 10)
    assert opt.current_lr() < 0.18 and np.linalg.norm(x) < 0.5 * np.linalg.norm(fixed)


def test_adamhd_increases_a_too_small_rate():
    opt = AdamHD(lr=1e-4, hyper_lr=1e-4)
    quadratic_run(opt, np.array([1.0, 2.0]), 200)
    assert opt.lr_history[-1] > 10 * opt.lr_history[0]


def test_zero_hyper_lr_is_the_plain_method():
    curvature = np.array([1.0, 3.0])
    np.testing.assert_allclose(quadratic_run(SGDHD(lr=0.05, hyper_lr=0.0), curvature, 20),
                               quadratic_run(SGD(lr=0.05), curvature, 20), rtol=1e-15)
    np.testing.assert_allclose(quadratic_run(AdamHD(lr=0.05, hyper_lr=0.0), curvature, 20),
                               quadratic_run(Adam(lr=0.05), curvature, 20), rtol=1e-12)


def test_reset_restores_the_initial_rate():
    opt = SGDHD(lr=1e-3, hyper_lr=1e-2)
    quadratic_run(opt, np.array([1.0, 2.0]), 10)
    assert opt.current_lr() != 1e-3
    opt.reset()
    assert opt.current_lr() == 1e-3 and opt.lr_history == [] and opt.t == 0 and opt.state == {}


def test_state_names():
    opt = AdamHD()
    opt.step(np.ones(2), np.ones(2))
    assert set(opt.state) == {"exp_avg", "exp_avg_sq", "prev_direction"}
    sgd = SGDHD()
    sgd.step(np.ones(2), np.full(2, 3.0))
    np.testing.assert_array_equal(sgd.state["prev_direction"], [3.0, 3.0])


@pytest.mark.parametrize(
    "cls, kw, exc, name",
    [
        (SGDHD, dict(lr=lambda t: 0.1), TypeError, "lr"),
        (SGDHD, dict(lr=0.0), ValueError, "lr"),
        (SGDHD, dict(hyper_lr=-1e-3), ValueError, "hyper_lr"),
        (SGDHD, dict(hyper_lr=math.nan), ValueError, "hyper_lr"),
        (AdamHD, dict(lr=-1.0), ValueError, "lr"),
        (AdamHD, dict(hyper_lr="big"), TypeError, "hyper_lr"),
        (AdamHD, dict(betas=(0.9, 1.0)), ValueError, "betas"),
        (AdamHD, dict(eps=0.0), ValueError, "eps"),
    ],
)
def test_bad_arguments(cls, kw, exc, name):
    with pytest.raises(exc, match=name):
        cls(**kw)
