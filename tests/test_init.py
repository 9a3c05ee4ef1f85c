"""Tests of gdlearn.init: variances against the published formulas, bounds, orthogonality, errors."""

import math

import numpy as np
import pytest

from gdlearn import init

SHAPES = [(300, 200), (50, 400), (1000, 30), (4, 5, 60, 40)]


def fans(shape):
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def assert_variance(w, expected_var, mean=0.0):
    """Sample mean and variance within 4 standard errors of the exact values."""
    x = w.ravel()
    n = x.size
    assert abs(x.mean() - mean) <= 4 * math.sqrt(expected_var / n)
    s2 = x.var()
    m4 = np.mean((x - x.mean()) ** 4)
    se = math.sqrt((m4 - s2**2) / n)  # standard error of the sample variance
    assert abs(s2 - expected_var) <= 4 * se, (s2, expected_var, se)


@pytest.mark.parametrize("shape", SHAPES)
def test_fan_in_fan_out(shape):
    assert init.fan_in_fan_out(shape) == fans(shape)


def test_fan_in_fan_out_by_hand():
    assert init.fan_in_fan_out((784, 128)) == (784, 128)
    assert init.fan_in_fan_out((3, 3, 16, 32)) == (9 * 16, 9 * 32)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("gain", [1.0, 5 / 3])
def test_xavier_variances(shape, gain):
    rng = np.random.default_rng(0)
    fi, fo = fans(shape)
    var = gain**2 * 2.0 / (fi + fo)
    assert_variance(init.xavier_normal(shape, rng, gain=gain), var)
    w = init.xavier_uniform(shape, rng, gain=gain)
    assert_variance(w, var)
    bound = gain * math.sqrt(6.0 / (fi + fo))
    assert np.all(np.abs(w) <= bound)
    assert np.abs(w).max() > 0.99 * bound  # the whole interval is used


@pytest.mark.parametrize("shape", SHAPES)
def test_he_and_lecun_variances(shape):
    rng = np.random.default_rng(1)
    fi, _ = fans(shape)
    assert_variance(init.he_normal(shape, rng), 2.0 / fi)
    assert_variance(init.lecun_normal(shape, rng), 1.0 / fi)
    for fn, var in ((init.he_uniform, 2.0 / fi), (init.lecun_uniform, 1.0 / fi)):
        w = fn(shape, rng)
        assert_variance(w, var)
        bound = math.sqrt(3.0 * var)
        assert np.all(np.abs(w) <= bound)
        assert np.abs(w).max() > 0.99 * bound


def test_he_default_gain_is_relu_gain():
    a = init.he_normal((40, 30), np.random.default_rng(3))
    b = init.he_normal((40, 30), np.random.default_rng(3), gain=init.calculate_gain("relu"))
    np.testing.assert_array_equal(a, b)


def test_plain_uniform_and_normal():
    rng = np.random.default_rng(2)
    w = init.uniform((400, 300), rng, low=-0.2, high=0.6)
    assert w.min() >= -0.2 and w.max() < 0.6
    assert_variance(w, 0.8**2 / 12, mean=0.2)
    assert_variance(init.normal((400, 300), rng, std=0.3, mean=1.5), 0.09, mean=1.5)
    assert init.uniform(7, rng).shape == (7,)


def test_zeros_and_constant():
    np.testing.assert_array_equal(init.zeros((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(init.constant(4, 0.1), np.full(4, 0.1))


@pytest.mark.parametrize("shape", [(8, 8), (20, 5), (5, 20), (3, 4, 10)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal(shape, gain):
    w = init.orthogonal(shape, np.random.default_rng(4), gain=gain)
    assert w.shape == shape
    m = w.reshape(-1, shape[-1])
    rows, cols = m.shape
    if rows >= cols:
        np.testing.assert_allclose(m.T @ m, gain**2 * np.eye(cols), atol=1e-12)
    else:
        np.testing.assert_allclose(m @ m.T, gain**2 * np.eye(rows), atol=1e-12)


def test_orthogonal_is_not_biased_in_sign():
    # without the sign fix of R's diagonal, numpy's QR returns matrices with a biased first column
    diag = [init.orthogonal((3, 3), np.random.default_rng(s))[0, 0] for s in range(400)]
    assert abs(np.mean(diag)) < 4 * math.sqrt(1 / 3 / 400)


def test_gains_match_torch():
    assert init.calculate_gain("linear") == 1.0
    assert init.calculate_gain("identity") == 1.0
    assert init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("conv2d") == 1.0
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("ReLU") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("selu") == pytest.approx(0.75)
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError, match="nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(TypeError, match="param"):
        init.calculate_gain("leaky_relu", "0.1")


@pytest.mark.parametrize("name", sorted(init.INITIALIZERS))
def test_seeded_reproducibility(name):
    f = init.get_initializer(name)
    a = f((6, 5), np.random.default_rng(42))
    b = f((6, 5), np.random.default_rng(42))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (6, 5)
    if name != "zeros":
        c = f((6, 5), np.random.default_rng(43))
        assert not np.array_equal(a, c)


def test_get_initializer_uses_default_gains_and_kwargs():
    shape = (30, 20)
    for name, fn in [("xavier_normal", init.xavier_normal), ("he_uniform", init.he_uniform),
                     ("glorot_uniform", init.xavier_uniform), ("Kaiming_Normal", init.he_normal)]:
        np.testing.assert_array_equal(init.get_initializer(name)(shape, np.random.default_rng(5)),
                                      fn(shape, np.random.default_rng(5)))
    tanh = init.get_initializer("xavier_uniform", gain=5 / 3)
    np.testing.assert_array_equal(tanh(shape, np.random.default_rng(5)),
                                  init.xavier_uniform(shape, np.random.default_rng(5), gain=5 / 3))
    np.testing.assert_array_equal(init.get_initializer("constant", value=0.5)((2,), None), [0.5, 0.5])
    custom = init.get_initializer(lambda shape, rng: np.ones(shape))
    np.testing.assert_array_equal(custom((2,), None), [1.0, 1.0])


def test_unknown_name_lists_known_ones():
    with pytest.raises(ValueError, match="unknown initializer 'xavier'.*he_normal.*xavier_uniform"):
        init.get_initializer("xavier")
    with pytest.raises(ValueError, match="value"):
        init.get_initializer("constant")
    with pytest.raises(TypeError, match="name"):
        init.get_initializer(3)


@pytest.mark.parametrize("bad", [(3,), 5, (0, 4), (3, -1), (2.5, 3), (True, 3), "ab"])
def test_bad_shapes_raise(bad):
    with pytest.raises((ValueError, TypeError), match="^shape must"):
        init.xavier_normal(bad, np.random.default_rng(0))


def test_bad_arguments_raise():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="rng"):
        init.he_normal((3, 3), 0)
    with pytest.raises(TypeError, match="rng"):
        init.uniform((3, 3), np.random.RandomState(0))
    with pytest.raises(ValueError, match="gain"):
        init.xavier_uniform((3, 3), rng, gain=-1.0)
    with pytest.raises(ValueError, match="low"):
        init.uniform((3,), rng, low=1.0, high=1.0)
    with pytest.raises(ValueError, match="std"):
        init.normal((3,), rng, std=-0.1)
    with pytest.raises(ValueError, match="value"):
        init.constant((3,), float("nan"))
    with pytest.raises(ValueError, match="^shape must hold positive integers"):
        init.zeros((2, 0))
    with pytest.raises(ValueError, match="^shape must have at least 2 dimensions"):
        init.orthogonal((4,), rng)
