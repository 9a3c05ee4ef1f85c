# %% [markdown]
# # Derivatives and gradients, and how to check them
#
# Gradient descent needs one thing from a loss: its gradient. This chapter builds that object from the
# ground up (the derivative as a slope, partial derivatives, the gradient as a vector) and proves on the
# page the two facts the rest of the book leans on: the gradient points in the direction of steepest
# ascent, and it is perpendicular to the contour lines. The second half is about trust. A gradient written
# by hand is easy to get wrong, and a wrong gradient does not crash: it silently trains badly or not at all.
# Finite differences give an independent estimate; we measure how accurate they can be, and use
# `gdlearn`'s gradient checker to catch a planted sign error.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - compute partial derivatives and the gradient of a function of several variables by hand;
# - explain, and verify numerically, why the gradient is the direction of steepest ascent and why it is
#   perpendicular to the contours;
# - compute a directional derivative as $\nabla f \cdot u$;
# - choose the step $h$ of a finite difference and predict the best accuracy it can reach;
# - check a hand-written gradient with `gdlearn.gradcheck.check_grad` and read its relative error,
#   including the spurious failures caused by kinks such as ReLU.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer

import gdlearn
from gdlearn.data import add_bias, standardize
from gdlearn.gradcheck import check_grad, numerical_grad
from gdlearn.models import LogisticRegression, sigmoid
from gdlearn.objectives import Himmelblau, Rosenbrock
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
# f(x) = \frac{1}{1 + x^2}.
# $$
#
# The straight line through the points $(x, f(x))$ and $(x + h, f(x + h))$ is a *secant*; its slope is the
# difference quotient $\frac{f(x + h) - f(x)}{h}$. As $h$ shrinks, the secant turns into the *tangent*,
# and its slope into the **derivative**
#
# $$
# f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}.
# $$
#
# The quotient rule gives $f'(x) = -\dfrac{2x}{(1 + x^2)^2}$, so $f'(1) = -\tfrac12$: at $x = 1$ the curve
# falls by half a unit per unit step to the right. The secant slopes approach that number, and their error
# shrinks in proportion to $h$:

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
# The last column settles near $0.25$: the error is about $0.25\,h$. That constant is $\tfrac12 |f''(1)|$,
# as Taylor's theorem predicts below ($f''(1) = \tfrac12$).

# %%
xs = np.linspace(-3, 3, 400)
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.plot(xs, f(xs), color="k", lw=2.5, label=r"$f(x) = 1/(1+x^2)$")
for h, color, ls, marker in [(1.5, "C0", "--", "s"), (0.7, "C1", "-.", "^")]:
    slope = (f(x0 + h) - f(x0)) / h
    ax.plot(xs, f(x0) + slope * (xs - x0), color=color, ls=ls, label=f"secant, h = {h}")
    ax.plot([x0 + h], [f(x0 + h)], marker, color=color, ms=8)
ax.plot(xs, f(x0) + df(x0) * (xs - x0), color="C2", ls=":", lw=3,
        label="tangent, slope $f'(1) = -0.5$")
