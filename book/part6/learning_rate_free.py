# %% [markdown]
# # Learning-rate-free methods
#
# Every method so far had a learning rate to choose, and the right value moves with the problem: scale
# the solution ten times farther from the start and Adam's best rate is ten times larger. A
# **learning-rate-free** method estimates that scale while it runs. This chapter derives which
# quantity the best constant step needs (the distance $r^\star$ from the start to a solution), shows
# how a run can compute a *lower bound* on $r^\star$ from its own gradients (the idea of
# D-Adaptation {cite:p}`defazio2023`), writes Prodigy {cite:p}`mishchenko2023`, the Adam-based method
# built on it, from scratch and checks it against `gdlearn`, and then measures what it buys and where
# it fails.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - derive the best constant step of the subgradient method for a convex Lipschitz function and
#   say why it needs $r^\star = \lVert\theta_0 - \theta^\star\rVert$;
# - derive the lower bound $u_k / \lVert s_k\rVert \le r^\star$ from convexity, and say which norm
#   Prodigy's bound is in;
# - write Prodigy's update and the estimate $\hat r_k$ it keeps;
# - compare a learning-rate-free method with a tuned and a badly tuned Adam in steps to a target;
# - name the settings where the estimate misleads: a start guess that is too large, a growth cap,
#   noisy gradients without a schedule, and non-convex losses.
# ```
#
# Notation follows the book's {doc}`../notation`: $\hat r_k$ is the estimate of the distance
# $r^\star$ (the papers write $d_k$ and $D$; here $d$ is the number of parameters), $\alpha_k$ the
# learning rate (for Prodigy a multiplier, 1 by default), and $u_k$, $s_k$ the two running sums the
# estimate is made of (a number and a vector).

# %%
import matplotlib.pyplot as plt
import numpy as np

import gdlearn
from gdlearn.data import make_logistic, make_moons
from gdlearn.mlp import MLP
from gdlearn.optim import Adam, Prodigy
from gdlearn.plot import use_book_style
from gdlearn.schedules import CosineDecay

use_book_style()
print("gdlearn", gdlearn.__version__)


