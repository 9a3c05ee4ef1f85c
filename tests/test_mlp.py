"""Tests of gdlearn.mlp: backpropagation against centred differences, diagnostics, validation."""

import warnings

import numpy as np
import pytest

from gdlearn.data import add_bias
from gdlearn.gradcheck import check_grad, numerical_grad
from gdlearn.mlp import ACTIVATIONS, MLP
from gdlearn.models import LinearRegression, LogisticRegression, SoftmaxRegression


def dataset(output, n=15, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = {
        "linear": rng.normal(size=n),
        "linear2": rng.normal(size=(n, 2)),
        "sigmoid": rng.integers(0, 2, size=n),
        "sigmoid2": rng.integers(0, 2, size=(n, 2)),
        "softmax": rng.integers(0, 3, size=n),
    }[output]
    return X, y, rng


def perturbed_params(model, rng):
    """Random weights and non-zero biases, so that every bias path is exercised."""
    p = model.init(rng)
    return {k: v + 0.3 * rng.normal(size=v.shape) for k, v in p.items()}


@pytest.mark.parametrize("output", ["linear", "linear2", "sigmoid", "sigmoid2", "softmax"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("hidden", [(5,), (4, 3), (3, 4, 2)])
def test_backprop_matches_centred_differences(output, activation, hidden):
    X, y, rng = dataset(output)
    model = MLP(X, y, hidden=hidden, activation=activation, output=output.rstrip("2"), l2=0.05)
    p = perturbed_params(model, rng)
    g = model.grad(p)
    assert list(g) == list(p) and all(g[k].shape == p[k].shape for k in p)
    num = numerical_grad(model.value, p)
    for k in p:
        np.testing.assert_allclose(g[k], num[k], rtol=1e-6, atol=1e-9, err_msg=k)
    res = check_grad(model.value, model.grad, p)
    assert res.passed, res.report()


@pytest.mark.parametrize("output", ["linear", "sigmoid", "softmax"])
def test_minibatch_backprop(output):
    X, y, rng = dataset(output, n=20)
    model = MLP(X, y, hidden=(4, 4), activation="tanh", output=output, l2=0.1)
    p = perturbed_params(model, rng)
    idx = np.array([3, 0, 17, 9, 9])
    g = model.grad(p, idx)
    num = numerical_grad(lambda q: model.value(q, idx), p)
    for k in p:
        np.testing.assert_allclose(g[k], num[k], rtol=1e-6, atol=1e-9)
    kw = {"n_classes": 3} if output == "softmax" else {}
    sub = MLP(X[idx], y[idx], hidden=(4, 4), activation="tanh", output=output, l2=0.1, **kw)
    assert sub.layer_sizes == model.layer_sizes
    assert model.value(p, idx) == pytest.approx(sub.value(p), rel=1e-12)


def test_no_hidden_layer_equals_the_linear_models():
    X, y, rng = dataset("linear")
    Xb = add_bias(X)
    w = rng.normal(size=4)
    p = {"W1": w[1:, None], "b1": w[:1]}
    mlp, lin = MLP(X, y, hidden=()), LinearRegression(Xb, y)
    assert mlp.value(p) == pytest.approx(lin.value(w), rel=1e-12)
    g = mlp.grad(p)
    np.testing.assert_allclose(np.concatenate([g["b1"], g["W1"][:, 0]]), lin.grad(w), rtol=1e-12)

    _, yb, _ = dataset("sigmoid")
    mlp, log = MLP(X, yb, hidden=(), output="sigmoid"), LogisticRegression(Xb, yb)
    assert mlp.value(p) == pytest.approx(log.value(w), rel=1e-12)
    np.testing.assert_allclose(mlp.forward(p)[0][:, 0], log.predict_proba(w), rtol=1e-12)

    _, yc, _ = dataset("softmax")
    W = rng.normal(size=(4, 3))
    mlp, soft = MLP(X, yc, hidden=(), output="softmax"), SoftmaxRegression(Xb, yc)
    q = {"W1": W[1:], "b1": W[0]}
    assert mlp.value(q) == pytest.approx(soft.value(W), rel=1e-12)
    g = mlp.grad(q)
    np.testing.assert_allclose(np.vstack([g["b1"], g["W1"]]), soft.grad(W), rtol=1e-12)


def test_forward_by_hand():
    X = np.array([[1.0, 2.0]])
    model = MLP(X, np.array([1.0]), hidden=(2,), activation="relu")
    p = {"W1": np.eye(2), "b1": np.array([0.0, -3.0]), "W2": np.array([[2.0], [5.0]]), "b2": np.array([1.0])}
    out, cache = model.forward(p)
    np.testing.assert_array_equal(cache["pre"][0], [[1.0, -1.0]])
    np.testing.assert_array_equal(cache["post"][0], [[1.0, 0.0]])
    np.testing.assert_array_equal(out, [[3.0]])
    assert model.value(p) == 2.0  # (3 - 1)^2 / 2
    g = model.grad(p)
    # dJ/dout = 2; W2 gets h^T * 2 = (2, 0); the dead ReLU unit passes nothing back
    np.testing.assert_array_equal(g["W2"], [[2.0], [0.0]])
    np.testing.assert_array_equal(g["W1"], [[4.0, 0.0], [8.0, 0.0]])
    np.testing.assert_array_equal(g["b1"], [4.0, 0.0])
    np.testing.assert_array_equal(model.predict(p), [3.0])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activations_and_cache(activation):
    X, y, rng = dataset("softmax")
    model = MLP(X, y, hidden=(6, 5), activation=activation, output="softmax")
    p = perturbed_params(model, rng)
    out, cache = model.forward(p)
    acts = model.activations(p)
    assert [a.shape for a in acts] == [(15, 6), (15, 5), (15, 3)]
    np.testing.assert_array_equal(acts[-1], out)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    np.testing.assert_allclose(cache["pre"][0], X @ p["W1"] + p["b1"])
    np.testing.assert_allclose(cache["pre"][1], acts[0] @ p["W2"] + p["b2"])
    z, h = cache["pre"][0], acts[0]
    expected = {"sigmoid": 1 / (1 + np.exp(-z)), "tanh": np.tanh(z), "relu": np.maximum(z, 0), "identity": z}
    np.testing.assert_allclose(h, expected[activation], rtol=1e-14)
    Xnew = rng.normal(size=(4, 3))
    assert model.activations(p, Xnew)[0].shape == (4, 6)


def test_layer_grad_norms_consistent_with_grad():
    X, y, rng = dataset("linear")
    model = MLP(X, y, hidden=(8, 8, 8), activation="sigmoid", l2=0.01)
    p = model.init(rng)
    norms = model.layer_grad_norms(p)
    g = model.grad(p)
    assert norms.shape == (4,)
    np.testing.assert_allclose(norms, [np.linalg.norm(g[f"W{l}"]) for l in range(1, 5)])
    idx = np.arange(5)
    gi = model.grad(p, idx)
    expected = [np.linalg.norm(gi[f"W{l}"]) for l in range(1, 5)]
    np.testing.assert_allclose(model.layer_grad_norms(p, idx), expected)


def test_per_layer_activation_names():
    X, y, rng = dataset("linear")
    model = MLP(X, y, hidden=(4, 4), activation=["relu", "sigmoid"])
    assert model.activation == ["relu", "sigmoid"]
    p = perturbed_params(model, rng)
    acts = model.activations(p)
    assert acts[0].min() >= 0 and 0 < acts[1].min() and acts[1].max() < 1
    assert check_grad(model.value, model.grad, p).passed


def test_l2_applies_to_weights_only():
    X, y, rng = dataset("sigmoid")
    lam = 0.3
    plain = MLP(X, y, hidden=(4,), output="sigmoid")
    reg = MLP(X, y, hidden=(4,), output="sigmoid", l2=lam)
    p = perturbed_params(plain, rng)
    penalty = 0.5 * lam * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
    assert reg.value(p) - plain.value(p) == pytest.approx(penalty)
    g0, g1 = plain.grad(p), reg.grad(p)
    np.testing.assert_allclose(g1["W1"] - g0["W1"], lam * p["W1"], atol=1e-14)
    np.testing.assert_array_equal(g1["b1"], g0["b1"])


def test_init():
    X, y, _ = dataset("linear")
    model = MLP(X, y, hidden=(50, 40))
    assert model.layer_sizes == [3, 50, 40, 1] and model.n_layers == 3
    assert model.n_params == 3 * 50 + 50 + 50 * 40 + 40 + 40 + 1
    p = model.init(np.random.default_rng(0))
    q = model.init(np.random.default_rng(0))
    assert list(p) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert all(np.array_equal(p[k], q[k]) for k in p)
    assert p["W2"].std() == pytest.approx(np.sqrt(2 / 90), rel=0.1)  # Xavier normal
    assert np.all(p["b1"] == 0.0)
    r = model.init(np.random.default_rng(0), scheme=["he_normal", "orthogonal", "zeros"], bias=0.1)
    assert np.all(r["W3"] == 0) and np.all(r["b2"] == 0.1)
    np.testing.assert_allclose(r["W2"].T @ r["W2"], np.eye(40), atol=1e-12)
    with pytest.raises(ValueError, match="scheme lists 2 initializers for 3 layers"):
        model.init(np.random.default_rng(0), scheme=["zeros", "zeros"])
    with pytest.raises(ValueError, match="unknown initializer"):
        model.init(np.random.default_rng(0), scheme="bogus")
    with pytest.raises(TypeError, match="rng"):
        model.init(0)


def test_huge_logits_stay_finite():
    X = np.array([[1.0], [-1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for output, y in (("sigmoid", np.array([0, 1])), ("softmax", np.array([1, 0]))):
            model = MLP(X, y, hidden=(), output=output)
            p = {"W1": np.full((1, model.layer_sizes[-1]), 1000.0), "b1": np.zeros(model.layer_sizes[-1])}
            if output == "softmax":
                p["W1"] = np.array([[1000.0, -1000.0]])
            # sigmoid: both rows have logit +-1000 against the wrong label: loss 1000 each
            # softmax: logits (1000, -1000) for label 1 and (-1000, 1000) for label 0: 2000 each
            assert model.value(p) == pytest.approx(1000.0 if output == "sigmoid" else 2000.0)
            assert all(np.all(np.isfinite(v)) for v in model.grad(p).values())


def test_predict_and_score():
    X, y, rng = dataset("softmax")
    model = MLP(X, y, hidden=(4,), output="softmax")
    p = perturbed_params(model, rng)
    pred = model.predict(p)
    np.testing.assert_array_equal(pred, np.argmax(model.forward(p)[0], axis=1))
    assert model.score(p) == pytest.approx(np.mean(pred == y))
    Xs, ys, _ = dataset("sigmoid")
    clf = MLP(Xs, ys, hidden=(3,), output="sigmoid")
    q = perturbed_params(clf, rng)
    assert set(np.unique(clf.predict(q))) <= {0, 1} and clf.predict(q).shape == (15,)
    reg = MLP(X, rng.normal(size=15), hidden=(3,))
    with pytest.raises(ValueError, match="score is accuracy"):
        reg.score(perturbed_params(reg, rng))


def test_bad_inputs():
    X, y, _ = dataset("linear")
    with pytest.raises(ValueError, match="X is empty"):
        MLP(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match=r"len\(X\) != len\(y\)"):
        MLP(X, y[:-2])
    Xn = X.copy()
    Xn[2, 1] = np.nan
    with pytest.raises(ValueError, match="X holds NaN"):
        MLP(Xn, y)
    with pytest.raises(ValueError, match="activation must be one of sigmoid, tanh, relu, identity; got 'sw"):
        MLP(X, y, activation="swish")
    with pytest.raises(ValueError, match="activation must be one of"):
        MLP(X, y, hidden=(3, 3), activation=["tanh", "gelu"])
    with pytest.raises(TypeError, match="activation must be a string"):
        MLP(X, y, activation=None)
    with pytest.raises(ValueError, match="activation lists 1 names for 2 hidden layers"):
        MLP(X, y, hidden=(3, 3), activation=["tanh"])
    with pytest.raises(ValueError, match="output must be one of"):
        MLP(X, y, output="relu")
    with pytest.raises(ValueError, match="hidden must be >= 1"):
        MLP(X, y, hidden=(3, 0))
    with pytest.raises(TypeError, match="hidden must be a sequence"):
        MLP(X, y, hidden=2.5)
    with pytest.raises(ValueError, match="y must hold labels 0 and 1"):
        MLP(X, np.arange(15), output="sigmoid")
    with pytest.raises(ValueError, match="integer class labels"):
        MLP(X, y, output="softmax")
    with pytest.raises(ValueError, match="n_classes is 2"):
        MLP(X, np.arange(15) % 3, output="softmax", n_classes=2)
    with pytest.raises(ValueError, match="n_classes is only for output='softmax'"):
        MLP(X, y, n_classes=3)
    assert MLP(X, np.zeros(15), output="softmax", n_classes=4).layer_sizes[-1] == 4
    model = MLP(X, y, hidden=(4,))
    p = model.init(np.random.default_rng(0))
    with pytest.raises(ValueError, match="params must have keys"):
        model.value({"W1": p["W1"]})
    with pytest.raises(ValueError, match=r"params\['W2'\] must have shape \(4, 1\)"):
        model.grad({**p, "W2": np.zeros((4, 2))})
    with pytest.raises(TypeError, match="params must be a dict"):
        model.value(np.zeros(3))
    with pytest.raises(ValueError, match="idx must lie in"):
        model.grad(p, np.array([15]))
    with pytest.raises(ValueError, match="X must have 3 columns"):
        model.forward(p, np.ones((2, 4)))


def test_repr():
    X, y, _ = dataset("linear")
    expected = "MLP(layer_sizes=[3, 4, 1], activation=['tanh'], output='linear', l2=0.0)"
    assert repr(MLP(X, y, hidden=(4,))) == expected
