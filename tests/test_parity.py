"""Parity with an independent library: every gdlearn optimizer against optax (jax on CPU, float64).

Each optimizer runs 100 steps from the same start on two seeded problems, a quadratic and a
logistic regression, and every iterate must agree with optax's to 1e-12 (relative to the size of
the iterate). Where gdlearn (which follows torch.optim) and optax write a rule differently, the test
says how, and checks the mapping: the settings under which the two coincide, and that they
really differ otherwise.

SGDHD and AdamHD have no counterpart in optax (their rules are checked against hand-computed steps
in tests/test_hypergradient.py); Newton is checked against a damped solve written in jax, ArmijoGD
against optax's backtracking line search.

optax and jax are not among the book's requirements: ``make test-parity`` installs
``requirements-parity.txt`` and runs this file; without optax every test here is skipped.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

optax = pytest.importorskip("optax", reason="optax is not installed: run `make test-parity`")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_enable_x64", True)

from gdlearn.optim import SGD, AdaDelta, AdaGrad, Adam, AdamW, ArmijoGD, Newton, RMSProp  # noqa: E402

pytestmark = pytest.mark.parity  # run by `make test-parity`, not by `make test`
STEPS, TOL = 100, 1e-12


def _quadratic():
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    a = q @ np.diag(np.geomspace(0.5, 20.0, 6)) @ q.T
    b = rng.standard_normal(6)
    JAX_VALUE["quadratic"] = lambda p: 0.5 * p @ jnp.asarray(a) @ p - jnp.asarray(b) @ p
    return (lambda x: 0.5 * x @ a @ x - b @ x), (lambda x: a @ x - b), (lambda x: a), rng.standard_normal(6)


def _logistic():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((80, 5))
    y = (X @ rng.standard_normal(5) + 0.5 * rng.standard_normal(80) > 0).astype(float)

    def f(w):
        z = X @ w
        return float(np.mean(np.logaddexp(0.0, z) - y * z))

    def g(w):
        return X.T @ (1.0 / (1.0 + np.exp(-(X @ w))) - y) / len(y)

    def h(w):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        return (X.T * (p * (1 - p))) @ X / len(y)

    def f_jax(w):
        z = jnp.asarray(X) @ w
        return jnp.mean(jnp.logaddexp(0.0, z) - jnp.asarray(y) * z)

    JAX_VALUE["logistic"] = f_jax

    return f, g, h, 0.1 * rng.standard_normal(5)


JAX_VALUE: dict = {}  # the same objectives written in jax, for optax's line search (it traces f)
PROBLEMS = {"quadratic": _quadratic(), "logistic": _logistic()}


def _run_gdlearn(opt, problem):
    _, grad, _, x = problem
    path = [x]
    for _ in range(STEPS):
        x = opt.step(x, grad(x))
        path.append(x)
    return np.array(path)


def _run_optax(tx, problem):
    _, grad, _, x0 = problem
    params = jnp.asarray(x0)
    state = tx.init(params)
    path = [np.asarray(params)]
    for _ in range(STEPS):
        updates, state = tx.update(jnp.asarray(grad(np.asarray(params))), state, params)
        params = optax.apply_updates(params, updates)
        path.append(np.asarray(params))
    return np.array(path)


def _assert_same_path(ours, theirs, tol=TOL):
    scale = np.maximum(1.0, np.abs(theirs))
    err = np.max(np.abs(ours - theirs) / scale)
    assert err <= tol, f"largest relative difference over {STEPS} steps: {err:.3g}"


# gdlearn optimizer, the optax transformation of the same rule; the comment says the mapping
PAIRS = {
    "sgd": (lambda: SGD(lr=0.05), lambda: optax.sgd(0.05)),
    # torch's buffer b = mu b + g, step lr * b  ==  optax.trace(decay=mu) then scale(-lr)
    "sgd-momentum": (lambda: SGD(lr=0.02, momentum=0.9), lambda: optax.sgd(0.02, momentum=0.9)),
    "sgd-nesterov": (lambda: SGD(lr=0.02, momentum=0.9, nesterov=True),
                     lambda: optax.sgd(0.02, momentum=0.9, nesterov=True)),
    # coupled L2 (g + nu theta) == add_decayed_weights before the optimizer
    "sgd-weight-decay": (lambda: SGD(lr=0.05, momentum=0.5, weight_decay=0.1),
                         lambda: optax.chain(optax.add_decayed_weights(0.1), optax.sgd(0.05, momentum=0.5))),
    # optax puts eps inside the root (1/sqrt(s + eps)), torch outside (1/(sqrt(s) + eps)):
    # with eps -> 0 on both sides the rules coincide (the eps placement is tested below)
    "adagrad": (lambda: AdaGrad(lr=0.5, eps=1e-300, initial_accumulator_value=0.1),
                lambda: optax.adagrad(0.5, initial_accumulator_value=0.1, eps=0.0)),
    # eps_in_sqrt=False is torch's placement. (With lr = 0.01 the logistic run reaches the optimum
    # within 100 steps and then hops around it by about lr per step, where g / sqrt(v) ~ sign(g)
    # amplifies one-ulp differences of the two libraries' arithmetic: lr = 0.002 stays away from it.)
    "rmsprop": (lambda: RMSProp(lr=0.002, alpha=0.9, eps=1e-8),
                lambda: optax.rmsprop(0.002, decay=0.9, eps=1e-8, eps_in_sqrt=False)),
    "rmsprop-centered-momentum": (
        lambda: RMSProp(lr=0.005, alpha=0.95, eps=1e-8, centered=True, momentum=0.5),
        lambda: optax.rmsprop(0.005, decay=0.95, eps=1e-8, eps_in_sqrt=False, centered=True, momentum=0.5)),
    "adadelta": (lambda: AdaDelta(lr=1.0, rho=0.9, eps=1e-6), lambda: optax.adadelta(1.0, rho=0.9, eps=1e-6)),
    "adam": (lambda: Adam(lr=0.05), lambda: optax.adam(0.05)),
    "adam-betas": (lambda: Adam(lr=0.01, betas=(0.5, 0.9), eps=1e-6),
                   lambda: optax.adam(0.01, b1=0.5, b2=0.9, eps=1e-6)),
    # decoupled decay: theta (1 - lr nu) - lr adam  ==  optax.adamw (decay added before scaling by -lr)
    "adamw": (lambda: AdamW(lr=0.05, weight_decay=0.1), lambda: optax.adamw(0.05, weight_decay=0.1)),
    # Reddi et al.'s AMSGrad without bias correction: max of v_t, then m / (sqrt(max) + eps)
    "amsgrad-uncorrected": (
        lambda: Adam(lr=0.05, amsgrad=True, bias_correction=False),
        lambda: optax.amsgrad(0.05, bias_correction_mu=False, bias_correction_nu=False)),
}


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("name", sorted(PAIRS))
def test_same_iterates_as_optax(name, problem):
    ours, theirs = PAIRS[name]
    _assert_same_path(_run_gdlearn(ours(), PROBLEMS[problem]), _run_optax(theirs(), PROBLEMS[problem]))


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_adagrad_eps_placement_is_the_only_difference(problem):
    """At the default eps the two placements differ, by about eps / sqrt(s) relative per step."""
    ours = _run_gdlearn(AdaGrad(lr=0.5, eps=1e-3, initial_accumulator_value=0.1), PROBLEMS[problem])
    theirs = _run_optax(optax.adagrad(0.5, initial_accumulator_value=0.1, eps=1e-3), PROBLEMS[problem])
    assert np.max(np.abs(ours - theirs)) > 1e-6
    _assert_same_path(ours, theirs, tol=1e-1)


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_rmsprop_default_eps_placement_differs(problem):
    ours = _run_gdlearn(RMSProp(lr=0.01, alpha=0.9, eps=1e-2), PROBLEMS[problem])
    theirs = _run_optax(optax.rmsprop(0.01, decay=0.9, eps=1e-2), PROBLEMS[problem])  # eps in the root
    assert np.max(np.abs(ours - theirs)) > 1e-8


def test_amsgrad_with_bias_correction_follows_torch_not_optax():
    """torch (and gdlearn) take the maximum of the raw v_t and divide it by 1 - beta2^t; optax takes
    the maximum of the corrected v_t / (1 - beta2^t). Checked against torch's rule written in jax."""
    problem = PROBLEMS["logistic"]
    _, grad, _, x0 = problem
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8
    x, m, v, v_max = jnp.asarray(x0), 0.0, 0.0, 0.0
    path = [np.asarray(x)]
    for t in range(1, STEPS + 1):
        g = jnp.asarray(grad(np.asarray(x)))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        v_max = jnp.maximum(v_max, v)
        x = x - lr * (m / (1 - b1**t)) / (jnp.sqrt(v_max / (1 - b2**t)) + eps)
        path.append(np.asarray(x))
    ours = _run_gdlearn(Adam(lr=lr, amsgrad=True), problem)
    _assert_same_path(ours, np.array(path))
    theirs = _run_optax(optax.amsgrad(lr), problem)
    assert np.max(np.abs(ours - theirs)) > 1e-10  # the two conventions really differ here


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_newton_against_a_jax_solve(problem):
    """optax has no Newton method: the reference is the damped rule solved by jax."""
    _, grad, hess, x = PROBLEMS[problem]
    opt = Newton(lr=0.5, damping=0.1)
    ref = jnp.asarray(x)
    for _ in range(20):
        x = opt.step(x, grad(x), hess(x))
        h = jnp.asarray(hess(np.asarray(ref))) + 0.1 * jnp.eye(len(x))
        ref = ref - 0.5 * jnp.linalg.solve(h, jnp.asarray(grad(np.asarray(ref))))
        np.testing.assert_allclose(x, np.asarray(ref), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_armijo_gd_against_optax_backtracking(problem):
    """ArmijoGD restarts every search at alpha0: optax's backtracking line search does the same with
    max_learning_rate = alpha0 and an infinite increase factor (each search starts at the maximum)."""
    f, grad, _, x = PROBLEMS[problem]
    opt = ArmijoGD(alpha0=1.0, rho=0.5, c=1e-4)
    tx = optax.chain(optax.sgd(1.0), optax.scale_by_backtracking_linesearch(
        max_backtracking_steps=50, slope_rtol=1e-4, decrease_factor=0.5,
        increase_factor=np.inf, max_learning_rate=1.0))
    params = jnp.asarray(x)
    state = tx.init(params)
    value = JAX_VALUE[problem]
    for _ in range(30):
        x = opt.step(x, grad(x), f)
        g = jnp.asarray(grad(np.asarray(params)))
        updates, state = tx.update(g, state, params, value=value(params), grad=g, value_fn=value)
        params = optax.apply_updates(params, updates)
        np.testing.assert_allclose(x, np.asarray(params), rtol=1e-11, atol=1e-13)


# -- Prodigy (Mishchenko and Defazio) against optax.contrib.prodigy ------------------------------
# Names: learning_rate = lr, estim_lr0 = d0, estim_lr_coef = d_coef; betas, beta3, eps,
# weight_decay and safeguard_warmup are the same. optax always applies Adam's bias correction
# (gdlearn: bias_correction=True; the paper and prodigyopt: off) and adds the *new* estimate
# times eps to the denominator (the paper: the estimate the step uses), so the rules coincide
# with bias_correction=True and eps=0, and differ otherwise.
PRODIGY_SETTINGS = {
    "default": {},
    "weight-decay": {"weight_decay": 0.1},
    "safeguard-warmup": {"safeguard_warmup": True},
    "beta3-d0-coef": {"beta3": 0.9, "d0": 1e-4, "d_coef": 0.5},
    "betas-schedule": {"betas": (0.8, 0.99), "lr": "cosine"},
}


def _prodigy_pair(settings):
    from gdlearn.optim import Prodigy
    from gdlearn.schedules import CosineDecay

    ours = dict(settings)
    theirs = {"estim_lr0" if k == "d0" else "estim_lr_coef" if k == "d_coef" else k: v
              for k, v in settings.items()}
    if settings.get("lr") == "cosine":
        ours["lr"] = CosineDecay(1.0, total_steps=STEPS)
        del theirs["lr"]
        theirs["learning_rate"] = optax.cosine_decay_schedule(1.0, decay_steps=STEPS)
    return (lambda **kw: Prodigy(**{**ours, **kw})), (lambda **kw: optax.contrib.prodigy(**{**theirs, **kw}))


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("name", sorted(PRODIGY_SETTINGS))
def test_prodigy_same_iterates_as_optax(name, problem):
    ours, theirs = _prodigy_pair(PRODIGY_SETTINGS[name])
    opt = ours(bias_correction=True, eps=0.0)
    _assert_same_path(_run_gdlearn(opt, PROBLEMS[problem]), _run_optax(theirs(eps=0.0), PROBLEMS[problem]))
    assert opt.d > 10 * opt.d0  # the estimate really moved, so the test covers its update


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_prodigy_bias_correction_and_eps_placement_are_the_differences(problem):
    ours, theirs = _prodigy_pair({})
    reference = _run_optax(theirs(eps=0.0), PROBLEMS[problem])
    paper = _run_gdlearn(ours(eps=0.0), PROBLEMS[problem])        # the paper: no bias correction
    assert np.max(np.abs(paper - reference)) > 1e-3
    # eps = 0.1 makes the denominator's r eps matter: the new estimate (optax) or the old (paper)
    eps_ours = _run_gdlearn(ours(bias_correction=True, eps=0.1), PROBLEMS[problem])
    eps_theirs = _run_optax(theirs(eps=0.1), PROBLEMS[problem])
    assert np.max(np.abs(eps_ours - eps_theirs)) > 1e-6


# -- Schedule-Free SGD and AdamW, EMA (Defazio et al. 2024; optax.contrib.schedule_free_*, optax.ema) --
from gdlearn.optim import EMA, ScheduleFreeAdamW, ScheduleFreeSGD  # noqa: E402


def _run_gdlearn_sf(opt, problem):
    """The gradient points y and the evaluation points x of a schedule-free run."""
    _, grad, _, y = problem
    ys, xs = [y], [opt.eval_params(y)]
    for _ in range(STEPS):
        y = opt.step(y, grad(y))
        ys.append(y)
        xs.append(opt.eval_params(y))
    return np.array(ys), np.array(xs)


def _run_optax_sf(tx, problem):
    """optax's params are the gradient points y; schedule_free_eval_params gives x."""
    _, grad, _, x0 = problem
    params = jnp.asarray(x0)
    state = tx.init(params)
    ys, xs = [np.asarray(params)], [np.asarray(params)]
    for _ in range(STEPS):
        updates, state = tx.update(jnp.asarray(grad(np.asarray(params))), state, params)
        params = optax.apply_updates(params, updates)
        ys.append(np.asarray(params))
        xs.append(np.asarray(optax.contrib.schedule_free_eval_params(state, params)))
    return np.array(ys), np.array(xs)


def _paper_rate(lr, warmup, beta2=None):
    """gamma_t of the paper (t = 1, 2, ...) as a jax function: warm-up, and Adam's bias factor."""
    def gamma(t):
        t = jnp.asarray(t, dtype=jnp.float64)
        rate = lr * (jnp.minimum(1.0, t / warmup) if warmup else 1.0)
        return rate * jnp.sqrt(1.0 - beta2**t) if beta2 is not None else rate
    return gamma


def _paper_rule_in_optax(base, gamma, b1):
    """optax's general schedule_free wrapper running the paper's rule: its own rate schedule gets the
    step count 1, 2, ... (the weights use gamma_t), the base transformation's gets 0, 1, ..."""
    return optax.contrib.schedule_free(
        optax.chain(*base, optax.scale_by_learning_rate(lambda count: gamma(count + 1))),
        learning_rate=gamma, b1=b1)


SF_SETTINGS = {"plain": {}, "decay": {"weight_decay": 0.05}}


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("name", sorted(SF_SETTINGS))
def test_schedule_free_sgd_same_iterates_as_optax(name, problem):
    """Without warm-up: momentum == b1, and optax's params are y."""
    wd = SF_SETTINGS[name].get("weight_decay", 0.0)
    ours = _run_gdlearn_sf(ScheduleFreeSGD(lr=0.1, momentum=0.9, weight_decay=wd), PROBLEMS[problem])
    theirs = _run_optax_sf(optax.contrib.schedule_free_sgd(0.1, b1=0.9, weight_decay=wd or None),
                           PROBLEMS[problem])
    _assert_same_path(ours[0], theirs[0])
    _assert_same_path(ours[1], theirs[1])


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_schedule_free_sgd_warmup_follows_the_paper_not_optax(problem):
    """optax's warmup_steps gives the SGD step gamma (t-1)/T_w (0 at the first update) but weights the
    average with gamma t/T_w; the paper (and gdlearn) use gamma_t = gamma min(1, t/T_w) for both."""
    ours = _run_gdlearn_sf(ScheduleFreeSGD(lr=0.1, momentum=0.9, warmup_steps=10), PROBLEMS[problem])
    shortcut = _run_optax_sf(optax.contrib.schedule_free_sgd(0.1, warmup_steps=10, b1=0.9), PROBLEMS[problem])
    assert np.max(np.abs(ours[1] - shortcut[1])) > 1e-4
    paper = _paper_rule_in_optax([], _paper_rate(0.1, 10), b1=0.9)
    theirs = _run_optax_sf(paper, PROBLEMS[problem])
    _assert_same_path(ours[0], theirs[0])
    _assert_same_path(ours[1], theirs[1])


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_schedule_free_adamw_coincides_with_optax_when_beta2_is_zero(problem):
    """With b2 = 0 the bias factor is 1, so optax's eps placement and weights equal the paper's."""
    ours = ScheduleFreeAdamW(lr=0.02, betas=(0.9, 0.0), eps=1e-6, weight_decay=0.01)
    theirs = optax.contrib.schedule_free_adamw(0.02, b1=0.9, b2=0.0, eps=1e-6, weight_decay=0.01)
    ours_path = _run_gdlearn_sf(ours, PROBLEMS[problem])
    theirs_path = _run_optax_sf(theirs, PROBLEMS[problem])
    _assert_same_path(ours_path[0], theirs_path[0])
    _assert_same_path(ours_path[1], theirs_path[1])


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("warmup", [0, 10])
def test_schedule_free_adamw_is_the_paper_rule_in_optax(warmup, problem):
    """Algorithm 1 of the paper: 1/(sqrt(v_t) + eps) without bias correction, gamma_t with the factor
    sqrt(1 - b2^t) (and the warm-up), the weights gamma_t^2. optax's schedule_free_adamw shortcut
    corrects v_t instead (eps sits elsewhere, the weights lack the factor): the paths differ."""
    lr, b2, eps, wd = 0.02, 0.99, 1e-3, 0.05
    ours = _run_gdlearn_sf(ScheduleFreeAdamW(lr=lr, betas=(0.9, b2), eps=eps, weight_decay=wd,
                                             warmup_steps=warmup), PROBLEMS[problem])
    base = [optax.scale_by_rms(decay=b2, eps=eps, eps_in_sqrt=False, bias_correction=False),
            optax.add_decayed_weights(wd)]
    theirs = _run_optax_sf(_paper_rule_in_optax(base, _paper_rate(lr, warmup, b2), b1=0.9), PROBLEMS[problem])
    _assert_same_path(ours[0], theirs[0])
    _assert_same_path(ours[1], theirs[1])
    shortcut = optax.contrib.schedule_free_adamw(lr, warmup_steps=warmup or None, b1=0.9, b2=b2, eps=eps,
                                                 weight_decay=wd)
    assert np.max(np.abs(ours[1] - _run_optax_sf(shortcut, PROBLEMS[problem])[1])) > 1e-6


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_ema_with_bias_correction_is_optax_ema_of_the_iterates(problem):
    """EMA(opt, decay) == optax.ema(decay, debias=True) fed with the iterates theta_1, theta_2, ..."""
    _, grad, _, x = PROBLEMS[problem]
    opt = EMA(SGD(lr=0.05, momentum=0.9), decay=0.9)
    tx = optax.ema(0.9, debias=True)
    state = tx.init(jnp.asarray(x))
    for _ in range(STEPS):
        x = opt.step(x, grad(x))
        theirs, state = tx.update(jnp.asarray(x), state)
        _assert_same_path(opt.eval_params(x)[None], np.asarray(theirs)[None])


# -- Sign descent, Lion, NAdam, Muon (Part VI: steepest descent in other norms) -------------------
from gdlearn.optim import Lion, Muon, NAdam, SignSGD, newton_schulz  # noqa: E402

# Each gdlearn rule and the optax transformation with the same iterates; the comment is the mapping.
NORM_PAIRS = {
    # signSGD (Bernstein et al. 2018): theta - lr sign(g)
    "signsgd": (lambda: SignSGD(lr=0.01), lambda: optax.sign_sgd(0.01)),
    # signum: the sign of the moving average beta m + (1 - beta) g (optax: ema without debias)
    "signum": (lambda: SignSGD(lr=0.01, momentum=0.9), lambda: optax.signum(0.01, beta=0.9)),
    # Lion: betas = (b1, b2); optax's default weight_decay is 1e-3, gdlearn's (the authors') 0
    "lion": (lambda: Lion(lr=0.01), lambda: optax.lion(0.01, weight_decay=0.0)),
    # the decay lr * nu * theta, multiplied by the learning rate in both (the paper's rule)
    "lion-weight-decay": (lambda: Lion(lr=0.01, betas=(0.8, 0.95), weight_decay=0.1),
                          lambda: optax.lion(0.01, b1=0.8, b2=0.95, weight_decay=0.1)),
    # optax.nadam has a constant momentum mu_k = b1: torch's schedule with momentum_decay = inf
    "nadam-constant-momentum": (lambda: NAdam(lr=0.05, momentum_decay=math.inf),
                                lambda: optax.nadam(0.05)),
    # (lr = 0.01 reaches the logistic optimum, where m / sqrt(v) ~ sign(g) amplifies one-ulp
    # differences after step 87, as for RMSProp above; lr = 0.005 stays away from it)
    "nadam-constant-momentum-betas": (
        lambda: NAdam(lr=0.005, betas=(0.5, 0.9), eps=1e-6, momentum_decay=math.inf),
        lambda: optax.nadam(0.005, b1=0.5, b2=0.9, eps=1e-6)),
}


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("name", sorted(NORM_PAIRS))
def test_sign_lion_nadam_same_iterates_as_optax(name, problem):
    ours, theirs = NORM_PAIRS[name]
    _assert_same_path(_run_gdlearn(ours(), PROBLEMS[problem]), _run_optax(theirs(), PROBLEMS[problem]))


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_nadam_momentum_schedule_is_the_difference(problem):
    """At torch's default momentum_decay = 4e-3 the momentum starts at beta1 / 2: not optax's rule."""
    ours = _run_gdlearn(NAdam(lr=0.05), PROBLEMS[problem])
    theirs = _run_optax(optax.nadam(0.05), PROBLEMS[problem])
    assert np.max(np.abs(ours - theirs)) > 1e-3


def _muon_problem():
    """Matrix least squares 1/(2n) ||X W + 1 b^T - Y||_F^2 with W of shape (6, 4), b of (4,)."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((40, 6))
    Y = X @ rng.standard_normal((6, 4)) + 0.1 * rng.standard_normal((40, 4))

    def grad(p):
        r = X @ p["W"] + p["b"] - Y
        return {"W": X.T @ r / len(X), "b": r.mean(axis=0)}

    return grad, {"W": 0.1 * rng.standard_normal((6, 4)), "b": np.zeros(4)}


def _muon_paths(ours, theirs, keys):
    grad, start = _muon_problem()
    p = {k: start[k] for k in keys}
    q = {k: jnp.asarray(start[k]) for k in keys}
    state = theirs.init(q)
    update = jax.jit(theirs.update)  # optax's Muon, op by op, would take minutes
    path_ours, path_theirs = [], []
    for _ in range(STEPS):
        p = ours.step(p, {k: v for k, v in grad({**start, **p}).items() if k in keys})
        g = grad({**start, **{k: np.asarray(v) for k, v in q.items()}})
        updates, state = update({k: jnp.asarray(g[k]) for k in keys}, state, q)
        q = optax.apply_updates(q, updates)
        path_ours.append(np.concatenate([p[k].ravel() for k in keys]))
        path_theirs.append(np.concatenate([np.asarray(q[k]).ravel() for k in keys]))
    return np.array(path_ours), np.array(path_theirs)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 5), (30, 3)])
def test_newton_schulz_against_optax(shape):
    from optax.contrib._muon import orthogonalize_via_newton_schulz

    M = np.random.default_rng(3).standard_normal(shape)
    theirs = orthogonalize_via_newton_schulz(jnp.asarray(M), jnp.asarray((3.4445, -4.7750, 2.0315)),
                                             5, eps=1e-8)
    np.testing.assert_allclose(newton_schulz(M, eps=1e-8), np.asarray(theirs), rtol=0, atol=1e-13)


# optax.contrib.muon(lr, beta=momentum, eps, weight_decay=nu, nesterov) on a 2-D parameter ==
# Muon(bias_correction=True) (optax debiases the momentum; Jordan's reference code does not).
# Both scale by sqrt(max(1, fan_out / fan_in)) with weights stored (fan_in, fan_out).
@pytest.mark.parametrize("nesterov", [True, False])
def test_muon_same_iterates_as_optax_on_a_matrix(nesterov):
    ours = Muon(lr=0.02, nesterov=nesterov, bias_correction=True, eps=1e-8, weight_decay=0.1)
    theirs = optax.contrib.muon(0.02, nesterov=nesterov, eps=1e-8, weight_decay=0.1)
    _assert_same_path(*_muon_paths(ours, theirs, ["W"]))


def test_muon_reference_rule_differs_from_optax():
    """Without bias correction (the reference) the Nesterov mix of G_k and m_k differs early on."""
    ours = Muon(lr=0.02, eps=1e-8)
    theirs = optax.contrib.muon(0.02, eps=1e-8)
    a, b = _muon_paths(ours, theirs, ["W"])
    assert np.max(np.abs(a - b)) > 1e-5


def test_muon_adamw_fallback_same_iterates_as_optax():
    """optax's fallback for the bias b is AdamW with Nesterov momentum when nesterov=True, and
    takes Muon's eps: with nesterov=False and adamw_eps=eps it is gdlearn's AdamW."""
    ours = Muon(lr=0.02, nesterov=False, bias_correction=True, eps=1e-8, adamw_eps=1e-8,
                adamw_betas=(0.9, 0.999), adamw_weight_decay=0.01)
    theirs = optax.contrib.muon(0.02, nesterov=False, eps=1e-8, adam_weight_decay=0.01)
    _assert_same_path(*_muon_paths(ours, theirs, ["W", "b"]))
