"""Muon and its Newton–Schulz step: the polynomial on singular values, the error against the
SVD's U V^T, the reference rule by hand, the AdamW fallback (by ndim and per key), bad
inputs, save and resume, dtypes."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from gdlearn.optim import AdamW, Muon, newton_schulz, orthogonalize_svd
from gdlearn.optim.orthogonalize import NS_COEFFS

RNG = np.random.default_rng(0)


def p5(s, steps=5):
    a1, a3, a5 = NS_COEFFS
    for _ in range(steps):
        s = a1 * s + a3 * s**3 + a5 * s**5
    return s


# -- Newton-Schulz ----------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (6, 6), (40, 3)])
def test_newton_schulz_applies_the_polynomial_to_the_singular_values(shape):
    M = RNG.standard_normal(shape)
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    expected = U @ np.diag(p5(s / (np.linalg.norm(M) + 1e-7))) @ Vt
    np.testing.assert_allclose(newton_schulz(M), expected, atol=1e-12)


@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (32, 32), (64, 16)])
def test_newton_schulz_error_against_the_svd_is_bounded(shape):
    """Every singular value of X_0 = M / ||M||_F in [0.003, 1] ends in [0.68, 1.21], so the
    spectral-norm error against U V^T is at most 0.32 for such matrices (Gaussian ones are)."""
    M = RNG.standard_normal(shape)
    out, exact = newton_schulz(M), orthogonalize_svd(M)
    s = np.linalg.svd(out, compute_uv=False)
    assert s.min() > 0.68 and s.max() < 1.21
    assert np.linalg.norm(out - exact, 2) < 0.32
    # the singular vectors are exact: out = U diag(p(s)) V^T with the SVD's own U and V
    U, _, Vt = np.linalg.svd(M, full_matrices=False)
    np.testing.assert_allclose(U.T @ out @ Vt.T, np.diag(np.diag(U.T @ out @ Vt.T)), atol=1e-12)


def test_the_scalar_polynomial_window():
    s = np.linspace(0.003, 1.0, 200_001)
    y = p5(s)
    assert 0.68 < y.min() < 0.69 and 1.20 < y.max() < 1.21
    assert p5(np.array([0.0]))[0] == 0.0


def test_cubic_newton_schulz_converges_to_u_v_transpose():
    M = RNG.standard_normal((6, 4))
    out = newton_schulz(M, steps=60, coeffs=(1.5, -0.5, 0.0))
    np.testing.assert_allclose(out, orthogonalize_svd(M), atol=1e-10)


def test_newton_schulz_keeps_zero_shape_and_dtype():
    assert np.array_equal(newton_schulz(np.zeros((3, 2))), np.zeros((3, 2)))
    out = newton_schulz(RNG.standard_normal((4, 3)).astype(np.float32))
    assert out.dtype == np.float32 and out.shape == (4, 3)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: newton_schulz(np.ones(3)), ValueError, r"M must be a matrix \(2-D array\)"),
        (lambda: newton_schulz(np.full((2, 2), np.nan)), ValueError, "M holds NaN or inf"),
        (lambda: newton_schulz(np.ones((2, 2)), steps=-1), ValueError, "steps must be >= 0"),
        (lambda: newton_schulz(np.ones((2, 2)), coeffs=(1.0, 2.0)), TypeError, "coeffs must be three"),
        (lambda: Muon(momentum=1.0), ValueError, r"momentum must lie in \[0, 1\)"),
        (lambda: Muon(ns_steps=2.5), TypeError, "ns_steps must be an integer"),
        (lambda: Muon(adamw_betas=(0.9, 1.5)), ValueError, r"betas\[1\] must lie in \[0, 1\)"),
        (lambda: Muon(orthogonalize=1), TypeError, "orthogonalize must be True or False"),
        (lambda: Muon(param_groups=[{"keys": ["b"], "nesterov": "yes"}]), TypeError,
         r"param_groups\[0\]: nesterov must be True or False"),
    ],
)
def test_bad_inputs_raise_gdlearn_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


# -- Muon ---------------------------------------------------------------------------------------
W0 = RNG.standard_normal((4, 6))
GRADS = [RNG.standard_normal((4, 6)) for _ in range(4)]


def muon_reference(lr, beta, nesterov, wd=0.0, eps=1e-7):
    """Jordan's reference ``muon_update`` and ``Muon.step``, in numpy (the Newton-Schulz step
    written out once more here, in the reference's own order)."""
    a, b, c = NS_COEFFS
    W, m, path = W0.copy(), np.zeros_like(W0), []
    for G in GRADS:
        m = m + (1 - beta) * (G - m)                      # momentum.lerp_(grad, 1 - beta)
        u = G + beta * (m - G) if nesterov else m         # grad.lerp_(momentum, beta)
        X = u / (np.linalg.norm(u) + eps)                  # (4, 6): wide, no transpose
        for _ in range(5):
            A = X @ X.T
            X = a * X + (b * A + c * A @ A) @ X
        X *= max(1, W.shape[1] / W.shape[0]) ** 0.5        # fan-out / fan-in
        W = W * (1 - lr * wd) - lr * X
        path.append(W)
    return np.array(path)


def run(opt, params, grads):
    path = []
    for g in grads:
        params = opt.step(params, g)
        path.append(params)
    return path


@pytest.mark.parametrize(("nesterov", "wd"), [(True, 0.0), (False, 0.0), (True, 0.1)])
def test_matrix_steps_follow_the_reference_code(nesterov, wd):
    ours = np.array(run(Muon(lr=0.05, nesterov=nesterov, weight_decay=wd), W0, GRADS))
    np.testing.assert_allclose(ours, muon_reference(0.05, 0.95, nesterov, wd), rtol=1e-12, atol=1e-13)


