# %% [markdown]
# # Convexity, smoothness and convergence rates
#
# The previous chapter, {doc}`update_rule`, worked out on quadratic bowls how fast gradient descent shrinks
# the error. This chapter says *which* functions behave like that and proves how fast gradient descent
# converges on them. Two properties carry the whole theory: **convexity** (the function has no dents, so
# every point where the gradient vanishes is a global minimum) and **smoothness** (the gradient does not
# change faster than a known constant $L$). Add **strong convexity** (the function curves up at least at rate
# $\mu$) and the error shrinks by a constant factor per step. Each rate is derived, then measured on the
# iterates of `gdlearn`, and the notebook asserts that measurement and theory agree. The chapter ends where
# the guarantees stop: on non-convex functions. The symbols follow the book's {doc}`../notation` page: the
# parameters are $\theta$, the iterates $\theta_k$, a minimizer $\theta^\star$, and $g_k = \nabla f(\theta_k)$.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - state the definitions of a convex set, a convex function, $L$-smoothness and $\mu$-strong convexity, and
#   check them on a picture and with the Hessian;
# - derive the $O(1/k)$ bound $f(\theta_k) - f^\star \le L\|\theta_0 - \theta^\star\|^2/(2k)$ for gradient descent with step $1/L$;
# - derive the linear rates $(\kappa-1)/(\kappa+1)$ (step $2/(L+\mu)$) and $1 - 1/\kappa$ (step $1/L$) for every
#   strongly convex, smooth function, compare them with the weaker PL bound on the gap, and turn a
#   rate into the number of steps per digit of accuracy;
# - measure a convergence rate from iterates and compare it with the theory;
# - recognise what is lost without convexity, and the one guarantee that remains.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer

from gdlearn.data import add_bias, standardize
from gdlearn.loop import minimize
from gdlearn.models import LogisticRegression
from gdlearn.objectives import Quadratic, Rastrigin
from gdlearn.optim import SGD, Newton
from gdlearn.plot import use_book_style

use_book_style()
np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)


# %% [markdown]
# ## Convex sets and convex functions
#
# A set $\mathcal{C} \subseteq \mathbb{R}^d$ is **convex** if the segment between any two of its points stays
# inside it: for all $\theta, \theta' \in \mathcal{C}$ and $t \in [0, 1]$,
#
# $$
# t \theta + (1-t) \theta' \in \mathcal{C} .
# $$
#
# A function $f$ on a convex set is **convex** if every chord lies on or above its graph: for all
# $\theta, \theta'$ and $t \in [0, 1]$,
#
# $$
# f\big(t \theta + (1-t) \theta'\big) \le t f(\theta) + (1-t) f(\theta') .
# $$
#
# For a differentiable $f$ this is equivalent to the graph lying above each of its tangent planes: for all
# $\theta, \theta'$,
#
# $$
# f(\theta') \ge f(\theta) + \nabla f(\theta)^\top (\theta' - \theta) ,
# $$
#
# and for a twice-differentiable $f$ to a positive semidefinite Hessian (all eigenvalues $\ge 0$; the
# Hessian and its eigen-decomposition are introduced in {ref}`dg-hessian` and {ref}`dg-eigen`),
# $\nabla^2 f(\theta) \succeq 0$ everywhere
# {cite:p}`boyd2004`. The tangent-plane form gives the property optimizers care about: if $\nabla f(\theta) = 0$
# then $f(\theta') \ge f(\theta)$ for every $\theta'$, so **every stationary point of a convex function is a
# global minimum**. Two more facts follow directly from the definitions: the sublevel sets
# $\{\theta : f(\theta) \le \gamma\}$ of a convex function are convex sets (for every level $\gamma$), and so is
# the set of its minimizers.
#
# We test the chord inequality on a convex function, $f(\theta) = \log\cosh \theta$, and on a tilted double well,
# $u(\theta) = (\theta^2 - 1)^2 + 0.3\theta$, at many random pairs $\theta, \theta'$ and weights $t$, and report whether, and by how much,
# the graph rises above a chord (any rise means the inequality fails).

# %%
def logcosh(x):
    return np.logaddexp(x, -x) - np.log(2.0)


def well(x):
    return (x**2 - 1) ** 2 + 0.3 * x


def chord_violation(f, n=20_000):
    """Largest f(t a + (1-t) b) - [t f(a) + (1-t) f(b)] over random a, b in [-2, 2]
    and t in [0, 1]."""
    a, b = rng.uniform(-2, 2, size=(2, n))
    t = rng.uniform(0, 1, size=n)
    return np.max(f(t * a + (1 - t) * b) - (t * f(a) + (1 - t) * f(b)))


v_convex, v_well = chord_violation(logcosh), chord_violation(well)
print("log cosh:    graph never rises above a chord (up to rounding):",
      bool(v_convex <= 1e-12))
print(f"double well: largest rise above a chord {v_well:.3f}")
assert v_convex <= 1e-12 and v_well > 0.5

# %%
fig, axes = plt.subplots(2, 2, figsize=(7.5, 7))
xs = np.linspace(-2.5, 2.5, 400)

ax = axes[0, 0]
a, b, t0 = -2.0, 1.5, 0.8
ax.plot(xs, logcosh(xs), color="C0", label=r"$\log\cosh \theta$")
ax.plot([a, b], [logcosh(a), logcosh(b)], "o-", color="C1", label="chord (above)")
slope = np.tanh(t0)
ax.plot(xs, logcosh(t0) + slope * (xs - t0), "--", color="C2", label="tangent (below)")
ax.set_ylim(-0.6, 2.2)
ax.set_title("A convex function")
ax.set_xlabel("θ")
ax.set_ylabel("f(θ)")
ax.legend(fontsize=10, loc="upper center")

ax = axes[0, 1]
ax.plot(xs, well(xs), color="C0", label=r"$(\theta^2-1)^2 + 0.3\theta$")
ax.plot([-1, 1], [well(-1.0), well(1.0)], "o-", color="C3",
        label="chord (partly below)")
ax.set_ylim(-0.6, 3)
ax.set_title("A non-convex function")
ax.set_xlabel("θ")
ax.set_ylabel("u(θ)")
ax.legend(fontsize=10, loc="upper center")

g1, g2 = np.meshgrid(np.linspace(-2, 2, 300), np.linspace(-1.5, 1.5, 300))
bowl_values = 0.5 * (g1**2 + 4 * g2**2)
well_values = (g1**2 - 1) ** 2 + g2**2
panels = [
    (axes[1, 0], bowl_values, 1.0, ((-1.2, -0.3), (0.8, 0.5)), "A convex set"),
    (axes[1, 1], well_values, 0.5, ((-1.0, 0.0), (1.0, 0.0)), "A non-convex set"),
]
for (ax, values, level, (p, q), title), color in zip(panels, ["C2", "C3"], strict=True):
    ax.contourf(g1, g2, values, levels=[values.min(), level], colors=["0.8"])
    ax.contour(g1, g2, values, levels=[level], colors=["0.3"], linewidths=1)
    ax.plot([p[0], q[0]], [p[1], q[1]], "o-", color=color, label="a segment")
    ax.set_aspect("equal")
    ax.set_title(title)
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.legend(fontsize=10, loc="lower center")
plt.show()