def quadratic(seed, scale, dim=20, kappa=100.0):
    """f = (theta - theta*)^T A (theta - theta*) / 2 with eigenvalues 1..kappa, a random
    rotation and a solution theta* of the given scale; the start is theta_0 = 0."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    a = q @ np.diag(np.geomspace(1.0, kappa, dim)) @ q.T
    return a, scale * rng.standard_normal(dim)


# %% [markdown]
# ## The best constant step needs the distance to the solution
#
# Take a convex $f$ whose subgradients are bounded, $\lVert g\rVert \le G$, and the subgradient
# method $\theta_{k+1} = \theta_k - \alpha g_k$. Expanding the square,
#
# $$
# \begin{aligned}
# \lVert\theta_{k+1} - \theta^\star\rVert^2
#   &= \lVert\theta_k - \theta^\star\rVert^2 \\
#   &\quad - 2\alpha\, g_k^\top(\theta_k - \theta^\star)
#     + \alpha^2 \lVert g_k\rVert^2 ,
# \end{aligned}
# $$
#
# and convexity, $f(\theta_k) - f^\star \le g_k^\top(\theta_k - \theta^\star)$, give after summing
# over $K$ steps
#
# $$
# \begin{aligned}
# \min_{k < K} f(\theta_k) - f^\star
#   &\le \frac{(r^\star)^2}{2\alpha K} + \frac{\alpha G^2}{2} .
# \end{aligned}
# $$
#
# The first term wants a large step, the second a small one. The best constant step and its bound are
#
# $$
# \alpha^\star = \frac{r^\star}{G\sqrt K}, \qquad
# \min_{k<K} f(\theta_k) - f^\star \le \frac{r^\star G}{\sqrt K} .
# $$
#
# $G$ can be measured from the gradients a run sees (AdaGrad's denominator does it, see
# {doc}`../part3/adaptive_methods`); $r^\star$ cannot, since it needs the answer. A step
# $\alpha = \gamma\,\alpha^\star$ that misjudges $r^\star$ by the factor $\gamma$ has the bound
# $\tfrac12(\gamma + 1/\gamma)\, r^\star G/\sqrt K$: the price grows linearly in the error, in either direction.

# %%
factors = {c: (c + 1 / c) / 2 for c in (0.01, 0.1, 1.0, 10.0, 100.0)}
for c, factor in factors.items():
    print(f"step = {c:>6} x the best one: bound {factor:7.2f} x the best bound")
assert factors[1.0] == 1.0 and factors[100.0] == factors[0.01] > 50

# %% [markdown]
# ## A lower bound on $r^\star$ from the run
#
# Any run with steps along weights $\eta_i \ge 0$ can bound $r^\star$ from below with what it has
# already seen. Collect
#
# $$
# \begin{aligned}
# s_k &= \sum_{i<k} \eta_i g_i, \\
# u_k &= \sum_{i<k} \eta_i\, g_i^\top(\theta_0 - \theta_i) .
# \end{aligned}
# $$
#
# Convexity at every visited point, then $\theta_i - \theta^\star = (\theta_0 - \theta^\star) -
# (\theta_0 - \theta_i)$, then Cauchy–Schwarz:
#
# $$
# \begin{aligned}
# 0 &\le \sum_{i<k} \eta_i \bigl(f(\theta_i) - f^\star\bigr)
#    \le \sum_{i<k} \eta_i\, g_i^\top(\theta_i - \theta^\star) \\
#   &= s_k^\top(\theta_0 - \theta^\star) - u_k
#    \le \lVert s_k\rVert\, r^\star - u_k .
# \end{aligned}
# $$
#
# So $u_k / \lVert s_k\rVert \le r^\star$: a lower bound that needs no knowledge of $\theta^\star$,
# for *any* weights and any path of points. D-Adaptation {cite:p}`defazio2023` uses the running
# maximum of this bound, $\hat r_k$, in place of $r^\star$ in the step. Hölder's inequality with the
# pair $\ell_1$/$\ell_\infty$ instead of Cauchy–Schwarz gives $u_k / \lVert s_k\rVert_1 \le
# \lVert\theta_0 - \theta^\star\rVert_\infty$, the form Prodigy's Adam version uses (Adam's
# per-coordinate steps are measured in $\ell_\infty$).
#
# The bound is only as good as the progress already made. Gradient descent with a fixed step and
# $\eta_i = \alpha$ on the quadratic ($r^\star = \lVert\theta^\star\rVert$, start at 0):

# %%
A, theta_star = quadratic(seed=0, scale=1.0)
r_star = np.linalg.norm(theta_star)


def gd_bound(alpha, steps):
    """GD with step alpha; the running maximum of u_k / ||s_k|| after each step."""
    theta, s, u, best = np.zeros(20), np.zeros(20), 0.0, []
    for _ in range(steps):
        g = A @ (theta - theta_star)
        u += alpha * g @ (0.0 - theta)
        s += alpha * g
        best.append(max(best[-1] if best else 0.0, u / np.linalg.norm(s)))
        theta = theta - alpha * g
    return np.array(best)


bounds = {alpha: gd_bound(alpha, 2000) for alpha in (1e-4, 1e-2)}
for alpha, bound in bounds.items():
    assert np.all(bound <= r_star)
    print(f"GD, step {alpha:g}: bound / r* after 10, 100, 2000 steps:",
          ", ".join(f"{bound[k - 1] / r_star:.3f}" for k in (10, 100, 2000)))
assert bounds[1e-4][9] < 0.01 * r_star < 0.1 * r_star < bounds[1e-2][9]

# %% [markdown]
# Every value stays below $r^\star$ (asserted). The bound grows with the progress made: after 10
# steps it is below 1 % of $r^\star$ with the step $10^{-4}$ and above 10 % with the step 0.01 (just
# under $2/L = 0.02$, asserted); once the run has gone most of the way it is about half of
# $r^\star$ for both. (In one dimension with small steps, $u_k$ tends to $\int_0^{r^\star} x\,dx =
# (r^\star)^2/2$ and $\lVert s_k\rVert$ to $r^\star$: half is what a full run gives.) Hence the design of every method of this family: start with a deliberately small
# $\hat r_0$, step with it, let the progress raise the bound, and step with the new bound.
#
# ## Prodigy
#
# Prodigy {cite:p}`mishchenko2023` puts the estimate into Adam. With $g_k = \nabla f(\theta_k)$,
# $m_0 = v_0 = s_0 = 0$, $u_0 = 0$, $\hat r_0$ small ($10^{-6}$) and $\beta_3 = \sqrt{\beta_2}$,
# step $k$ of the paper's Algorithm 3 is
#
# $$
# \begin{aligned}
# m_{k+1} &= \beta_1 m_k + (1-\beta_1)\,\hat r_k g_k, \\
# v_{k+1} &= \beta_2 v_k + (1-\beta_2)\,\hat r_k^2 g_k^2, \\
# \eta_k &= (1 - \beta_3)\,\alpha_k \hat r_k^2, \\
# u_{k+1} &= \beta_3 u_k
#   + \eta_k\, g_k^\top(\theta_0 - \theta_k), \\
# s_{k+1} &= \beta_3 s_k + \eta_k\, g_k, \\
# \hat r_{k+1} &= \max\bigl(\hat r_k,\;
#   u_{k+1} / \lVert s_{k+1}\rVert_1\bigr), \\
# \theta_{k+1} &= \theta_k - \alpha_k \hat r_k\,
#   \frac{m_{k+1}}{\sqrt{v_{k+1}} + \hat r_k\varepsilon} .
# \end{aligned}
# $$
#
# The sums are the bound's, with the weights $\eta_i \propto \hat r_i^2$ and a slow decay
# $\beta_3$, which favour recent gradients (taken with larger steps); the bound above holds for any
# nonnegative weights, so $\hat r_k \le \max(\hat r_0, \lVert\theta_0 - \theta^\star\rVert_\infty)$
# for a convex $f$. Adam's direction $m/\sqrt v$ is unchanged by the factors $\hat r_k$ inside
# $m$ and $v$ (they cancel when $\hat r$ is constant): the step length is $\alpha_k\hat r_k$. From
# scratch, line by line, and against `gdlearn.optim.Prodigy`:


# %%
def prodigy(grad, theta0, steps, d0=1e-6, betas=(0.9, 0.999), eps=1e-8):
    """Prodigy's Algorithm 3 with alpha_k = 1; the iterates and the estimates."""
    b1, b2 = betas
    b3 = np.sqrt(b2)
    theta, r_hat = theta0.copy(), d0
    m, v, s, u = (np.zeros_like(theta0), np.zeros_like(theta0),
                  np.zeros_like(theta0), 0.0)
    path, estimates = [theta], [r_hat]
    for _ in range(steps):
        g = grad(theta)
        m = b1 * m + (1 - b1) * r_hat * g
        v = b2 * v + (1 - b2) * r_hat**2 * g**2
        lam = (1 - b3) * r_hat**2
        u = b3 * u + lam * g @ (theta0 - theta)
        s = b3 * s + lam * g
        r_next = max(r_hat, u / np.sum(np.abs(s)))
        theta = theta - r_hat * m / (np.sqrt(v) + r_hat * eps)
        r_hat = r_next
        path.append(theta)
        estimates.append(r_hat)
    return np.array(path), np.array(estimates)