ax.plot([x0], [f(x0)], "ko", ms=8)
ax.set_ylim(-0.3, 1.3)
ax.set_xlabel("x")
ax.set_ylabel("f(x)")
ax.set_title("Secants turn into the tangent as h shrinks")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# *The figure shows the bell curve, one over one plus x squared, as a solid black line; two secant
# lines through the point at x = 1 and a point h to the right (h = 1.5, dashed with a square marker, and
# h = 0.7, dash-dotted with a triangle marker); and the dotted tangent line at x = 1. The secant with
# the smaller h lies closer to the tangent.*
#
# ## Partial derivatives and the gradient
#
# A loss depends on many parameters. Fix all of them but one and it becomes a function of one variable,
# whose derivative is a **partial derivative**. For a function of two variables,
#
# $$
# \begin{aligned}
# \frac{\partial f}{\partial x_1}(x) &= \lim_{h\to 0}\frac{f(x_1 + h, x_2) - f(x_1, x_2)}{h}, \\
# \frac{\partial f}{\partial x_2}(x) &= \lim_{h\to 0}\frac{f(x_1, x_2 + h) - f(x_1, x_2)}{h}.
# \end{aligned}
# $$
#
# Stacking all partial derivatives gives the **gradient**, a vector with one entry per parameter:
#
# $$
# \nabla f(x) = \left(\frac{\partial f}{\partial x_1}(x), \dots,
# \frac{\partial f}{\partial x_d}(x)\right)^{\top}.
# $$
#
# Our running example is Himmelblau's function {cite}`himmelblau1972`, which has four minima:
#
# $$
# f(x_1, x_2) = (x_1^2 + x_2 - 11)^2 + (x_1 + x_2^2 - 7)^2 .
# $$
#
# The chain rule, applied to each square, gives
#
# $$
# \begin{aligned}
# \frac{\partial f}{\partial x_1} &= 4x_1\,(x_1^2 + x_2 - 11) + 2\,(x_1 + x_2^2 - 7), \\
# \frac{\partial f}{\partial x_2} &= 2\,(x_1^2 + x_2 - 11) + 4x_2\,(x_1 + x_2^2 - 7).
# \end{aligned}
# $$
#
# We type these formulas in and compare them with `gdlearn`'s `Himmelblau` object, and with one-variable
# difference quotients in which the other coordinate is frozen:

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
# Near a point $x$, a smooth function is almost linear (Taylor's theorem to first order):
#
# $$
# f(x + v) = f(x) + \nabla f(x)\cdot v + O(\|v\|^2).
# $$
#
# A short step $v$ *along* a contour line does not change $f$, so $\nabla f(x)\cdot v \approx 0$: the
# gradient is perpendicular to the contour through $x$. The figure draws the gradient's direction (arrows
# scaled to equal length) over the contour map.

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
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_aspect("equal")
ax.legend(loc="lower left", framealpha=0.9)
plt.show()


# %% [markdown]
# *The figure shows the contour lines of Himmelblau's function on the square from −5 to 5, with its four
# minima marked by stars, and a grid of orange arrows of equal length pointing in the gradient's
# direction: each arrow crosses the contour lines at a right angle and points away from the nearest
# minimum, uphill.*
#
# The picture is convincing; a number is better. We find the contour's direction *without* using the
# gradient: on a small circle of radius $r$ around a point $x$, the contour through $x$ enters at one
# point and leaves at another, where $f$ takes the value $f(x)$ again. Bisection locates those two
# points; the chord between them is, up to $O(r)$, the tangent of the contour. Its cosine with the
# gradient should vanish. We test 20 random points (skipping any within a small distance of a stationary
# point, where the gradient is zero and the contour has no direction).

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


cosines = []
while len(cosines) < 20:
    x = rng.uniform(-4.5, 4.5, size=2)
    g = himmelblau.grad(x)
    if np.linalg.norm(g) < 1.0:
        continue
    t = contour_tangent(himmelblau.value, x)
    cosines.append(abs(t @ g) / np.linalg.norm(g))
print("largest |cos(angle between gradient and contour tangent)| over 20 points: "
      f"{max(cosines):.1e}")
assert max(cosines) < 1e-2