# %% [markdown]
# *The figure shows four panels. Top left: the convex curve log cosh theta with a chord (solid, with dots) lying
# above it and a dashed tangent line lying below it. Top right: the double well, whose chord between the two
# valley points passes below the hump of the curve. Bottom left: a filled ellipse, the sublevel set of the
# bowl one half of theta one squared plus four theta two squared at level 1, with a segment between two of
# its points staying inside. Bottom right: two separate filled blobs, the sublevel set of the double well
# in two variables, theta one squared minus one, squared, plus theta two squared, at level 0.5, with a
# segment between their centres that leaves the set.*
#
# The last panel is the sublevel-set fact at work: a function whose sublevel set falls apart into pieces
# cannot be convex, and its minima can lie in different pieces. Gradient descent with a step that is
# small enough cannot cross from one piece to another, but "walks downhill" alone does not guarantee it: a
# long step can jump over the gap and land lower on the other side. The guarantee needs $\alpha < 2/L$ for an
# $L$-smooth $f$ (next section). Then the descent lemma of {doc}`update_rule`, applied to every point
# $\theta_k - t\alpha g_k$ with $0 < t \le 1$ of the step, puts the loss along the whole segment from
# $\theta_k$ to $\theta_{k+1}$ below $f(\theta_k)$: the segment never leaves the piece of the sublevel set
# $\{\theta : f(\theta) \le f(\theta_k)\}$ that holds $\theta_k$, and since the loss only goes down, the
# iterates stay in the piece of $\{\theta : f(\theta) \le f(\theta_0)\}$ where they started.
#
# ## Smoothness and strong convexity
#
# Convexity says nothing about *how fast* gradient descent converges. Two constants do.
#
# $f$ is **$L$-smooth** if its gradient is $L$-Lipschitz, $\|\nabla f(\theta) - \nabla f(\theta')\| \le
# L\|\theta - \theta'\|$. As shown in {doc}`update_rule`, this gives a quadratic *upper* bound around every
# point:
#
# $$
# \begin{aligned}
# f(\theta') \le f(\theta) &+ \nabla f(\theta)^\top (\theta' - \theta) \\
# &+ \frac{L}{2}\|\theta' - \theta\|^2 .
# \end{aligned}
# $$
#
# $f$ is **$\mu$-strongly convex** ($\mu > 0$) if it has a quadratic *lower* bound around every point:
#
# $$
# \begin{aligned}
# f(\theta') \ge f(\theta) &+ \nabla f(\theta)^\top (\theta' - \theta) \\
# &+ \frac{\mu}{2}\|\theta' - \theta\|^2 .
# \end{aligned}
# $$
#
# For twice-differentiable $f$ both are statements about the Hessian: $\mu I \preceq \nabla^2 f(\theta) \preceq L I$ for all
# $\theta$. Their ratio $\kappa = L/\mu \ge 1$ is the **condition number**. For the quadratic
# $f(\theta) = \tfrac12 (\theta - \theta^\star)^\top A (\theta - \theta^\star)$, $L$ and $\mu$ are the largest and smallest eigenvalues of $A$; `gdlearn`'s
# `Quadratic` stores them as `L`, `mu` and `kappa`.
#
# Convex is not enough for strong convexity. $\log\cosh$ has $f'' = 1/\cosh^2 \theta$, which is at most 1 (so $L = 1$)
# but tends to 0 far out: $\mu = 0$. Logistic regression behaves the same way. Its Hessian
# $\frac1n X^\top \operatorname{diag}(\sigma_i(1-\sigma_i)) X$ is at most $\lambda_{\max}(X^\top X)/(4n)$ because
# $\sigma(1-\sigma) \le \tfrac14$, but its smallest eigenvalue collapses as the weights grow and the
# predictions saturate. On the breast-cancer data {cite:p}`street1993`:

# %%
cancer = load_breast_cancer()
Xc = add_bias(standardize(cancer.data)[0])
logreg = LogisticRegression(Xc, cancer.target)
L_log = np.linalg.eigvalsh(Xc.T @ Xc / len(Xc))[-1] / 4
direction = rng.normal(size=Xc.shape[1])
direction /= np.linalg.norm(direction)
print(f"smoothness bound L = lambda_max(X^T X)/(4n) = {L_log:.3f}")
print(f"{'|θ|':>6} {'largest Hessian eigenvalue':>27} {'smallest':>12}")
for r in [0.0, 1.0, 10.0, 100.0]:
    eig = np.linalg.eigvalsh(logreg.hess(r * direction))
    print(f"{r:6.0f} {eig[-1]:27.4f} {eig[0]:12.2e}")
    assert eig[-1] <= L_log + 1e-12 and eig[0] >= -1e-12

# %% [markdown]
# The curvature never exceeds the bound $L$, and its smallest value drops by orders of magnitude as $\|\theta\|$ grows:
# there is no $\mu > 0$ that works everywhere. (It is small even at $\theta = 0$, because several of the 30 measurements
# are nearly collinear: an ill-conditioned $X^\top X$ is a second way to lose strong convexity in practice.) Adding an L2 penalty $\tfrac{\nu}{2}\|\theta\|^2$ adds $\nu I$ to the
# Hessian and makes the loss $\nu$-strongly convex (one of the exercises measures what that buys).
#
# ## Convex and smooth: the $O(1/k)$ rate
#
# Let $f$ be convex and $L$-smooth with a minimizer $\theta^\star$, and run gradient descent with $\alpha = 1/L$. Three
# inequalities give the rate {cite:p}`nesterov2004`.
#
# 1. *Descent lemma* (smoothness, {doc}`update_rule`): $f(\theta_{k+1}) \le f(\theta_k) - \frac{1}{2L}\|g_k\|^2$, where
#    $g_k = \nabla f(\theta_k)$. The loss never goes up.
# 2. *Convexity* (tangent plane at $\theta_k$, evaluated at $\theta^\star$): $f(\theta_k) - f^\star \le g_k^\top (\theta_k - \theta^\star)$.
# 3. *Add them* and complete the square, using $\theta_{k+1} = \theta_k - g_k/L$:
#
#    $$
#    \begin{aligned}
#    f(\theta_{k+1}) - f^\star
#    &\le g_k^\top (\theta_k - \theta^\star) - \frac{1}{2L}\|g_k\|^2 \\
#    &= \frac{L}{2}\Big(\|\theta_k - \theta^\star\|^2 \\
#    &\qquad\quad - \|\theta_{k+1} - \theta^\star\|^2\Big).
#    \end{aligned}
#    $$
#
# The right-hand side telescopes. Summing over the first $k$ steps,
# $\sum_{i=1}^{k} \big(f(\theta_i) - f^\star\big) \le \frac{L}{2}\|\theta_0 - \theta^\star\|^2$, and because the losses decrease, the
# last one is at most the average:
#
# $$
# f(\theta_k) - f^\star \le \frac{L\,\|\theta_0 - \theta^\star\|^2}{2k} .
# $$
#
# Two lessons hide in the proof. The distance to $\theta^\star$ never grows (the bracket is non-negative), and the bound
# holds for *any* minimizer $\theta^\star$, so the best one to use is the nearest.
#
# We check the bound at every step on two convex functions that are not strongly convex.
#
# - A 16-dimensional quadratic with eigenvalues $0, 1, \tfrac12, \tfrac14, \dots, 2^{-14}$ in a random orientation,
#   started one unit along each eigenvector. The zero eigenvalue gives a whole line of minimizers; the nearest
#   one is $\theta_0$'s projection onto that line.
# - $f(\theta) = \theta^4$ from $\theta_0 = 0.5$. It is not $L$-smooth on all of $\mathbb{R}$ ($f'' = 12\theta^2$ is unbounded), but gradient
#   descent never leaves the sublevel set $|\theta| \le 0.5$, where $f'' \le 3$; so $L = 3$ is the constant that matters.
#
# Every run in this chapter that is compared with a bound or a rate step by step passes `gtol=None`: `minimize`
# stops by default once the gradient norm is at most $10^{-5}$, and these checks need the whole run of a fixed
# length.

