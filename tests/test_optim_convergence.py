"""Measured convergence rates on quadratics against the theory, and every optimizer reaching 0."""

import math

import numpy as np
import pytest

from gdlearn.optim import SGD, SGDHD, AdaDelta, AdaGrad, Adam, AdamHD, AdamW, RMSProp


def run_quadratic(opt, diag, x0, steps):
    """Iterates of opt on f(x) = x' diag(diag) x / 2, whose gradient is diag * x."""
    x, path = np.asarray(x0, dtype=float), []
    path.append(x)
    for _ in range(steps):
        x = opt.step(x, diag * x)
        path.append(x)
    return np.array(path)


def test_gradient_descent_contracts_at_kappa_minus_one_over_kappa_plus_one():
    mu, big_l = 1.0, 20.0
    kappa = big_l / mu
    path = run_quadratic(SGD(lr=2.0 / (big_l + mu)), np.array([mu, big_l]), [1.0, 1.0], 60)
    norms = np.linalg.norm(path, axis=1)
    ratios = norms[1:] / norms[:-1]
    theory = (kappa - 1) / (kappa + 1)
    np.testing.assert_allclose(ratios, theory, rtol=0.01)
    # and a smaller step is slower: the theory rate is the best a fixed step achieves here
    slower = run_quadratic(SGD(lr=1.0 / big_l), np.array([mu, big_l]), [1.0, 1.0], 60)
    assert np.linalg.norm(slower[-1]) > np.linalg.norm(path[-1])


def test_heavy_ball_contracts_at_sqrt_kappa_rate_with_polyaks_tuning():
    mu, big_l = 1.0, 100.0
    sqrt_kappa = math.sqrt(big_l / mu)
    lr = (2.0 / (math.sqrt(big_l) + math.sqrt(mu))) ** 2
    beta = ((math.sqrt(big_l) - math.sqrt(mu)) / (math.sqrt(big_l) + math.sqrt(mu))) ** 2
    path = run_quadratic(SGD(lr=lr, momentum=beta), np.array([mu, big_l]), [1.0, 1.0], 150)
    norms = np.linalg.norm(path, axis=1)
    measured = (norms[150] / norms[100]) ** (1 / 50)
    theory = (sqrt_kappa - 1) / (sqrt_kappa + 1)
    assert measured == pytest.approx(theory, rel=0.02)
    plain = (1 - 1 / (big_l / mu)) / (1 + 1 / (big_l / mu))          # (kappa-1)/(kappa+1) = 0.98
    assert measured < plain - 0.1                                    # much faster than plain GD


CONVERGING = {
    "sgd": (lambda: SGD(lr=0.1), 300),
    "heavy_ball": (lambda: SGD(lr=0.05, momentum=0.9), 600),
    "nesterov": (lambda: SGD(lr=0.05, momentum=0.9, nesterov=True), 600),
    "adagrad": (lambda: AdaGrad(lr=0.5), 600),
    "rmsprop_centered": (lambda: RMSProp(lr=0.01, centered=True, momentum=0.5), 3000),
    "adadelta": (lambda: AdaDelta(lr=0.1), 2000),
    "adam": (lambda: Adam(lr=0.05), 2000),
    "amsgrad": (lambda: Adam(lr=0.05, amsgrad=True), 2000),
    "adamw": (lambda: AdamW(lr=0.05, weight_decay=0.01), 2000),
    "sgdhd": (lambda: SGDHD(lr=0.01, hyper_lr=1e-3), 600),
    "adamhd": (lambda: AdamHD(lr=0.05, hyper_lr=1e-3), 2000),
}


@pytest.mark.parametrize("name", CONVERGING)
def test_every_optimizer_drives_a_quadratic_to_its_minimum(name):
    factory, steps = CONVERGING[name]
    diag = np.array([1.0, 10.0])
    path = run_quadratic(factory(), diag, [1.0, 1.0], steps)
    f0, f_end = 0.5 * np.sum(diag * path[0] ** 2), 0.5 * np.sum(diag * path[-1] ** 2)
    assert f_end < 1e-8 * f0
    assert np.all(np.isfinite(path))


def test_plain_rmsprop_gets_within_about_lr_of_the_minimum():
    # RMSProp's step is about lr * sign(g) near the optimum: it hovers at distance ~ lr
    diag = np.array([1.0, 10.0])
    path = run_quadratic(RMSProp(lr=1e-3), diag, [1.0, 1.0], 3000)
    assert np.max(np.abs(path[-1])) < 5e-3