# %% [markdown]
# All 20 angles are right angles to within the $O(r)$ error of the chord.
#
# ## Directional derivatives and steepest ascent
#
# How fast does $f$ change if we walk from $x$ in the direction of a unit vector $u$? That rate is the
# **directional derivative**
#
# $$
# D_u f(x) = \lim_{t\to 0}\frac{f(x + t u) - f(x)}{t} = \nabla f(x)\cdot u ,
# $$
#
# where the second equality follows from the first-order Taylor expansion above with $v = t u$. Partial
# derivatives are the special case $u = e_i$. We check the formula against a centred difference along a
# few random directions:

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
# Which direction climbs fastest? By the Cauchy–Schwarz inequality,
# $\nabla f \cdot u \le \|\nabla f\|\,\|u\| = \|\nabla f\|$, with equality exactly when $u$ points along
# the gradient. So $u^\star = \nabla f / \|\nabla f\|$ is the direction of **steepest ascent**, the rate
# of climb along it is $\|\nabla f\|$, and $-u^\star$ is the direction of steepest descent, the one gradient
# descent takes. Ten thousand random directions cannot beat it:

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
# The best random direction comes close only because it happens to lie within a fraction of a degree of
# the gradient.
#
# ## Analytic and numerical gradients
#
# There are two ways to obtain a gradient on a computer.
#
# - **Analytic**: derive the formula by hand (or let automatic differentiation apply the chain rule) and
#   evaluate it. Exact up to rounding, and cheap: for the models in this book the gradient costs a small
#   multiple of one loss evaluation, however many parameters there are.
# - **Numerical**: approximate each partial derivative by a difference quotient. No derivation needed,
#   so no derivation can be wrong, but it costs $d$ or $2d$ loss evaluations for $d$ parameters, and it
#   is only approximate.
#
# Training uses the analytic gradient; the numerical one is for *testing* it. To test well we need to
# know how accurate a difference quotient can be.
#
# ## How small should h be?
#
# Taylor's theorem says how far the two standard difference quotients are from $f'(x)$:
#
# $$
# \begin{aligned}
# \underbrace{\frac{f(x+h) - f(x)}{h}}_{\text{forward}} &= f'(x) + \frac{h}{2} f''(\xi), \\
# \underbrace{\frac{f(x+h) - f(x-h)}{2h}}_{\text{centred}} &= f'(x) + \frac{h^2}{6} f'''(\eta).
# \end{aligned}
# $$
#
# This **truncation error** is $O(h)$ for the forward and $O(h^2)$ for the centred difference, so smaller
# $h$ looks better. But the computer stores $f(x\pm h)$ with a relative **rounding error** of about the
# machine epsilon $\varepsilon = 2^{-52} \approx 2.2\times10^{-16}$, and subtracting two nearly equal numbers
# keeps that absolute error while dividing by the small $h$ {cite}`higham2002`. The total error is about
#
# $$
# \begin{aligned}
# E_{\text{fwd}}(h) &\approx \frac{h}{2}|f''| + \frac{2\varepsilon |f|}{h}, \\
# E_{\text{cen}}(h) &\approx \frac{h^2}{6}|f'''| + \frac{\varepsilon |f|}{h}.
# \end{aligned}
# $$
#
# Minimizing over $h$ gives $h^\star_{\text{fwd}} = 2\sqrt{\varepsilon |f|/|f''|}$ and
# $h^\star_{\text{cen}} = (3\varepsilon |f|/|f'''|)^{1/3}$: for a function whose value and derivatives are of
# order one, $h^\star \approx \sqrt{\varepsilon} \approx 10^{-8}$ (forward) and
# $h^\star \approx \varepsilon^{1/3} \approx 6\times10^{-6}$ (centred) {cite}`nocedal2006`. The best errors
# are then about $\sqrt{\varepsilon}\approx 10^{-8}$ and $\varepsilon^{2/3} \approx 4\times 10^{-11}$.
#
# We measure this on the bell curve, averaging the relative error over 101 points $x \in [1.5, 2.5]$ for
# each $h$ on a 1–2–5 grid from $0.5$ down to $10^{-15}$. (The bell curve uses only $+$, $\times$ and $/$,
# which IEEE arithmetic rounds the same way on every machine, so the measured curve is reproducible bit
# for bit.)

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
# Both optima sit where the theory puts them, within a factor of two. The centred difference is not only
# more accurate at its best $h$ (below $10^{-10}$ against about $10^{-8}$, between $10^{-9}$ and
# $10^{-7}$), it is also far less sensitive to the
# choice: any $h$ between $10^{-4}$ and $10^{-7}$ keeps it below $10^{-8}$. That is why gradient checkers,
# `gdlearn`'s included, use centred differences with $h \approx 10^{-6}$.

# %%
fig, ax = plt.subplots(figsize=(7, 5.5))
ax.loglog(hs, err_fwd, "o-", color="C0", ms=5, label="forward difference (measured)")
ax.loglog(hs, err_cen, "s-", color="C1", ms=5, label="centred difference (measured)")
ax.loglog(hs, hs / 2 + 2 * eps / hs, color="C0", ls=":",
          label=r"model $h/2 + 2\varepsilon/h$")
ax.loglog(hs, hs**2 / 6 + eps / hs, color="C1", ls="-.",
          label=r"model $h^2/6 + \varepsilon/h$")
ax.axvline(theory["forward"], color="C0", lw=1.2, ls="--",
           label=r"$\sqrt{\varepsilon}$")
ax.axvline(theory["centred"], color="C1", lw=1.2, ls=(0, (1, 2)),
           label=r"$\varepsilon^{1/3}$")