# %%
eigs = np.r_[0.0, 2.0 ** -np.arange(15)]
d = eigs.size
Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
valley = Quadratic(eigs, rotation=Q)
x0_v = Q @ np.ones(d)                  # centre 0, one unit along every eigenvector
lam, V = np.linalg.eigh(valley.A)
null = V[:, np.abs(lam) < 1e-12 * valley.L]
x_star_v = null @ (null.T @ x0_v)              # nearest minimizer
print(f"quadratic: L = {valley.L:g}, mu = {valley.mu:g}, kappa = {valley.kappa}, "
      f"|θ0 - θ*| = {np.linalg.norm(x0_v - x_star_v):.4f}")

n = 1000
k = np.arange(1, n + 1)
res_v = minimize(valley, x0_v, SGD(lr=1 / valley.L), max_steps=n, gtol=None)
gap_v = res_v.history.loss[1:] - valley.min_value
bound_v = valley.L * np.sum((x0_v - x_star_v) ** 2) / (2 * k)

quartic = (lambda x: float(x[0] ** 4), lambda x: 4 * x**3)
x0_4 = 0.5
L4 = 12 * x0_4**2
res_4 = minimize(quartic, np.array([x0_4]), SGD(lr=1 / L4), max_steps=n, gtol=None)
gap_4 = res_4.history.loss[1:]
bound_4 = L4 * x0_4**2 / (2 * k)
assert np.all(np.abs(res_4.history.x) <= x0_4)     # stays where f'' <= L4

fit = k >= 10
for name, gap, bound in [("quadratic", gap_v, bound_v), ("x^4", gap_4, bound_4)]:
    slope = np.polyfit(np.log(k[fit]), np.log(gap[fit]), 1)[0]
    print(f"{name:>9}: bound holds at all {n} steps: {bool(np.all(gap <= bound))}; "
          f"largest gap/bound {np.max(gap / bound):.3f}; "
          f"log-log slope of the gap {slope:.2f}")
    assert np.all(gap <= bound)

# %% [markdown]
# For quadratics we can also see why the bound has the right *shape*. With $\alpha = 1/L$, the part of the gap along
# an eigenvector $q_i$ with eigenvalue $\lambda$ is $\tfrac12\lambda \xi^2 (1 - \lambda/L)^{2k}$, where $\xi = q_i^\top e_0$ is
# the starting error's coordinate along it. Over $\lambda \in [0, L]$ this is
# largest at $\lambda = L/(2k+1)$, where it is about $L \xi^2/(4ek)$: an eigenvalue that is small but not too small
# is still unsolved after $k$ steps, and any quadratic with eigenvalues spread down towards zero loses a $1/k$
# amount at every scale. That is within the factor $2e \approx 5.4$ of the bound, and the measured largest
# gap/bound ratio above stays below $1/(2e) \approx 0.18$. The quartic decays faster, like $1/k^2$: the update is
# $\theta_{k+1} = \theta_k\,(1 - \theta_k^2/(3\theta_0^2))$, which gives $\theta_k^2 \approx 3\theta_0^2/(2k)$ and a gap $\theta_k^4 \approx 9\theta_0^4/(4k^2)$. The
# bound is loose here because it uses the worst curvature $L = 3$, while near the minimum the curvature tends to 0.

# %%
envelope = 1 / (2 * np.e)
print(f"quadratic: largest gap/bound {np.max(gap_v / bound_v):.3f} "
      f"<= 1/(2e) = {envelope:.3f}")
assert np.max(gap_v / bound_v) <= envelope

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 8), sharey=True)
bound_label = r"bound $L\|\theta_0-\theta^\star\|^2/(2k)$"
ax1.loglog(k, gap_v, color="C0", label="measured gap")
ax1.loglog(k, bound_v, "--", color="C3", label=bound_label)
ax1.loglog(k, envelope * bound_v, ":", color="C3", label="bound / (2e)")
ax1.set_title("Quadratic, eigenvalues 0, 1, 1/2, ..., 2⁻¹⁴")
ax2.loglog(k, gap_4, color="C0", label="measured gap")
ax2.loglog(k, bound_4, "--", color="C3", label=bound_label + ", L = 3")
ax2.set_title(r"$\theta^4$ from $\theta_0 = 0.5$")
for ax in (ax1, ax2):
    ax.set_xlabel("step k (log scale)")
    ax.set_ylabel(r"$f(\theta_k) - f^\star$ (log scale)")
    ax.legend(fontsize=10, loc="lower left")
plt.show()