def grad_q(theta):
    return A @ (theta - theta_star)


ours, r_hats = prodigy(grad_q, np.zeros(20), 300)
opt = Prodigy()
theirs = [np.zeros(20)]
for _ in range(300):
    theirs.append(opt.step(theirs[-1], grad_q(theirs[-1])))
assert np.allclose(ours, theirs, rtol=1e-10, atol=1e-12)
assert np.allclose(r_hats, opt.d_history + [opt.d], rtol=1e-10)
print("from scratch and gdlearn agree over 300 steps (to 1e-10):", True)

r_inf = np.max(np.abs(theta_star))
assert np.all(np.diff(r_hats) >= 0) and r_hats[-1] <= r_inf
print(f"r* = {r_star:.3f}, ||theta_0 - theta*||_inf = {r_inf:.3f}")
print(f"final estimate {r_hats[-1]:.3f} = {r_hats[-1] / r_inf:.3f} x the l-inf one")
passed = [np.argmax(r_hats > share * r_hats[-1]) for share in (0.01, 0.5)]
print(f"the estimate passed 1% of its final value after {passed[0]} steps, "
      f"50% after {passed[1]}")

# %% [markdown]
# The estimate rises from $10^{-6}$ by five orders of magnitude within about 15 steps (Adam's
# steps of size about $\hat r_k$ move $\theta$ by that much, which raises $u_k$, which raises the
# estimate), then settles below the $\ell_\infty$ distance, as the bound says it must. It ends well
# below it: a lower bound is not an estimate of $r^\star$ to a fixed factor, and Prodigy's step is
# $\hat r_k$ *per coordinate*, which on this problem is enough. The figure shows it next to Adam.

# %%
def adam_runs(a, target, lrs, steps, tol=1e-6):
    """Adam (torch's rule, from scratch) for every learning rate in lrs at once, from 0:
    one column per rate. Returns the paths of f - f* and the steps to
    f - f* <= tol f0."""
    lrs = np.asarray(lrs, dtype=float)
    x = np.zeros((len(target), len(lrs)))
    m, v = np.zeros_like(x), np.zeros_like(x)
    e = x - target[:, None]
    f0 = 0.5 * target @ a @ target
    gaps, hit = [], np.full(len(lrs), np.inf)
    for k in range(steps):
        e = x - target[:, None]
        g = a @ e
        gap = 0.5 * np.sum(e * g, axis=0)
        gaps.append(gap)
        hit[(gap <= tol * f0) & np.isinf(hit)] = k
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        t = k + 1
        x = x - lrs * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return np.array(gaps), hit


