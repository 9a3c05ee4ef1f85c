# %% [markdown]
# # Derivatives and gradients, and how to check them
#
# Gradient descent needs one thing from a loss: its gradient. This chapter builds that
# object from the ground up (the derivative as a slope, partial derivatives, the
# gradient as a vector) and proves on the page the two facts the rest of the book leans
# on: the gradient points in the direction of steepest ascent, and it is perpendicular
# to the contour lines. The middle part is about trust. A gradient written by hand is
# easy to get wrong, and a wrong gradient does not crash: it silently trains badly or
# not at all. Finite differences give an independent estimate; we measure how accurate
# they can be, and use `gdlearn`'s gradient checker to catch a planted sign error. The
# last part goes one derivative further: the Hessian, the second-order Taylor model, the
# conditions that identify a minimum, the eigenvalues that shape a quadratic bowl, and
# what "steepest" means in other norms. Later chapters (Newton's method,
# ill-conditioning and feature scaling, adaptive methods) build on these sections.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - compute partial derivatives and the gradient of a function of several variables by
#   hand;
# - explain, and verify numerically, why the gradient is the direction of steepest
#   ascent and why it is perpendicular to the contours;
# - compute a directional derivative as $\nabla f \cdot u$;
# - choose the step $h$ of a finite difference and predict the best accuracy it can
#   reach;
# - check a hand-written gradient with `gdlearn.gradcheck.check_grad` and read its
#   relative error, including the spurious failures caused by kinks such as ReLU;
# - compute and check a Hessian, use the second-order Taylor expansion, and classify
#   stationary points by the Hessian's eigenvalues;
# - read the condition number and the shape of the level sets off the eigenvalues of a
#   quadratic;
# - derive the steepest-descent direction $-P^{-1}\nabla f$ for the norm $\|u\|_P$.
# ```
#
# The symbols follow the book's {doc}`../notation`: the point is $\theta \in
# \mathbb{R}^d$ (also for the one-variable and two-variable examples, where it is
# $\theta$ or $(\theta_1, \theta_2)$), the function $f(\theta)$, the Hessian $H$ with
# eigenvalues $\lambda_i$ and eigenvectors $q_i$, data $x_i, X$ and targets $y_i$; the
# L2 penalty strength is $\nu$, and machine epsilon is written
# $\varepsilon_{\mathrm{mach}}$ to keep it apart from the stability constant
# $\varepsilon$ of later chapters.

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer

import gdlearn
from gdlearn.data import add_bias, standardize
from gdlearn.gradcheck import check_grad, numerical_grad
from gdlearn.models import LogisticRegression, sigmoid
from gdlearn.objectives import Himmelblau, Quadratic, Rosenbrock
from gdlearn.plot import contour, use_book_style

use_book_style()
SEED = 0
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)
print("gdlearn", gdlearn.__version__)


# %% [markdown]
# ## The derivative is a slope
#
# Take a function of one variable, the bell-shaped curve
#
# $$
# f(\theta) = \frac{1}{1 + \theta^2}.
# $$
#
# The straight line through the points $(\theta, f(\theta))$ and $(\theta + h,
# f(\theta + h))$ is a *secant*; its slope is the difference quotient $\frac{f(\theta +
# h) - f(\theta)}{h}$. As $h$ shrinks, the secant turns into the *tangent*, and its
# slope into the **derivative**
#
# $$
# f'(\theta) = \lim_{h \to 0} \frac{f(\theta + h) - f(\theta)}{h}.
# $$
#
# The quotient rule gives $f'(\theta) = -\dfrac{2\theta}{(1 + \theta^2)^2}$, so $f'(1)
# = -\tfrac12$: at $\theta = 1$ the curve falls by half a unit per unit step to the
# right. The secant slopes approach that number, and their error shrinks in proportion
# to $h$:

# %%
def f(x):
    """The bell curve 1 / (1 + x^2)."""
    return 1.0 / (1.0 + x * x)


def df(x):
    """Its derivative, by the quotient rule."""
    return -2.0 * x / (1.0 + x * x) ** 2


x0 = 1.0
print(f"{'h':>8} {'secant slope':>13} {'error':>10} {'error / h':>10}")
secant_errors = []
for h in [1.0, 0.1, 0.01, 0.001]:
    slope = (f(x0 + h) - f(x0)) / h
    secant_errors.append(abs(slope - df(x0)))
    print(f"{h:8.3f} {slope:13.6f} {secant_errors[-1]:10.2e} "
          f"{secant_errors[-1] / h:10.4f}")
print(f"derivative f'(1) = {df(x0):.6f}")
assert all(b < a for a, b in zip(secant_errors, secant_errors[1:], strict=False))

# %% [markdown]
# The last column settles near $0.25$: the error is about $0.25\,h$. That constant is
# $\tfrac12 |f''(1)|$, as Taylor's theorem predicts below ($f''(1) = \tfrac12$).

# %%
xs = np.linspace(-3, 3, 400)
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.plot(xs, f(xs), color="k", lw=2.5, label=r"$f(\theta) = 1/(1+\theta^2)$")
for h, color, ls, marker in [(1.5, "C0", "--", "s"), (0.7, "C1", "-.", "^")]:
    slope = (f(x0 + h) - f(x0)) / h
    ax.plot(xs, f(x0) + slope * (xs - x0), color=color, ls=ls, label=f"secant, h = {h}")
    ax.plot([x0 + h], [f(x0 + h)], marker, color=color, ms=8)
ax.plot(xs, f(x0) + df(x0) * (xs - x0), color="C2", ls=":", lw=3,
        label="tangent, slope $f'(1) = -0.5$")
ax.plot([x0], [f(x0)], "ko", ms=8)
ax.set_ylim(-0.3, 1.3)
ax.set_xlabel(r"$\theta$")
ax.set_ylabel(r"$f(\theta)$")
ax.set_title("Secants turn into the tangent as h shrinks")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# *The figure shows the bell curve, one over one plus theta squared, as a solid black
# line; two secant lines through the point at theta = 1 and a point h to the right (h
# = 1.5, dashed with a square marker, and h = 0.7, dash-dotted with a triangle marker);
# and the dotted tangent line at theta = 1. The secant with the smaller h lies closer to
# the tangent.*
#
# ## Partial derivatives and the gradient
#
# A loss depends on many parameters. Fix all of them but one and it becomes a function
# of one variable, whose derivative is a **partial derivative**. For a function of two
# variables,
#
# $$
# \begin{aligned}
# \frac{\partial f}{\partial \theta_1}(\theta) &= \lim_{h\to 0}\frac{f(\theta_1 + h,
# \theta_2) - f(\theta_1, \theta_2)}{h}, \\
# \frac{\partial f}{\partial \theta_2}(\theta) &= \lim_{h\to 0}\frac{f(\theta_1,
# \theta_2 + h) - f(\theta_1, \theta_2)}{h}.
# \end{aligned}
# $$
#
# Stacking all partial derivatives gives the **gradient**, a vector with one entry per
# parameter:
#
# $$
# \nabla f(\theta) = \left(\frac{\partial f}{\partial \theta_1}(\theta), \dots,
# \frac{\partial f}{\partial \theta_d}(\theta)\right)^{\top}.
# $$
#
# Our running example is Himmelblau's function {cite}`himmelblau1972`, which has four
# minima:
#
# $$
# \begin{aligned}
# f(\theta_1, \theta_2) = {}&(\theta_1^2 + \theta_2 - 11)^2 \\
# &+ (\theta_1 + \theta_2^2 - 7)^2 .
# \end{aligned}
# $$
#
# The chain rule, applied to each square, gives
#
# $$
# \begin{aligned}
# \frac{\partial f}{\partial \theta_1} &= 4\theta_1\,(\theta_1^2 + \theta_2 - 11)
# + 2\,(\theta_1 + \theta_2^2 - 7), \\
# \frac{\partial f}{\partial \theta_2} &= 2\,(\theta_1^2 + \theta_2 - 11)
# + 4\theta_2\,(\theta_1 + \theta_2^2 - 7).
# \end{aligned}
# $$
#
# We type these formulas in and compare them with `gdlearn`'s `Himmelblau` object, and
# with one-variable difference quotients in which the other coordinate is frozen:

# %%
himmelblau = Himmelblau()


def himmelblau_grad(x):
    """The two partial derivatives derived above."""
    p, q = x[0] ** 2 + x[1] - 11, x[0] + x[1] ** 2 - 7
    return np.array([4 * x[0] * p + 2 * q, 2 * p + 4 * x[1] * q])


p0 = np.array([1.0, -1.0])
h = 1e-6
frozen = np.array([
    (himmelblau.value(p0 + [h, 0]) - himmelblau.value(p0 - [h, 0])) / (2 * h),
    (himmelblau.value(p0 + [0, h]) - himmelblau.value(p0 - [0, h])) / (2 * h),
])
print("by hand:          ", himmelblau_grad(p0))
print("gdlearn:          ", himmelblau.grad(p0))
print("one at a time, FD:", frozen)

# %%
assert np.allclose(himmelblau_grad(p0), himmelblau.grad(p0))
assert np.allclose(frozen, himmelblau_grad(p0), atol=1e-6)

# %% [markdown]
# ## The gradient is perpendicular to the contours
#
# Near a point $\theta$, a smooth function is almost linear (Taylor's theorem to first
# order):
#
# $$
# f(\theta + s) = f(\theta) + \nabla f(\theta)\cdot s + O(\|s\|^2).
# $$
#
# A short step $s$ *along* a contour line does not change $f$, so $\nabla f(\theta)\cdot
# s \approx 0$: the gradient is perpendicular to the contour through $\theta$. The
# figure draws the gradient's direction (arrows scaled to equal length) over the contour
# map.