# %% [markdown]
# *The figure shows two log-log panels, one above the other, with the measured loss gap of gradient descent
# (solid) and the order one over k bound as a dashed straight line of slope minus one. Top, the quadratic: its
# gap runs parallel to the bound, below even the dotted line at the bound divided by two e. Bottom, theta to
# the fourth power: its gap stays below the bound and falls about twice as steeply.*
#
# A $1/k$ rate is slow: each extra digit of accuracy costs ten times as many steps as all the previous ones.
# Accelerated methods improve it to $1/k^2$ ({doc}`../part3/momentum`); on convex, smooth functions no first-order
# method can do better in the worst case {cite:p}`nesterov2004`.
#
# ## Strongly convex: the linear rate
#
# ### On quadratics
#
# On $f(\theta) = \tfrac12 (\theta - \theta^\star)^\top A (\theta - \theta^\star)$ the error obeys $e_{k+1} = (I - \alpha A)e_k$, and each
# eigen-direction is multiplied by $1 - \alpha\lambda_i$ ({doc}`update_rule`). Hence
#
# $$
# \begin{aligned}
# \|e_{k+1}\| &\le \rho(\alpha)\,\|e_k\|, \\
# \rho(\alpha) &= \max\big(|1 - \alpha\mu|, |1 - \alpha L|\big),
# \end{aligned}
# $$
#
# with equality in the long run whenever $e_0$ has a component along the eigenvector where the maximum is
# attained. The two classic choices:
#
# - $\alpha = 1/L$: $\rho = 1 - \mu/L = 1 - 1/\kappa$;
# - $\alpha = 2/(L+\mu)$, the minimizer of $\rho(\alpha)$ (where $1 - \alpha\mu = \alpha L - 1$):
#   $\rho = (L - \mu)/(L + \mu) = (\kappa - 1)/(\kappa + 1)$.
#
# The error after $k$ steps is $\rho^k$ times the initial one, a straight line on a log scale: **linear
# convergence**. To gain one decimal digit we need $k_{10}$ steps with $\rho^{k_{10}} = 1/10$, that is
#
# $$
# k_{10} = \frac{\ln 10}{-\ln \rho} \approx
# \begin{cases} 2.3\,\kappa & \alpha = 1/L, \\ 1.15\,\kappa
# & \alpha = \frac{2}{L+\mu}, \end{cases}
# $$
#
# that is $\kappa\ln 10$ and $\tfrac{\kappa}{2}\ln 10$, using $-\ln(1 - x) \approx x$ for small $x$ and
# $(\kappa-1)/(\kappa+1) = 1 - 2/(\kappa+1)$. Steps grow in proportion
# to $\kappa$; this is what "ill-conditioned" costs.
#
# ### Beyond quadratics
#
# The iterate contraction carries over unchanged to every $\mu$-strongly convex, $L$-smooth function, for every
# step $\alpha > 0$:
#
# $$
# \begin{aligned}
# \|\theta_{k+1} - \theta^\star\| \le {}&\max\big(|1 - \alpha\mu|,\ |1 - \alpha L|\big) \\
# &\cdot \|\theta_k - \theta^\star\| .
# \end{aligned}
# $$
#
# For a twice-differentiable $f$ the proof is the quadratic one with an averaged Hessian (the Hessian, its
# eigenvalues and Taylor's theorem are introduced in {ref}`dg-hessian` and {ref}`dg-taylor2`). Because
# $\nabla f(\theta^\star) = 0$, integrating the gradient along the segment from $\theta^\star$ to $\theta_k$ gives
# $g_k = \bar H_k\,(\theta_k - \theta^\star)$ with $\bar H_k = \int_0^1 \nabla^2 f\big(\theta^\star + t(\theta_k - \theta^\star)\big)\,dt$,
# a symmetric matrix whose eigenvalues lie in $[\mu, L]$, like those of every Hessian it averages. So
# $\theta_{k+1} - \theta^\star = (I - \alpha \bar H_k)(\theta_k - \theta^\star)$, and the matrix $I - \alpha\bar H_k$
# stretches no vector by more than $\max_i |1 - \alpha\lambda_i(\bar H_k)| \le \max(|1 - \alpha\mu|, |1 - \alpha L|)$.
# Without second derivatives the same bound follows from the co-coercivity of the gradient
# {cite:p}`nesterov2004`. Both rates of the previous section, $(\kappa-1)/(\kappa+1)$ at $\alpha = 2/(L+\mu)$ and
# $1 - 1/\kappa$ at $\alpha = 1/L$, therefore hold for the iterates of every such function: the Hessian only has
# to stay between $\mu I$ and $L I$, not be constant. The function values follow, because the quadratic upper
# bound around $\theta^\star$, where the gradient vanishes, gives
#
# $$
# \begin{aligned}
# f(\theta_k) - f^\star &\le \frac{L}{2}\|\theta_k - \theta^\star\|^2 \\
# &\le \frac{L}{2}\,\rho^{2k}\,\|\theta_0 - \theta^\star\|^2 :
# \end{aligned}
# $$
#
# the gap shrinks like $\rho^2$ per step, at $\alpha = 1/L$ like $(1 - 1/\kappa)^2$.
#
# A second, popular proof works with the gap directly. Minimizing both sides of the strong-convexity
# inequality over $\theta'$ (the right side is a quadratic in $\theta'$, smallest at
# $\theta' = \theta - \nabla f(\theta)/\mu$) gives $f^\star \ge f(\theta) - \|\nabla f(\theta)\|^2/(2\mu)$, i.e.
#
# $$
# \|\nabla f(\theta)\|^2 \ge 2\mu\,\big(f(\theta) - f^\star\big)
# $$
#
# (the Polyak–Łojasiewicz inequality {cite:p}`polyak1963`; an exercise derives it step by step). Put it into
# the descent lemma with $\alpha = 1/L$:
#
# $$
# \begin{aligned}
# f(\theta_{k+1}) - f^\star &\le f(\theta_k) - f^\star - \frac{1}{2L}\|g_k\|^2 \\
# &\le \Big(1 - \frac{\mu}{L}\Big)\big(f(\theta_k) - f^\star\big).
# \end{aligned}
# $$
#
# The gap shrinks by at least $1 - 1/\kappa$ per step. That is the *square root* of the factor
# $(1 - 1/\kappa)^2$ that the iterate contraction gives: the PL bound is weaker by a square, and promises
# only half as many digits per step. Its strength is elsewhere: it needs only the PL inequality, which also
# holds for some functions that are not convex.
#
# We check the contraction on a function that is strongly convex but not quadratic, a bowl plus a sum of
# $\log\cosh$ ridges along three directions $u_1, u_2, u_3$, built so that its minimizer $\theta^\star$ is known:
# $f(\theta) = \tfrac12 (\theta - \theta^\star)^\top A (\theta - \theta^\star) + \sum_j \log\cosh\big(u_j^\top(\theta - \theta^\star)\big)$.
# Its Hessian $A + \sum_j u_j u_j^\top / \cosh^2\big(u_j^\top(\theta - \theta^\star)\big)$ changes from point to
# point, between $\mu = \lambda_{\min}(A)$ (far away, where the ridges are straight) and
# $L = \lambda_{\max}(A + \sum_j u_j u_j^\top)$ (at $\theta^\star$, where every ridge curves most). We start far out
# and compare, step by step, the measured contraction with $\rho(\alpha)$, and the gap with both bounds.

# %%
d5 = 5
rng5 = np.random.default_rng(SEED + 5)      # its own generator: later draws unchanged
Q5, _ = np.linalg.qr(rng5.normal(size=(d5, d5)))
A5 = Q5 @ np.diag([1.0, 2.0, 3.0, 4.0, 5.0]) @ Q5.T
U5 = rng5.normal(size=(3, d5))                   # rows: the ridge directions u_j
star5 = rng5.normal(size=d5)                     # the minimizer theta*
ridged = (lambda t: float(0.5 * (t - star5) @ A5 @ (t - star5)
                          + np.sum(logcosh(U5 @ (t - star5)))),
          lambda t: A5 @ (t - star5) + U5.T @ np.tanh(U5 @ (t - star5)))