ax.set_ylim(1e-13, 1)
ax.set_xlabel("step h")
ax.set_ylabel("mean relative error")
ax.set_title("Truncation error falls with h, rounding error grows")
ax.legend(loc="lower left", ncol=2, fontsize=10)
plt.show()


# %% [markdown]
# *The figure shows, on log–log axes, the mean relative error of the forward difference (circles) and
# the centred difference (squares) against the step h, from 0.5 down to 10 to the power −15. Each curve
# is V-shaped: on the right it falls with slope 1 (forward) or 2 (centred), the truncation error; on the
# left it rises with slope −1, the rounding error. The model curves with unit constants (dotted for
# forward, dash-dotted for centred) follow the measurements, and two vertical lines mark the square
# root of machine epsilon (dashed) and its cube root (dotted), where the two V's bottom out.*
#
# ## Gradient checking
#
# A gradient check compares an analytic gradient with a centred-difference one at some point and reports
# a **relative error**. `gdlearn.gradcheck.check_grad` uses
#
# $$
# \text{rel} = \frac{\|a - n\|}{\|a\| + \|n\|},
# $$
#
# with $a$ the analytic and $n$ the numerical gradient. It is scale-free and lies between 0 and 1; a
# gradient with the wrong sign gives exactly 1. The usual reading in double precision is:
#
# | relative error | reading |
# | --- | --- |
# | above $10^{-2}$ | the gradient is wrong |
# | $10^{-4}$ to $10^{-2}$ | suspicious: probably a bug, perhaps a kink |
# | $10^{-7}$ to $10^{-4}$ | fine for functions with kinks, worrying otherwise |
# | below $10^{-7}$ | correct |

# %%
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
# Our test subject is logistic regression on the Wisconsin breast-cancer data {cite}`street1993`: 569
# tumours, 30 standardized measurements plus an intercept, label 1 for benign. With logits $z = Xw$ the
# loss with an L2 penalty is
#
# $$
# \begin{aligned}
# J(w) &= \frac1n\sum_{i=1}^{n}\big[\log(1 + e^{z_i}) - y_i z_i\big] + \frac{\lambda}{2}\|w\|^2, \\
# \nabla J(w) &= \frac1n X^\top\big(\sigma(z) - y\big) + \lambda w ,
# \end{aligned}
# $$
#
# (the next chapter, {doc}`../part2/loss_functions`, derives the gradient). We write the loss and three gradients:
# the correct one, one with the **sign error** $y - \sigma(z)$ that turns descent into ascent, and one that
# differentiates the penalty as $2\lambda w$ instead of $\lambda w$.

# %%
cancer = load_breast_cancer()
Xc = add_bias(standardize(cancer.data)[0])
yc = cancer.target.astype(float)
lam = 0.1
n_c = len(yc)


def loss(w):
    z = Xc @ w
    return np.mean(np.logaddexp(0.0, z) - yc * z) + 0.5 * lam * (w @ w)


def grad_correct(w):
    return Xc.T @ (sigmoid(Xc @ w) - yc) / n_c + lam * w


def grad_sign_error(w):
    return Xc.T @ (yc - sigmoid(Xc @ w)) / n_c + lam * w


def grad_penalty_twice(w):
    return Xc.T @ (sigmoid(Xc @ w) - yc) / n_c + 2 * lam * w


model = LogisticRegression(Xc, yc, l2=lam)
w_rand = rng.normal(scale=0.1, size=Xc.shape[1])

print(f"{'gradient':<18} {'at w = 0':>22}   {'at a random w':>26}")
checks = {}
for name, grad in [("correct", grad_correct), ("sign error", grad_sign_error),
                   ("penalty 2*lam*w", grad_penalty_twice)]:
    at_zero = check_grad(loss, grad, np.zeros(Xc.shape[1]))
    at_rand = check_grad(loss, grad, w_rand)
    checks[name] = (at_zero, at_rand)
    print(f"{name:<18} {show(at_zero.rel_error):>9} {reading(at_zero.rel_error):>12}   "
          f"{show(at_rand.rel_error):>9} {reading(at_rand.rel_error):>16}")