# %%
g1, g2 = np.meshgrid(np.linspace(-4.5, 4.5, 15), np.linspace(-4.5, 4.5, 15))
grid = np.stack([g1.ravel(), g2.ravel()], axis=1)
G = np.array([himmelblau.grad(p) for p in grid])
G_unit = G / np.linalg.norm(G, axis=1, keepdims=True)

fig, ax = plt.subplots(figsize=(7, 7))
contour(himmelblau, ax=ax, levels=25)
ax.quiver(grid[:, 0], grid[:, 1], G_unit[:, 0], G_unit[:, 1], color="C1", width=0.004,
          scale=30, label="gradient direction (unit length)")
ax.set_title("Gradients cross the contours at right angles")
ax.set_xlabel(r"$\theta_1$")
ax.set_ylabel(r"$\theta_2$")
ax.set_aspect("equal")
ax.legend(loc="lower left", framealpha=0.9)
plt.show()


# %% [markdown]
# *The figure shows the contour lines of Himmelblau's function on the square from −5 to
# 5, with its four minima marked by stars, and a grid of orange arrows of equal length
# pointing in the gradient's direction: each arrow crosses the contour lines at a right
# angle and points away from the nearest minimum, uphill.*
#
# The picture is convincing; a number is better. We find the contour's
# direction *without* using the gradient: on a small circle of radius $r$ around a point
# $\theta$, the contour through $\theta$ enters at one point and leaves at another,
# where $f$ takes the value $f(\theta)$ again. Bisection locates those two points; the
# chord between them is nearly parallel to the tangent of the contour. How nearly? The
# contour bends away from its tangent by about half its curvature times $r^2$ at
# distance $r$, the same amount at both ends of the chord, so the bending shifts the
# chord without tilting it; only the *change* of curvature along the contour, a
# third-order effect, tilts it. The angle between chord and tangent is therefore
# $O(r^2)$, not $O(r)$. The cosine of the chord with the gradient should vanish like
# $r^2$. We test 20 random points (skipping any within a small distance of a stationary
# point, where the gradient is zero and the contour has no direction), each with three
# radii.

# %%
def bisect(fun, a, b, tol=1e-13):
    """A root of fun in [a, b], where fun changes sign, by repeated halving."""
    fa = fun(a)
    while b - a > tol:
        m = 0.5 * (a + b)
        fm = fun(m)
        if np.sign(fm) == np.sign(fa):
            a, fa = m, fm
        else:
            b = m
    return 0.5 * (a + b)


def contour_tangent(fun, x, r=1e-3, n=360):
    """Unit tangent of the contour of `fun` through `x`, from the two points where it
    crosses the circle of radius r around `x`."""
    angles = np.linspace(0, 2 * np.pi, n + 1)
    f_x = fun(x)

    def on_circle(t):
        return fun(x + r * np.array([np.cos(t), np.sin(t)])) - f_x

    values = np.array([on_circle(t) for t in angles])
    brackets = np.nonzero(np.sign(values[:-1]) != np.sign(values[1:]))[0]
    assert len(brackets) == 2, "expected the contour to cross the circle twice"
    roots = [bisect(on_circle, angles[i], angles[i + 1]) for i in brackets]
    chord = np.array([np.cos(roots[1]) - np.cos(roots[0]),
                      np.sin(roots[1]) - np.sin(roots[0])])
    return chord / np.linalg.norm(chord)


radii = [0.1, 0.01, 0.001]
cosines = {r: [] for r in radii}
n_points = 0
while n_points < 20:
    x = rng.uniform(-4.5, 4.5, size=2)
    g = himmelblau.grad(x)
    if np.linalg.norm(g) < 1.0:
        continue
    n_points += 1
    for r in radii:
        t = contour_tangent(himmelblau.value, x, r=r)
        cosines[r].append(abs(t @ g) / np.linalg.norm(g))
worst = {r: max(c) for r, c in cosines.items()}
print("largest |cos(angle between gradient and chord)| over 20 points")
print(f"{'r':>7} {'largest |cos|':>14} {'/ r^2':>7}")
for r in radii:
    print(f"{r:7.3f} {worst[r]:14.2e} {worst[r] / r**2:7.2f}")

# %%
assert worst[0.001] < 1e-5                                   # right angles
assert 90 < worst[0.01] / worst[0.001] < 110   # r 10 times smaller: 100 times smaller
assert abs(worst[0.01] / 0.01**2 - worst[0.001] / 0.001**2) < 0.05 * worst[0.001] / 1e-6

# %% [markdown]
# All 20 angles are right angles to within the error of the chord, and that error is
# $O(r^2)$: a radius ten times smaller makes the largest cosine a hundred times smaller,
# and the ratio to $r^2$ settles near 4.9 (at $r = 0.1$ the circle is still too large
# for the asymptotic behaviour).
#
# ## Directional derivatives and steepest ascent
#
# How fast does $f$ change if we walk from $\theta$ in the direction of a unit vector
# $u$? That rate is the **directional derivative**
#
# $$
# \begin{aligned}
# D_u f(\theta) &= \lim_{t\to 0}\frac{f(\theta + t u) - f(\theta)}{t} \\
# &= \nabla f(\theta)\cdot u ,
# \end{aligned}
# $$
#
# where the second equality follows from the first-order Taylor expansion above with
# $s = t u$. Partial derivatives are the special case $u = e_i$. We check the formula
# against a centred difference along a few random directions:

# %%
x = np.array([-1.0, 2.0])
g = himmelblau.grad(x)
t = 1e-6
print(f"{'direction u':>18} {'grad . u':>10} {'difference along u':>19}")
gaps = []
for _ in range(4):
    u = rng.normal(size=2)
    u /= np.linalg.norm(u)
    along = (himmelblau.value(x + t * u) - himmelblau.value(x - t * u)) / (2 * t)
    gaps.append(abs(along - g @ u))
    print(f"{np.array2string(u, precision=3):>18} {g @ u:10.4f} {along:19.4f}")
assert max(gaps) < 1e-5

# %% [markdown]
# Which direction climbs fastest? Among unit vectors in the usual, Euclidean length
# $\|u\| = \sqrt{u_1^2 + \dots + u_d^2} = 1$, the Cauchy–Schwarz inequality gives
# $\nabla f \cdot u \le \|\nabla f\|\,\|u\| = \|\nabla f\|$, with equality exactly when
# $u$ points along the gradient. So $u^\star = \nabla f / \|\nabla f\|$ is the direction
# of **steepest ascent in the Euclidean norm**, the rate of climb along it is $\|\nabla
# f\|$, and $-u^\star$ is the direction of steepest descent, the one gradient descent
# takes. "Steepest" depends on how we measure the length of a step: measured in another
# norm, the steepest direction is another one (section {ref}`dg-steepest-norm` below).
# Ten thousand random Euclidean unit directions cannot beat the gradient:

# %%
U = rng.normal(size=(10_000, 2))
U /= np.linalg.norm(U, axis=1, keepdims=True)
rates = U @ g
u_star = g / np.linalg.norm(g)
rate_star = (himmelblau.value(x + t * u_star)
             - himmelblau.value(x - t * u_star)) / (2 * t)
print(f"|grad f(x)|                          = {np.linalg.norm(g):.4f}")
print(f"rate along grad/|grad| (difference)  = {rate_star:.4f}")
print(f"best of 10,000 random unit directions = {rates.max():.4f}")
best_angle = np.degrees(np.arccos(min(U[rates.argmax()] @ u_star, 1.0)))
print(f"angle of that best direction to the gradient: {best_angle:.2f} degrees")

# %%
assert rates.max() <= np.linalg.norm(g)
assert abs(rate_star - np.linalg.norm(g)) < 1e-5