mu5 = np.linalg.eigvalsh(A5)[0]
L5 = np.linalg.eigvalsh(A5 + U5.T @ U5)[-1]
theta0_5 = star5 + 4 * rng5.normal(size=d5)
print(f"mu = {mu5:.3f}, L = {L5:.3f}, kappa = {L5 / mu5:.2f}")
contraction = {}
for rule, lr in [("1/L", 1 / L5), ("2/(L+mu)", 2 / (L5 + mu5))]:
    res = minimize(ridged, theta0_5, SGD(lr=lr), max_steps=60, gtol=None)
    err = np.linalg.norm(res.history.x - star5, axis=1)
    ok = err[:-1] > 1e-6                       # stay far from rounding level
    ratios = err[1:][ok] / err[:-1][ok]
    rho_lr = max(abs(1 - lr * mu5), abs(1 - lr * L5))
    contraction[rule] = (ratios.max(), rho_lr, res)
    print(f"alpha = {rule:8}: largest step-to-step contraction {ratios.max():.4f}, "
          f"rho(alpha) = {rho_lr:.4f}, within it (to 1e-6): "
          f"{bool(ratios.max() <= rho_lr * (1 + 1e-6))}")

res = contraction["1/L"][2]
gap5 = res.history.loss                         # f* = 0 at theta* = star5
ks = np.arange(len(gap5))
pl_bound = (1 - mu5 / L5) ** ks * gap5[0]
iterate_bound = 0.5 * L5 * (1 - mu5 / L5) ** (2 * ks) * np.sum((theta0_5 - star5) ** 2)
print("alpha = 1/L: gap below both bounds at all 60 steps:",
      bool(np.all(gap5 <= pl_bound) and np.all(gap5 <= iterate_bound)))
print("PL bound / iterate bound after 0, 30, 60 steps:",
      ", ".join(f"{pl_bound[k] / iterate_bound[k]:.3g}" for k in (0, 30, 60)))

# %%
for largest, rho_lr, _ in contraction.values():
    assert largest <= rho_lr * (1 + 1e-6)
assert np.all(gap5 <= pl_bound) and np.all(gap5 <= iterate_bound)
assert pl_bound[60] > 100 * iterate_bound[60]

# %% [markdown]
# Every step contracts the distance to $\theta^\star$ by at most $\rho(\alpha)$, as the theorem says, although the
# Hessian is far from constant; at $\alpha = 2/(L+\mu)$ the bound is reached near the minimum, where the
# curvature $L$ is attained. The two gap bounds start within a factor of three of each other, but the PL
# bound shrinks by $1 - 1/\kappa$ per step and the iterate bound by its square, so after 60 steps the PL bound
# is about two hundred times larger. Both are pessimistic here: near $\theta^\star$ the smallest curvature
# is well above $\mu$.
#
# ### Measured rates
#
# We build five-dimensional bowls with eigenvalues $1, 0.3\kappa, 0.5\kappa, 0.7\kappa, \kappa$ in a random orientation
# for $\kappa = 10, 100, 1000$, start one unit away from the minimum along every eigenvector (so both extreme
# directions are present), and run `gdlearn`'s gradient descent with both step sizes. The measured rate is the average
# contraction per step over the second half of the run,
# $\hat\rho = \big(\|e_n\|/\|e_{n/2}\|\big)^{2/n}$, after the faster directions have died out; each run of $n$ steps is stopped
# before the error reaches rounding level ($n \le 400$).

# %%
def bowl_with_condition(kappa):
    eigenvalues = np.array([1.0, 0.3 * kappa, 0.5 * kappa, 0.7 * kappa, kappa])
    q, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    return Quadratic(eigenvalues, rotation=q)


def measured_rate(f, x0, lr, n):
    res = minimize(f, x0, SGD(lr=lr), max_steps=n, gtol=None)
    err = np.linalg.norm(res.history.x - f.minima[0], axis=1)
    half = n // 2
    return (err[n] / err[half]) ** (1 / (n - half)), err / err[0]


rows, curves = [], {}
for kappa in [10, 100, 1000]:
    f = bowl_with_condition(float(kappa))
    lam_k, V_k = np.linalg.eigh(f.A)
    x0 = f.minima[0] + V_k @ np.ones(5)           # one unit along every eigenvector
    for rule, lr, theory in [("2/(L+mu)", 2 / (f.L + f.mu), (kappa - 1) / (kappa + 1)),
                             ("1/L", 1 / f.L, 1 - 1 / kappa)]:
        n = min(400, int(np.ceil(np.log(1e-10) / np.log(theory))))
        rate, curve = measured_rate(f, x0, lr, n)
        per_digit = np.log(10) / -np.log(theory), np.log(10) / -np.log(rate)
        rows.append((kappa, rule, theory, rate, *per_digit))
        multipliers = np.abs(1 - lr * lam_k)
        slowest = np.isclose(multipliers, multipliers.max(), rtol=1e-9)
        share = np.sqrt(slowest.sum() / lam_k.size)   # part of e_0 along the slowest
        curves[(kappa, rule)] = (curve, theory, share)

print(f"{'kappa':>6} {'step':>9} {'theory rate':>12} {'measured':>10} "
      f"{'steps/digit theory':>19} {'measured':>9} {'approx':>7}")
for kappa, rule, theory, rate, m_theory, m_meas in rows:
    approx = kappa * np.log(10) / (2 if rule == "2/(L+mu)" else 1)
    print(f"{kappa:6d} {rule:>9} {theory:12.6f} {rate:10.6f} "
          f"{m_theory:19.1f} {m_meas:9.1f} {approx:7.1f}")

# %%
for _, _, theory, rate, m_theory, m_meas in rows:
    assert abs(rate - theory) <= 0.01 * theory
    assert abs(m_meas - m_theory) <= 0.02 * m_theory

# %% [markdown]
# Every measured rate agrees with the theory to all six printed digits (the asserts demand 1 % for the rate and 2 % in
# the more sensitive steps-per-digit form: for $\kappa = 1000$ the rates $0.998$ and $0.999$ look alike but mean 1151
# against 2301 steps per digit). The approximation $\kappa\ln 10/2$ or $\kappa \ln 10$ is already good at $\kappa = 10$, and the best
# step needs half as many steps as $1/L$.