# %%
assert np.isclose(model.value(w_rand), loss(w_rand))        # our loss is gdlearn's
assert np.allclose(model.grad(w_rand), grad_correct(w_rand))
for at_zero, at_rand in checks.values():  # what `show` prints as "< 1e-8" is below it
    assert all(c.rel_error >= 1e-6 or c.rel_error < 1e-8 for c in (at_zero, at_rand))
assert checks["correct"][1].passed and checks["correct"][1].rel_error < 1e-8
assert not checks["sign error"][1].passed and checks["sign error"][1].rel_error > 1e-2
assert checks["penalty 2*lam*w"][0].passed          # invisible at w = 0 ...
assert not checks["penalty 2*lam*w"][1].passed      # ... caught at a random point

# %% [markdown]
# Three lessons in one table. The correct gradient agrees to better than $10^{-8}$ (on this machine,
# about $10^{-10}$; the exact digits are round-off and differ between machines). The sign error gives a
# relative error of 1 (exactly 1 at $w = 0$, where the whole gradient is negated; just under 1 elsewhere,
# where the penalty term keeps its sign), as wrong as a gradient can be. And the penalty bug **passes at
# $w = 0$**, because there $\lambda w = 2\lambda w = 0$: check gradients at a random point, never at a
# special one such as zero, where whole terms vanish. The checker's report names the worst coordinates:

# %%
print(checks["sign error"][1].report())

# %% [markdown]
# A numerical gradient costs two loss evaluations per parameter, here $2 \times 31 = 62$:

# %%
calls = []
numerical_grad(lambda w: calls.append(1) or loss(w), w_rand)
print(f"loss evaluations for one numerical gradient: {len(calls)}")
assert len(calls) == 2 * Xc.shape[1]

# %% [markdown]
# That is affordable for a check and unaffordable for training a model with millions of parameters;
# for large models, check a random subset of coordinates, or a few random directional derivatives
# (exercise below).
#
# ## Kinks make checks fail spuriously
#
# A finite difference assumes the function is smooth between $x - h$ and $x + h$. At a **kink** (the
# corner of $|x|$ or of the ReLU $\max(x, 0)$) the centred difference averages the slopes on both sides
# and disagrees with any single "derivative" the code returns. Here are two correct gradients evaluated at
# points with one coordinate on a kink or within $h$ of one:

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
    c = check_grad(fun, grad, v)
    print(f"{label:<13} analytic {c.analytic[2]:4.1f}  "
          f"numerical {c.numerical[2]:5.3f}  rel error {c.rel_error:.1e} "
          f"-> {reading(c.rel_error)}")
    assert not c.passed
c_small = check_grad(relu, relu_grad, v_near, h=1e-8)
print(f"ReLU at 3e-7 with h = 1e-8: rel error < 1e-7: {c_small.rel_error < 1e-7} "
      f"-> {reading(c_small.rel_error)}")
c_zero = check_grad(relu, relu_grad, v_kink, h=1e-10)
print(f"ReLU at 0 with h = 1e-10:   rel error {c_zero.rel_error:.1e} "
      f"-> {reading(c_zero.rel_error)}")

# %%
assert c_small.passed and c_small.rel_error < 1e-7
assert not c_zero.passed

# %% [markdown]
# All three gradients are right away from the kink, and all three checks fail. A smaller $h$ fixes the
# near miss, because the interval $[x - h, x + h]$ no longer straddles the corner, but nothing fixes the
# point exactly on it. In a network with ReLU units a few of thousands of pre-activations may land within
# $h$ of zero, so a relative error around $10^{-4}$ can be harmless; look at the per-coordinate report
# (`check.worst`) before concluding there is a bug.
#
# ## Key points
#
# - The derivative is the limit of secant slopes; a partial derivative freezes all variables but one;
#   the **gradient** stacks the partial derivatives.
# - The directional derivative along a unit vector $u$ is $\nabla f\cdot u$. By Cauchy–Schwarz it is
#   largest for $u = \nabla f/\|\nabla f\|$: the gradient is the direction of steepest ascent, with rate
#   $\|\nabla f\|$, and it is perpendicular to the contour lines (both verified numerically above).
# - Forward differences have error $O(h) + O(\varepsilon/h)$, best near $h \approx \sqrt\varepsilon
#   \approx 10^{-8}$; centred differences $O(h^2) + O(\varepsilon/h)$, best near $h \approx
#   \varepsilon^{1/3}$, with error around $10^{-11}$. We measured both optima within a factor 2 of theory.
# - Check every hand-written gradient with centred differences at a *random* point. Relative error above
#   $10^{-2}$: wrong; below $10^{-7}$: correct. A negated gradient gives exactly 1.
# - Kinks (ReLU, $|x|$) make correct gradients fail the check when a coordinate sits within $h$ of a corner.
#
# ## Exercises
#
# ```{exercise} The Rosenbrock gradient by hand
# :label: ex-dg-rosenbrock
# Derive the gradient of Rosenbrock's function $f(x_1, x_2) = (1 - x_1)^2 + 100\,(x_2 - x_1^2)^2$, type it
# in, and check it with `check_grad` at a random point. Compare it with `gdlearn.objectives.Rosenbrock`.
# ```
#
# ```{solution-start} ex-dg-rosenbrock
# :class: dropdown
# ```
#
# The chain rule gives $\partial f/\partial x_1 = -2(1 - x_1) - 400\,x_1(x_2 - x_1^2)$ and
# $\partial f/\partial x_2 = 200\,(x_2 - x_1^2)$.