# the vectorized Adam is torch's Adam: one column against gdlearn
check = Adam(lr=0.3)
theta = np.zeros(20)
for _ in range(50):
    theta = check.step(theta, grad_q(theta))
gaps_check, _ = adam_runs(A, theta_star, [0.3, 0.003], 51)
e_end = theta - theta_star
assert np.isclose(gaps_check[50, 0], 0.5 * e_end @ A @ e_end, rtol=1e-9)

K = 300
gaps_adam, _ = adam_runs(A, theta_star, [0.3, 0.003], K)
gap_prodigy = np.array([0.5 * (p - theta_star) @ A @ (p - theta_star)
                        for p in ours[:K]])

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 7))
ax1.semilogy(r_hats, label=r"Prodigy's $\hat r_k$")
ax1.axhline(r_star, linestyle="--", color="k", label=r"$r^\star$ ($\ell_2$)")
ax1.axhline(r_inf, linestyle=":", color="k", label=r"$\ell_\infty$ distance")
ax1.set(xlabel="step $k$", ylabel="distance", title="the estimate")
ax1.legend()
ax2.semilogy(gap_prodigy, label="Prodigy (no tuning)")
ax2.semilogy(gaps_adam[:, 0], label="Adam, lr 0.3 (tuned)")
ax2.semilogy(gaps_adam[:, 1], label="Adam, lr 0.003")
ax2.set(xlabel="step $k$", ylabel=r"$f(\theta_k) - f^\star$", title="the loss")
ax2.legend()
plt.show()

# %% [markdown]
# *The figure shows, in the top panel, Prodigy's distance estimate on a log scale against the step: it
# starts at one millionth, climbs steeply for about 15 steps and levels off near 0.16, below the two
# horizontal lines, the Euclidean distance to the solution (5.0) and the largest coordinate distance
# (3.0). In the bottom panel, the suboptimality on a log scale: Prodigy, after a flat start, falls
# about as fast as Adam with its tuned learning rate 0.3, while Adam with the rate 0.003 barely
# decreases in 300 steps.*
#
# ## What it buys: no learning-rate grid
#
# Move the solution: the same quadratic with $\theta^\star$ scaled by 0.01, 1 and 100, five seeds
# each (the seed draws the rotation and $\theta^\star$). Adam gets a grid of 13 rates from
# $10^{-4}$ to $10^{2}$; every run counts the steps until $f - f^\star \le 10^{-6}\,(f(\theta_0) -
# f^\star)$, at most 1000.

# %%
SCALES, SEEDS, MAX_STEPS = (0.01, 1.0, 100.0), range(5), 1000
lrs = 10.0 ** np.arange(-4, 2.01, 0.5)


def prodigy_steps(a, target, tol=1e-6, **kw):
    opt, theta = Prodigy(**kw), np.zeros(len(target))
    f0 = 0.5 * target @ a @ target
    for k in range(MAX_STEPS):
        e = theta - target
        if 0.5 * e @ a @ e <= tol * f0:
            return k, opt
        theta = opt.step(theta, a @ e)
    return np.inf, opt


adam_hits = {}     # scale -> array (seeds, lrs)
prodigy_hits = {}  # scale -> list over seeds
for scale in SCALES:
    adam_hits[scale] = np.array([adam_runs(*quadratic(seed, scale), lrs, MAX_STEPS)[1]
                                 for seed in SEEDS])
    prodigy_hits[scale] = [prodigy_steps(*quadratic(seed, scale))[0] for seed in SEEDS]


def about(n):
    """A count rounded to two significant digits (it depends on a tolerance)."""
    return "never" if not np.isfinite(n) else f"about {float(f'{n:.2g}'):,.0f}"


lr_at_1 = lrs[np.argmin(np.median(adam_hits[1.0], axis=0))]
print(f"Adam's best rate at scale 1: {lr_at_1:.2g}")
print(f"{'scale':>6} {'Adam best lr':>13} {'steps':>12} {'Adam lr 0.32':>13}"
      f" {'Prodigy':>12}")
summary = {}
for scale in SCALES:
    med = np.median(adam_hits[scale], axis=0)
    best = np.argmin(med)
    fixed = med[np.argmin(np.abs(lrs - lr_at_1))]
    summary[scale] = (lrs[best], med[best], fixed, np.median(prodigy_hits[scale]))
    print(f"{scale:>6g} {lrs[best]:>13.2g} {about(med[best]):>12} {about(fixed):>13}"
          f" {about(summary[scale][3]):>12}")