# %% [markdown]
# The best random direction comes close only because it happens to lie within a fraction
# of a degree of the gradient.
#
# ## Analytic and numerical gradients
#
# There are two ways to obtain a gradient on a computer.
#
# - **Analytic**: derive the formula by hand (or let automatic differentiation apply the
#   chain rule) and evaluate it. Exact up to rounding, and cheap: for the models in this
#   book the gradient costs a small multiple of one loss evaluation, however many
#   parameters there are.
# - **Numerical**: approximate each partial derivative by a difference quotient. No
#   derivation needed, so no derivation can be wrong, but it costs $d$ or $2d$ loss
#   evaluations for $d$ parameters, and it is only approximate.
#
# Training uses the analytic gradient; the numerical one is for *testing* it. To test
# well we need to know how accurate a difference quotient can be.
#
# ## How small should h be?
#
# Taylor's theorem says how far the two standard difference quotients are from
# $f'(\theta)$, with $t_1$ some point between $\theta$ and $\theta + h$, and $t_2$ some
# point between $\theta - h$ and $\theta + h$:
#
# $$
# \begin{aligned}
# \underbrace{\frac{f(\theta+h) - f(\theta)}{h}}_{\text{forward}} &= f'(\theta) +
# \frac{h}{2} f''(t_1), \\
# \underbrace{\frac{f(\theta+h) - f(\theta-h)}{2h}}_{\text{centred}} &= f'(\theta) +
# \frac{h^2}{6} f'''(t_2).
# \end{aligned}
# $$
#
# This **truncation error** is $O(h)$ for the forward and $O(h^2)$ for the centred
# difference, so smaller $h$ looks better. But the computer stores $f(\theta\pm h)$ with
# a relative **rounding error** of about the machine epsilon
# $\varepsilon_{\mathrm{mach}} = 2^{-52} \approx 2.2\times10^{-16}$, and subtracting two
# nearly equal numbers keeps that absolute error while dividing by the small $h$
# {cite}`higham2002`. The total error is about
#
# $$
# \begin{aligned}
# E_{\text{fwd}}(h) &\approx \frac{h}{2}|f''| +
# \frac{2\varepsilon_{\mathrm{mach}} |f|}{h}, \\
# E_{\text{cen}}(h) &\approx \frac{h^2}{6}|f'''| +
# \frac{\varepsilon_{\mathrm{mach}} |f|}{h}.
# \end{aligned}
# $$
#
# Minimizing over $h$ gives $h^\star_{\text{fwd}} =
# 2\sqrt{\varepsilon_{\mathrm{mach}} |f|/|f''|}$ and $h^\star_{\text{cen}} =
# (3\varepsilon_{\mathrm{mach}} |f|/|f'''|)^{1/3}$: for a function whose value and
# derivatives are of order one, $h^\star \approx \sqrt{\varepsilon_{\mathrm{mach}}}
# \approx 10^{-8}$ (forward) and $h^\star \approx \varepsilon_{\mathrm{mach}}^{1/3}
# \approx 6\times10^{-6}$ (centred) {cite}`nocedal2006`. The best errors are then about
# $\sqrt{\varepsilon_{\mathrm{mach}}}\approx 10^{-8}$ and
# $\varepsilon_{\mathrm{mach}}^{2/3} \approx 4\times 10^{-11}$.
#
# We measure this on the bell curve, averaging the relative error over 101 points
# $\theta \in [1.5, 2.5]$ for each $h$ on a 1–2–5 grid from $0.5$ down to $10^{-15}$.
# (The bell curve uses only $+$, $\times$ and $/$, which IEEE arithmetic rounds the same
# way on every machine, so the measured curve is reproducible bit for bit.)

# %%
eps = np.finfo(float).eps
xs_h = np.linspace(1.5, 2.5, 101)
hs = np.array([float(f"{m}e-{k}") for k in range(1, 16) for m in (5, 2, 1)])


def mean_rel_error(quotient, h):
    return np.mean(np.abs(quotient(xs_h, h) - df(xs_h)) / np.abs(df(xs_h)))


forward = lambda x, h: (f(x + h) - f(x)) / h  # noqa: E731
centred = lambda x, h: (f(x + h) - f(x - h)) / (2 * h)  # noqa: E731
err_fwd = np.array([mean_rel_error(forward, h) for h in hs])
err_cen = np.array([mean_rel_error(centred, h) for h in hs])

theory = {"forward": np.sqrt(eps), "centred": eps ** (1 / 3)}
best = {"forward": hs[np.argmin(err_fwd)], "centred": hs[np.argmin(err_cen)]}
best_err = {"forward": err_fwd.min(), "centred": err_cen.min()}
bound = {"forward": 1e-7, "centred": 1e-10}   # the best errors stay below these
print(f"machine epsilon = 2**{np.log2(eps):.0f}")
print(f"{'':8} {'best h measured':>16} {'theory h*':>10} {'ratio':>6} "
      f"{'best error':>11}")
for name in ["forward", "centred"]:
    ratio = best[name] / theory[name]
    print(f"{name:8} {best[name]:16.0e} {theory[name]:10.1e} {ratio:6.2f} "
          f"{'< ' + format(bound[name], '.0e'):>11}")
plateau = (hs <= 1e-4) & (hs >= 1e-7)
print("centred error below 1e-8 for every h from 1e-7 to 1e-4:",
      bool(err_cen[plateau].max() < 1e-8))

# %%
for name in ["forward", "centred"]:
    # the measured optimum is within a factor 30 (1.5 decades) of theory on any machine,
    # and within a factor 2 on this function (its rounding is the same on every machine)
    assert abs(np.log10(best[name]) - np.log10(theory[name])) < 1.5
    assert 0.5 < best[name] / theory[name] < 2
    assert best_err[name] < bound[name]
assert best_err["forward"] > 1e-9 and best_err["centred"] > 1e-12
assert best_err["centred"] < 1e-2 * best_err["forward"]
assert err_cen[plateau].max() < 1e-8

# %% [markdown]
# Both optima sit where the theory puts them, within a factor of two. The centred
# difference is not only more accurate at its best $h$ (below $10^{-10}$ against about
# $10^{-8}$, between $10^{-9}$ and $10^{-7}$), it is also far less sensitive to the
# choice: any $h$ between $10^{-4}$ and $10^{-7}$ keeps it below $10^{-8}$. That is why
# gradient checkers, `gdlearn`'s included, use centred differences with $h \approx
# 10^{-6}$.

# %%
fig, ax = plt.subplots(figsize=(7, 5.5))
ax.loglog(hs, err_fwd, "o-", color="C0", ms=5, label="forward difference (measured)")
ax.loglog(hs, err_cen, "s-", color="C1", ms=5, label="centred difference (measured)")
ax.loglog(hs, hs / 2 + 2 * eps / hs, color="C0", ls=":",
          label=r"model $h/2 + 2\varepsilon_{\mathrm{mach}}/h$")
ax.loglog(hs, hs**2 / 6 + eps / hs, color="C1", ls="-.",
          label=r"model $h^2/6 + \varepsilon_{\mathrm{mach}}/h$")
ax.axvline(theory["forward"], color="C0", lw=1.2, ls="--",
           label=r"$\sqrt{\varepsilon_{\mathrm{mach}}}$")
ax.axvline(theory["centred"], color="C1", lw=1.2, ls=(0, (1, 2)),
           label=r"$\varepsilon_{\mathrm{mach}}^{1/3}$")
ax.set_ylim(1e-13, 1)
ax.set_xlabel("step h")
ax.set_ylabel("mean relative error")
ax.set_title("Truncation error falls with h, rounding error grows")
ax.legend(loc="lower left", ncol=2, fontsize=10)
plt.show()


# %% [markdown]
# *The figure shows, on log–log axes, the mean relative error of the forward difference
# (circles) and the centred difference (squares) against the step h, from 0.5 down to 10
# to the power −15. Each curve is V-shaped: on the right it falls with slope 1 (forward)
# or 2 (centred), the truncation error; on the left it rises with slope −1, the rounding
# error. The model curves with unit constants (dotted for forward, dash-dotted for
# centred) follow the measurements, and two vertical lines mark the square root of
# machine epsilon (dashed) and its cube root (dotted), where the two V's bottom out.*
#
# ## Gradient checking
#
# A gradient check compares an analytic gradient with a centred-difference one at some
# point and reports a **relative error**. `gdlearn.gradcheck.check_grad` uses
#
# $$
# \text{rel} = \frac{\|g - \hat g\|}{\|g\| + \|\hat g\|},
# $$
#
# with $g$ the analytic and $\hat g$ the numerical gradient. It is scale-free and lies
# between 0 and 1; a gradient with the wrong sign gives exactly 1. The usual reading in
# double precision is:
#
# | relative error | reading |
# | --- | --- |
# | above $10^{-2}$ | the gradient is wrong |
# | $10^{-4}$ to $10^{-2}$ | suspicious: probably a bug, perhaps a kink |
# | $10^{-7}$ to $10^{-4}$ | fine for functions with kinks, worrying otherwise |
# | below $10^{-7}$ | correct |
#
# `check_grad` sets its verdict `passed` by a threshold `tol` on this relative error
# (or, for a gradient that is zero up to rounding, by an absolute threshold `atol=1e-8`).
# Its default, `tol=1e-7`, is the table's line between "correct" and "worrying", so
# that "passed" means "correct" in the table. (For a badly scaled function the rounding
# error $\varepsilon_{\mathrm{mach}} |f| / h$ of the difference quotient can be larger
# than the gradient's scale suggests; pass a looser `tol` there, and say why.) In this
# chapter we pass `tol=TOL` with `TOL = 1e-7` anyway, to make the threshold visible.

# %%
TOL = 1e-7   # check_grad's verdict "passed" = "correct" in the table


def reading(rel):
    """The usual reading of a gradient check's relative error (double precision)."""
    if rel > 1e-2:
        return "wrong"
    if rel > 1e-4:
        return "suspicious"
    if rel > 1e-7:
        return "ok only if f has kinks"
    return "correct"


def show(rel):
    """A relative error for printing: its digits if it is a real error, a bound if it is
    round-off (whose digits change from one machine to another)."""
    return f"{rel:.1e}" if rel >= 1e-6 else "< 1e-8"


# %% [markdown]
# Our test subject is logistic regression on the Wisconsin breast-cancer data
# {cite}`street1993`: 569 tumours, 30 standardized measurements plus an intercept, label
# 1 for benign. With logits $z = X\theta$ the loss with an L2 penalty is
#
# $$
# \begin{aligned}
# f(\theta) &= \frac1n\sum_{i=1}^{n}\big[\log(1 + e^{z_i}) - y_i z_i\big] \\
# &\quad + \frac{\nu}{2}\|\theta\|^2, \\
# \nabla f(\theta) &= \frac1n X^\top\big(\sigma(z) - y\big) + \nu \theta ,
# \end{aligned}
# $$
#
# (the next chapter, {doc}`../part2/loss_functions`, derives the gradient). We write the
# loss and three gradients: the correct one, one with the **sign error** $y - \sigma(z)$
# that turns descent into ascent, and one that differentiates the penalty as $2\nu
# \theta$ instead of $\nu \theta$.

# %%
cancer = load_breast_cancer()
Xc = add_bias(standardize(cancer.data)[0])
yc = cancer.target.astype(float)
nu = 0.1
n_c = len(yc)