# %%
fig, axes = plt.subplots(2, 1, figsize=(7, 8), sharex=True, sharey=True)
look = {10: ("C0", "o"), 100: ("C1", "s"), 1000: ("C2", "^")}
for (kappa, rule), (curve, theory, share) in curves.items():
    ax = axes[0] if rule == "2/(L+mu)" else axes[1]
    color, marker = look[kappa]
    steps = np.arange(len(curve))
    ax.semilogy(steps, curve, "-", color=color, lw=3, alpha=0.6, marker=marker, ms=7,
                markevery=max(1, len(curve) // 8), label=f"κ = {kappa}, measured")
    ax.semilogy(steps, share * theory**steps, "--", color="k", lw=1)
for ax, rule in zip(axes, ["2/(L+μ)", "1/L"], strict=True):
    ax.plot([], [], "--", color="k", lw=1, label="prediction")
    ax.set_ylim(1e-11, 3)
    ax.set_title(f"step α = {rule}")
    ax.set_ylabel(r"$\|\theta_k - \theta^\star\| \,/\, \|\theta_0 - \theta^\star\|$")
    ax.legend(fontsize=10, loc="lower right")
axes[1].set_xlabel("step k")
plt.show()

# %% [markdown]
# *The figure shows two panels, one above the other, one per step size, with the relative error on a log scale
# against the step number for three condition numbers, marked with circles (kappa = 10), squares (kappa = 100)
# and triangles (kappa = 1000). After the first few steps every measured curve is a straight line lying on
# its dashed black prediction, the rate to the power k times the share of the starting error along the
# slowest eigenvectors. The lines for kappa = 10 drop fastest, those for kappa = 1000 barely fall in 400
# steps, and each line in the top panel (step 2/(L + mu)) falls about twice as fast as its partner in the
# bottom panel (step 1/L).*
#
# ## Without convexity the guarantees stop
#
# Nothing above survives the loss of convexity intact. Take the tilted double well $u(\theta) = (\theta^2-1)^2 + 0.3\theta$ from the
# first figure. It has three stationary points: two minima and a maximum between them. On $[-2, 2]$ its curvature
# $u''(\theta) = 12\theta^2 - 4$ is at most $L = 44$, so we use $\alpha = 0.02$, safely below $2/L \approx 0.045$.
# Gradient descent started on the right converges, quickly and at a linear rate, to the minimum on the right,
# which is *not* the global one.

# %%
dwell = (lambda x: float(well(x[0])), lambda x: 4 * x * (x**2 - 1) + 0.3)
stationary = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)
kind = ["minimum" if 12 * s**2 - 4 > 0 else "maximum" for s in stationary]
for s, t in zip(stationary, kind, strict=True):
    print(f"stationary point θ = {s:7.4f}: local {t}, u = {well(s):7.4f}")
lr_well = 0.02                                 # alpha * L = 0.88 on [-2, 2]
runs_w = {x0: minimize(dwell, np.array([x0]), SGD(lr=lr_well), gtol=1e-8,
                       max_steps=2000)
          for x0 in (2.0, -2.0)}
for x0, r in runs_w.items():
    print(f"start {x0:4.1f}: {r.status} after {r.n_steps} steps at θ = {r.x[0]:.4f}, "
          f"u = {r.fun:.4f}")
x_global = stationary[0]
assert abs(runs_w[2.0].x[0] - stationary[2]) < 1e-6
assert runs_w[2.0].fun > well(x_global) + 0.5
assert abs(runs_w[-2.0].x[0] - x_global) < 1e-6

# %% [markdown]
# The rates fail too. Rastrigin's function {cite:p}`rastrigin1974` $f(\theta) = 10d + \sum_i (\theta_i^2 - 10\cos 2\pi \theta_i)$ is
# smooth, with $L = 2 + 40\pi^2$, but far from convex: its Hessian has negative eigenvalues between the ripples.
# Gradient descent with $\alpha = 1/L$ from $(2.2, -3.1)$ settles in the nearest ripple. The "$O(1/k)$ bound"
# $L\|\theta_0 - \theta^\star\|^2/(2k)$, computed with the global minimizer $\theta^\star = 0$, is violated from some step on, because
# the gap stays at a positive constant.
#
# One guarantee does survive. Summing the descent lemma, which needs only smoothness, over $k$ steps gives
# $\frac{1}{2L}\sum_{i<k}\|g_i\|^2 \le f(\theta_0) - f(\theta_k) \le f(\theta_0) - f_{\text{low}}$ for any lower bound $f_{\text{low}}$, so
#
# $$
# \min_{i < k} \|\nabla f(\theta_i)\|^2 \le \frac{2L\,\big(f(\theta_0) - f_{\text{low}}\big)}{k} :
# $$
#
# gradient descent always finds an approximately *stationary* point, at rate $O(1/k)$ in the squared gradient norm,
# but nothing says which one {cite:p}`bottou2018`.

# %%
rast = Rastrigin(n=2)
L_r = 2 + 4 * np.pi**2 * rast.A
x0_r = np.array([2.2, -3.1])
print(f"Hessian eigenvalues at (0.5, 0.5): {np.linalg.eigvalsh(rast.hess([0.5, 0.5]))}")
n_r = 500
res_r = minimize(rast, x0_r, SGD(lr=1 / L_r), max_steps=n_r, gtol=None)
kr = np.arange(1, n_r + 1)
gap_r = res_r.history.loss[1:] - rast.min_value
bound_r = L_r * np.sum(x0_r**2) / (2 * kr)
first_fail = int(kr[np.argmax(gap_r > bound_r)])
print(f"GD ends at {res_r.x}, f = {res_r.fun:.4f} (global minimum 0 at the origin)")
print(f"convex O(1/k) bound first violated at step {first_fail}; "
      f"at step {n_r}: gap {gap_r[-1]:.3f} > bound {bound_r[-1]:.3f}")
min_g2 = np.minimum.accumulate(res_r.history.grad_norm[:-1] ** 2)
stationarity_bound = 2 * L_r * (rast.value(x0_r) - rast.min_value) / kr
print(f"stationarity guarantee holds at all {n_r} steps: "
      f"{bool(np.all(min_g2 <= stationarity_bound))}")

# %%
assert np.linalg.eigvalsh(rast.hess([0.5, 0.5]))[0] < 0
assert np.any(gap_r > bound_r) and res_r.fun > 10
assert np.all(min_g2 <= stationarity_bound)

# %%
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 8))
xw = np.linspace(-2.05, 2.05, 400)
ax1.plot(xw, well(xw), color="0.4", label="u(θ)")
for (x0, r), (color, marker) in zip(runs_w.items(), [("C3", "o"), ("C2", "s")],
                                    strict=True):
    path = r.history.x[:, 0]
    ax1.plot(path, well(path), marker, ms=6, color=color, mfc="none", mew=1.5,
             label=f"GD from θ₀ = {x0:g} ({r.n_steps} steps)")
ax1.set_xlabel("θ")
ax1.set_ylabel("u(θ)")
ax1.set_title("Double well: the start decides the minimum")
ax1.legend(fontsize=10)
ax2.loglog(kr, gap_r, color="C0",
           label=r"Rastrigin: measured gap $f(\theta_k) - f^\star$")
ax2.loglog(kr, bound_r, "--", color="C0",
           label=r"the convex bound $L\|\theta_0 - \theta^\star\|^2/(2k)$")
ax2.axvline(first_fail, color="C3", ls=":",
            label=f"bound violated from step {first_fail}")
ax2.set_xlabel("step k (log scale)")
ax2.set_ylabel("gap (log scale)")
ax2.set_title("Rastrigin: the O(1/k) rate fails")
ax2.legend(fontsize=10)
plt.show()