# %%
def rosen(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def rosen_grad(x):
    return np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2),
                     200 * (x[1] - x[0] ** 2)])


x_test = rng.uniform(-2, 2, size=2)
c = check_grad(rosen, rosen_grad, x_test)
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
# $f(x + ih) = f(x) + ih f'(x) - \tfrac{h^2}{2} f''(x) + \dots$, so $f'(x) \approx \operatorname{Im} f(x + ih)/h$.
# There is no subtraction, hence no cancellation. Measure its error on the bell curve for
# $h = 10^{-4}, 10^{-8}, 10^{-20}$ and compare with the best centred difference.
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
# The complex step has truncation error $O(h^2)$ (at $h = 10^{-4}$ the error is $0.23\,h^2$) but no
# rounding penalty for small $h$: with $h = 10^{-8}$ or $10^{-20}$ it is exact to machine precision,
# more than a thousand times more accurate than the best centred difference. It needs
# code that works on complex numbers (no `abs`, no comparisons), which is why gradient checkers rarely use it.
#
# ```{solution-end}
# ```
#
# ```{exercise} A cheap check along random directions
# :label: ex-dg-directional
# For a model with a million parameters, $2d$ loss evaluations are too many. Instead compare
# $\nabla J(w)\cdot u$ with $\frac{J(w + hu) - J(w - hu)}{2h}$ for a handful of random unit vectors $u$.
# Does this catch the sign error and the penalty bug in the logistic-regression gradient above? How many
# loss evaluations does it use?
# ```
#
# ```{solution-start} ex-dg-directional
# :class: dropdown
# ```

# %%
def directional_check(fun, grad, w, n_dirs=3, h=1e-6):
    worst = 0.0
    for _ in range(n_dirs):
        u = rng.normal(size=w.shape)
        u /= np.linalg.norm(u)
        a = grad(w) @ u
        num = (fun(w + h * u) - fun(w - h * u)) / (2 * h)
        worst = max(worst, abs(a - num) / max(abs(a) + abs(num), 1e-12))
    return worst


for name, grad in [("correct", grad_correct), ("sign error", grad_sign_error),
                   ("penalty 2*lam*w", grad_penalty_twice)]:
    rel = directional_check(loss, grad, w_rand)
    print(f"{name:<18} worst relative error over 3 directions {show(rel):>7} "
          f"-> {reading(rel)}")
    assert (rel < 1e-8) == (name == "correct") and (rel < 1e-8 or rel >= 1e-6)

# %% [markdown]
# Three directions, six loss evaluations instead of 62, and both bugs are caught. A directional check
# can miss a bug only if every $u$ happens to be nearly perpendicular to the error $a - n$, which random
# directions almost never are.
#
# ```{solution-end}
# ```
#
# ## References
#
# The finite-difference error analysis follows {cite:t}`nocedal2006` (chapter 8) and
# {cite:t}`higham2002`; the gradient as the direction of steepest ascent and gradient checking in
# practice are discussed by {cite:t}`goodfellow2016`. Himmelblau's function is from
# {cite:t}`himmelblau1972`, the breast-cancer data from {cite:t}`street1993`. Full entries are in the
# {doc}`../appendix/bibliography`.