best_lrs = [summary[s][0] for s in SCALES]
assert np.allclose(np.diff(np.log10(best_lrs)), 2.0)  # moves with the scale
assert not np.isfinite(summary[100.0][2])  # the rate tuned at scale 1 fails there
for scale in SCALES:  # Prodigy: within 1.3x of tuned Adam
    assert summary[scale][3] <= 1.3 * summary[scale][1]
    assert max(prodigy_hits[scale]) < MAX_STEPS

# %% [markdown]
# Adam's best rate moves by a factor 100 with each factor 100 in the scale of the solution (its
# steps are about $\alpha$ per coordinate, so the rate is a distance). The rate tuned at scale 1
# never reaches the target within 1000 steps when the solution is 100 times farther, and is slower
# when it is 100 times closer. Prodigy, with its defaults, needs about as many steps at every scale,
# within 30 % of Adam with the rate tuned for that scale (asserted). The figure shows the whole grid.

# %%
fig, ax = plt.subplots(figsize=(7, 4))
markers = ("o", "s", "^")
for scale, marker in zip(SCALES, markers, strict=True):
    med = np.median(adam_hits[scale], axis=0)
    shown = np.where(np.isfinite(med), med, np.nan)
    ax.loglog(lrs, shown, marker=marker, label=f"Adam, scale {scale:g}")
for scale, style in zip(SCALES, ("-", "--", ":"), strict=True):
    ax.axhline(summary[scale][3], color="k", linestyle=style, linewidth=1,
               label=f"Prodigy, scale {scale:g}")
ax.set(xlabel="Adam's learning rate", ylabel="steps to the target (median of 5)")
ax.legend(fontsize=9, ncol=2)
plt.show()

# %% [markdown]
# *The figure shows, on log-log axes, the median number of steps Adam needs to reach the target
# against its learning rate, one curve per scale of the solution (circles 0.01, squares 1, triangles
# 100). Each curve is a valley with its floor near 120 steps, and the valleys are shifted right by
# two decades per factor 100 in scale; to the left of each valley the runs never reach the target
# and the curve stops. Three black horizontal lines (solid, dashed, dotted) mark Prodigy's median at
# the three scales; they lie close together, slightly above the floors of the valleys.*
#
# ## Where it fails
#
# The bound holds for convex functions and exact gradients, and the method only ever raises its
# estimate. Each of the following breaks one of those, measured on the same problems.
#
# **The start guess $\hat r_0$.** Too small costs little: the estimate grows geometrically, so the
# delay is logarithmic in $r^\star / \hat r_0$. Too large is never corrected, because
# $\hat r_k \ge \hat r_0$ forever.

# %%
d0_rows = {}
for d0 in (1e-2, 1e-6, 1e-10, 1e-16, 1e2, 1e4):
    d0_rows[d0] = np.median([prodigy_steps(*quadratic(seed, 1.0), d0=d0)[0]
                             for seed in SEEDS])
    print(f"d0 = {d0:7.0e}: {about(d0_rows[d0])} steps")
assert d0_rows[1e-16] <= 1.5 * d0_rows[1e-6] and d0_rows[1e-2] <= d0_rows[1e-6]
assert d0_rows[1e4] >= 1.5 * d0_rows[1e-6]

# %% [markdown]
# From $10^{-2}$ down to $10^{-16}$ the cost grows slowly (14 orders of magnitude of $\hat r_0$ cost
# less than half as many steps again, asserted). A start guess 20 or 2000 times above $r^\star$ is
# an Adam step that is too large, and nothing in the method can lower the estimate. On this
# deterministic quadratic it costs steps rather than failing (at least 1.5 times as many for
# $10^4$, asserted): Adam's second-moment average grows with the large gradients an overshoot
# produces and shortens the steps. With noisy gradients a too-large step would leave a higher
# noise floor instead.
#
# **A growth cap.** `growth_rate` $\omega$ limits $\hat r_{k+1} \le \omega\,\hat r_k$, a kind of
# warm-up. With nothing to warm up, it only delays: from $10^{-6}$ to about $0.2$ at 2 % per step
# takes $\log(2\cdot 10^5)/\log 1.02 \approx 620$ steps.

# %%
growth_rows = {}
for omega in (np.inf, 1.1, 1.02):
    growth_rows[omega] = np.median(
        [prodigy_steps(*quadratic(seed, 1.0), growth_rate=omega)[0] for seed in SEEDS])
    print(f"growth_rate {omega:>4}: {about(growth_rows[omega])} steps")