# %% [markdown]
# *The figure shows, at the top, the double-well curve with the iterates of gradient descent as open marks:
# started at θ = 2 (circles) they slide into the right-hand valley, which is higher, and started at θ = −2
# (squares) into the deeper left-hand valley. At the bottom, log-log axes with Rastrigin's loss gap (solid),
# which levels off at a constant, and the falling dashed line of the convex bound, which it crosses at the
# dotted vertical line.*
#
# Non-convex losses, the rule for neural networks, are the subject of {doc}`../part3/local_minima`. The practical
# reading of this chapter: the convex rates are the best case, they tell you how step size and conditioning
# interact, and they are exactly right near a minimum whose Hessian is positive definite, where a
# twice-differentiable loss looks like the quadratic bowl of its second-order Taylor expansion (the
# second-order optimality conditions of {ref}`dg-optimality`). Where the Hessian at the minimum
# is singular the bowl is flatter than any quadratic and the rate is sublinear: $\theta^4$ above, whose second
# derivative vanishes at 0, converged only like $1/k^2$.
#
# ## Key points
#
# - Convex: chords above the graph, tangents below it, Hessian $\succeq 0$; every stationary point is a global minimum.
# - $L$-smooth: curvature at most $L$ (quadratic upper bound); $\mu$-strongly convex: curvature at least $\mu$ (quadratic
#   lower bound); $\kappa = L/\mu$.
# - Convex and $L$-smooth, step $1/L$: $f(\theta_k) - f^\star \le L\|\theta_0 - \theta^\star\|^2/(2k)$, derived by telescoping; checked at every
#   step on a quadratic with a zero eigenvalue and on $\theta^4$.
# - Strongly convex: linear rate $(\kappa-1)/(\kappa+1)$ with step $2/(L+\mu)$ and $1 - 1/\kappa$ with step $1/L$; measured
#   within 1 % for $\kappa = 10, 100, 1000$. One digit costs about $\kappa\ln 10/2$ or $\kappa\ln 10$ steps.
# - The iterate contraction $\|\theta_{k+1} - \theta^\star\| \le \max(|1 - \alpha\mu|, |1 - \alpha L|)\,\|\theta_k - \theta^\star\|$
#   holds for every $\mu$-strongly convex, $L$-smooth $f$, not only quadratics (checked on a bowl with
#   $\log\cosh$ ridges); the gap then shrinks like its square. The PL argument gives the gap factor
#   $1 - 1/\kappa$ at $\alpha = 1/L$, weaker by a square.
# - A step $\alpha < 2/L$ keeps the iterates in the piece of the sublevel set where they start; the
#   quadratic-bowl picture near a minimum needs a positive-definite Hessian there.
# - Without convexity gradient descent can stop at a non-global minimum and the convex rates fail; what remains is
#   $\min_{i<k}\|\nabla f(\theta_i)\|^2 \le 2L(f(\theta_0) - f_{\text{low}})/k$.
#
# ## Exercises
#
# ```{exercise} The best step, measured
# :label: ex-rate-bestlr
# On a two-dimensional bowl with eigenvalues 1 and 100, measure the rate (average contraction per step over steps
# 100 to 200) for $\alpha$ equal to $0.25, 0.5, 0.75, 0.9, 1$ and $1.004$ times $2/(L+\mu)$. Compare with
# $\rho(\alpha) = \max(|1 - \alpha\mu|, |1 - \alpha L|)$. Which $\alpha$ wins?
# ```
#
# ```{solution-start} ex-rate-bestlr
# :class: dropdown
# ```

# %%
bowl2 = Quadratic([1.0, 100.0], rotation=0.4)
x0_2 = np.array([1.0, 1.0])
best = 2 / (bowl2.L + bowl2.mu)
print(f"{'alpha / (2/(L+mu))':>19} {'measured':>9} {'rho(alpha)':>11}")
measured_2 = {}
for factor in [0.25, 0.5, 0.75, 0.9, 1.0, 1.004]:
    a = factor * best
    res = minimize(bowl2, x0_2, SGD(lr=a), max_steps=200, gtol=None)
    err = np.linalg.norm(res.history.x, axis=1)
    measured_2[factor] = (err[200] / err[100]) ** (1 / 100)
    rho_a = max(abs(1 - a * bowl2.mu), abs(1 - a * bowl2.L))
    print(f"{factor:19.3f} {measured_2[factor]:9.5f} {rho_a:11.5f}")

# %%
for factor, rate in measured_2.items():
    a = factor * best
    rho_a = max(abs(1 - a * bowl2.mu), abs(1 - a * bowl2.L))
    assert rate <= rho_a + 1e-9
    assert factor > 1.0 or abs(rate - rho_a) <= 1e-4
assert min(measured_2, key=measured_2.get) == 1.0

# %% [markdown]
# Up to $2/(L+\mu)$ the measured rates match $\rho(\alpha)$, and $2/(L+\mu)$ has the smallest. Just above it the steep
# direction becomes the slow one and the rate gets worse again (at $2/L$, only 1 % above $2/(L+\mu)$ here, it reaches
# 1). At $1.004 \cdot 2/(L+\mu)$ the two directions shrink at almost the same speed, so after 100 steps the steep one
# has not yet taken over: the measured value lies between the two multipliers, below $\rho(\alpha)$, as it must.
#
# ```{solution-end}
# ```
#
# ```{exercise} Strong convexity from an L2 penalty
# :label: ex-rate-ridge
# Logistic regression with penalty $\tfrac{\nu}{2}\|\theta\|^2$ is $\nu$-strongly convex and
# $(\lambda_{\max}(X^\top X)/(4n) + \nu)$-smooth. On the breast-cancer data with $\nu = 0.1$, run gradient descent
# with $\alpha = 1/L$ and check that the loss gap shrinks at least by the factor $1 - \mu/L$ every step. (Find $f^\star$
# with `gdlearn`'s `Newton` optimizer, used here only as a reference solver; Newton's method is the
# subject of {doc}`../part3/newton`.)
# ```
#
# ```{solution-start} ex-rate-ridge
# :class: dropdown
# ```

# %%
ridge = LogisticRegression(Xc, cancer.target, l2=0.1)
L_ridge, mu_ridge = L_log + 0.1, 0.1
theta_star = minimize(ridge, np.zeros(Xc.shape[1]), Newton(), gtol=1e-12,
                      max_steps=50).x
f_star = ridge.value(theta_star)
res = minimize(ridge, np.zeros(Xc.shape[1]), SGD(lr=1 / L_ridge), max_steps=300,
               gtol=None, record_points=False)
gap = res.history.loss - f_star
usable = gap[:-1] > 1e-8                        # stay far from rounding level
ratios = gap[1:][usable] / gap[:-1][usable]
print(f"kappa <= {L_ridge / mu_ridge:.1f}; "
      f"guaranteed factor 1 - mu/L = {1 - mu_ridge / L_ridge:.4f}")
print(f"largest measured gap ratio while the gap exceeds 1e-8: {ratios.max():.3f}")
assert ratios.max() <= 1 - mu_ridge / L_ridge