def loss(theta):
    z = Xc @ theta
    return np.mean(np.logaddexp(0.0, z) - yc * z) + 0.5 * nu * (theta @ theta)


def grad_correct(theta):
    return Xc.T @ (sigmoid(Xc @ theta) - yc) / n_c + nu * theta


def grad_sign_error(theta):
    return Xc.T @ (yc - sigmoid(Xc @ theta)) / n_c + nu * theta


def grad_penalty_twice(theta):
    return Xc.T @ (sigmoid(Xc @ theta) - yc) / n_c + 2 * nu * theta


model = LogisticRegression(Xc, yc, l2=nu)
theta_rand = rng.normal(scale=0.1, size=Xc.shape[1])

print(f"{'gradient':<18} {'at theta = 0':>22}   {'at a random theta':>26}")
checks = {}
for name, grad in [("correct", grad_correct), ("sign error", grad_sign_error),
                   ("penalty 2*nu*theta", grad_penalty_twice)]:
    at_zero = check_grad(loss, grad, np.zeros(Xc.shape[1]), tol=TOL)
    at_rand = check_grad(loss, grad, theta_rand, tol=TOL)
    checks[name] = (at_zero, at_rand)
    print(f"{name:<18} {show(at_zero.rel_error):>9} {reading(at_zero.rel_error):>12}   "
          f"{show(at_rand.rel_error):>9} {reading(at_rand.rel_error):>16}")

# %%
assert np.isclose(model.value(theta_rand), loss(theta_rand))   # our loss is gdlearn's
assert np.allclose(model.grad(theta_rand), grad_correct(theta_rand))
for at_zero, at_rand in checks.values():  # what `show` prints as "< 1e-8" is below it
    assert all(c.rel_error >= 1e-6 or c.rel_error < 1e-8 for c in (at_zero, at_rand))
assert checks["correct"][1].passed and checks["correct"][1].rel_error < 1e-8
assert not checks["sign error"][1].passed and checks["sign error"][1].rel_error > 1e-2
assert checks["penalty 2*nu*theta"][0].passed          # invisible at theta = 0 ...
assert not checks["penalty 2*nu*theta"][1].passed      # ... caught at a random point

# %% [markdown]
# Three lessons in one table. The correct gradient agrees to better than $10^{-8}$ (on
# this machine, about $10^{-10}$; the exact digits are round-off and differ between
# machines). The sign error gives a relative error of 1 (exactly 1 at $\theta = 0$,
# where the whole gradient is negated; just under 1 elsewhere, where the penalty term
# keeps its sign), as wrong as a gradient can be. And the penalty bug **passes at
# $\theta = 0$**, because there $\nu \theta = 2\nu \theta = 0$: check gradients at a
# random point, never at a special one such as zero, where whole terms vanish. The
# checker's report names the worst coordinates:

# %%
print(checks["sign error"][1].report())

# %% [markdown]
# A numerical gradient costs two loss evaluations per parameter, here $2 \times 31 =
# 62$:

# %%
calls = []
numerical_grad(lambda theta: calls.append(1) or loss(theta), theta_rand)
print(f"loss evaluations for one numerical gradient: {len(calls)}")
assert len(calls) == 2 * Xc.shape[1]

# %% [markdown]
# That is affordable for a check and unaffordable for training a model with millions of
# parameters; for large models, check a random subset of coordinates, or a few random
# directional derivatives (exercise below).
#
# ## Kinks make checks fail spuriously
#
# A finite difference assumes the function is smooth between $\theta - h$ and $\theta +
# h$. At a **kink** (the corner of $|\theta|$ or of the ReLU $\max(\theta, 0)$) the
# centred difference averages the slopes on both sides and disagrees with any single
# "derivative" the code returns. Here are two correct gradients evaluated at points with
# one coordinate on a kink or within $h$ of one:

# %%
relu = lambda v: np.sum(np.maximum(v, 0.0))  # noqa: E731
relu_grad = lambda v: (v > 0).astype(float)  # noqa: E731
absval = lambda v: np.sum(np.abs(v))  # noqa: E731
abs_grad = np.sign

v_kink = np.array([0.7, -1.2, 0.0, 2.5])       # one entry exactly on the kink
v_near = np.array([0.7, -1.2, 3e-7, 2.5])      # 3e-7 from it: h = 1e-6 straddles it
for label, fun, grad, v in [("ReLU at 0", relu, relu_grad, v_kink),
                            ("ReLU at 3e-7", relu, relu_grad, v_near),
                            ("|x| at 3e-7", absval, abs_grad, v_near)]:
    c = check_grad(fun, grad, v, tol=TOL)
    print(f"{label:<13} analytic {c.analytic[2]:4.1f}  "
          f"numerical {c.numerical[2]:5.3f}  rel error {c.rel_error:.1e} "
          f"-> {reading(c.rel_error)}")
    assert not c.passed
c_small = check_grad(relu, relu_grad, v_near, h=1e-8, tol=TOL)
print(f"ReLU at 3e-7 with h = 1e-8: rel error < 1e-7: {c_small.rel_error < 1e-7} "
      f"-> {reading(c_small.rel_error)}")
c_zero = check_grad(relu, relu_grad, v_kink, h=1e-10, tol=TOL)
print(f"ReLU at 0 with h = 1e-10:   rel error {c_zero.rel_error:.1e} "
      f"-> {reading(c_zero.rel_error)}")

# %%
assert c_small.passed and c_small.rel_error < 1e-7
assert not c_zero.passed

# %% [markdown]
# All three gradients are right away from the kink, and all three checks fail. A smaller
# $h$ fixes the near miss, because the interval $[\theta - h, \theta + h]$ no longer
# straddles the corner, but nothing fixes the point exactly on it. In a network with
# ReLU units a few of thousands of pre-activations may land within $h$ of zero, so a
# relative error around $10^{-4}$ can be harmless; look at the per-coordinate report
# (`check.worst`) before concluding there is a bug.
#
# (dg-hessian)=
# ## The Hessian
#
# The gradient collects the first derivatives of $f$. Differentiating each partial
# derivative once more gives the second derivatives $\partial^2 f / \partial\theta_i
# \partial\theta_j$, $d^2$ of them, which form the **Hessian** matrix
#
# $$
# H(\theta) = \nabla^2 f(\theta), \qquad
# H_{ij}(\theta) = \frac{\partial^2 f}{\partial \theta_i\, \partial \theta_j}(\theta).
# $$
#
# Column $j$ of $H$ says how the gradient changes when $\theta_j$ moves: the Hessian is
# the derivative (the Jacobian) of the gradient, $\nabla f(\theta + h e_j) - \nabla
# f(\theta - h e_j) \approx 2h\,H e_j$. When the second partial derivatives are
# continuous, as they are for every smooth loss in this book, the order of
# differentiation does not matter (Schwarz's theorem), so $H$ is **symmetric**. Along a
# unit direction $u$ the second derivative of $t \mapsto f(\theta + t u)$ is $u^\top H
# u$: the **curvature** of $f$ in that direction. For a quadratic $f(\theta) = \tfrac12
# \theta^\top A \theta - c^\top\theta$ with symmetric $A$ the Hessian is $A$ itself, the
# same at every point.
#
# Differentiating Himmelblau's two partial derivatives once more gives
#
# $$
# H(\theta) = \begin{pmatrix}
# 12\theta_1^2 + 4\theta_2 - 42 & 4(\theta_1 + \theta_2) \\
# 4(\theta_1 + \theta_2) & 4\theta_1 + 12\theta_2^2 - 26
# \end{pmatrix}.
# $$
#
# The two off-diagonal entries, $\partial^2 f/\partial\theta_1\partial\theta_2$ and
# $\partial^2 f/\partial\theta_2\partial\theta_1$, were derived from different partial
# derivatives and agree, as Schwarz's theorem says. We compare the formula with
# `Himmelblau.hess` and with centred differences of the gradient, one column at a time:

# %%
def himmelblau_hess(theta):
    """The Hessian derived above."""
    t1, t2 = theta
    return np.array([[12 * t1**2 + 4 * t2 - 42, 4 * t1 + 4 * t2],
                     [4 * t1 + 4 * t2, 4 * t1 + 12 * t2**2 - 26]])


def hess_from_grad(grad, theta, h=1e-5):
    """Column j: centred difference of the gradient along coordinate j."""
    cols = [(grad(theta + h * e) - grad(theta - h * e)) / (2 * h)
            for e in np.eye(len(theta))]
    return np.array(cols).T


theta = rng.uniform(-4, 4, size=2)
H_hand = himmelblau_hess(theta)
H_fd = hess_from_grad(himmelblau.grad, theta)
rel_fd = np.linalg.norm(H_fd - H_hand) / np.linalg.norm(H_hand)
print(f"theta = {np.array2string(theta, precision=3)}")
print("Hessian by hand:\n", H_hand)
print("equal to Himmelblau.hess:", np.allclose(H_hand, himmelblau.hess(theta)))
print("symmetric:", np.array_equal(H_hand, H_hand.T))
print("centred differences of the gradient agree to 1e-7 (relative):", rel_fd < 1e-7)

# %%
assert np.allclose(H_hand, himmelblau.hess(theta)) and np.array_equal(H_hand, H_hand.T)
assert rel_fd < 1e-7
assert np.allclose(H_fd, H_fd.T, atol=1e-6)   # the differences are symmetric too