assert growth_rows[1.02] > 3 * growth_rows[np.inf]

# %% [markdown]
# **Noisy gradients.** A logistic regression (500 examples, 10 features, an L2 term $0.005\lVert
# \theta\rVert^2$ so the solution is unique) trained with minibatches of 5, three seeds, 1000 steps.
# The bound assumed exact gradients. Adam gets a grid of 5 rates, with a constant rate and with a
# cosine decay to zero; Prodigy gets $\alpha_k = 1$ and the cosine multiplier the authors recommend.

# %%
rng = np.random.default_rng(0)
X, y, _ = make_logistic(500, 10, rng, scale=3.0)
L2 = 1e-2


def full_grad(w):
    return X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / len(y) + L2 * w


def loss(w):
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * L2 * w @ w


w_star = np.zeros(10)
for _ in range(30):  # Newton's method for the reference solution
    p = 1 / (1 + np.exp(-(X @ w_star)))
    hess = (X.T * (p * (1 - p))) @ X / len(y) + L2 * np.eye(10)
    w_star = w_star - np.linalg.solve(hess, full_grad(w_star))
assert np.linalg.norm(full_grad(w_star)) < 1e-12
f_star, w_inf = loss(w_star), np.max(np.abs(w_star))
STEPS, BATCH, ADAM_LRS = 1000, 5, np.array([1e-3, 3e-3, 1e-2, 3e-2, 1e-1])


def batches(seed):
    r = np.random.default_rng(seed)
    return [r.choice(len(y), BATCH, replace=False) for _ in range(STEPS)]


def prodigy_noisy(seed, schedule):
    opt = Prodigy(lr=CosineDecay(1.0, total_steps=STEPS) if schedule else 1.0)
    w = np.zeros(10)
    for idx in batches(seed):
        xb, yb = X[idx], y[idx]
        w = opt.step(w, xb.T @ (1 / (1 + np.exp(-(xb @ w))) - yb) / BATCH + L2 * w)
    return loss(w) - f_star, opt.d / w_inf


def adam_noisy(seed, schedule):
    """Adam from scratch for every rate in ADAM_LRS at once (columns); final gaps."""
    w = np.zeros((10, len(ADAM_LRS)))
    m, v = np.zeros_like(w), np.zeros_like(w)
    for k, idx in enumerate(batches(seed)):
        xb, yb = X[idx], y[idx]
        g = xb.T @ (1 / (1 + np.exp(-(xb @ w))) - yb[:, None]) / BATCH + L2 * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        t = k + 1
        lr = ADAM_LRS * (0.5 * (1 + np.cos(np.pi * k / STEPS)) if schedule else 1.0)
        w = w - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return np.array([loss(w[:, j]) - f_star for j in range(len(ADAM_LRS))])


opt_full, w_full = Prodigy(), np.zeros(10)
for _ in range(STEPS):
    w_full = opt_full.step(w_full, full_grad(w_full))
full_ratio = opt_full.d / w_inf
noisy = {s: [prodigy_noisy(seed, s) for seed in range(3)] for s in (False, True)}
adam = {s: np.median([adam_noisy(seed, s) for seed in range(3)], axis=0)
        for s in (False, True)}
print(f"estimate / l-inf distance: full batch {full_ratio:.2f}, minibatch of 5: "
      + ", ".join(f"{r:.2f}" for _, r in noisy[False]))
for s, name in ((False, "constant"), (True, "cosine  ")):
    gaps = np.median([g for g, _ in noisy[s]])
    best = np.argmin(adam[s])
    print(f"{name}: Prodigy gap {gaps:.1e}; Adam best of 5 rates ({ADAM_LRS[best]:g}) "
          f"{adam[s][best]:.1e}")
gap_const = np.median([g for g, _ in noisy[False]])
gap_cos = np.median([g for g, _ in noisy[True]])
assert all(r < full_ratio for _, r in noisy[False])
assert gap_const > 10 * adam[False].min()      # no schedule: far above Adam's best rate
assert gap_cos < 0.2 * gap_const  # the cosine multiplier removes most of it
assert gap_cos < 3 * adam[True].min()  # and brings it near Adam's best with cosine