# %% [markdown]
# The measured contraction is comfortably better than guaranteed: the bound uses the worst curvature $\mu = \nu$,
# while near the solution the data term adds curvature of its own.
#
# ```{solution-end}
# ```
#
# ```{exercise} The PL inequality from strong convexity
# :label: ex-rate-pl
# Let $f$ be $\mu$-strongly convex and $L$-smooth, with minimum value $f^\star$.
# 1. Fix a point $\theta$ and minimize the right-hand side of the strong-convexity inequality,
#    $M(\theta') = f(\theta) + \nabla f(\theta)^\top (\theta' - \theta) + \frac{\mu}{2}\|\theta' - \theta\|^2$, over $\theta'$.
# 2. Conclude that $\|\nabla f(\theta)\|^2 \ge 2\mu\,(f(\theta) - f^\star)$ at every point $\theta$.
# 3. Combine it with the descent lemma to show that gradient descent with $\alpha = 1/L$ shrinks the gap
#    $f(\theta_k) - f^\star$ by at least the factor $1 - \mu/L$ per step.
# 4. Check the inequality at 200 random points for the penalized logistic regression of the previous exercise.
# ```
#
# ```{solution-start} ex-rate-pl
# :class: dropdown
# ```
#
# 1. $M$ is a quadratic in $\theta'$ with gradient $\nabla f(\theta) + \mu (\theta' - \theta)$, which vanishes at
#    $\theta' = \theta - \nabla f(\theta)/\mu$. There
#    $M = f(\theta) - \frac{1}{\mu}\|\nabla f(\theta)\|^2 + \frac{1}{2\mu}\|\nabla f(\theta)\|^2 = f(\theta) - \frac{1}{2\mu}\|\nabla f(\theta)\|^2$.
# 2. Strong convexity says $f(\theta') \ge M(\theta')$ for every $\theta'$, so
#    $f^\star = \min_{\theta'} f(\theta') \ge \min_{\theta'} M(\theta') = f(\theta) - \frac{1}{2\mu}\|\nabla f(\theta)\|^2$; rearrange.
# 3. The descent lemma at $\alpha = 1/L$ gives $f(\theta_{k+1}) \le f(\theta_k) - \frac{1}{2L}\|g_k\|^2$, and part 2
#    bounds $\|g_k\|^2$ from below by $2\mu(f(\theta_k) - f^\star)$. Subtract $f^\star$ from both sides:
#    $f(\theta_{k+1}) - f^\star \le (1 - \mu/L)\,(f(\theta_k) - f^\star)$.
# 4. The ratio $\|\nabla f\|^2 / \big(2\mu(f - f^\star)\big)$ must be at least 1 everywhere:

# %%
pl_ratios = []
for _ in range(200):
    theta = rng.normal(scale=0.5, size=Xc.shape[1])
    g = ridge.grad(theta)
    pl_ratios.append((g @ g) / (2 * mu_ridge * (ridge.value(theta) - f_star)))
print(f"smallest ratio |grad|^2 / (2 mu (f - f*)) over 200 points: "
      f"{min(pl_ratios):.3f}")
assert min(pl_ratios) >= 1

# %% [markdown]
# The inequality holds at every point, with room to spare, for the same reason as in the previous exercise:
# $\mu = \nu$ is the curvature of the penalty alone, and the data add more.
#
# ```{solution-end}
# ```
#
# ```{exercise} Basins of the double well
# :label: ex-rate-basins
# Run gradient descent ($\alpha = 0.02$, 400 steps) on $u(\theta) = (\theta^2-1)^2 + 0.3\theta$ from 161 starting
# points evenly spaced in $[-2, 2]$. Which starts reach the global minimum? Where is the boundary? Explain why no
# iterate crosses the local maximum, and why that explanation needs $\alpha L < 1$ with $L = 44$. (Hint: `SGD.step`
# works on a whole array, so one optimizer can move all 161 independent one-dimensional problems at once.)
# ```
#
# ```{solution-start} ex-rate-basins
# :class: dropdown
# ```

# %%
starts = np.linspace(-2, 2, 161)
pts = starts.copy()
opt = SGD(lr=lr_well)
for _ in range(400):
    pts = opt.step(pts, 4 * pts * (pts**2 - 1) + 0.3)
to_global = np.abs(pts - x_global) < 1e-6
boundary = starts[to_global].max()
print(f"{to_global.sum()} of {starts.size} starts reach the global minimum: "
      f"all starts θ0 <= {boundary:.3f}")
print(f"the local maximum sits at θ = {stationary[1]:.4f}")
grid_u = np.linspace(-2, 2, 4001)
T = grid_u - lr_well * (4 * grid_u * (grid_u**2 - 1) + 0.3)   # the update map
print(f"update map increasing on [-2, 2]: {bool(np.all(np.diff(T) > 0))}; "
      f"maps [-2, 2] into [{T.min():.3f}, {T.max():.3f}]")
assert np.all(to_global == (starts < stationary[1]))
assert np.all(np.diff(T) > 0) and T.min() > -2 and T.max() < 2

# %% [markdown]
# The basin of the global minimum is everything left of the local maximum $\theta_m$. The step size is what makes
# this so. With $\alpha L = 0.88 < 1$ the update map $T(\theta) = \theta - \alpha u'(\theta)$ has derivative
# $1 - \alpha u''(\theta) > 0$ on $[-2, 2]$: it is increasing, and it maps the interval into itself, so the bound
# on $u''$ keeps holding along every path. An increasing map preserves order, and $\theta_m$ is a fixed point, so
# $\theta < \theta_m$ gives $T(\theta) < T(\theta_m) = \theta_m$: no iterate ever crosses the hump. A step with
# $\alpha L > 1$ loses this argument (the map can fold the interval over), and one with $\alpha > 2/L$ loses the
# descent lemma as well: $\alpha = 0.05$, for instance, is above $2/L \approx 0.045$ near the ends of the
# interval, where a start at $\pm 2$ moves by more than 1 in its first step.
#
# ```{solution-end}
# ```
#
# ## References
#
# The definitions and the convex-analysis facts follow {cite:t}`boyd2004` (chapters 2, 3 and 9). The $O(1/k)$ and
# linear rates, with the step sizes $1/L$ and $2/(L+\mu)$, are proved in {cite:t}`nesterov2004` (section 2.1). The
# gradient-domination (Polyak–Łojasiewicz) inequality is from {cite:t}`polyak1963`; {cite:t}`polyak1964` compared the
# rate $(\kappa-1)/(\kappa+1)$ of gradient descent with that of the heavy-ball method; {cite:t}`bottou2018` survey these
# rates, and the stationarity guarantee for non-convex losses, for machine learning. {cite:t}`nocedal2006` treat the same rates in the
# language of numerical optimization; the method itself is {cite:t}`cauchy1847`'s. The breast-cancer data come from
# {cite:t}`street1993`, and the rippled test function from {cite:t}`rastrigin1974`.