# %% [markdown]
# (dg-taylor2)=
# ## Second-order Taylor expansion
#
# The first-order expansion used above approximates $f$ near $\theta$ by a plane. Adding
# the Hessian gives a curved model, the **second-order Taylor expansion**
#
# $$
# \begin{aligned}
# f(\theta + s) = f(\theta) &+ \nabla f(\theta)^\top s \\
# &+ \tfrac12\, s^\top H(\theta)\, s + O(\|s\|^3).
# \end{aligned}
# $$
#
# The error of the linear model is $O(\|s\|^2)$ (its leading term is the curvature term
# $\tfrac12 s^\top H s$ it leaves out); the error of the quadratic model is
# $O(\|s\|^3)$. We measure both at $\theta = (-1, 2)$ along the unit direction $u =
# (0.6, 0.8)$, for steps $s = r u$ with $r$ from $0.3$ down to $0.001$: the first error
# divided by $r^2$ and the second divided by $r^3$ should settle to constants.

# %%
theta = np.array([-1.0, 2.0])
u = np.array([0.6, 0.8])
f0, g0, H0 = himmelblau.value(theta), himmelblau.grad(theta), himmelblau.hess(theta)
radii = [0.3, 0.1, 0.03, 0.01, 0.003, 0.001]
err1, err2 = [], []
for r in radii:
    s = r * u
    linear = f0 + g0 @ s
    err1.append(abs(himmelblau.value(theta + s) - linear))
    err2.append(abs(himmelblau.value(theta + s) - (linear + 0.5 * s @ H0 @ s)))
print(f"{'r':>6} {'linear model: error / r^2':>26} "
      f"{'quadratic model: error / r^3':>29}")
for r, e1, e2 in zip(radii, err1, err2, strict=True):
    print(f"{r:6.3f} {e1 / r**2:26.3f} {e2 / r**3:29.3f}")
print(f"half the curvature along u, u.H.u / 2 = {0.5 * u @ H0 @ u:.3f}")

# %%
ratio2 = np.array(err2) / np.array(radii) ** 3
assert abs(err1[-1] / radii[-1] ** 2 - 0.5 * u @ H0 @ u) < 0.01 * abs(0.5 * u @ H0 @ u)
assert np.all(np.abs(ratio2[2:] / ratio2[-1] - 1) < 0.01)   # error / r^3 settles
assert err2[-1] < 1e-2 * err1[-1]

# %% [markdown]
# The linear model's error divided by $r^2$ settles at $\tfrac12 u^\top H u$, the
# curvature term it misses; the quadratic model's error divided by $r^3$ settles at a
# constant (here about 4.58, the size of the third-order term, since Himmelblau's
# function is a polynomial of degree four). Shrinking the step tenfold divides the
# quadratic model's error by a thousand. This quadratic model is what Newton's method
# minimizes at every step ({doc}`../part3/newton`), and what the next chapters use to
# reason about the learning rate ({doc}`../part2/update_rule`).
#
# (dg-optimality)=
# ## Optimality conditions
#
# Where can a minimum be? Let $\theta^\star$ be a local minimum of a differentiable $f$
# (in the interior of its domain: every loss in this book is defined on all of
# $\mathbb{R}^d$).
#
# - **First-order necessary condition**: $\nabla f(\theta^\star) = 0$. Otherwise the
#   step $s = -t\nabla f(\theta^\star)$ would give $f(\theta^\star + s) =
#   f(\theta^\star) - t\|\nabla f(\theta^\star)\|^2 + O(t^2) < f(\theta^\star)$ for
#   small $t > 0$. A point with zero gradient is a **stationary** (or critical) point.
# - **Second-order necessary condition**: $H(\theta^\star)$ is **positive
#   semidefinite**, $s^\top H s \ge 0$ for every $s$ (all eigenvalues $\ge 0$). At a
#   stationary point the Taylor expansion reads $f(\theta^\star + s) - f(\theta^\star) =
#   \tfrac12 s^\top H s + O(\|s\|^3)$, and a direction with $s^\top H s < 0$ would lead
#   downhill.
# - **Second-order sufficient condition**: if $\nabla f(\theta^\star) = 0$ and
#   $H(\theta^\star)$ is **positive definite** (all eigenvalues $> 0$), then
#   $\theta^\star$ is a strict local minimum.
#
# So at a stationary point the eigenvalues $\lambda_i$ of the Hessian classify it: all
# positive, a minimum; all negative, a maximum; some positive and some negative,
# a **saddle point**, downhill along the eigenvectors of the negative ones. If some are
# zero and the rest of one sign, the second order cannot decide: $\theta_1^2 +
# \theta_2^4$ and $\theta_1^2 + \theta_2^3$ both have the Hessian
# $\operatorname{diag}(2, 0)$ at the origin, and only the first has a minimum there.
#
# Himmelblau's function has nine stationary points. We find them by Newton's method
# applied to the equation $\nabla f(\theta) = 0$ (the step solves $H\,s = -\nabla f$;
# Part III studies it as an optimizer) from rough guesses, then classify each by the
# signs of its Hessian's eigenvalues:

# %%
def classify(eigenvalues):
    if np.all(eigenvalues > 0):
        return "minimum"
    if np.all(eigenvalues < 0):
        return "maximum"
    if np.any(eigenvalues > 0) and np.any(eigenvalues < 0):
        return "saddle"
    return "undecided"


guesses = [(3, 2), (-2.8, 3.1), (-3.8, -3.3), (3.6, -1.8), (-0.3, -0.9),
           (0.1, 2.9), (-3.1, -0.1), (3.4, 0.1), (-0.1, -1.9)]
stationary = []
print(f"{'stationary point':>20} {'eigenvalues of H':>18}  kind")
for guess in guesses:
    theta = np.array(guess, dtype=float)
    for _ in range(30):
        theta = theta - np.linalg.solve(himmelblau.hess(theta), himmelblau.grad(theta))
    lam = np.linalg.eigvalsh(himmelblau.hess(theta))
    stationary.append((theta, lam, classify(lam)))
    print(f"{np.array2string(theta, precision=4):>20} "
          f"{np.array2string(lam, precision=2):>18}  {classify(lam)}")

# %%
kinds = [kind for _, _, kind in stationary]
assert kinds.count("minimum") == 4 and kinds.count("saddle") == 4
assert kinds.count("maximum") == 1
assert all(np.linalg.norm(himmelblau.grad(th)) < 1e-8 for th, _, _ in stationary)
assert len({tuple(np.round(th, 3)) for th, _, _ in stationary}) == 9   # all different
assert all(himmelblau.value(th) < 1e-20 for th, _, k in stationary if k == "minimum")
# the undecided case: same Hessian diag(2, 0) at 0, a minimum for one and not the other
assert min(t1**2 + t2**4 for t1 in (-1e-2, 0, 1e-2) for t2 in (-1e-2, 1e-2)) > 0
assert (0.0**2 + (-1e-2) ** 3) < 0

# %%
fig, ax = plt.subplots(figsize=(7, 7))
contour(himmelblau, ax=ax, levels=25)
style = {"saddle": ("X", "C1", "saddle point"), "maximum": ("^", "C3", "maximum")}
for kind, (marker, color, label) in style.items():
    pts = np.array([th for th, _, k in stationary if k == kind])
    ax.plot(pts[:, 0], pts[:, 1], marker, color=color, ms=14, mec="k", ls="none",
            label=label)
ax.set_xlabel(r"$\theta_1$")
ax.set_ylabel(r"$\theta_2$")
ax.set_title("The nine stationary points of Himmelblau's function")
ax.set_aspect("equal")
ax.legend(loc="lower center", ncol=3, framealpha=0.9)
plt.show()

# %% [markdown]
# *The figure shows the contour map of Himmelblau's function with its nine stationary
# points: four minima marked by stars in the four outer basins, one maximum marked by a
# triangle near the centre, and four saddle points marked by crosses, one on each ridge
# between two neighbouring minima.*
#
# Every saddle sits on a pass between two basins, and the single maximum on the hill in
# the middle. A gradient alone cannot tell these points apart (it is zero at all nine);
# the Hessian can.
#
# (dg-eigen)=
# ## Eigenvalues of a quadratic
#
# Quadratics are the model landscapes of optimization: near a minimum with a positive
# definite Hessian, every smooth loss looks like one (second-order Taylor with $\nabla
# f = 0$). Take
#
# $$
# \begin{aligned}
# f(\theta) &= \tfrac12\, \theta^\top A \theta - c^\top \theta, \\
# \nabla f(\theta) &= A\theta - c, \qquad H = A,
# \end{aligned}
# $$
#
# with $A$ symmetric and positive definite. The minimizer solves $A\theta^\star = c$. A
# symmetric matrix has an **eigen-decomposition** $A = Q \Lambda Q^\top = \sum_i
# \lambda_i q_i q_i^\top$: real eigenvalues $\lambda_1 \le \dots \le \lambda_d$ and
# orthonormal eigenvectors $q_1, \dots, q_d$ (the columns of $Q$), with $A q_i =
# \lambda_i q_i$. In the coordinates $\xi = Q^\top(\theta - \theta^\star)$ along the
# eigenvectors the quadratic separates into one parabola per eigenvector:
#
# $$
# \begin{aligned}
# f(\theta) - f(\theta^\star)
# &= \tfrac12 (\theta - \theta^\star)^\top A (\theta - \theta^\star) \\
# &= \tfrac12 \sum_{i=1}^{d} \lambda_i \xi_i^2 .
# \end{aligned}
# $$
#
# Three consequences the rest of the book uses.
#
# - The **level set** $f(\theta) - f(\theta^\star) = \Delta f$ is an ellipse (an
#   ellipsoid in $d$ dimensions) centred at $\theta^\star$, with its axes along the
#   eigenvectors and semi-axis $\sqrt{2\Delta f/\lambda_i}$ along $q_i$: short across
#   steep directions (large $\lambda_i$), long along flat ones. The ratio of the longest
#   to the shortest axis is $\sqrt{\lambda_{\max}/\lambda_{\min}}$.
# - The largest eigenvalue is the **smoothness constant** $L = \lambda_{\max}$: the
#   gradient changes by at most $\|\nabla f(\theta) - \nabla f(\theta')\| = \|A(\theta -
#   \theta')\| \le L\|\theta - \theta'\|$. The smallest is the **strong-convexity
#   constant** $\mu = \lambda_{\min}$, the least curvature in any direction.
# - Their ratio is the **condition number** $\kappa = L/\mu =
#   \lambda_{\max}/\lambda_{\min} \ge 1$. A large $\kappa$ means long, narrow valleys,
#   and slow gradient descent ({doc}`../part2/convergence_rates`,
#   {doc}`../part4/ill_conditioning`).
#
# A two-dimensional example with round numbers:

# %%
A = np.array([[5.0, 4.0], [4.0, 5.0]])
c = np.array([1.0, -1.0])
lam, Q = np.linalg.eigh(A)        # ascending eigenvalues, eigenvectors in columns
Q = Q * np.sign(Q[0])             # an eigenvector's sign is arbitrary: first entry > 0
theta_star = np.linalg.solve(A, c)
L, mu = lam.max(), lam.min()
print(f"eigenvalues lambda_min = mu = {mu:.4f}, lambda_max = L = {L:.4f}")
print("eigenvectors q_1, q_2 (the columns of Q):\n", Q)
print(f"condition number kappa = L / mu = {L / mu:.4f}")
print(f"minimizer theta* = {theta_star}")


def quad(theta):
    return 0.5 * theta @ A @ theta - c @ theta


level = 2.0                         # the level set f(theta) - f(theta*) = level
semi = np.sqrt(2 * level / lam)
ends = [theta_star + s * semi[i] * Q[:, i] for i in (0, 1) for s in (1, -1)]
print("semi-axes sqrt(2 level / lambda):", semi)
print("the four axis ends lie on the level set:",
      all(np.isclose(quad(e) - quad(theta_star), level) for e in ends))

# %%
assert np.allclose(A @ Q, Q * lam) and np.allclose(Q.T @ Q, np.eye(2))
assert np.allclose(Q @ np.diag(lam) @ Q.T, A)
assert np.allclose(lam, [1.0, 9.0]) and np.allclose(theta_star, [1.0, -1.0])
assert all(np.isclose(quad(e) - quad(theta_star), level) for e in ends)
# gdlearn's Quadratic is the same bowl: (theta - center)^T A (theta - center) / 2
bowl = Quadratic([1.0, 9.0], rotation=-np.pi / 4, center=theta_star)
assert np.allclose(bowl.A, A) and bowl.kappa == 9.0
probe = rng.normal(size=2)
assert np.isclose(bowl.value(probe), quad(probe) - quad(theta_star))

# %%
t1, t2 = np.meshgrid(np.linspace(-2, 4, 300), np.linspace(-4, 2, 300))
pts = np.stack([t1, t2], axis=-1)
F_grid = 0.5 * np.einsum("...i,ij,...j->...", pts, A, pts) - pts @ c - quad(theta_star)
fig, ax = plt.subplots(figsize=(7, 7))
ax.contour(t1, t2, F_grid, levels=[0.25, 0.5, 1, 4, 8, 12], colors="0.6", linewidths=1)
ax.contour(t1, t2, F_grid, levels=[level], colors="k", linewidths=2.5)
for i, (color, ls, name) in enumerate([("C0", "-", "flat"), ("C1", "--", "steep")]):
    end = theta_star + semi[i] * Q[:, i]
    ax.annotate("", xy=end, xytext=theta_star,
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2.5, "ls": ls,
                            "mutation_scale": 20})
    ax.plot([], [], color=color, ls=ls,
            label=f"eigenvector q{'₁₂'[i]} ({name}, λ = {lam[i]:.0f}), "
                  f"semi-axis {semi[i]:.2f}")
ax.plot(*theta_star, "k*", ms=14, ls="none", label="minimizer θ*")
ax.plot([], [], color="k", lw=2.5, label=f"level set f - f* = {level:.0f}")
ax.set_xlabel(r"$\theta_1$")
ax.set_ylabel(r"$\theta_2$")
ax.set_title("Level sets of a quadratic: ellipses along the eigenvectors")
ax.set_aspect("equal")
ax.legend(loc="upper right", fontsize=10, framealpha=0.95)
plt.show()

# %% [markdown]
# *The figure shows the elliptical level sets of the quadratic around its minimizer (1,
# −1), drawn with equal scales on both axes, the level where f exceeds its minimum by 2
# in bold. A solid arrow along the first eigenvector, pointing to the lower right,
# reaches the bold ellipse after 2 units, its long semi-axis; a dashed arrow along the
# second eigenvector, pointing to the upper right, reaches it after about 0.67 units,
# its short semi-axis: three times shorter, because the square root of the condition
# number 9 is 3.*
#
# The curvature along $q_2$ is $\lambda_2 = 9$, nine times that along $q_1$, and the
# ellipse is $\sqrt{9} = 3$ times longer than wide. With $L = 9$, $\mu = 1$ and
# $\kappa = 9$ this bowl is mildly conditioned; the bowl of the next section has
# $\kappa$ near 100.
#
# (dg-steepest-norm)=
# ## Steepest descent in other norms
#
# The gradient is the steepest direction for steps measured by Euclidean length. Measure
# them differently and the answer changes. Let $P$ be a symmetric positive definite
# matrix and measure a step $u$ by
#
# $$
# \|u\|_P = \sqrt{u^\top P u} .
# $$
#
# The **steepest-descent direction in $\|\cdot\|_P$** minimizes the linear model of the
# change, $g^\top u$ with $g = \nabla f(\theta)$, over the ball $\|u\|_P \le 1$.
#
# *Derivation.* Let $P^{1/2}$ be the symmetric square root of $P$ (with $P = Q_P \Lambda_P
# Q_P^\top$, take $P^{1/2} = Q_P \Lambda_P^{1/2} Q_P^\top$), and substitute $\tilde u =
# P^{1/2} u$. Then $\|u\|_P^2 = u^\top P u = \|\tilde u\|^2$ and $g^\top u = (P^{-1/2}
# g)^\top \tilde u$, so the problem becomes: minimize $(P^{-1/2} g)^\top \tilde u$ over
# the Euclidean unit ball $\|\tilde u\| \le 1$. By Cauchy–Schwarz, $(P^{-1/2} g)^\top
# \tilde u \ge -\|P^{-1/2} g\|\,\|\tilde u\| \ge -\|P^{-1/2} g\|$, with equality exactly
# for $\tilde u = -P^{-1/2} g / \|P^{-1/2} g\|$. Going back with $u = P^{-1/2} \tilde
# u$,
#
# $$
# \begin{aligned}
# u^\star &= -\frac{P^{-1} g}{\|P^{-1/2} g\|} \\
# &= -\frac{P^{-1} \nabla f(\theta)}
# {\sqrt{\nabla f(\theta)^\top P^{-1} \nabla f(\theta)}} ,
# \end{aligned}
# $$
#
# a direction along $-P^{-1}\nabla f$, normalized to $\|u^\star\|_P = 1$. Three choices
# of $P$ name three families of methods.
#
# - $P = I$: the Euclidean norm, and $u^\star = -\nabla f / \|\nabla f\|$, **gradient
#   descent**.
# - $P = H$, the Hessian (where it is positive definite): $u^\star \propto -H^{-1}\nabla
#   f$, **Newton's direction** ({doc}`../part3/newton`). On a quadratic it points
#   exactly at the minimizer, since $-A^{-1}(A\theta - c) = \theta^\star - \theta$.
# - $P$ diagonal, for instance $P = \operatorname{diag}(H)$: each coordinate's gradient
#   is divided by its own scale, which is what feature scaling
#   ({doc}`../part4/ill_conditioning`) and diagonal **preconditioning** do, and what
#   adaptive methods such as AdaGrad and Adam estimate from past gradients
#   ({doc}`../part3/adaptive_methods`).
#
# We check the formula by brute force (no direction on the boundary of the $P$-ball does
# better than $u^\star$), then compare the three directions on an ill-conditioned
# quadratic whose bad conditioning comes mostly from scale: $A = \begin{pmatrix} 1 & 1
# \\ 1 & 100 \end{pmatrix}$. From 360 points spread around one level set, we measure the
# angle between each direction and the straight line to the minimum, $\theta^\star -
# \theta$.

# %%
def steepest_direction(P, g):
    """The minimizer of g.u over the ball u^T P u <= 1."""
    Pinv_g = np.linalg.solve(P, g)
    return -Pinv_g / np.sqrt(g @ Pinv_g)


P_test = np.array([[2.0, 0.5], [0.5, 1.0]])
g_test = np.array([1.0, -3.0])
d_best = steepest_direction(P_test, g_test)
dirs = rng.normal(size=(100_000, 2))
dirs /= np.sqrt(np.einsum("ij,jk,ik->i", dirs, P_test, dirs))[:, None]   # ||u||_P = 1
print(f"||u*||_P = {np.sqrt(d_best @ P_test @ d_best):.6f}, "
      f"g.u* = {g_test @ d_best:.6f}")
print(f"best of 100,000 random u with ||u||_P = 1:  g.u = {(dirs @ g_test).min():.6f}")