# %% [markdown]
# With noise the estimate is smaller than with exact gradients at every seed (asserted): noise
# that does not point back to $\theta_0$ adds to $\lVert s_k\rVert_1$ more than to $u_k$, which
# errs on the safe side. But without a schedule Prodigy's gap is more than 10 times that of Adam
# at its best constant rate (asserted): its step is about the estimate, which never shrinks, while
# the grid found a smaller constant rate for Adam. The cosine multiplier cuts Prodigy's gap by more
# than five times, to within 3 times Adam's best cosine run (both asserted). Learning-rate-free
# does not mean schedule-free.
#
# **A non-convex loss.** On a small network (the two-moons data of 100 points, one hidden layer of
# 8 tanh units) the bound says nothing, and the "distance to a solution" need not even exist: the
# classes are nearly separable, so the loss keeps decreasing as the weights grow.

# %%
Xm, ym = make_moons(100, np.random.default_rng(0), noise=0.2)
net = MLP(Xm, ym, hidden=(8,), activation="tanh", output="sigmoid")


def train_net(opt, seed, steps=250):
    params = net.init(np.random.default_rng(seed))
    start = {k: v.copy() for k, v in params.items()}
    for _ in range(steps):
        params = opt.step(params, net.grad(params))
    moved = max(np.max(np.abs(params[k] - start[k])) for k in params)
    return net.value(params), moved


net_rows = []
for seed in range(2):
    opt = Prodigy()
    value, moved = train_net(opt, seed)
    adam_values = {lr: train_net(Adam(lr=lr), seed)[0] for lr in (0.003, 0.03, 0.3)}
    print(f"seed {seed}: Prodigy loss {value:.1e} (estimate {opt.d:.2f}, "
          f"weights moved up to {moved:.0f});\n  Adam "
          + ", ".join(f"lr {lr:g}: {v:.1e}" for lr, v in adam_values.items()))
    net_rows.append((value, min(adam_values.values()), opt.d, moved))
assert net_rows[0][0] > 5 * net_rows[0][1] and net_rows[1][0] < net_rows[1][1]
assert all(d < 0.1 * moved for _, _, d, moved in net_rows)

# %% [markdown]
# The two seeds disagree: with the first, Prodigy ends more than 5 times above the best Adam rate
# of the three; with the second it ends below all three (both asserted). The estimate no longer
# means a distance either: the weights moved more than 10 times farther than $\hat r_k$
# (asserted), which stays a per-coordinate step size that happened to work or not. Two seeds of a
# small network show only that nothing is guaranteed here; how the method fares on large
# non-convex models is an empirical question, which the paper studies on image and language
# benchmarks {cite:p}`mishchenko2023`.
#
# ## Key points
#
# - For a convex $G$-Lipschitz function the best constant step is $r^\star/(G\sqrt K)$; misjudging
#   $r^\star$ by a factor $\gamma$ multiplies the guarantee by $(\gamma + 1/\gamma)/2$.
# - Convexity gives a lower bound computable from the run, $u_k/\lVert s_k\rVert \le r^\star$, for
#   any nonnegative weights; with the $\ell_1$ norm it bounds the $\ell_\infty$ distance.
# - D-Adaptation and Prodigy step with the running maximum of that bound, started deliberately
#   small; Prodigy weights recent gradients more and puts the estimate into Adam.
# - Measured on quadratics at three scales, Prodigy with default settings needs about as many steps
#   as Adam with a rate tuned per scale, while a single Adam rate fails when the scale moves.
# - The estimate never decreases: a too-large $\hat r_0$ is never corrected, a growth cap delays,
#   with noisy gradients and no schedule the loss stalls far above a tuned Adam's (a decaying
#   $\alpha_k$ repairs most of it), and on a non-convex loss the estimate is no longer a distance
#   and the outcome varies with the seed.
#
# ## Exercises
#
# ```{exercise} The best constant step
# :label: ex-lrf-best-step
# From $\min_{k<K} f(\theta_k) - f^\star \le (r^\star)^2/(2\alpha K) + \alpha G^2/2$, derive the
# best $\alpha$ and the bound it gives, and show that $\alpha = \gamma\,\alpha^\star$ gives
# $\tfrac12(\gamma + 1/\gamma)$ times that bound.
# ```
#
# ```{solution-start} ex-lrf-best-step
# :class: dropdown
# ```
#
# The right side $h(\alpha) = a/\alpha + b\alpha$ with $a = (r^\star)^2/(2K)$ and $b = G^2/2$ is
# convex in $\alpha > 0$; $h'(\alpha) = -a/\alpha^2 + b = 0$ gives $\alpha^\star = \sqrt{a/b} =
# r^\star/(G\sqrt K)$ and $h(\alpha^\star) = 2\sqrt{ab} = r^\star G/\sqrt K$. At $\gamma\alpha^\star$,
# $h = a/(\gamma\alpha^\star) + b\gamma\alpha^\star = \sqrt{ab}\,(1/\gamma + \gamma)$, which is $\tfrac12(\gamma + 1/\gamma)$
# times $2\sqrt{ab}$. A check with numbers:

# %%
a_, b_ = 4.0**2 / (2 * 100), 3.0**2 / 2        # r* = 4, G = 3, K = 100
alphas = np.geomspace(1e-3, 10, 200001)
h = a_ / alphas + b_ * alphas
assert np.isclose(alphas[np.argmin(h)], 4.0 / (3.0 * 10), rtol=1e-4)
assert np.isclose(h.min(), 4.0 * 3.0 / 10, rtol=1e-8)
print("best step r*/(G sqrt K) and bound r* G / sqrt K confirmed on a grid:", True)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} D-Adaptation's estimate for gradient descent
# :label: ex-lrf-dadapt
# For gradient descent with steps $\theta_{i+1} = \theta_i - \eta_i g_i$ from $\theta_0$, show
# that $\theta_0 - \theta_k = s_k$ and that
# $u_k = \tfrac12\bigl(\lVert s_k\rVert^2 - \sum_{i<k}\eta_i^2\lVert g_i\rVert^2\bigr)$, so the
# bound needs only $s_k$ and the sum of squared step lengths.
# ```
#
# ```{solution-start} ex-lrf-dadapt
# :class: dropdown
# ```
#
# Summing the steps gives $\theta_0 - \theta_k = \sum_{i<k}\eta_i g_i = s_k$. Then
# $u_k = \sum_{i<k}\eta_i g_i^\top s_i$, and
#
# $$
# \begin{aligned}
# \lVert s_{i+1}\rVert^2 &= \lVert s_i + \eta_i g_i\rVert^2 \\
# &= \lVert s_i\rVert^2 + 2\eta_i g_i^\top s_i
#   + \eta_i^2\lVert g_i\rVert^2 .
# \end{aligned}
# $$
#
# Summing over $i < k$ with $s_0 = 0$: $\lVert s_k\rVert^2 = 2u_k + \sum_{i<k}\eta_i^2
# \lVert g_i\rVert^2$, which is the claim. This is the form in which {cite:t}`defazio2023` write
# their estimate. Checked on the quadratic:

# %%
theta, s_vec, u_sum, sq = np.zeros(20), np.zeros(20), 0.0, 0.0
rng_ex = np.random.default_rng(1)
for _ in range(50):
    g = grad_q(theta)
    lam_i = rng_ex.uniform(0.001, 0.01)
    u_sum += lam_i * g @ (0.0 - theta)
    s_vec += lam_i * g
    sq += lam_i**2 * g @ g
    theta = theta - lam_i * g
assert np.allclose(-theta, s_vec) and np.isclose(u_sum, 0.5 * (s_vec @ s_vec - sq))
print("u_k = (||s_k||^2 - sum of squared steps) / 2 holds:", True)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Which norm
# :label: ex-lrf-norm
# Show that $u_k/\lVert s_k\rVert_1 \le \lVert\theta_0 - \theta^\star\rVert_\infty$ for convex $f$,
# and that $\lVert\theta_0 - \theta^\star\rVert_\infty \le r^\star \le \sqrt d\,
# \lVert\theta_0 - \theta^\star\rVert_\infty$. Why is the $\ell_\infty$ distance the natural scale
# for an Adam step?
# ```
#
# ```{solution-start} ex-lrf-norm
# :class: dropdown
# ```
#
# The chain of the chapter stops at $s_k^\top(\theta_0 - \theta^\star) - u_k \ge 0$. Hölder's
# inequality $|s^\top w| \le \lVert s\rVert_1\lVert w\rVert_\infty$ gives $u_k \le \lVert
# s_k\rVert_1 \lVert\theta_0 - \theta^\star\rVert_\infty$. For any $w \in \mathbb R^d$,
# $\max_i |w_i|^2 \le \sum_i w_i^2 \le d\max_i |w_i|^2$, which is the second pair. Adam moves every
# coordinate by about $\alpha$ per step (its direction $m/\sqrt v$ has entries of size about 1), so
# $K$ steps reach a point at most about $K\alpha$ away *in every coordinate*: the step is an
# $\ell_\infty$ length, and the coordinate farthest from the solution sets how far it must go.
#
# ```{solution-end}
# ```
#
# ## References
#
# D-Adaptation and its lower bound are due to {cite:t}`defazio2023`; Prodigy, its weights and its
# Adam version to {cite:t}`mishchenko2023`. The subgradient method's bound is classical, see
# {cite:t}`nesterov2004`; Adam is {cite:t}`kingma2015`. Full entries are in the
# {doc}`../appendix/bibliography`.
