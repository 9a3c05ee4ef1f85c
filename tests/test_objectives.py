"""Tests of gdlearn.objectives: derivatives against centred differences, minima, vectorization."""

import numpy as np
import pytest

from gdlearn.objectives import (
    Beale,
    Booth,
    Himmelblau,
    Objective,
    Quadratic,
    Rastrigin,
    Rosenbrock,
    SixHumpCamel,
)


def fd_grad(f, x, h=1e-5):
    """Centred differences of a scalar function (independent of gdlearn.gradcheck)."""
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def fd_jac(grad, x, h=1e-6):
    """Centred differences of the gradient: column j is d grad / d x_j."""
    cols = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        cols.append((grad(x + e) - grad(x - e)) / (2 * h))
    return np.column_stack(cols)


OBJECTIVES = {
    "quadratic-rotated": lambda: Quadratic([1.0, 10.0], rotation=0.3, center=[1.0, -2.0]),
    "quadratic-kappa-4d": lambda: Quadratic.with_condition(50.0, dim=4, rng=np.random.default_rng(1)),
    "rosenbrock": lambda: Rosenbrock(),
    "rosenbrock-a2": lambda: Rosenbrock(a=2.0, b=30.0),
    "rosenbrock-5d": lambda: Rosenbrock(n=5),
    "himmelblau": lambda: Himmelblau(),
    "beale": lambda: Beale(),
    "booth": lambda: Booth(),
    "rastrigin": lambda: Rastrigin(),
    "rastrigin-3d": lambda: Rastrigin(n=3, A=5.0),
    "camel": lambda: SixHumpCamel(),
}


def random_points(f, rng, k=25):
    if f.dim == 2 and f.xlim is not None:
        lo = np.array([f.xlim[0], f.ylim[0]])
        hi = np.array([f.xlim[1], f.ylim[1]])
    else:
        lo, hi = -2.0 * np.ones(f.dim), 2.0 * np.ones(f.dim)
    return lo + (hi - lo) * rng.random((k, f.dim))


@pytest.fixture(params=sorted(OBJECTIVES))
def objective(request):
    return OBJECTIVES[request.param]()


def test_is_objective(objective):
    assert isinstance(objective, Objective)
    assert objective.minima, "every listed objective has a known minimizer"
    assert all(m.shape == (objective.dim,) for m in objective.minima)
    assert isinstance(objective.name, str) and objective.name


def test_grad_matches_centred_differences(objective):
    rng = np.random.default_rng(0)
    for x in random_points(objective, rng):
        g = objective.grad(x)
        num = fd_grad(objective.value, x)
        scale = max(1.0, abs(objective.value(x)), np.abs(g).max())
        np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-8 * scale)


def test_hess_matches_centred_differences(objective):
    rng = np.random.default_rng(1)
    for x in random_points(objective, rng):
        H = objective.hess(x)
        num = fd_jac(objective.grad, x)
        scale = max(1.0, np.abs(H).max())
        np.testing.assert_allclose(H, num, rtol=1e-6, atol=1e-7 * scale)
        np.testing.assert_array_equal(H, H.T)


def test_minima_are_stationary_with_psd_hessian_and_min_value(objective):
    for m in objective.minima:
        np.testing.assert_allclose(objective.grad(m), 0.0, atol=1e-9)
        eig = np.linalg.eigvalsh(objective.hess(m))
        assert eig.min() > -1e-9
        assert objective.value(m) == pytest.approx(objective.min_value, abs=1e-12)
        assert objective.distance_to_minimum(m) == 0.0


def test_min_value_is_global_on_a_fine_grid(objective):
    if objective.dim != 2:
        pytest.skip("grid search only in 2-D")
    xs = np.linspace(*objective.xlim, 601)
    ys = np.linspace(*objective.ylim, 601)
    X, Y = np.meshgrid(xs, ys)
    Z = objective.value(np.stack([X, Y]))
    assert Z.min() >= objective.min_value - 1e-12
    assert Z.min() <= objective.min_value + 0.05 * (Z.max() - Z.min())


def test_value_is_vectorized_over_grids(objective):
    rng = np.random.default_rng(2)
    pts = random_points(objective, rng, k=12)
    grid = pts.T.reshape(objective.dim, 3, 4)
    Z = objective.value(grid)
    assert Z.shape == (3, 4)
    expected = np.array([objective.value(p) for p in pts]).reshape(3, 4)
    np.testing.assert_allclose(Z, expected, rtol=1e-13, atol=1e-13)
    assert isinstance(objective.value(pts[0]), float)
    assert objective(pts[0]) == objective.value(pts[0])


@pytest.mark.parametrize(
    ("f", "x", "expected"),
    [
        (Rosenbrock(), [0.0, 0.0], 1.0),
        (Rosenbrock(), [-1.0, 1.0], 4.0),
        (Rosenbrock(n=3), [0.0, 0.0, 0.0], 2.0),
        (Himmelblau(), [0.0, 0.0], 170.0),
        (Beale(), [0.0, 0.0], 1.5**2 + 2.25**2 + 2.625**2),
        (Booth(), [0.0, 0.0], 74.0),
        (Rastrigin(), [0.5, 0.5], 40.5),
        (Rastrigin(n=1), [1.0], 1.0),
        (SixHumpCamel(), [1.0, 1.0], 4 - 2.1 + 1 / 3 + 1),
        (Quadratic([2.0, 8.0]), [1.0, 1.0], 5.0),
    ],
)
def test_values_by_hand(f, x, expected):
    assert f.value(x) == pytest.approx(expected, rel=1e-14)