# %%
assert np.isclose(d_best @ P_test @ d_best, 1.0)
assert (dirs @ g_test).min() >= g_test @ d_best - 1e-12
assert np.isclose(g_test @ d_best, -np.sqrt(g_test @ np.linalg.solve(P_test, g_test)))

# %%
A_ill = np.array([[1.0, 1.0], [1.0, 100.0]])
lam_ill, V_ill = np.linalg.eigh(A_ill)
theta_min = np.array([1.0, 1.0])        # the minimizer; c = A theta_min
A_ill_inv_sqrt = V_ill @ np.diag(lam_ill ** -0.5) @ V_ill.T
phis = np.linspace(0, 2 * np.pi, 361)[:-1]
starts = [theta_min + A_ill_inv_sqrt @ np.array([np.cos(p), np.sin(p)]) for p in phis]


def angle_to_minimum(P, theta):
    d = steepest_direction(P, A_ill @ (theta - theta_min))
    to_min = theta_min - theta
    cos = d @ to_min / (np.linalg.norm(d) * np.linalg.norm(to_min))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


norms = {"Euclidean, P = I": np.eye(2),
         "diagonal, P = diag(A)": np.diag(np.diag(A_ill)),
         "Newton, P = A": A_ill}
angles = {name: np.array([angle_to_minimum(P, s) for s in starts])
          for name, P in norms.items()}
print(f"kappa = {lam_ill[1] / lam_ill[0]:.1f}; angle between u* and theta* - theta, "
      "360 points on one level set")
print(f"{'norm':<24} {'mean angle':>11} {'median':>8}")
for name, a in angles.items():
    print(f"{name:<24} {a.mean():9.1f} deg {np.median(a):6.1f} deg")

# %%
mean = {name: a.mean() for name, a in angles.items()}
assert 60 < mean["Euclidean, P = I"] and mean["diagonal, P = diag(A)"] < 10
assert angles["Newton, P = A"].max() < 1e-5
assert all(np.isclose((s - theta_min) @ A_ill @ (s - theta_min), 1.0) for s in starts)

# %% [markdown]
# On this bowl ($\kappa \approx 101$) the gradient direction misses the minimum by 66
# degrees on average: it points mostly across the narrow valley. Dividing each
# coordinate by its own curvature, $P = \operatorname{diag}(A)$, brings the mean angle
# down to about 5 degrees, because here the bad conditioning comes from the two
# coordinates' different scales; Newton's choice $P = A$ points exactly at the minimum
# from everywhere. The feature-scaling, preconditioning, Newton and adaptive-method
# chapters all start from this picture: a better norm for measuring steps is a better
# descent direction.
#
# ## Key points
#
# - The derivative is the limit of secant slopes; a partial derivative freezes all
#   variables but one; the **gradient** stacks the partial derivatives.
# - The directional derivative along a unit vector $u$ is $\nabla f\cdot u$. By
#   Cauchy–Schwarz it is largest for $u = \nabla f/\|\nabla f\|$: the gradient is the
#   direction of steepest ascent in the Euclidean norm, with rate $\|\nabla f\|$, and it
#   is perpendicular to the contour lines (both verified numerically above; the chord
#   test's error shrinks like $r^2$).
# - Forward differences have error $O(h) + O(\varepsilon_{\mathrm{mach}}/h)$, best near
#   $h \approx \sqrt{\varepsilon_{\mathrm{mach}}} \approx 10^{-8}$; centred differences
#   $O(h^2) + O(\varepsilon_{\mathrm{mach}}/h)$, best near $h \approx
#   \varepsilon_{\mathrm{mach}}^{1/3}$, with error around $10^{-11}$. We measured both
#   optima within a factor 2 of theory.
# - Check every hand-written gradient with centred differences at a *random* point.
#   Relative error above $10^{-2}$: wrong; below $10^{-7}$: correct. A negated gradient
#   gives exactly 1.
# - Kinks (ReLU, $|\theta|$) make correct gradients fail the check when a coordinate
#   sits within $h$ of a corner.
# - The **Hessian** $H = \nabla^2 f$ holds the second derivatives; it is symmetric, and
#   $u^\top H u$ is the curvature along $u$. The second-order Taylor model $f + \nabla
#   f^\top s + \tfrac12 s^\top H s$ has error $O(\|s\|^3)$.
# - At a local minimum $\nabla f = 0$ and $H$ is positive semidefinite (necessary);
#   $\nabla f = 0$ with $H$ positive definite is sufficient. The signs of the Hessian's
#   eigenvalues tell minima, maxima and saddle points apart.
# - For a quadratic $\tfrac12\theta^\top A\theta - c^\top\theta$ the level sets are
#   ellipses with axes along the eigenvectors of $A$ and semi-axes $\propto
#   1/\sqrt{\lambda_i}$; $L = \lambda_{\max}$, $\mu = \lambda_{\min}$ and $\kappa =
#   L/\mu$.
# - The steepest-descent direction in the norm $\|u\|_P = \sqrt{u^\top P u}$ is
#   $-P^{-1}\nabla f$ (normalized): $P = I$ gives gradient descent, $P = H$ Newton's
#   direction, a diagonal $P$ diagonal preconditioning.
#
# ## Exercises
#
# ```{exercise} The Rosenbrock gradient by hand
# :label: ex-dg-rosenbrock
# Derive the gradient of Rosenbrock's function $f(\theta_1, \theta_2) = (1 -
# \theta_1)^2 + 100\,(\theta_2 - \theta_1^2)^2$, type it in, and check it with
# `check_grad` at a random point. Compare it with `gdlearn.objectives.Rosenbrock`.
# ```
#
# ```{solution-start} ex-dg-rosenbrock
# :class: dropdown
# ```
#
# The chain rule gives $\partial f/\partial \theta_1 = -2(1 - \theta_1) -
# 400\,\theta_1(\theta_2 - \theta_1^2)$ and $\partial f/\partial \theta_2 =
# 200\,(\theta_2 - \theta_1^2)$.

# %%
def rosen(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def rosen_grad(x):
    return np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2),
                     200 * (x[1] - x[0] ** 2)])


x_test = rng.uniform(-2, 2, size=2)
c = check_grad(rosen, rosen_grad, x_test, tol=TOL)
print(f"relative error {show(c.rel_error)} -> {reading(c.rel_error)}")
assert c.passed and c.rel_error < 1e-8
assert np.allclose(rosen_grad(x_test), Rosenbrock().grad(x_test))

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} The complex step
# :label: ex-dg-complex-step
# If $f$ is real-analytic and written with operations that accept complex numbers, then
# $f(\theta + ih) = f(\theta) + ih f'(\theta) - \tfrac{h^2}{2} f''(\theta) + \dots$, so
# $f'(\theta) \approx \operatorname{Im} f(\theta + ih)/h$. There is no subtraction,
# hence no cancellation. Measure its error on the bell curve for $h = 10^{-4}, 10^{-8},
# 10^{-20}$ and compare with the best centred difference.
# ```
#
# ```{solution-start} ex-dg-complex-step
# :class: dropdown
# ```

# %%
cs_err = {}
for h in [1e-4, 1e-8, 1e-20]:
    cs = np.imag(f(xs_h + 1j * h)) / h
    cs_err[h] = np.mean(np.abs(cs - df(xs_h)) / np.abs(df(xs_h)))
print(f"h = 1e-04: mean relative error / h^2 = {cs_err[1e-4] / 1e-8:.2f}  (truncation)")
for h in [1e-8, 1e-20]:
    print(f"h = {h:.0e}: mean relative error < 1e-14 (machine precision): "
          f"{cs_err[h] < 1e-14}")
print("complex step with h = 1e-20 more than 1,000 times as accurate as the best "
      f"centred difference: {best_err['centred'] / cs_err[1e-20] > 1e3}")

# %%
assert 0.1 < cs_err[1e-4] / 1e-8 < 1
assert cs_err[1e-8] < 1e-14 and cs_err[1e-20] < 1e-14
assert best_err["centred"] / cs_err[1e-20] > 1e3


# %% [markdown]
# The complex step has truncation error $O(h^2)$ (at $h = 10^{-4}$ the error is
# $0.23\,h^2$) but no rounding penalty for small $h$: with $h = 10^{-8}$ or $10^{-20}$
# it is exact to machine precision, more than a thousand times more accurate than the
# best centred difference. It needs code that works on complex numbers (no `abs`, no
# comparisons), which is why gradient checkers rarely use it.
#
# ```{solution-end}
# ```
#
# ```{exercise} A cheap check along random directions
# :label: ex-dg-directional
# For a model with a million parameters, $2d$ loss evaluations are too many. Instead
# compare $\nabla f(\theta)\cdot u$ with $\frac{f(\theta + hu) - f(\theta - hu)}{2h}$
# for a handful of random unit vectors $u$. Does this catch the sign error and the
# penalty bug in the logistic-regression gradient above? How many loss evaluations does
# it use?
# ```
#
# ```{solution-start} ex-dg-directional
# :class: dropdown
# ```

# %%
def directional_check(fun, grad, theta, n_dirs=3, h=1e-6):
    worst = 0.0
    for _ in range(n_dirs):
        u = rng.normal(size=theta.shape)
        u /= np.linalg.norm(u)
        a = grad(theta) @ u
        num = (fun(theta + h * u) - fun(theta - h * u)) / (2 * h)
        worst = max(worst, abs(a - num) / max(abs(a) + abs(num), 1e-12))
    return worst