def test_the_update_is_nearly_orthogonal_and_scaled_by_the_shape():
    for shape, scale in [((4, 6), np.sqrt(1.5)), ((6, 4), 1.0)]:
        W = np.zeros(shape)
        step = Muon(lr=1.0, momentum=0.0).step(W, RNG.standard_normal(shape))
        s = np.linalg.svd(-step / scale, compute_uv=False)
        assert 0.68 < s.min() and s.max() < 1.21


def test_bias_correction_changes_only_the_mix_of_gradient_and_momentum():
    plain = np.array(run(Muon(lr=0.05, nesterov=False), W0, GRADS))
    corrected = np.array(run(Muon(lr=0.05, nesterov=False, bias_correction=True), W0, GRADS))
    np.testing.assert_allclose(plain, corrected, atol=1e-6)    # NS is scale-invariant up to eps
    nest = np.array(run(Muon(lr=0.05), W0, GRADS))
    nest_bc = np.array(run(Muon(lr=0.05, bias_correction=True), W0, GRADS))
    assert np.max(np.abs(nest - nest_bc)) > 1e-4


def test_vectors_fall_back_to_adamw_by_ndim():
    params = {"W": W0, "b": np.ones(6), "s": np.array(2.0)}
    rng = np.random.default_rng(1)
    grads = [{"W": G, "b": rng.standard_normal(6), "s": np.array(rng.standard_normal())}
             for G in GRADS]
    opt = Muon(lr=0.05, adamw_lr=0.01, adamw_betas=(0.8, 0.9), adamw_eps=1e-9,
               adamw_weight_decay=0.1)
    path = run(opt, params, grads)
    for key in ("b", "s"):
        ref = run(AdamW(lr=0.01, betas=(0.8, 0.9), eps=1e-9, weight_decay=0.1), params[key],
                  [g[key] for g in grads])
        np.testing.assert_array_equal(np.array([p[key] for p in path]), np.array(ref))
    np.testing.assert_allclose(np.array([p["W"] for p in path]), muon_reference(0.05, 0.95, True),
                               rtol=1e-12, atol=1e-13)
    assert set(opt.state["momentum_buffer"]) == {"W"}
    assert set(opt.state["exp_avg"]) == {"b", "s"}


def test_a_matrix_key_can_be_sent_to_adamw_with_param_groups():
    """Jordan et al. keep the first and last layers on AdamW: orthogonalize=False per key."""
    params = {"W1": W0, "W2": W0.T.copy()}
    grads = [{"W1": G, "W2": G.T} for G in GRADS]
    opt = Muon(lr=0.05, adamw_lr=0.01, param_groups=[{"keys": ["W2"], "orthogonalize": False}])
    path = run(opt, params, grads)
    ref = run(AdamW(lr=0.01, betas=(0.9, 0.95), eps=1e-10, weight_decay=0.0), W0.T.copy(),
              [G.T for G in GRADS])
    np.testing.assert_array_equal(np.array([p["W2"] for p in path]), np.array(ref))
    np.testing.assert_allclose(np.array([p["W1"] for p in path]), muon_reference(0.05, 0.95, True),
                               rtol=1e-12, atol=1e-13)


def test_adamw_fallback_follows_the_lr_schedule_when_adamw_lr_is_none():
    opt = Muon(lr=lambda t: 0.1 / (t + 1))
    x = np.ones(2)
    ref = AdamW(lr=lambda t: 0.1 / (t + 1), betas=(0.9, 0.95), eps=1e-10, weight_decay=0.0)
    y = x
    for _ in range(3):
        x, y = opt.step(x, 2 * x), ref.step(y, 2 * y)
        np.testing.assert_array_equal(x, y)


def test_converges_on_a_matrix_least_squares():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((60, 6))
    W_true = rng.standard_normal((6, 4))
    Y = X @ W_true
    W = np.zeros((6, 4))
    opt = Muon(lr=lambda t: 0.05 * (1 - t / 800))
    for _ in range(800):
        W = opt.step(W, X.T @ (X @ W - Y) / len(X))
    assert np.linalg.norm(W - W_true) / np.linalg.norm(W_true) < 1e-2


def test_save_load_resume_is_bit_for_bit():
    params = {"W": W0, "b": np.ones(6)}
    rng = np.random.default_rng(3)
    grads = [{"W": rng.standard_normal((4, 6)), "b": rng.standard_normal(6)} for _ in range(20)]

    def make():
        return Muon(lr=0.02, weight_decay=0.01, param_groups=[{"keys": ["b"], "adamw_lr": 0.005}])

    straight = run(make(), params, grads)
    opt = make()
    half = run(opt, params, grads[:10])
    fresh = make()
    fresh.load_state_dict(pickle.loads(pickle.dumps(opt.state_dict())))
    resumed = run(fresh, half[-1], grads[10:])
    for a, b in zip(resumed, straight[10:], strict=True):
        for k in a:
            np.testing.assert_array_equal(a[k], b[k])


def test_float32_in_float32_out():
    opt = Muon(lr=0.01)
    x = {"W": W0.astype(np.float32), "b": np.ones(6, dtype=np.float32)}
    for _ in range(3):
        x = opt.step(x, {k: 2 * v for k, v in x.items()})
    assert all(v.dtype == np.float32 for v in x.values())
    assert all(a.dtype == np.float32 for per_key in opt.state.values() for a in per_key.values())