def newton(f, x, steps=30):
    for _ in range(steps):
        x = x - np.linalg.solve(f.hess(x), f.grad(x))
    return x


def test_himmelblau_has_the_four_published_minima_to_double_precision():
    f = Himmelblau()
    published = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
    assert len(f.minima) == 4
    for m, p in zip(f.minima, published, strict=True):
        assert np.abs(m - p).max() < 1e-6
        refined = newton(f, np.array(p))
        np.testing.assert_allclose(m, refined, atol=1e-12)


def test_six_hump_camel_two_symmetric_global_minima():
    f = SixHumpCamel()
    assert len(f.minima) == 2
    np.testing.assert_allclose(f.minima[0], -f.minima[1])
    for m in f.minima:
        np.testing.assert_allclose(m, newton(f, np.round(m, 4)), atol=1e-12)
        assert abs(m).tolist() == pytest.approx([0.0898, 0.7126], abs=1e-4)
    assert f.min_value == pytest.approx(-1.0316, abs=1e-4)


def test_rosenbrock_minima():
    assert Rosenbrock(a=2.0).minima[0].tolist() == [2.0, 4.0]
    assert Rosenbrock(n=4).minima[0].tolist() == [1.0, 1.0, 1.0, 1.0]
    assert Rosenbrock(n=3, a=0.0).minima[0].tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="a is 0 or 1"):
        Rosenbrock(n=3, a=2.0)
    with pytest.raises(ValueError, match="n must be >= 2"):
        Rosenbrock(n=1)
    with pytest.raises(ValueError, match="b must be"):
        Rosenbrock(b=-1.0)


def test_quadratic_structure():
    f = Quadratic([1.0, 10.0], rotation=np.pi / 6)
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    Q = np.array([[c, -s], [s, c]])
    np.testing.assert_allclose(f.A, Q @ np.diag([1.0, 10.0]) @ Q.T, atol=1e-15)
    np.testing.assert_allclose(np.linalg.eigvalsh(f.A), [1.0, 10.0])
    assert (f.L, f.mu, f.kappa) == (10.0, 1.0, 10.0)
    x = np.array([0.3, -0.7])
    assert f.value(x) == pytest.approx(0.5 * x @ f.A @ x)


def test_with_condition():
    f = Quadratic.with_condition(100.0, dim=3)
    np.testing.assert_allclose(f.eigenvalues, [1.0, 10.0, 100.0])
    assert f.kappa == 100.0
    np.testing.assert_array_equal(f.A, np.diag([1.0, 10.0, 100.0]))
    g = Quadratic.with_condition(100.0, dim=3, rng=np.random.default_rng(0))
    np.testing.assert_allclose(np.linalg.eigvalsh(g.A), [1.0, 10.0, 100.0])
    assert np.abs(g.A - np.diag(np.diag(g.A))).max() > 1e-3  # rotated
    h = Quadratic.with_condition(100.0, dim=3, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(g.A, h.A)
    with pytest.raises(ValueError, match="kappa"):
        Quadratic.with_condition(0.5)
    with pytest.raises(ValueError, match="dim"):
        Quadratic.with_condition(10.0, dim=1)
    with pytest.raises(TypeError, match="rng"):
        Quadratic.with_condition(10.0, rng=0)


def test_quadratic_saddle_has_no_minimum():
    f = Quadratic([1.0, -2.0])
    assert f.minima == [] and f.min_value == -np.inf and f.kappa == np.inf
    with pytest.raises(ValueError, match="no known minimizer"):
        f.distance_to_minimum([0.0, 0.0])


def test_quadratic_bad_arguments():
    with pytest.raises(ValueError, match="eigenvalues"):
        Quadratic([])
    with pytest.raises(ValueError, match="eigenvalues holds NaN"):
        Quadratic([1.0, np.nan])
    with pytest.raises(ValueError, match="rotation must be an orthogonal"):
        Quadratic([1.0, 2.0], rotation=[[1.0, 1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="rotation given as an angle"):
        Quadratic([1.0, 2.0, 3.0], rotation=0.5)
    with pytest.raises(ValueError, match="center must have shape"):
        Quadratic([1.0, 2.0], center=[1.0, 2.0, 3.0])


def test_point_shape_errors():
    f = Himmelblau()
    with pytest.raises(ValueError, match=r"x must have shape \(2,\)"):
        f.value([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"x must have shape \(2,\)"):
        f.grad(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"x must have shape \(2,\)"):
        f.hess(1.0)
    with pytest.raises(TypeError, match="x must be a numeric array"):
        f.value(["a", "b"])


def test_non_finite_points_give_non_finite_values_without_warnings():
    f = Rosenbrock()
    assert f.value([1e200, 1e200]) == np.inf
    assert not np.all(np.isfinite(f.grad([1e200, -1e200])))
    assert np.isnan(Booth().value([np.inf, -np.inf]))