for name, grad in [("correct", grad_correct), ("sign error", grad_sign_error),
                   ("penalty 2*nu*theta", grad_penalty_twice)]:
    rel = directional_check(loss, grad, theta_rand)
    print(f"{name:<18} worst relative error over 3 directions {show(rel):>7} "
          f"-> {reading(rel)}")
    assert (rel < 1e-8) == (name == "correct") and (rel < 1e-8 or rel >= 1e-6)

# %% [markdown]
# Three directions, six loss evaluations instead of 62, and both bugs are caught. A
# directional check can miss a bug only if every $u$ happens to be nearly perpendicular
# to the error $g - \hat g$, which random directions almost never are.
#
# ```{solution-end}
# ```
#
# ```{exercise} The Hessian of the logistic loss
# :label: ex-dg-logistic-hessian
# Derive the Hessian of the penalized logistic loss of this chapter, $f(\theta) =
# \frac1n\sum_i\big[\log(1 + e^{z_i}) - y_i z_i\big] + \frac{\nu}{2}\|\theta\|^2$ with
# $z = X\theta$. Show that it is positive semidefinite for $\nu = 0$ and that all its
# eigenvalues are at least $\nu$. Check your formula against `LogisticRegression.hess`
# and against centred differences of the gradient on the breast-cancer data.
# ```
#
# ```{solution-start} ex-dg-logistic-hessian
# :class: dropdown
# ```
#
# The gradient is $\nabla f(\theta) = \frac1n \sum_i \big(\sigma(z_i) - y_i\big)\, x_i +
# \nu\theta$, where $x_i^\top$ is row $i$ of $X$. Differentiate it once more:
# $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ and $\partial z_i/\partial \theta = x_i$, so
# the term $i$ contributes $\sigma'(z_i)\, x_i x_i^\top$, and
#
# $$
# \begin{aligned}
# \nabla^2 f(\theta) &= \frac1n \sum_{i=1}^n S_{ii}\, x_i x_i^\top + \nu I \\
# &= \frac1n X^\top S X + \nu I,
# \end{aligned}
# $$
#
# with the diagonal matrix $S = \operatorname{diag}(S_{11}, \dots, S_{nn})$ of the
# weights
#
# $$
# S_{ii} = \sigma(z_i)\big(1 - \sigma(z_i)\big).
# $$
#
# For any $s$, $s^\top X^\top S X s = \sum_i S_{ii} (x_i^\top s)^2 \ge 0$ because every
# $S_{ii} \in (0, \tfrac14]$: the Hessian is positive semidefinite for $\nu = 0$ (the
# loss is convex), and adding $\nu I$ raises every eigenvalue by $\nu$, so they are all
# at least $\nu$ (the loss is $\nu$-strongly convex).

# %%
def logistic_hess(theta):
    s = sigmoid(Xc @ theta)
    return (Xc.T * (s * (1 - s))) @ Xc / n_c + nu * np.eye(len(theta))


theta = rng.normal(scale=0.1, size=Xc.shape[1])
H_formula = logistic_hess(theta)
H_diff = hess_from_grad(grad_correct, theta)
eig = np.linalg.eigvalsh(H_formula)
rel_h = np.linalg.norm(H_diff - H_formula) / np.linalg.norm(H_formula)
print("formula equals LogisticRegression.hess:",
      np.allclose(H_formula, model.hess(theta)))
print("centred differences of the gradient agree to 1e-6 (relative):", rel_h < 1e-6)
print(f"eigenvalues from {eig.min():.4f} to {eig.max():.4f}; all >= nu = {nu}:",
      bool(eig.min() >= nu - 1e-12))

# %%
assert np.allclose(H_formula, model.hess(theta)) and rel_h < 1e-6
assert eig.min() >= nu - 1e-12

# %% [markdown]
# The smallest eigenvalue sits at $\nu$ to the printed digits: with 31 standardized
# columns, some directions of $\theta$ barely change the logits, and there the penalty
# supplies all the curvature.
#
# ```{solution-end}
# ```
#
# ```{exercise} Rosenbrock's minimum and its condition number
# :label: ex-dg-rosenbrock-hessian
# Derive the Hessian of Rosenbrock's function $f(\theta) = (1 - \theta_1)^2 +
# 100\,(\theta_2 - \theta_1^2)^2$, show that $(1, 1)$ satisfies the second-order
# sufficient condition, and compute the condition number of the Hessian there. What does
# it say about the shape of the valley?
# ```
#
# ```{solution-start} ex-dg-rosenbrock-hessian
# :class: dropdown
# ```
#
# From the gradient of the first exercise,
#
# $$
# \begin{aligned}
# H(\theta) &= \begin{pmatrix} H_{11} & -400\,\theta_1 \\
# -400\,\theta_1 & 200 \end{pmatrix}, \\
# H_{11} &= 1200\,\theta_1^2 - 400\,\theta_2 + 2,
# \end{aligned}
# $$
#
# so that
#
# $$
# H(1, 1) = \begin{pmatrix} 802 & -400 \\ -400 & 200 \end{pmatrix}.
# $$
#
# The gradient vanishes at $(1, 1)$. $H(1, 1)$ has trace $1002$ and determinant $802
# \cdot 200 - 400^2 = 400 > 0$, so both eigenvalues are positive: a strict local minimum
# (and the global one, since $f \ge 0 = f(1, 1)$). They are $\lambda = 501 \pm
# \sqrt{501^2 - 400}$, about $1001.6$ and $0.3994$, so $\kappa \approx 2508$: the level
# sets near the minimum are ellipses about $\sqrt{2508} \approx 50$ times longer than
# wide, the famous curved, narrow valley.

# %%
def rosen_hess(t):
    return np.array([[1200 * t[0] ** 2 - 400 * t[1] + 2, -400 * t[0]],
                     [-400 * t[0], 200.0]])


H_min = rosen_hess(np.array([1.0, 1.0]))
lam_r = np.linalg.eigvalsh(H_min)
print("H(1, 1) =\n", H_min)
print(f"eigenvalues {lam_r[0]:.4f} and {lam_r[1]:.1f}, "
      f"kappa = {lam_r[1] / lam_r[0]:.0f}, "
      f"axis ratio sqrt(kappa) = {np.sqrt(lam_r[1] / lam_r[0]):.1f}")

# %%
theta = rng.uniform(-2, 2, size=2)
assert np.allclose(rosen_hess(theta), Rosenbrock().hess(theta))
assert np.allclose(rosen_hess(theta), hess_from_grad(rosen_grad, theta), rtol=1e-6)
assert np.allclose(rosen_grad(np.array([1.0, 1.0])), 0) and np.all(lam_r > 0)
assert round(lam_r[1] / lam_r[0]) == 2508

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Steepest descent with a Lagrange multiplier
# :label: ex-dg-lagrange
# Derive the steepest-descent direction in the norm $\|u\|_P$ a second way: minimize
# $g^\top u$ subject to $u^\top P u = 1$ with a Lagrange multiplier. Then show that
# gradient descent on the rescaled parameters $\omega = P^{1/2}\theta$ takes, in the
# original coordinates, the step $-\alpha P^{-1}\nabla f(\theta)$.
# ```
#
# ```{solution-start} ex-dg-lagrange
# :class: dropdown
# ```
#
# Stationarity of $g^\top u + \tfrac{\gamma}{2}(u^\top P u - 1)$ in $u$ gives $g +
# \gamma P u = 0$, so $u = -P^{-1} g / \gamma$. The constraint fixes $\gamma^2 = g^\top
# P^{-1} g$, and the sign that makes $g^\top u$ negative is $\gamma = +\sqrt{g^\top
# P^{-1} g}$: $u = -P^{-1} g / \sqrt{g^\top P^{-1} g}$, as in the chapter. For the
# second part, write $\tilde f(\omega) = f(P^{-1/2}\omega)$. The chain rule gives
# $\nabla \tilde f(\omega) = P^{-1/2}\nabla f(\theta)$, so the step $\omega \leftarrow
# \omega - \alpha \nabla\tilde f(\omega)$ moves $\theta = P^{-1/2}\omega$ by $-\alpha
# P^{-1/2} P^{-1/2}
# \nabla f(\theta) = -\alpha P^{-1} \nabla f(\theta)$. Preconditioning with $P$ *is*
# gradient descent in rescaled coordinates. A numerical check with the ill-conditioned
# quadratic of the chapter and $P = \operatorname{diag}(A)$:

# %%
P = np.diag(np.diag(A_ill))
P_half_inv = np.diag(1 / np.sqrt(np.diag(A_ill)))
theta = np.array([3.0, -2.0])
grad_ill = lambda t: A_ill @ (t - theta_min)  # noqa: E731
omega = np.sqrt(np.diag(A_ill)) * theta
omega_next = omega - 0.1 * P_half_inv @ grad_ill(P_half_inv @ omega)  # GD on omega
theta_next = theta - 0.1 * np.linalg.solve(P, grad_ill(theta))  # preconditioned GD
print("the two steps agree:", np.allclose(P_half_inv @ omega_next, theta_next))
assert np.allclose(P_half_inv @ omega_next, theta_next)

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# The finite-difference error analysis follows {cite:t}`nocedal2006` (chapter 8) and
# {cite:t}`higham2002`; the gradient as the direction of steepest ascent and gradient
# checking in practice are discussed by {cite:t}`goodfellow2016`. Himmelblau's function
# is from {cite:t}`himmelblau1972`, the breast-cancer data from {cite:t}`street1993`.
# The Hessian, the optimality conditions and the eigenvalue view of quadratics follow
# {cite:t}`nocedal2006` (chapter 2); steepest descent in a quadratic norm is section 9.4
# of {cite:t}`boyd2004`. Full entries are in the {doc}`../appendix/bibliography`.
